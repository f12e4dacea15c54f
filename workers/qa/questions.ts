import { ANSWER_TYPE_OF, type Answer, type Question, type QuestionInput, type QuestionType } from "../../schemas/qa";
import { badRequest } from "../lib/errors";
import { isoFromSeconds } from "../lib/time";
import type { AnswerRow, QuestionRow } from "./queries";

/** A question row and its answers as the API shows them. */
export function questionView(row: QuestionRow, answers: readonly AnswerRow[]): Question {
  return {
    id: row.pid,
    externalId: row.externalId,
    name: row.name ?? "",
    type: row.type,
    answerType: row.answerType,
    worstScore: row.worstScore,
    bestScore: row.bestScore,
    score: row.type === "Tag" ? row.bestScore : null,
    builtIn: row.builtIn,
    source: row.sourceId ? { id: row.sourceId, name: row.sourceName } : null,
    editable: !row.builtIn && !row.sourceId,
    answers: answers
      .filter((a) => a.questionPid === row.pid)
      .map(
        (a): Answer => ({
          id: a.pid,
          externalId: a.externalId,
          name: a.name ?? "",
          score: a.score,
          position: a.position ?? 0,
        }),
      ),
    updatedAt: isoFromSeconds(row.updatedAt),
  };
}

/** Questions in `rows` with their answers from `answers`. */
export function questionViews(rows: readonly QuestionRow[], answers: readonly AnswerRow[]): Question[] {
  return rows.map((r) => questionView(r, answers));
}

/**
 * Checks a question's answers and score against its type and returns what the question row
 * stores: the answer type and the worst and best score (a tag's score is both).
 */
export function checkQuestion(input: QuestionInput): {
  answerType: string;
  worstScore: number | null;
  bestScore: number | null;
} {
  const type: QuestionType = input.type;
  const answerType = ANSWER_TYPE_OF[type];
  if (type !== "Tag" && input.score !== null) {
    throw badRequest("SCORE_NOT_ALLOWED", "Only a tag has a score of its own; give the answers scores instead.");
  }
  if (type === "Tag" || type === "Comment") {
    if (input.answers.length > 0) {
      throw badRequest(
        "ANSWERS_NOT_ALLOWED",
        type === "Tag"
          ? "A tag has no answers: it is applied or not. Give it a score if it should count."
          : "A comment question has no answers: reviewers write text.",
      );
    }
    return { answerType, worstScore: input.score, bestScore: input.score };
  }
  if (input.answers.length < 2) {
    throw badRequest("TOO_FEW_ANSWERS", `A ${type} question needs at least 2 answers.`);
  }
  const names = new Set<string>();
  for (const a of input.answers) {
    const key = a.name.toLowerCase();
    if (names.has(key)) throw badRequest("DUPLICATE_ANSWER_NAME", `Two answers are named "${a.name}".`);
    names.add(key);
  }
  if (type === "Scale") {
    input.answers.forEach((a, i) => {
      if (a.score === null) {
        throw badRequest("SCORE_REQUIRED", `Every answer of a scale needs a score; "${a.name}" has none.`);
      }
      const before = input.answers[i - 1]?.score;
      if (i > 0 && before !== null && before !== undefined && a.score <= before) {
        throw badRequest(
          "SCALE_NOT_ORDERED",
          `A scale lists its answers from the lowest score to the highest; "${a.name}" (${a.score}) comes after ${before}.`,
        );
      }
    });
  }
  const scores = input.answers.map((a) => a.score).filter((s): s is number => s !== null);
  return {
    answerType,
    worstScore: scores.length ? Math.min(...scores) : null,
    bestScore: scores.length ? Math.max(...scores) : null,
  };
}
