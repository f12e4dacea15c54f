// Types of bot.mjs, for the TypeScript tests that run its decisions inside Brine's conversation object.

export interface Action {
  type: string;
  [field: string]: unknown;
}
export const MENU_ID: string;
export const PARTNER_EMAIL: string;
export const MENU: { id: string; label: string }[];
export const FAQ: Record<string, { words: RegExp; answer: string }>;
/** A person has the conversation: an agent engaged, or the customer waiting for one. */
export function handedOver(event: unknown): boolean;
/** The FAQ topic free text is about, if the bot recognises one. */
export function topicOf(text: string): string | undefined;
/** The answer to one event; `actions: []` to stay silent. */
export function decide(event: unknown): { requestId: string; actions: Action[] };
