import { CONVERSATION_TURNS_MAX, JOURNEY_PROFILES_MAX, type JourneyTargetKind } from "../../schemas/journey";

// Data access for the customer journey, over the raw D1 binding: one statement finds the page of
// conversations (identity graph, conversations, order, overlaps, turn counts), one batch reads
// everything on it (engagements, turns, reviews, profiles, contacts). account_id leads every
// join and WHERE, so each lookup walks an index that starts with it. CROSS JOIN fixes the join
// order where the small side (the person's profiles, the page's ids) must drive: without table
// statistics SQLite otherwise walks all of an account's engagements or contacts and probes the CTE.

/** Where a journey opens: the customer profile it is about, and the conversation, engagement or turn asked for. */
export interface ResolvedTarget {
  customerPid: string | null;
  conversationId: string | null;
  engagementId: string | null;
  turnId: string | null;
}

/** The customer (if any), conversation, engagement and turn a journey URL points at; undefined when not in the account. */
export async function resolveTarget(
  raw: D1Database,
  accountId: string,
  kind: JourneyTargetKind,
  id: string,
): Promise<ResolvedTarget | undefined> {
  if (kind === "customers") {
    const row = await raw
      .prepare(
        `SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM customer WHERE account_id = ?1 AND pid = ?2)
           OR EXISTS (SELECT 1 FROM customer_contact WHERE account_id = ?1 AND customer_pid = ?2)
           OR EXISTS (SELECT 1 FROM engagement WHERE account_id = ?1 AND customer_pid = ?2)`,
      )
      .bind(accountId, id)
      .first<{ found: number }>();
    return row ? { customerPid: id, conversationId: null, engagementId: null, turnId: null } : undefined;
  }
  if (kind === "conversations") {
    const row = await raw
      .prepare(
        `SELECT conversation, customer FROM (
           SELECT e.conversation_pid AS conversation, e.customer_pid AS customer, e.customer_pid IS NULL AS missing, e.start_time AS t
             FROM engagement AS e WHERE e.account_id = ?1 AND e.conversation_pid = ?2
           UNION ALL
           SELECT e.pid, e.customer_pid, e.customer_pid IS NULL, e.start_time
             FROM engagement AS e WHERE e.account_id = ?1 AND e.pid = ?2 AND e.conversation_pid IS NULL
         ) ORDER BY missing, t LIMIT 1`,
      )
      .bind(accountId, id)
      .first<{ conversation: string; customer: string | null }>();
    return row
      ? { customerPid: row.customer, conversationId: row.conversation, engagementId: null, turnId: null }
      : undefined;
  }
  const row = await raw
    .prepare(
      `SELECT ${kind === "turns" ? "t.pid" : "NULL"} AS turn, e.pid AS engagement,
         COALESCE(e.conversation_pid, e.pid) AS conversation,
         COALESCE(e.customer_pid, (
           SELECT o.customer_pid FROM engagement AS o
            WHERE o.account_id = ?1 AND o.conversation_pid = e.conversation_pid AND o.customer_pid IS NOT NULL
            ORDER BY o.start_time LIMIT 1)) AS customer
       ${
         kind === "turns"
           ? "FROM turn AS t JOIN engagement AS e ON e.account_id = ?1 AND e.pid = t.engagement_pid WHERE t.account_id = ?1 AND t.pid = ?2"
           : "FROM engagement AS e WHERE e.account_id = ?1 AND e.pid = ?2"
}`,
    )
    .bind(accountId, id)
    .first<{ turn: string | null; engagement: string; conversation: string; customer: string | null }>();
  return row
    ? { customerPid: row.customer, conversationId: row.conversation, engagementId: row.engagement, turnId: row.turn }
    : undefined;
}

/**
 * The journey's conversations as CTEs over ?1 account, ?2 customer PID (or null), ?3 a
 * conversation that belongs to it even without a customer (or null):
 * - people: the profiles sharing a contact with the customer, transitively (the identity graph);
 * - keys: their conversations (an engagement without a conversation is its own);
 * - members: every engagement of those conversations, whoever its customer;
 * - conv: one row per conversation with its start, end, position and the total.
 */
const JOURNEY_CTES = `
people(pid) AS (
  SELECT ?2 WHERE ?2 IS NOT NULL
  UNION
  SELECT b.customer_pid FROM people AS p
    CROSS JOIN customer_contact AS a INDEXED BY customer_contact_customer ON a.account_id = ?1 AND a.customer_pid = p.pid
    CROSS JOIN customer_contact AS b ON b.account_id = ?1 AND b.contact = a.contact
  LIMIT ${JOURNEY_PROFILES_MAX}
),
keys(id) AS (
  SELECT COALESCE(e.conversation_pid, e.pid) FROM people AS p
    CROSS JOIN engagement AS e ON e.account_id = ?1 AND e.customer_pid = p.pid
  UNION
  SELECT ?3 WHERE ?3 IS NOT NULL
),
members AS MATERIALIZED (
  SELECT k.id AS cid, e.pid, e.start_time, e.direction, COALESCE(e.conversation_start_time, e.start_time) AS began,
         COALESCE(e.end_time, e.start_time) AS ended
    FROM keys AS k CROSS JOIN engagement AS e ON e.account_id = ?1 AND e.conversation_pid = k.id
  UNION ALL
  SELECT k.id, e.pid, e.start_time, e.direction, COALESCE(e.conversation_start_time, e.start_time),
         COALESCE(e.end_time, e.start_time)
    FROM keys AS k CROSS JOIN engagement AS e ON e.account_id = ?1 AND e.pid = k.id AND e.conversation_pid IS NULL
),
conv AS MATERIALIZED (
  SELECT cid AS id, COALESCE(MIN(began), 0) AS start, COALESCE(MAX(ended), MIN(began), 0) AS end_at,
         ROW_NUMBER() OVER (ORDER BY COALESCE(MIN(began), 0), cid) AS n, COUNT(*) OVER () AS total
    FROM members GROUP BY cid
)`;

/** How a page of conversations is chosen. */
export type PageWindow =
  | { mode: "first" }
  | { mode: "at"; conversationId: string }
  | { mode: "after"; start: number; id: string }
  | { mode: "before"; start: number; id: string };

export interface ConversationPageRow {
  id: string;
  start: number;
  end_at: number;
  n: number;
  total: number;
  direction: string | null;
  /** JSON array of engagement PIDs in start order. */
  engagement_ids: string;
  turns: number;
  /** JSON array of `[conversation id, start]` of conversations that started during this one. */
  overlaps: string;
  /** JSON array of the profiles' PIDs (the same on every row). */
  people: string;
}

/**
 * One page of a journey's conversations, oldest first, with what the page needs to read the
 * rest: engagement PIDs, turn counts, overlapping conversations and the profiles. ?4/?5 are the
 * window's cursor (or the conversation to open at), ?6 the limit.
 */
export async function conversationPage(
  raw: D1Database,
  accountId: string,
  journey: { customerPid: string | null; conversationId: string | null },
  window: PageWindow,
  limit: number,
): Promise<ConversationPageRow[]> {
  const where =
    window.mode === "first"
      ? ""
      : window.mode === "at"
        ? "WHERE n >= (SELECT n FROM conv WHERE id = ?4)"
        : window.mode === "after"
          ? "WHERE start > ?4 OR (start = ?4 AND id > ?5)"
          : "WHERE start < ?4 OR (start = ?4 AND id < ?5)";
  const order = window.mode === "before" ? "n DESC" : "n";
  const [a, b] =
    window.mode === "at"
      ? [window.conversationId, null]
      : window.mode === "first"
        ? [null, null]
        : [window.start, window.id];
  const { results } = await raw
    .prepare(
      `WITH RECURSIVE ${JOURNEY_CTES},
       page AS (SELECT * FROM conv ${where} ORDER BY ${order} LIMIT ?6)
       SELECT p.id, p.start, p.end_at, p.n, p.total,
         (SELECT m.direction FROM members AS m WHERE m.cid = p.id ORDER BY m.start_time, m.pid LIMIT 1) AS direction,
         (SELECT json_group_array(pid) FROM (SELECT m.pid FROM members AS m WHERE m.cid = p.id ORDER BY m.start_time, m.pid)) AS engagement_ids,
         (SELECT COUNT(*) FROM members AS m CROSS JOIN turn AS t ON t.account_id = ?1 AND t.engagement_pid = m.pid WHERE m.cid = p.id) AS turns,
         (SELECT json_group_array(json_array(o.id, o.start)) FROM conv AS o
           WHERE (o.start > p.start OR (o.start = p.start AND o.id > p.id)) AND o.start < p.end_at) AS overlaps,
         (SELECT json_group_array(pid) FROM people) AS people
       FROM page AS p ORDER BY p.n`,
    )
    .bind(accountId, journey.customerPid, journey.conversationId, a, b, limit)
    .all<ConversationPageRow>();
  return results;
}

export interface EngagementDetailRow {
  pid: string;
  external_id: string | null;
  type: string | null;
  channel_type: string | null;
  direction: string | null;
  start_time: number | null;
  end_time: number | null;
  outcome_type: string | null;
  recording_url: string | null;
  agent_pid: string | null;
  agent_name: string | null;
  queue_pid: string | null;
  queue_name: string | null;
  external_agent_pid: string | null;
  external_agent_name: string | null;
  outcome_pid: string | null;
  outcome_name: string | null;
  channel_pid: string | null;
  channel_name: string | null;
}

export interface TurnRow {
  pid: string;
  external_id: string | null;
  engagement_pid: string;
  turn_time: number | null;
  participant: string | null;
  participant_pid: string | null;
  participant_name: string | null;
  type: string | null;
  content: string | null;
  media_key: string | null;
  media_name: string | null;
  media_type: string | null;
}

export interface ReviewRow {
  pid: string;
  engagement_pid: string;
  turn_pid: string | null;
  type: string | null;
  kind: string | null;
  status: string | null;
  comment: string | null;
  score: number | null;
  answer_score: number | null;
  confidence: number | null;
  review_time: number | null;
  question: string | null;
  answer: string | null;
  reviewer: string | null;
}

export interface ProfileRow {
  pid: string;
  external_id: string | null;
  name: string | null;
  segment: string | null;
  country: string | null;
  source_name: string | null;
}

export interface ContactRow {
  customer_pid: string;
  contact: string;
  type: string;
}

/** Contacts of a profile in the order their `ref`s count (by value, as the primary key stores them). */
const CONTACT_ORDER = "ORDER BY cc.customer_pid, cc.contact";

const profileSql = (from: string) =>
  `SELECT c.pid, c.external_id, c.name, c.segment, c.country, s.name AS source_name ${from}
   LEFT JOIN source AS s ON s.account_id = ?1 AND s.id = c.source_id`;

/**
 * Everything on a page, in one round trip: the engagements (with entity, agent and outcome
 * names), their turns (with content only when `content`), their reviews, and the profiles with
 * their contacts. Turns come in time order, at most `turnLimit`.
 */
export async function pageDetails(
  raw: D1Database,
  accountId: string,
  args: { engagementIds: string[]; people: string[]; content: boolean; turnLimit: number },
) {
  const engagements = JSON.stringify(args.engagementIds);
  const people = JSON.stringify(args.people);
  const contentColumns = args.content
    ? "COALESCE(tc.content, tc.content_customer, tc.content_agent) AS content, tc.media_key, tc.media_name, tc.media_type"
    : "NULL AS content, NULL AS media_key, NULL AS media_name, NULL AS media_type";
  const contentJoin = args.content ? "LEFT JOIN turn_content AS tc ON tc.account_id = ?1 AND tc.turn_pid = t.pid" : "";
  const [e, t, r, p, c] = await raw.batch([
    raw
      .prepare(
        `SELECT e.pid, e.external_id, e.type, e.channel_type, e.direction, e.start_time, e.end_time, e.outcome_type,
           e.recording_url, e.agent_pid, ag.name AS agent_name, e.queue_pid, q.name AS queue_name,
           e.external_agent_pid, xa.name AS external_agent_name, e.outcome_pid, o.name AS outcome_name,
           e.channel_pid, ch.name AS channel_name
         FROM json_each(?2) AS j
         CROSS JOIN engagement AS e ON e.account_id = ?1 AND e.pid = j.value
         LEFT JOIN agent AS ag ON ag.account_id = ?1 AND ag.pid = e.agent_pid
         LEFT JOIN external_agent AS xa ON xa.account_id = ?1 AND xa.pid = e.external_agent_pid
         LEFT JOIN entity AS q ON q.account_id = ?1 AND q.pid = e.queue_pid
         LEFT JOIN entity AS o ON o.account_id = ?1 AND o.pid = e.outcome_pid
         LEFT JOIN entity AS ch ON ch.account_id = ?1 AND ch.pid = e.channel_pid`,
      )
      .bind(accountId, engagements),
    raw
      .prepare(
        `SELECT t.pid, t.external_id, t.engagement_pid, t.turn_time, t.participant, t.participant_pid,
           ag.name AS participant_name, t.type, ${contentColumns}
         FROM json_each(?2) AS j
         CROSS JOIN turn AS t ON t.account_id = ?1 AND t.engagement_pid = j.value
         LEFT JOIN agent AS ag ON ag.account_id = ?1 AND ag.pid = t.participant_pid
         ${contentJoin}
         ORDER BY t.turn_time, t.pid LIMIT ?3`,
      )
      .bind(accountId, engagements, Math.min(args.turnLimit, CONVERSATION_TURNS_MAX)),
    raw
      .prepare(
        `SELECT r.pid, r.engagement_pid, r.turn_pid, r.type, r.kind, r.status, r.comment, r.score, r.answer_score,
           r.confidence, r.review_time, qu.name AS question, an.name AS answer, rv.name AS reviewer
         FROM json_each(?2) AS j
         CROSS JOIN review AS r ON r.account_id = ?1 AND r.engagement_pid = j.value
         LEFT JOIN question AS qu ON qu.account_id = ?1 AND qu.pid = r.question_pid
         LEFT JOIN answer AS an ON an.account_id = ?1 AND an.pid = r.answer_pid
         LEFT JOIN reviewer AS rv ON rv.account_id = ?1 AND rv.pid = r.reviewer_pid
         ORDER BY r.review_time, r.turn_pid IS NOT NULL, r.pid`,
      )
      .bind(accountId, engagements),
    raw
      .prepare(profileSql("FROM json_each(?2) AS j CROSS JOIN customer AS c ON c.account_id = ?1 AND c.pid = j.value"))
      .bind(accountId, people),
    raw
      .prepare(
        `SELECT cc.customer_pid, cc.contact, cc.type FROM json_each(?2) AS j
         CROSS JOIN customer_contact AS cc ON cc.account_id = ?1 AND cc.customer_pid = j.value ${CONTACT_ORDER}`,
      )
      .bind(accountId, people),
  ]);
  return {
    engagements: (e?.results ?? []) as EngagementDetailRow[],
    turns: (t?.results ?? []) as TurnRow[],
    reviews: (r?.results ?? []) as ReviewRow[],
    profiles: (p?.results ?? []) as ProfileRow[],
    contacts: (c?.results ?? []) as ContactRow[],
  };
}

export interface OutlineRow {
  id: string;
  start: number;
  end_at: number;
  n: number;
  total: number;
  engagement_pid: string;
  type: string | null;
  channel_type: string | null;
  direction: string | null;
  start_time: number | null;
  queue_name: string | null;
  agent_name: string | null;
  external_agent_name: string | null;
  outcome_type: string | null;
  outcome_name: string | null;
}

/** The navigation pane: a page of conversations (after the cursor) with their engagements, one row per engagement. */
export async function outlinePage(
  raw: D1Database,
  accountId: string,
  journey: { customerPid: string | null; conversationId: string | null },
  after: { start: number; id: string } | undefined,
  limit: number,
): Promise<OutlineRow[]> {
  const { results } = await raw
    .prepare(
      `WITH RECURSIVE ${JOURNEY_CTES},
       page AS (SELECT * FROM conv ${after ? "WHERE start > ?4 OR (start = ?4 AND id > ?5)" : ""} ORDER BY n LIMIT ?6)
       SELECT p.id, p.start, p.end_at, p.n, p.total, e.pid AS engagement_pid, e.type, e.channel_type, e.direction,
         e.start_time, q.name AS queue_name, ag.name AS agent_name, xa.name AS external_agent_name, e.outcome_type,
         o.name AS outcome_name
       FROM page AS p
       CROSS JOIN members AS m ON m.cid = p.id
       CROSS JOIN engagement AS e ON e.account_id = ?1 AND e.pid = m.pid
       LEFT JOIN agent AS ag ON ag.account_id = ?1 AND ag.pid = e.agent_pid
       LEFT JOIN external_agent AS xa ON xa.account_id = ?1 AND xa.pid = e.external_agent_pid
       LEFT JOIN entity AS q ON q.account_id = ?1 AND q.pid = e.queue_pid
       LEFT JOIN entity AS o ON o.account_id = ?1 AND o.pid = e.outcome_pid
       ORDER BY p.n, e.start_time, e.pid`,
    )
    .bind(accountId, journey.customerPid, journey.conversationId, after?.start ?? null, after?.id ?? null, limit)
    .all<OutlineRow>();
  return results;
}

// ───────────── customers ─────────────

export interface CustomerHitRow extends ProfileRow {
  matched: string;
  contact_count: number;
}

/**
 * Customer profiles whose PID, ID in a source or one contact equals `query` (every profile when
 * it is empty, walking customer_external), ordered by ID then PID, after the cursor.
 */
export async function searchCustomers(
  raw: D1Database,
  accountId: string,
  args: { query: string; pid: string | null; after: [string, string] | undefined; limit: number },
): Promise<CustomerHitRow[]> {
  const columns = (pid: string) => `${pid} AS pid, c.external_id, c.name, c.segment, c.country, s.name AS source_name,
    (SELECT COUNT(*) FROM customer_contact AS cc WHERE cc.account_id = ?1 AND cc.customer_pid = ${pid}) AS contact_count`;
  const sql = args.query
    ? `WITH hits(pid, how) AS (
         SELECT pid, 'pid' FROM customer WHERE account_id = ?1 AND pid = ?2
         UNION ALL SELECT pid, 'externalId' FROM customer WHERE account_id = ?1 AND external_id = ?3
         UNION ALL SELECT customer_pid, 'contact' FROM customer_contact WHERE account_id = ?1 AND contact IN (?3, ?4)
       ),
       grouped AS (SELECT pid, group_concat(DISTINCT how) AS matched FROM hits GROUP BY pid)
       SELECT h.matched, ${columns("h.pid")}
       FROM grouped AS h
       LEFT JOIN customer AS c ON c.account_id = ?1 AND c.pid = h.pid
       LEFT JOIN source AS s ON s.account_id = ?1 AND s.id = c.source_id
       ${args.after ? "WHERE (COALESCE(c.external_id, ''), h.pid) > (?5, ?6)" : ""}
       ORDER BY COALESCE(c.external_id, ''), h.pid LIMIT ?7`
    : `SELECT '' AS matched, ${columns("c.pid")}
       FROM customer AS c
       LEFT JOIN source AS s ON s.account_id = ?1 AND s.id = c.source_id
       WHERE c.account_id = ?1 ${args.after ? "AND (c.external_id, c.pid) > (?5, ?6)" : ""}
       ORDER BY c.external_id, c.pid LIMIT ?7`;
  const { results } = await raw
    .prepare(sql)
    .bind(
      accountId,
      args.pid,
      args.query,
      args.query.toLowerCase(),
      args.after?.[0] ?? null,
      args.after?.[1] ?? null,
      args.limit,
    )
    .all<CustomerHitRow>();
  return results;
}

/** The contacts of some profiles, in `ref` order per profile. */
export async function contactsOf(raw: D1Database, accountId: string, pids: string[]): Promise<ContactRow[]> {
  if (pids.length === 0) return [];
  const { results } = await raw
    .prepare(
      `SELECT cc.customer_pid, cc.contact, cc.type FROM json_each(?2) AS j
       CROSS JOIN customer_contact AS cc ON cc.account_id = ?1 AND cc.customer_pid = j.value ${CONTACT_ORDER}`,
    )
    .bind(accountId, JSON.stringify(pids))
    .all<ContactRow>();
  return results;
}

/** One profile's name and its contacts (for a reveal); undefined when neither exists in the account. */
export async function customerPii(
  raw: D1Database,
  accountId: string,
  pid: string,
): Promise<{ name: string | null; contacts: ContactRow[] } | undefined> {
  const [customer, contacts] = await raw.batch([
    raw.prepare("SELECT name FROM customer WHERE account_id = ?1 AND pid = ?2").bind(accountId, pid),
    raw
      .prepare(
        `SELECT cc.customer_pid, cc.contact, cc.type FROM customer_contact AS cc
         WHERE cc.account_id = ?1 AND cc.customer_pid = ?2 ${CONTACT_ORDER}`,
      )
      .bind(accountId, pid),
  ]);
  const row = (customer?.results ?? [])[0] as { name: string | null } | undefined;
  const list = (contacts?.results ?? []) as ContactRow[];
  if (!row && list.length === 0) return undefined;
  return { name: row?.name ?? null, contacts: list };
}

/** Records one reveal: who, which profile, which field (and which contact), when; never the value. */
export async function insertReveal(
  raw: D1Database,
  accountId: string,
  reveal: { id: string; userId: string; customerPid: string; field: string; contactRef: string | null; at: number },
): Promise<void> {
  await raw
    .prepare(
      `INSERT INTO pii_reveal (account_id, id, user_id, customer_pid, field, contact_ref, revealed_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
    )
    .bind(accountId, reveal.id, reveal.userId, reveal.customerPid, reveal.field, reveal.contactRef, reveal.at)
    .run();
}

export interface RevealRow {
  id: string;
  user_id: string;
  email: string | null;
  user_name: string | null;
  customer_pid: string;
  external_id: string | null;
  field: string;
  contact_ref: string | null;
  revealed_at: number;
}

/** The reveal log, newest first, optionally for one user or one profile, after the cursor. */
export async function listReveals(
  raw: D1Database,
  accountId: string,
  args: { userId?: string; customerPid?: string; before?: [number, string]; limit: number },
): Promise<RevealRow[]> {
  const where = ["r.account_id = ?1"];
  if (args.userId) where.push("r.user_id = ?2");
  if (args.customerPid) where.push("r.customer_pid = ?3");
  if (args.before) where.push("(r.revealed_at < ?4 OR (r.revealed_at = ?4 AND r.id < ?5))");
  const { results } = await raw
    .prepare(
      `SELECT r.id, r.user_id, u.email, u.name AS user_name, r.customer_pid, c.external_id, r.field, r.contact_ref,
         r.revealed_at
       FROM pii_reveal AS r
       LEFT JOIN user AS u ON u.account_id = ?1 AND u.id = r.user_id
       LEFT JOIN customer AS c ON c.account_id = ?1 AND c.pid = r.customer_pid
       WHERE ${where.join(" AND ")}
       ORDER BY r.revealed_at DESC, r.id DESC LIMIT ?6`,
    )
    .bind(
      accountId,
      args.userId ?? null,
      args.customerPid ?? null,
      args.before?.[0] ?? null,
      args.before?.[1] ?? null,
      args.limit,
    )
    .all<RevealRow>();
  return results;
}

// ───────────── media ─────────────

/** The stored media key of an engagement's recording or a turn's attachment; undefined when the item is not in the account. */
export async function mediaKeyOf(
  raw: D1Database,
  accountId: string,
  kind: "engagements" | "turns",
  id: string,
): Promise<{ key: string | null; name: string | null; type: string | null } | undefined> {
  const row = await raw
    .prepare(
      kind === "engagements"
        ? "SELECT recording_url AS key, NULL AS name, NULL AS type FROM engagement WHERE account_id = ?1 AND pid = ?2"
        : `SELECT tc.media_key AS key, tc.media_name AS name, tc.media_type AS type FROM turn AS t
           LEFT JOIN turn_content AS tc ON tc.account_id = ?1 AND tc.turn_pid = t.pid
           WHERE t.account_id = ?1 AND t.pid = ?2`,
    )
    .bind(accountId, id)
    .first<{ key: string | null; name: string | null; type: string | null }>();
  return row ?? undefined;
}
