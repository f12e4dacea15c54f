import { EXPORT_COLUMNS, type ExportDataset } from "../../schemas/export";

// One SQL query per file, selecting exactly seed 004's columns in order, formatted by SQLite
// (ISO 8601 UTC times, durations in milliseconds), followed by hidden key columns the writer uses
// as a resumable cursor. Every query walks an index in key order, so a page costs its own rows.

/** Which engagements an export covers: start time in [fromSec, toSec), optionally of some customers. */
export interface Selection {
  accountId: string;
  fromSec: number;
  toSec: number;
  customerPids: string[] | null;
}

/** Where a file's rows stand: after the row with this key (shape depends on the data set). */
export type Cursor = [number, string] | string | { e: [number, string]; t: [number, string] | null };

/** One page of rows: CSV cells followed by hidden key cells; `next` is where the page ended. */
export interface RowPage {
  rows: unknown[][];
  next: Cursor | null;
}

export interface DatasetSource {
  /** Number of CSV columns; any cells after them are the row's key. */
  width: number;
  /** The cursor just after `row`. */
  cursorOf(row: unknown[]): Cursor;
  /** Rows after `cursor` (from the start when undefined); `next` null when there are no more. */
  page(db: D1Database, sel: Selection, cursor: Cursor | undefined, limit: number): Promise<RowPage>;
  /** How many rows the file will hold, for progress. */
  count(db: D1Database, sel: Selection): Promise<number>;
}

const iso = (column: string) => `strftime('%Y-%m-%dT%H:%M:%SZ', ${column}, 'unixepoch')`;
const ms = (column: string) => `CAST(round(${column} * 1000) AS INTEGER)`;
const entityName = (alias: string, column: string) =>
  `LEFT JOIN entity ${alias} ON ${alias}.account_id = e.account_id AND ${alias}.pid = e.${column}`;

/** The engagement predicate on alias `e`, bound as ?1 account, ?2 from, ?3 to, ?4 customer PIDs (JSON). */
function selected(sel: Selection): string {
  // ?4 is always bound (D1 wants every parameter up to the highest used), so it is always named.
  const customers = sel.customerPids ? " AND e.customer_pid IN (SELECT value FROM json_each(?4))" : " AND ?4 IS NULL";
  return `e.account_id = ?1 AND e.start_time >= ?2 AND e.start_time < ?3${customers}`;
}
const selectionArgs = (sel: Selection) => [
  sel.accountId,
  sel.fromSec,
  sel.toSec,
  sel.customerPids ? JSON.stringify(sel.customerPids) : null,
];

const ENGAGEMENT_COLUMNS = `
  e.pid, e.external_id, e.name, e.link, e.agent_pid, ag.name, e.customer_pid, cu.name,
  ${iso("e.conversation_start_time")}, ${iso("e.start_time")}, ${iso("e.end_time")},
  e.conversation_pid, e.conversation_external_id,
  e.channel_type, e.direction, e.status, e.type, e.outcome_type, e.service_level, e.terminated_by, e.initiated_by,
  e.resolution, ch.name, qu.name, te.name, de.name, oc.name, ocat.name, e.reason, e.reason_category, e.case_name,
  e.platform, src.name, e.language, e.channel_vendor, e.category, ca.name, e.priority, mp.name, e.flow, sv.name,
  cc.name, e.brand, e.topic_category, e.topic, e.attribute_01, e.attribute_02, e.attribute_03, e.attribute_04,
  e.agent_location, e.agent_role, e.agent_organization, xa.name, e.cost,
  ${["engagement_time", "focus_time", "hold_time", "invitation_time", "menu_time", "preparation_time", "wait_time", "wrap_up_time", "total_time"].map((c) => ms(`e.${c}`)).join(", ")},
  e.engagement_fact_01, e.engagement_fact_02, e.engagement_fact_03, ${ms("e.wait_for_customer_time")},
  e.order_agent_engagements, e.total_conversation_agent_engagements,
  e.adaptability, e.adherence, e.clarity, e.completeness, e.customer_satisfaction, e.empathy,
  e.expressed_satisfaction, e.language_skills, e.persuasion, e.severity, e.understanding,
  e.start_time`;

const ENGAGEMENT_JOINS = `
  LEFT JOIN agent ag ON ag.account_id = e.account_id AND ag.pid = e.agent_pid
  LEFT JOIN customer cu ON cu.account_id = e.account_id AND cu.pid = e.customer_pid
  LEFT JOIN external_agent xa ON xa.account_id = e.account_id AND xa.pid = e.external_agent_pid
  LEFT JOIN service sv ON sv.account_id = e.account_id AND sv.pid = e.service_pid
  LEFT JOIN source src ON src.account_id = e.account_id AND src.id = e.source_id
  ${entityName("ch", "channel_pid")}
  ${entityName("qu", "queue_pid")}
  ${entityName("te", "team_pid")}
  ${entityName("de", "department_pid")}
  ${entityName("oc", "outcome_pid")}
  ${entityName("ocat", "outcome_category_pid")}
  ${entityName("ca", "campaign_pid")}
  ${entityName("mp", "menu_path_pid")}
  ${entityName("cc", "company_contact_pid")}`;

const engagement: DatasetSource = {
  width: EXPORT_COLUMNS.engagement.length,
  cursorOf: (row) => [row[row.length - 1] as number, row[0] as string],
  async page(db, sel, cursor, limit) {
    const [start, pid] = (cursor as [number, string] | undefined) ?? [sel.fromSec - 1, ""];
    const results = await db
      .prepare(
        `SELECT ${ENGAGEMENT_COLUMNS} FROM engagement e ${ENGAGEMENT_JOINS}
         WHERE ${selected(sel)} AND e.start_time >= ?5 AND (e.start_time > ?5 OR e.pid > ?6)
         ORDER BY e.start_time, e.pid LIMIT ?7`,
      )
      .bind(...selectionArgs(sel), start, pid, limit)
      .raw();
    const last = results.at(-1);
    return { rows: results, next: results.length < limit || !last ? null : this.cursorOf(last) };
  },
  async count(db, sel) {
    return countOf(db, `SELECT count(*) FROM engagement e WHERE ${selected(sel)}`, sel);
  },
};

async function countOf(db: D1Database, sql: string, sel: Selection): Promise<number> {
  const [row] = await db
    .prepare(sql)
    .bind(...selectionArgs(sel))
    .raw<[number]>();
  return row?.[0] ?? 0;
}

/** Customers or agents the selected engagements reference, in PID order. */
function referenced(table: "customer" | "agent", columns: string, joins: string): DatasetSource {
  const reference = table === "customer" ? "customer_pid" : "agent_pid";
  return {
    width: EXPORT_COLUMNS[table].length,
    cursorOf: (row) => row[0] as string,
    async page(db, sel, cursor, limit) {
      const results = await db
        .prepare(
          `SELECT ${columns} FROM ${table} x ${joins}
           WHERE x.account_id = ?1 AND x.pid > ?5
             AND x.pid IN (SELECT e.${reference} FROM engagement e WHERE ${selected(sel)})
           ORDER BY x.pid LIMIT ?6`,
        )
        .bind(...selectionArgs(sel), (cursor as string | undefined) ?? "", limit)
        .raw();
      const last = results.at(-1);
      return { rows: results, next: results.length < limit || !last ? null : (last[0] as string) };
    },
    async count(db, sel) {
      return countOf(
        db,
        `SELECT count(*) FROM ${table} x WHERE x.account_id = ?1
           AND x.pid IN (SELECT e.${reference} FROM engagement e WHERE ${selected(sel)})`,
        sel,
      );
    },
  };
}

const customer = referenced(
  "customer",
  "x.pid, x.external_id, x.name, x.link, x.type, x.category, x.segment, x.organization, x.region, x.country, x.state",
  "",
);

const agent = referenced(
  "agent",
  `x.pid, x.external_id, x.name, x.status, x.type, x.hourly_cost, x.engagement_cost, te.name, de.name,
   x.location, x.organization, x.role, x.manager`,
  `LEFT JOIN entity te ON te.account_id = x.account_id AND te.pid = x.team_pid
   LEFT JOIN entity de ON de.account_id = x.account_id AND de.pid = x.department_pid`,
);

/** Engagements fetched per step when walking the rows that hang off them. */
const ENGAGEMENT_CHUNK = 100;

/**
 * Turns or reviews of the selected engagements, ordered by engagement (start time, PID), then by
 * their own time and PID. Walks engagements in chunks and the child rows of a chunk by keyset,
 * so an engagement with many rows spans pages and a page never holds more than `limit` rows.
 */
function children(table: "turn" | "review", columns: string, joins: string, time: string): DatasetSource {
  const width = EXPORT_COLUMNS[table].length;
  return {
    width,
    cursorOf: (row) => ({
      e: [row[width + 1] as number, row[width + 2] as string],
      t: [row[width + 3] as number, row[0] as string],
    }),
    async page(db, sel, cursor, limit) {
      const at = cursor as { e: [number, string]; t: [number, string] | null } | undefined;
      const [start, pid] = at?.e ?? [sel.fromSec - 1, ""];
      // The chunk starts at the cursor's engagement when rows of it may remain, after it otherwise.
      const inclusive = at !== undefined && at.t !== null;
      const chunk = await db
        .prepare(
          `SELECT e.pid, e.start_time FROM engagement e
           WHERE ${selected(sel)} AND e.start_time >= ?5 AND (e.start_time > ?5 OR e.pid ${inclusive ? ">=" : ">"} ?6)
           ORDER BY e.start_time, e.pid LIMIT ?7`,
        )
        .bind(...selectionArgs(sel), start, pid, ENGAGEMENT_CHUNK)
        .raw<[string, number]>();
      if (chunk.length === 0) return { rows: [], next: null };
      const resume = inclusive && chunk[0]?.[0] === pid && at?.t ? at.t : [Number.MIN_SAFE_INTEGER, ""];
      const rows = await db
        .prepare(
          `SELECT ${columns}, k.key, e.start_time, e.pid, ifnull(x.${time}, 0)
           FROM json_each(?2) k
           JOIN engagement e ON e.account_id = ?1 AND e.pid = k.value
           JOIN ${table} x ON x.account_id = ?1 AND x.engagement_pid = e.pid
           ${joins}
           WHERE k.key > 0 OR ifnull(x.${time}, 0) > ?3 OR (ifnull(x.${time}, 0) = ?3 AND x.pid > ?4)
           ORDER BY k.key, ifnull(x.${time}, 0), x.pid LIMIT ?5`,
        )
        .bind(sel.accountId, JSON.stringify(chunk.map((c) => c[0])), resume[0], resume[1], limit)
        .raw();
      const last = rows.at(-1);
      if (rows.length === limit && last) return { rows, next: this.cursorOf(last) };
      // The chunk is exhausted: go on after its last engagement, or stop when it was the last chunk.
      const lastEngagement = chunk.at(-1) as [string, number];
      return {
        rows,
        next: chunk.length < ENGAGEMENT_CHUNK ? null : { e: [lastEngagement[1], lastEngagement[0]], t: null },
      };
    },
    async count(db, sel) {
      return countOf(
        db,
        `SELECT count(*) FROM engagement e JOIN ${table} x ON x.account_id = e.account_id AND x.engagement_pid = e.pid
         WHERE ${selected(sel)}`,
        sel,
      );
    },
  };
}

const turn = children(
  "turn",
  `x.pid, x.engagement_pid, ${iso("x.turn_time")}, (x.turn_time - e.start_time) * 1000, x.response_to,
   x.participant, x.type, x.origin, cat.name, ${ms("x.duration")}, x.length, x.sentiment, x.confidence, x.quality,
   x.external_id, tc.content, tc.content_agent, tc.content_customer,
   x.language_agent, x.language_customer, x.language_content`,
  `LEFT JOIN turn_content tc ON tc.account_id = x.account_id AND tc.turn_pid = x.pid
   LEFT JOIN entity cat ON cat.account_id = x.account_id AND cat.pid = x.category_pid`,
  "turn_time",
);

const review = children(
  "review",
  `x.pid, x.engagement_pid, x.turn_pid, x.reviewer_pid, rv.name, x.question_pid, q.name, ${iso("x.review_time")},
   x.review_session_id, x.status, x.sampling, x.type, x.kind, x.answer_pid, an.name, x.answer_reason_pid,
   x.answer_reason, x.confidence, x.score, x.answer_score, x.worst_score, x.best_score, x.comment,
   x.comment_translated, x.comment_language, x.comment_translated_language,
   CASE x.verified WHEN 1 THEN 'true' WHEN 0 THEN 'false' END, x.verified_by, x.verification_comment,
   x.answer_type, x.version, x.form_id, ${iso("e.start_time")}, e.agent_pid`,
  `LEFT JOIN reviewer rv ON rv.account_id = x.account_id AND rv.pid = x.reviewer_pid
   LEFT JOIN question q ON q.account_id = x.account_id AND q.pid = x.question_pid
   LEFT JOIN answer an ON an.account_id = x.account_id AND an.pid = x.answer_pid`,
  "review_time",
);

/** The row source of each exportable data set. */
export const DATASET_SOURCES: Record<ExportDataset, DatasetSource> = { engagement, customer, turn, review, agent };
