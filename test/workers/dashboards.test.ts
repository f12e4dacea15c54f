import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, DashboardView } from "../../schemas/dashboards";
import type { EngagementDetail, EngagementRow, Selection } from "../../schemas/engagements";
import type { Visualization, VisualizationData } from "../../schemas/visualizations";
import { BUILTIN_DASHBOARDS, BUILTIN_VISUALIZATIONS } from "../../workers/analytics/builtin-dashboards";
import { type Client, call, createUser, errorCode, signIn } from "./helpers";
import { ENGAGEMENTS, loadMetricsFixture, OTHER_TENANT_EXTRA } from "./metrics-fixture";

// Visualizations, dashboards, views and drill-down against the metric fixture, whose expected
// values are computed here from its arrays, never through the compiler.

const MARCH = { op: "between", from: "2024-03-01", to: "2024-04-01" } as const;

let main: Awaited<ReturnType<typeof loadMetricsFixture>>;
let other: Awaited<ReturnType<typeof loadMetricsFixture>>;
let admin: Client;
let analyst: Client;
let agent: Client;
let otherAdmin: Client;

beforeAll(async () => {
  main = await loadMetricsFixture();
  other = await loadMetricsFixture(OTHER_TENANT_EXTRA);
  admin = await signIn(main.admin.email);
  analyst = await signIn((await createUser(main.accountId, "analyst")).email);
  agent = await signIn((await createUser(main.accountId, "agent")).email);
  otherAdmin = await signIn(other.admin.email);
});

async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return (status === 204 ? undefined : await r.json()) as T;
}

const data = (as: Client, body: unknown) => call("/api/v1/visualizations/data", { as, body });
const engagements = (as: Client, body: unknown) => call("/api/v1/engagements/query", { as, body });

async function allEngagements(as: Client, body: Record<string, unknown>): Promise<EngagementRow[]> {
  const out: EngagementRow[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await ok<{ items: EngagementRow[]; nextCursor: string | null }>(
      engagements(as, { ...body, limit: 5, ...(cursor ? { cursor } : {}) }),
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const headline = async (as: Client, body: Record<string, unknown>) => {
  const result = await ok<VisualizationData>(data(as, body));
  expect(result.rows).toHaveLength(1);
  return result.rows[0]?.values[0];
};

const spec = (overrides: Record<string, unknown>) => ({
  type: "table",
  metrics: ["engagements"],
  viewBy: null,
  segmentBy: null,
  filters: [],
  ...overrides,
});

async function createViz(
  as: Client,
  overrides: Record<string, unknown> = {},
  name = "My chart",
): Promise<Visualization> {
  return ok<Visualization>(call("/api/v1/visualizations", { as, body: { name, spec: spec(overrides) } }), 201);
}

// ───────────── built-ins ─────────────

describe("built-in visualizations and dashboards", () => {
  it("every built-in dashboard's items and drill targets exist, and every built-in visualization computes", async () => {
    const ids = new Set(BUILTIN_VISUALIZATIONS.map((v) => v.id));
    for (const d of BUILTIN_DASHBOARDS) {
      for (const item of d.items) {
        expect(ids.has(item.visualizationId), `${d.id} → ${item.visualizationId}`).toBe(true);
        const drill = item.drill;
        if (drill.kind === "dashboard") expect(BUILTIN_DASHBOARDS.some((t) => t.id === drill.dashboardId)).toBe(true);
      }
    }
    for (const v of BUILTIN_VISUALIZATIONS) {
      if (v.spec.type === "engagements") {
        await ok(engagements(admin, { visualizationId: v.id, dashboardId: "overview", values: { date: MARCH } }));
        continue;
      }
      const result = await ok<VisualizationData>(
        data(admin, { visualizationId: v.id, dashboardId: "overview", values: { date: MARCH } }),
      );
      expect(result.rows.length, v.id).toBeGreaterThan(0);
      expect(
        result.rows.some((r) => r.values.some((x) => x !== null)),
        v.id,
      ).toBe(true);
    }
  });

  it("shows the overview's headline numbers as computed independently", async () => {
    const on = { dashboardId: "overview", values: { date: MARCH } };
    expect(await headline(admin, { visualizationId: "headline-engagements", ...on })).toBe(ENGAGEMENTS.length);
    const queue = ENGAGEMENTS.filter((e) => e.type === "Queue");
    const abandoned = queue.filter((e) => e.outcomeType === "Customer Left");
    expect(await headline(admin, { visualizationId: "headline-abandonment-rate", ...on })).toBeCloseTo(
      abandoned.length / queue.length,
    );
    const agentConversations = new Set(ENGAGEMENTS.filter((e) => e.type === "Agent").map((e) => e.conversation));
    expect(await headline(admin, { visualizationId: "headline-agent-conversations", ...on })).toBe(
      agentConversations.size,
    );
  });

  it("applies the dashboard's date filter", async () => {
    const from = "2024-03-05";
    const to = "2024-03-08";
    const expected = ENGAGEMENTS.filter(
      (e) =>
        e.startTime >= Date.parse(`${from}T00:00:00Z`) / 1000 && e.startTime < Date.parse(`${to}T00:00:00Z`) / 1000,
    ).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(ENGAGEMENTS.length);
    const value = await headline(admin, {
      visualizationId: "headline-engagements",
      dashboardId: "overview",
      values: { date: { op: "between", from, to } },
    });
    expect(value).toBe(expected);
  });

  it("groups by view-by and segment-by, sorted by a metric", async () => {
    const result = await ok<VisualizationData>(
      data(admin, { visualizationId: "queues-table", dashboardId: "overview", values: { date: MARCH } }),
    );
    const billing = result.rows.find((r) => r.groups[0]?.label === "Billing");
    const expected = ENGAGEMENTS.filter((e) => e.type === "Queue" && e.queue === "q-billing").length;
    expect(billing?.values[0]).toBe(expected);
    const values = result.rows.map((r) => r.values[0] ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(result.columns.map((c) => c.kind)).toEqual(["viewBy", "metric", "metric", "metric", "metric", "metric"]);
  });

  it("shows a count as 0, and an average as empty, for a group only the other metrics have", async () => {
    const result = await ok<VisualizationData>(
      data(admin, {
        spec: spec({
          metrics: ["queue-engagements", "bot-engagements", "average-wait-time"],
          viewBy: { attribute: "Engagement ⏵ Agent" },
        }),
      }),
    );
    const queue = ENGAGEMENTS.filter((e) => e.type === "Queue");
    const bot = ENGAGEMENTS.filter((e) => e.type === "Bot");
    // Queue engagements have no agent and bot engagements no queue, so each group lacks one count.
    expect(queue.every((e) => e.agent === undefined) && bot.every((e) => e.agent === "bot-1")).toBe(true);
    const botRow = result.rows.find((r) => r.groups[0]?.label === "Botty");
    const noAgent = result.rows.find((r) => r.groups[0]?.value === null);
    expect(botRow?.values).toEqual([0, bot.length, null]);
    expect(noAgent?.values.slice(0, 2)).toEqual([queue.length, 0]);
    for (const row of result.rows) {
      expect(row.values[0], row.groups[0]?.label ?? "no agent").not.toBeNull();
      expect(row.values[1], row.groups[0]?.label ?? "no agent").not.toBeNull();
    }
  });

  it("keeps the hidden and locked filters of a dashboard, and refuses to change them", async () => {
    // The quality dashboard locks Engagement Type to Agent: every engagement count there counts agent engagements.
    const agentOnly = ENGAGEMENTS.filter((e) => e.type === "Agent").length;
    expect(await headline(admin, { visualizationId: "headline-engagements", dashboardId: "quality" })).toBe(agentOnly);
    const res = await data(admin, {
      visualizationId: "headline-engagements",
      dashboardId: "quality",
      values: { agentOnly: { op: "in", values: ["Bot"] } },
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("FILTER_LOCKED");
    const unknown = await data(admin, {
      visualizationId: "headline-engagements",
      dashboardId: "overview",
      values: { colour: MARCH },
    });
    expect(await errorCode(unknown)).toBe("UNKNOWN_FILTER");
  });

  it("is read-only: PATCH and DELETE of a built-in are refused", async () => {
    const patch = await call("/api/v1/visualizations/headline-engagements", {
      as: admin,
      method: "PATCH",
      body: { name: "x" },
    });
    expect(patch.status).toBe(403);
    expect(await errorCode(patch)).toBe("BUILT_IN_READ_ONLY");
    const del = await call("/api/v1/dashboards/overview", { as: admin, method: "DELETE" });
    expect(await errorCode(del)).toBe("BUILT_IN_READ_ONLY");
  });
});

// ───────────── precedence ─────────────

describe("filter precedence: dashboard > visualization > metric", () => {
  it("lets the dashboard's filter replace the visualization's on the same attribute", async () => {
    const viz = await createViz(admin, {
      type: "headline",
      filters: [{ attribute: "Engagement ⏵ Queue", op: "in", values: ["Tech"] }],
    });
    const count = (queue: string) => ENGAGEMENTS.filter((e) => e.queue === queue).length;
    expect(await headline(admin, { visualizationId: viz.id })).toBe(count("q-tech"));
    expect(
      await headline(admin, {
        visualizationId: viz.id,
        dashboardId: "overview",
        values: { queue: { op: "in", values: ["Billing"] } },
      }),
    ).toBe(count("q-billing"));
    // A dashboard filter on another attribute narrows the visualization's instead.
    expect(
      await headline(admin, {
        visualizationId: viz.id,
        dashboardId: "overview",
        values: { direction: { op: "in", values: ["Outbound"] } },
      }),
    ).toBe(0);
  });

  it("lets the visualization's filter replace the metric's own positive condition", async () => {
    // Agent Engagements is COUNT WHERE Type = "Agent"; a visualization filtered to bots counts bots.
    const viz = await createViz(admin, {
      type: "headline",
      metrics: ["agent-engagements"],
      filters: [{ attribute: "Engagement ⏵ Type", op: "in", values: ["Bot"] }],
    });
    expect(await headline(admin, { visualizationId: viz.id })).toBe(ENGAGEMENTS.filter((e) => e.type === "Bot").length);
  });
});

// ───────────── drill-down ─────────────

describe("drill-down to engagements", () => {
  it("lists the engagements behind a metric value in a group, newest first, paged", async () => {
    const table = await ok<VisualizationData>(
      data(admin, { visualizationId: "queues-table", dashboardId: "overview" }),
    );
    const billing = table.rows.find((r) => r.groups[0]?.label === "Billing");
    const group = { attribute: "Engagement ⏵ Queue", value: billing?.groups[0]?.value };
    const abandonedCol = table.columns.findIndex((c) => c.metricId === "abandonment-rate");
    expect(table.columns[abandonedCol]?.drillable).toBe(true);
    const rows = await allEngagements(admin, {
      dashboardId: "overview",
      visualizationId: "queues-table",
      groups: [group],
      metricId: "abandoned-engagements",
    });
    const expected = ENGAGEMENTS.filter(
      (e) => e.queue === "q-billing" && e.type === "Queue" && e.outcomeType === "Customer Left",
    ).map((e) => e.externalId);
    expect(rows.map((r) => r.externalId).sort()).toEqual(expected.sort());
    const times = rows.map((r) => r.startTime ?? "");
    expect(times).toEqual([...times].sort().reverse());
    // A rate lists the engagements it is computed over: the queue engagements in Billing.
    const rate = await allEngagements(admin, { groups: [group], metricId: "abandonment-rate" });
    expect(rate).toHaveLength(ENGAGEMENTS.filter((e) => e.queue === "q-billing" && e.type === "Queue").length);
  });

  it("drills into a date bucket", async () => {
    const day = "2024-03-04";
    const rows = await allEngagements(admin, { groups: [{ attribute: "Date", granularity: "day", value: day }] });
    const start = Date.parse(`${day}T00:00:00Z`) / 1000;
    const expected = ENGAGEMENTS.filter((e) => e.startTime >= start && e.startTime < start + 86_400);
    expect(rows.map((r) => r.externalId).sort()).toEqual(expected.map((e) => e.externalId).sort());
    const bad = await engagements(admin, { groups: [{ attribute: "Date", granularity: "day", value: "March" }] });
    expect(await errorCode(bad)).toBe("INVALID_GROUP");
  });

  it("refuses a metric not computed from engagements", async () => {
    const res = await engagements(admin, { metricId: "agents-in-active-state" });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("NOT_ENGAGEMENT_METRIC");
  });

  it("saves the engagements as a selection that keeps its rows", async () => {
    const query = { groups: [{ attribute: "Engagement ⏵ Type", value: "Agent" }] };
    const selection = await ok<Selection>(
      call("/api/v1/selections", { as: agent, body: { name: "Agent work", query } }),
      201,
    );
    const expected = ENGAGEMENTS.filter((e) => e.type === "Agent").length;
    expect(selection).toMatchObject({ name: "Agent work", engagements: expected, truncated: false });
    const page = await ok<{ items: EngagementRow[] }>(
      call(`/api/v1/selections/${selection.id}/engagements?limit=200`, { as: analyst }),
    );
    expect(page.items).toHaveLength(expected);
    expect(page.items.every((r) => r.type === "Agent")).toBe(true);
    // Another account sees nothing of it.
    expect((await call(`/api/v1/selections/${selection.id}`, { as: otherAdmin })).status).toBe(404);
    expect((await call(`/api/v1/selections/${selection.id}/engagements`, { as: otherAdmin })).status).toBe(404);
    // The agent made it, so the agent may delete it.
    await ok(call(`/api/v1/selections/${selection.id}`, { as: agent, method: "DELETE" }), 204);
  });

  it("shows one engagement with its conversation, the customer's contacts masked even for pii.reveal", async () => {
    const rows = await allEngagements(admin, { groups: [{ attribute: "Engagement ⏵ Type", value: "Agent" }] });
    const row = rows.find((r) => r.customerId);
    await env.DB.prepare(
      "INSERT INTO customer_contact (account_id, contact, type, customer_pid) VALUES (?1, ?2, 'Email', ?3)",
    )
      .bind(main.accountId, "jane.doe@example.com", row?.customerId)
      .run();
    const forAnalyst = await ok<EngagementDetail>(call(`/api/v1/engagements/${row?.id}`, { as: analyst }));
    const forAdmin = await ok<EngagementDetail>(call(`/api/v1/engagements/${row?.id}`, { as: admin }));
    expect(forAdmin.conversation.map((e) => e.id)).toContain(row?.id);
    const sameConversation = ENGAGEMENTS.filter((e) => e.conversation === row?.externalId?.replace(/-e\d+$/, ""));
    expect(forAdmin.conversation).toHaveLength(sameConversation.length);
    expect(forAnalyst.customer?.masked).toBe(true);
    // Revealing is one value at a time, recorded: POST /customers/{id}/reveal (test/workers/journey.test.ts).
    expect(forAdmin.customer?.masked).toBe(true);
    expect(forAdmin.customer?.contacts).toEqual(["j•••@e•••.com"]);
    expect(forAnalyst.customer?.contacts).toEqual(["j•••@e•••.com"]);
    expect((await call(`/api/v1/engagements/${row?.id}`, { as: otherAdmin })).status).toBe(404);
  });
});

// ───────────── custom visualizations and dashboards ─────────────

describe("custom visualizations", () => {
  it("are shared in the account, searchable, and editable only with the permission", async () => {
    const viz = await createViz(analyst, {}, "Zebra volumes");
    const list = await ok<{ items: Visualization[] }>(
      call("/api/v1/visualizations?q=zebra&section=shared", { as: agent }),
    );
    expect(list.items.map((v) => v.id)).toEqual([viz.id]);
    const denied = await call(`/api/v1/visualizations/${viz.id}`, {
      as: agent,
      method: "PATCH",
      body: { name: "Mine" },
    });
    expect(denied.status).toBe(403);
    expect((await call("/api/v1/visualizations", { as: agent, body: { name: "x", spec: spec({}) } })).status).toBe(403);
    const renamed = await ok<Visualization>(
      call(`/api/v1/visualizations/${viz.id}`, { as: admin, method: "PATCH", body: { name: "Zebra totals" } }),
    );
    expect(renamed.name).toBe("Zebra totals");
  });

  it("keeps favorites per user", async () => {
    const viz = await createViz(admin, {}, "Favorite one");
    await ok(call(`/api/v1/visualizations/${viz.id}/favorite`, { as: analyst, method: "PUT" }), 204);
    await ok(call("/api/v1/visualizations/headline-engagements/favorite", { as: analyst, method: "PUT" }), 204);
    const mine = await ok<{ items: Visualization[] }>(
      call("/api/v1/visualizations?section=favorites", { as: analyst }),
    );
    expect(mine.items.map((v) => v.id).sort()).toEqual([viz.id, "headline-engagements"].sort());
    expect(mine.items.every((v) => v.favorite)).toBe(true);
    const theirs = await ok<{ items: Visualization[] }>(
      call("/api/v1/visualizations?section=favorites", { as: admin }),
    );
    expect(theirs.items.map((v) => v.id)).not.toContain(viz.id);
    await ok(call(`/api/v1/visualizations/${viz.id}/favorite`, { as: analyst, method: "DELETE" }), 204);
    const after = await ok<Visualization>(call(`/api/v1/visualizations/${viz.id}`, { as: analyst }));
    expect(after.favorite).toBe(false);
  });

  it("pages the list by name without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=7&cursor=${cursor}` : "?limit=7";
      const page = await ok<{ items: Visualization[]; nextCursor: string | null }>(
        call(`/api/v1/visualizations${query}`, { as: admin }),
      );
      seen.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const v of BUILTIN_VISUALIZATIONS) expect(seen).toContain(v.id);
  });

  it.each([
    ["an unknown attribute", { viewBy: { attribute: "Engagement ⏵ Colour" } }, "UNKNOWN_ATTRIBUTE"],
    [
      "a date granularity on a non-date",
      { viewBy: { attribute: "Engagement ⏵ Queue", granularity: "week" } },
      "TYPE_ERROR",
    ],
    ["an unknown metric", { metrics: ["no-such-metric"] }, "UNKNOWN_METRIC"],
    [
      "a filter value with no data",
      { filters: [{ attribute: "Engagement ⏵ Queue", op: "in", values: ["Billing", "Nowhere"] }] },
      "VALUE_NOT_FOUND",
    ],
    [
      "an enumeration value that does not exist",
      { filters: [{ attribute: "Engagement ⏵ Type", op: "in", values: ["Robot"] }] },
      "VALUE_NOT_FOUND",
    ],
    [
      "a huge IN list",
      { filters: [{ attribute: "Engagement ⏵ Queue", op: "in", values: Array.from({ length: 1001 }, String) }] },
      "VALIDATION_FAILED",
    ],
    ["a headline with a view-by", { type: "headline", viewBy: { attribute: "Date" } }, "VALIDATION_FAILED"],
    ["a chart without metrics", { metrics: [] }, "VALIDATION_FAILED"],
    [
      "an unrelated view-by",
      { metrics: ["agents-in-active-state"], viewBy: { attribute: "Engagement ⏵ Channel Type" } },
      "UNRELATED_ATTRIBUTE",
    ],
  ])("refuses %s and saves nothing", async (_name, overrides, code) => {
    const name = `Bad ${crypto.randomUUID()}`;
    const res = await call("/api/v1/visualizations", { as: admin, body: { name, spec: spec(overrides) } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    const list = await ok<{ items: Visualization[] }>(
      call(`/api/v1/visualizations?q=${encodeURIComponent(name)}`, { as: admin }),
    );
    expect(list.items).toHaveLength(0);
  });

  it("answers division by zero with an empty value", async () => {
    const value = await headline(admin, {
      spec: spec({
        type: "headline",
        metrics: ["abandonment-rate"],
        filters: [{ attribute: "Date", op: "between", from: "2020-01-01", to: "2020-01-02" }],
      }),
    });
    expect(value).toBeNull();
  });
});

describe("custom dashboards", () => {
  it("copies a built-in into an editable dashboard that a new visualization can join", async () => {
    const copy = await ok<Dashboard>(
      call("/api/v1/dashboards", { as: analyst, body: { name: "My overview", copyOf: "overview" } }),
      201,
    );
    const overview = BUILTIN_DASHBOARDS.find((d) => d.id === "overview");
    expect(copy).toMatchObject({ builtIn: false, items: overview?.items, filters: overview?.filters });
    const viz = await createViz(
      analyst,
      { type: "bar", viewBy: { attribute: "Engagement ⏵ Channel Type" } },
      "Channels",
    );
    const items = [
      ...copy.items,
      { visualizationId: viz.id, width: 6, drill: { kind: "dashboard", dashboardId: "channels" } },
    ];
    const filters = copy.filters.map((f) =>
      f.key === "queue" ? { ...f, hidden: true, default: { op: "in", values: ["Billing"] } } : f,
    );
    const edited = await ok<Dashboard>(
      call(`/api/v1/dashboards/${copy.id}`, { as: analyst, method: "PATCH", body: { items, filters } }),
    );
    expect(edited.items.at(-1)?.visualizationId).toBe(viz.id);
    // The hidden queue filter now applies to everything on it.
    expect(await headline(analyst, { visualizationId: "headline-engagements", dashboardId: copy.id })).toBe(
      ENGAGEMENTS.filter((e) => e.queue === "q-billing").length,
    );
    // The visualization cannot be deleted while the dashboard shows it.
    const inUse = await call(`/api/v1/visualizations/${viz.id}`, { as: analyst, method: "DELETE" });
    expect(inUse.status).toBe(409);
    await ok(call(`/api/v1/dashboards/${copy.id}`, { as: analyst, method: "DELETE" }), 204);
    await ok(call(`/api/v1/visualizations/${viz.id}`, { as: analyst, method: "DELETE" }), 204);
  });

  it.each([
    ["an unknown visualization", { items: [{ visualizationId: "nope" }] }, "UNKNOWN_VISUALIZATION"],
    [
      "an unknown drill target",
      { items: [{ visualizationId: "queues-table", drill: { kind: "dashboard", dashboardId: "nope" } }] },
      "UNKNOWN_DASHBOARD",
    ],
    [
      "a locked filter without a value",
      { filters: [{ key: "q", label: "Q", attribute: "Engagement ⏵ Queue", locked: true }] },
      "FILTER_WITHOUT_VALUE",
    ],
    [
      "a filter on an unknown attribute",
      { filters: [{ key: "q", label: "Q", attribute: "Engagement ⏵ Colour" }] },
      "UNKNOWN_ATTRIBUTE",
    ],
    [
      "a default naming no data",
      {
        filters: [
          { key: "q", label: "Q", attribute: "Engagement ⏵ Queue", default: { op: "in", values: ["Nowhere"] } },
        ],
      },
      "VALUE_NOT_FOUND",
    ],
  ])("refuses %s", async (_name, layout, code) => {
    const res = await call("/api/v1/dashboards", { as: admin, body: { name: "Bad", ...layout } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
  });

  it("needs dashboards.edit to create one", async () => {
    const res = await call("/api/v1/dashboards", { as: agent, body: { name: "Mine", copyOf: "overview" } });
    expect(res.status).toBe(403);
  });
});

// ───────────── views ─────────────

describe("saved views", () => {
  it("belong to their user: another user never sees or changes them", async () => {
    const view = await ok<DashboardView>(
      call("/api/v1/dashboards/overview/views", {
        as: agent,
        body: { name: "Billing", filters: { queue: { op: "in", values: ["Billing"] } }, isDefault: true },
      }),
      201,
    );
    const second = await ok<DashboardView>(
      call("/api/v1/dashboards/overview/views", {
        as: agent,
        body: { name: "Tech", filters: { queue: { op: "in", values: ["Tech"] } }, isDefault: true },
      }),
      201,
    );
    const mine = await ok<{ items: DashboardView[] }>(call("/api/v1/dashboards/overview/views", { as: agent }));
    expect(mine.items.map((v) => [v.name, v.isDefault])).toEqual([
      ["Billing", false],
      ["Tech", true],
    ]);
    const theirs = await ok<{ items: DashboardView[] }>(call("/api/v1/dashboards/overview/views", { as: analyst }));
    expect(theirs.items.map((v) => v.id)).not.toContain(view.id);
    const patch = await call(`/api/v1/dashboards/overview/views/${view.id}`, {
      as: analyst,
      method: "PATCH",
      body: { name: "x" },
    });
    expect(patch.status).toBe(404);
    expect((await call(`/api/v1/dashboards/overview/views/${view.id}`, { as: analyst, method: "DELETE" })).status).toBe(
      404,
    );
    expect(
      (await call(`/api/v1/dashboards/overview/views/${view.id}`, { as: otherAdmin, method: "DELETE" })).status,
    ).toBe(404);
    // Set as default moves the mark back.
    const again = await ok<DashboardView>(
      call(`/api/v1/dashboards/overview/views/${view.id}`, { as: agent, method: "PATCH", body: { isDefault: true } }),
    );
    expect(again.isDefault).toBe(true);
    const after = await ok<{ items: DashboardView[] }>(call("/api/v1/dashboards/overview/views", { as: agent }));
    expect(after.items.find((v) => v.id === second.id)?.isDefault).toBe(false);
    await ok(call(`/api/v1/dashboards/overview/views/${second.id}`, { as: agent, method: "DELETE" }), 204);
  });

  it.each([
    ["an unknown filter", { colour: { op: "in", values: ["Red"] } }, "UNKNOWN_FILTER"],
    ["a locked filter", { agentOnly: { op: "in", values: ["Bot"] } }, "FILTER_LOCKED"],
    ["a value with no data", { queue: { op: "in", values: ["Nowhere"] } }, "VALUE_NOT_FOUND"],
  ])("refuses %s and saves nothing", async (_name, filters, code) => {
    const res = await call("/api/v1/dashboards/quality/views", { as: analyst, body: { name: "Bad", filters } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    const views = await ok<{ items: DashboardView[] }>(call("/api/v1/dashboards/quality/views", { as: analyst }));
    expect(views.items).toHaveLength(0);
  });
});

// ───────────── tenant isolation ─────────────

describe("tenant isolation", () => {
  it("keeps another account's visualizations, dashboards and metrics out of reach", async () => {
    const viz = await createViz(admin, { type: "headline" }, "Private");
    const dash = await ok<Dashboard>(
      call("/api/v1/dashboards", { as: admin, body: { name: "Private", copyOf: "overview" } }),
      201,
    );
    expect((await call(`/api/v1/visualizations/${viz.id}`, { as: otherAdmin })).status).toBe(404);
    expect((await data(otherAdmin, { visualizationId: viz.id })).status).toBe(404);
    expect((await call(`/api/v1/dashboards/${dash.id}`, { as: otherAdmin })).status).toBe(404);
    expect((await data(otherAdmin, { visualizationId: "headline-engagements", dashboardId: dash.id })).status).toBe(
      404,
    );
    expect((await call(`/api/v1/visualizations/${viz.id}/favorite`, { as: otherAdmin, method: "PUT" })).status).toBe(
      404,
    );
    const patch = await call(`/api/v1/dashboards/${dash.id}`, {
      as: otherAdmin,
      method: "PATCH",
      body: { name: "Mine" },
    });
    expect(patch.status).toBe(404);
    const list = await ok<{ items: Visualization[] }>(
      call("/api/v1/visualizations?section=shared&limit=200", { as: otherAdmin }),
    );
    expect(list.items.map((v) => v.id)).not.toContain(viz.id);
    // A custom metric of the first account is unknown in the second.
    const metric = await ok<{ id: string }>(
      call("/api/v1/metrics", { as: admin, body: { name: "Private count", definition: "SELECT COUNT(Engagement)" } }),
      201,
    );
    const res = await data(otherAdmin, { spec: spec({ metrics: [metric.id] }) });
    expect(await errorCode(res)).toBe("UNKNOWN_METRIC");
  });

  it("computes each account's numbers from its own rows only", async () => {
    const mine = await headline(admin, { visualizationId: "headline-engagements" });
    const theirs = await headline(otherAdmin, { visualizationId: "headline-engagements" });
    expect(mine).toBe(ENGAGEMENTS.length);
    expect(theirs).toBe(ENGAGEMENTS.length + OTHER_TENANT_EXTRA.length);
    const rows = await allEngagements(admin, {});
    expect(rows).toHaveLength(ENGAGEMENTS.length);
    expect(rows.some((r) => r.externalId?.startsWith("other-"))).toBe(false);
  });
});
