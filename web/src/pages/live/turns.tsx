import { useLayoutEffect, useRef } from "preact/hooks";
import { cx, formatBytes, formatTimeSeconds } from "../../lib/format";
import journey from "../journey/journey.module.css";
import type { Typist } from "./conversation-core";
import styles from "./live.module.css";
import type { ConversationState, LiveTurn, ParticipantType } from "./live-types";

/** The journey's participant colours (external agents yellow), so a turn looks the same in both places. */
export const PARTICIPANT_CLASS: Record<ParticipantType, string | undefined> = {
  CUSTOMER: journey.customer,
  AGENT: journey.agent,
  BOT: journey.bot,
  EXTERNAL_AGENT: journey.external,
  SYSTEM: journey.system,
};

const DEFAULT_NAMES: Record<ParticipantType, string> = {
  CUSTOMER: "Customer",
  AGENT: "Agent",
  BOT: "Bot",
  EXTERNAL_AGENT: "External agent",
  SYSTEM: "Brine",
};

/** Who a turn or a typist is, by the best name known. */
export function participantName(
  conversation: ConversationState,
  type: ParticipantType,
  id?: string,
  given?: string,
): string {
  if (given) return given;
  if (type === "CUSTOMER") return conversation.customer.displayName ?? "Customer";
  const known = id ? conversation.participants.find((p) => p.id === id)?.name : null;
  return known ?? DEFAULT_NAMES[type];
}

function Turn({ conversation, turn, mine }: { conversation: ConversationState; turn: LiveTurn; mine: boolean }) {
  if (turn.type === "EVENT" || turn.participantType === "SYSTEM") {
    return (
      <li class={styles.event} data-turn-type={turn.type}>
        <span>{turn.content}</span>{" "}
        <time class={styles.muted} dateTime={turn.time}>
          {formatTimeSeconds(turn.time)}
        </time>
      </li>
    );
  }
  const note = turn.type === "NOTE";
  const name = participantName(conversation, turn.participantType, turn.participant, turn.participantName);
  return (
    <li
      class={cx(journey.turn, PARTICIPANT_CLASS[turn.participantType], note && styles.noteTurn)}
      data-participant={turn.participantType}
      data-turn-type={turn.type}
      data-turn-pid={turn.pid}
    >
      <div class={styles.bubble}>
        <div class={styles.turnHead}>
          <span class={styles.who}>
            {name}
            {mine && <span class={styles.you}> (you)</span>}
          </span>
          <time class={styles.muted} dateTime={turn.time}>
            {formatTimeSeconds(turn.time)}
          </time>
          {note && <span class={styles.noteLabel}>Internal note · not shown to the customer</span>}
          {turn.type === "ANSWER" && <span class={styles.muted}>answered</span>}
          {turn.review && (
            <span class={styles.muted}>
              {turn.review === "UP" ? "Customer rated this helpful" : "Customer rated this not helpful"}
            </span>
          )}
        </div>
        {turn.content && <p class={styles.text}>{turn.content}</p>}
        {turn.contentCustomer && turn.contentCustomer !== turn.content && (
          <p class={styles.translation}>
            <span class={styles.muted}>The customer sees: </span>
            {turn.contentCustomer}
          </p>
        )}
        {turn.options && turn.options.length > 0 && (
          <ul class={styles.options} aria-label="Options offered">
            {turn.options.map((o) => (
              <li key={o.id} class={styles.option}>
                {o.label}
              </li>
            ))}
          </ul>
        )}
        {turn.file && (
          <a class={styles.file} href={turn.file.url} target="_blank" rel="noopener noreferrer">
            {turn.file.name}
            <span class={styles.muted}>
              {" "}
              ({turn.file.mimeType}, {formatBytes(turn.file.size)})
            </span>
          </a>
        )}
      </div>
    </li>
  );
}

interface TurnListProps {
  conversation: ConversationState;
  typists: Typist[];
  /** Which turns are the viewer's own, to mark them "(you)". */
  isMine: (turn: LiveTurn) => boolean;
  /** Shown above the turns (the customer's earlier conversations). */
  before?: preact.ComponentChildren;
}

/** The conversation's turns in order, following new ones to the bottom while the reader is there. */
export function TurnList({ conversation, typists, isMine, before }: TurnListProps) {
  const pane = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const turns = conversation.turns;
  useLayoutEffect(() => {
    const el = pane.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [turns.length, typists.length]);
  const typing = typists.map((t) => participantName(conversation, t.participantType, t.participant));
  return (
    <div
      class={styles.turnPane}
      ref={pane}
      onScroll={(event) => {
        const el = event.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {before}
      {/* biome-ignore lint/a11y/noRedundantRoles: the list role keeps list semantics where CSS removes the markers. */}
      <ol class={styles.turns} role="list" aria-label="Turns of this conversation">
        {turns.length === 0 && <li class={styles.event}>No turns yet.</li>}
        {turns.map((t) => (
          <Turn key={t.pid} conversation={conversation} turn={t} mine={isMine(t)} />
        ))}
      </ol>
      <p class={styles.typing} aria-live="polite">
        {typing.length > 0 && `${typing.join(", ")} ${typing.length === 1 ? "is" : "are"} typing…`}
      </p>
    </div>
  );
}
