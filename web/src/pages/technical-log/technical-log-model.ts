import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Source } from "../../../../schemas/accounts";
import type { TechnicalLogEntry } from "../../../../schemas/ingest";
import type { LogFilters } from "../../lib/batches";
import { fromLocalInput, toLocalInput } from "../../lib/local-time";
import { abortedOnDispose, allPages, cursorList } from "../../lib/paged-list";

export type LogLevel = TechnicalLogEntry["level"];

/** Each level with the words people see, for the filter; keyed by the level so a new one cannot be forgotten. */
export const LEVEL_LABELS: Record<LogLevel, string> = { ERROR: "Errors", WARNING: "Warnings", INFO: "Info" };
export const LOG_LEVELS = Object.keys(LEVEL_LABELS) as LogLevel[];

/** The filter form as typed: times in the reader's own zone, as `<input type="datetime-local">` holds them. */
export interface FilterDraft {
  level: LogLevel | "";
  sourceId: string;
  batchId: string;
  from: string;
  to: string;
}

type DraftField = keyof FilterDraft;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The filters a URL's query asks for; unknown levels are ignored, the rest is left for the API to judge. */
export function filtersFromQuery(query: Record<string, string | undefined>): LogFilters {
  const level = LOG_LEVELS.find((l) => l === query.level?.toUpperCase());
  const pick = (name: string) => query[name]?.trim() || undefined;
  return { level, sourceId: pick("sourceId"), batchId: pick("batchId"), from: pick("from"), to: pick("to") };
}

function draftOf(filters: LogFilters): FilterDraft {
  return {
    level: filters.level ?? "",
    sourceId: filters.sourceId ?? "",
    batchId: filters.batchId ?? "",
    from: toLocalInput(filters.from),
    to: toLocalInput(filters.to),
  };
}

const sameFilters = (a: LogFilters, b: LogFilters) =>
  a.level === b.level && a.sourceId === b.sourceId && a.batchId === b.batchId && a.from === b.from && a.to === b.to;

/**
 * The Technical Log page: entries newest first for the filters in the URL, the filter form's
 * draft, and the sources to filter by. The URL is the truth: the page navigates on "Apply"
 * and calls `show` with what the new URL asks for.
 */
export const TechnicalLogModel = createModel((initial: LogFilters) => {
  const aborted = abortedOnDispose();
  const filters = signal<LogFilters>(initial);
  const list = cursorList<TechnicalLogEntry>("/technical-log", {
    keyOf: (e) => e.id,
    query: { ...initial },
  });
  const draft = signal<FilterDraft>(draftOf(initial));
  const draftErrors = signal<Partial<Record<DraftField, string>>>({});
  const sources = signal<Source[]>([]);

  const loadSources = async () => {
    try {
      sources.value = await allPages<Source>("/sources", aborted);
    } catch {
      // Only the source filter's options are missing; the log itself still works.
    }
  };
  void loadSources();

  return {
    list,
    /** The filters the entries shown match. */
    filters: filters as ReadonlySignal<LogFilters>,
    draft: draft as ReadonlySignal<FilterDraft>,
    draftErrors: draftErrors as ReadonlySignal<Partial<Record<DraftField, string>>>,
    sources: sources as ReadonlySignal<Source[]>,

    /** Shows the entries for `next` (from the URL), unless they are shown already. */
    show(next: LogFilters) {
      draft.value = draftOf(next);
      draftErrors.value = {};
      if (sameFilters(next, filters.peek())) return;
      filters.value = next;
      void list.setQuery({ ...next });
    },

    edit(patch: Partial<FilterDraft>) {
      draft.value = { ...draft.peek(), ...patch };
    },

    /** Checks the form and returns the filters it asks for, or null with the problems marked on its fields. */
    submit(): LogFilters | null {
      const d = draft.peek();
      const batchId = d.batchId.trim();
      const next: LogFilters = {
        level: d.level || undefined,
        sourceId: d.sourceId || undefined,
        batchId: batchId || undefined,
        from: fromLocalInput(d.from),
        to: fromLocalInput(d.to),
      };
      const errors: Partial<Record<DraftField, string>> = {};
      if (batchId && !UUID.test(batchId))
        errors.batchId = "Enter a whole batch ID, like 6f1c5b52-8f57-4a8b-9a41-0e0d3f1c9b27.";
      if (d.from && !next.from) errors.from = "Enter a date and time.";
      if (d.to && !next.to) errors.to = "Enter a date and time.";
      if (next.from && next.to && next.from > next.to) errors.to = "Choose a time after “From”.";
      draftErrors.value = errors;
      return Object.keys(errors).length > 0 ? null : next;
    },
  };
});
