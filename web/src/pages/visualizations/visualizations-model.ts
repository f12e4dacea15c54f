import { computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { ContextFilter, Metric } from "../../../../schemas/analytics";
import type { Page } from "../../../../schemas/common";
import type { EngagementQuery, EngagementRow } from "../../../../schemas/engagements";
import type {
  Visualization,
  VisualizationData,
  VisualizationSpec,
  VisualizationType,
} from "../../../../schemas/visualizations";
import { ApiError, api, isAbort, isNotFound, messageOf } from "../../api";
import type { DrillRequest } from "../../components/viz-view/viz-view";
import {
  type AttributeCatalog,
  allMetrics,
  attributeCatalog,
  attributeKey,
  type DATE_PRESETS,
  engagementsHref,
} from "../../lib/analytics";
import { abortedOnDispose, cursorList, type LoadState } from "../../lib/paged-list";

/** What each type is called in the type select and the list. */
export const TYPE_LABELS: Record<VisualizationType, string> = {
  table: "Table",
  column: "Column chart",
  bar: "Bar chart",
  line: "Line chart",
  area: "Area chart",
  donut: "Donut chart",
  headline: "Headline (one number)",
  engagements: "Engagement list",
};
export const TYPE_OPTIONS = Object.keys(TYPE_LABELS) as VisualizationType[];

export type Granularity = "hour" | "day" | "week" | "month";
export const GRANULARITIES: [Granularity, string][] = [
  ["hour", "Hour"],
  ["day", "Day"],
  ["week", "Week"],
  ["month", "Month"],
];

export type DatePreset = (typeof DATE_PRESETS)[number][0];

/** Rows an engagement list loads at a time. */
const ENGAGEMENT_PAGE = 25;
/** How long typing pauses before the preview is asked for. */
export const PREVIEW_DELAY_MS = 400;
const SEARCH_DELAY_MS = 250;

/** The date range of a preset, in UTC days as the API counts them; undefined for all time. */
export function presetRange(preset: DatePreset, now = Date.now()): { from: number; to: number } | undefined {
  const day = 86_400;
  const today = Math.floor(now / 1000 / day) * day;
  const date = new Date(today * 1000);
  const month = (offset: number) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1) / 1000;
  switch (preset) {
    case "today":
      return { from: today, to: today + day };
    case "last7Days":
      return { from: today - 6 * day, to: today + day };
    case "last30Days":
      return { from: today - 29 * day, to: today + day };
    case "thisMonth":
      return { from: month(0), to: month(1) };
    case "lastMonth":
      return { from: month(-1), to: month(0) };
    case "all":
      return undefined;
  }
}

/** An API error as the editor shows it: the code, the message and any field-by-field issues. */
export interface ProblemText {
  code: string;
  message: string;
  issues: string[];
}

export function problemOf(error: unknown): ProblemText {
  if (!(error instanceof ApiError)) return { code: "", message: messageOf(error), issues: [] };
  const details = error.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined;
  const issues = (details?.issues ?? []).map((i) =>
    [typeof i.path === "string" && i.path ? `${i.path}:` : "", String(i.message ?? "")].join(" ").trim(),
  );
  return { code: error.code, message: error.message, issues };
}

/** The engagements an `engagements` visualization lists, page by page (POST /engagements/query). */
function engagementList(aborted: AbortSignal) {
  const rows = signal<EngagementRow[]>([]);
  const nextCursor = signal<string | null>(null);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);
  const loadingMore = signal(false);
  let query: Partial<EngagementQuery> = {};
  let generation = 0;

  const fetchPage = (cursor: string | null) =>
    api.post<Page<EngagementRow>>(
      "/engagements/query",
      { ...query, limit: ENGAGEMENT_PAGE, ...(cursor ? { cursor } : {}) },
      { signal: aborted },
    );

  const load = async (next: Partial<EngagementQuery>) => {
    query = next;
    const mine = ++generation;
    state.value = "loading";
    error.value = null;
    try {
      const page = await fetchPage(null);
      if (mine !== generation) return;
      rows.value = page.items;
      nextCursor.value = page.nextCursor;
      state.value = "ready";
    } catch (e) {
      if (isAbort(e) || mine !== generation) return;
      error.value = messageOf(e);
      state.value = "error";
    }
  };

  return {
    rows: rows as ReadonlySignal<EngagementRow[]>,
    nextCursor: nextCursor as ReadonlySignal<string | null>,
    state: state as ReadonlySignal<LoadState>,
    error: error as ReadonlySignal<string | null>,
    loadingMore: loadingMore as ReadonlySignal<boolean>,
    load,
    async loadMore() {
      const cursor = nextCursor.peek();
      if (!cursor || loadingMore.peek()) return;
      const mine = generation;
      loadingMore.value = true;
      try {
        const page = await fetchPage(cursor);
        if (mine !== generation) return;
        rows.value = [...rows.peek(), ...page.items];
        nextCursor.value = page.nextCursor;
      } catch (e) {
        if (!isAbort(e) && mine === generation) error.value = messageOf(e);
      } finally {
        if (mine === generation) loadingMore.value = false;
      }
    },
  };
}
export type EngagementList = ReturnType<typeof engagementList>;

/** The query behind a clicked value: its group (with the granularity it was grouped by) and metric. */
function drillQuery(
  spec: VisualizationSpec,
  data: VisualizationData | null,
  request: DrillRequest,
): Pick<EngagementQuery, "groups"> & { metricId?: string } {
  const metric =
    request.metric !== undefined ? data?.columns.filter((c) => c.kind === "metric")[request.metric] : undefined;
  return {
    groups: request.groups.map((g) => {
      const by = g.attribute === spec.viewBy?.attribute ? spec.viewBy : spec.segmentBy;
      return { attribute: g.attribute, value: g.value, granularity: by?.granularity };
    }),
    metricId: metric?.metricId,
  };
}

/** The drill-down's title: the metric (or visualization) and the clicked values. */
function drillTitle(name: string, data: VisualizationData | null, request: DrillRequest): string {
  const metric =
    request.metric !== undefined ? data?.columns.filter((c) => c.kind === "metric")[request.metric] : undefined;
  return [metric?.label ?? name, ...request.groups.map((g) => g.label)].filter(Boolean).join(" · ");
}

/**
 * The list on the left of the Visualizations page: the user's favorites, the account's own
 * (shared) and Brine's built-ins, each by name and searchable by name.
 */
export const VisualizationLibraryModel = createModel(() => {
  const search = signal("");
  const list = (section: string) =>
    cursorList<Visualization>("/visualizations", { keyOf: (v) => v.id, pageSize: 100, query: { section } });
  const favorites = list("favorites");
  const shared = list("shared");
  const builtIn = list("builtIn");
  const sections = [
    ["favorites", favorites],
    ["shared", shared],
    ["builtIn", builtIn],
  ] as const;
  let timer: ReturnType<typeof setTimeout> | undefined;
  effect(() => () => clearTimeout(timer));

  const replaceIn = (l: typeof shared, v: Visualization) => {
    if (l.items.peek().some((x) => x.id === v.id)) l.put(v);
  };

  return {
    search: search as ReadonlySignal<string>,
    favorites,
    shared,
    builtIn,

    /** Filters all three sections by name, once typing pauses. */
    setSearch(q: string) {
      search.value = q;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const needle = q.trim() || undefined;
        for (const [section, l] of sections) void l.setQuery({ section, q: needle });
      }, SEARCH_DELAY_MS);
    },

    /** Shows a visualization's new version (a rename, a new favorite state) wherever it is listed. */
    changed(v: Visualization, favoriteChanged = false) {
      replaceIn(shared, v);
      replaceIn(builtIn, v);
      if (favoriteChanged) void favorites.reload();
      else replaceIn(favorites, v);
    },

    /** Reloads the account's own after one was created or deleted. */
    refreshShared() {
      void shared.reload();
      void favorites.reload();
    },
  };
});

/** One visualization as it is viewed: its data (or its engagements), favorite, copy and delete. */
export const VisualizationModel = createModel((id: string) => {
  const aborted = abortedOnDispose();
  const visualization = signal<Visualization | null>(null);
  const state = signal<"loading" | "ready" | "missing" | "error">("loading");
  const error = signal<string | null>(null);
  const datePreset = signal<DatePreset>("all");
  const data = signal<VisualizationData | null>(null);
  const dataState = signal<LoadState>("loading");
  const dataError = signal<ProblemText | null>(null);
  const engagements = engagementList(aborted);
  const busy = signal<"favorite" | "copy" | "delete" | null>(null);
  const actionError = signal<string | null>(null);
  let generation = 0;

  const outerFilters = (): ContextFilter[] => {
    const range = presetRange(datePreset.peek());
    return range ? [{ attribute: "Date", op: "between", ...range }] : [];
  };

  const loadData = async () => {
    const v = visualization.peek();
    if (!v) return;
    const filters = outerFilters();
    if (v.spec.type === "engagements") {
      void engagements.load({ visualizationId: v.id, filters });
      return;
    }
    const mine = ++generation;
    dataState.value = "loading";
    dataError.value = null;
    try {
      const result = await api.post<VisualizationData>(
        "/visualizations/data",
        { visualizationId: v.id, filters },
        { signal: aborted },
      );
      if (mine !== generation) return;
      data.value = result;
      dataState.value = "ready";
    } catch (e) {
      if (isAbort(e) || mine !== generation) return;
      dataError.value = problemOf(e);
      dataState.value = "error";
    }
  };

  const load = async () => {
    state.value = "loading";
    try {
      visualization.value = await api.get<Visualization>(`/visualizations/${id}`, { signal: aborted });
      state.value = "ready";
      void loadData();
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = isNotFound(e) ? "missing" : "error";
    }
  };
  void load();

  return {
    visualization: visualization as ReadonlySignal<Visualization | null>,
    state: state as ReadonlySignal<"loading" | "ready" | "missing" | "error">,
    error: error as ReadonlySignal<string | null>,
    datePreset: datePreset as ReadonlySignal<DatePreset>,
    data: data as ReadonlySignal<VisualizationData | null>,
    dataState: dataState as ReadonlySignal<LoadState>,
    dataError: dataError as ReadonlySignal<ProblemText | null>,
    engagements,
    busy: busy as ReadonlySignal<"favorite" | "copy" | "delete" | null>,
    actionError: actionError as ReadonlySignal<string | null>,

    load,
    reloadData: loadData,

    /** Shows the visualization for another date range (outside the visualization's own filters). */
    setDatePreset(preset: DatePreset) {
      datePreset.value = preset;
      void loadData();
    },

    /** Takes in the visualization as the editor saved it and shows its data again. */
    replace(v: Visualization) {
      visualization.value = v;
      void loadData();
    },

    /** Where a click on a bold value goes: the engagements behind it. */
    drillHref(request: DrillRequest): string {
      const v = visualization.peek();
      if (!v) return "/engagements";
      return engagementsHref(
        { visualizationId: v.id, filters: outerFilters(), ...drillQuery(v.spec, data.peek(), request) },
        drillTitle(v.name, data.peek(), request),
      );
    },

    /** Marks or unmarks it as the user's favorite; resolves with the new version, or null when it failed. */
    async toggleFavorite(): Promise<Visualization | null> {
      const v = visualization.peek();
      if (!v || busy.peek()) return null;
      busy.value = "favorite";
      actionError.value = null;
      try {
        if (v.favorite) await api.delete(`/visualizations/${v.id}/favorite`);
        else await api.put(`/visualizations/${v.id}/favorite`);
        const next = { ...v, favorite: !v.favorite };
        visualization.value = next;
        return next;
      } catch (e) {
        actionError.value = messageOf(e);
        return null;
      } finally {
        busy.value = null;
      }
    },

    /** Copies it into a new custom visualization; resolves with the copy, or null when it failed. */
    async saveAsNew(): Promise<Visualization | null> {
      const v = visualization.peek();
      if (!v || busy.peek()) return null;
      busy.value = "copy";
      actionError.value = null;
      try {
        return await api.post<Visualization>("/visualizations", {
          name: `${v.name} (copy)`.slice(0, 120),
          description: v.description,
          spec: v.spec,
        });
      } catch (e) {
        actionError.value = messageOf(e);
        return null;
      } finally {
        busy.value = null;
      }
    },

    /** Deletes it (custom ones only); false when the API refused, with the reason in `actionError`. */
    async remove(): Promise<boolean> {
      const v = visualization.peek();
      if (!v || busy.peek()) return false;
      busy.value = "delete";
      actionError.value = null;
      try {
        await api.delete(`/visualizations/${v.id}`);
        return true;
      } catch (e) {
        actionError.value = messageOf(e);
        return false;
      } finally {
        busy.value = null;
      }
    },
  };
});

/** One filter row as the editor holds it: values as typed, dates as `YYYY-MM-DD`. */
export interface FilterDraft {
  attribute: string;
  op: "in" | "notIn" | "between";
  /** Comma-separated values, for `in` and `notIn`. */
  values: string;
  from: string;
  to: string;
}

export interface ByDraft {
  attribute: string;
  granularity: Granularity;
}

/** The editor's form: what is typed, turned into a spec by `specOf`. */
export interface VisualizationDraft {
  name: string;
  description: string;
  type: VisualizationType;
  metrics: string[];
  viewBy: ByDraft;
  segmentBy: ByDraft;
  filters: FilterDraft[];
  sort: "" | "viewBy" | `metric:${number}`;
  direction: "asc" | "desc";
  limit: string;
}

const boundText = (bound: string | number | undefined): string => {
  if (bound === undefined) return "";
  if (typeof bound === "number") return new Date(bound * 1000).toISOString().slice(0, 10);
  return bound.slice(0, 10);
};

const byDraft = (by: VisualizationSpec["viewBy"]): ByDraft => ({
  attribute: by?.attribute ?? "",
  granularity: by?.granularity ?? "day",
});

/** A form holding `v` (or an empty one for a new visualization). */
export function draftOf(v: Pick<Visualization, "name" | "description" | "spec"> | null): VisualizationDraft {
  if (!v) {
    return {
      name: "",
      description: "",
      type: "column",
      metrics: [],
      viewBy: { attribute: "", granularity: "day" },
      segmentBy: { attribute: "", granularity: "day" },
      filters: [],
      sort: "",
      direction: "asc",
      limit: "100",
    };
  }
  const { spec } = v;
  return {
    name: v.name,
    description: v.description,
    type: spec.type,
    metrics: [...spec.metrics],
    viewBy: byDraft(spec.viewBy),
    segmentBy: byDraft(spec.segmentBy),
    filters: spec.filters.map((f) =>
      f.op === "between"
        ? { attribute: f.attribute, op: "between", values: "", from: boundText(f.from), to: boundText(f.to) }
        : { attribute: f.attribute, op: f.op, values: f.values.join(", "), from: "", to: "" },
    ),
    sort: spec.sort ? (spec.sort.by === "viewBy" ? "viewBy" : `metric:${spec.sort.metric}`) : "",
    direction: spec.sort?.direction ?? "asc",
    limit: String(spec.limit),
  };
}

/** Values typed as `a, b, c`. */
export const splitValues = (text: string): string[] =>
  text
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/** Whether the type groups by attributes (headlines and engagement lists do not). */
export const hasGroups = (type: VisualizationType) => type !== "headline" && type !== "engagements";

/** The spec a form describes; rows left incomplete (no attribute, no values) are left out. */
export function specOf(draft: VisualizationDraft, dates: ReadonlySet<string>): VisualizationSpec {
  const by = (b: ByDraft) => {
    const attribute = b.attribute.trim();
    if (!attribute || !hasGroups(draft.type)) return null;
    return dates.has(attributeKey(attribute)) ? { attribute, granularity: b.granularity } : { attribute };
  };
  const filters: ContextFilter[] = [];
  for (const f of draft.filters) {
    const attribute = f.attribute.trim();
    if (!attribute) continue;
    if (f.op === "between") {
      if (!f.from && !f.to) continue;
      filters.push({ attribute, op: "between", from: f.from || undefined, to: f.to || undefined });
    } else {
      const values = splitValues(f.values);
      if (values.length > 0) filters.push({ attribute, op: f.op, values });
    }
  }
  const limit = Math.min(1000, Math.max(1, Number.parseInt(draft.limit, 10) || 100));
  const metrics = draft.type === "engagements" ? [] : draft.metrics;
  const viewBy = by(draft.viewBy);
  let sort: VisualizationSpec["sort"] = null;
  if (draft.sort === "viewBy") sort = { by: "viewBy", metric: 0, direction: draft.direction };
  else if (draft.sort.startsWith("metric:") && metrics.length > 0) {
    const metric = Math.min(Number(draft.sort.slice(7)) || 0, metrics.length - 1);
    sort = { by: "metric", metric, direction: draft.direction };
  }
  return {
    type: draft.type,
    metrics,
    viewBy,
    segmentBy: viewBy ? by(draft.segmentBy) : null,
    filters,
    sort: draft.type === "engagements" ? null : sort,
    limit,
  };
}

/** What the preview shows: nothing yet, a note on what is missing, data, engagements, or the API's error. */
export type Preview =
  | { kind: "idle"; note: string }
  | { kind: "loading" }
  | { kind: "data"; spec: VisualizationSpec; data: VisualizationData }
  | { kind: "engagements"; spec: VisualizationSpec }
  | { kind: "error"; problem: ProblemText };

/**
 * The editor of a new or custom visualization: the form, the metric and attribute catalogs it
 * offers, a live preview of the unsaved spec and saving.
 */
export const VisualizationEditorModel = createModel((initial: Visualization | null) => {
  const aborted = abortedOnDispose();
  const draft = signal<VisualizationDraft>(draftOf(initial));
  const metrics = signal<Metric[]>([]);
  const metricsError = signal<string | null>(null);
  const catalog = signal<AttributeCatalog>({ suggestions: ["Date"], dates: new Set(["date"]) });
  const preview = signal<Preview>({ kind: "loading" });
  const engagements = engagementList(aborted);
  const saving = signal(false);
  const saveError = signal<ProblemText | null>(null);
  const nameError = signal<string | null>(null);
  let generation = 0;

  allMetrics(aborted).then(
    (all) => {
      metrics.value = all;
    },
    (e: unknown) => {
      if (!isAbort(e)) metricsError.value = messageOf(e);
    },
  );
  attributeCatalog().then(
    (c) => {
      catalog.value = c;
    },
    () => {},
  );

  const metricById = computed(() => new Map(metrics.value.map((m) => [m.id, m])));
  const spec = computed(() => specOf(draft.value, catalog.value.dates));

  const runPreview = async (s: VisualizationSpec) => {
    const mine = ++generation;
    if (s.type !== "engagements" && s.metrics.length === 0) {
      preview.value = { kind: "idle", note: "Add a metric to see a preview." };
      return;
    }
    preview.value = { kind: "loading" };
    if (s.type === "engagements") {
      preview.value = { kind: "engagements", spec: s };
      void engagements.load({ filters: s.filters });
      return;
    }
    try {
      const data = await api.post<VisualizationData>("/visualizations/data", { spec: s }, { signal: aborted });
      if (mine === generation) preview.value = { kind: "data", spec: s, data };
    } catch (e) {
      if (!isAbort(e) && mine === generation) preview.value = { kind: "error", problem: problemOf(e) };
    }
  };

  // The preview follows the spec once typing pauses; the same spec is not asked for twice.
  let lastSent = "";
  effect(() => {
    const s = spec.value;
    const key = JSON.stringify(s);
    if (key === lastSent) return;
    const timer = setTimeout(() => {
      lastSent = key;
      void runPreview(s);
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  });

  const edit = (patch: Partial<VisualizationDraft>) => {
    draft.value = { ...draft.peek(), ...patch };
  };
  const editFilter = (index: number, patch: Partial<FilterDraft>) => {
    edit({ filters: draft.peek().filters.map((f, i) => (i === index ? { ...f, ...patch } : f)) });
  };

  return {
    draft: draft as ReadonlySignal<VisualizationDraft>,
    spec,
    metrics: metrics as ReadonlySignal<Metric[]>,
    metricById,
    metricsError: metricsError as ReadonlySignal<string | null>,
    catalog: catalog as ReadonlySignal<AttributeCatalog>,
    preview: preview as ReadonlySignal<Preview>,
    engagements,
    saving: saving as ReadonlySignal<boolean>,
    saveError: saveError as ReadonlySignal<ProblemText | null>,
    nameError: nameError as ReadonlySignal<string | null>,

    edit,
    editFilter,
    editBy(which: "viewBy" | "segmentBy", patch: Partial<ByDraft>) {
      edit({ [which]: { ...draft.peek()[which], ...patch } });
    },

    /** Adds the metric with this name (any case); false when there is none or it is shown already. */
    addMetric(name: string): boolean {
      const key = name.trim().toLowerCase();
      const metric = metrics.peek().find((m) => m.name.toLowerCase() === key || m.id === key);
      if (!metric || draft.peek().metrics.includes(metric.id)) return false;
      edit({ metrics: [...draft.peek().metrics, metric.id] });
      return true;
    },
    removeMetric(index: number) {
      const d = draft.peek();
      const sortIndex = d.sort.startsWith("metric:") ? Number(d.sort.slice(7)) : -1;
      const sort: VisualizationDraft["sort"] =
        sortIndex === index ? "" : sortIndex > index ? `metric:${sortIndex - 1}` : d.sort;
      edit({ metrics: d.metrics.filter((_, i) => i !== index), sort });
    },
    moveMetric(index: number, by: -1 | 1) {
      const list = [...draft.peek().metrics];
      const to = index + by;
      const a = list[index];
      const b = list[to];
      if (a === undefined || b === undefined) return;
      list[index] = b;
      list[to] = a;
      edit({ metrics: list });
    },

    addFilter() {
      edit({ filters: [...draft.peek().filters, { attribute: "", op: "in", values: "", from: "", to: "" }] });
    },
    removeFilter(index: number) {
      edit({ filters: draft.peek().filters.filter((_, i) => i !== index) });
    },
    /** Appends a value picked from the attribute's values to the filter's list. */
    addFilterValue(index: number, value: string) {
      const f = draft.peek().filters[index];
      if (!f) return;
      const values = splitValues(f.values);
      if (!values.includes(value)) editFilter(index, { values: [...values, value].join(", ") });
    },

    /** Where a click on a bold value of the preview goes: the engagements behind it, under the unsaved filters. */
    drillHref(request: DrillRequest): string {
      const p = preview.peek();
      if (p.kind !== "data") return "/engagements";
      return engagementsHref(
        { filters: p.spec.filters, ...drillQuery(p.spec, p.data, request) },
        drillTitle(draft.peek().name || "New visualization", p.data, request),
      );
    },

    /** Creates or updates it; resolves with the saved visualization, or null with the reason set. */
    async save(): Promise<Visualization | null> {
      const d = draft.peek();
      const name = d.name.trim();
      nameError.value = name ? null : "Enter a name.";
      saveError.value = null;
      if (!name) return null;
      saving.value = true;
      try {
        const body = { name, description: d.description.trim(), spec: spec.peek() };
        return initial
          ? await api.patch<Visualization>(`/visualizations/${initial.id}`, body)
          : await api.post<Visualization>("/visualizations", body);
      } catch (e) {
        saveError.value = problemOf(e);
        return null;
      } finally {
        saving.value = false;
      }
    },
  };
});
