import { exportAccount } from "./export-helpers";
import { ingest, makeZip } from "./ingest-helpers";

// A small contact center for the metric tests. The arrays below are the single source of the
// data: the tests load them through the Ingest API and compute every expected value from them
// in plain TypeScript, never through the metric compiler.

export interface FixtureAgent {
  externalId: string;
  name: string;
  status: "Active" | "Inactive";
  type: "Human" | "Bot";
  team?: string;
  hourlyCost?: number;
  engagementCost?: number;
}

export interface FixtureEngagement {
  externalId: string;
  conversation: string;
  customer: string | undefined;
  agent: string | undefined;
  queue: string | undefined;
  type: "Agent" | "Bot" | "Queue" | "Invitation";
  outcomeType: string;
  serviceLevel: "Met" | "Missed" | "Ignore" | undefined;
  resolution: "Resolved" | "Unresolved" | undefined;
  channelType: "CHAT" | "VOICE" | "EMAIL";
  /** Unix seconds. */
  startTime: number;
  waitTime: number | undefined;
  preparationTime: number | undefined;
  engagementTime: number | undefined;
  wrapUpTime: number | undefined;
  holdTime: number | undefined;
  cost: number | undefined;
}

export interface FixtureReview {
  externalId: string;
  engagement: string;
  question: string;
  answer?: string;
  answerScore?: number;
  kind: "Manual" | "Customer";
}

export interface FixtureTransaction {
  externalId: string;
  engagement: string;
  revenue: number;
  cost: number;
}

export interface FixtureActivity {
  externalId: string;
  agent: string;
  intervalStart: number;
  statusType: "Available" | "Busy" | "Wrap Up" | "Break";
  duration: number;
}

export const TEAMS = [
  { externalId: "t-1", name: "Tier 1" },
  { externalId: "t-2", name: "Tier 2" },
];
export const QUEUES = [
  { externalId: "q-billing", name: "Billing" },
  { externalId: "q-tech", name: "Tech" },
];

export const AGENTS: FixtureAgent[] = [
  {
    externalId: "a-ann",
    name: "Ann",
    status: "Active",
    type: "Human",
    team: "t-1",
    hourlyCost: 20,
    engagementCost: 1.5,
  },
  { externalId: "a-bob", name: "Bob", status: "Active", type: "Human", team: "t-2", hourlyCost: 30, engagementCost: 2 },
  {
    externalId: "a-cid",
    name: "Cid",
    status: "Inactive",
    type: "Human",
    team: "t-1",
    hourlyCost: 25,
    engagementCost: 1,
  },
  { externalId: "bot-1", name: "Botty", status: "Active", type: "Bot" },
];

export const CUSTOMERS = ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"];

/** 2024-03-04T00:00:00Z. */
export const START = Date.UTC(2024, 2, 4) / 1000;
const HOUR = 3600;
const DAY = 86_400;

const HUMANS = ["a-ann", "a-bob", "a-cid"];
const LEVELS = ["Met", "Missed", "Ignore"] as const;
const INVITATION_OUTCOMES = ["Missed", "Rejected", "Revoked", "Accepted"];

/** Twelve conversations over nine days: bots, queues (some abandoned), agents, transfers and invitations. */
function buildEngagements(): FixtureEngagement[] {
  const out: FixtureEngagement[] = [];
  let invitations = 0;
  for (let c = 0; c < 12; c++) {
    const conversation = `conv-${c + 1}`;
    const customer = c === 11 ? undefined : CUSTOMERS[(c * 5) % CUSTOMERS.length];
    const channelType = (["CHAT", "VOICE", "EMAIL"] as const)[c % 3] ?? "CHAT";
    const queue = QUEUES[c % 2]?.externalId;
    let t = START + Math.floor((c * 3 * DAY) / 4) + 9 * HOUR;
    let n = 0;
    const add = (e: Partial<FixtureEngagement> & Pick<FixtureEngagement, "type" | "outcomeType">) => {
      out.push({
        externalId: `${conversation}-e${++n}`,
        conversation,
        customer,
        agent: undefined,
        queue: undefined,
        serviceLevel: undefined,
        resolution: undefined,
        channelType,
        startTime: t,
        waitTime: undefined,
        preparationTime: undefined,
        engagementTime: undefined,
        wrapUpTime: undefined,
        holdTime: undefined,
        cost: undefined,
        ...e,
      });
      t += 300;
    };
    if (c % 3 === 0) add({ type: "Bot", agent: "bot-1", outcomeType: "Moved", engagementTime: 60 });
    const abandoned = c % 5 === 4;
    add({
      type: "Queue",
      queue,
      outcomeType: abandoned ? "Customer Left" : "Moved",
      waitTime: 10 + ((c * 37) % 120),
      serviceLevel: LEVELS[c % 3],
    });
    if (abandoned) continue;
    if (c % 4 === 2 || c === 7) {
      add({
        type: "Invitation",
        agent: HUMANS[(c + 1) % 3],
        queue,
        outcomeType: INVITATION_OUTCOMES[invitations++ % INVITATION_OUTCOMES.length] ?? "Missed",
      });
    }
    const agentCount = c % 4 === 1 ? 2 : 1;
    for (let k = 0; k < agentCount; k++) {
      const transferred = k < agentCount - 1;
      add({
        type: "Agent",
        agent: HUMANS[(c + k) % 3],
        queue,
        outcomeType: transferred ? "Transferred" : "Completed",
        serviceLevel: LEVELS[(c + k) % 3],
        resolution: transferred ? undefined : c % 3 === 2 ? "Unresolved" : "Resolved",
        waitTime: 5 + c,
        preparationTime: c % 2 === 0 ? 10 + c : undefined,
        engagementTime: 100 + 20 * c + 7 * k,
        wrapUpTime: c === 3 ? undefined : 30 + k,
        holdTime: c % 3 === 0 ? 15 : 0,
        cost: 2 + c / 4,
      });
    }
  }
  return out;
}

export const ENGAGEMENTS = buildEngagements();

const agentEngagements = ENGAGEMENTS.filter((e) => e.type === "Agent");

/** Reviewed tags on every third agent engagement and one bot engagement; CSAT on the rest; one Bookmark. */
export const REVIEWS: FixtureReview[] = [
  ...agentEngagements
    .filter((_, i) => i % 3 === 0)
    .map((e) => ({
      externalId: `rv-${e.externalId}`,
      engagement: e.externalId,
      question: "q-reviewed",
      kind: "Manual" as const,
    })),
  {
    externalId: "rv-bot",
    engagement: ENGAGEMENTS.find((e) => e.type === "Bot")?.externalId ?? "",
    question: "q-reviewed",
    kind: "Manual",
  },
  ...agentEngagements
    .filter((_, i) => i % 2 === 1)
    .map((e, i) => {
      const score = ((i * 3) % 5) + 1;
      return {
        externalId: `csat-${e.externalId}`,
        engagement: e.externalId,
        question: "q-csat",
        answer: `ans-${score}`,
        answerScore: score,
        kind: "Customer" as const,
      };
    }),
  {
    externalId: "bm-1",
    engagement: agentEngagements[0]?.externalId ?? "",
    question: "q-bookmark",
    kind: "Manual",
  },
];

export const TRANSACTIONS: FixtureTransaction[] = agentEngagements
  .filter((_, i) => i % 4 === 0)
  .map((e, i) => ({ externalId: `tx-${e.externalId}`, engagement: e.externalId, revenue: 40 + 10 * i, cost: 5 }));

/** Two days of 15-minute intervals for the human agents. */
export const ACTIVITY: FixtureActivity[] = HUMANS.flatMap((agent, a) =>
  [0, 1].flatMap((day) =>
    [0, 1, 2, 3].flatMap((q) => {
      const intervalStart = START + day * DAY + 9 * HOUR + q * 900;
      const busy = 300 + 100 * ((a + q + day) % 4);
      const wrap = q === 3 ? 0 : 60;
      const rows: FixtureActivity[] = [
        { externalId: `${agent}-${day}-${q}-busy`, agent, intervalStart, statusType: "Busy", duration: busy },
        { externalId: `${agent}-${day}-${q}-wrap`, agent, intervalStart, statusType: "Wrap Up", duration: wrap },
        {
          externalId: `${agent}-${day}-${q}-avail`,
          agent,
          intervalStart,
          statusType: q === 2 && a === 1 ? "Break" : "Available",
          duration: 900 - busy - wrap,
        },
      ];
      return rows.filter((r) => r.duration > 0);
    }),
  ),
);

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The fixture as an Ingest API ZIP; `extra` engagements are appended (the other tenant gets more). */
export function fixtureZip(extra: FixtureEngagement[] = []): Uint8Array {
  return makeZip({
    "agent_team.jsonl": TEAMS,
    "engagement_queue.jsonl": QUEUES,
    "agent.jsonl": AGENTS.map((a) =>
      defined({
        externalId: a.externalId,
        name: a.name,
        status: a.status,
        type: a.type,
        teamExternalId: a.team,
        hourlyCost: a.hourlyCost,
        engagementCost: a.engagementCost,
      }),
    ),
    "customer.jsonl": CUSTOMERS.map((c) => ({ externalId: c, name: `Customer ${c}` })),
    "question.jsonl": [
      { externalId: "q-reviewed", name: "Reviewed", type: "Tag", answerType: "Tag" },
      { externalId: "q-bookmark", name: "Bookmark", type: "Tag", answerType: "Tag" },
      { externalId: "q-csat", name: "CSAT", type: "Scale", answerType: "Number", worstScore: 1, bestScore: 5 },
    ],
    "answer.jsonl": [1, 2, 3, 4, 5].map((score) => ({
      externalId: `ans-${score}`,
      questionExternalId: "q-csat",
      name: `Score ${score}`,
      score,
      position: score,
    })),
    "reviewer.jsonl": [{ externalId: "rev-1", name: "Quinn", type: "Human" }],
    "engagement.jsonl": [...ENGAGEMENTS, ...extra].map((e) =>
      defined({
        externalId: e.externalId,
        conversationExternalId: e.conversation,
        customerExternalId: e.customer,
        agentExternalId: e.agent,
        queueExternalId: e.queue,
        teamExternalId: AGENTS.find((a) => a.externalId === e.agent)?.team,
        type: e.type,
        outcomeType: e.outcomeType,
        serviceLevel: e.serviceLevel,
        resolution: e.resolution,
        channelType: e.channelType,
        startTime: iso(e.startTime),
        waitTime: e.waitTime,
        preparationTime: e.preparationTime,
        engagementTime: e.engagementTime,
        wrapUpTime: e.wrapUpTime,
        holdTime: e.holdTime,
        cost: e.cost,
      }),
    ),
    "review.jsonl": REVIEWS.map((r) =>
      defined({
        externalId: r.externalId,
        engagementExternalId: r.engagement,
        questionExternalId: r.question,
        answerExternalId: r.answer,
        answerScore: r.answerScore,
        reviewerExternalId: "rev-1",
        kind: r.kind,
      }),
    ),
    "transaction.jsonl": TRANSACTIONS.map((t) => ({
      externalId: t.externalId,
      engagementExternalId: t.engagement,
      type: "Sale",
      currency: "USD",
      revenue: t.revenue,
      cost: t.cost,
    })),
    "activity.jsonl": ACTIVITY.map((a) => ({
      externalId: a.externalId,
      agentExternalId: a.agent,
      intervalStart: iso(a.intervalStart),
      status: a.statusType,
      statusType: a.statusType,
      duration: a.duration,
    })),
  });
}

/** Engagements only the other tenant has: they would change every engagement metric if they leaked. */
export const OTHER_TENANT_EXTRA: FixtureEngagement[] = ENGAGEMENTS.slice(0, 8).map((e) => ({
  ...e,
  externalId: `other-${e.externalId}`,
  conversation: `other-${e.conversation}`,
}));

/** A fresh account loaded with the fixture (plus `extra` engagements). */
export async function loadMetricsFixture(extra: FixtureEngagement[] = []) {
  const account = await exportAccount();
  const batch = await ingest(account.apiKey, account.sourceId, fixtureZip(extra));
  if (batch.status !== "COMPLETED") throw new Error(`fixture did not load: ${JSON.stringify(batch)}`);
  return account;
}
