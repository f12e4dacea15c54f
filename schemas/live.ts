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
export const LIVE_ENGAGEMENT_TYPES = ["QUEUE", "BOT", "AGENT", "EXTERNAL_AGENT"] as const;
export const LIVE_CHANNELS = ["CHAT", "WHATSAPP"] as const;
export const TURN_TYPES = ["MESSAGE", "NOTE", "ANSWER", "EVENT", "FILE"] as const;
/** Bytes one attachment may have (Universal Chat, seed 001). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** How long a media link (in events and on file turns) stays valid: 24 hours (seed 003). */
export const MEDIA_LINK_SECONDS = 24 * 60 * 60;
/** How long an external agent's link works by default, and at most. */
export const DEFAULT_INVITATION_HOURS = 24;
export const MAX_INVITATION_HOURS = 7 * 24;
/** A navigation URL is trimmed to this many characters (seed 003). */
export const MAX_URL_CHARS = 2048;
/** How long a left conversation stays in Recently Left. */
export const RECENTLY_LEFT_MS = 24 * 60 * 60 * 1000;

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
  /** The Universal Chat brand the conversation came through. */
  brandId: z.uuid().optional(),
  url: z.url().max(16_000).optional(),
  languageCustomer: Language.optional(),
  custom: CustomData.optional(),
  /** Whether events go to Your Logic; defaults to whether the account has Your Logic enabled. */
  engageYourLogic: z.boolean().optional(),
  /** Brine's public origin, for the links the conversation makes (media, external agents). */
  origin: z.url().max(200).optional(),
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
  agentName: z.string().optional(),
  outcome: z.string().optional(),
  reason: z.string().optional(),
});
export type LiveEngagement = z.infer<typeof LiveEngagement>;

export const QuestionOption = z.object({
  id: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(200),
  technicalId: z.string().trim().min(1).max(100).optional().openapi({
    description: "Picking this option also sends Your Logic a MENU_STEP event with this technicalID.",
  }),
});
export type QuestionOption = z.infer<typeof QuestionOption>;

export const LiveTurn = z.object({
  pid: z.string(),
  time: z.string(),
  engagementPid: z.string(),
  type: z.enum(TURN_TYPES),
  participantType: z.enum(PARTICIPANT_TYPES),
  participant: z.string().optional(),
  participantName: z.string().optional(),
  content: z.string(),
  contentCustomer: z.string(),
  languageCustomer: z.string().optional(),
  status: z.string(),
  options: z.array(QuestionOption).optional(),
  externalId: z.string().optional(),
  clientId: z.string().optional(),
  file: z.object({ name: z.string(), mimeType: z.string(), size: z.number(), url: z.string() }).optional(),
  review: z.enum(["UP", "DOWN"]).optional().openapi({ description: "The customer's thumbs up or down on this turn." }),
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
        name: z.string().nullable(),
        joinedAt: z.string(),
        leftAt: z.string().nullable(),
      }),
    ),
    invitations: z.array(
      z.object({
        pid: z.string(),
        contact: z.string(),
        contactType: z.enum(["Email", "Phone"]),
        name: z.string().nullable(),
        time: z.string(),
        by: z.string(),
      }),
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
  z.object({ type: z.literal("typing"), typing: z.boolean() }),
  z.object({ type: z.literal("navigation"), url: z.string().min(1).max(16_000) }),
  z.object({
    type: z.literal("review"),
    turnPid: z.uuid(),
    value: z.enum(["UP", "DOWN"]),
    reason: z.string().trim().max(200).optional(),
  }),
  z.object({ type: z.literal("action"), action: z.string().min(1).max(64) }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** What the conversation sends to its sockets. */
export type ServerFrame =
  | { type: "state"; conversation: ConversationState }
  | { type: "turn"; turn: LiveTurn; clientId?: string }
  | { type: "flags"; flags: ConversationFlags; needsHelpReason: string | null }
  | { type: "typing"; participantType: ParticipantType; participant?: string; typing: boolean }
  | { type: "error"; code: string; message: string; clientId?: string }
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
  z
    .object({
      type: z.literal("INVITE_EXTERNAL_AGENT"),
      email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9 ()-]{5,30}$/)
        .optional(),
      name: z.string().trim().max(100).optional(),
      note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
      expiresInHours: z.number().int().min(1).max(MAX_INVITATION_HOURS).optional(),
    })
    .refine((a) => Boolean(a.email) !== Boolean(a.phone), { message: "Give exactly one of email and phone." }),
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

// ───────────────────────────── the agent app ─────────────────────────────

export const INBOX_SECTIONS = ["mine", "helpNeeded", "recentlyLeft", "all"] as const;
export type InboxSection = (typeof INBOX_SECTIONS)[number];

export const InboxQuery = z.object({
  section: z.enum(INBOX_SECTIONS).openapi({
    description:
      "mine: I am in it; helpNeeded: in progress and needing help; recentlyLeft: I left it within 24 hours; " +
      "all: every conversation in progress (needs liveConversations.viewAll).",
  }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const InboxItem = z
  .object({
    conversationPid: z.string(),
    customerPid: z.string(),
    customerName: z.string().nullable(),
    channel: z.enum(LIVE_CHANNELS),
    brand: z.string().nullable(),
    status: z.enum(CONVERSATION_STATUSES),
    needsHelp: z.boolean(),
    needsHelpReason: z.string().nullable(),
    yourLogicWorking: z.boolean(),
    lastTurn: z
      .object({ time: z.string(), participantType: z.enum(PARTICIPANT_TYPES), content: z.string() })
      .nullable(),
    agents: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
    startTime: z.string(),
    updatedTime: z.string(),
    leftAt: z.string().optional().openapi({ description: "When I left (Recently Left only)." }),
  })
  .openapi("LiveInboxItem");
export type InboxItem = z.infer<typeof InboxItem>;

export const InboxPage = z.object({ items: z.array(InboxItem), nextCursor: z.string().nullable() });

export const MessageInput = z.object({ content: Content, clientId: z.string().max(100).optional() });
export const NeedsHelpInput = z.object({ needsHelp: z.boolean(), reason: z.string().trim().max(200).optional() });
export const ENGAGEMENT_OUTCOMES = ["RESOLVED", "UNRESOLVED", "TRANSFERRED", "ABANDONED"] as const;
export const CompleteEngagementInput = z.object({
  outcome: z.enum(ENGAGEMENT_OUTCOMES),
  reason: z.string().trim().max(200).optional(),
});
export const ActionInput = z.object({ action: z.string().min(1).max(64) });

export const InvitationInput = z
  .object({
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,30}$/, "A phone number: digits, spaces, ( ) and -, optionally starting with +.")
      .optional(),
    name: z.string().trim().max(100).optional(),
    note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
    expiresInHours: z.number().int().min(1).max(MAX_INVITATION_HOURS).default(DEFAULT_INVITATION_HOURS),
  })
  .refine((a) => Boolean(a.email) !== Boolean(a.phone), { message: "Give exactly one of email and phone." })
  .openapi("LiveInvitationInput");

export const Invitation = z
  .object({
    pid: z.string(),
    contact: z.string(),
    contactType: z.enum(["Email", "Phone"]),
    name: z.string().nullable(),
    expiresAt: z.string(),
  })
  .openapi("LiveInvitation");
export const InvitationCreated = z
  .object({
    invitation: Invitation,
    link: z.string().openapi({ description: "The signed link to send the external agent; it expires." }),
  })
  .openapi("LiveInvitationCreated");

// ───────────────────────────── settings: brands and action buttons ─────────────────────────────

const Origin = z
  .string()
  .trim()
  .max(200)
  .transform((v, ctx) => {
    try {
      const u = new URL(v);
      if ((u.protocol === "https:" || u.protocol === "http:") && (u.pathname === "/" || u.pathname === "")) {
        return u.origin;
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: `Not an origin (scheme://host[:port]): ${v}` });
    return z.NEVER;
  });

export const BrandInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "A colour like #1a73e8.")
      .default("#2563eb"),
    allowedOrigins: z
      .array(Origin)
      .min(1)
      .max(20)
      .openapi({ example: ["https://shop.example.com"] }),
    openingMessage: z.string().trim().max(500).nullable().default(null),
    placeholder: z.string().trim().max(100).nullable().default(null),
  })
  .openapi("BrandInput");
export const BrandPatch = z
  .object({
    name: z.string().trim().min(1).max(100),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "A colour like #1a73e8."),
    allowedOrigins: z.array(Origin).min(1).max(20),
    openingMessage: z.string().trim().max(500).nullable(),
    placeholder: z.string().trim().max(100).nullable(),
  })
  .partial()
  .openapi("BrandPatch");

export const Brand = z
  .object({
    id: z.string(),
    name: z.string(),
    color: z.string(),
    allowedOrigins: z.array(z.string()),
    openingMessage: z.string().nullable(),
    placeholder: z.string().nullable(),
    secretHint: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Brand");
export type Brand = z.infer<typeof Brand>;
export const BrandSaved = Brand.extend({
  secret: z.string().nullable().openapi({ description: "The identity-signing secret, shown only in this response." }),
}).openapi("BrandSaved");

export const ActionButton = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "Lower-case letters, digits and dashes, up to 64.")
      .openapi({ description: "The action name Your Logic receives." }),
    label: z.string().trim().min(1).max(60),
    visibleToExternal: z.boolean().default(false),
  })
  .openapi("LiveActionButton");
export type ActionButton = z.infer<typeof ActionButton>;
export const ActionButtons = z
  .object({
    items: z
      .array(ActionButton)
      .max(20)
      .refine((items) => new Set(items.map((i) => i.name)).size === items.length, {
        message: "Button names must be unique.",
      }),
  })
  .openapi("LiveActionButtons");

// ───────────────────────────── Universal Chat ─────────────────────────────

export const WidgetQuery = z.object({ account: z.uuid(), brand: z.uuid() });
export const WidgetConfig = z
  .object({
    brandId: z.string(),
    name: z.string(),
    color: z.string(),
    openingMessage: z.string().nullable(),
    placeholder: z.string().nullable(),
    maxFileBytes: z.number(),
  })
  .openapi("WidgetConfig");

export const WidgetStart = z
  .object({
    accountId: z.uuid(),
    brandId: z.uuid(),
    url: z.string().max(16_000).optional(),
    languageCustomer: Language.optional(),
    identity: z
      .string()
      .max(8_000)
      .optional()
      .openapi({
        description:
          "The customer's identity signed by the site's backend with the brand secret: " +
          "`base64url(JSON).base64url(HMAC-SHA256(secret, first part))` (docs/universal-chat.md).",
      }),
  })
  .openapi("WidgetStart");

/** The identity a site's backend signs for the widget. */
export const SignedIdentity = z.object({
  displayName: z.string().trim().max(100).optional(),
  contacts: z.array(Contact).max(20).default([]),
  relatedContacts: z.array(Contact).max(20).default([]),
  custom: CustomData.optional(),
  exp: z.number().int().positive(),
});
export type SignedIdentity = z.infer<typeof SignedIdentity>;

export const WidgetStarted = z
  .object({ conversationPid: z.string(), customerToken: z.string(), state: ConversationState })
  .openapi("WidgetStarted");

export const WidgetConversationParams = z.object({
  conversation: z.uuid().openapi({ param: { name: "conversation", in: "path" } }),
});

// ───────────────────────────── external agents ─────────────────────────────

export const ExternalParams = z.object({
  token: z
    .string()
    .min(10)
    .max(1000)
    .openapi({ param: { name: "token", in: "path" } }),
});
export const ExternalView = z
  .object({
    conversation: ConversationState,
    invitation: Invitation,
    participant: z.string().openapi({ description: "The external agent's participant id in the conversation." }),
    buttons: z.array(z.object({ name: z.string(), label: z.string() })),
  })
  .openapi("LiveExternalView");
