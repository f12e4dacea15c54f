import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type {
  Journey,
  JourneyConversation,
  JourneyEngagement,
  JourneyOutline,
  JourneyTargetKind,
  JourneyTurn,
  OutlineConversation,
  Revealed,
  ReviewTargetScope,
} from "../../../../schemas/journey";
import { api, isAbort, isNotFound, messageOf } from "../../api";
import { abortedOnDispose } from "../../lib/paged-list";

/** Conversations the middle pane loads at a time. */
const PAGE = 10;

/** What the action pane shows: an engagement, or one of its turns. */
export interface ActionTarget {
  engagementId: string;
  turnId?: string;
  scope: ReviewTargetScope;
}

/** Where the conversations pane should scroll next; `seq` makes a repeated request a new one. */
export interface ScrollRequest {
  elementId: string;
  seq: number;
  /** Move focus there too (a jump from the navigation pane). */
  focus: boolean;
}

/** The review scope of a turn: whose turn it is. */
export function turnScope(turn: JourneyTurn): ReviewTargetScope {
  if (turn.participant === "CUSTOMER") return "customerTurn";
  if (turn.participant === "AGENT" || turn.participant === "EXTERNAL_AGENT") return "agentTurn";
  return "botTurn";
}

export const conversationElementId = (id: string) => `conversation-${id}`;
export const engagementElementId = (id: string) => `engagement-${id}`;
export const turnElementId = (id: string) => `turn-${id}`;

/** A masked value's key in `revealed`: the profile, the field and which contact. */
export const revealKey = (customerId: string, field: "name" | "contact", ref?: number) =>
  field === "name" ? `${customerId}:name` : `${customerId}:contact:${ref}`;

/**
 * One customer journey: the window of conversations the middle pane holds (paged both ways),
 * the whole outline for the navigation pane, which conversations are on screen, what the
 * action pane shows, and the values the user revealed.
 */
export const JourneyModel = createModel((kind: JourneyTargetKind, id: string) => {
  const aborted = abortedOnDispose();
  const base = `/journeys/${kind}/${encodeURIComponent(id)}`;
  const state = signal<"loading" | "ready" | "missing" | "error">("loading");
  const error = signal<string | null>(null);
  const meta = signal<Omit<Journey, "conversations" | "previousCursor" | "nextCursor"> | null>(null);
  const conversations = signal<JourneyConversation[]>([]);
  const previousCursor = signal<string | null>(null);
  const nextCursor = signal<string | null>(null);
  const loadingPrevious = signal(false);
  const loadingNext = signal(false);
  const pageError = signal<string | null>(null);
  const outline = signal<OutlineConversation[]>([]);
  const outlineState = signal<"loading" | "ready" | "error">("loading");
  const visible = signal<ReadonlySet<string>>(new Set());
  const selected = signal<ActionTarget | null>(null);
  const scrollRequest = signal<ScrollRequest | null>(null);
  const revealed = signal<Readonly<Record<string, string | null>>>({});
  const revealing = signal<string | null>(null);
  const revealError = signal<string | null>(null);
  let seq = 0;
  // Bumped by each jump, so pages of the window it replaced are dropped.
  let generation = 0;

  const requestScroll = (elementId: string, focus = false) => {
    scrollRequest.value = { elementId, seq: ++seq, focus };
  };

  const fetchPage = (params: Record<string, string>) =>
    api.get<Journey>(`${base}?${new URLSearchParams({ limit: String(PAGE), ...params })}`, { signal: aborted });

  const show = (page: Journey) => {
    const { conversations: list, previousCursor: prev, nextCursor: next, ...rest } = page;
    meta.value = rest;
    conversations.value = list;
    previousCursor.value = prev;
    nextCursor.value = next;
  };

  const engagementOf = (engagementId: string): JourneyEngagement | undefined => {
    for (const c of conversations.peek()) {
      const e = c.engagements.find((x) => x.id === engagementId);
      if (e) return e;
    }
    return undefined;
  };

  const turnOf = (turnId: string): JourneyTurn | undefined => {
    for (const c of conversations.peek()) {
      for (const item of c.items) if (item.kind === "turn" && item.id === turnId) return item;
    }
    return undefined;
  };

  const load = async () => {
    state.value = "loading";
    error.value = null;
    try {
      const page = await fetchPage({});
      show(page);
      state.value = "ready";
      const { target } = page;
      const turn = target.turnId ? turnOf(target.turnId) : undefined;
      if (turn) selected.value = { engagementId: turn.engagementId, turnId: turn.id, scope: turnScope(turn) };
      else if (target.engagementId) selected.value = { engagementId: target.engagementId, scope: "engagement" };
      const elementId = target.turnId
        ? turnElementId(target.turnId)
        : target.engagementId
          ? engagementElementId(target.engagementId)
          : target.conversationId
            ? conversationElementId(target.conversationId)
            : null;
      if (elementId) requestScroll(elementId);
    } catch (e) {
      if (isAbort(e)) return;
      state.value = isNotFound(e) ? "missing" : "error";
      error.value = messageOf(e);
    }
  };

  const loadOutline = async () => {
    outlineState.value = "loading";
    try {
      let cursor: string | null = null;
      const items: OutlineConversation[] = [];
      do {
        const params = new URLSearchParams(cursor ? { cursor } : {});
        const page: JourneyOutline = await api.get<JourneyOutline>(`${base}/outline?${params}`, { signal: aborted });
        items.push(...page.items);
        outline.value = [...items];
        cursor = page.nextCursor;
      } while (cursor);
      outlineState.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      outlineState.value = "error";
    }
  };

  void load();
  void loadOutline();

  const loaded = (conversationId: string) => conversations.peek().some((c) => c.id === conversationId);

  return {
    state: state as ReadonlySignal<typeof state.value>,
    error: error as ReadonlySignal<string | null>,
    journey: meta as ReadonlySignal<typeof meta.value>,
    conversations: conversations as ReadonlySignal<JourneyConversation[]>,
    hasPrevious: computed(() => previousCursor.value !== null),
    hasNext: computed(() => nextCursor.value !== null),
    loadingPrevious: loadingPrevious as ReadonlySignal<boolean>,
    loadingNext: loadingNext as ReadonlySignal<boolean>,
    /** Why the last page before or after could not be loaded. */
    pageError: pageError as ReadonlySignal<string | null>,
    outline: outline as ReadonlySignal<OutlineConversation[]>,
    outlineState: outlineState as ReadonlySignal<typeof outlineState.value>,
    /** Conversations at least partly on screen in the conversations pane. */
    visible: visible as ReadonlySignal<ReadonlySet<string>>,
    selected: selected as ReadonlySignal<ActionTarget | null>,
    scrollRequest: scrollRequest as ReadonlySignal<ScrollRequest | null>,
    revealed: revealed as ReadonlySignal<Readonly<Record<string, string | null>>>,
    revealing: revealing as ReadonlySignal<string | null>,
    revealError: revealError as ReadonlySignal<string | null>,

    reload: load,
    reloadOutline: loadOutline,
    engagementOf,
    turnOf,

    /** Loads the conversations before the window (the pane keeps its place). */
    async loadPrevious() {
      const cursor = previousCursor.peek();
      if (!cursor || loadingPrevious.peek()) return;
      const current = generation;
      loadingPrevious.value = true;
      pageError.value = null;
      try {
        const page = await fetchPage({ before: cursor });
        if (current !== generation) return;
        const known = new Set(conversations.peek().map((c) => c.id));
        conversations.value = [...page.conversations.filter((c) => !known.has(c.id)), ...conversations.peek()];
        previousCursor.value = page.previousCursor;
      } catch (e) {
        if (!isAbort(e) && current === generation) pageError.value = messageOf(e);
      } finally {
        if (current === generation) loadingPrevious.value = false;
      }
    },

    /** Loads the conversations after the window. */
    async loadNext() {
      const cursor = nextCursor.peek();
      if (!cursor || loadingNext.peek()) return;
      const current = generation;
      loadingNext.value = true;
      pageError.value = null;
      try {
        const page = await fetchPage({ after: cursor });
        if (current !== generation) return;
        const known = new Set(conversations.peek().map((c) => c.id));
        conversations.value = [...conversations.peek(), ...page.conversations.filter((c) => !known.has(c.id))];
        nextCursor.value = page.nextCursor;
      } catch (e) {
        if (!isAbort(e) && current === generation) pageError.value = messageOf(e);
      } finally {
        if (current === generation) loadingNext.value = false;
      }
    },

    /**
     * Scrolls the conversations pane to a conversation (or one of its engagements, or turns). One
     * not loaded replaces the window with a page starting at it, which pages both ways again.
     */
    async goTo(conversationId: string, elementId = conversationElementId(conversationId)) {
      if (loaded(conversationId)) {
        requestScroll(elementId, true);
        return;
      }
      const current = ++generation;
      loadingPrevious.value = false;
      loadingNext.value = false;
      pageError.value = null;
      try {
        const page = await fetchPage({ at: conversationId });
        if (current !== generation) return;
        conversations.value = page.conversations;
        previousCursor.value = page.previousCursor;
        nextCursor.value = page.nextCursor;
        requestScroll(elementId, true);
      } catch (e) {
        if (!isAbort(e) && current === generation) pageError.value = messageOf(e);
      }
    },

    /** Shows an engagement or turn in the action pane. */
    select(target: ActionTarget) {
      selected.value = target;
    },

    /** Marks which conversations are on screen (from the pane's IntersectionObserver). */
    setVisible(ids: ReadonlySet<string>) {
      const old = visible.peek();
      if (old.size === ids.size && [...ids].every((x) => old.has(x))) return;
      visible.value = ids;
    },

    /** Reveals one masked value (recorded by the server); the value shows in place of the mask. */
    async reveal(customerId: string, field: "name" | "contact", ref?: number) {
      const key = revealKey(customerId, field, ref);
      if (revealing.peek()) return;
      revealing.value = key;
      revealError.value = null;
      try {
        const result = await api.post<Revealed>(`/customers/${customerId}/reveal`, {
          field,
          ...(field === "contact" ? { contact: ref } : {}),
        });
        revealed.value = { ...revealed.peek(), [key]: result.value };
      } catch (e) {
        if (!isAbort(e)) revealError.value = messageOf(e);
      } finally {
        revealing.value = null;
      }
    },
  };
});

export type JourneyView = InstanceType<typeof JourneyModel>;
