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
 * Every item of a cursor-paged collection, page after page: for pickers over collections that
 * stay small (dashboards, visualizations, metrics, sources), which must still offer them all.
 */
export async function allPages<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: "200" });
    if (cursor) params.set("cursor", cursor);
    const page: Page<T> = await api.get<Page<T>>(`${path}${path.includes("?") ? "&" : "?"}${params}`, { signal });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Filters sent with every page of a list, such as `{ ingestionSourceId }`; empty values are left out. */
export type ListQuery = Record<string, string | undefined>;

interface CursorListOptions<T> {
  /** What tells two items apart, to skip one shown twice when pages shift. */
  keyOf: (item: T) => string;
  pageSize?: number;
  query?: ListQuery;
}

/**
 * One cursor-paged API collection: loads the first page when built, more on demand, takes in
 * items the page created or changed, and reloads when its filters change. Use inside a
 * `createModel` factory; `pagedList` is the short form for items with an `id`.
 */
export function cursorList<T>(path: string, { keyOf, pageSize = 50, query: initialQuery = {} }: CursorListOptions<T>) {
  const aborted = abortedOnDispose();
  const items = signal<T[]>([]);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);
  const nextCursor = signal<string | null>(null);
  const loadingMore = signal(false);
  const moreError = signal<string | null>(null);
  let query = initialQuery;
  // Bumped by each reload, so an answer to an older query is dropped rather than shown.
  let generation = 0;

  const fetchPage = (cursor: string | null) => {
    const params = new URLSearchParams({ limit: String(pageSize) });
    for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
    if (cursor) params.set("cursor", cursor);
    return api.get<Page<T>>(`${path}?${params}`, { signal: aborted });
  };

  /** Replaces the items already shown with their newer versions and puts unknown ones first, in order. */
  const merge = (fresh: T[]) => {
    const byKey = new Map(fresh.map((i) => [keyOf(i), i]));
    const list = items.peek();
    const known = new Set(list.map(keyOf));
    items.value = [...fresh.filter((i) => !known.has(keyOf(i))), ...list.map((i) => byKey.get(keyOf(i)) ?? i)];
  };

  const reload = async () => {
    const current = ++generation;
    state.value = "loading";
    error.value = null;
    moreError.value = null;
    loadingMore.value = false;
    try {
      const page = await fetchPage(null);
      if (current !== generation) return;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      state.value = "ready";
    } catch (e) {
      if (isAbort(e) || current !== generation) return;
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

    /** Shows the list for other filters, starting again from the first page. */
    setQuery(next: ListQuery) {
      query = next;
      return reload();
    },

    /** Appends the next page, skipping items already shown (one created meanwhile may shift pages). */
    async loadMore() {
      const cursor = nextCursor.peek();
      if (!cursor || loadingMore.peek()) return;
      const current = generation;
      loadingMore.value = true;
      moreError.value = null;
      try {
        const page = await fetchPage(cursor);
        if (current !== generation) return;
        const seen = new Set(items.peek().map(keyOf));
        items.value = [...items.peek(), ...page.items.filter((i) => !seen.has(keyOf(i)))];
        nextCursor.value = page.nextCursor;
      } catch (e) {
        if (isAbort(e) || current !== generation) return;
        moreError.value = messageOf(e);
      } finally {
        if (current === generation) loadingMore.value = false;
      }
    },

    /**
     * Fetches the first page again without clearing the list: items shown are updated in
     * place and new ones put first. Resolves with the page fetched; throws what the request threw.
     */
    async refresh(): Promise<T[]> {
      const current = generation;
      const page = await fetchPage(null);
      if (current === generation && state.peek() === "ready") merge(page.items);
      return page.items;
    },

    /** Replaces the item with the same key, or puts a new one first (lists are newest first). */
    put(item: T) {
      merge([item]);
    },
  };
}

/** A cursor-paged collection of items with an `id` (`/users`, `/api-keys`, `/sources`). */
export function pagedList<T extends { id: string }>(path: string, pageSize = 50) {
  return cursorList<T>(path, { keyOf: (item) => item.id, pageSize });
}

/** The list part of a page model, for components that render any paged list. */
export type PagedList<T> = ReturnType<typeof cursorList<T>>;

/** How long typing pauses before a list's search is sent. */
const SEARCH_DELAY_MS = 250;

/**
 * A cursor-paged list with a name search (sent as `q` once typing pauses) and one choice
 * filter sent as `filterParam`, as the catalog pages have. Use inside a `createModel` factory.
 */
export function searchableList<T, F extends string>(path: string, keyOf: (item: T) => string, filterParam: string) {
  const search = signal("");
  const filter = signal<F | "">("");
  const list = cursorList<T>(path, { keyOf, pageSize: 50 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  effect(() => () => clearTimeout(timer));
  const apply = () =>
    list.setQuery({ q: search.peek().trim() || undefined, [filterParam]: filter.peek() || undefined });
  return {
    list,
    search: search as ReadonlySignal<string>,
    filter: filter as ReadonlySignal<F | "">,
    setSearch(q: string) {
      search.value = q;
      clearTimeout(timer);
      timer = setTimeout(() => void apply(), SEARCH_DELAY_MS);
    },
    setFilter(value: F | "") {
      filter.value = value;
      void apply();
    },
  };
}
