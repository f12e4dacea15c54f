import type { LiveTurn } from "../../schemas/live";

// The widget's pure logic: what it keeps across reloads, how turns from frames and states merge,
// which messages still wait for the server, and how long to wait before reconnecting.

// The server's limits (MAX_MESSAGE_CHARS and MAX_FILE_BYTES in schemas/live.ts). Copied, not
// imported: a value imported from schemas/ pulls zod into the widget (45 KB becomes 450 KB); a unit
// test keeps the copies equal.
/** Characters one message may hold. */
export const MAX_MESSAGE_CHARS = 4_000;
/** Bytes one attachment may have, when the brand's config does not say. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A message the customer wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  content: string;
  /** Set when the server refused it (an `error` frame naming its clientId); it is then not re-sent. */
  error?: { code: string; message: string };
}

/** The conversation the widget resumes after a reload. */
export interface StoredSession {
  conversationPid: string;
  customerToken: string;
  /** The last page address sent as a `navigation` frame. */
  lastUrl?: string;
}

/**
 * What the widget keeps in localStorage per account and brand: the conversation once started,
 * and the messages not yet acknowledged (kept even before the conversation starts).
 */
export interface StoredChat {
  session: StoredSession | null;
  pending: PendingMessage[];
}

/** The localStorage key of one account's brand. */
export function sessionKey(accountId: string, brandId: string): string {
  return `brine-universal-chat:${accountId}:${brandId}`;
}

function isPending(value: unknown): value is PendingMessage {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.clientId === "string" && typeof p.content === "string";
}

/** The stored chat; empty when there is none or it is not one this widget wrote. */
export function parseStoredChat(raw: string | null): StoredChat {
  let value: unknown = null;
  try {
    value = raw ? JSON.parse(raw) : null;
  } catch {
    value = null;
  }
  if (typeof value !== "object" || value === null) return { session: null, pending: [] };
  const s = value as Record<string, unknown>;
  const pending = Array.isArray(s.pending) ? s.pending.filter(isPending) : [];
  if (typeof s.conversationPid !== "string" || typeof s.customerToken !== "string") return { session: null, pending };
  return {
    session: {
      conversationPid: s.conversationPid,
      customerToken: s.customerToken,
      ...(typeof s.lastUrl === "string" ? { lastUrl: s.lastUrl } : {}),
    },
    pending,
  };
}

/** The JSON to store for a chat, or null when there is nothing to keep. */
export function serializeStoredChat(chat: StoredChat): string | null {
  if (!chat.session && chat.pending.length === 0) return null;
  return JSON.stringify({ ...chat.session, pending: chat.pending });
}

/**
 * `current` with `incoming` merged in by pid: a turn seen again replaces the earlier copy (the
 * newer copy wins), nothing appears twice, and the result is in time order (ties keep the order
 * they arrived in).
 */
export function mergeTurns(current: readonly LiveTurn[], incoming: readonly LiveTurn[]): LiveTurn[] {
  const byPid = new Map<string, LiveTurn>();
  for (const turn of current) byPid.set(turn.pid, turn);
  for (const turn of incoming) byPid.set(turn.pid, turn);
  return [...byPid.values()]
    .map((turn, index) => ({ turn, index }))
    .sort((a, b) => (a.turn.time < b.turn.time ? -1 : a.turn.time > b.turn.time ? 1 : a.index - b.index))
    .map((entry) => entry.turn);
}

/** The pending messages the server has not stored yet: those whose clientId no turn carries. */
export function unacknowledged(pending: readonly PendingMessage[], turns: readonly LiveTurn[]): PendingMessage[] {
  const stored = new Set(turns.flatMap((t) => (t.clientId ? [t.clientId] : [])));
  return pending.filter((p) => !stored.has(p.clientId));
}

/** Milliseconds to wait before reconnect attempt `attempt` (0 first): doubling from 500 ms up to 30 s, with jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * The questions the customer has answered: question pid → the chosen option's id. A question is
 * answered by the customer's first ANSWER turn after it and before the next question; the option
 * is the one whose label the answer carries (null if none matches).
 */
export function answeredQuestions(turns: readonly LiveTurn[]): Map<string, string | null> {
  const answered = new Map<string, string | null>();
  let open: LiveTurn | null = null;
  for (const turn of turns) {
    if (turn.options && turn.options.length > 0) {
      open = turn;
    } else if (open && turn.type === "ANSWER" && turn.participantType === "CUSTOMER") {
      const label = turn.content;
      answered.set(open.pid, open.options?.find((o) => o.label === label)?.id ?? null);
      open = null;
    }
  }
  return answered;
}

/** Whether the customer can rate this turn: messages of bots, agents and external agents. */
export function reviewable(turn: LiveTurn): boolean {
  return (
    turn.type === "MESSAGE" &&
    (turn.participantType === "BOT" || turn.participantType === "AGENT" || turn.participantType === "EXTERNAL_AGENT")
  );
}

/** A file size for people: "980 B", "12.4 KB", "10 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** Why a file cannot be sent before uploading it, or null when it may be. */
export function fileRefusal(file: { name: string; size: number }, maxBytes: number): string | null {
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; files up to ${formatBytes(maxBytes)} can be sent.`;
  }
  return null;
}
