import { z } from "@hono/zod-openapi";

// Live conversations: the conversation object's state, its socket frames, and Your Logic
// (the events Brine sends, the answers it accepts, the per-account settings).

/** Characters one message, note or question may hold. */
export const MAX_MESSAGE_CHARS = 4_000;
/** Bytes one socket frame may hold; larger frames are refused before parsing. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Bytes the JSON of a customer's or a conversation's custom data may take (seed 003). */
export const MAX_CUSTOM_BYTES = 1024;
/** Your Logic's time to answer an event, in seconds: default and bounds. */
export const DEFAULT_EXPIRY_SECONDS = 20;
export const MIN_EXPIRY_SECONDS = 1;
export const MAX_EXPIRY_SECONDS = 300;
/** Turns an event carries at most: the newest ones, in chronological order. */
export const EVENT_TURNS = 500;

export const CONVERSATION_STATUSES = ["IN_PROGRESS", "COMPLETED"] as const;
export const PARTICIPANT_TYPES = ["CUSTOMER", "AGENT", "BOT", "EXTERNAL_AGENT", "SYSTEM"] as const;
export const LIVE_ENGAGEMENT_TYPES = ["QUEUE", "BOT", "AGENT", "INVITATION"] as const;
export const LIVE_CHANNELS = ["CHAT", "WHATSAPP"] as const;
export const TURN_TYPES = ["MESSAGE", "NOTE", "ANSWER", "EVENT"] as const;

export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type ParticipantType = (typeof PARTICIPANT_TYPES)[number];
export type LiveEngagementType = (typeof LIVE_ENGAGEMENT_TYPES)[number];
export type LiveChannel = (typeof LIVE_CHANNELS)[number];
export type LiveTurnType = (typeof TURN_TYPES)[number];

const Content = z.string().trim().min(1).max(MAX_MESSAGE_CHARS);
const Language = z.string().trim().min(2).max(20);

/** Free-form custom data; its JSON is limited to MAX_CUSTOM_BYTES (checked where it is applied). */
export const CustomData = z.record(z.string(), z.unknown());
export type CustomData = z.infer<typeof CustomData>;

export const Contact = z.object({
  contact: z.string().trim().min(1).max(254),
  type: z.enum(["Email", "Phone", "Chat", "WhatsApp", "Other"]),
});
export type Contact = z.infer<typeof Contact>;

/** What a channel knows about the customer when a conversation starts. */
export const StartCustomer = z.object({
  pid: z.uuid().optional(),
  displayName: z.string().trim().max(100).optional(),
  contacts: z.array(Contact).max(20).default([]),
  custom: CustomData.optional(),
});

/** Starting a conversation (the channel calls this when a customer writes first). */
export const StartConversation = z.object({
  accountId: z.uuid(),
  conversationPid: z.uuid(),
  customer: StartCustomer,
  channel: z.enum(LIVE_CHANNELS),
  brand: z.string().trim().max(100).optional(),
  url: z.url().max(2048).optional(),
  languageCustomer: Language.optional(),
  custom: CustomData.optional(),
  /** Whether events go to Your Logic; defaults to whether the account has Your Logic enabled. */
  engageYourLogic: z.boolean().optional(),
});
export type StartConversation = z.input<typeof StartConversation>;

// ───────────────────────────── the conversation's state ─────────────────────────────

export const LiveEngagement = z.object({
  pid: z.string(),
  time: z.string(),
  endTime: z.string().nullable(),
  type: z.enum(LIVE_ENGAGEMENT_TYPES),
  status: z.enum(["IN_PROGRESS", "COMPLETED"]),
  agent: z.string().optional(),
});
export type LiveEngagement = z.infer<typeof LiveEngagement>;

export const QuestionOption = z.object({
  id: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
});
export type QuestionOption = z.infer<typeof QuestionOption>;

export const LiveTurn = z.object({
  pid: z.string(),
  time: z.string(),
  engagementPid: z.string(),
  type: z.enum(TURN_TYPES),
  participantType: z.enum(PARTICIPANT_TYPES),
  participant: z.string().optional(),
  content: z.string(),
  contentCustomer: z.string(),
  languageCustomer: z.string().optional(),
  status: z.string(),
  options: z.array(QuestionOption).optional(),
  externalId: z.string().optional(),
});
export type LiveTurn = z.infer<typeof LiveTurn>;

export const ConversationFlags = z.object({
  status: z.enum(CONVERSATION_STATUSES),
  needsHelp: z.boolean(),
  yourLogicWorking: z.boolean(),
  engageYourLogic: z.boolean(),
  fallbackToAgent: z.boolean(),
});
export type ConversationFlags = z.infer<typeof ConversationFlags>;

export const ConversationState = z
  .object({
    accountId: z.string(),
    pid: z.string(),
    startConversationTime: z.string(),
    channel: z.enum(LIVE_CHANNELS),
    brand: z.string().nullable(),
    url: z.string().nullable(),
    languageCustomer: z.string().nullable(),
    flags: ConversationFlags,
    needsHelpReason: z.string().nullable(),
    customer: z.object({
      pid: z.string(),
      displayName: z.string().nullable(),
      contacts: z.array(Contact),
      custom: CustomData,
    }),
    custom: CustomData,
    engagements: z.array(LiveEngagement),
    turns: z.array(LiveTurn),
    participants: z.array(
      z.object({
        id: z.string(),
        type: z.enum(PARTICIPANT_TYPES),
        joinedAt: z.string(),
        leftAt: z.string().nullable(),
      }),
    ),
    invitations: z.array(
      z.object({ pid: z.string(), email: z.string(), name: z.string().nullable(), time: z.string(), by: z.string() }),
    ),
    yourLogic: z.object({
      inFlight: z.object({ requestId: z.string(), trigger: z.string(), expires: z.string() }).nullable(),
      queued: z.number(),
    }),
  })
  .openapi("LiveConversation");
export type ConversationState = z.infer<typeof ConversationState>;

// ───────────────────────────── socket frames ─────────────────────────────

/** What a customer's or an agent's socket may send. Parsed with safeParse; a bad frame gets an `error` frame. */
export const ClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), content: Content, clientId: z.string().max(100).optional() }),
  z.object({ type: z.literal("note"), content: Content, clientId: z.string().max(100).optional() }),
  z.object({ type: z.literal("answer"), turnPid: z.uuid(), optionId: z.string().min(1).max(100) }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** What the conversation sends to its sockets. */
export type ServerFrame =
  | { type: "state"; conversation: ConversationState }
  | { type: "turn"; turn: LiveTurn; clientId?: string }
  | { type: "flags"; flags: ConversationFlags; needsHelpReason: string | null }
  | { type: "error"; code: string; message: string }
  | { type: "pong" };

// ───────────────────────────── Your Logic: answers ─────────────────────────────

export const AnswerControl = z
  .object({
    skipToTime: z.iso.datetime({ offset: true }).optional().openapi({
      description: "Drop queued events whose trigger happened before this time.",
    }),
    skipToLatest: z.boolean().optional().openapi({ description: "Drop every queued event except the newest." }),
    ignoreOnCustomerAction: z.boolean().optional().openapi({
      description: "Do not run the actions if the customer acted after the event was sent.",
    }),
    ignoreOnAgentAction: z.boolean().optional().openapi({
      description: "Do not run the actions if an agent acted after the event was sent.",
    }),
  })
  .openapi("YourLogicControl");
export type AnswerControl = z.infer<typeof AnswerControl>;

/** The actions Brine knows; each is checked on its own, so one bad action never loses the rest of the answer. */
export const YourLogicAction = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("MESSAGE"),
    content: Content,
    contentCustomer: Content.optional(),
    languageCustomer: Language.optional(),
  }),
  z.object({ type: z.literal("NOTE"), content: Content }),
  z.object({ type: z.literal("NEEDS_HELP"), needsHelp: z.boolean(), reason: z.string().trim().max(200).optional() }),
  z.object({
    type: z.literal("QUESTION"),
    content: Content,
    externalId: z.string().trim().min(1).max(100).optional(),
    options: z.array(QuestionOption).min(1).max(10),
  }),
  z.object({
    type: z.literal("INVITE_EXTERNAL_AGENT"),
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
    name: z.string().trim().max(100).optional(),
    note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
  }),
  z.object({ type: z.literal("COMPLETE_CONVERSATION") }),
]);
export type YourLogicAction = z.infer<typeof YourLogicAction>;
export const ACTION_TYPES = YourLogicAction.options.map((o) => o.shape.type.value);

const RequestRef = z.union([z.uuid(), z.object({ requestId: z.uuid() }).loose()]);

/**
 * Your Logic's answer to one event: the body of the event's response, or of the callback.
 * Actions are objects with a `type`; each is validated when it runs (YourLogicAction).
 */
export const YourLogicAnswer = z
  .object({
    requestId: z.uuid().optional(),
    request: RequestRef.optional().openapi({ description: "The event echoed back, or its requestId." }),
    control: AnswerControl.optional(),
    customer: z
      .object({ displayName: z.string().trim().max(100).optional(), custom: CustomData.optional() })
      .optional(),
    conversation: z.object({ custom: CustomData.optional() }).optional(),
    actions: z
      .array(z.object({ type: z.string().max(100) }).loose())
      .max(50)
      .default([]),
  })
  .openapi("YourLogicAnswer");
export type YourLogicAnswer = z.infer<typeof YourLogicAnswer>;

/** The request an answer resolves, whichever way it names it. */
export function answerRequestId(answer: YourLogicAnswer): string | undefined {
  if (answer.requestId) return answer.requestId;
  if (typeof answer.request === "string") return answer.request;
  return answer.request?.requestId;
}

export const ActionResult = z.object({
  index: z.number(),
  type: z.string(),
  status: z.enum(["APPLIED", "FAILED", "SKIPPED", "IGNORED"]),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type ActionResult = z.infer<typeof ActionResult>;

export const AnswerResult = z
  .object({ requestId: z.string(), results: z.array(ActionResult) })
  .openapi("YourLogicAnswerResult");
export type AnswerResult = z.infer<typeof AnswerResult>;

// ───────────────────────────── Your Logic: settings ─────────────────────────────

export const YourLogicSettings = z
  .object({
    configured: z.boolean(),
    url: z.string().nullable(),
    enabled: z.boolean(),
    expirySeconds: z.number(),
    secretHint: z.string().nullable().openapi({ description: "The last four characters of the shared secret." }),
    updatedAt: z.string().nullable(),
  })
  .openapi("YourLogicSettings");
export type YourLogicSettings = z.infer<typeof YourLogicSettings>;

export const YourLogicSettingsInput = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .refine((u) => u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(u), {
        message: "Use an https:// address (http:// only for localhost).",
      }),
    enabled: z.boolean().default(true),
    expirySeconds: z.number().int().min(MIN_EXPIRY_SECONDS).max(MAX_EXPIRY_SECONDS).default(DEFAULT_EXPIRY_SECONDS),
    secret: z.string().min(32).max(200).optional().openapi({
      description: "Your own shared secret (32+ characters). Without it Brine keeps the current one or makes one.",
    }),
    rotateSecret: z.boolean().default(false).openapi({ description: "Make a new shared secret; it is shown once." }),
  })
  .openapi("YourLogicSettingsInput");
export type YourLogicSettingsInput = z.infer<typeof YourLogicSettingsInput>;

export const YourLogicSettingsSaved = YourLogicSettings.extend({
  secret: z.string().nullable().openapi({ description: "The new shared secret, shown only in this response." }),
}).openapi("YourLogicSettingsSaved");

export const CallbackParams = z.object({
  account: z.uuid().openapi({ param: { name: "account", in: "path" } }),
  conversation: z.uuid().openapi({ param: { name: "conversation", in: "path" } }),
});
export const ConversationParam = z.object({
  conversation: z.uuid().openapi({ param: { name: "conversation", in: "path" } }),
});
