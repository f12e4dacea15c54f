import { beforeAll, describe, expect, it } from "vitest";
import type { EvaluateResult, Metric } from "../../schemas/analytics";
import { BUILTIN_METRICS } from "../../workers/analytics/builtin-metrics";
import { adminClient, type Client, call, createUser, errorCode, signIn } from "./helpers";
import { ENGAGEMENTS, loadMetricsFixture, OTHER_TENANT_EXTRA, QUEUES } from "./metrics-fixture";

// ───────────── builders ─────────────

const AGENT_ENGAGEMENTS = 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"';

function metricInput(overrides: Partial<{ name: string; description: string; definition: string; format: string }>) {
  return { name: `Metric ${crypto.randomUUID().slice(0, 8)}`, definition: AGENT_ENGAGEMENTS, ...overrides };
}

async function createMetric(as: Client, overrides: Parameters<typeof metricInput>[0] = {}): Promise<Metric> {
  const res = await call("/api/v1/metrics", { as, body: metricInput(overrides) });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Metric;
}

/** The account's custom metrics (the list without the built-ins). */
async function customMetrics(as: Client): Promise<Metric[]> {
  const all: Metric[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${cursor}` : "?limit=200";
    const res = await call(`/api/v1/metrics${query}`, { as });
    const body = (await res.json()) as { items: Metric[]; nextCursor: string | null };
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all.filter((m) => !m.builtIn);
}

async function evaluate(as: Client, body: unknown): Promise<Response> {
  return call("/api/v1/metrics/evaluate", { as, body });
}

async function metricValue(as: Client, body: unknown): Promise<number | null | undefined> {
  const res = await evaluate(as, body);
  expect(res.status).toBe(200);
  const result = (await res.json()) as EvaluateResult;
  expect(result.rows).toHaveLength(1);
  return result.rows[0]?.value;
}

async function signedIn(accountId: string, role: "agent" | "analyst") {
  const user = await createUser(accountId, role);
  return signIn(user.email);
}

// ───────────── the metric library ─────────────

describe("POST /api/v1/metrics", () => {
  it("creates a custom metric that GET returns", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", {
      as: client,
      body: { name: "  Chat   Engagements ", description: "Chats.", definition: AGENT_ENGAGEMENTS, format: "number" },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Metric;
    expect(created).toMatchObject({
      name: "Chat   Engagements",
      builtIn: false,
      format: "number",
      description: "Chats.",
    });
    const got = await call(`/api/v1/metrics/${created.id}`, { as: client });
    expect(await got.json()).toEqual(created);
  });

  it("lets a custom metric reference built-ins and other custom metrics by name", async () => {
    const { client } = await adminClient();
    await createMetric(client, { name: "Doubled", definition: "SELECT Agent Engagements * 2" });
    const res = await call("/api/v1/metrics", {
      as: client,
      body: metricInput({ definition: "SELECT doubled / {Agent Engagements}" }),
    });
    expect(res.status).toBe(201);
  });

  it.each([
    ["SYNTAX_ERROR", "SELECT COUNT(Engagement"],
    ["UNKNOWN_ATTRIBUTE", 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Colour = "Red"'],
    ["UNKNOWN_METRIC", "SELECT No Such Metric"],
    ["TYPE_ERROR", "SELECT SUM(Engagement ⏵ Type)"],
  ])("answers 400 %s for a bad definition, with its place, and saves nothing", async (code, definition) => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", { as: client, body: metricInput({ definition }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/^Line \d+, column \d+: /);
    expect(body.error.details).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(await customMetrics(client)).toEqual([]);
  });

  it("reports the line and column of an error on a later line", async () => {
    const { client } = await adminClient();
    const definition = 'SELECT COUNT(Engagement)\n  WHERE Engagement ⏵ Type = "Agent" ;';
    const res = await call("/api/v1/metrics", { as: client, body: metricInput({ definition }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: "UNEXPECTED_CHARACTER",
      message: expect.stringMatching(/^Line 2, column 37: /),
    });
  });

  it("refuses a metric that references itself", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", {
      as: client,
      body: metricInput({ name: "Loop", definition: "SELECT Loop + 1" }),
    });
    expect(await errorCode(res)).toBe("CIRCULAR_METRIC");
    expect(await customMetrics(client)).toEqual([]);
  });

  it("refuses a name the account already has, whatever the case and spacing", async () => {
    const { client } = await adminClient();
    await createMetric(client, { name: "Chat Engagements" });
    const res = await call("/api/v1/metrics", { as: client, body: metricInput({ name: "chat  ENGAGEMENTS" }) });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("DUPLICATE_METRIC_NAME");
    expect(await customMetrics(client)).toHaveLength(1);
  });

  it("refuses a built-in's name", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", { as: client, body: metricInput({ name: "agent engagements" }) });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("BUILT_IN_METRIC_NAME");
    expect(await customMetrics(client)).toEqual([]);
  });

  it.each([
    ["an empty name", { name: "" }],
    ["a name with braces", { name: "Cost {per} hour" }],
    ["a long definition", { definition: `SELECT ${"1 + ".repeat(2500)}1` }],
    ["an unknown format", { format: "ratio" }],
  ])("answers 400 VALIDATION_FAILED for %s", async (_, overrides) => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", { as: client, body: metricInput(overrides) });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("VALIDATION_FAILED");
  });

  it("needs the metrics.edit permission, which agents lack", async () => {
    const { account } = await adminClient();
    const agent = await signedIn(account.id, "agent");
    const res = await call("/api/v1/metrics", { as: agent, body: metricInput({}) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("FORBIDDEN");
    const analyst = await signedIn(account.id, "analyst");
    expect((await call("/api/v1/metrics", { as: analyst, body: metricInput({}) })).status).toBe(201);
  });

  it("needs the CSRF token and a session", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics", { as: client, csrf: null, body: metricInput({}) });
    expect(await errorCode(res)).toBe("CSRF_FAILED");
    expect((await call("/api/v1/metrics", { body: metricInput({}) })).status).toBe(401);
    expect(await customMetrics(client)).toEqual([]);
  });
});

describe("GET /api/v1/metrics", () => {
  it("lists built-ins and custom metrics together by name, page by page", async () => {
    const { client } = await adminClient();
    const mine = await createMetric(client, { name: "Average Zebra" });
    await createMetric(client, { name: "aardvark count" });
    const seen: Metric[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=7&cursor=${cursor}` : "?limit=7";
      const body = (await (await call(`/api/v1/metrics${query}`, { as: client })).json()) as {
        items: Metric[];
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(BUILTIN_METRICS.length + 2);
    const names = seen.map((m) => m.name.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(seen[0]?.name).toBe("90th Percentile Wait Time");
    expect(seen.find((m) => m.id === mine.id)).toEqual(mine);
    expect(seen.find((m) => m.id === "abandonment-rate")).toMatchObject({ builtIn: true, createdAt: null });
  });

  it("searches names with q, any case", async () => {
    const { client } = await adminClient();
    await createMetric(client, { name: "Handling Time per Chat" });
    const res = await call(`/api/v1/metrics?q=${encodeURIComponent("HANDLING time")}`, { as: client });
    const { items } = (await res.json()) as { items: Metric[] };
    expect(items.map((m) => m.name)).toEqual(["Average Handling Time", "Handling Time", "Handling Time per Chat"]);
  });

  it("never lists another account's metrics", async () => {
    const a = await adminClient();
    const b = await adminClient();
    await createMetric(a.client);
    expect(await customMetrics(b.client)).toEqual([]);
  });

  it("is open to every signed-in user, and rejects a bad cursor", async () => {
    const { account } = await adminClient();
    const agent = await signedIn(account.id, "agent");
    expect((await call("/api/v1/metrics", { as: agent })).status).toBe(200);
    expect(await errorCode(await call("/api/v1/metrics?cursor=nonsense", { as: agent }))).toBe("INVALID_CURSOR");
    expect((await call("/api/v1/metrics")).status).toBe(401);
  });
});

describe("GET /api/v1/metrics/{id}", () => {
  it("returns a built-in by its id", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics/average-handling-time", { as: client });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "Average Handling Time", format: "duration", builtIn: true });
  });

  it("answers 404 for another account's metric and for unknown ids, 400 for malformed ones", async () => {
    const a = await adminClient();
    const b = await adminClient();
    const theirs = await createMetric(a.client);
    expect(await errorCode(await call(`/api/v1/metrics/${theirs.id}`, { as: b.client }))).toBe("NOT_FOUND");
    expect((await call("/api/v1/metrics/no-such-metric", { as: b.client })).status).toBe(404);
    expect(await errorCode(await call("/api/v1/metrics/Not%20An%20Id", { as: b.client }))).toBe("VALIDATION_FAILED");
  });
});

describe("PATCH /api/v1/metrics/{id}", () => {
  it("changes a custom metric's name, definition and format", async () => {
    const { client } = await adminClient();
    const created = await createMetric(client);
    const res = await call(`/api/v1/metrics/${created.id}`, {
      as: client,
      method: "PATCH",
      body: { name: "Agent Share", definition: "SELECT Agent Engagements / Engagements", format: "percent" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, name: "Agent Share", format: "percent" });
  });

  it("keeps its own name when only the description changes", async () => {
    const { client } = await adminClient();
    const created = await createMetric(client, { name: "Stay" });
    const res = await call(`/api/v1/metrics/${created.id}`, {
      as: client,
      method: "PATCH",
      body: { name: "stay", description: "Still here." },
    });
    expect(await res.json()).toMatchObject({ name: "stay", description: "Still here." });
  });

  it("refuses a circular reference through two custom metrics and saves nothing", async () => {
    const { client } = await adminClient();
    const a = await createMetric(client, { name: "Alpha", definition: "SELECT Engagements" });
    await createMetric(client, { name: "Beta", definition: "SELECT Alpha * 2" });
    const res = await call(`/api/v1/metrics/${a.id}`, {
      as: client,
      method: "PATCH",
      body: { definition: "SELECT Beta + 1" },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("CIRCULAR_METRIC");
    expect(error.message).toContain("Alpha → Beta → Alpha");
    expect(await (await call(`/api/v1/metrics/${a.id}`, { as: client })).json()).toMatchObject({
      definition: "SELECT Engagements",
    });
  });

  it("refuses a rename that would break a metric using the old name", async () => {
    const { client } = await adminClient();
    const a = await createMetric(client, { name: "Alpha" });
    await createMetric(client, { name: "Beta", definition: "SELECT Alpha * 2" });
    const res = await call(`/api/v1/metrics/${a.id}`, { as: client, method: "PATCH", body: { name: "Gamma" } });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("METRIC_IN_USE");
  });

  it("refuses another metric's name and an invalid definition", async () => {
    const { client } = await adminClient();
    const a = await createMetric(client, { name: "Alpha" });
    await createMetric(client, { name: "Beta" });
    const rename = await call(`/api/v1/metrics/${a.id}`, { as: client, method: "PATCH", body: { name: "BETA" } });
    expect(await errorCode(rename)).toBe("DUPLICATE_METRIC_NAME");
    const broken = await call(`/api/v1/metrics/${a.id}`, {
      as: client,
      method: "PATCH",
      body: { definition: "SELECT AVG(Agent ⏵ Team)" },
    });
    expect(await errorCode(broken)).toBe("TYPE_ERROR");
    expect(await (await call(`/api/v1/metrics/${a.id}`, { as: client })).json()).toEqual(a);
  });

  it("keeps built-ins read-only", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/metrics/abandonment-rate", {
      as: client,
      method: "PATCH",
      body: { format: "number" },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("BUILT_IN_READ_ONLY");
  });

  it("answers 404 for another account's metric, 403 for an agent", async () => {
    const a = await adminClient();
    const b = await adminClient();
    const theirs = await createMetric(a.client);
    const res = await call(`/api/v1/metrics/${theirs.id}`, { as: b.client, method: "PATCH", body: { name: "Mine" } });
    expect(res.status).toBe(404);
    const agent = await signedIn(a.account.id, "agent");
    const denied = await call(`/api/v1/metrics/${theirs.id}`, { as: agent, method: "PATCH", body: { name: "Mine" } });
    expect(denied.status).toBe(403);
    expect(await (await call(`/api/v1/metrics/${theirs.id}`, { as: a.client })).json()).toEqual(theirs);
  });
});

describe("DELETE /api/v1/metrics/{id}", () => {
  it("deletes a custom metric", async () => {
    const { client } = await adminClient();
    const created = await createMetric(client);
    expect((await call(`/api/v1/metrics/${created.id}`, { as: client, method: "DELETE" })).status).toBe(204);
    expect((await call(`/api/v1/metrics/${created.id}`, { as: client })).status).toBe(404);
  });

  it("refuses while another metric uses it", async () => {
    const { client } = await adminClient();
    const a = await createMetric(client, { name: "Alpha" });
    const b = await createMetric(client, { name: "Beta", definition: "SELECT {alpha} * 2" });
    const res = await call(`/api/v1/metrics/${a.id}`, { as: client, method: "DELETE" });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("METRIC_IN_USE");
    expect((await call(`/api/v1/metrics/${b.id}`, { as: client, method: "DELETE" })).status).toBe(204);
    expect((await call(`/api/v1/metrics/${a.id}`, { as: client, method: "DELETE" })).status).toBe(204);
  });

  it("keeps built-ins, and another account's metrics, out of reach", async () => {
    const a = await adminClient();
    const b = await adminClient();
    const theirs = await createMetric(a.client);
    expect(await errorCode(await call("/api/v1/metrics/engagements", { as: b.client, method: "DELETE" }))).toBe(
      "BUILT_IN_READ_ONLY",
    );
    expect((await call(`/api/v1/metrics/${theirs.id}`, { as: b.client, method: "DELETE" })).status).toBe(404);
    expect(await customMetrics(a.client)).toEqual([theirs]);
  });
});

// ───────────── evaluation ─────────────

describe("POST /api/v1/metrics/evaluate", () => {
  const agentEngagements = ENGAGEMENTS.filter((e) => e.type === "Agent");
  let ours: Client;
  let oursAccountId: string;
  let theirs: Client;

  beforeAll(async () => {
    const mine = await loadMetricsFixture();
    const other = await loadMetricsFixture(OTHER_TENANT_EXTRA);
    oursAccountId = mine.accountId;
    ours = await signIn(mine.admin.email);
    theirs = await signIn(other.admin.email);
  });

  it("evaluates a definition on the account's data", async () => {
    expect(await metricValue(ours, { definition: "SELECT Engagements" })).toBe(ENGAGEMENTS.length);
    expect(await metricValue(ours, { definition: AGENT_ENGAGEMENTS })).toBe(agentEngagements.length);
  });

  it("is tenant-isolated: each account sees its own engagements only", async () => {
    expect(await metricValue(theirs, { definition: "SELECT Engagements" })).toBe(
      ENGAGEMENTS.length + OTHER_TENANT_EXTRA.length,
    );
    expect(await metricValue(ours, { definition: "SELECT Engagements" })).toBe(ENGAGEMENTS.length);
  });

  it("applies context filters and splits by view-by attributes", async () => {
    const billing = agentEngagements.filter((e) => e.queue === "q-billing").length;
    expect(
      await metricValue(ours, {
        definition: AGENT_ENGAGEMENTS,
        context: { filters: [{ attribute: "Engagement ⏵ Queue", op: "in", values: ["Billing"] }] },
      }),
    ).toBe(billing);
    expect(
      await metricValue(ours, {
        definition: AGENT_ENGAGEMENTS,
        context: { filters: [{ attribute: "Engagement -> Queue", op: "notIn", values: ["Billing"] }] },
      }),
    ).toBe(agentEngagements.length - billing);

    const res = await evaluate(ours, {
      definition: AGENT_ENGAGEMENTS,
      context: { by: [{ attribute: "Engagement ⏵ Queue" }] },
    });
    const result = (await res.json()) as EvaluateResult;
    expect(result.columns.map((c) => c.role)).toEqual(["by", "name", "value"]);
    const byQueue = new Map(result.rows.map((r) => [r.names[0], r.value]));
    for (const queue of QUEUES) {
      expect(byQueue.get(queue.name)).toBe(agentEngagements.filter((e) => e.queue === queue.externalId).length);
    }
  });

  it("filters by the Date dimension and groups by day", async () => {
    const from = Math.min(...ENGAGEMENTS.map((e) => e.startTime));
    const day = new Date(from * 1000).toISOString().slice(0, 10);
    const next = new Date((from + 86_400) * 1000).toISOString().slice(0, 10);
    const expected = ENGAGEMENTS.filter((e) => new Date(e.startTime * 1000).toISOString().slice(0, 10) === day).length;
    const res = await evaluate(ours, {
      definition: "SELECT Engagements",
      context: {
        filters: [{ attribute: "Date", op: "between", from: day, to: next }],
        by: [{ attribute: "Date", granularity: "day" }],
      },
    });
    const result = (await res.json()) as EvaluateResult;
    expect(result.rows).toEqual([{ by: [day], names: [null], value: expected }]);
  });

  it("evaluates a saved metric by id, and a draft of it", async () => {
    const saved = await createMetric(ours, {
      name: "Agent Engagements Doubled",
      definition: "SELECT Agent Engagements * 2",
    });
    expect(await metricValue(ours, { metricId: saved.id })).toBe(agentEngagements.length * 2);
    expect(await metricValue(ours, { metricId: saved.id, definition: "SELECT Agent Engagements * 3" })).toBe(
      agentEngagements.length * 3,
    );
    expect(
      await errorCode(await evaluate(ours, { metricId: saved.id, definition: "SELECT {Agent Engagements Doubled}" })),
    ).toBe("CIRCULAR_METRIC");
    expect(await metricValue(ours, { metricId: "agent-engagements" })).toBe(agentEngagements.length);
  });

  it("never uses another account's metrics, by id or by name", async () => {
    const secret = await createMetric(theirs, { name: "Their Secret Metric", definition: "SELECT Engagements" });
    expect((await evaluate(ours, { metricId: secret.id })).status).toBe(404);
    expect(await errorCode(await evaluate(ours, { definition: "SELECT Their Secret Metric" }))).toBe("UNKNOWN_METRIC");
    expect(await errorCode(await evaluate(ours, { definition: "SELECT {Their Secret Metric}" }))).toBe(
      "UNKNOWN_METRIC",
    );
  });

  it("answers 400 with the language's codes for bad definitions and contexts", async () => {
    const syntax = await evaluate(ours, { definition: "SELECT COUNT(" });
    expect(syntax.status).toBe(400);
    expect(await errorCode(syntax)).toBe("SYNTAX_ERROR");
    const context = await evaluate(ours, {
      definition: "SELECT Engagements",
      context: { filters: [{ attribute: "Engagement ⏵ Colour", op: "in", values: ["Red"] }] },
    });
    expect(await errorCode(context)).toBe("UNKNOWN_ATTRIBUTE");
    const unrelated = await evaluate(ours, {
      definition: "SELECT COUNT(Agent)",
      context: { by: [{ attribute: "Engagement ⏵ Queue" }] },
    });
    expect(await errorCode(unrelated)).toBe("UNRELATED_ATTRIBUTE");
  });

  it.each([
    ["neither definition nor metricId", {}],
    [
      "three view-bys",
      {
        definition: "SELECT Engagements",
        context: { by: [{ attribute: "Date" }, { attribute: "Date" }, { attribute: "Date" }] },
      },
    ],
    [
      "over 1000 values",
      {
        definition: "SELECT Engagements",
        context: {
          filters: [{ attribute: "Engagement ⏵ Queue", op: "in", values: Array.from({ length: 1001 }, String) }],
        },
      },
    ],
    [
      "a between without bounds",
      { definition: "SELECT Engagements", context: { filters: [{ attribute: "Date", op: "between" }] } },
    ],
  ])("answers 400 VALIDATION_FAILED for %s", async (_, body) => {
    expect(await errorCode(await evaluate(ours, body))).toBe("VALIDATION_FAILED");
  });

  it("is open to agents, who may read but not edit", async () => {
    const agent = await signedIn(oursAccountId, "agent");
    expect(await metricValue(agent, { definition: "SELECT Engagements" })).toBe(ENGAGEMENTS.length);
  });
});
