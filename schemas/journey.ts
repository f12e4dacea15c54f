import { z } from "@hono/zod-openapi";
import { PARTICIPANTS } from "../workers/model/catalog";
import { IsoTime, PageQuery } from "./common";

// The customer journey (seed 000, "Customer Journey"): one customer's conversations across sources
// and channels, joined through the identity graph; customer search; per-click PII reveal and its log.

/** Conversations one journey page holds at most, and by default. */
export const JOURNEY_PAGE_MAX = 50;
export const JOURNEY_PAGE_DEFAULT = 10;
/** Turns one page carries at most: a page ends early rather than pass it (one conversation always fits). */
export const JOURNEY_TURN_BUDGET = 2000;
/** Turns of one conversation returned at most (a longer one is cut, `turnsCut`). */
export const CONVERSATION_TURNS_MAX = 10_000;
/** Conversations one outline page lists at most. */
export const OUTLINE_PAGE_MAX = 500;
/** Customer profiles the identity graph joins into one journey at most. */
export const JOURNEY_PROFILES_MAX = 100;
/** Turns of the same participant this close (seconds) to the previous one are grouped under one header. */
export const GROUP_SECONDS = 60;

export const JOURNEY_TARGETS = ["customers", "conversations", "engagements", "turns"] as const;
export const JourneyTargetKind = z.enum(JOURNEY_TARGETS).openapi("JourneyTargetKind");
export type JourneyTargetKind = z.infer<typeof JourneyTargetKind>;

export const JourneyParams = z.object({
  kind: JourneyTargetKind.openapi({ param: { name: "kind", in: "path" } }),
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "6f1c5b52-8f57-4a8b-9a41-0e0d3f1c9b27" }),
});

const Cursor = z.string().min(1).max(300);

export const JourneyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(JOURNEY_PAGE_MAX).default(JOURNEY_PAGE_DEFAULT),
    after: Cursor.optional().openapi({ description: "`nextCursor` of a page: the conversations after it." }),
    before: Cursor.optional().openapi({ description: "`previousCursor` of a page: the conversations before it." }),
    at: z
      .uuid()
      .optional()
      .openapi({ description: "A conversation of this journey to start the page at (the navigation pane's jump)." }),
  })
  .refine((q) => [q.after, q.before, q.at].filter(Boolean).length <= 1, {
    message: "Send one of `after`, `before` or `at`.",
    path: ["before"],
  });

export const OutlineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(OUTLINE_PAGE_MAX).default(OUTLINE_PAGE_MAX),
  cursor: Cursor.optional(),
});

export const Participant = z.enum(PARTICIPANTS).openapi("Participant");
export type Participant = z.infer<typeof Participant>;

/** Where a review form applies; the action pane's target. */
export const REVIEW_TARGET_SCOPES = ["engagement", "customerTurn", "agentTurn", "botTurn"] as const;
export type ReviewTargetScope = (typeof REVIEW_TARGET_SCOPES)[number];

const Named = z.object({ id: z.string(), name: z.string().nullable() }).nullable();

export const JourneyReview = z
  .object({
    id: z.string(),
    engagementId: z.string(),
    turnId: z.string().nullable(),
    question: z.string().nullable(),
    answer: z.string().nullable(),
    type: z.string().nullable().openapi({ description: "Tag, Answer, Comment or Score." }),
    kind: z.string().nullable().openapi({ description: "Manual, Automatic or Customer." }),
    status: z.string().nullable(),
    reviewer: z.string().nullable(),
    comment: z.string().nullable(),
    score: z.number().nullable(),
    confidence: z.number().nullable(),
    time: IsoTime.nullable(),
  })
  .openapi("JourneyReview");
export type JourneyReview = z.infer<typeof JourneyReview>;

export const JourneyEngagement = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    type: z.string().nullable(),
    channelType: z.string().nullable(),
    direction: z.string().nullable(),
    startTime: IsoTime.nullable(),
    endTime: IsoTime.nullable(),
    outcomeType: z.string().nullable(),
    outcome: Named,
    queue: Named,
    agent: Named,
    externalAgent: Named,
    channel: Named,
    label: z.string().openapi({ description: "The queue's name, or the agent's when there is no queue." }),
    human: z
      .boolean()
      .openapi({ description: "Handled by a person (Agent or External Agent), not a bot, menu or queue." }),
    recording: z
      .object({ url: z.string() })
      .nullable()
      .openapi({ description: "The voice recording, when one is stored and the user may see content." }),
    reviews: z.array(JourneyReview),
  })
  .openapi("JourneyEngagement");
export type JourneyEngagement = z.infer<typeof JourneyEngagement>;

export const JourneyTurn = z
  .object({
    kind: z.literal("turn"),
    id: z.string(),
    engagementId: z.string(),
    time: IsoTime.nullable(),
    participant: Participant,
    participantName: z
      .string()
      .openapi({ description: "The agent's, bot's or external agent's name; never the customer's." }),
    type: z.string().nullable(),
    channelType: z.string().nullable(),
    content: z.string().nullable().openapi({ description: "Null without `conversations.viewContent`." }),
    media: z
      .object({ name: z.string().nullable(), type: z.string().nullable(), url: z.string() })
      .nullable()
      .openapi({ description: "An attachment or audio clip, served from R2 (content permission)." }),
    responseSeconds: z
      .number()
      .nullable()
      .openapi({ description: "Seconds since the previous turn of another participant (system turns aside)." }),
    grouped: z.boolean().openapi({
      description: `Continues the previous turn's group: same participant and engagement within ${GROUP_SECONDS} s.`,
    }),
  })
  .openapi("JourneyTurn");
export type JourneyTurn = z.infer<typeof JourneyTurn>;

export const TimelineItem = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("engagement"), engagementId: z.string(), time: IsoTime.nullable() }),
    z.object({ kind: z.literal("overlap"), conversationId: z.string(), time: IsoTime.nullable() }),
    JourneyTurn,
  ])
  .openapi("TimelineItem", {
    description:
      "A conversation in time order: an engagement starting (who joined), another conversation starting meanwhile, a turn.",
  });
export type TimelineItem = z.infer<typeof TimelineItem>;

export const JourneyConversation = z
  .object({
    id: z.string().openapi({ description: "The conversation's PID (an engagement without one is its own)." }),
    position: z.number().int().openapi({ description: "1 for the customer's first conversation." }),
    startTime: IsoTime.nullable(),
    endTime: IsoTime.nullable(),
    direction: z.string().nullable(),
    engagements: z.array(JourneyEngagement),
    items: z.array(TimelineItem),
    turnsCut: z.boolean().openapi({ description: "More turns than one page carries; the first were kept." }),
  })
  .openapi("JourneyConversation");
export type JourneyConversation = z.infer<typeof JourneyConversation>;

export const MaskedContact = z
  .object({
    ref: z.number().int().openapi({ description: "Which contact, for the reveal request." }),
    type: z.string(),
    value: z.string().openapi({ description: "Always masked; reveal it with POST /customers/{id}/reveal." }),
  })
  .openapi("MaskedContact");

export const CustomerProfile = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    source: z.string().nullable(),
    name: z.string().nullable().openapi({ description: "Masked." }),
    segment: z.string().nullable(),
    country: z.string().nullable(),
    contacts: z.array(MaskedContact),
  })
  .openapi("CustomerProfile");
export type CustomerProfile = z.infer<typeof CustomerProfile>;

export const Journey = z
  .object({
    customer: z
      .object({
        id: z.string().openapi({ description: "The profile the journey opened at; outline and paging use it." }),
        profiles: z.array(CustomerProfile).openapi({ description: "Every profile sharing a contact: one person." }),
      })
      .nullable()
      .openapi({ description: "Null when the conversation has no known customer (the journey is that one)." }),
    target: z.object({
      kind: JourneyTargetKind,
      id: z.string(),
      conversationId: z.string().nullable(),
      engagementId: z.string().nullable(),
      turnId: z.string().nullable(),
    }),
    contentVisible: z.boolean().openapi({ description: "False without `conversations.viewContent`: no turn text." }),
    conversationCount: z.number().int(),
    conversations: z.array(JourneyConversation).openapi({ description: "Oldest first." }),
    previousCursor: z.string().nullable(),
    nextCursor: z.string().nullable(),
  })
  .openapi("Journey");
export type Journey = z.infer<typeof Journey>;

export const OutlineEngagement = z.object({
  id: z.string(),
  type: z.string().nullable(),
  channelType: z.string().nullable(),
  startTime: IsoTime.nullable(),
  label: z.string(),
  outcome: z.string().nullable(),
  human: z.boolean(),
});
export type OutlineEngagement = z.infer<typeof OutlineEngagement>;

export const OutlineConversation = z
  .object({
    id: z.string(),
    position: z.number().int(),
    startTime: IsoTime.nullable(),
    endTime: IsoTime.nullable(),
    direction: z.string().nullable(),
    engagements: z.array(OutlineEngagement),
  })
  .openapi("OutlineConversation");
export type OutlineConversation = z.infer<typeof OutlineConversation>;

export const JourneyOutline = z
  .object({
    conversationCount: z.number().int(),
    items: z.array(OutlineConversation),
    nextCursor: z.string().nullable(),
  })
  .openapi("JourneyOutline");
export type JourneyOutline = z.infer<typeof JourneyOutline>;

export const CustomerQuery = PageQuery.extend({
  query: z.string().trim().max(200).default("").openapi({
    description:
      "A customer PID, a customer ID from a source, or a contact (exact: an e-mail, a phone number). Empty lists every customer by ID.",
  }),
});

export const CustomerMatch = z.enum(["pid", "externalId", "contact"]);

export const CustomerSummary = CustomerProfile.extend({
  matchedBy: z.array(CustomerMatch),
  contactCount: z.number().int(),
}).openapi("CustomerSummary");
export type CustomerSummary = z.infer<typeof CustomerSummary>;

export const CustomerIdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

export const PII_FIELDS = ["name", "contact"] as const;

export const RevealRequest = z
  .object({
    field: z.enum(PII_FIELDS),
    contact: z.number().int().min(0).max(999).optional().openapi({ description: "The contact's `ref`." }),
  })
  .refine((r) => r.field !== "contact" || r.contact !== undefined, {
    message: "Say which contact (its ref).",
    path: ["contact"],
  })
  .openapi("RevealRequest");

export const Revealed = z
  .object({
    customerId: z.string(),
    field: z.enum(PII_FIELDS),
    contact: z.object({ ref: z.number().int(), type: z.string() }).nullable(),
    value: z.string().nullable(),
  })
  .openapi("Revealed");
export type Revealed = z.infer<typeof Revealed>;

export const PiiRevealQuery = PageQuery.extend({
  userId: z.uuid().optional(),
  customerId: z.uuid().optional(),
});

export const PiiRevealEntry = z
  .object({
    id: z.string(),
    user: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
    customer: z.object({ id: z.string(), externalId: z.string().nullable() }),
    field: z.enum(PII_FIELDS),
    contactRef: z.string().nullable().openapi({ description: "Which contact (type and ref), never its value." }),
    revealedAt: IsoTime,
  })
  .openapi("PiiRevealEntry");
export type PiiRevealEntry = z.infer<typeof PiiRevealEntry>;

export const MediaParams = z.object({
  kind: z.enum(["engagements", "turns"]).openapi({ param: { name: "kind", in: "path" } }),
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});
