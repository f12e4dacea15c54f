import { GROUP_SECONDS, type Participant } from "../../schemas/journey";

// The conversations pane's order of things, as pure functions: the turns of a conversation's
// engagements interleaved in time with "who joined" markers and overlap notices, each turn's
// response time, and which turns continue a group under the previous turn's header.

/** An engagement of the conversation, as far as the timeline needs it. */
export interface TimelineEngagement {
  id: string;
  /** Unix seconds. */
  startTime: number | null;
  /** The engagement's agent: who an AGENT or BOT turn without its own participant is. */
  agentPid: string | null;
}

/** A turn, as far as the timeline needs it. */
export interface TimelineTurnInput {
  id: string;
  engagementId: string;
  /** Unix seconds. */
  time: number | null;
  participant: Participant;
  participantPid: string | null;
  /** The id in the source: orders turns of the same second ("T-0009" before "T-0010"). */
  externalId: string | null;
}

/** Another conversation of the same customer that started while this one was going on. */
export interface TimelineOverlap {
  conversationId: string;
  /** Unix seconds. */
  startTime: number;
}

export type TimelineEntry<T extends TimelineTurnInput> =
  | { kind: "engagement"; engagementId: string; time: number | null }
  | { kind: "overlap"; conversationId: string; time: number }
  | { kind: "turn"; turn: T; time: number | null; responseSeconds: number | null; grouped: boolean };

/**
 * Who performed a turn, as one key: every customer turn is the customer; an agent, bot or
 * external agent is told apart by its PID (the engagement's agent when the turn names none).
 */
export function participantKey(turn: TimelineTurnInput, engagementAgentPid: string | null): string {
  if (turn.participant === "CUSTOMER" || turn.participant === "SYSTEM") return turn.participant;
  return `${turn.participant}:${turn.participantPid ?? engagementAgentPid ?? ""}`;
}

const collator = new Intl.Collator("en", { numeric: true });

// Rank of each kind at the same second: the engagement starts, then the notice, then what was said.
const RANK = { engagement: 0, overlap: 1, turn: 2 } as const;

/**
 * The conversation in time order: each engagement's start, the notices of other conversations
 * that started meanwhile, and every turn of every engagement interleaved by time. A turn or
 * engagement without a time sits at its engagement's (or the conversation's) start.
 */
export function interleave<T extends TimelineTurnInput>(
  conversationStart: number | null,
  engagements: readonly TimelineEngagement[],
  turns: readonly T[],
  overlaps: readonly TimelineOverlap[] = [],
): {
  kind: "engagement" | "overlap" | "turn";
  time: number | null;
  engagementId?: string;
  overlap?: TimelineOverlap;
  turn?: T;
}[] {
  const order = new Map(engagements.map((e, i) => [e.id, i]));
  const startOf = new Map(engagements.map((e) => [e.id, e.startTime ?? conversationStart]));
  type Keyed = {
    kind: "engagement" | "overlap" | "turn";
    time: number | null;
    sortTime: number;
    engagementIndex: number;
    tie: string;
    engagementId?: string;
    overlap?: TimelineOverlap;
    turn?: T;
  };
  const base = conversationStart ?? 0;
  const items: Keyed[] = [
    ...engagements.map(
      (e, i): Keyed => ({
        kind: "engagement",
        time: e.startTime,
        sortTime: e.startTime ?? base,
        engagementIndex: i,
        tie: e.id,
        engagementId: e.id,
      }),
    ),
    ...overlaps.map(
      (o): Keyed => ({
        kind: "overlap",
        time: o.startTime,
        sortTime: o.startTime,
        engagementIndex: -1,
        tie: o.conversationId,
        overlap: o,
      }),
    ),
    ...turns.map(
      (t): Keyed => ({
        kind: "turn",
        time: t.time,
        sortTime: t.time ?? startOf.get(t.engagementId) ?? base,
        engagementIndex: order.get(t.engagementId) ?? engagements.length,
        tie: t.externalId ?? t.id,
        turn: t,
      }),
    ),
  ];
  items.sort(
    (a, b) =>
      a.sortTime - b.sortTime ||
      RANK[a.kind] - RANK[b.kind] ||
      a.engagementIndex - b.engagementIndex ||
      collator.compare(a.tie, b.tie) ||
      (a.turn && b.turn ? (a.turn.id < b.turn.id ? -1 : a.turn.id > b.turn.id ? 1 : 0) : 0),
  );
  return items.map(({ sortTime: _s, engagementIndex: _e, tie: _t, ...rest }) => rest);
}

/**
 * Seconds from the last turn of another participant to each turn, in timeline order; null for
 * the first to speak, for turns without a time, and for system turns, which are neither a
 * response nor something responded to.
 */
export function responseTimes<T extends TimelineTurnInput>(
  ordered: readonly T[],
  agentOf: (engagementId: string) => string | null,
): (number | null)[] {
  // The latest time each participant spoke; a conversation has only a handful of them.
  const lastByKey = new Map<string, number>();
  return ordered.map((turn) => {
    if (turn.participant === "SYSTEM" || turn.time === null) return null;
    const key = participantKey(turn, agentOf(turn.engagementId));
    let previous: number | null = null;
    for (const [k, t] of lastByKey) if (k !== key && (previous === null || t > previous)) previous = t;
    lastByKey.set(key, turn.time);
    return previous === null ? null : Math.max(0, turn.time - previous);
  });
}

/**
 * The whole timeline of one conversation: interleaved, with response times and grouping. A turn
 * is grouped (its header not repeated) when the entry just before it is a turn of the same
 * participant in the same engagement at most GROUP_SECONDS earlier.
 */
export function buildTimeline<T extends TimelineTurnInput>(
  conversationStart: number | null,
  engagements: readonly TimelineEngagement[],
  turns: readonly T[],
  overlaps: readonly TimelineOverlap[] = [],
): TimelineEntry<T>[] {
  const agentByEngagement = new Map(engagements.map((e) => [e.id, e.agentPid]));
  const agentOf = (id: string) => agentByEngagement.get(id) ?? null;
  const ordered = interleave(conversationStart, engagements, turns, overlaps);
  const orderedTurns = ordered.flatMap((i) => (i.turn ? [i.turn] : []));
  const responses = responseTimes(orderedTurns, agentOf);
  let turnIndex = 0;
  let previous: { turn: T; key: string } | null = null;
  const out: TimelineEntry<T>[] = [];
  for (const item of ordered) {
    if (item.kind === "engagement" && item.engagementId) {
      out.push({ kind: "engagement", engagementId: item.engagementId, time: item.time });
      previous = null;
    } else if (item.kind === "overlap" && item.overlap) {
      out.push({ kind: "overlap", conversationId: item.overlap.conversationId, time: item.overlap.startTime });
      previous = null;
    } else if (item.turn) {
      const turn = item.turn;
      const key = participantKey(turn, agentOf(turn.engagementId));
      const grouped =
        previous !== null &&
        previous.key === key &&
        previous.turn.engagementId === turn.engagementId &&
        turn.time !== null &&
        previous.turn.time !== null &&
        turn.time - previous.turn.time <= GROUP_SECONDS;
      out.push({ kind: "turn", turn, time: turn.time, responseSeconds: responses[turnIndex++] ?? null, grouped });
      previous = { turn, key };
    }
  }
  return out;
}
