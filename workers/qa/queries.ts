import { and, asc, eq, gt, inArray, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { answer, question, review, reviewer, reviewFeedback, reviewForm, reviewFormChoice, source } from "../db/schema";
import { nowSeconds } from "../lib/time";

// D1 access for quality assurance: the question catalog, forms, form choices, reviews and
// feedback. Every query is scoped to the account (and choices and feedback to their user).

export type QuestionRow = typeof question.$inferSelect & { sourceName: string | null };
export type AnswerRow = typeof answer.$inferSelect;
export type FormRow = typeof reviewForm.$inferSelect;

// ───────────── questions ─────────────

const questionColumns = {
  accountId: question.accountId,
  pid: question.pid,
  sourceId: question.sourceId,
  externalId: question.externalId,
  name: question.name,
  type: question.type,
  answerType: question.answerType,
  worstScore: question.worstScore,
  bestScore: question.bestScore,
  builtIn: question.builtIn,
  updatedAt: question.updatedAt,
  sourceName: source.name,
};

const nameKeyOf = sql<string>`lower(coalesce(${question.name}, ''))`;

/** Questions ordered by name (any case) then PID, `limit` after `after`, optionally of one type or containing `q`. */
export async function listQuestions(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [string, string]; type?: string; q?: string },
): Promise<(QuestionRow & { nameKey: string })[]> {
  const conditions: (SQL | undefined)[] = [eq(question.accountId, accountId)];
  if (options.after) {
    const [key, pid] = options.after;
    conditions.push(or(sql`${nameKeyOf} > ${key}`, and(sql`${nameKeyOf} = ${key}`, gt(question.pid, pid))));
  }
  if (options.type) conditions.push(eq(question.type, options.type));
  if (options.q) conditions.push(sql`instr(${nameKeyOf}, ${options.q.toLowerCase()}) > 0`);
  return db
    .select({ ...questionColumns, nameKey: nameKeyOf })
    .from(question)
    .leftJoin(source, and(eq(source.accountId, question.accountId), eq(source.id, question.sourceId)))
    .where(and(...conditions))
    .orderBy(asc(nameKeyOf), asc(question.pid))
    .limit(options.limit);
}

/** The account's questions among `pids` (unknown ones are simply missing). */
export async function questionsByPid(db: Db, accountId: string, pids: readonly string[]): Promise<QuestionRow[]> {
  if (pids.length === 0) return [];
  return db
    .select(questionColumns)
    .from(question)
    .leftJoin(source, and(eq(source.accountId, question.accountId), eq(source.id, question.sourceId)))
    .where(and(eq(question.accountId, accountId), inArray(question.pid, [...new Set(pids)])));
}

/** The answers of `questionPids`, by question then position. */
export async function answersOf(db: Db, accountId: string, questionPids: readonly string[]): Promise<AnswerRow[]> {
  if (questionPids.length === 0) return [];
  return db
    .select()
    .from(answer)
    .where(and(eq(answer.accountId, accountId), inArray(answer.questionPid, [...new Set(questionPids)])))
    .orderBy(asc(answer.questionPid), asc(answer.position), asc(answer.pid));
}

/** The account's answers among `pids`. */
export async function answersByPid(db: Db, accountId: string, pids: readonly string[]): Promise<AnswerRow[]> {
  if (pids.length === 0) return [];
  return db
    .select()
    .from(answer)
    .where(and(eq(answer.accountId, accountId), inArray(answer.pid, [...new Set(pids)])));
}

/** Another question of the account with this name, any letter case. */
export async function questionNamed(
  db: Db,
  accountId: string,
  name: string,
  exceptPid?: string,
): Promise<{ pid: string; name: string | null } | undefined> {
  const rows = await db
    .select({ pid: question.pid, name: question.name })
    .from(question)
    .where(and(eq(question.accountId, accountId), sql`lower(trim(${question.name})) = ${name.trim().toLowerCase()}`))
    .limit(2);
  return rows.find((r) => r.pid !== exceptPid);
}

export interface QuestionValues {
  pid: string;
  name: string;
  type: string;
  answerType: string;
  worstScore: number | null;
  bestScore: number | null;
}

export interface AnswerValues {
  pid: string;
  name: string;
  score: number | null;
  position: number;
}

/** Creates or replaces a question and its answers in one transaction; `remove` answers are deleted. */
export async function saveQuestion(
  db: Db,
  accountId: string,
  values: QuestionValues,
  answers: readonly AnswerValues[],
  remove: readonly string[] = [],
): Promise<void> {
  const now = nowSeconds();
  const statements: BatchItem<"sqlite">[] = [
    db
      .insert(question)
      .values({ accountId, ...values, builtIn: false, updatedAt: now })
      .onConflictDoUpdate({
        target: [question.accountId, question.pid],
        set: {
          name: values.name,
          worstScore: values.worstScore,
          bestScore: values.bestScore,
          updatedAt: now,
        },
      }),
    ...(remove.length
      ? [db.delete(answer).where(and(eq(answer.accountId, accountId), inArray(answer.pid, [...remove])))]
      : []),
    ...answers.map((a) =>
      db
        .insert(answer)
        .values({ accountId, ...a, questionPid: values.pid, updatedAt: now })
        .onConflictDoUpdate({
          target: [answer.accountId, answer.pid],
          set: { name: a.name, score: a.score, position: a.position, updatedAt: now },
        }),
    ),
  ];
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/** Deletes a question and its answers. */
export async function deleteQuestion(db: Db, accountId: string, pid: string): Promise<void> {
  await db.batch([
    db.delete(answer).where(and(eq(answer.accountId, accountId), eq(answer.questionPid, pid))),
    db.delete(question).where(and(eq(question.accountId, accountId), eq(question.pid, pid))),
  ]);
}

/** How many reviews answer `questionPid`. */
export async function reviewsOfQuestion(raw: D1Database, accountId: string, questionPid: string): Promise<number> {
  const row = await raw
    .prepare("SELECT COUNT(*) AS n FROM review WHERE account_id = ?1 AND question_pid = ?2")
    .bind(accountId, questionPid)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Which of `answerPids` reviews have chosen. */
export async function answersInUse(
  raw: D1Database,
  accountId: string,
  answerPids: readonly string[],
): Promise<string[]> {
  if (answerPids.length === 0) return [];
  const { results } = await raw
    .prepare(
      "SELECT DISTINCT answer_pid AS pid FROM review WHERE account_id = ?1 AND answer_pid IN (SELECT value FROM json_each(?2))",
    )
    .bind(accountId, JSON.stringify(answerPids))
    .all<{ pid: string }>();
  return results.map((r) => r.pid);
}

// ───────────── forms ─────────────

/** Forms ordered by name key then PID, optionally allowed in `scope` or containing `q`. */
export async function listForms(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [string, string]; scope?: string; q?: string },
): Promise<FormRow[]> {
  const conditions: (SQL | undefined)[] = [eq(reviewForm.accountId, accountId)];
  if (options.after) {
    const [key, pid] = options.after;
    conditions.push(or(gt(reviewForm.nameKey, key), and(eq(reviewForm.nameKey, key), gt(reviewForm.pid, pid))));
  }
  if (options.scope) conditions.push(sql`instr(${reviewForm.scopes}, ${JSON.stringify(options.scope)}) > 0`);
  if (options.q) conditions.push(sql`instr(${reviewForm.nameKey}, ${options.q}) > 0`);
  return db
    .select()
    .from(reviewForm)
    .where(and(...conditions))
    .orderBy(asc(reviewForm.nameKey), asc(reviewForm.pid))
    .limit(options.limit);
}

export async function getForm(db: Db, accountId: string, pid: string): Promise<FormRow | undefined> {
  return db.query.reviewForm.findFirst({ where: and(eq(reviewForm.accountId, accountId), eq(reviewForm.pid, pid)) });
}

/** Another form of the account with this name key. */
export async function formNamed(db: Db, accountId: string, nameKey: string, exceptPid?: string): Promise<boolean> {
  const rows = await db
    .select({ pid: reviewForm.pid })
    .from(reviewForm)
    .where(and(eq(reviewForm.accountId, accountId), eq(reviewForm.nameKey, nameKey)))
    .limit(2);
  return rows.some((r) => r.pid !== exceptPid);
}

/** The forms whose blocks use `questionPid`. */
export async function formsUsingQuestion(
  db: Db,
  accountId: string,
  questionPid: string,
): Promise<{ pid: string; name: string }[]> {
  return db
    .select({ pid: reviewForm.pid, name: reviewForm.name })
    .from(reviewForm)
    .where(and(eq(reviewForm.accountId, accountId), sql`instr(${reviewForm.blocks}, ${questionPid}) > 0`))
    .orderBy(asc(reviewForm.nameKey))
    .limit(20);
}

export async function insertForm(
  db: Db,
  accountId: string,
  values: Pick<FormRow, "pid" | "name" | "nameKey" | "description" | "scopes" | "blocks" | "createdBy">,
): Promise<FormRow> {
  const [row] = await db
    .insert(reviewForm)
    .values({ accountId, ...values, builtIn: false })
    .returning();
  if (!row) throw new Error("form insert returned nothing");
  return row;
}

export async function updateForm(
  db: Db,
  accountId: string,
  pid: string,
  values: Pick<FormRow, "name" | "nameKey" | "description" | "scopes" | "blocks">,
): Promise<FormRow | undefined> {
  const [row] = await db
    .update(reviewForm)
    .set({ ...values, updatedAt: nowSeconds() })
    .where(and(eq(reviewForm.accountId, accountId), eq(reviewForm.pid, pid), eq(reviewForm.builtIn, false)))
    .returning();
  return row;
}

/** Deletes a custom form and every user's choice of it. */
export async function deleteForm(db: Db, accountId: string, pid: string): Promise<void> {
  await db.batch([
    db
      .delete(reviewFormChoice)
      .where(and(eq(reviewFormChoice.accountId, accountId), eq(reviewFormChoice.formPid, pid))),
    db
      .delete(reviewForm)
      .where(and(eq(reviewForm.accountId, accountId), eq(reviewForm.pid, pid), eq(reviewForm.builtIn, false))),
  ]);
}

// ───────────── form choices ─────────────

/** The user's remembered form per scope, with the scopes each chosen form allows now. */
export async function formChoices(
  db: Db,
  accountId: string,
  userId: string,
): Promise<{ scope: string; formPid: string; scopes: string }[]> {
  return db
    .select({ scope: reviewFormChoice.scope, formPid: reviewFormChoice.formPid, scopes: reviewForm.scopes })
    .from(reviewFormChoice)
    .innerJoin(
      reviewForm,
      and(eq(reviewForm.accountId, reviewFormChoice.accountId), eq(reviewForm.pid, reviewFormChoice.formPid)),
    )
    .where(and(eq(reviewFormChoice.accountId, accountId), eq(reviewFormChoice.userId, userId)));
}

/** The statement that remembers `formPid` as the user's form for `scope`. */
export function chooseForm(db: Db, accountId: string, userId: string, scope: string, formPid: string) {
  const now = nowSeconds();
  return db
    .insert(reviewFormChoice)
    .values({ accountId, userId, scope, formPid, updatedAt: now })
    .onConflictDoUpdate({
      target: [reviewFormChoice.accountId, reviewFormChoice.userId, reviewFormChoice.scope],
      set: { formPid, updatedAt: now },
    });
}

// ───────────── engagements and turns (read-only here) ─────────────

export async function engagementExists(raw: D1Database, accountId: string, pid: string): Promise<boolean> {
  const row = await raw
    .prepare("SELECT 1 AS ok FROM engagement WHERE account_id = ?1 AND pid = ?2")
    .bind(accountId, pid)
    .first<{ ok: number }>();
  return row !== null;
}

export async function turnById(
  raw: D1Database,
  accountId: string,
  pid: string,
): Promise<{ engagementPid: string | null; participant: string | null } | null> {
  return raw
    .prepare("SELECT engagement_pid AS engagementPid, participant FROM turn WHERE account_id = ?1 AND pid = ?2")
    .bind(accountId, pid)
    .first();
}

// ───────────── reviewers, reviews, feedback ─────────────

/** The statement that creates (or renames) the reviewer row of a signed-in user. */
export function upsertUserReviewer(db: Db, accountId: string, pid: string, userId: string, name: string) {
  const now = nowSeconds();
  return db
    .insert(reviewer)
    .values({ accountId, pid, name, type: "Human", userId, updatedAt: now })
    .onConflictDoUpdate({ target: [reviewer.accountId, reviewer.pid], set: { name, updatedAt: now } });
}

export type ReviewValues = Omit<typeof review.$inferInsert, "accountId" | "updatedAt">;

/** The statement that inserts a review unless its PID exists, returning its PID when it was new. */
export function insertReview(db: Db, accountId: string, values: ReviewValues) {
  return db
    .insert(review)
    .values({ accountId, ...values, updatedAt: nowSeconds() })
    .onConflictDoNothing()
    .returning({ pid: review.pid });
}

/** A review as the API shows it, joined with its question, answer, reviewer, form and the user's feedback. */
export interface ReviewViewRow {
  pid: string;
  engagement_pid: string | null;
  turn_pid: string | null;
  form_id: string | null;
  form_name: string | null;
  review_session_id: string | null;
  question_pid: string | null;
  question_name: string | null;
  question_type: string | null;
  answer_pid: string | null;
  answer_name: string | null;
  answer_score_now: number | null;
  reviewer_pid: string | null;
  reviewer_name: string | null;
  reviewer_type: string | null;
  reviewer_user_id: string | null;
  kind: string | null;
  type: string | null;
  status: string | null;
  comment: string | null;
  answer_score: number | null;
  worst_score: number | null;
  best_score: number | null;
  confidence: number | null;
  review_time: number | null;
  verified: number | null;
  verified_by: string | null;
  verification_comment: string | null;
  my_verdict: string | null;
  my_comment: string | null;
  my_updated_at: number | null;
}

const REVIEW_VIEW = `SELECT r.pid, r.engagement_pid, r.turn_pid, r.form_id, f.name AS form_name, r.review_session_id,
  r.question_pid, q.name AS question_name, q.type AS question_type,
  r.answer_pid, a.name AS answer_name, a.score AS answer_score_now,
  r.reviewer_pid, rv.name AS reviewer_name, rv.type AS reviewer_type, rv.user_id AS reviewer_user_id,
  r.kind, r.type, r.status, r.comment, r.answer_score, r.worst_score, r.best_score, r.confidence, r.review_time,
  r.verified, r.verified_by, r.verification_comment,
  fb.verdict AS my_verdict, fb.comment AS my_comment, fb.updated_at AS my_updated_at
FROM review r
LEFT JOIN question q ON q.account_id = r.account_id AND q.pid = r.question_pid
LEFT JOIN answer a ON a.account_id = r.account_id AND a.pid = r.answer_pid
LEFT JOIN reviewer rv ON rv.account_id = r.account_id AND rv.pid = r.reviewer_pid
LEFT JOIN review_form f ON f.account_id = r.account_id AND f.pid = r.form_id
LEFT JOIN review_feedback fb ON fb.account_id = r.account_id AND fb.review_pid = r.pid AND fb.user_id = ?2`;

/** The reviews among `pids`, in the order of `pids`. */
export async function reviewsByPid(
  raw: D1Database,
  accountId: string,
  userId: string,
  pids: readonly string[],
): Promise<ReviewViewRow[]> {
  if (pids.length === 0) return [];
  const { results } = await raw
    .prepare(`${REVIEW_VIEW} WHERE r.account_id = ?1 AND r.pid IN (SELECT value FROM json_each(?3))`)
    .bind(accountId, userId, JSON.stringify(pids))
    .all<ReviewViewRow>();
  const order = new Map(pids.map((p, i) => [p, i]));
  return results.sort((x, y) => (order.get(x.pid) ?? 0) - (order.get(y.pid) ?? 0));
}

/**
 * A target's reviews, newest first (review time, then PID), `limit` after `after`: one turn's,
 * or the engagement's own (with its turns' when `includeTurns`); withdrawn ones only when asked.
 */
export async function listReviews(
  raw: D1Database,
  accountId: string,
  userId: string,
  options: {
    engagementPid: string;
    turnPid?: string;
    includeTurns: boolean;
    includeWithdrawn: boolean;
    limit: number;
    after?: [number, string];
  },
): Promise<ReviewViewRow[]> {
  const where = ["r.account_id = ?1", "r.engagement_pid = ?3"];
  const binds: unknown[] = [accountId, userId, options.engagementPid];
  if (options.turnPid) {
    binds.push(options.turnPid);
    where.push(`r.turn_pid = ?${binds.length}`);
  } else if (!options.includeTurns) {
    where.push("r.turn_pid IS NULL");
  }
  if (!options.includeWithdrawn) where.push("r.status IS NOT 'Withdrawn'");
  if (options.after) {
    binds.push(options.after[0], options.after[1]);
    const t = `?${binds.length - 1}`;
    const p = `?${binds.length}`;
    where.push(`(coalesce(r.review_time, 0) < ${t} OR (coalesce(r.review_time, 0) = ${t} AND r.pid < ${p}))`);
  }
  binds.push(options.limit);
  const { results } = await raw
    .prepare(
      `${REVIEW_VIEW} WHERE ${where.join(" AND ")} ORDER BY coalesce(r.review_time, 0) DESC, r.pid DESC LIMIT ?${binds.length}`,
    )
    .bind(...binds)
    .all<ReviewViewRow>();
  return results;
}

/** The statement that sets a review's status (and, for approve/dispute, its verification). */
export function setReviewStatus(
  db: Db,
  accountId: string,
  pid: string,
  values: { status: string; verified?: boolean; verifiedBy?: string; verificationComment?: string | null },
) {
  return db
    .update(review)
    .set({ ...values, updatedAt: nowSeconds() })
    .where(and(eq(review.accountId, accountId), eq(review.pid, pid)));
}

/** The statement that records (or changes) a user's feedback on a review. */
export function upsertFeedback(
  db: Db,
  accountId: string,
  reviewPid: string,
  userId: string,
  verdict: string,
  comment: string | null,
) {
  const now = nowSeconds();
  return db
    .insert(reviewFeedback)
    .values({ accountId, reviewPid, userId, verdict, comment, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [reviewFeedback.accountId, reviewFeedback.reviewPid, reviewFeedback.userId],
      set: { verdict, comment, updatedAt: now },
    });
}
