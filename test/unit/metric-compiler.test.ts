import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_METRICS, builtinMetricDefinitions } from "../../workers/analytics/builtin-metrics";
import { checkMetric, compileMetric, compileMetrics } from "../../workers/analytics/metric-compiler";
import type { CompiledMetric, MetricContext } from "../../workers/analytics/metric-context";
import { mergeFilterLayers } from "../../workers/analytics/metric-context";
import { MetricError } from "../../workers/analytics/metric-errors";

const ACCOUNT = "acct-1";
const BUILTINS = builtinMetricDefinitions();

function compile(definition: string, context: Partial<MetricContext> = {}): CompiledMetric {
  return compileMetric(definition, { accountId: ACCOUNT, metrics: BUILTINS, ...context });
}

function compileError(definition: string, context: Partial<MetricContext> = {}): MetricError {
  try {
    compile(definition, context);
  } catch (error) {
    if (error instanceof MetricError) return error;
    throw error;
  }
  throw new Error(`expected an error for ${definition}`);
}

/**
 * Table references not filtered by the account: every `JOIN "t" AS x` must go on with
 * ` ON x.account_id = ?1`, and every `FROM "t" AS x`, after its joins, with ` WHERE x.account_id = ?1`.
 */
function unscopedTables(sql: string): string[] {
  const joins = / LEFT JOIN "\w+" AS (\w+) ON \1\.account_id = \?1 AND \1\.pid = \w+\.\w+/y;
  const unscoped: string[] = [];
  for (const match of sql.matchAll(/(FROM|JOIN) "(\w+)" AS (\w+)/g)) {
    const [ref, keyword, , alias] = match;
    let rest = match.index + ref.length;
    if (keyword === "JOIN") {
      if (!sql.startsWith(` ON ${alias}.account_id = ?1`, rest)) unscoped.push(ref);
      continue;
    }
    joins.lastIndex = rest;
    for (let join = joins.exec(sql); join; join = joins.exec(sql)) rest = joins.lastIndex;
    if (!sql.startsWith(` WHERE ${alias}.account_id = ?1`, rest)) unscoped.push(ref);
  }
  return unscoped;
}

const DASHBOARD = {
  filters: [
    { attribute: "Date", from: "2024-03-01", to: "2024-04-01" },
    { attribute: "Engagement ⏵ Queue", values: ["Billing", "Tech"] },
    { attribute: "Agent ⏵ Team", values: ["Tier 1"], exclude: true },
  ],
  by: [{ attribute: "Date", granularity: "week" as const }, { attribute: "Engagement ⏵ Channel Type" }],
};

describe("tenancy", () => {
  it("binds the account as ?1 and filters every table reference of every built-in by it", () => {
    for (const metric of BUILTIN_METRICS) {
      for (const context of [{}, DASHBOARD]) {
        let compiled: CompiledMetric;
        try {
          compiled = compile(metric.definition, { ...context, name: metric.name });
        } catch (error) {
          // Activity and agent metrics cannot be split by engagement attributes; that is an error, not a leak.
          expect((error as MetricError).metricCode, metric.name).toBe("UNRELATED_ATTRIBUTE");
          continue;
        }
        expect(compiled.params[0]).toBe(ACCOUNT);
        expect(unscopedTables(compiled.sql), metric.name).toEqual([]);
        expect(compiled.sql).not.toMatch(/\?(?!\d)/);
      }
    }
  });

  it("scopes the derived repeat-contact lookups and the value lookups of entities and references", () => {
    const { sql } = compile(
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Repeat Contact = "Yes" AND Engagement ⏵ Queue = "Billing" AND Engagement ⏵ Agent = "Ann"',
      { by: [{ attribute: "Engagement ⏵ Agent" }] },
    );
    expect(sql).toContain('"engagement" AS t1_rc WHERE t1_rc.account_id = ?1');
    expect(sql).toMatch(/"entity" AS (x\d+) WHERE \1\.account_id = \?1 AND \1\.kind = 'queue'/);
    expect(sql).toMatch(/"agent" AS (x\d+) WHERE \1\.account_id = \?1/);
    expect(sql).toContain('LEFT JOIN "agent" AS n0 ON n0.account_id = ?1');
    expect(unscopedTables(sql)).toEqual([]);
  });
});

describe("parameters", () => {
  it("binds every text value, never splicing it into the SQL; numbers are literals", () => {
    const hostile = `x'); DROP TABLE engagement; --`;
    const { sql, params } = compile(
      `SELECT COUNT(Engagement) * 7 WHERE Engagement ⏵ Topic = "${hostile}" AND Engagement ⏵ Wait Time > 42.5`,
      { filters: [{ attribute: "Engagement ⏵ Reason", values: [hostile, "ok"] }] },
    );
    expect(sql).not.toContain("DROP");
    expect(sql).toContain("> 42.5");
    expect(sql).toContain("* 7)");
    expect(params).toContain(hostile);
    expect(params.filter((p) => typeof p === "number")).toEqual([]);
    expect(params).toContain(JSON.stringify([hostile, "ok"]));
  });

  it("sends an IN list as one JSON parameter, so 1,000 values stay under D1's 100 parameters", () => {
    const values = Array.from({ length: 1000 }, (_, i) => `"v${i}"`).join(", ");
    const { sql, params } = compile(`SELECT COUNT(Engagement) WHERE Engagement ⏵ Topic IN (${values})`);
    expect(sql).toContain("json_each(?2)");
    expect(params).toHaveLength(2);
  });

  it("reuses one parameter for a repeated value, and one CTE for a repeated aggregate", () => {
    const { sql, params } = compile("SELECT Agent Engagements / Agent Engagements");
    expect(params).toEqual([ACCOUNT, "Agent"]);
    expect(sql).toContain("m1 AS");
    expect(sql).not.toContain("m2 AS");
  });

  it("the tenancy check itself spots a table without the account filter", () => {
    expect(unscopedTables('SELECT 1 FROM "engagement" AS t1 WHERE t1.type = ?2')).toEqual(['FROM "engagement" AS t1']);
    expect(
      unscopedTables('SELECT 1 FROM "a" AS t1 LEFT JOIN "b" AS t2 ON t2.pid = t1.b_pid WHERE t1.account_id = ?1'),
    ).toEqual(['FROM "a" AS t1', 'JOIN "b" AS t2']);
  });

  it("keeps every built-in in a dashboard under D1's 100 parameters and 100 KB", () => {
    for (const metric of BUILTIN_METRICS) {
      const { sql, params } = compile(metric.definition, { filters: DASHBOARD.filters });
      expect(params.length, metric.name).toBeLessThanOrEqual(100);
      expect(sql.length, metric.name).toBeLessThan(100_000);
    }
  });
});

describe("SQL shape", () => {
  const passes = (sql: string) => sql.match(/FROM "engagement" AS t1 /g)?.length ?? 0;

  it("reads the rows once for the aggregates of one data set with the same groups, filters inside each", () => {
    const { sql } = compile("SELECT {Queue Engagements} / {Engagements} + (SELECT AVG(Engagement ⏵ Wait Time))", {
      by: [{ attribute: "Engagement ⏵ Queue" }],
    });
    expect(passes(sql)).toBe(1);
    expect(sql).toMatch(/COUNT\(CASE WHEN t1\.type = \?\d THEN 1 END\) AS v1/);
    expect(sql).toContain("COUNT(*) AS v2");
    expect(sql).toContain("AVG(t1.wait_time) AS v3");
    expect(unscopedTables(sql)).toEqual([]);
  });

  it("keeps only rows some aggregate reads when none reads them all, so no group appears from nothing", () => {
    const { sql } = compile("SELECT {Queue Engagements} + {Bot Engagements}", {
      filters: [{ attribute: "Date", from: 1, to: 2 }],
    });
    expect(passes(sql)).toBe(1);
    expect(sql).toMatch(
      /WHERE t1\.account_id = \?1 AND \(t1\.start_time >= 1 AND t1\.start_time < 2\) AND \(t1\.type = \?\d OR t1\.type = \?\d\)/,
    );
  });

  it("compiles a visualization's metrics to one statement with a value each, over one pass", () => {
    const { sql, columns } = compileMetrics(
      [
        { definition: "SELECT {Agent Engagements}", name: "A" },
        { definition: "SELECT {Average Handling Time}", name: "B" },
        { definition: "SELECT {Transfers}", name: "C" },
      ],
      { accountId: ACCOUNT, metrics: BUILTINS, by: [{ attribute: "Engagement ⏵ Agent" }] },
    );
    expect(columns.filter((c) => c.role === "value").map((c) => c.key)).toEqual(["value0", "value1", "value2"]);
    expect(passes(sql)).toBe(1);
    // A count is 0, not empty, for a group only the other metrics have.
    expect(sql).toMatch(/COALESCE\(m1\.v\d, 0\) AS v2/);
    expect(unscopedTables(sql)).toEqual([]);
  });

  it("names the metric an error of a visualization comes from", () => {
    expect(() =>
      compileMetrics(
        [
          { definition: "SELECT {Engagements}", name: "Fine" },
          { definition: "SELECT COUNT(Engagement) WHERE Engagement ⏵ Colour = 1", name: "Broken" },
        ],
        { accountId: ACCOUNT, metrics: BUILTINS },
      ),
    ).toThrow(/in metric "Broken": .*unknown attribute/);
  });

  it("filters the Date range on the engagement's start time directly, so the (account, start time) index applies", () => {
    const { sql } = compile("SELECT COUNT(Engagement)", { filters: [{ attribute: "Date", from: 1, to: 2 }] });
    expect(sql).toContain(
      'FROM "engagement" AS t1 WHERE t1.account_id = ?1 AND (t1.start_time >= 1 AND t1.start_time < 2)',
    );
  });

  it("divides as real numbers and returns null for a zero divisor", () => {
    expect(compile("SELECT Agent Engagements / Engagements").sql).toMatch(/\* 1\.0 \/ NULLIF\(/);
  });

  it("tests related data sets with EXISTS over their reference, one per related row", () => {
    const { sql } = compile('SELECT COUNT(Engagement) WHERE Review ⏵ Question = "CSAT" AND Review ⏵ Answer Score >= 4');
    expect(sql.match(/EXISTS/g)).toHaveLength(1);
    expect(sql).toContain('FROM "review" AS t2');
    expect(sql).toContain("t2.engagement_pid = t1.pid");
  });

  it("keeps a NOT outside the EXISTS: no related row matches", () => {
    const { sql } = compile('SELECT COUNT(Engagement) WHERE NOT Review ⏵ Question IN ("Reviewed")');
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM "review"');
  });
});

describe("metric references", () => {
  const metrics = new Map([
    ["A", "SELECT B + 1"],
    ["B", "SELECT C * 2"],
    ["C", "SELECT A / 3"],
    ["Self", "SELECT Self"],
    ["Broken", "SELECT COUNT(Engagement)\n  WHERE Engagement ⏵ Colour = 1"],
    ["Ok", "SELECT COUNT(Engagement)"],
  ]);

  it("refuses circular references, naming the cycle", () => {
    const error = compileError("SELECT Ok + A", { metrics });
    expect(error.metricCode).toBe("CIRCULAR_METRIC");
    expect(error.message).toBe("Line 1, column 13: circular metric reference: A → B → C → A");
  });

  it("refuses a metric that references itself, also when compiled under its own name", () => {
    expect(compileError("SELECT Self", { metrics }).message).toBe(
      "Line 1, column 8: circular metric reference: Self → Self",
    );
    expect(compileError("SELECT A", { metrics, name: "C" }).message).toBe(
      "Line 1, column 8: circular metric reference: C → A → B → C",
    );
  });

  it("reports an error inside a referenced metric with both places", () => {
    const error = compileError("SELECT Ok / Broken", { metrics });
    expect(error.metricCode).toBe("UNKNOWN_ATTRIBUTE");
    expect(error.message).toBe(
      'Line 1, column 13: in metric "Broken": Line 2, column 9: unknown attribute "Engagement ⏵ Colour"',
    );
  });

  it("resolves references case-insensitively", () => {
    expect(() => compile("SELECT agent engagements / ENGAGEMENTS")).not.toThrow();
  });
});

describe("compile errors", () => {
  it("refuses BY outside an aggregate", () => {
    expect(compileError("SELECT COUNT(Engagement) BY Customer").metricCode).toBe("BY_OUTSIDE_AGGREGATE");
    expect(compileError("SELECT (SELECT COUNT(Engagement) BY Customer)").metricCode).toBe("BY_OUTSIDE_AGGREGATE");
  });

  it("refuses a WHERE on an attribute unrelated to the aggregated data set", () => {
    const error = compileError('SELECT SUM(Activity ⏵ Duration) WHERE Review ⏵ Review Kind = "Manual"');
    expect(error.metricCode).toBe("UNRELATED_ATTRIBUTE");
    expect(error.message).toBe(
      'Line 1, column 39: "Review ⏵ Review Kind" has no relation to Activity, so it cannot filter or split SUM(Activity ⏵ Duration)',
    );
  });

  it("refuses a view-by the metric cannot be split by", () => {
    const error = compileError('SELECT COUNT(Agent) WHERE Agent ⏵ State = "Active"', {
      by: [{ attribute: "Engagement ⏵ Queue" }],
    });
    expect(error.metricCode).toBe("UNRELATED_ATTRIBUTE");
    expect(error.message).toBe(
      '"Engagement ⏵ Queue" has no relation to Agent, so it cannot filter or split COUNT(Agent)',
    );
  });

  it("refuses facts of data sets that do not reference one another", () => {
    expect(compileError("SELECT SUM(Activity ⏵ Duration + Engagement ⏵ Wait Time)").metricCode).toBe(
      "UNRELATED_ATTRIBUTE",
    );
  });

  it("checks context filters and view-bys", () => {
    expect(
      compileError("SELECT Engagements", { filters: [{ attribute: "Engagement ⏵ Colour", values: ["x"] }] }).message,
    ).toBe('in "Engagement ⏵ Colour": unknown attribute "Engagement ⏵ Colour"');
    expect(compileError("SELECT Engagements", { by: [{ attribute: "Engagement ⏵ Wait Time" }] }).metricCode).toBe(
      "TYPE_ERROR",
    );
    expect(
      compileError("SELECT Engagements", { by: [{ attribute: "Engagement ⏵ Type", granularity: "day" }] }).metricCode,
    ).toBe("TYPE_ERROR");
    const many = Array.from({ length: 1001 }, (_, i) => `v${i}`);
    expect(
      compileError("SELECT Engagements", { filters: [{ attribute: "Engagement ⏵ Topic", values: many }] }).metricCode,
    ).toBe("IN_LIST_TOO_LONG");
    expect(compileError("SELECT Engagements", { filters: [{ attribute: "Date", from: "soon" }] }).metricCode).toBe(
      "INVALID_VALUE",
    );
  });

  it("ignores, and reports, context filters a metric's data set has no relation to", () => {
    const compiled = compile("SELECT Agents in Active State", { filters: [{ attribute: "Date", from: 0 }] });
    expect(compiled.ignoredFilters).toEqual(["Date"]);
  });
});

describe("filter layers", () => {
  it("lets the dashboard's filter on an attribute replace the visualization's", () => {
    const merged = mergeFilterLayers(
      [{ attribute: "Engagement ⏵ Type", values: ["Agent"] }],
      [
        { attribute: "engagement -> type", values: ["Bot"] },
        { attribute: "Engagement ⏵ Queue", values: ["Billing"] },
      ],
    );
    expect(merged).toEqual([
      { attribute: "Engagement ⏵ Type", values: ["Agent"] },
      { attribute: "Engagement ⏵ Queue", values: ["Billing"] },
    ]);
  });
});

describe("built-in metrics", () => {
  it("has at least 40, with unique ids and names and a known format", () => {
    expect(BUILTIN_METRICS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BUILTIN_METRICS.map((m) => m.id)).size).toBe(BUILTIN_METRICS.length);
    expect(new Set(BUILTIN_METRICS.map((m) => m.name.toLowerCase())).size).toBe(BUILTIN_METRICS.length);
    for (const m of BUILTIN_METRICS) {
      expect(["number", "percent", "duration", "currency"]).toContain(m.format);
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.description.length).toBeGreaterThan(10);
    }
  });

  it("compiles every one under its own name", () => {
    for (const m of BUILTIN_METRICS) expect(() => compile(m.definition, { name: m.name }), m.name).not.toThrow();
  });
});

describe("docs/metrics.md", () => {
  const docs = readFileSync(new URL("../../docs/metrics.md", import.meta.url), "utf8");

  it("lists every built-in metric with its definition", () => {
    for (const m of BUILTIN_METRICS)
      expect(docs, m.name).toContain(`| ${m.name} | ${m.format} | \`${m.definition}\` |`);
  });

  it("documents every error code", () => {
    const codes = readFileSync(new URL("../../workers/analytics/metric-errors.ts", import.meta.url), "utf8").match(
      /"[A-Z_]+"(?=\s*[|;])/g,
    );
    expect(codes?.length).toBeGreaterThan(10);
    for (const code of codes ?? []) expect(docs).toContain(`| \`${code.slice(1, -1)}\` |`);
  });
});

describe("checkMetric", () => {
  it("validates a definition without an account", () => {
    expect(() => checkMetric("SELECT Agent Engagements / Engagements", { metrics: BUILTINS })).not.toThrow();
    expect(() => checkMetric("SELECT Agent Engagements", {})).toThrow(MetricError);
  });
});
