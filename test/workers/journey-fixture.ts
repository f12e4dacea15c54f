import { sourcePid } from "../../workers/lib/ids";
import { exportAccount } from "./export-helpers";
import { ingest, makeZip } from "./ingest-helpers";

// A small journey for the journey tests, loaded through the Ingest API. Jane has two customer
// profiles ("cust-web" and "cust-phone") that share an e-mail address, so they are one person
// with five conversations; Omar ("cust-other") has one. The arrays below are the data; the
// tests compute what they expect from them, never through the code under test.

/** Monday 6 May 2024, 09:00:00 UTC. */
export const T0 = Date.UTC(2024, 4, 6, 9, 0, 0) / 1000;
const DAY = 86_400;

export interface FixtureTurn {
  externalId: string;
  engagement: string;
  /** Seconds after T0. */
  at: number;
  participant: "AGENT" | "BOT" | "CUSTOMER" | "EXTERNAL_AGENT" | "SYSTEM";
  agent?: string;
  content: string;
  mediaKey?: string;
  mediaType?: string;
}

export interface FixtureEngagement {
  externalId: string;
  conversation: string | undefined;
  customer: string | undefined;
  type: "Agent" | "Bot" | "Queue" | "External Agent";
  agent?: string;
  externalAgent?: string;
  queue?: string;
  outcome?: string;
  channelType: "CHAT" | "VOICE" | "EMAIL";
  direction: "Inbound" | "Outbound";
  /** Seconds after T0. */
  start: number;
  end: number;
  recording?: string;
}

export const CUSTOMERS = [
  {
    externalId: "cust-web",
    name: "Jane Doe",
    contacts: [
      ["jane.doe@example.com", "Email"],
      ["web-4711", "Chat"],
    ],
  },
  {
    externalId: "cust-phone",
    name: "Jane M. Doe",
    contacts: [
      ["+420777123456", "Phone"],
      ["jane.doe@example.com", "Email"],
    ],
  },
  { externalId: "cust-other", name: "Omar Khan", contacts: [["omar@example.org", "Email"]] },
] as const;

export const AGENTS = [
  { externalId: "bot-1", name: "Botty", type: "Bot" },
  { externalId: "a-ann", name: "Ann Smith", type: "Human" },
  { externalId: "a-bob", name: "Bob Lee", type: "Human" },
  { externalId: "a-cid", name: "Cid Moss", type: "Human" },
] as const;

export const ENGAGEMENTS: FixtureEngagement[] = [
  // conv-1: bot, queue, Ann, and Bob consulting while Ann is still on; a review on Ann's engagement.
  {
    externalId: "e1-bot",
    conversation: "conv-1",
    customer: "cust-web",
    type: "Bot",
    agent: "bot-1",
    channelType: "CHAT",
    direction: "Inbound",
    start: 0,
    end: 110,
    outcome: "o-moved",
  },
  {
    externalId: "e1-queue",
    conversation: "conv-1",
    customer: "cust-web",
    type: "Queue",
    queue: "q-billing",
    channelType: "CHAT",
    direction: "Inbound",
    start: 110,
    end: 180,
  },
  {
    externalId: "e1-ann",
    conversation: "conv-1",
    customer: "cust-web",
    type: "Agent",
    agent: "a-ann",
    queue: "q-billing",
    channelType: "CHAT",
    direction: "Inbound",
    start: 180,
    end: 600,
    outcome: "o-resolved",
  },
  {
    externalId: "e1-bob",
    conversation: "conv-1",
    customer: "cust-web",
    type: "Agent",
    agent: "a-bob",
    channelType: "CHAT",
    direction: "Inbound",
    start: 250,
    end: 500,
  },
  // conv-2: an outbound call to Jane's phone profile that starts while conv-1 is still going on.
  {
    externalId: "e2-call",
    conversation: "conv-2",
    customer: "cust-phone",
    type: "Agent",
    agent: "a-bob",
    channelType: "VOICE",
    direction: "Outbound",
    start: 400,
    end: 700,
    recording: "recordings/conv-2.wav",
  },
  // conv-3: an e-mail the next day.
  {
    externalId: "e3-mail",
    conversation: "conv-3",
    customer: "cust-phone",
    type: "Agent",
    agent: "a-cid",
    channelType: "EMAIL",
    direction: "Inbound",
    start: DAY,
    end: DAY + 3600,
  },
  // conv-4: a chat with an external agent two days later.
  {
    externalId: "e4-partner",
    conversation: "conv-4",
    customer: "cust-web",
    type: "External Agent",
    externalAgent: "x-courier",
    channelType: "CHAT",
    direction: "Inbound",
    start: 2 * DAY,
    end: 2 * DAY + 300,
  },
  // No conversation id: the engagement is a conversation of its own.
  {
    externalId: "e5-alone",
    conversation: undefined,
    customer: "cust-web",
    type: "Agent",
    agent: "a-ann",
    channelType: "CHAT",
    direction: "Inbound",
    start: 3 * DAY,
    end: 3 * DAY + 120,
  },
  // Omar's only conversation.
  {
    externalId: "e9-omar",
    conversation: "conv-9",
    customer: "cust-other",
    type: "Agent",
    agent: "a-ann",
    channelType: "CHAT",
    direction: "Inbound",
    start: 500,
    end: 900,
  },
];

export const TURNS: FixtureTurn[] = [
  { externalId: "t01", engagement: "e1-bot", at: 5, participant: "CUSTOMER", content: "Hi" },
  { externalId: "t02", engagement: "e1-bot", at: 10, participant: "BOT", agent: "bot-1", content: "How can I help?" },
  { externalId: "t03", engagement: "e1-bot", at: 40, participant: "CUSTOMER", content: "A billing question" },
  { externalId: "t04", engagement: "e1-bot", at: 70, participant: "CUSTOMER", content: "about my invoice" },
  { externalId: "t05", engagement: "e1-bot", at: 100, participant: "BOT", agent: "bot-1", content: "One moment" },
  { externalId: "t06", engagement: "e1-queue", at: 115, participant: "SYSTEM", content: "Waiting for an agent" },
  { externalId: "t07", engagement: "e1-ann", at: 200, participant: "AGENT", agent: "a-ann", content: "Hi, Ann here" },
  { externalId: "t08", engagement: "e1-ann", at: 230, participant: "CUSTOMER", content: "My invoice is wrong" },
  { externalId: "t09", engagement: "e1-bob", at: 260, participant: "AGENT", agent: "a-bob", content: "Bob joining" },
  { externalId: "t10", engagement: "e1-ann", at: 291, participant: "CUSTOMER", content: "It says 200" },
  { externalId: "t11", engagement: "e1-ann", at: 300, participant: "AGENT", agent: "a-ann", content: "Let me check" },
  { externalId: "t12", engagement: "e1-bob", at: 320, participant: "AGENT", agent: "a-bob", content: "It is fixed" },
  { externalId: "t13", engagement: "e1-ann", at: 330, participant: "AGENT", agent: "a-ann", content: "Done, bye" },
  { externalId: "t14", engagement: "e1-ann", at: 391, participant: "AGENT", agent: "a-ann", content: "Anything else?" },
  {
    externalId: "t20",
    engagement: "e2-call",
    at: 420,
    participant: "AGENT",
    agent: "a-bob",
    content: "Calling about your invoice",
    mediaKey: "clips/t20.wav",
    mediaType: "audio/wav",
  },
  { externalId: "t30", engagement: "e3-mail", at: DAY + 60, participant: "CUSTOMER", content: "Thanks!" },
  {
    externalId: "t40",
    engagement: "e4-partner",
    at: 2 * DAY + 30,
    participant: "EXTERNAL_AGENT",
    content: "Your parcel is on its way",
  },
  { externalId: "t90", engagement: "e9-omar", at: 520, participant: "CUSTOMER", content: "Omar's secret" },
];

export const REVIEWS = [
  { externalId: "rv-ann", engagement: "e1-ann", turn: undefined, question: "q-reviewed", comment: "Well handled" },
  { externalId: "rv-t10", engagement: "e1-ann", turn: "t10", question: "q-bookmark", comment: "Price complaint" },
];

/** The conversations of Jane's journey, oldest first, by their source ids (e5 has none: it is its own). */
export const JANE_CONVERSATIONS = ["conv-1", "conv-2", "conv-3", "conv-4", "e5-alone"];

const iso = (offset: number) => new Date((T0 + offset) * 1000).toISOString().replace(".000Z", "Z");
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The fixture as one Ingest API ZIP. */
export function journeyZip(): Uint8Array {
  return makeZip({
    "engagement_queue.jsonl": [{ externalId: "q-billing", name: "Billing" }],
    "engagement_outcome.jsonl": [
      { externalId: "o-moved", name: "Moved to agent" },
      { externalId: "o-resolved", name: "Resolved" },
    ],
    "agent.jsonl": AGENTS.map((a) => ({ ...a })),
    "external_agent.jsonl": [{ externalId: "x-courier", name: "Courier Co" }],
    "customer.jsonl": CUSTOMERS.map((c) => ({ externalId: c.externalId, name: c.name, segment: "Gold" })),
    "customer_contact.jsonl": CUSTOMERS.flatMap((c) =>
      c.contacts.map(([contact, type]) => ({ contact, type, customerExternalId: c.externalId })),
    ),
    "engagement.jsonl": ENGAGEMENTS.map((e) =>
      defined({
        externalId: e.externalId,
        conversationExternalId: e.conversation,
        customerExternalId: e.customer,
        agentExternalId: e.agent,
        externalAgentExternalId: e.externalAgent,
        queueExternalId: e.queue,
        outcomeExternalId: e.outcome,
        type: e.type,
        channelType: e.channelType,
        direction: e.direction,
        startTime: iso(e.start),
        endTime: iso(e.end),
        recordingUrl: e.recording,
      }),
    ),
    "turn.jsonl": TURNS.map((t) =>
      defined({
        externalId: t.externalId,
        engagementExternalId: t.engagement,
        turnTime: iso(t.at),
        participant: t.participant,
        agentExternalId: t.agent,
        type: "MESSAGE",
      }),
    ),
    "turn_content.jsonl": TURNS.map((t) =>
      defined({ turnExternalId: t.externalId, content: t.content, mediaKey: t.mediaKey, mediaType: t.mediaType }),
    ),
    "question.jsonl": [
      { externalId: "q-reviewed", name: "Reviewed", type: "Tag", answerType: "Tag" },
      { externalId: "q-bookmark", name: "Bookmark", type: "Tag", answerType: "Tag" },
    ],
    "reviewer.jsonl": [{ externalId: "rev-1", name: "Quinn", type: "Human" }],
    "review.jsonl": REVIEWS.map((r) =>
      defined({
        externalId: r.externalId,
        engagementExternalId: r.engagement,
        turnExternalId: r.turn,
        questionExternalId: r.question,
        reviewerExternalId: "rev-1",
        kind: "Manual",
        type: "Tag",
        status: "Submitted",
        comment: r.comment,
        reviewTime: iso(DAY / 2),
      }),
    ),
  });
}

/** A fresh account loaded with the fixture, and the PIDs its source gives each item. */
export async function loadJourneyFixture() {
  const account = await exportAccount();
  const batch = await ingest(account.apiKey, account.sourceId, journeyZip());
  if (batch.status !== "COMPLETED") throw new Error(`fixture did not load: ${JSON.stringify(batch)}`);
  const pid = (dataset: string, externalId: string) =>
    sourcePid(account.accountId, account.sourceId, dataset, externalId);
  return {
    ...account,
    customer: (id: string) => pid("customer", id),
    engagement: (id: string) => pid("engagement", id),
    turn: (id: string) => pid("turn", id),
    /** A conversation's PID; an engagement without one is its own conversation. */
    conversation: (id: string) =>
      ENGAGEMENTS.some((e) => e.conversation === id) ? pid("conversation", id) : pid("engagement", id),
  };
}
