import type { z } from "@hono/zod-openapi";
import type {
  BrandInput as BrandInputSchema,
  BrandSaved as BrandSavedSchema,
  ExternalView as ExternalViewSchema,
  InboxSection,
  InvitationCreated as InvitationCreatedSchema,
  InvitationInput as InvitationInputSchema,
} from "../../../../schemas/live";

// The live conversations API as the app reads it: the server's schemas (schemas/live.ts).

export type {
  ActionButton,
  Brand,
  ConversationFlags,
  ConversationState,
  InboxItem,
  LiveTurn,
  ParticipantType,
  ServerFrame,
} from "../../../../schemas/live";
export { ENGAGEMENT_OUTCOMES } from "../../../../schemas/live";

export type InboxSectionId = InboxSection;
export type EngagementOutcome = typeof import("../../../../schemas/live").ENGAGEMENT_OUTCOMES[number];
export type InvitationInput = Partial<Pick<z.input<typeof InvitationInputSchema>, "email" | "phone" | "name" | "note">>;
export type InvitationCreated = z.infer<typeof InvitationCreatedSchema>;
/** What an external agent's link opens. */
export type ExternalView = z.infer<typeof ExternalViewSchema>;
export type BrandInput = z.input<typeof BrandInputSchema>;
export type BrandSaved = z.infer<typeof BrandSavedSchema>;

/** What the inbox socket sends (workers/live/hub.ts). */
export type InboxFrame = { type: "inbox"; conversationPid: string } | { type: "pong" };
