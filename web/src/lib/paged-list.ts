import { effect, type ReadonlySignal, signal } from "@preact/signals";
import type { Page } from "../../../schemas/common";
import { api, isAbort, messageOf } from "../api";

/** How far a list has loaded: its first page is on the way, in, or failed. */
export type LoadState = "loading" | "ready" | "error";

/**
 * An AbortSignal that fires when the model being built is disposed, so a page left
 * mid-request does not write into a dead model. Call it inside a `createModel` factory.
 */
export function abortedOnDispose(): AbortSignal {
  const controller = new AbortController();
  effect(() => () => controller.abort());
  return controller.signal;
}

/**
 * One cursor-paged API collection (`/users`, `/api-keys`, `/sources`): loads the first page
 * when built, more on demand, and takes in items the page created or changed. Use inside a
 * `createModel` factory.
 */
export function pagedList<T extends { id: string }>(path: string, pageSize = 50) {
  const aborted = abortedOnDispose();
  const items = signal<T[]>([]);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);
  const nextCursor = signal<string | null>(null);
  const loadingMore = signal(false);
  const moreError = signal<string | null>(null);

  const fetchPage = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor) query.set("cursor", cursor);
    return api.get<Page<T>>(`${path}?${query}`, { signal: aborted });
  };

  const reload = async () => {
    state.value = "loading";
    error.value = null;
    moreError.value = null;
    try {
      const page = await fetchPage(null);
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = "error";
    }
  };
  void reload();

  return {
    items: items as ReadonlySignal<T[]>,
    state: state as ReadonlySignal<LoadState>,
    /** Why the first page failed. */
    error: error as ReadonlySignal<string | null>,
    nextCursor: nextCursor as ReadonlySignal<string | null>,
    loadingMore: loadingMore as ReadonlySignal<boolean>,
    /** Why the last "load more" failed. */
    moreError: moreError as ReadonlySignal<string | null>,

    reload,

    /** Appends the next page, skipping items already shown (one created meanwhile may shift pages). */
    async loadMore() {
      const cursor = nextCursor.peek();
      if (!cursor || loadingMore.peek()) return;
      loadingMore.value = true;
      moreError.value = null;
      try {
        const page = await fetchPage(cursor);
        const seen = new Set(items.peek().map((i) => i.id));
        items.value = [...items.peek(), ...page.items.filter((i) => !seen.has(i.id))];
        nextCursor.value = page.nextCursor;
      } catch (e) {
        if (isAbort(e)) return;
        moreError.value = messageOf(e);
      } finally {
        loadingMore.value = false;
      }
    },

    /** Replaces the item with the same id, or puts a new one first (lists are newest first). */
    put(item: T) {
      const list = items.peek();
      items.value = list.some((i) => i.id === item.id)
        ? list.map((i) => (i.id === item.id ? item : i))
        : [item, ...list];
    },
  };
}

/** The list part of a page model, for components that render any paged list. */
export type PagedList<T extends { id: string }> = ReturnType<typeof pagedList<T>>;
