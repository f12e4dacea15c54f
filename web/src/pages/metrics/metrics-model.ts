import { computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { EvaluateResult, Metric, MetricFormat } from "../../../../schemas/analytics";
import { ApiError, api, isAbort, isNotFound, messageOf } from "../../api";
import { allMetrics, attributeCatalog } from "../../lib/analytics";
import { abortedOnDispose, cursorList } from "../../lib/paged-list";

export const FORMAT_LABELS: Record<MetricFormat, string> = {
  number: "Number",
  percent: "Percent (0.25 shows as 25 %)",
  duration: "Duration (seconds)",
  currency: "Currency",
};
export const FORMAT_OPTIONS = Object.keys(FORMAT_LABELS) as MetricFormat[];

type By = { attribute: string; granularity?: "hour" | "day" | "week" | "month" };

/** What the editor's preview can split the value by. */
export const PREVIEW_BY: { key: string; label: string; by: By[] }[] = [
  { key: "", label: "Nothing (one value)", by: [] },
  { key: "day", label: "Date by day", by: [{ attribute: "Date", granularity: "day" }] },
  { key: "month", label: "Date by month", by: [{ attribute: "Date", granularity: "month" }] },
  { key: "queue", label: "Engagement ⏵ Queue", by: [{ attribute: "Engagement ⏵ Queue" }] },
  { key: "channelType", label: "Engagement ⏵ Channel Type", by: [{ attribute: "Engagement ⏵ Channel Type" }] },
  { key: "agent", label: "Engagement ⏵ Agent", by: [{ attribute: "Engagement ⏵ Agent" }] },
];

export const PREVIEW_DELAY_MS = 400;
const SEARCH_DELAY_MS = 250;

/** An API error as the metric pages show it; `line` and `column` when the definition is at fault. */
export interface MetricProblem {
  code: string;
  message: string;
  line?: number;
  column?: number;
  /** Field-by-field messages of VALIDATION_FAILED, keyed by field ("name"). */
  fields: Record<string, string>;
}

export function metricProblemOf(error: unknown): MetricProblem {
  if (!(error instanceof ApiError)) return { code: "", message: messageOf(error), fields: {} };
  const details = error.details as
    | { line?: unknown; column?: unknown; issues?: { path?: unknown; message?: unknown }[] }
    | undefined;
  const fields: Record<string, string> = {};
  for (const issue of details?.issues ?? []) {
    if (typeof issue.path === "string" && typeof issue.message === "string" && !(issue.path in fields)) {
      fields[issue.path] = issue.message;
    }
  }
  return {
    code: error.code,
    message: error.message,
    line: typeof details?.line === "number" ? details.line : undefined,
    column: typeof details?.column === "number" ? details.column : undefined,
    fields,
  };
}

/** The offset of a 1-based line and column in `text`, for moving the caret to an error. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += (lines[i]?.length ?? 0) + 1;
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** How a definition references a metric: by its name, or `{Name}` when the name needs quoting. */
export function metricReference(name: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} _%.'-]*$/u.test(name) ? name : `{${name}}`;
}

/** The metric list on the left, searchable by name. */
export const MetricLibraryModel = createModel(() => {
  const search = signal("");
  const metrics = cursorList<Metric>("/metrics", { keyOf: (m) => m.id, pageSize: 100 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  effect(() => () => clearTimeout(timer));
  return {
    search: search as ReadonlySignal<string>,
    metrics,
    setSearch(q: string) {
      search.value = q;
      clearTimeout(timer);
      timer = setTimeout(() => void metrics.setQuery({ q: q.trim() || undefined }), SEARCH_DELAY_MS);
    },
    /** Reloads the list after a metric was created, renamed or deleted (it is ordered by name). */
    refresh() {
      void metrics.reload();
    },
  };
});

type ValueState =
  | { kind: "loading" }
  | { kind: "ready"; value: number | null }
  | { kind: "error"; problem: MetricProblem };

/** One metric as it is viewed: its definition and its value on all of the account's data. */
export const MetricModel = createModel((id: string) => {
  const aborted = abortedOnDispose();
  const metric = signal<Metric | null>(null);
  const state = signal<"loading" | "ready" | "missing" | "error">("loading");
  const error = signal<string | null>(null);
  const value = signal<ValueState>({ kind: "loading" });
  const deleting = signal(false);
  const deleteError = signal<MetricProblem | null>(null);

  const evaluate = async () => {
    value.value = { kind: "loading" };
    try {
      const result = await api.post<EvaluateResult>("/metrics/evaluate", { metricId: id }, { signal: aborted });
      value.value = { kind: "ready", value: result.rows[0]?.value ?? null };
    } catch (e) {
      if (!isAbort(e)) value.value = { kind: "error", problem: metricProblemOf(e) };
    }
  };

  const load = async () => {
    state.value = "loading";
    try {
      metric.value = await api.get<Metric>(`/metrics/${id}`, { signal: aborted });
      state.value = "ready";
      void evaluate();
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = isNotFound(e) ? "missing" : "error";
    }
  };
  void load();

  return {
    metric: metric as ReadonlySignal<Metric | null>,
    state: state as ReadonlySignal<"loading" | "ready" | "missing" | "error">,
    error: error as ReadonlySignal<string | null>,
    value: value as ReadonlySignal<ValueState>,
    deleting: deleting as ReadonlySignal<boolean>,
    deleteError: deleteError as ReadonlySignal<MetricProblem | null>,
    load,

    /** Takes in the metric as the editor saved it and evaluates it again. */
    replace(saved: Metric) {
      metric.value = saved;
      void evaluate();
    },

    /** Deletes it; false when the API refused (METRIC_IN_USE), with the reason in `deleteError`. */
    async remove(): Promise<boolean> {
      if (deleting.peek()) return false;
      deleting.value = true;
      deleteError.value = null;
      try {
        await api.delete(`/metrics/${id}`);
        return true;
      } catch (e) {
        deleteError.value = metricProblemOf(e);
        return false;
      } finally {
        deleting.value = false;
      }
    },
  };
});

export interface MetricDraft {
  name: string;
  description: string;
  format: MetricFormat;
  definition: string;
}

/** What the live preview shows. */
export type MetricPreview =
  | { kind: "idle" }
  | { kind: "loading" }
  | { kind: "ready"; result: EvaluateResult; by: string; format: MetricFormat }
  | { kind: "error"; problem: MetricProblem; definition: string };

/**
 * The metric editor: a new metric (maybe a copy of another) or a custom one, with a live
 * evaluation of the definition as typed (debounced), optionally split by one attribute.
 */
export const MetricEditorModel = createModel((editing: Metric | null, start: MetricDraft) => {
  const aborted = abortedOnDispose();
  const draft = signal<MetricDraft>(start);
  const previewBy = signal("");
  const preview = signal<MetricPreview>({ kind: "idle" });
  const saving = signal(false);
  const saveError = signal<MetricProblem | null>(null);
  const nameError = signal<string | null>(null);
  const attributes = signal<string[]>([]);
  const metricNames = signal<string[]>([]);
  let generation = 0;

  attributeCatalog().then(
    (c) => {
      attributes.value = c.suggestions;
    },
    () => {},
  );
  allMetrics(aborted).then(
    (all) => {
      metricNames.value = all.filter((m) => m.id !== editing?.id).map((m) => m.name);
    },
    () => {},
  );

  const request = computed(() => ({
    definition: draft.value.definition,
    format: draft.value.format,
    by: previewBy.value,
  }));

  const run = async ({ definition, format, by }: { definition: string; format: MetricFormat; by: string }) => {
    const mine = ++generation;
    if (!definition.trim()) {
      preview.value = { kind: "idle" };
      return;
    }
    preview.value = { kind: "loading" };
    const context = { filters: [], by: PREVIEW_BY.find((p) => p.key === by)?.by ?? [] };
    try {
      const result = await api.post<EvaluateResult>(
        "/metrics/evaluate",
        { definition, ...(editing ? { metricId: editing.id } : {}), context },
        { signal: aborted },
      );
      if (mine === generation) preview.value = { kind: "ready", result, by, format };
    } catch (e) {
      if (!isAbort(e) && mine === generation) {
        preview.value = { kind: "error", problem: metricProblemOf(e), definition };
      }
    }
  };

  // Re-evaluates once typing pauses; a format change alone only changes how values read.
  let lastKey = "";
  effect(() => {
    const r = request.value;
    const key = `${r.by}\n${r.definition}`;
    if (key === lastKey) {
      const p = preview.peek();
      if (p.kind === "ready" && p.format !== r.format) preview.value = { ...p, format: r.format };
      return;
    }
    const timer = setTimeout(
      () => {
        lastKey = key;
        void run(r);
      },
      lastKey === "" ? 0 : PREVIEW_DELAY_MS,
    );
    return () => clearTimeout(timer);
  });

  return {
    draft: draft as ReadonlySignal<MetricDraft>,
    previewBy: previewBy as ReadonlySignal<string>,
    preview: preview as ReadonlySignal<MetricPreview>,
    saving: saving as ReadonlySignal<boolean>,
    saveError: saveError as ReadonlySignal<MetricProblem | null>,
    nameError: nameError as ReadonlySignal<string | null>,
    /** Attributes to insert into the definition, from the logical model. */
    attributes: attributes as ReadonlySignal<string[]>,
    /** Names of the other metrics, to reference in the definition. */
    metricNames: metricNames as ReadonlySignal<string[]>,

    edit(patch: Partial<MetricDraft>) {
      draft.value = { ...draft.peek(), ...patch };
    },
    setPreviewBy(key: string) {
      previewBy.value = key;
    },

    /** Creates or updates the metric; resolves with it, or null with the reason set. */
    async save(): Promise<Metric | null> {
      const d = draft.peek();
      const name = d.name.trim();
      nameError.value = name ? null : "Enter a name.";
      saveError.value = null;
      if (!name) return null;
      if (!d.definition.trim()) {
        saveError.value = { code: "", message: "Write a definition.", fields: {} };
        return null;
      }
      saving.value = true;
      try {
        const body = { name, description: d.description.trim(), format: d.format, definition: d.definition };
        return editing
          ? await api.patch<Metric>(`/metrics/${editing.id}`, body)
          : await api.post<Metric>("/metrics", body);
      } catch (e) {
        const problem = metricProblemOf(e);
        if (["DUPLICATE_METRIC_NAME", "BUILT_IN_METRIC_NAME"].includes(problem.code)) nameError.value = problem.message;
        else if (problem.fields.name) nameError.value = problem.fields.name;
        saveError.value = problem;
        return null;
      } finally {
        saving.value = false;
      }
    },
  };
});

/** A blank metric, or `source` copied under a new name. */
export function draftFrom(source: Metric | null, copy: boolean): MetricDraft {
  if (!source) return { name: "", description: "", format: "number", definition: "SELECT COUNT(Engagement)" };
  return {
    name: copy ? `${source.name} (copy)`.slice(0, 100) : source.name,
    description: source.description,
    format: source.format,
    definition: source.definition,
  };
}
