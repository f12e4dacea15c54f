import { ANSWER_TYPE_OF, type FormBlock, type QuestionType, type ReviewScope } from "../../schemas/qa";
import { normalizeName } from "../analytics/metric-catalog";
import { builtinPid } from "../lib/ids";

// The tags, questions and forms every account has. The built-in metrics find them by name or
// external id (`Review ⏵ Question IN ("Reviewed")`, `("CSAT")`), so those two never change.
// They are rows like any other, with deterministic PIDs and `built_in` set, created when an
// account opens and, for accounts older than this code, on their first use of QA.

export interface BuiltinQuestion {
  key: string;
  name: string;
  type: QuestionType;
  answers: { key: string; name: string; score: number }[];
}

export const BUILTIN_QUESTIONS: readonly BuiltinQuestion[] = [
  { key: "Bookmark", name: "Bookmark", type: "Tag", answers: [] },
  { key: "Reviewed", name: "Reviewed", type: "Tag", answers: [] },
  {
    key: "CSAT",
    name: "CSAT",
    type: "Scale",
    answers: [1, 2, 3, 4, 5].map((score) => ({ key: `CSAT-${score}`, name: String(score), score })),
  },
  { key: "Comment", name: "Comment", type: "Comment", answers: [] },
];

type BuiltinKey = "Bookmark" | "Reviewed" | "CSAT" | "Comment";

/** The PID of a built-in question in an account. */
export function builtinQuestionPid(accountId: string, key: BuiltinKey): string {
  return builtinPid(accountId, "question", key);
}

export interface BuiltinForm {
  key: string;
  name: string;
  description: string;
  scopes: ReviewScope[];
  blocks: (q: (key: BuiltinKey) => string) => FormBlock[];
}

export const BUILTIN_FORMS: readonly BuiltinForm[] = [
  {
    key: "engagement-review",
    name: "Engagement review",
    description: "Mark the engagement reviewed or bookmarked, rate it on the CSAT scale, add a comment.",
    scopes: ["engagement"],
    blocks: (q) => [
      { kind: "tagSet", label: "Tags", questionIds: [q("Reviewed"), q("Bookmark")] },
      { kind: "scale", label: "CSAT", questionId: q("CSAT") },
      { kind: "comment", label: "Comment", questionId: q("Comment") },
    ],
  },
  {
    key: "bookmark-and-note",
    name: "Bookmark and note",
    description: "Bookmark a turn or an engagement to find it again, with a note.",
    scopes: ["engagement", "customerTurn", "agentTurn", "botTurn"],
    blocks: (q) => [
      { kind: "tagSet", label: "Tags", questionIds: [q("Bookmark")] },
      { kind: "comment", label: "Note", questionId: q("Comment") },
    ],
  },
];

/** The PID of a built-in form in an account. */
export function builtinFormPid(accountId: string, key: string): string {
  return builtinPid(accountId, "review_form", key);
}

/**
 * Creates the account's built-in questions, answers and forms if any is missing; cheap when
 * they all exist (one read). Safe to run concurrently: every insert ignores an existing row.
 */
export async function ensureQaBuiltins(db: D1Database, accountId: string): Promise<void> {
  const questionPids = BUILTIN_QUESTIONS.map((q) => builtinPid(accountId, "question", q.key));
  const formPids = BUILTIN_FORMS.map((f) => builtinFormPid(accountId, f.key));
  const found = await db
    .prepare(
      "SELECT (SELECT COUNT(*) FROM question WHERE account_id = ?1 AND pid IN (SELECT value FROM json_each(?2))) AS questions, " +
        "(SELECT COUNT(*) FROM review_form WHERE account_id = ?1 AND pid IN (SELECT value FROM json_each(?3))) AS forms",
    )
    .bind(accountId, JSON.stringify(questionPids), JSON.stringify(formPids))
    .first<{ questions: number; forms: number }>();
  if (found && found.questions === questionPids.length && found.forms === formPids.length) return;

  const statements: D1PreparedStatement[] = [];
  for (const q of BUILTIN_QUESTIONS) {
    const pid = builtinPid(accountId, "question", q.key);
    const scores = q.answers.map((a) => a.score);
    statements.push(
      db
        .prepare(
          "INSERT INTO question (account_id, pid, source_id, external_id, name, type, answer_type, worst_score, best_score, built_in) " +
            "VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, 1) ON CONFLICT DO NOTHING",
        )
        .bind(
          accountId,
          pid,
          q.key,
          q.name,
          q.type,
          ANSWER_TYPE_OF[q.type],
          scores.length ? Math.min(...scores) : null,
          scores.length ? Math.max(...scores) : null,
        ),
    );
    q.answers.forEach((a, i) => {
      statements.push(
        db
          .prepare(
            "INSERT INTO answer (account_id, pid, source_id, external_id, question_pid, name, score, position) " +
              "VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
          )
          .bind(accountId, builtinPid(accountId, "answer", a.key), a.key, pid, a.name, a.score, i + 1),
      );
    });
  }
  const q = (key: BuiltinKey) => builtinQuestionPid(accountId, key);
  for (const f of BUILTIN_FORMS) {
    statements.push(
      db
        .prepare(
          "INSERT INTO review_form (account_id, pid, name, name_key, description, scopes, blocks, built_in, created_by) " +
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, NULL) ON CONFLICT DO NOTHING",
        )
        .bind(
          accountId,
          builtinFormPid(accountId, f.key),
          f.name,
          normalizeName(f.name),
          f.description,
          JSON.stringify(f.scopes),
          JSON.stringify(f.blocks(q)),
        ),
    );
  }
  await db.batch(statements);
}
