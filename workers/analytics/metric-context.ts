import { normalizeName } from "./metric-catalog";

/** Buckets for grouping by a date. Weeks start on Monday; all in UTC. */
export type Granularity = "hour" | "day" | "week" | "month";

/**
 * A filter a dashboard or visualization puts around a metric. `attribute` is written as in
 * the language (`Engagement ⏵ Queue`, `Engagement -> Type`), a data set (its items' PIDs), or
 * `Date`, the shared date dimension (docs/metrics.md, "Evaluation").
 */
export type ContextFilter =
  | { attribute: string; values: readonly (string | number)[]; exclude?: boolean }
  | { attribute: string; from?: number | string; to?: number | string };

/** One view-by or segment-by of a visualization. */
export interface ViewBy {
  attribute: string;
  /** For dates; `day` when omitted. */
  granularity?: Granularity;
}

/** What a metric is evaluated in. */
export interface MetricContext {
  accountId: string;
  /** Every metric a definition may reference, by name. */
  metrics?: ReadonlyMap<string, string>;
  /** Filters of the dashboard and visualization, already merged (see mergeFilterLayers). */
  filters?: readonly ContextFilter[];
  by?: readonly ViewBy[];
  /** The name of the metric being compiled, so that it cannot reference itself. */
  name?: string;
}

/** One column of a compiled metric's result rows. */
export interface MetricColumn {
  /** The column in the SQL result. */
  key: string;
  label: string;
  /** `by`: the group's value (a PID for references and entities); `name`: its display name; `value`: the metric. */
  role: "by" | "name" | "value";
}

/** A metric compiled to one parameterised D1 statement. */
export interface CompiledMetric {
  sql: string;
  /** Values for `?1`, `?2`, …; `?1` is always the account id. */
  params: (string | number)[];
  columns: MetricColumn[];
  /** Context filters that could not apply to some part of the metric (its data set has no relation to them). */
  ignoredFilters: string[];
}

/**
 * Merges filter layers, the most important first (dashboard, then visualization): a layer's
 * filter on an attribute a more important layer already filters is dropped.
 */
export function mergeFilterLayers(...layers: (readonly ContextFilter[])[]): ContextFilter[] {
  const merged: ContextFilter[] = [];
  const taken = new Set<string>();
  for (const layer of layers) {
    const here = new Set<string>();
    for (const filter of layer) {
      const key = normalizeName(filter.attribute.replace(/->/g, "⏵").replace(/\s*⏵\s*/g, " ⏵ "));
      if (taken.has(key)) continue;
      here.add(key);
      merged.push(filter);
    }
    for (const key of here) taken.add(key);
  }
  return merged;
}
