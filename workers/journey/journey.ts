import {
  CONVERSATION_TURNS_MAX,
  type CustomerProfile,
  JOURNEY_TURN_BUDGET,
  type Journey,
  type JourneyConversation,
  type JourneyEngagement,
  type JourneyOutline,
  type JourneyReview,
  type JourneyTargetKind,
  type JourneyTurn,
  type OutlineConversation,
  type Participant,
  type TimelineItem,
} from "../../schemas/journey";
import type { Bindings } from "../env";
import { badRequest, notFound } from "../lib/errors";
import { maskContact, maskName } from "../lib/mask";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { isoFromSeconds } from "../lib/time";
import { PARTICIPANTS } from "../model/catalog";
import {
  type ContactRow,
  type ConversationPageRow,
  conversationPage,
  type EngagementDetailRow,
  outlinePage,
  type PageWindow,
  type ProfileRow,
  pageDetails,
  type ResolvedTarget,
  type ReviewRow,
  resolveTarget,
  type TurnRow,
} from "./queries";
import { buildTimeline, type TimelineEngagement, type TimelineTurnInput } from "./timeline";

// Assembles journey pages from the rows queries.ts reads: masking, content, media links, the
// timeline of each conversation, and the cursors.

const iso = (seconds: number | null) => (seconds === null ? null : isoFromSeconds(seconds));
const named = (id: string | null, name: string | null) => (id ? { id, name } : null);

/** A conversation cursor: its start and id. */
export function encodeConversationCursor(start: number, id: string): string {
  return encodeKeyCursor(String(start), id);
}

/** The `[start, id]` of a conversation cursor; INVALID_CURSOR for anything this API did not make. */
export function decodeConversationCursor(cursor: string): { start: number; id: string } {
  const [start, id] = decodeKeyCursor(cursor);
  const n = Number(start);
  if (start === "" || !Number.isSafeInteger(n)) {
    throw badRequest("INVALID_CURSOR", "The cursor is not one this API returned.");
  }
  return { start: n, id };
}

/** Where recordings and attachments live in R2: under the account, so a key can never reach another account's files. */
export function mediaObjectKey(accountId: string, key: string): string {
  return `media/${accountId}/${key}`;
}

const isExternalUrl = (value: string) => /^https:\/\//i.test(value);

/** The journey a URL points at, or NOT_FOUND. */
export async function journeyOf(raw: D1Database, accountId: string, kind: JourneyTargetKind, id: string) {
  const target = await resolveTarget(raw, accountId, kind, id);
  if (!target) throw notFound(KIND_NAMES[kind]);
  return target;
}

const KIND_NAMES: Record<JourneyTargetKind, string> = {
  customers: "Customer",
  conversations: "Conversation",
  engagements: "Engagement",
  turns: "Turn",
};

const participantOf = (value: string | null): Participant =>
  (PARTICIPANTS as readonly string[]).includes(value ?? "") ? (value as Participant) : "SYSTEM";

function participantName(turn: TurnRow, participant: Participant, engagement: EngagementDetailRow | undefined) {
  switch (participant) {
    case "CUSTOMER":
      return "Customer";
    case "AGENT":
      return turn.participant_name ?? engagement?.agent_name ?? "Agent";
    case "BOT":
      return turn.participant_name ?? engagement?.agent_name ?? "Bot";
    case "EXTERNAL_AGENT":
      return engagement?.external_agent_name ?? "External agent";
    default:
      return "System";
  }
}

function reviewView(r: ReviewRow): JourneyReview {
  return {
    id: r.pid,
    engagementId: r.engagement_pid,
    turnId: r.turn_pid,
    question: r.question,
    answer: r.answer,
    type: r.type,
    kind: r.kind,
    status: r.status,
    reviewer: r.reviewer,
    comment: r.comment,
    score: r.answer_score ?? r.score,
    confidence: r.confidence,
    time: iso(r.review_time),
  };
}

/** The profiles of a person, masked; contacts numbered by `ref` within each profile. */
export function profileViews(profiles: ProfileRow[], contacts: ContactRow[], order: string[]): CustomerProfile[] {
  const byCustomer = new Map<string, ContactRow[]>();
  for (const c of contacts) {
    const list = byCustomer.get(c.customer_pid) ?? [];
    list.push(c);
    byCustomer.set(c.customer_pid, list);
  }
  const rows = new Map(profiles.map((p) => [p.pid, p]));
  return order
    .filter((pid) => rows.has(pid) || byCustomer.has(pid))
    .map((pid) => {
      const p = rows.get(pid);
      return {
        id: pid,
        externalId: p?.external_id ?? null,
        source: p?.source_name ?? null,
        name: p?.name ? maskName(p.name) : null,
        segment: p?.segment ?? null,
        country: p?.country ?? null,
        contacts: (byCustomer.get(pid) ?? []).map((c, ref) => ({ ref, type: c.type, value: maskContact(c.contact) })),
      };
    });
}

/** Keeps whole conversations within the turn budget (at least one), nearest the cursor's side. */
function withinBudget(rows: ConversationPageRow[], fromEnd: boolean): ConversationPageRow[] {
  const ordered = fromEnd ? [...rows].reverse() : rows;
  const kept: ConversationPageRow[] = [];
  let turns = 0;
  for (const row of ordered) {
    if (kept.length > 0 && turns + row.turns > JOURNEY_TURN_BUDGET) break;
    kept.push(row);
    turns += row.turns;
  }
  return fromEnd ? kept.reverse() : kept;
}

interface JourneyRequest {
  kind: JourneyTargetKind;
  id: string;
  limit: number;
  after?: string;
  before?: string;
  /** A conversation of the journey to open the page at. */
  at?: string;
  content: boolean;
}

/** One page of a journey: the conversations, their engagements, timelines and reviews, and the cursors either way. */
export async function loadJourney(env: Bindings, accountId: string, request: JourneyRequest): Promise<Journey> {
  const raw = env.DB;
  const target = await journeyOf(raw, accountId, request.kind, request.id);
  const at = request.at ?? target.conversationId;
  const window: PageWindow = request.after
    ? { mode: "after", ...decodeConversationCursor(request.after) }
    : request.before
      ? { mode: "before", ...decodeConversationCursor(request.before) }
      : at
        ? { mode: "at", conversationId: at }
        : { mode: "first" };
  const rows = withinBudget(
    await conversationPage(raw, accountId, target, window, request.limit),
    window.mode === "before",
  );
  if (request.at && rows.length === 0) throw notFound("Conversation in this journey");
  const people = rows[0] ? (JSON.parse(rows[0].people) as string[]) : target.customerPid ? [target.customerPid] : [];
  const engagementIds = rows.flatMap((r) => JSON.parse(r.engagement_ids) as string[]);
  const turnCount = rows.reduce((sum, r) => sum + r.turns, 0);
  const details = await pageDetails(raw, accountId, {
    engagementIds,
    people,
    content: request.content,
    turnLimit: Math.max(1, turnCount),
  });
  const recordings = request.content ? await storedRecordings(env, accountId, details.engagements) : new Set<string>();

  const engagementById = new Map(details.engagements.map((e) => [e.pid, e]));
  const reviewsByEngagement = new Map<string, JourneyReview[]>();
  for (const r of details.reviews) {
    const list = reviewsByEngagement.get(r.engagement_pid) ?? [];
    list.push(reviewView(r));
    reviewsByEngagement.set(r.engagement_pid, list);
  }
  const turnsByEngagement = new Map<string, TurnRow[]>();
  for (const t of details.turns) {
    const list = turnsByEngagement.get(t.engagement_pid) ?? [];
    list.push(t);
    turnsByEngagement.set(t.engagement_pid, list);
  }

  const conversations = rows.map((row): JourneyConversation => {
    const ids = JSON.parse(row.engagement_ids) as string[];
    const engagementRows = ids.flatMap((id) => {
      const e = engagementById.get(id);
      return e ? [e] : [];
    });
    const engagements = engagementRows.map((e) =>
      engagementView(e, reviewsByEngagement.get(e.pid) ?? [], recordingOf(e, request.content, recordings)),
    );
    const turnInputs = engagementRows.flatMap((e) =>
      (turnsByEngagement.get(e.pid) ?? []).map((t) => turnInput(t, e, request.content)),
    );
    const overlaps = (JSON.parse(row.overlaps) as [string, number][]).map(([conversationId, startTime]) => ({
      conversationId,
      startTime,
    }));
    const timeline = buildTimeline(
      row.start,
      engagementRows.map((e): TimelineEngagement => ({ id: e.pid, startTime: e.start_time, agentPid: e.agent_pid })),
      turnInputs,
      overlaps,
    );
    const items = timeline.map((entry): TimelineItem => {
      if (entry.kind === "engagement")
        return { kind: "engagement", engagementId: entry.engagementId, time: iso(entry.time) };
      if (entry.kind === "overlap")
        return { kind: "overlap", conversationId: entry.conversationId, time: iso(entry.time) };
      return { ...entry.turn.view, responseSeconds: entry.responseSeconds, grouped: entry.grouped };
    });
    return {
      id: row.id,
      position: row.n,
      startTime: iso(row.start),
      endTime: iso(row.end_at),
      direction: row.direction,
      engagements,
      items,
      turnsCut: row.turns > CONVERSATION_TURNS_MAX,
    };
  });

  const first = rows[0];
  const last = rows.at(-1);
  return {
    customer: target.customerPid
      ? { id: target.customerPid, profiles: profileViews(details.profiles, details.contacts, people) }
      : null,
    target: targetView(request.kind, request.id, target),
    contentVisible: request.content,
    conversationCount: first?.total ?? 0,
    conversations,
    previousCursor: first && first.n > 1 ? encodeConversationCursor(first.start, first.id) : null,
    nextCursor: last && last.n < last.total ? encodeConversationCursor(last.start, last.id) : null,
  };
}

function targetView(kind: JourneyTargetKind, id: string, target: ResolvedTarget): Journey["target"] {
  return {
    kind,
    id,
    conversationId: target.conversationId,
    engagementId: target.engagementId,
    turnId: target.turnId,
  };
}

type TurnInput = TimelineTurnInput & { view: Omit<JourneyTurn, "responseSeconds" | "grouped"> };

function turnInput(t: TurnRow, e: EngagementDetailRow, content: boolean): TurnInput {
  const participant = participantOf(t.participant);
  return {
    id: t.pid,
    engagementId: t.engagement_pid,
    time: t.turn_time,
    participant,
    participantPid: t.participant_pid,
    externalId: t.external_id,
    view: {
      kind: "turn",
      id: t.pid,
      engagementId: t.engagement_pid,
      time: iso(t.turn_time),
      participant,
      participantName: participantName(t, participant, e),
      type: t.type,
      channelType: e.channel_type,
      content: content ? t.content : null,
      media:
        content && t.media_key
          ? {
              name: t.media_name,
              type: t.media_type,
              url: isExternalUrl(t.media_key) ? t.media_key : `/api/v1/journeys/media/turns/${t.pid}`,
            }
          : null,
    },
  };
}

function recordingOf(e: EngagementDetailRow, content: boolean, stored: Set<string>): JourneyEngagement["recording"] {
  if (!content || !e.recording_url) return null;
  if (isExternalUrl(e.recording_url)) return { url: e.recording_url };
  return stored.has(e.pid) ? { url: `/api/v1/journeys/media/engagements/${e.pid}` } : null;
}

/** The engagements whose recording is stored in R2 (checked with HEAD, all at once). */
async function storedRecordings(env: Bindings, accountId: string, engagements: EngagementDetailRow[]) {
  const candidates = engagements.filter((e) => e.recording_url && !isExternalUrl(e.recording_url));
  const found = await Promise.all(
    candidates.map(async (e) =>
      (await env.FILES.head(mediaObjectKey(accountId, e.recording_url ?? ""))) ? e.pid : null,
    ),
  );
  return new Set(found.filter((pid): pid is string => pid !== null));
}

function engagementLabel(e: {
  queue_name: string | null;
  agent_name: string | null;
  external_agent_name: string | null;
  type: string | null;
}): string {
  return e.queue_name ?? e.agent_name ?? e.external_agent_name ?? e.type ?? "Engagement";
}

const isHuman = (type: string | null) => type === "Agent" || type === "External Agent";

function engagementView(
  e: EngagementDetailRow,
  reviews: JourneyReview[],
  recording: JourneyEngagement["recording"],
): JourneyEngagement {
  return {
    id: e.pid,
    externalId: e.external_id,
    type: e.type,
    channelType: e.channel_type,
    direction: e.direction,
    startTime: iso(e.start_time),
    endTime: iso(e.end_time),
    outcomeType: e.outcome_type,
    outcome: named(e.outcome_pid, e.outcome_name),
    queue: named(e.queue_pid, e.queue_name),
    agent: named(e.agent_pid, e.agent_name),
    externalAgent: named(e.external_agent_pid, e.external_agent_name),
    channel: named(e.channel_pid, e.channel_name),
    label: engagementLabel(e),
    human: isHuman(e.type),
    recording,
    reviews,
  };
}

/** The navigation pane's conversations and engagements, a page at a time. */
export async function loadOutline(
  raw: D1Database,
  accountId: string,
  request: { kind: JourneyTargetKind; id: string; limit: number; cursor?: string },
): Promise<JourneyOutline> {
  const target = await journeyOf(raw, accountId, request.kind, request.id);
  const after = request.cursor ? decodeConversationCursor(request.cursor) : undefined;
  const rows = await outlinePage(raw, accountId, target, after, request.limit);
  const items: OutlineConversation[] = [];
  for (const r of rows) {
    let conversation = items.at(-1);
    if (conversation?.id !== r.id) {
      conversation = {
        id: r.id,
        position: r.n,
        startTime: iso(r.start),
        endTime: iso(r.end_at),
        direction: r.direction,
        engagements: [],
      };
      items.push(conversation);
    }
    conversation.engagements.push({
      id: r.engagement_pid,
      type: r.type,
      channelType: r.channel_type,
      startTime: iso(r.start_time),
      label: engagementLabel(r),
      outcome: r.outcome_name ?? r.outcome_type,
      human: isHuman(r.type),
    });
  }
  const first = rows[0];
  const last = rows.at(-1);
  return {
    conversationCount: first?.total ?? 0,
    items,
    nextCursor: last && last.n < last.total ? encodeConversationCursor(last.start, last.id) : null,
  };
}
