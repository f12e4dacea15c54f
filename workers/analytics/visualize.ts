import type { MetricFormat } from "../../schemas/analytics";
import type { DashboardFilter, FilterValue, FilterValues } from "../../schemas/dashboards";
import type { EngagementQuery, EngagementRow } from "../../schemas/engagements";
import type { VisualizationData, VisualizationSpec } from "../../schemas/visualizations";
import type { Db } from "../db/client";
import { badRequest } from "../lib/errors";
import { isoFromSeconds } from "../lib/time";
import { dataset } from "../model/catalog";
import { BUILTIN_METRICS } from "./builtin-metrics";
import { compileMetric, compileMetrics } from "./metric-compiler";
import { type ContextFilter, type Granularity, mergeFilterLayers, type ViewBy } from "./metric-context";
import { MetricError } from "./metric-errors";
import { runCompiledMetrics } from "./metric-evaluate";
import { allMetrics } from "./queries";

// Turning visualizations into numbers and numbers back into engagements. Filters come in
// layers, the most important first: the clicked group, the dashboard's (hidden and locked
// included), the visualization's; each metric's own WHERE is under them all (docs/metrics.md,
// "Filter precedence").

/** A metric as visualizations use it. */
export interface MetricInfo {
  id: string;
  name: string;
  definition: string;
  format: MetricFormat;
}

/** The metrics an account can use: the built-ins and its own. */
export class MetricLibrary {
  readonly definitions = new Map<string, string>();
  private readonly byId = new Map<string, MetricInfo>();

  constructor(custom: readonly MetricInfo[]) {
    for (const m of [...BUILTIN_METRICS, ...custom]) {
      this.definitions.set(m.name, m.definition);
      this.byId.set(m.id, m);
    }
  }

  get(id: string): MetricInfo | undefined {
    return this.byId.get(id);
  }

  /** The metric with this id, or 400 `UNKNOWN_METRIC`. */
  require(id: string): MetricInfo {
    const metric = this.byId.get(id);
    if (!metric)
      throw badRequest("UNKNOWN_METRIC", `There is no metric with the id "${id}"; it may have been deleted.`);
    return metric;
  }
}

export async function loadLibrary(db: Db, accountId: string): Promise<MetricLibrary> {
  const custom = await allMetrics(db, accountId);
  return new MetricLibrary(custom.map((m) => ({ ...m, format: m.format as MetricFormat })));
}

// ───────────── dashboard filters ─────────────

const DAY = 86_400;

/** [from, to) in Unix seconds of a rolling date range, in UTC; undefined for "all". */
export function relativeRange(relative: NonNullable<Extract<FilterValue, { op: "between" }>["relative"]>, now: number) {
  const today = Math.floor(now / DAY) * DAY;
  const date = new Date(today * 1000);
  const month = (offset: number) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1) / 1000;
  switch (relative) {
    case "today":
      return { from: today, to: today + DAY };
    case "last7Days":
      return { from: today - 6 * DAY, to: today + DAY };
    case "last30Days":
      return { from: today - 29 * DAY, to: today + DAY };
    case "thisMonth":
      return { from: month(0), to: month(1) };
    case "lastMonth":
      return { from: month(-1), to: month(0) };
    case "all":
      return undefined;
  }
}

/** One filter value as a context filter on `attribute`; undefined when it filters nothing ("all"). */
export function contextFilterOf(attribute: string, value: FilterValue, now: number): ContextFilter | undefined {
  if (value.op !== "between") return { attribute, values: value.values, exclude: value.op === "notIn" };
  if (value.relative) {
    const range = relativeRange(value.relative, now);
    return range && { attribute, ...range };
  }
  if (value.from === undefined && value.to === undefined) return undefined;
  return { attribute, from: value.from, to: value.to };
}

/**
 * A dashboard's filters as context filters: the user's values for its visible, unlocked
 * filters, and the defaults of its hidden and locked ones. Values for filters the dashboard
 * does not have, or may not be changed, are refused.
 */
export function dashboardContext(
  filters: readonly DashboardFilter[],
  values: FilterValues,
  now: number,
): ContextFilter[] {
  const byKey = new Map(filters.map((f) => [f.key, f]));
  for (const key of Object.keys(values)) {
    const filter = byKey.get(key);
    if (!filter) throw badRequest("UNKNOWN_FILTER", `The dashboard has no filter "${key}".`);
    if (filter.hidden || filter.locked) {
      throw badRequest(
        "FILTER_LOCKED",
        `The filter "${filter.label}" is fixed on this dashboard and cannot be changed.`,
      );
    }
  }
  const out: ContextFilter[] = [];
  for (const filter of filters) {
    const value = filter.hidden || filter.locked ? filter.default : values[filter.key];
    const context = value && contextFilterOf(filter.attribute, value, now);
    if (context) out.push(context);
  }
  return out;
}

/** The date range a bucket of `granularity` (`2024-03-05`, `2024-03-04` week, `2024-03`, `2024-03-05T09:00`) covers. */
export function bucketRange(bucket: string, granularity: Granularity): { from: number; to: number } {
  const pattern = {
    hour: /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):00$/,
    day: /^(\d{4})-(\d{2})-(\d{2})$/,
    week: /^(\d{4})-(\d{2})-(\d{2})$/,
    month: /^(\d{4})-(\d{2})$/,
  }[granularity];
  const m = pattern.exec(bucket);
  if (!m) throw badRequest("INVALID_GROUP", `"${bucket}" is not a ${granularity} as the data returns it.`);
  const [y, mo, d, h] = m.slice(1).map(Number) as [number, number, number?, number?];
  const from = Date.UTC(y, mo - 1, d ?? 1, h ?? 0) / 1000;
  const to =
    granularity === "month"
      ? Date.UTC(y, mo, 1) / 1000
      : from + (granularity === "hour" ? 3600 : granularity === "day" ? DAY : 7 * DAY);
  if (Number.isNaN(from)) throw badRequest("INVALID_GROUP", `"${bucket}" is not a ${granularity}.`);
  return { from, to };
}

/** A clicked group as the filter that selects it. */
export function groupFilter(group: EngagementQuery["groups"][number]): ContextFilter {
  const isDate = group.attribute.trim().toLowerCase() === "date" || group.granularity !== undefined;
  if (isDate && typeof group.value === "string") {
    return { attribute: group.attribute, ...bucketRange(group.value, group.granularity ?? "day") };
  }
  return { attribute: group.attribute, values: [group.value] };
}

// ───────────── rendering ─────────────

const ENGAGEMENT_KEY: ViewBy = { attribute: "Engagement" };

/** Whether a metric can list the engagements behind its value (it splits by engagement). */
function listsEngagements(metric: MetricInfo, library: MetricLibrary, accountId: string): boolean {
  try {
    compileMetric(metric.definition, {
      accountId,
      metrics: library.definitions,
      name: metric.name,
      by: [ENGAGEMENT_KEY],
    });
    return true;
  } catch (error) {
    if (error instanceof MetricError) return false;
    throw error;
  }
}

/**
 * Evaluates a visualization's metrics under `outer` filters (the dashboard's, already
 * resolved), which take precedence over the visualization's own: one statement whose rows
 * are the union of the metrics' groups, then sorted and cut to the spec's limit.
 */
export async function renderVisualization(
  raw: D1Database,
  accountId: string,
  library: MetricLibrary,
  spec: VisualizationSpec,
  outer: readonly ContextFilter[],
): Promise<VisualizationData> {
  if (spec.type === "engagements") {
    throw badRequest(
      "ENGAGEMENT_LIST",
      "An engagement list has rows, not values: list them with POST /api/v1/engagements/query.",
    );
  }
  const filters = mergeFilterLayers(outer, spec.filters.map(specFilter));
  const by = [spec.viewBy, spec.segmentBy].filter((b): b is NonNullable<typeof b> => b !== null);
  const metrics = spec.metrics.map((id) => library.require(id));
  const compiled = compileMetrics(metrics, { accountId, metrics: library.definitions, filters, by });
  const result = await runCompiledMetrics(raw, compiled);

  type Row = VisualizationData["rows"][number];
  const groups = result.map(
    (row): Row => ({
      groups: row.by.map((value, i) => ({ value, label: row.names[i] ?? (value === null ? null : String(value)) })),
      values: row.values,
    }),
  );
  let rows = groups;
  // A grouped metric with no rows at all still shows as one empty row when there is no view-by.
  if (by.length === 0 && rows.length === 0) rows = [{ groups: [], values: metrics.map(() => null) }];

  // Sort and cut by view-by group: with a segment-by, a group's rank is the sum over its segments.
  const viewKey = (r: (typeof rows)[number]) => JSON.stringify(r.groups[0]?.value ?? null);
  const order = new Map<string, number>();
  const sort = spec.sort;
  if (sort?.by === "metric") {
    const totals = new Map<string, number | null>();
    for (const r of rows) {
      const v = r.values[sort.metric] ?? null;
      const k = viewKey(r);
      const t = totals.get(k);
      totals.set(k, v === null ? (t ?? null) : (t ?? 0) + v);
    }
    const sign = sort.direction === "desc" ? -1 : 1;
    [...totals.entries()]
      .sort(([, a], [, b]) => (a === null ? 1 : b === null ? -1 : sign * (a - b)))
      .forEach(([k], i) => {
        order.set(k, i);
      });
  } else {
    const keys = [...new Set(rows.map(viewKey))];
    if (sort?.direction === "desc") keys.reverse();
    keys.forEach((k, i) => {
      order.set(k, i);
    });
  }
  const truncated = order.size > spec.limit;
  rows = rows
    .filter((r) => (order.get(viewKey(r)) ?? 0) < spec.limit)
    .sort((a, b) => (order.get(viewKey(a)) ?? 0) - (order.get(viewKey(b)) ?? 0));

  return {
    columns: [
      ...by.map((b, i) => ({
        key: `by${i}`,
        label: byLabel(b),
        kind: i === 0 ? ("viewBy" as const) : ("segmentBy" as const),
        attribute: b.attribute,
        drillable: true,
      })),
      ...metrics.map((m, i) => ({
        key: `m${i}`,
        label: m.name,
        kind: "metric" as const,
        metricId: m.id,
        format: m.format,
        drillable: listsEngagements(m, library, accountId),
      })),
    ],
    rows,
    truncated,
    ignoredFilters: compiled.ignoredFilters,
  };
}

/** A view-by's column heading: the field's own label (`Queue`), dates with their bucket (`Date (week)`). */
function byLabel(by: ViewBy): string {
  const last = by.attribute.split(/⏵|->/).at(-1)?.trim() || by.attribute;
  return by.granularity ? `${last} (${by.granularity})` : last;
}

/** The schema's filter shape to the compiler's. */
export function specFilter(filter: VisualizationSpec["filters"][number]): ContextFilter {
  if (filter.op === "between") return { attribute: filter.attribute, from: filter.from, to: filter.to };
  return { attribute: filter.attribute, values: filter.values, exclude: filter.op === "notIn" };
}

/** Compiles a spec's metrics in its own filters and groups: how a saved visualization is validated. */
export function checkSpec(spec: VisualizationSpec, library: MetricLibrary, accountId: string): void {
  const by = [spec.viewBy, spec.segmentBy].filter((b): b is NonNullable<typeof b> => b !== null);
  const filters = spec.filters.map(specFilter);
  const metrics = spec.metrics.map((id) => library.require(id));
  if (metrics.length === 0) {
    // An engagement list: its filters must still make sense for engagements.
    compileMetric("SELECT COUNT(Engagement)", { accountId, filters, by: [ENGAGEMENT_KEY] });
  }
  // Rendered together, so saved together: refused here if they make too large a statement.
  if (metrics.length > 0) compileMetrics(metrics, { accountId, metrics: library.definitions, filters, by });
}

// ───────────── the engagements behind a number ─────────────

/** The columns of an engagement row, over `e` (engagement) and the joins ENGAGEMENT_JOINS adds. */
const ENGAGEMENT_COLUMNS = `e.pid, e.external_id, e.start_time, e.end_time, e.type, e.channel_type, e.direction,
  e.outcome_type, e.agent_pid, ag.name AS agent_name, e.queue_pid, q.name AS queue_name, e.channel_pid,
  ch.name AS channel_name, e.team_pid, tm.name AS team_name, e.outcome_pid, oc.name AS outcome_name,
  e.conversation_pid, e.customer_pid, e.wait_time,
  CASE WHEN e.preparation_time IS NULL AND e.engagement_time IS NULL AND e.wrap_up_time IS NULL THEN NULL
    ELSE COALESCE(e.preparation_time, 0) + COALESCE(e.engagement_time, 0) + COALESCE(e.wrap_up_time, 0) END AS handling_time`;

const ENGAGEMENT_JOINS = `LEFT JOIN agent AS ag ON ag.account_id = ?1 AND ag.pid = e.agent_pid
  LEFT JOIN entity AS q ON q.account_id = ?1 AND q.pid = e.queue_pid
  LEFT JOIN entity AS ch ON ch.account_id = ?1 AND ch.pid = e.channel_pid
  LEFT JOIN entity AS tm ON tm.account_id = ?1 AND tm.pid = e.team_pid
  LEFT JOIN entity AS oc ON oc.account_id = ?1 AND oc.pid = e.outcome_pid`;

/** A row of ENGAGEMENT_COLUMNS. */
export interface EngagementSqlRow {
  pid: string;
  external_id: string | null;
  start_time: number | null;
  end_time: number | null;
  type: string | null;
  channel_type: string | null;
  direction: string | null;
  outcome_type: string | null;
  agent_pid: string | null;
  agent_name: string | null;
  queue_pid: string | null;
  queue_name: string | null;
  channel_pid: string | null;
  channel_name: string | null;
  team_pid: string | null;
  team_name: string | null;
  outcome_pid: string | null;
  outcome_name: string | null;
  conversation_pid: string | null;
  customer_pid: string | null;
  wait_time: number | null;
  handling_time: number | null;
  metric_value?: number | null;
}

const named = (id: string | null, name: string | null) => (id ? { id, name } : null);

export function engagementRow(r: EngagementSqlRow): EngagementRow {
  return {
    id: r.pid,
    externalId: r.external_id,
    startTime: r.start_time === null ? null : isoFromSeconds(r.start_time),
    endTime: r.end_time === null ? null : isoFromSeconds(r.end_time),
    type: r.type,
    channelType: r.channel_type,
    direction: r.direction,
    outcomeType: r.outcome_type,
    agent: named(r.agent_pid, r.agent_name),
    queue: named(r.queue_pid, r.queue_name),
    channel: named(r.channel_pid, r.channel_name),
    team: named(r.team_pid, r.team_name),
    outcome: named(r.outcome_pid, r.outcome_name),
    conversationId: r.conversation_pid,
    customerId: r.customer_pid,
    waitTime: r.wait_time,
    handlingTime: r.handling_time,
    ...(r.metric_value !== undefined ? { metricValue: r.metric_value } : {}),
  };
}

/** The engagements matching `filters` (and making up `metric`), as SQL over `m(by0, value)` and its params. */
function matchingEngagements(
  accountId: string,
  library: MetricLibrary,
  filters: readonly ContextFilter[],
  metric: MetricInfo | undefined,
): { sql: string; params: (string | number)[] } {
  let compiled: ReturnType<typeof compileMetric>;
  try {
    compiled = compileMetric(metric?.definition ?? "SELECT COUNT(Engagement)", {
      accountId,
      metrics: library.definitions,
      name: metric?.name,
      filters,
      by: [ENGAGEMENT_KEY],
    });
  } catch (error) {
    if (error instanceof MetricError && error.metricCode === "UNRELATED_ATTRIBUTE" && metric) {
      throw badRequest(
        "NOT_ENGAGEMENT_METRIC",
        `"${metric.name}" is not computed from engagements, so it has no engagements behind it.`,
      );
    }
    throw error;
  }
  return {
    sql: `FROM (${compiled.sql}) AS m JOIN engagement AS e ON e.account_id = ?1 AND e.pid = m.by0 ${ENGAGEMENT_JOINS} WHERE m.value IS NOT NULL`,
    params: compiled.params,
  };
}

/** The layered filters of an engagement query: the clicked group, then the dashboard's, then the visualization's. */
export function engagementFilters(
  groups: EngagementQuery["groups"],
  dashboard: readonly ContextFilter[],
  visualization: readonly ContextFilter[],
): ContextFilter[] {
  return mergeFilterLayers(groups.map(groupFilter), dashboard, visualization);
}

/** Newest first: a page of the engagements behind a number. `after` is the last row's (start time, pid). */
export async function listEngagements(
  raw: D1Database,
  accountId: string,
  library: MetricLibrary,
  filters: readonly ContextFilter[],
  metric: MetricInfo | undefined,
  page: { limit: number; after?: [number, string] },
): Promise<{ rows: EngagementRow[]; next: [number, string] | null }> {
  const { sql, params } = matchingEngagements(accountId, library, filters, metric);
  const p = (i: number) => `?${params.length + i}`;
  const extra: (string | number)[] = [];
  let keyset = "";
  if (page.after) {
    keyset = ` AND (COALESCE(e.start_time, -1) < ${p(1)} OR (COALESCE(e.start_time, -1) = ${p(1)} AND e.pid < ${p(2)}))`;
    extra.push(page.after[0], page.after[1]);
  }
  extra.push(page.limit + 1);
  const limit = `?${params.length + extra.length}`;
  const { results } = await raw
    .prepare(
      `SELECT ${ENGAGEMENT_COLUMNS}, m.value AS metric_value ${sql}${keyset} ORDER BY COALESCE(e.start_time, -1) DESC, e.pid DESC LIMIT ${limit}`,
    )
    .bind(...params, ...extra)
    .all<EngagementSqlRow>();
  const rows = results.slice(0, page.limit);
  const last = rows.at(-1);
  const out = rows.map((r) => {
    const row = engagementRow(r);
    if (!metric) delete row.metricValue;
    return row;
  });
  return { rows: out, next: results.length > page.limit && last ? [last.start_time ?? -1, last.pid] : null };
}

/** Stores up to `max` matching engagements (newest first) as a selection's rows; returns how many matched, up to max + 1. */
export async function storeSelection(
  raw: D1Database,
  accountId: string,
  selectionId: string,
  library: MetricLibrary,
  filters: readonly ContextFilter[],
  metric: MetricInfo | undefined,
  max: number,
): Promise<number> {
  const { sql, params } = matchingEngagements(accountId, library, filters, metric);
  const sel = `?${params.length + 1}`;
  const limit = `?${params.length + 2}`;
  const result = await raw
    .prepare(
      `INSERT INTO selection_engagement (account_id, selection_id, position, engagement_pid)
       SELECT ?1, ${sel}, ROW_NUMBER() OVER (ORDER BY COALESCE(e.start_time, -1) DESC, e.pid DESC), e.pid ${sql}
       ORDER BY COALESCE(e.start_time, -1) DESC, e.pid DESC LIMIT ${limit}`,
    )
    .bind(...params, selectionId, max + 1)
    .run();
  const inserted = result.meta.changes ?? 0;
  if (inserted > max) {
    await raw
      .prepare("DELETE FROM selection_engagement WHERE account_id = ?1 AND selection_id = ?2 AND position > ?3")
      .bind(accountId, selectionId, max)
      .run();
  }
  return inserted;
}

/** A page of a selection's engagements in their saved order. */
export async function selectionEngagements(
  raw: D1Database,
  accountId: string,
  selectionId: string,
  page: { limit: number; after?: number },
): Promise<{ rows: EngagementRow[]; next: number | null }> {
  const { results } = await raw
    .prepare(
      `SELECT ${ENGAGEMENT_COLUMNS}, s.position AS position FROM selection_engagement AS s
       JOIN engagement AS e ON e.account_id = ?1 AND e.pid = s.engagement_pid ${ENGAGEMENT_JOINS}
       WHERE s.account_id = ?1 AND s.selection_id = ?2 AND s.position > ?3 ORDER BY s.position LIMIT ?4`,
    )
    .bind(accountId, selectionId, page.after ?? 0, page.limit + 1)
    .all<EngagementSqlRow & { position: number }>();
  const rows = results.slice(0, page.limit);
  const last = rows.at(-1);
  return { rows: rows.map(engagementRow), next: results.length > page.limit && last ? last.position : null };
}

const DETAIL_COLUMNS = [
  "link",
  "service_level",
  "resolution",
  "terminated_by",
  "reason",
  "topic",
  "language",
  "department_pid",
  ...dataset("engagement")
    .fields.filter((f) => f.kind === "fact")
    .map((f) => f.column),
]
  .map((c) => `e.${c}`)
  .join(", ");

/** One engagement with its names and details, or undefined. */
export async function engagementById(raw: D1Database, accountId: string, id: string) {
  return raw
    .prepare(
      `SELECT ${ENGAGEMENT_COLUMNS}, ${DETAIL_COLUMNS}, dp.name AS department_name, src.name AS source_name
       FROM engagement AS e ${ENGAGEMENT_JOINS}
       LEFT JOIN entity AS dp ON dp.account_id = ?1 AND dp.pid = e.department_pid
       LEFT JOIN source AS src ON src.account_id = ?1 AND src.id = e.source_id
       WHERE e.account_id = ?1 AND e.pid = ?2`,
    )
    .bind(accountId, id)
    .first<EngagementSqlRow & Record<string, string | number | null>>();
}

/** The engagements of a conversation in order. */
export async function conversationEngagements(raw: D1Database, accountId: string, conversationPid: string) {
  const { results } = await raw
    .prepare(
      `SELECT ${ENGAGEMENT_COLUMNS} FROM engagement AS e ${ENGAGEMENT_JOINS}
       WHERE e.account_id = ?1 AND e.conversation_pid = ?2 ORDER BY e.start_time, e.pid LIMIT 200`,
    )
    .bind(accountId, conversationPid)
    .all<EngagementSqlRow>();
  return results.map(engagementRow);
}
