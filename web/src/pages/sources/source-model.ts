import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Source } from "../../../../schemas/accounts";
import type { Batch } from "../../../../schemas/ingest";
import { api, isAbort, isNotFound, messageOf } from "../../api";
import { BATCH_POLL_MS, isTerminal } from "../../lib/batches";
import { abortedOnDispose, cursorList, type LoadState } from "../../lib/paged-list";
import { pollWhile } from "../../lib/poll";

/**
 * One source's page: the source and its batches, newest first. While any batch shown is still
 * running, the list is fetched again every two seconds; polling stops once all have ended.
 */
export const SourceModel = createModel((sourceId: string) => {
  const aborted = abortedOnDispose();
  const source = signal<Source | null>(null);
  const state = signal<LoadState | "missing">("loading");
  const error = signal<string | null>(null);
  const batches = cursorList<Batch>("/ingest/batches", {
    keyOf: (b) => b.batchId,
    pageSize: 20,
    query: { ingestionSourceId: sourceId },
  });
  const live = computed(() => batches.items.value.some((b) => !isTerminal(b.status)));
  const refreshing = signal(false);
  const refreshError = signal<string | null>(null);

  const loadSource = async () => {
    state.value = "loading";
    error.value = null;
    try {
      source.value = await api.get<Source>(`/sources/${sourceId}`, { signal: aborted });
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      state.value = isNotFound(e) ? "missing" : "error";
      error.value = messageOf(e);
    }
  };
  void loadSource();

  /** Fetches the newest batches again, then any running one that has slipped off the first page. */
  const refresh = async () => {
    try {
      const fresh = new Set((await batches.refresh()).map((b) => b.batchId));
      const behind = batches.items.peek().filter((b) => !isTerminal(b.status) && !fresh.has(b.batchId));
      for (const b of behind) batches.put(await api.get<Batch>(`/ingest/batches/${b.batchId}`, { signal: aborted }));
      refreshError.value = null;
    } catch (e) {
      if (isAbort(e)) return;
      refreshError.value = messageOf(e);
    }
  };
  pollWhile(live, BATCH_POLL_MS, refresh);

  return {
    sourceId: computed(() => sourceId),
    source: source as ReadonlySignal<Source | null>,
    /** Where loading the source stands; "missing" when there is no such source in this account. */
    state: state as ReadonlySignal<LoadState | "missing">,
    error: error as ReadonlySignal<string | null>,
    batches,
    /** Whether a batch shown is still running, so the list updates by itself. */
    live,
    refreshing: refreshing as ReadonlySignal<boolean>,
    /** Why the last update failed; the next one is tried all the same. */
    refreshError: refreshError as ReadonlySignal<string | null>,

    reloadSource: loadSource,

    /** Checks for new batches now (the list only updates by itself while one is running). */
    async refresh() {
      if (refreshing.peek()) return;
      refreshing.value = true;
      await refresh();
      refreshing.value = false;
    },
  };
});
