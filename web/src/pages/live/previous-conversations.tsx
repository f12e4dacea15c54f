import { createModel, type ReadonlySignal, signal, useModel } from "@preact/signals";
import type { Journey, JourneyConversation } from "../../../../schemas/journey";
import { api, isAbort, isNotFound, messageOf } from "../../api";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { cx, formatDateTime, formatTimeSeconds } from "../../lib/format";
import { journeyHref } from "../../lib/journey";
import { abortedOnDispose } from "../../lib/paged-list";
import journey from "../journey/journey.module.css";
import styles from "./live.module.css";
import type { ParticipantType } from "./live-types";
import { PARTICIPANT_CLASS } from "./turns";

/** Conversations fetched at a time. */
const PAGE = 5;

/**
 * The customer's earlier conversations, from the journey API: the page around this live
 * conversation (or the customer's first, while the live one is not in the journey yet),
 * then earlier ones on demand.
 */
const PreviousModel = createModel((customerPid: string, conversationPid: string) => {
  const aborted = abortedOnDispose();
  const base = `/journeys/customers/${encodeURIComponent(customerPid)}`;
  const conversations = signal<JourneyConversation[]>([]);
  const state = signal<"loading" | "ready" | "error">("loading");
  const error = signal<string | null>(null);
  const previousCursor = signal<string | null>(null);
  const loadingMore = signal(false);

  const fetchPage = (params: Record<string, string>) =>
    api.get<Journey>(`${base}?${new URLSearchParams({ limit: String(PAGE), ...params })}`, { signal: aborted });
  const earlier = (page: Journey) => page.conversations.filter((c) => c.id !== conversationPid);

  const load = async () => {
    state.value = "loading";
    error.value = null;
    try {
      let page: Journey;
      try {
        page = await fetchPage({ at: conversationPid });
      } catch (e) {
        // The live conversation is not (yet) part of the customer's journey.
        if (!isNotFound(e)) throw e;
        page = await fetchPage({});
      }
      conversations.value = earlier(page);
      previousCursor.value = page.previousCursor;
      state.value = "ready";
      // The page opened at the live conversation: bring the ones before it.
      if (conversations.peek().length === 0 && page.previousCursor) await loadEarlier();
    } catch (e) {
      if (isAbort(e)) return;
      if (isNotFound(e)) {
        conversations.value = [];
        state.value = "ready";
        return;
      }
      error.value = messageOf(e);
      state.value = "error";
    }
  };
  const loadEarlier = async () => {
    const cursor = previousCursor.peek();
    if (!cursor || loadingMore.peek()) return;
    loadingMore.value = true;
    error.value = null;
    try {
      const page = await fetchPage({ before: cursor });
      const known = new Set(conversations.peek().map((c) => c.id));
      conversations.value = [...earlier(page).filter((c) => !known.has(c.id)), ...conversations.peek()];
      previousCursor.value = page.previousCursor;
    } catch (e) {
      if (!isAbort(e)) error.value = messageOf(e);
    } finally {
      loadingMore.value = false;
    }
  };

  void load();

  return {
    conversations: conversations as ReadonlySignal<JourneyConversation[]>,
    state: state as ReadonlySignal<typeof state.value>,
    error: error as ReadonlySignal<string | null>,
    hasEarlier: previousCursor as ReadonlySignal<string | null>,
    loadingMore: loadingMore as ReadonlySignal<boolean>,
    reload: load,
    loadEarlier,
  };
});

function EarlierConversation({ conversation }: { conversation: JourneyConversation }) {
  const turns = conversation.items.filter((i) => i.kind === "turn");
  const people = [...new Set(conversation.engagements.filter((e) => e.human).map((e) => e.label))];
  return (
    <li>
      <details class={styles.earlier}>
        <summary>
          <span class={styles.earlierDate}>
            {conversation.startTime ? formatDateTime(conversation.startTime) : "Unknown date"}
          </span>
          <span class={styles.muted}>
            {[
              `${turns.length} ${turns.length === 1 ? "turn" : "turns"}`,
              conversation.engagements[0]?.channelType,
              people.join(", "),
            ]
              .filter(Boolean)
              .join(" · ")}
          </span>
        </summary>
        {/* biome-ignore lint/a11y/noRedundantRoles: the list role keeps list semantics where CSS removes the markers. */}
        <ol class={styles.turns} role="list">
          {turns.map((t) => (
            <li
              key={t.id}
              class={cx(journey.turn, PARTICIPANT_CLASS[t.participant as ParticipantType])}
              data-participant={t.participant}
            >
              <div class={styles.bubble}>
                <div class={styles.turnHead}>
                  <span class={styles.who}>{t.participantName}</span>
                  {t.time && <span class={styles.muted}>{formatTimeSeconds(t.time)}</span>}
                </div>
                <p class={styles.text}>{t.content ?? "•••"}</p>
              </div>
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

/** The customer's earlier conversations above the live turns, each collapsed, with a link to the whole journey. */
export function PreviousConversations({
  customerPid,
  conversationPid,
}: {
  customerPid: string;
  conversationPid: string;
}) {
  const model = useModel(() => new PreviousModel(customerPid, conversationPid));
  const items = model.conversations.value;
  return (
    <section class={styles.previous} aria-label="Earlier conversations of this customer">
      <div class={styles.previousHead}>
        <h3 class={styles.previousTitle}>Earlier conversations</h3>
        <a href={journeyHref("customers", customerPid)}>Open the full journey</a>
      </div>
      {model.state.value === "loading" && <p class={styles.muted}>Loading earlier conversations…</p>}
      {model.state.value === "ready" && items.length === 0 && !model.hasEarlier.value && (
        <p class={styles.muted}>This is the customer's first conversation.</p>
      )}
      {model.hasEarlier.value && (
        <Button size="sm" busy={model.loadingMore.value} onClick={() => model.loadEarlier()}>
          Show earlier conversations
        </Button>
      )}
      {items.length > 0 && (
        <ol class={styles.earlierList}>
          {items.map((c) => (
            <EarlierConversation key={c.id} conversation={c} />
          ))}
        </ol>
      )}
      {model.error.value && (
        <Alert title="Earlier conversations could not be loaded">
          <p>{model.error.value}</p>
          <Button size="sm" onClick={() => model.reload()}>
            Try again
          </Button>
        </Alert>
      )}
    </section>
  );
}
