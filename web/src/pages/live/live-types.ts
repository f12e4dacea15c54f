// The live conversations API as the app reads it (the contract in schemas/live.ts; the types
// the server does not export yet are written here from it).

export type ParticipantType = "CUSTOMER" | "AGENT" | "BOT" | "EXTERNAL_AGENT" | "SYSTEM";

export interface LiveTurn {
  pid: string;
  time: string;
  engagementPid: string;
  type: "MESSAGE" | "NOTE" | "ANSWER" | "EVENT" | "FILE";
  participantType: ParticipantType;
  participant?: string;
  participantName?: string;
  content: string;
  contentCustomer: string;
  status: string;
  options?: { id: string; label: string; technicalId?: string }[];
  externalId?: string;
  clientId?: string;
  file?: { name: string; mimeType: string; size: number; url: string };
  review?: "UP" | "DOWN";
}

export interface ConversationFlags {
  status: "IN_PROGRESS" | "COMPLETED";
  needsHelp: boolean;
  yourLogicWorking: boolean;
  engageYourLogic: boolean;
  fallbackToAgent: boolean;
}

export interface LiveParticipant {
  id: string;
  type: ParticipantType;
  name?: string | null;
  joinedAt: string;
  leftAt: string | null;
}

export interface ConversationState {
  accountId: string;
  pid: string;
  startConversationTime: string;
  channel: string;
  brand: string | null;
  url: string | null;
  languageCustomer: string | null;
  flags: ConversationFlags;
  needsHelpReason: string | null;
  customer: {
    pid: string;
    displayName: string | null;
    contacts: { contact: string; type: string }[];
    custom: Record<string, unknown>;
  };
  custom: Record<string, unknown>;
  engagements: {
    pid: string;
    time: string;
    endTime: string | null;
    type: "QUEUE" | "BOT" | "AGENT" | "INVITATION";
    status: string;
    agent?: string;
    agentName?: string;
  }[];
  turns: LiveTurn[];
  participants: LiveParticipant[];
}

export type InboxSectionId = "mine" | "helpNeeded" | "recentlyLeft" | "all";

export interface InboxItem {
  conversationPid: string;
  customerPid: string;
  customerName: string | null;
  channel: string;
  brand: string | null;
  status: string;
  needsHelp: boolean;
  needsHelpReason: string | null;
  yourLogicWorking: boolean;
  lastTurn: { time: string; participantType: ParticipantType; content: string } | null;
  startTime: string;
  updatedTime: string;
  agents: { id: string; name: string | null }[];
  leftAt?: string | null;
}

/** A button an account configured (Settings → Action buttons). */
export interface ActionButton {
  name: string;
  label: string;
  visibleToExternal: boolean;
}

export const ENGAGEMENT_OUTCOMES = ["RESOLVED", "UNRESOLVED", "TRANSFERRED", "ABANDONED"] as const;
export type EngagementOutcome = (typeof ENGAGEMENT_OUTCOMES)[number];

export interface InvitationInput {
  email?: string;
  phone?: string;
  name?: string;
  note?: string;
}

export interface InvitationCreated {
  invitation: { pid: string; contact: string; contactType: string; name: string | null; expiresAt: string };
  link: string;
}

/** What an external agent's link opens. */
export interface ExternalView {
  conversation: ConversationState;
  invitation: { pid: string; name: string | null; contact: string; expiresAt: string };
  /** The external agent's participant id in the conversation. */
  participant: string;
  buttons: { name: string; label: string }[];
}

/** What the conversation's socket sends. */
export type ServerFrame =
  | { type: "state"; conversation: ConversationState }
  | { type: "turn"; turn: LiveTurn; clientId?: string }
  | { type: "flags"; flags: ConversationFlags; needsHelpReason: string | null }
  | { type: "typing"; participantType: ParticipantType; participant?: string; typing: boolean }
  | { type: "error"; code: string; message: string; clientId?: string }
  | { type: "pong" };

/** What the inbox socket sends. */
export type InboxFrame = { type: "inbox"; conversationPid: string } | { type: "pong" };

export interface Brand {
  id: string;
  name: string;
  color: string;
  allowedOrigins: string[];
  openingMessage: string | null;
  placeholder: string | null;
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

export type BrandInput = Pick<Brand, "name" | "color" | "allowedOrigins" | "openingMessage" | "placeholder">;

export interface BrandSaved extends Brand {
  secret: string | null;
}
