import { computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { ExportDataset, ExportJob, ExportStarted, ExportStatusValue } from "../../../../schemas/export";
import { ApiError, api, isAbort, messageOf } from "../../api";
import type { BadgeTone } from "../../components/badge/badge";
import { formatDuration } from "../../lib/format";
import { fromLocalInput, toLocalInput } from "../../lib/local-time";
import { abortedOnDispose, cursorList } from "../../lib/paged-list";
import { pollWhile } from "../../lib/poll";

/** Each data set with the name people see, in file order; keyed by the data set so a new one cannot be forgotten. */
export const DATASET_LABELS: Record<ExportDataset, string> = {
  engagement: "Engagements",
  customer: "Customers",
  turn: "Turns",
  review: "Reviews",
  agent: "Agents",
};
export const DATASET_OPTIONS = Object.keys(DATASET_LABELS) as ExportDataset[];

/** What each data set's file holds, beside its checkbox. */
export const DATASET_HELP: Record<ExportDataset, string> = {
  engagement: "engagements.csv: each engagement that started in the range, with its AI scores.",
  customer: "customers.csv: the customers of those engagements.",
  turn: "turns.csv: the turns of those engagements, with their text.",
  review: "reviews.csv: the reviews of those engagements.",
  agent: "agents.csv: the agents of those engagements.",
};

export const EXPORT_STATUS_LABELS: Record<ExportStatusValue, string> = {
  PROCESSING: "Processing",
  COMPLETED: "Completed",
  FAILED: "Failed",
};

export const EXPORT_STATUS_TONES: Record<ExportStatusValue, BadgeTone> = {
  PROCESSING: "info",
  COMPLETED: "success",
  FAILED: "danger",
};

/** How often the page asks again while an export is running. */
export const EXPORT_POLL_MS = 2000;

/** The longest range one export may cover; the API refuses longer ones too (INVALID_DATE_RANGE). */
const MAX_RANGE_MS = 24 * 60 * 60 * 1000;

/**
 * Download links work for one hour from when the API minted them. A job read longer ago than
 * this is read again before its link is followed, so a page left open never offers a dead link.
 */
const LINK_FRESH_MS = 45 * 60 * 1000;

/** The form as typed: times in the reader's own zone, as `<input type="datetime-local">` holds them. */
export interface ExportDraft {
  from: string;
  to: string;
  include: readonly ExportDataset[];
  contact: string;
}

type DraftField = "from" | "to" | "include" | "contact";

/** Where the typed range stands, for the line under the time inputs. */
export type RangeCheck =
  | { kind: "incomplete" }
  | { kind: "reversed" }
  | { kind: "too-long"; length: string }
  | { kind: "ok"; length: string };

/**
 * Yesterday 00:00 to today 00:00 in the reader's zone; on the day the clocks went back that is
 * 25 hours, so it starts an hour later to stay within 24.
 */
export function defaultRange(now = new Date()): { from: string; to: string } {
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  const start = Math.max(from.getTime(), to.getTime() - MAX_RANGE_MS);
  return { from: toLocalInput(new Date(start).toISOString()), to: toLocalInput(to.toISOString()) };
}

function checkRange(from: string | undefined, to: string | undefined): RangeCheck {
  if (!from || !to) return { kind: "incomplete" };
  const ms = Date.parse(to) - Date.parse(from);
  if (ms <= 0) return { kind: "reversed" };
  const length = formatDuration(from, to);
  return ms > MAX_RANGE_MS ? { kind: "too-long", length } : { kind: "ok", length };
}

/** "Try again in 3 minutes." from a `Retry-After` in seconds. */
function retryHint(seconds: number | null): string {
  if (!seconds) return "";
  if (seconds < 90) return ` Try again in ${seconds} seconds.`;
  return ` Try again in ${Math.ceil(seconds / 60)} minutes.`;
}

/** Which field a start error of the Export API is about, and what the field itself says. */
function fieldOfError(error: unknown): Partial<Record<DraftField, string>> {
  if (!(error instanceof ApiError)) return {};
  switch (error.code) {
    case "INVALID_DATE": {
      const parameter = (error.details as { parameter?: unknown } | undefined)?.parameter;
      return { [parameter === "to" ? "to" : "from"]: "Enter a date and time." };
    }
    case "INVALID_DATE_RANGE":
      return { to: "Choose a range of at most 24 hours." };
    case "INVALID_INCLUDE":
    case "EMPTY_INCLUDE":
      return { include: "Choose the data sets again." };
    case "CONTACT_NOT_FOUND":
    case "NO_CUSTOMERS_FOR_CONTACT":
      return { contact: "Check the e-mail address or phone number, or leave it empty." };
    default:
      return {};
  }
}

/**
 * The Exports page: the form that starts an export and the account's exports, newest first.
 * While any export shown is processing, the list is fetched again every two seconds; polling
 * stops once all have ended and when the page is left.
 */
export const ExportsModel = createModel(() => {
  const aborted = abortedOnDispose();
  const jobs = cursorList<ExportJob>("/exports", { keyOf: (j) => j.exportId, pageSize: 20 });
  const live = computed(() => jobs.items.value.some((j) => j.status === "PROCESSING"));
  const refreshing = signal(false);
  const refreshError = signal<string | null>(null);
  const rowErrors = signal<Record<string, string>>({});

  // When each job object arrived; a newer read of the job is a new object with fresh links.
  const readAt = new WeakMap<ExportJob, number>();
  effect(() => {
    const now = Date.now();
    for (const job of jobs.items.value) if (!readAt.has(job)) readAt.set(job, now);
  });

  const draft = signal<ExportDraft>({ ...defaultRange(), include: DATASET_OPTIONS, contact: "" });
  const range = computed(() => checkRange(fromLocalInput(draft.value.from), fromLocalInput(draft.value.to)));
  const fieldErrors = signal<Partial<Record<DraftField, string>>>({});
  const formErrors = signal<string[]>([]);
  const starting = signal(false);
  const notice = signal<string | null>(null);

  /** Fetches the newest exports again, then any processing one that has slipped off the first page. */
  const refresh = async () => {
    try {
      const fresh = new Set((await jobs.refresh()).map((j) => j.exportId));
      const behind = jobs.items.peek().filter((j) => j.status === "PROCESSING" && !fresh.has(j.exportId));
      for (const j of behind) jobs.put(await api.get<ExportJob>(`/exports/${j.exportId}`, { signal: aborted }));
      refreshError.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      refreshError.value = messageOf(e);
    }
  };
  pollWhile(live, EXPORT_POLL_MS, refresh);

  /** Checks the form; returns the API's query, or null with the problems set. */
  const check = (): URLSearchParams | null => {
    const d = draft.peek();
    const from = fromLocalInput(d.from);
    const to = fromLocalInput(d.to);
    const fields: Partial<Record<DraftField, string>> = {};
    const messages: string[] = [];
    if (!from) fields.from = "Enter a date and time.";
    if (!to) fields.to = "Enter a date and time.";
    if (!from || !to) messages.push("Enter both ends of the range.");
    const r = checkRange(from, to);
    if (r.kind === "reversed") {
      fields.to = "Choose a time after “From”.";
      messages.push("The range ends before it starts: choose a “To” after “From”.");
    } else if (r.kind === "too-long") {
      fields.to = "Choose a range of at most 24 hours.";
      messages.push(
        `The range is ${r.length} long, but an export covers at most 24 hours. Export longer periods one day at a time.`,
      );
    }
    if (d.include.length === 0) {
      fields.include = "Choose at least one data set.";
      messages.push("Choose at least one data set to export.");
    }
    fieldErrors.value = fields;
    formErrors.value = messages;
    if (messages.length > 0 || !from || !to) return null;
    const query = new URLSearchParams({ from, to, include: d.include.join(",") });
    const contact = d.contact.trim();
    if (contact) query.set("contact", contact);
    return query;
  };

  return {
    /** The account's exports, newest first. */
    jobs,
    /** Whether an export shown is still processing, so the list updates by itself. */
    live,
    refreshing: refreshing as ReadonlySignal<boolean>,
    /** Why the last update failed; the next one is tried all the same. */
    refreshError: refreshError as ReadonlySignal<string | null>,
    /** Why a fresh download link could not be read, by export. */
    rowErrors: rowErrors as ReadonlySignal<Record<string, string>>,
    draft: draft as ReadonlySignal<ExportDraft>,
    /** The typed range's length and whether it may be exported. */
    range,
    fieldErrors: fieldErrors as ReadonlySignal<Partial<Record<DraftField, string>>>,
    /** What stops the export from starting, from the form's own checks or the API. */
    formErrors: formErrors as ReadonlySignal<string[]>,
    starting: starting as ReadonlySignal<boolean>,
    notice: notice as ReadonlySignal<string | null>,

    edit(patch: Partial<Omit<ExportDraft, "include">>) {
      draft.value = { ...draft.peek(), ...patch };
    },
    toggleDataset(dataset: ExportDataset, on: boolean) {
      const rest = draft.peek().include.filter((d) => d !== dataset);
      const include = on ? DATASET_OPTIONS.filter((d) => d === dataset || rest.includes(d)) : rest;
      draft.value = { ...draft.peek(), include };
      if (include.length > 0 && fieldErrors.peek().include) {
        const { include: _, ...others } = fieldErrors.peek();
        fieldErrors.value = others;
      }
    },

    /** Starts the export the form describes and puts it first in the list; false when it did not start. */
    async start(): Promise<boolean> {
      const query = check();
      if (!query) return false;
      starting.value = true;
      notice.value = null;
      try {
        const { exportId } = await api.post<ExportStarted>(`/export?${query}`);
        notice.value = "The export started. It is listed first below and updates as it runs.";
        try {
          jobs.put(await api.get<ExportJob>(`/exports/${exportId}`, { signal: aborted }));
        } catch (e) {
          if (!isAbort(e)) await refresh();
        }
        return true;
      } catch (e) {
        fieldErrors.value = fieldOfError(e);
        formErrors.value = [messageOf(e) + (e instanceof ApiError && e.status === 429 ? retryHint(e.retryAfter) : "")];
        return false;
      } finally {
        starting.value = false;
      }
    },

    /** Checks for new exports now (the list only updates by itself while one is processing). */
    async refresh() {
      if (refreshing.peek()) return;
      refreshing.value = true;
      await refresh();
      refreshing.value = false;
    },

    /** Whether the job's download links were read recently enough to follow as they are. */
    linksFresh(job: ExportJob): boolean {
      return Date.now() - (readAt.get(job) ?? 0) < LINK_FRESH_MS;
    },

    /** Reads the job again for a fresh link to `dataset`'s file and follows it. */
    async download(job: ExportJob, dataset: ExportDataset) {
      const { [job.exportId]: _, ...rest } = rowErrors.peek();
      rowErrors.value = rest;
      try {
        const fresh = await api.get<ExportJob>(`/exports/${job.exportId}`, { signal: aborted });
        jobs.put(fresh);
        const url = fresh.files.find((f) => f.dataset === dataset)?.downloadUrl;
        if (url) location.assign(url);
        else rowErrors.value = { ...rowErrors.peek(), [job.exportId]: "This file cannot be downloaded any more." };
      } catch (e) {
        if (isAbort(e)) return;
        rowErrors.value = { ...rowErrors.peek(), [job.exportId]: messageOf(e) };
      }
    },
  };
});
