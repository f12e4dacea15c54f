import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { compileMetric } from "../../workers/analytics/metric-compiler";
import { type MetricContext, mergeFilterLayers } from "../../workers/analytics/metric-context";
import { evaluateMetric, type MetricRow } from "../../workers/analytics/metric-evaluate";
import {
  ACTIVITY,
  AGENTS,
  ENGAGEMENTS,
  type FixtureEngagement,
  loadMetricsFixture,
  OTHER_TENANT_EXTRA,
  QUEUES,
  REVIEWS,
  START,
  TEAMS,
} from "./metrics-fixture";

const METRICS = new Map([
  ["Agent Engagements", 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"'],
  ["Agent Conversations", 'SELECT COUNT(Engagement ⏵ Conversation) WHERE Engagement ⏵ Type = "Agent"'],
  [
    "Agent Engagements Tagged as Reviewed",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" AND Review ⏵ Question IN ("Reviewed")',
  ],
]);

// ───────────── expected values, from the fixture's arrays ─────────────

const agentEngagements = ENGAGEMENTS.filter((e) => e.type === "Agent");
const reviewedIds = new Set(REVIEWS.filter((r) => r.question === "q-reviewed").map((r) => r.engagement));
const queueName = (id: string | undefined) => QUEUES.find((q) => q.externalId === id)?.name ?? null;
const teamOf = (agent: string | undefined) =>
  TEAMS.find((t) => t.externalId === AGENTS.find((a) => a.externalId === agent)?.team)?.name ?? null;

function averageConversationsPerCustomer(engagements: FixtureEngagement[]): number {
  const perCustomer = new Map<string, Set<string>>();
  for (const e of engagements) {
    if (!e.customer) continue;
    const set = perCustomer.get(e.customer) ?? new Set();
    set.add(e.conversation);
    perCustomer.set(e.customer, set);
  }
  const sizes = [...perCustomer.values()].map((s) => s.size);
  return sizes.reduce((a, b) => a + b, 0) / sizes.length;
}

function countBy<T>(items: T[], key: (item: T) => string | null): Map<string | null, number> {
  const out = new Map<string | null, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

const GOLDEN: [string, number][] = [
  ['SELECT COUNT(Agent) WHERE Agent ⏵ State IN ("Active")', AGENTS.filter((a) => a.status === "Active").length],
  [
    'SELECT COUNT(Engagement ⏵ Conversation) WHERE Engagement ⏵ Type IN ("Agent")',
    new Set(agentEngagements.map((e) => e.conversation)).size,
  ],
  ["SELECT AVG(SELECT Agent Conversations BY Customer)", averageConversationsPerCustomer(agentEngagements)],
  ['SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"', agentEngagements.length],
  [
    'SELECT Agent Engagements WHERE Engagement ⏵ Service Level IN ("Ignore")',
    agentEngagements.filter((e) => e.serviceLevel === "Ignore").length,
  ],
  [
    "SELECT Agent Engagements Tagged as Reviewed / Agent Engagements",
    agentEngagements.filter((e) => reviewedIds.has(e.externalId)).length / agentEngagements.length,
  ],
];

// ───────────── helpers ─────────────

let accountId: string;
const context = (overrides: Partial<MetricContext> = {}): MetricContext => ({
  accountId,
  metrics: METRICS,
  ...overrides,
});
const value = async (definition: string, overrides: Partial<MetricContext> = {}) => {
  const { rows } = await evaluateMetric(env.DB, definition, context(overrides));
  expect(rows).toHaveLength(1);
  return rows[0]?.value;
};
const byName = (rows: MetricRow[]) => new Map(rows.map((r) => [r.names[0] ?? r.by[0] ?? null, r.value]));

beforeAll(async () => {
  ({ accountId } = await loadMetricsFixture());
});

describe("the published definitions", () => {
  it("the fixture exercises them: several types, levels, conversations and reviewed engagements", () => {
    expect(agentEngagements.length).toBeGreaterThan(8);
    expect(new Set(ENGAGEMENTS.map((e) => e.type)).size).toBe(4);
    expect(agentEngagements.filter((e) => e.serviceLevel === "Ignore").length).toBeGreaterThan(0);
    expect(agentEngagements.filter((e) => reviewedIds.has(e.externalId)).length).toBeGreaterThan(0);
    expect(ENGAGEMENTS.length).toBeGreaterThanOrEqual(28);
  });

  it.each(GOLDEN)("%s", async (definition, expected) => {
    expect(await value(definition)).toBeCloseTo(expected, 10);
  });

  it("accepts -> for ⏵ and # comments", async () => {
    const definition = 'SELECT COUNT(Engagement) # all of them\n  WHERE Engagement->Type = "Agent" # agents only';
    expect(await value(definition)).toBe(agentEngagements.length);
  });
});

describe("evaluation", () => {
  it("gives null, not an error, when dividing by zero", async () => {
    expect(await value("SELECT Agent Engagements / (Agent Engagements - Agent Engagements)")).toBeNull();
  });

  it("matches nothing, without an error, for values that do not exist", async () => {
    expect(await value('SELECT COUNT(Engagement) WHERE Engagement ⏵ Type IN ("Nonsense")')).toBe(0);
    expect(await value('SELECT COUNT(Engagement) WHERE Engagement ⏵ Queue = "No such queue"')).toBe(0);
  });

  it("filters entities by name, references through joins, and related data sets through EXISTS", async () => {
    expect(await value('SELECT COUNT(Engagement) WHERE Engagement ⏵ Queue = "Billing"')).toBe(
      ENGAGEMENTS.filter((e) => e.queue === "q-billing").length,
    );
    expect(await value('SELECT COUNT(Engagement) WHERE Agent ⏵ Team IN ("Tier 2")')).toBe(
      ENGAGEMENTS.filter((e) => teamOf(e.agent) === "Tier 2").length,
    );
    const reviewed = ENGAGEMENTS.filter((e) => !reviewedIds.has(e.externalId) && e.type === "Agent").length;
    expect(await value('SELECT Agent Engagements WHERE NOT Review ⏵ Question IN ("Reviewed")')).toBe(reviewed);
  });

  it("tests conditions on one related data set against the same related row", async () => {
    const withOtherReview = new Set(REVIEWS.filter((r) => r.question !== "q-reviewed").map((r) => r.engagement));
    expect(await value('SELECT Agent Engagements WHERE Review ⏵ Question NOT IN ("Reviewed")')).toBe(
      agentEngagements.filter((e) => withOtherReview.has(e.externalId)).length,
    );
    const happy = new Set(
      REVIEWS.filter((r) => r.question === "q-csat" && (r.answerScore ?? 0) >= 4).map((r) => r.engagement),
    );
    const definition = 'SELECT COUNT(Engagement) WHERE Review ⏵ Question = "CSAT" AND Review ⏵ Answer Score >= 4';
    expect(await value(definition)).toBe(ENGAGEMENTS.filter((e) => happy.has(e.externalId)).length);
  });

  it("treats NOT and <> as the complement, missing values included", async () => {
    const notMet = ENGAGEMENTS.filter((e) => e.serviceLevel !== "Met").length;
    expect(await value('SELECT COUNT(Engagement) WHERE Engagement ⏵ Service Level <> "Met"')).toBe(notMet);
    expect(await value('SELECT COUNT(Engagement) WHERE NOT Engagement ⏵ Service Level = "Met"')).toBe(notMet);
    expect(await value('SELECT COUNT(Engagement) WHERE Engagement ⏵ Service Level NOT IN ("Met", "Missed")')).toBe(
      ENGAGEMENTS.filter((e) => e.serviceLevel !== "Met" && e.serviceLevel !== "Missed").length,
    );
  });

  it("compares facts", async () => {
    expect(await value("SELECT COUNT(Engagement) WHERE Engagement ⏵ Wait Time >= 60")).toBe(
      ENGAGEMENTS.filter((e) => (e.waitTime ?? -1) >= 60).length,
    );
  });

  it("computes SUM, AVG, MIN, MAX, MEDIAN and PERCENTILE of facts", async () => {
    const waits = ENGAGEMENTS.flatMap((e) => (e.waitTime === undefined ? [] : [e.waitTime])).sort((a, b) => a - b);
    const percentile = (p: number) => {
      const pos = p * (waits.length - 1);
      const lo = Math.floor(pos);
      return (waits[lo] ?? 0) + ((waits[lo + 1] ?? waits[lo] ?? 0) - (waits[lo] ?? 0)) * (pos - lo);
    };
    const sum = waits.reduce((a, b) => a + b, 0);
    expect(await value("SELECT SUM(Engagement ⏵ Wait Time)")).toBeCloseTo(sum, 9);
    expect(await value("SELECT AVG(Engagement ⏵ Wait Time)")).toBeCloseTo(sum / waits.length, 9);
    expect(await value("SELECT MIN(Engagement ⏵ Wait Time)")).toBe(waits[0]);
    expect(await value("SELECT MAX(Engagement ⏵ Wait Time)")).toBe(waits.at(-1));
    expect(await value("SELECT MEDIAN(Engagement ⏵ Wait Time)")).toBeCloseTo(percentile(0.5), 9);
    expect(await value("SELECT PERCENTILE(Engagement ⏵ Wait Time, 0.9)")).toBeCloseTo(percentile(0.9), 9);
  });

  it("adds facts row by row, a missing one counting as 0", async () => {
    const handling = agentEngagements.map(
      (e) => (e.preparationTime ?? 0) + (e.engagementTime ?? 0) + (e.wrapUpTime ?? 0),
    );
    const definition =
      'SELECT AVG(Engagement ⏵ Preparation Time + Engagement ⏵ Engagement Time + Engagement ⏵ Wrap Up Time) WHERE Engagement ⏵ Type = "Agent"';
    expect(await value(definition)).toBeCloseTo(handling.reduce((a, b) => a + b, 0) / handling.length, 9);
  });

  it("aggregates a referenced data set's fact over another data set's rows", async () => {
    const expected = agentEngagements.reduce(
      (sum, e) => sum + (AGENTS.find((a) => a.externalId === e.agent)?.engagementCost ?? 0),
      0,
    );
    expect(
      await value('SELECT SUM(Agent ⏵ Cost per Engagement, Engagement) WHERE Engagement ⏵ Type = "Agent"'),
    ).toBeCloseTo(expected, 9);
    const activityCost = ACTIVITY.reduce(
      (sum, a) => sum + ((AGENTS.find((x) => x.externalId === a.agent)?.hourlyCost ?? 0) * a.duration) / 3600,
      0,
    );
    expect(await value("SELECT SUM(Agent ⏵ Cost per Hour * Activity ⏵ Duration) / 3600")).toBeCloseTo(activityCost, 9);
  });
});

describe("view by and segment by", () => {
  it("groups entities by name", async () => {
    const { rows } = await evaluateMetric(
      env.DB,
      "SELECT Agent Engagements",
      context({ by: [{ attribute: "Engagement ⏵ Queue" }] }),
    );
    const expected = countBy(agentEngagements, (e) => queueName(e.queue));
    expect(byName(rows)).toEqual(expected);
  });

  it("groups through references (Agent ⏵ Team) and shows referenced items by name", async () => {
    const teams = await evaluateMetric(
      env.DB,
      "SELECT Agent Engagements",
      context({ by: [{ attribute: "Agent ⏵ Team" }] }),
    );
    expect(byName(teams.rows)).toEqual(countBy(agentEngagements, (e) => teamOf(e.agent)));
    const agents = await evaluateMetric(
      env.DB,
      "SELECT Agent Engagements",
      context({ by: [{ attribute: "Engagement -> Agent" }] }),
    );
    const names = (id: string | undefined) => AGENTS.find((a) => a.externalId === id)?.name ?? null;
    expect(byName(agents.rows)).toEqual(countBy(agentEngagements, (e) => names(e.agent)));
  });

  it("groups dates by day, in UTC, and combines two groupings", async () => {
    const { rows } = await evaluateMetric(
      env.DB,
      "SELECT COUNT(Engagement)",
      context({ by: [{ attribute: "Date", granularity: "day" }, { attribute: "Engagement ⏵ Type" }] }),
    );
    const expected = countBy(
      ENGAGEMENTS,
      (e) => `${new Date(e.startTime * 1000).toISOString().slice(0, 10)}|${e.type}`,
    );
    expect(new Map(rows.map((r) => [`${r.by[0]}|${r.by[1]}`, r.value]))).toEqual(expected);
  });

  it("groups by week starting on Monday", async () => {
    const { rows } = await evaluateMetric(
      env.DB,
      "SELECT COUNT(Engagement)",
      context({ by: [{ attribute: "Date", granularity: "week" }] }),
    );
    const monday = (t: number) => {
      const d = new Date(t * 1000);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return d.toISOString().slice(0, 10);
    };
    expect(new Map(rows.map((r) => [r.by[0], r.value]))).toEqual(countBy(ENGAGEMENTS, (e) => monday(e.startTime)));
  });

  it("fills groups where a ratio's numerator has no rows with 0, and keeps a nested BY per group", async () => {
    const { rows } = await evaluateMetric(
      env.DB,
      "SELECT Agent Engagements Tagged as Reviewed / Agent Engagements",
      context({ by: [{ attribute: "Engagement ⏵ Queue" }] }),
    );
    for (const row of rows) {
      const inQueue = agentEngagements.filter((e) => queueName(e.queue) === row.names[0]);
      expect(row.value).toBeCloseTo(inQueue.filter((e) => reviewedIds.has(e.externalId)).length / inQueue.length, 10);
    }
    const nested = await evaluateMetric(
      env.DB,
      "SELECT AVG(SELECT Agent Conversations BY Customer)",
      context({ by: [{ attribute: "Engagement ⏵ Queue" }] }),
    );
    for (const row of nested.rows) {
      const inQueue = agentEngagements.filter((e) => queueName(e.queue) === row.names[0]);
      expect(row.value).toBeCloseTo(averageConversationsPerCustomer(inQueue), 10);
    }
  });
});

describe("filter precedence: dashboard > visualization > metric", () => {
  const typeIs = (...values: string[]) => ({ attribute: "Engagement ⏵ Type", values });
  const count = (type: string, more: (e: FixtureEngagement) => boolean = () => true) =>
    ENGAGEMENTS.filter((e) => e.type === type && more(e)).length;

  it("a context filter on another attribute narrows the metric", async () => {
    const filters = [{ attribute: "Engagement ⏵ Queue", values: ["Billing"] }];
    expect(await value("SELECT Agent Engagements", { filters })).toBe(count("Agent", (e) => e.queue === "q-billing"));
  });

  it("a context filter on the same attribute replaces the metric's own = or IN", async () => {
    expect(await value("SELECT Agent Engagements", { filters: [typeIs("Bot")] })).toBe(count("Bot"));
  });

  it("an enclosing metric's WHERE on the same attribute replaces the referenced metric's own", async () => {
    expect(await value('SELECT Agent Engagements WHERE Engagement ⏵ Type = "Bot"')).toBe(count("Bot"));
  });

  it("a context's exclusion (NOT IN) narrows the metric's own condition instead of replacing it", async () => {
    const filters = [{ attribute: "Engagement ⏵ Type", values: ["Bot"], exclude: true }];
    expect(await value("SELECT Agent Engagements", { filters })).toBe(count("Agent"));
  });

  it("the metric's own negative conditions are kept", async () => {
    const definition = 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type <> "Queue"';
    expect(await value(definition, { filters: [typeIs("Queue", "Agent")] })).toBe(count("Agent"));
  });

  it("WITH PARENT FILTER keeps both, so conflicting filters match nothing", async () => {
    const definition = 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" WITH PARENT FILTER';
    expect(await value(definition, { filters: [typeIs("Bot")] })).toBe(0);
    expect(await value(definition, { filters: [typeIs("Agent", "Bot")] })).toBe(count("Agent"));
  });

  it("WITH PARENT FILTER EXCEPT ignores the context's filters on the listed attributes only", async () => {
    const definition =
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" WITH PARENT FILTER EXCEPT Engagement ⏵ Queue';
    const filters = [
      { attribute: "Engagement ⏵ Queue", values: ["Billing"] },
      { attribute: "Engagement ⏵ Channel Type", values: ["CHAT"] },
    ];
    expect(await value(definition, { filters })).toBe(count("Agent", (e) => e.channelType === "CHAT"));
  });

  it("WITHOUT PARENT FILTER ignores the context; WITHOUT PF EXCEPT keeps the listed attributes", async () => {
    const filters = [typeIs("Bot"), { attribute: "Engagement ⏵ Channel Type", values: ["CHAT"] }];
    const without = 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" WITHOUT PARENT FILTER';
    expect(await value(without, { filters })).toBe(count("Agent"));
    const except =
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" WITHOUT PF EXCEPT Engagement ⏵ Channel Type';
    expect(await value(except, { filters })).toBe(count("Agent", (e) => e.channelType === "CHAT"));
  });

  it("a dashboard filter replaces the visualization's filter on the same attribute", async () => {
    const filters = mergeFilterLayers(
      [typeIs("Agent")],
      [typeIs("Bot"), { attribute: "Engagement -> Channel Type", values: ["CHAT"] }],
    );
    expect(await value("SELECT COUNT(Engagement)", { filters })).toBe(count("Agent", (e) => e.channelType === "CHAT"));
  });

  it("the Date filter uses the engagement's start time, and activity's interval start", async () => {
    const from = START + 86_400;
    const to = START + 4 * 86_400;
    const filters = [{ attribute: "Date", from, to }];
    expect(await value("SELECT COUNT(Engagement)", { filters })).toBe(
      ENGAGEMENTS.filter((e) => e.startTime >= from && e.startTime < to).length,
    );
    expect(await value("SELECT SUM(Activity ⏵ Duration)", { filters })).toBe(
      ACTIVITY.filter((a) => a.intervalStart >= from && a.intervalStart < to).reduce((s, a) => s + a.duration, 0),
    );
    const iso = await value("SELECT COUNT(Engagement)", {
      filters: [{ attribute: "Engagement ⏵ Start Time", from: "2024-03-05", to: "2024-03-08T00:00:00Z" }],
    });
    expect(iso).toBe(ENGAGEMENTS.filter((e) => e.startTime >= from && e.startTime < to).length);
  });

  it("a context filter on a data set that references the metric's asks for a related row", async () => {
    const filters = [{ attribute: "Engagement ⏵ Queue", values: ["Billing"] }];
    const agents = new Set(ENGAGEMENTS.filter((e) => e.queue === "q-billing" && e.agent).map((e) => e.agent));
    expect(await value("SELECT COUNT(Agent)", { filters })).toBe(agents.size);
  });

  it("reports context filters that cannot apply instead of failing", async () => {
    const result = await evaluateMetric(
      env.DB,
      'SELECT COUNT(Agent) WHERE Agent ⏵ State = "Active"',
      context({
        filters: [{ attribute: "Date", from: START }],
      }),
    );
    expect(result.rows[0]?.value).toBe(AGENTS.filter((a) => a.status === "Active").length);
    expect(result.ignoredFilters).toEqual(["Date"]);
  });
});

describe("query plans", () => {
  const plan = async (definition: string, overrides: Partial<MetricContext>) => {
    const { sql, params } = compileMetric(definition, context(overrides));
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return results.map((r) => r.detail);
  };

  it("a Date filter on engagements searches the (account, start time) index", async () => {
    const details = await plan("SELECT Agent Engagements", {
      filters: [{ attribute: "Date", from: START, to: START + 86_400 }],
    });
    expect(
      details.some((d) => /SEARCH .*engagement_start \(account_id=\? AND start_time>\? AND start_time<\?\)/.test(d)),
    ).toBe(true);
  });

  it("related reviews are found by engagement through an index, never by scanning reviews", async () => {
    const definition = "SELECT Agent Engagements Tagged as Reviewed";
    const aliases = [...compileMetric(definition, context({})).sql.matchAll(/"review" AS (\w+)/g)].map((m) => m[1]);
    expect(aliases.length).toBeGreaterThan(0);
    const details = await plan(definition, {});
    const reviewLines = details.filter((d) => aliases.some((a) => new RegExp(`^(SEARCH|SCAN) ${a}\\b`).test(d)));
    expect(reviewLines.length, details.join("\n")).toBe(aliases.length);
    for (const line of reviewLines) {
      expect(line).toMatch(/^SEARCH \w+ USING (COVERING )?INDEX review_(engagement|question) \(.*engagement_pid=\?\)/);
    }
  });
});

describe("tenant isolation", () => {
  it("no metric reads another account's rows", async () => {
    const other = await loadMetricsFixture(OTHER_TENANT_EXTRA);
    for (const [definition, expected] of GOLDEN) {
      expect(await value(definition), definition).toBeCloseTo(expected, 10);
    }
    // The other account's own numbers do differ, so a leak would have shown.
    const theirs = await evaluateMetric(env.DB, "SELECT COUNT(Engagement)", { accountId: other.accountId });
    expect(theirs.rows[0]?.value).toBe(ENGAGEMENTS.length + OTHER_TENANT_EXTRA.length);
    expect(await value("SELECT COUNT(Engagement)")).toBe(ENGAGEMENTS.length);
  });
});
