import type { ReviewItem, ReviewScope, ReviewSubmission, Verdict } from "../../schemas/qa";
import type { Db } from "../db/client";
import type { UserPrincipal } from "../env";
import { ApiError, badRequest } from "../lib/errors";
import { derivedPid } from "../lib/ids";
import { isoFromSeconds } from "../lib/time";
import { blockQuestions, parseBlocks, parseScopes } from "./forms";
import {
  answersByPid,
  engagementExists,
  getForm,
  questionsByPid,
  type ReviewValues,
  type ReviewViewRow,
  turnById,
} from "./queries";

/** The scope a turn's participant puts it in; other participants (SYSTEM) have no review forms. */
const TURN_SCOPES: Record<string, ReviewScope> = {
  CUSTOMER: "customerTurn",
  AGENT: "agentTurn",
  EXTERNAL_AGENT: "agentTurn",
  BOT: "botTurn",
};

const MANUAL_VERDICTS: readonly Verdict[] = ["approve", "dispute"];
const AUTOMATIC_VERDICTS: readonly Verdict[] = ["correct", "incorrect", "unclear"];

/** The review PID one question of one submission gets: sending the submission again yields the same. */
export function submissionReviewPid(accountId: string, submissionId: string, questionId: string): string {
  return derivedPid(accountId, "review", submissionId, questionId);
}

/** The reviewer row a signed-in user's reviews point at. */
export function userReviewerPid(accountId: string, userId: string): string {
  return derivedPid(accountId, "reviewer", userId);
}

/** 404 for an id in a request body that names nothing in the account, with the field at fault. */
function missing(what: string, field: string, id: string): ApiError {
  return new ApiError(404, "NOT_FOUND", `${what} ${id} not found.`, { details: { field, id } });
}

/**
 * Checks a submission against the account's data and turns each answer into a review row:
 * the engagement, turn, form, questions and answers exist (404 otherwise), the turn belongs to
 * the engagement, the form may be used there, each question is in the form once, and each
 * answer fits its question. Nothing is written here.
 */
export async function planSubmission(
  db: Db,
  raw: D1Database,
  accountId: string,
  input: ReviewSubmission,
  reviewerPid: string,
  now: number,
): Promise<ReviewValues[]> {
  const seen = new Set<string>();
  input.answers.forEach((a, i) => {
    if (seen.has(a.questionId)) {
      throw badRequest("DUPLICATE_QUESTION", `answers.${i}: question ${a.questionId} is answered twice.`, {
        field: `answers.${i}.questionId`,
      });
    }
    seen.add(a.questionId);
  });
  if (!(await engagementExists(raw, accountId, input.engagementId))) {
    throw missing("Engagement", "engagementId", input.engagementId);
  }
  let scope: ReviewScope = "engagement";
  if (input.turnId) {
    const turn = await turnById(raw, accountId, input.turnId);
    if (!turn) throw missing("Turn", "turnId", input.turnId);
    if (turn.engagementPid !== input.engagementId) {
      throw badRequest("TURN_NOT_IN_ENGAGEMENT", "The turn belongs to another engagement.", { field: "turnId" });
    }
    const turnScope = TURN_SCOPES[turn.participant ?? ""];
    if (!turnScope) {
      throw badRequest(
        "TURN_NOT_REVIEWABLE",
        `Turns by ${turn.participant ?? "an unknown participant"} cannot be reviewed; review the engagement instead.`,
        { field: "turnId" },
      );
    }
    scope = turnScope;
  }
  const form = await getForm(db, accountId, input.formId);
  if (!form) throw missing("Form", "formId", input.formId);
  if (!parseScopes(form).includes(scope)) {
    throw badRequest("FORM_SCOPE_MISMATCH", `The form "${form.name}" may not be used for ${scope}.`, {
      field: "formId",
    });
  }
  const inForm = new Set(blockQuestions(parseBlocks(form)));
  const questionIds = input.answers.map((a) => a.questionId);
  const answerIds = input.answers.flatMap((a) => (a.answerId ? [a.answerId] : []));
  const [questions, answers] = await Promise.all([
    questionsByPid(db, accountId, questionIds),
    answersByPid(db, accountId, answerIds),
  ]);
  const questionById = new Map(questions.map((q) => [q.pid, q]));
  const answerById = new Map(answers.map((a) => [a.pid, a]));

  const reviews = input.answers.map((a, i): ReviewValues => {
    const at = `answers.${i}`;
    const q = questionById.get(a.questionId);
    if (!q) throw missing("Question", `${at}.questionId`, a.questionId);
    if (!inForm.has(q.pid)) {
      throw badRequest("QUESTION_NOT_IN_FORM", `${at}: "${q.name}" is not in the form "${form.name}".`, {
        field: `${at}.questionId`,
      });
    }
    const chosen = a.answerId ? answerById.get(a.answerId) : undefined;
    if (a.answerId && !chosen) throw missing("Answer", `${at}.answerId`, a.answerId);
    const type = q.type;
    if (type !== "Tag" && a.tagged !== undefined) {
      throw badRequest("ANSWER_NOT_ALLOWED", `${at}: "tagged" is for tags; "${q.name}" is a ${type}.`, {
        field: `${at}.tagged`,
      });
    }
    const base = {
      pid: submissionReviewPid(accountId, input.submissionId, q.pid),
      engagementPid: input.engagementId,
      turnPid: input.turnId ?? null,
      reviewerPid,
      questionPid: q.pid,
      reviewTime: now,
      reviewSessionId: input.submissionId,
      status: "Submitted",
      kind: "Manual",
      answerType: q.answerType,
      worstScore: q.worstScore,
      bestScore: q.bestScore,
      comment: a.comment ?? null,
      verified: false,
      version: 1,
      formId: form.pid,
    };
    if (type === "Tag") {
      if (chosen) {
        throw badRequest("ANSWER_NOT_ALLOWED", `${at}: "${q.name}" is a tag; tags have no answers.`, {
          field: `${at}.answerId`,
        });
      }
      if (a.tagged === false) {
        throw badRequest("TAG_NOT_SET", `${at}: send a tag to apply it; to take one back, withdraw its review.`, {
          field: `${at}.tagged`,
        });
      }
      return { ...base, type: "Tag", answerPid: null, score: q.bestScore, answerScore: q.bestScore };
    }
    if (type === "Comment") {
      if (chosen) {
        throw badRequest("ANSWER_NOT_ALLOWED", `${at}: "${q.name}" takes a comment, not an answer.`, {
          field: `${at}.answerId`,
        });
      }
      if (!a.comment) {
        throw badRequest("COMMENT_REQUIRED", `${at}: "${q.name}" needs the comment text.`, {
          field: `${at}.comment`,
        });
      }
      return { ...base, type: "Comment", answerPid: null, score: null, answerScore: null };
    }
    if (!chosen) {
      throw badRequest("ANSWER_REQUIRED", `${at}: choose one of the answers of "${q.name}".`, {
        field: `${at}.answerId`,
      });
    }
    if (chosen.questionPid !== q.pid) {
      throw badRequest("ANSWER_NOT_OF_QUESTION", `${at}: "${chosen.name}" is not an answer of "${q.name}".`, {
        field: `${at}.answerId`,
      });
    }
    return { ...base, type: "Answer", answerPid: chosen.pid, score: chosen.score, answerScore: chosen.score };
  });
  return reviews;
}

/** The feedback `user` may give a review now. */
export function verdictsFor(row: ReviewViewRow, user: UserPrincipal): Verdict[] {
  if (!user.permissions.has("reviews.write") || row.status === "Withdrawn") return [];
  if (row.kind === "Manual") return row.reviewer_user_id === user.userId ? [] : [...MANUAL_VERDICTS];
  if (row.kind === "Automatic") return [...AUTOMATIC_VERDICTS];
  return [];
}

/**
 * Checks a verdict against the review: approve/dispute a manual review by someone else,
 * correct/incorrect/unclear an automatic one; none on customer (survey) or withdrawn reviews.
 */
export function checkVerdict(row: ReviewViewRow, verdict: Verdict, user: UserPrincipal): void {
  if (row.status === "Withdrawn") throw badRequest("REVIEW_WITHDRAWN", "The review was withdrawn.");
  if (row.kind === "Manual") {
    if (!MANUAL_VERDICTS.includes(verdict)) {
      throw badRequest("VERDICT_NOT_FOR_KIND", "A manual review is approved or disputed.");
    }
    if (row.reviewer_user_id === user.userId) {
      throw badRequest("OWN_REVIEW", "Your own review is verified by someone else.");
    }
    return;
  }
  if (row.kind === "Automatic") {
    if (!AUTOMATIC_VERDICTS.includes(verdict)) {
      throw badRequest("VERDICT_NOT_FOR_KIND", "An automatic review is marked correct, incorrect or unclear.");
    }
    return;
  }
  throw badRequest("FEEDBACK_NOT_ALLOWED", `${row.kind ?? "This"} reviews take no feedback.`);
}

/** A review as the API shows it to `user`. */
export function reviewView(row: ReviewViewRow, user: UserPrincipal): ReviewItem {
  const mine = row.reviewer_user_id !== null && row.reviewer_user_id === user.userId;
  return {
    id: row.pid,
    engagementId: row.engagement_pid,
    turnId: row.turn_pid,
    form: row.form_id ? { id: row.form_id, name: row.form_name } : null,
    submissionId: row.review_session_id,
    question: row.question_pid ? { id: row.question_pid, name: row.question_name, type: row.question_type } : null,
    answer: row.answer_pid ? { id: row.answer_pid, name: row.answer_name, score: row.answer_score_now } : null,
    reviewer: row.reviewer_pid ? { id: row.reviewer_pid, name: row.reviewer_name, type: row.reviewer_type } : null,
    mine,
    kind: row.kind,
    type: row.type,
    status: row.status,
    comment: row.comment,
    answerScore: row.answer_score,
    worstScore: row.worst_score,
    bestScore: row.best_score,
    confidence: row.confidence,
    reviewTime: row.review_time === null ? null : isoFromSeconds(row.review_time),
    verified: row.verified === null ? null : row.verified === 1,
    verifiedBy: row.verified_by,
    verificationComment: row.verification_comment,
    myFeedback:
      row.my_verdict && row.my_updated_at !== null
        ? { verdict: row.my_verdict as Verdict, comment: row.my_comment, updatedAt: isoFromSeconds(row.my_updated_at) }
        : null,
    verdicts: verdictsFor(row, user),
    canWithdraw: mine && row.kind === "Manual" && row.status !== "Withdrawn" && user.permissions.has("reviews.write"),
  };
}
