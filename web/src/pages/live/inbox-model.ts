import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Page } from "../../../../schemas/common";
import { api, isAbort, messageOf } from "../../api";
import { liveSocket } from "../../lib/live-socket";
import { abortedOnDispose } from "../../lib/paged-list";
import { session } from "../../session";
import type { InboxFrame, InboxItem, InboxSectionId } from "./live-types";

/** Items a section loads at a time. */
const PAGE = 20;
/** The API's largest page: a refresh fetches everything shown so far in one request, up to this. */
const MAX_PAGE = 100;
/** How long a burst of inbox changes is gathered before the sections are fetched again. */
const REFRESH_DELAY_MS = 250;

export const SECTION_TITLES: Record<InboxSectionId, string> = {
  mine: "My conversations",
  helpNeeded: "Help needed",
  recentlyLeft: "Recently left",
  all: "All live conversations",
};

const SECTION_EMPTY: Record<InboxSectionId, string> = {
  mine: "You have not joined any conversation.",
  helpNeeded: "No conversation needs help.",
  recentlyLeft: "You left no conversation in the last 24 hours.",
  all: "No conversation is in progress.",
};

export const sectionEmpty = (id: InboxSectionId) => SECTION_EMPTY[id];

/** One inbox section: its items, paged with "Show more", refreshed in place when the inbox changes. */
function inboxSection(id: InboxSectionId, aborted: AbortSignal) {
  const items = signal<InboxItem[]>([]);
  const nextCursor = signal<string | null>(null);
  const state = signal<"loading" | "ready" | "error">("loading");
  const error = signal<string | null>(null);
  const loadingMore = signal(false);
  const moreError = signal<string | null>(null);
  // Bumped by each refresh, so an older answer arriving late is dropped.
  let generation = 0;

  const fetchPage = (limit: number, cursor: string | null) => {
    const params = new URLSearchParams({ section: id, limit: String(limit) });
    if (cursor) params.set("cursor", cursor);
    return api.get<Page<InboxItem>>(`/live/inbox?${params}`, { signal: aborted });
  };

  /** Fetches as many items as are shown from the top again, so moved and finished conversations leave. */
  const refresh = async () => {
    const current = ++generation;
    const limit = Math.min(MAX_PAGE, Math.max(PAGE, items.peek().length));
    try {
      const page = await fetchPage(limit, null);
      if (current !== generation) return;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      state.value = "ready";
      error.value = null;
    } catch (e) {
      if (isAbort(e) || current !== generation) return;
      error.value = messageOf(e);
      if (state.peek() === "loading") state.value = "error";
    }
  };

  return {
    id,
    title: SECTION_TITLES[id],
    items: items as ReadonlySignal<InboxItem[]>,
    nextCursor: nextCursor as ReadonlySignal<string | null>,
    state: state as ReadonlySignal<"loading" | "ready" | "error">,
    /** Why the last fetch failed (the items shown stay). */
    error: error as ReadonlySignal<string | null>,
    loadingMore: loadingMore as ReadonlySignal<boolean>,
    moreError: moreError as ReadonlySignal<string | null>,
    refresh,

    async loadMore() {
      const cursor = nextCursor.peek();
      if (!cursor || loadingMore.peek()) return;
      const current = generation;
      loadingMore.value = true;
      moreError.value = null;
      try {
        const page = await fetchPage(PAGE, cursor);
        if (current !== generation) return;
        const seen = new Set(items.peek().map((i) => i.conversationPid));
        items.value = [...items.peek(), ...page.items.filter((i) => !seen.has(i.conversationPid))];
        nextCursor.value = page.nextCursor;
      } catch (e) {
        if (!isAbort(e)) moreError.value = messageOf(e);
      } finally {
        loadingMore.value = false;
      }
    },
  };
}

export type InboxSection = ReturnType<typeof inboxSection>;

/**
 * The live inbox: My conversations, Help needed, Recently left and (with
 * `liveConversations.viewAll`) All live conversations, kept current through the inbox socket.
 */
export const InboxModel = createModel(() => {
  const aborted = abortedOnDispose();
  const ids: InboxSectionId[] = ["mine", "helpNeeded", "recentlyLeft"];
  if (session.can("liveConversations.viewAll")) ids.push("all");
  const sections = ids.map((id) => inboxSection(id, aborted));
  const now = signal(Date.now());
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refreshAll = () => Promise.all(sections.map((s) => s.refresh()));
  const refreshSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshAll(), REFRESH_DELAY_MS);
  };

  const socket = liveSocket<InboxFrame>("/live/inbox/socket", {
    onFrame: (frame) => {
      if (frame.type === "inbox") refreshSoon();
    },
    // Changes made while the socket was down were never announced.
    onOpen: (again) => {
      if (again) refreshSoon();
    },
  });

  void refreshAll();
  // Relative times ("2 min ago") move on without a change to the inbox.
  const clock = setInterval(() => {
    now.value = Date.now();
  }, 30_000);
  aborted.addEventListener("abort", () => {
    clearTimeout(timer);
    clearInterval(clock);
  });

  return {
    /** The sections this person sees, in order (a signal only because models hold signals and actions). */
    sections: signal(sections) as ReadonlySignal<InboxSection[]>,
    /** The inbox socket: "reconnecting" while it is down. */
    connection: socket.status,
    /** The time relative times are shown against; ticks every 30 s. */
    now: now as ReadonlySignal<number>,
    /** Fetches the sections again shortly (after this page changed a conversation). */
    refreshSoon,
  };
});

export type Inbox = InstanceType<typeof InboxModel>;
