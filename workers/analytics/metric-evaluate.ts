import { compileMetric } from "./metric-compiler";
import type { CompiledMetric, MetricColumn, MetricContext } from "./metric-context";

/** One group of a metric's result: the group's values (PIDs for references and entities), their names, and the value. */
export interface MetricRow {
  by: (string | number | null)[];
  names: (string | null)[];
  value: number | null;
}

/** One group of several metrics' result (compileMetrics): a value per metric. */
export interface MetricsRow {
  by: (string | number | null)[];
  names: (string | null)[];
  values: (number | null)[];
}

export interface MetricResult {
  columns: MetricColumn[];
  rows: MetricRow[];
  ignoredFilters: string[];
}

/** Compiles a metric and runs it on `db` as one statement; one row, or one per group of `context.by`. */
export async function evaluateMetric(
  db: D1Database,
  definition: string,
  context: MetricContext,
): Promise<MetricResult> {
  const compiled = compileMetric(definition, context);
  return { columns: compiled.columns, rows: await runCompiled(db, compiled), ignoredFilters: compiled.ignoredFilters };
}

/** Runs an already compiled metric. */
export async function runCompiled(db: D1Database, compiled: CompiledMetric): Promise<MetricRow[]> {
  const rows = await runCompiledMetrics(db, compiled);
  return rows.map(({ by, names, values }) => ({ by, names, value: values[0] ?? null }));
}

/** Runs compiled metrics (one or several): each row's groups, their names, and a value per metric. */
export async function runCompiledMetrics(db: D1Database, compiled: CompiledMetric): Promise<MetricsRow[]> {
  const { results } = await db
    .prepare(compiled.sql)
    .bind(...compiled.params)
    .all<Record<string, string | number | null>>();
  const byColumns = compiled.columns.filter((c) => c.role === "by");
  const valueColumns = compiled.columns.filter((c) => c.role === "value");
  return results.map((row) => ({
    by: byColumns.map((c) => row[c.key] ?? null),
    names: byColumns.map((c) => {
      const name = row[`${c.key}_name`];
      return typeof name === "string" ? name : null;
    }),
    values: valueColumns.map((c) => {
      const value = row[c.key];
      return typeof value === "number" ? value : null;
    }),
  }));
}
