import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_METRICS, builtinMetricDefinitions } from "../../workers/analytics/builtin-metrics";
import { evaluateMetric } from "../../workers/analytics/metric-evaluate";
import {
  ACTIVITY,
  AGENTS,
  ENGAGEMENTS,
  type FixtureEngagement,
  loadMetricsFixture,
  OTHER_TENANT_EXTRA,
  REVIEWS,
  START,
  TRANSACTIONS,
} from "./metrics-fixture";

const METRICS = builtinMetricDefinitions();
const WEEK = 7 * 86_400;

// ───────────── expected values, from the fixture's arrays ─────────────

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]) => sum(xs) / xs.length;
const distinct = <T>(xs: T[]) => new Set(xs).size;
const ofType = (type: string) => ENGAGEMENTS.filter((e) => e.type === type);
const agentEngagements = ofType("Agent");
const queueEngagements = ofType("Queue");
const invitations = ofType("Invitation");
const csat = REVIEWS.filter((r) => r.question === "q-csat");
const reviewedIds = new Set(REVIEWS.filter((r) => r.question === "q-reviewed").map((r) => r.engagement));
const tagReviews = REVIEWS.filter((r) => r.question === "q-reviewed" || r.question === "q-bookmark");
const activity = (type: string) => sum(ACTIVITY.filter((a) => a.statusType === type).map((a) => a.duration));
const handled = activity("Busy") + activity("Wrap Up");
const loggedIn = sum(ACTIVITY.map((a) => a.duration));
const staffingCost = sum(
  ACTIVITY.map((a) => ((AGENTS.find((x) => x.externalId === a.agent)?.hourlyCost ?? 0) * a.duration) / 3600),
);
const revenue = sum(TRANSACTIONS.map((t) => t.revenue));
const waits = queueEngagements.flatMap((e) => (e.waitTime === undefined ? [] : [e.waitTime])).sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  return (sorted[lo] ?? 0) + ((sorted[lo + 1] ?? sorted[lo] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
};
const otherConversationOfCustomer = (e: FixtureEngagement, from: number, to: number) =>
  ENGAGEMENTS.some(
    (o) => o.customer === e.customer && o.conversation !== e.conversation && o.startTime >= from && o.startTime <= to,
  );
const repeatConversations = distinct(
  agentEngagements
    .filter((e) => e.customer && otherConversationOfCustomer(e, e.startTime - WEEK, e.startTime - 1))
    .map((e) => e.conversation),
);
const firstContactResolutions = distinct(
  agentEngagements
    .filter(
      (e) =>
        e.customer &&
        e.resolution === "Resolved" &&
        !otherConversationOfCustomer(e, e.startTime + 1, e.startTime + WEEK),
    )
    .map((e) => e.conversation),
);
const agentConversations = distinct(agentEngagements.map((e) => e.conversation));

const EXPECTED: Record<string, number> = {
  Engagements: ENGAGEMENTS.length,
  "Agent Engagements": agentEngagements.length,
  "Queue Engagements": queueEngagements.length,
  Conversations: distinct(ENGAGEMENTS.map((e) => e.conversation)),
  "Agent Conversations": agentConversations,
  "Handling Time": sum(
    agentEngagements.map((e) => (e.preparationTime ?? 0) + (e.engagementTime ?? 0) + (e.wrapUpTime ?? 0)),
  ),
  "Average Handling Time": avg(
    agentEngagements.map((e) => (e.preparationTime ?? 0) + (e.engagementTime ?? 0) + (e.wrapUpTime ?? 0)),
  ),
  "Average Wrap Up Time": avg(agentEngagements.flatMap((e) => (e.wrapUpTime === undefined ? [] : [e.wrapUpTime]))),
  "Average Wait Time": avg(waits),
  "Average Speed of Answer": avg(
    queueEngagements
      .filter((e) => !["Customer Left", "Timed Out", "Canceled"].includes(e.outcomeType))
      .map((e) => e.waitTime ?? 0),
  ),
  "Longest Wait Time": Math.max(...waits),
  "Median Wait Time": percentile(waits, 0.5),
  "90th Percentile Wait Time": percentile(waits, 0.9),
  "Abandoned Engagements": queueEngagements.filter((e) => e.outcomeType === "Customer Left").length,
  "Abandonment Rate":
    queueEngagements.filter((e) => e.outcomeType === "Customer Left").length / queueEngagements.length,
  "Service Level %":
    ENGAGEMENTS.filter((e) => e.serviceLevel === "Met").length /
    ENGAGEMENTS.filter((e) => e.serviceLevel === "Met" || e.serviceLevel === "Missed").length,
  Transfers: agentEngagements.filter((e) => e.outcomeType === "Transferred").length,
  "Transfer Rate": agentEngagements.filter((e) => e.outcomeType === "Transferred").length / agentEngagements.length,
  Invitations: invitations.length,
  "Missed Invitations": invitations.filter((e) => e.outcomeType === "Missed").length,
  "Rejected Invitations": invitations.filter((e) => e.outcomeType === "Rejected").length,
  "Revoked Invitations": invitations.filter((e) => e.outcomeType === "Revoked").length,
  "Invitation Acceptance Rate": invitations.filter((e) => e.outcomeType === "Accepted").length / invitations.length,
  "CSAT Responses": csat.length,
  "Average CSAT": avg(csat.map((r) => r.answerScore ?? 0)),
  "CSAT %": csat.filter((r) => (r.answerScore ?? 0) >= 4).length / csat.length,
  "Agent Engagements Tagged as Reviewed": agentEngagements.filter((e) => reviewedIds.has(e.externalId)).length,
  "Reviewed Coverage %": agentEngagements.filter((e) => reviewedIds.has(e.externalId)).length / agentEngagements.length,
  "Tags Applied": tagReviews.length,
  "Tagged Engagements": distinct(tagReviews.map((r) => r.engagement)),
  "Logged-in Time": loggedIn,
  "Occupancy %": handled / (handled + activity("Available")),
  "Utilisation %": handled / loggedIn,
  "Engagement Cost": sum(ENGAGEMENTS.map((e) => e.cost ?? 0)),
  "Agent Engagement Cost": sum(
    agentEngagements.map((e) => AGENTS.find((a) => a.externalId === e.agent)?.engagementCost ?? 0),
  ),
  "Staffing Cost": staffingCost,
  "Cost per Hour": staffingCost / (loggedIn / 3600),
  Transactions: TRANSACTIONS.length,
  Revenue: revenue,
  "Net Revenue": revenue - sum(TRANSACTIONS.map((t) => t.cost)),
  "Revenue per Agent Engagement": revenue / agentEngagements.length,
  "Repeat Contacts": repeatConversations,
  "Repeat Contact Rate": repeatConversations / agentConversations,
  "First Contact Resolutions": firstContactResolutions,
  "First Contact Resolution %": firstContactResolutions / agentConversations,
  Customers: distinct(ENGAGEMENTS.flatMap((e) => (e.customer ? [e.customer] : []))),
  "Active Agents": distinct(agentEngagements.map((e) => e.agent)),
  "Agents in Active State": AGENTS.filter((a) => a.status === "Active").length,
};

let accountId: string;

beforeAll(async () => {
  ({ accountId } = await loadMetricsFixture());
  // Another tenant with more data in the same database: none of it may show up.
  await loadMetricsFixture(OTHER_TENANT_EXTRA);
});

describe("built-in metrics on the fixture", () => {
  it("the fixture has repeat contacts, first-contact resolutions and every invitation outcome", () => {
    expect(repeatConversations).toBeGreaterThan(0);
    expect(repeatConversations).toBeLessThan(agentConversations);
    expect(firstContactResolutions).toBeGreaterThan(0);
    expect(EXPECTED["Missed Invitations"]).toBeGreaterThan(0);
    expect(EXPECTED["Rejected Invitations"]).toBeGreaterThan(0);
    expect(EXPECTED["Revoked Invitations"]).toBeGreaterThan(0);
    expect(EXPECTED.Transfers).toBeGreaterThan(0);
    expect(EXPECTED["Abandoned Engagements"]).toBeGreaterThan(0);
  });

  it.each(BUILTIN_METRICS.map((m) => [m.name, m] as const))("%s evaluates", async (name, metric) => {
    const { rows } = await evaluateMetric(env.DB, metric.definition, { accountId, metrics: METRICS, name });
    expect(rows).toHaveLength(1);
    const value = rows[0]?.value;
    const expected = EXPECTED[name];
    if (expected !== undefined) expect(value, name).toBeCloseTo(expected, 9);
  });

  it("checks most of them against independent computations", () => {
    expect(Object.keys(EXPECTED).length).toBeGreaterThanOrEqual(40);
    for (const name of Object.keys(EXPECTED)) expect(METRICS.has(name), name).toBe(true);
  });

  it("evaluates every built-in under a dashboard's Date filter and a view-by date", async () => {
    const from = START + 86_400;
    const to = START + 5 * 86_400;
    for (const metric of BUILTIN_METRICS) {
      if (metric.name === "Agents in Active State") continue;
      const { rows } = await evaluateMetric(env.DB, metric.definition, {
        accountId,
        metrics: METRICS,
        filters: [{ attribute: "Date", from, to }],
        by: [{ attribute: "Date", granularity: "day" }],
      });
      for (const row of rows) expect(row.by[0], metric.name).toMatch(/^2024-03-0[2-8]$/);
    }
    const { rows } = await evaluateMetric(env.DB, "SELECT Engagements", {
      accountId,
      metrics: METRICS,
      filters: [{ attribute: "Date", from, to }],
    });
    expect(rows[0]?.value).toBe(ENGAGEMENTS.filter((e) => e.startTime >= from && e.startTime < to).length);
  });
});
