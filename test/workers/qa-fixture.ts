import { sourcePid } from "../../workers/lib/ids";
import { exportAccount } from "./export-helpers";
import { type Client, call, createUser, signIn } from "./helpers";
import { ingest, makeZip } from "./ingest-helpers";

// A small contact center for the QA tests, loaded through the Ingest API: two agent
// engagements and a bot engagement on 2024-03-05 with customer, agent, bot and system turns,
// the demo's survey question identified `CSAT` with one survey answer, and one automatic
// review to give feedback on.

export const DAY = "2024-03-05";

export const ENGAGEMENTS = [
  { externalId: "e-1", type: "Agent", startTime: `${DAY}T09:00:00Z`, agent: "a-ann" },
  { externalId: "e-2", type: "Agent", startTime: `${DAY}T10:00:00Z`, agent: "a-ann" },
  { externalId: "e-3", type: "Bot", startTime: `${DAY}T11:00:00Z`, agent: "bot-1" },
] as const;

export const TURNS = [
  { externalId: "t-customer", engagement: "e-1", participant: "CUSTOMER" },
  { externalId: "t-agent", engagement: "e-1", participant: "AGENT" },
  { externalId: "t-system", engagement: "e-1", participant: "SYSTEM" },
  { externalId: "t-other", engagement: "e-2", participant: "CUSTOMER" },
  { externalId: "t-bot", engagement: "e-3", participant: "BOT" },
] as const;

function fixtureZip(): Uint8Array {
  return makeZip({
    "agent.jsonl": [
      { externalId: "a-ann", name: "Ann", type: "Human", status: "Active" },
      { externalId: "bot-1", name: "Botty", type: "Bot", status: "Active" },
    ],
    "engagement.jsonl": ENGAGEMENTS.map((e) => ({
      externalId: e.externalId,
      conversationExternalId: `conv-${e.externalId}`,
      agentExternalId: e.agent,
      type: e.type,
      channelType: "CHAT",
      startTime: e.startTime,
    })),
    "turn.jsonl": TURNS.map((t, i) => ({
      externalId: t.externalId,
      engagementExternalId: t.engagement,
      participant: t.participant,
      type: "MESSAGE",
      turnTime: `${DAY}T09:0${i}:00Z`,
    })),
    // As the demo loads it: a survey question identified CSAT under another name.
    "question.jsonl": [
      {
        externalId: "CSAT",
        name: "How satisfied were you with our support?",
        type: "Scale",
        answerType: "Number",
        worstScore: 1,
        bestScore: 5,
      },
      { externalId: "q-polite", name: "Polite", type: "Tag", answerType: "Tag" },
    ],
    "answer.jsonl": [1, 2, 3, 4, 5].map((score) => ({
      externalId: `CSAT-${score}`,
      questionExternalId: "CSAT",
      name: `Score ${score}`,
      score,
      position: score,
    })),
    "reviewer.jsonl": [
      { externalId: "SURVEY", name: "Post-contact survey", type: "Customer" },
      { externalId: "AI", name: "Auto review", type: "AI" },
    ],
    "review.jsonl": [
      {
        externalId: "survey-e-2",
        engagementExternalId: "e-2",
        reviewerExternalId: "SURVEY",
        questionExternalId: "CSAT",
        answerExternalId: "CSAT-5",
        kind: "Customer",
        type: "Answer",
        status: "Submitted",
        answerScore: 5,
        worstScore: 1,
        bestScore: 5,
        reviewTime: `${DAY}T12:00:00Z`,
      },
      {
        externalId: "auto-t-agent",
        engagementExternalId: "e-1",
        turnExternalId: "t-agent",
        reviewerExternalId: "AI",
        questionExternalId: "q-polite",
        kind: "Automatic",
        type: "Tag",
        status: "Submitted",
        confidence: 0.9,
        reviewTime: `${DAY}T12:00:00Z`,
      },
    ],
  });
}

/** A fresh account loaded with the fixture, its signed-in admin, and the PIDs the tests need. */
export async function loadQaFixture() {
  const account = await exportAccount();
  const batch = await ingest(account.apiKey, account.sourceId, fixtureZip());
  if (batch.status !== "COMPLETED") throw new Error(`fixture did not load: ${JSON.stringify(batch)}`);
  const pid = (dataset: string, externalId: string) =>
    sourcePid(account.accountId, account.sourceId, dataset, externalId);
  return {
    ...account,
    admin: await signIn(account.admin.email),
    adminUser: account.admin,
    engagement: (externalId: string) => pid("engagement", externalId),
    turn: (externalId: string) => pid("turn", externalId),
    review: (externalId: string) => pid("review", externalId),
    question: (externalId: string) => pid("question", externalId),
    answer: (externalId: string) => pid("answer", externalId),
    /** Signs in a new user of the account with `role`. */
    async user(role: "admin" | "supervisor" | "analyst" | "agent"): Promise<Client> {
      return signIn((await createUser(account.accountId, role)).email);
    },
  };
}

export type QaFixture = Awaited<ReturnType<typeof loadQaFixture>>;

/** Reads a response as JSON after checking its status, failing with the body otherwise. */
export async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return (status === 204 ? undefined : await r.json()) as T;
}

/** Every page of a list, following its cursor. */
export async function allPages<T>(as: Client, path: string, limit = 2): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { items: T[]; nextCursor: string | null } = await ok(call(url, { as }));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
