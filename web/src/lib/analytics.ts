import type { EvaluateResult, Metric, MetricFormat } from "../../../schemas/analytics";
import type { FilterValue, FilterValues } from "../../../schemas/dashboards";
import type { EngagementQuery } from "../../../schemas/engagements";
import type { ModelCatalog } from "../../../schemas/model";
import type { VisualizationData, VisualizationSpec } from "../../../schemas/visualizations";
import { api } from "../api";
import { allPages } from "./paged-list";

// What the analytics pages share: how numbers are shown, how drill-downs travel in URLs, and
// the values a filter can take.

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const currencyFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A metric value as people read it: `12,345`, `42.5 %`, `3 min 5 s`, `1,234.50`; `–` when empty. */
export function formatMetric(value: number | null | undefined, format: MetricFormat | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  switch (format) {
    case "percent":
      return `${numberFormat.format(Math.round(value * 1000) / 10)} %`;
    case "duration":
      return formatSeconds(value);
    case "currency":
      return currencyFormat.format(value);
    default:
      return numberFormat.format(value);
  }
}

/** Seconds as `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (Math.abs(s) < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** JSON in a URL parameter: base64url, so it survives copying. */
export function encodeParam(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The value encodeParam made, or undefined for anything else. */
export function decodeParam<T>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

/** The engagement list behind a query. */
export function engagementsHref(query: Partial<EngagementQuery>, title?: string): string {
  const params = new URLSearchParams({ q: encodeParam(query) });
  if (title) params.set("title", title);
  return `/engagements?${params}`;
}

/** A dashboard with filter values. */
export function dashboardHref(id: string, values?: FilterValues): string {
  return values && Object.keys(values).length > 0 ? `/dashboards/${id}?f=${encodeParam(values)}` : `/dashboards/${id}`;
}

/** One option of a filter: what is sent (a PID or the value) and what is shown. */
export interface FilterOption {
  value: string | number;
  label: string;
}

const optionCache = new Map<string, Promise<FilterOption[]>>();

/** The values an attribute has in the account's engagements, by name (cached for the page's life). */
export function filterOptions(attribute: string): Promise<FilterOption[]> {
  let cached = optionCache.get(attribute);
  if (!cached) {
    cached = api
      .post<EvaluateResult>("/metrics/evaluate", {
        definition: "SELECT COUNT(Engagement)",
        context: { by: [{ attribute }] },
      })
      .then((r) =>
        r.rows
          .filter((row) => row.by[0] !== null && row.by[0] !== undefined)
          .map((row) => ({ value: row.by[0] as string | number, label: row.names[0] ?? String(row.by[0]) }))
          .sort((a, b) => a.label.localeCompare(b.label)),
      );
    cached.catch(() => optionCache.delete(attribute));
    optionCache.set(attribute, cached);
  }
  return cached;
}

export const DATE_PRESETS = [
  ["today", "Today"],
  ["last7Days", "Last 7 days"],
  ["last30Days", "Last 30 days"],
  ["thisMonth", "This month"],
  ["lastMonth", "Last month"],
  ["all", "All time"],
] as const;

/** A filter value in words, for chips and headings. */
export function describeValue(value: FilterValue | null | undefined, labels?: Map<string | number, string>): string {
  if (!value) return "All";
  if (value.op === "between") {
    if (value.relative) return DATE_PRESETS.find(([k]) => k === value.relative)?.[1] ?? value.relative;
    return `${value.from ?? "…"} – ${value.to ?? "…"}`;
  }
  const names = value.values.map((v) => labels?.get(v) ?? String(v));
  const shown = names.length > 2 ? `${names.slice(0, 2).join(", ")} +${names.length - 2}` : names.join(", ");
  return value.op === "notIn" ? `Not ${shown}` : shown;
}

export type { VisualizationData, VisualizationSpec };

// ───────────── the model and the metrics, for editors ─────────────

/** An attribute as the metric language compares it: any case, `->` for `⏵`, spacing ignored. */
export function attributeKey(attribute: string): string {
  return attribute
    .trim()
    .toLowerCase()
    .replace(/\s*(->|⏵)\s*/g, " ⏵ ")
    .replace(/\s+/g, " ");
}

/** The attributes people can type, from the logical model, and which of them are dates. */
export interface AttributeCatalog {
  suggestions: string[];
  /** Keys (attributeKey) of date attributes: `date` and every date field. */
  dates: Set<string>;
}

const SUGGESTED_KINDS = new Set(["attribute", "enumeration", "date", "flag", "reference", "entity"]);
let catalogRequest: Promise<AttributeCatalog> | undefined;

/** The attribute catalog, read once per page load (the model is the same for every account). */
export function attributeCatalog(): Promise<AttributeCatalog> {
  if (!catalogRequest) {
    catalogRequest = api.get<ModelCatalog>("/model").then((model) => {
      const suggestions = ["Date"];
      const dates = new Set(["date"]);
      const datasets = model.datasets
        .filter((d) => d.reportable)
        .sort((a, b) =>
          a.label === "Engagement" ? -1 : b.label === "Engagement" ? 1 : a.label.localeCompare(b.label),
        );
      for (const dataset of datasets) {
        suggestions.push(dataset.label);
        for (const field of dataset.fields) {
          if (!SUGGESTED_KINDS.has(field.kind)) continue;
          const attribute = `${dataset.label} ⏵ ${field.label}`;
          suggestions.push(attribute);
          if (field.kind === "date") dates.add(attributeKey(attribute));
        }
      }
      return { suggestions, dates };
    });
    catalogRequest.catch(() => {
      catalogRequest = undefined;
    });
  }
  return catalogRequest;
}

/** Every metric, built-in and custom, by name (a few pages at most). */
export function allMetrics(signal?: AbortSignal): Promise<Metric[]> {
  return allPages<Metric>("/metrics", signal);
}
