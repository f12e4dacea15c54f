import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Source } from "../../../../schemas/accounts";
import type { Batch } from "../../../../schemas/ingest";
import { api, isAbort, isNotFound, messageOf } from "../../api";
import { BATCH_POLL_MS, isTerminal } from "../../lib/batches";
import { abortedOnDispose, type LoadState } from "../../lib/paged-list";
import { pollWhile } from "../../lib/poll";

/** One batch's page: its status and per-file counts, fetched again every two seconds until it ends. */
export const BatchModel = createModel((batchId: string) => {
  const aborted = abortedOnDispose();
  const batch = signal<Batch | null>(null);
  const state = signal<LoadState | "missing">("loading");
  const error = signal<string | null>(null);
  const refreshError = signal<string | null>(null);
  const source = signal<Source | null>(null);
  const live = computed(() => batch.value !== null && !isTerminal(batch.value.status));

  const fetchBatch = () => api.get<Batch>(`/ingest/batches/${batchId}`, { signal: aborted });

  // The source only names the batch's origin; the page works without it.
  const loadSource = async (id: string) => {
    try {
      source.value = await api.get<Source>(`/sources/${id}`, { signal: aborted });
    } catch {
      source.value = null;
    }
  };

  const load = async () => {
    state.value = "loading";
    error.value = null;
    try {
      const loaded = await fetchBatch();
      batch.value = loaded;
      state.value = "ready";
      void loadSource(loaded.ingestionSourceId);
    } catch (e) {
      if (isAbort(e)) return;
      state.value = isNotFound(e) ? "missing" : "error";
      error.value = messageOf(e);
    }
  };
  void load();

  pollWhile(live, BATCH_POLL_MS, async () => {
    try {
      batch.value = await fetchBatch();
      refreshError.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      refreshError.value = messageOf(e);
    }
  });

  return {
    batchId: computed(() => batchId),
    batch: batch as ReadonlySignal<Batch | null>,
    /** Where loading stands; "missing" when the account has no such batch. */
    state: state as ReadonlySignal<LoadState | "missing">,
    error: error as ReadonlySignal<string | null>,
    /** Why the last update of a running batch failed; the next one is tried all the same. */
    refreshError: refreshError as ReadonlySignal<string | null>,
    /** The source the batch came from, once known. */
    source: source as ReadonlySignal<Source | null>,
    /** Whether the batch is still running, so the page updates by itself. */
    live,
    reload: load,
  };
});
