import { EXPORT_COLUMNS, type ExportColumnKind, type ExportDataset } from "../../schemas/export";

// One SQL query per file. SQLite itself writes each row as one finished CSV line (seed 004's
// columns in order, RFC 4180 quoting, formula neutralisation, ISO 8601 UTC times, milliseconds), the
// way the `sqlite3` shell's CSV mode would, so the Worker only appends lines; the line is followed
// by hidden key columns the writer uses as a resumable cursor. Every query walks an index in key
// order, so a page costs its own rows.

/** Which engagements an export covers: start time in [fromSec, toSec), optionally of some customers. */
export interface Selection {
  accountId: string;
  fromSec: number;
  toSec: number;
  customerPids: string[] | null;
}

/** Where a file's rows stand: after the row with this key (shape depends on the data set). */
export type Cursor = [number, string] | string | { e: [number, string]; t: [number, string] | null };

/** One page of rows: the CSV line (without CRLF) followed by hidden key cells; `next` is where the page ended. */
export interface RowPage {
  rows: unknown[][];
  next: Cursor | null;
}

export interface DatasetSource {
  /** The cursor just after `row`. */
  cursorOf(row: unknown[]): Cursor;
  /** Rows after `cursor` (from the start when undefined); `next` null when there are no more. */
  page(db: D1Database, sel: Selection, cursor: Cursor | undefined, limit: number): Promise<RowPage>;
  /** How many rows the file will hold, for progress. */
  count(db: D1Database, sel: Selection): Promise<number>;
}

/**
 * One CSV field from a column expression, by kind. Text gets csv.ts's rules: an apostrophe before
 * `= + - @` tab, CR or an apostrophe, then quotes when it holds a comma, quote, CR or LF.
 */
function field(x: string, kind: ExportColumnKind): string {
  switch (kind) {
    case "id":
      return `ifnull(${x}, '')`;
    case "time":
      return `ifnull(strftime('%Y-%m-%dT%H:%M:%SZ', ${x}, 'unixepoch'), '')`;
    case "ms":
      return `ifnull(CAST(round(${x} * 1000) AS INTEGER), '')`;
    case "number":
      // 5.0 is written 5, as JavaScript and the Ingest API would.
      return `ifnull(CASE WHEN typeof(${x}) = 'real' AND ${x} = CAST(${x} AS INTEGER) THEN CAST(${x} AS INTEGER) ELSE ${x} END, '')`;
    case "boolean":
      return `CASE ${x} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE '' END`;
    case "text": {
      const safe = `(CASE WHEN substr(${x}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13), char(39)) THEN char(39) || ${x} ELSE ${x} END)`;
      return `CASE WHEN ${x} IS NULL THEN '' WHEN instr(${x}, '"') OR instr(${x}, ',') OR instr(${x}, char(10)) OR instr(${x}, char(13)) THEN '"' || replace(${safe}, '"', '""') || '"' ELSE ${safe} END`;
    }
  }
}

/** The SQL expression of a whole CSV line of `dataset` from its columns' expressions, in order. */
function csvLine(dataset: ExportDataset, expressions: readonly string[]): string {
  const columns = EXPORT_COLUMNS[dataset];
  if (expressions.length !== columns.length) throw new Error(`${dataset}: ${expressions.length} expressions`);
  const fields = expressions.map((x, i) => `(${field(x, (columns[i] as { kind: ExportColumnKind }).kind)})`);
  // D1 allows expression trees 100 deep, so the fields are joined as a balanced tree, not a chain.
  const join = (from: number, to: number): string => {
    if (to - from === 1) return fields[from] as string;
    const middle = (from + to) >> 1;
    return `(${join(from, middle)} || ',' || ${join(middle, to)})`;
  };
  return join(0, fields.length);
}

const entityName = (alias: string, column: string) =>
  `LEFT JOIN entity ${alias} ON ${alias}.account_id = e.account_id AND ${alias}.pid = e.${column}`;

/** The engagement predicate on alias `e`, bound as ?1 account, ?2 from, ?3 to, ?4 customer PIDs (JSON). */
function selected(sel: Selection): string {
  // ?4 is always bound (D1 wants every parameter up to the highest used), so it is always named.
  const customers = sel.customerPids ? " AND e.customer_pid IN (SELECT value FROM json_each(?4))" : " AND ?4 IS NULL";
  return `e.account_id = ?1 AND e.start_time >= ?2 AND e.start_time < ?3${customers}`;
}
/**
 * The bound values of `selected`. A page passes its cursor's start time as `after`, so the index
 * range starts at the cursor rather than at `from` (SQLite uses one lower bound, and would
 * otherwise re-read the window up to the cursor on every page).
 */
const selectionArgs = (sel: Selection, after = Number.MIN_SAFE_INTEGER) => [
  sel.accountId,
  Math.max(sel.fromSec, after),
  sel.toSec,
  sel.customerPids ? JSON.stringify(sel.customerPids) : null,
];

const ENGAGEMENT_LINE = csvLine("engagement", [
  "e.pid",
  "e.external_id",
  "e.name",
  "e.link",
  "e.agent_pid",
  "ag.name",
  "e.customer_pid",
  "cu.name",
  "e.conversation_start_time",
  "e.start_time",
  "e.end_time",
  "e.conversation_pid",
  "e.conversation_external_id",
  "e.channel_type",
  "e.direction",
  "e.status",
  "e.type",
  "e.outcome_type",
  "e.service_level",
  "e.terminated_by",
  "e.initiated_by",
  "e.resolution",
  "ch.name",
  "qu.name",
  "te.name",
  "de.name",
  "oc.name",
  "ocat.name",
  "e.reason",
  "e.reason_category",
  "e.case_name",
  "e.platform",
  "src.name",
  "e.language",
  "e.channel_vendor",
  "e.category",
  "ca.name",
  "e.priority",
  "mp.name",
  "e.flow",
  "sv.name",
  "cc.name",
  "e.brand",
  "e.topic_category",
  "e.topic",
  "e.attribute_01",
  "e.attribute_02",
  "e.attribute_03",
  "e.attribute_04",
  "e.agent_location",
  "e.agent_role",
  "e.agent_organization",
  "xa.name",
  "e.cost",
  "e.engagement_time",
  "e.focus_time",
  "e.hold_time",
  "e.invitation_time",
  "e.menu_time",
  "e.preparation_time",
  "e.wait_time",
  "e.wrap_up_time",
  "e.total_time",
  "e.engagement_fact_01",
  "e.engagement_fact_02",
  "e.engagement_fact_03",
  "e.wait_for_customer_time",
  "e.order_agent_engagements",
  "e.total_conversation_agent_engagements",
  "e.adaptability",
  "e.adherence",
  "e.clarity",
  "e.completeness",
  "e.customer_satisfaction",
  "e.empathy",
  "e.expressed_satisfaction",
  "e.language_skills",
  "e.persuasion",
  "e.severity",
  "e.understanding",
]);

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
  cursorOf: (row) => [row[1] as number, row[2] as string],
  async page(db, sel, cursor, limit) {
    const [start, pid] = (cursor as [number, string] | undefined) ?? [sel.fromSec - 1, ""];
    const results = await db
      .prepare(
        `SELECT ${ENGAGEMENT_LINE}, e.start_time, e.pid FROM engagement e ${ENGAGEMENT_JOINS}
         WHERE ${selected(sel)} AND (e.start_time > ?5 OR e.pid > ?6)
         ORDER BY e.start_time, e.pid LIMIT ?7`,
      )
      .bind(...selectionArgs(sel, start), start, pid, limit)
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

/** Customer and agent lines are short and each page re-reads the window's references: fewer, larger pages. */
const REFERENCED_PAGE_FACTOR = 5;

/** Customers or agents the selected engagements reference, in PID order. */
function referenced(table: "customer" | "agent", columns: readonly string[], joins: string): DatasetSource {
  const reference = table === "customer" ? "customer_pid" : "agent_pid";
  const line = csvLine(table, columns);
  return {
    cursorOf: (row) => row[1] as string,
    async page(db, sel, cursor, limit) {
      const results = await db
        .prepare(
          `SELECT ${line}, x.pid FROM ${table} x ${joins}
           WHERE x.account_id = ?1 AND x.pid > ?5
             AND x.pid IN (SELECT e.${reference} FROM engagement e WHERE ${selected(sel)})
           ORDER BY x.pid LIMIT ?6`,
        )
        .bind(...selectionArgs(sel), (cursor as string | undefined) ?? "", limit * REFERENCED_PAGE_FACTOR)
        .raw();
      const last = results.at(-1);
      const full = results.length === limit * REFERENCED_PAGE_FACTOR;
      return { rows: results, next: full && last ? (last[1] as string) : null };
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
  [
    "pid",
    "external_id",
    "name",
    "link",
    "type",
    "category",
    "segment",
    "organization",
    "region",
    "country",
    "state",
  ].map((c) => `x.${c}`),
  "",
);

const agent = referenced(
  "agent",
  [
    "x.pid",
    "x.external_id",
    "x.name",
    "x.status",
    "x.type",
    "x.hourly_cost",
    "x.engagement_cost",
    "te.name",
    "de.name",
    "x.location",
    "x.organization",
    "x.role",
    "x.manager",
  ],
  `LEFT JOIN entity te ON te.account_id = x.account_id AND te.pid = x.team_pid
   LEFT JOIN entity de ON de.account_id = x.account_id AND de.pid = x.department_pid`,
);

/**
 * Turns or reviews of the selected engagements, ordered by engagement (start time, PID), then by
 * their own time and PID. One join walks the engagements in index order and each one's rows, so
 * SQLite only sorts within one engagement and stops at the page's limit; a page that ends inside
 * an engagement is continued by a query for the rest of that engagement.
 */
function children(table: "turn" | "review", columns: readonly string[], joins: string, time: string): DatasetSource {
  const line = csvLine(table, columns);
  const at = `ifnull(x.${time}, 0)`;
  // CROSS JOIN fixes the join order: engagements outside, their rows inside.
  const select = `SELECT ${line}, e.start_time, e.pid, ${at}, x.pid
    FROM engagement e CROSS JOIN ${table} x ON x.account_id = e.account_id AND x.engagement_pid = e.pid ${joins}`;
  return {
    cursorOf: (row) => ({
      e: [row[1] as number, row[2] as string],
      t: [row[3] as number, row[4] as string],
    }),
    async page(db, sel, cursor, limit) {
      const from = cursor as { e: [number, string]; t: [number, string] | null } | undefined;
      let rows: unknown[][] = [];
      if (from?.t) {
        rows = await db
          .prepare(
            `${select} WHERE e.account_id = ?1 AND e.pid = ?2 AND (${at} > ?3 OR (${at} = ?3 AND x.pid > ?4))
             ORDER BY ${at}, x.pid LIMIT ?5`,
          )
          .bind(sel.accountId, from.e[1], from.t[0], from.t[1], limit)
          .raw();
        const last = rows.at(-1);
        if (rows.length === limit && last) return { rows, next: this.cursorOf(last) };
      }
      const [start, pid] = from?.e ?? [sel.fromSec - 1, ""];
      const want = limit - rows.length;
      const more = await db
        .prepare(
          `${select} WHERE ${selected(sel)} AND (e.start_time > ?5 OR e.pid > ?6)
           ORDER BY e.start_time, e.pid, ${at}, x.pid LIMIT ?7`,
        )
        .bind(...selectionArgs(sel, start), start, pid, want)
        .raw();
      rows = rows.concat(more);
      const last = rows.at(-1);
      return { rows, next: more.length < want || !last ? null : this.cursorOf(last) };
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
  [
    "x.pid",
    "x.engagement_pid",
    "x.turn_time",
    "(x.turn_time - e.start_time) * 1000",
    "x.response_to",
    "x.participant",
    "x.type",
    "x.origin",
    "cat.name",
    "x.duration",
    "x.length",
    "x.sentiment",
    "x.confidence",
    "x.quality",
    "x.external_id",
    "tc.content",
    "tc.content_agent",
    "tc.content_customer",
    "x.language_agent",
    "x.language_customer",
    "x.language_content",
  ],
  `LEFT JOIN turn_content tc ON tc.account_id = x.account_id AND tc.turn_pid = x.pid
   LEFT JOIN entity cat ON cat.account_id = x.account_id AND cat.pid = x.category_pid`,
  "turn_time",
);

const review = children(
  "review",
  [
    "x.pid",
    "x.engagement_pid",
    "x.turn_pid",
    "x.reviewer_pid",
    "rv.name",
    "x.question_pid",
    "q.name",
    "x.review_time",
    "x.review_session_id",
    "x.status",
    "x.sampling",
    "x.type",
    "x.kind",
    "x.answer_pid",
    "an.name",
    "x.answer_reason_pid",
    "x.answer_reason",
    "x.confidence",
    "x.score",
    "x.answer_score",
    "x.worst_score",
    "x.best_score",
    "x.comment",
    "x.comment_translated",
    "x.comment_language",
    "x.comment_translated_language",
    "x.verified",
    "x.verified_by",
    "x.verification_comment",
    "x.answer_type",
    "x.version",
    "x.form_id",
    "e.start_time",
    "e.agent_pid",
  ],
  `LEFT JOIN reviewer rv ON rv.account_id = x.account_id AND rv.pid = x.reviewer_pid
   LEFT JOIN question q ON q.account_id = x.account_id AND q.pid = x.question_pid
   LEFT JOIN answer an ON an.account_id = x.account_id AND an.pid = x.answer_pid`,
  "review_time",
);

/** The row source of each exportable data set. */
export const DATASET_SOURCES: Record<ExportDataset, DatasetSource> = { engagement, customer, turn, review, agent };
