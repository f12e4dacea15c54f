import type { Batch, BatchFile, BatchStatus, TechnicalLogEntry } from "../../../schemas/ingest";
import type { BadgeTone } from "../components/badge/badge";

/** Each batch status with the words people see; keyed by the status so a new one cannot be forgotten. */
export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  UPLOADING: "Uploading",
  QUEUED: "Queued",
  PROCESSING: "Processing",
  COMPLETED: "Completed",
  COMPLETED_WITH_ERRORS: "Completed with errors",
  FAILED: "Failed",
};

export const BATCH_STATUS_TONES: Record<BatchStatus, BadgeTone> = {
  UPLOADING: "info",
  QUEUED: "neutral",
  PROCESSING: "info",
  COMPLETED: "success",
  COMPLETED_WITH_ERRORS: "warning",
  FAILED: "danger",
};

type FileStatus = BatchFile["status"];

export const FILE_STATUS_LABELS: Record<FileStatus, string> = {
  PROCESSING: "Processing",
  DONE: "Done",
  SKIPPED: "Skipped",
  REJECTED: "Rejected",
};

export const FILE_STATUS_TONES: Record<FileStatus, BadgeTone> = {
  PROCESSING: "info",
  DONE: "success",
  SKIPPED: "neutral",
  REJECTED: "danger",
};

/** How often a page showing a running batch asks for it again. */
export const BATCH_POLL_MS = 2000;

/** Whether a batch has ended (completed, with or without errors, or failed) and will not change. */
export function isTerminal(status: BatchStatus): boolean {
  return status === "COMPLETED" || status === "COMPLETED_WITH_ERRORS" || status === "FAILED";
}

/** The app's own address of a batch. */
export function batchHref(batch: Pick<Batch, "batchId">): string {
  return `/ingest/batches/${batch.batchId}`;
}

/** What the Technical Log page filters by; each is reflected in its URL. */
export interface LogFilters {
  level?: TechnicalLogEntry["level"];
  sourceId?: string;
  batchId?: string;
  /** UTC, to the second: 2024-01-01T00:00:00Z. */
  from?: string;
  to?: string;
}

const FILTER_NAMES = ["level", "sourceId", "batchId", "from", "to"] as const;

/** The Technical Log's address for `filters`: `/technical-log?batchId=…&level=ERROR`. */
export function technicalLogHref(filters: LogFilters = {}): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  // Colons are fine in a query; left unescaped, the times stay readable in the address bar.
  const search = params.toString().replaceAll("%3A", ":");
  return search ? `/technical-log?${search}` : "/technical-log";
}
