import { createRoute } from "@hono/zod-openapi";
import { IdParam, page } from "../../schemas/common";
import { FeedbackInput, ReviewItem, ReviewListQuery, ReviewSubmission, SubmissionResult } from "../../schemas/qa";
import { requireUser } from "../accounts/auth";
import { getUser } from "../accounts/queries";
import { dbFor, rawDbFor } from "../db/client";
import { ApiError, badRequest, conflict, notFound } from "../lib/errors";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { nowSeconds } from "../lib/time";
import {
  engagementExists,
  insertReview,
  listReviews,
  reviewsByPid,
  setReviewStatus,
  turnById,
  upsertFeedback,
  upsertUserReviewer,
} from "./queries";
import { readers, tags, withBuiltins } from "./question-routes";
import { checkVerdict, planSubmission, reviewView, submissionReviewPid, userReviewerPid } from "./reviewing";

const reviewers = requireUser("reviews.write");

const SUBMIT_ERRORS =
  "Every id that names nothing in the account (another account's included) answers 404 `NOT_FOUND` with " +
  "`details.field`; ids that exist but do not fit answer 400: `TURN_NOT_IN_ENGAGEMENT`, `TURN_NOT_REVIEWABLE`, " +
  "`FORM_SCOPE_MISMATCH`, `QUESTION_NOT_IN_FORM`, `DUPLICATE_QUESTION`, `ANSWER_REQUIRED`, `ANSWER_NOT_ALLOWED`, " +
  "`ANSWER_NOT_OF_QUESTION`, `COMMENT_REQUIRED`, `TAG_NOT_SET`. 409 `SUBMISSION_CONFLICT`: the submissionId was " +
  "used for different reviews.";

const cursorOf = (cursor: string | undefined): [number, string] | undefined => {
  if (!cursor) return undefined;
  const [time, pid] = decodeKeyCursor(cursor);
  const n = Number(time);
  if (!Number.isInteger(n)) throw badRequest("INVALID_CURSOR", "The cursor is not one this API returned.");
  return [n, pid];
};

/** Manual reviews of engagements and turns, their withdrawal, and feedback on any review. */
export const reviewRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Review an engagement or one of its turns with a form",
      description:
        "Each answer becomes one review (kind Manual, status Submitted) by the signed-in user. Idempotent on " +
        `submissionId: sending it again answers 200 with the same reviews and creates nothing. ${SUBMIT_ERRORS}`,
      security: COOKIE_AUTH,
      middleware: [reviewers, withBuiltins] as const,
      request: { body: body(ReviewSubmission) },
      responses: {
        201: json(SubmissionResult, "Saved"),
        200: json(SubmissionResult, "Already saved: the reviews of this submission"),
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const raw = rawDbFor(c.env, accountId);
      const input = c.req.valid("json");
      const pids = [
        ...new Set(input.answers.map((a) => submissionReviewPid(accountId, input.submissionId, a.questionId))),
      ];

      const replay = async () => {
        const existing = await reviewsByPid(raw, accountId, user.userId, pids);
        if (existing.length === 0) return undefined;
        const same =
          existing.length === pids.length &&
          existing.every(
            (r) =>
              r.engagement_pid === input.engagementId &&
              r.turn_pid === (input.turnId ?? null) &&
              r.form_id === input.formId &&
              r.reviewer_user_id === user.userId,
          );
        if (!same) {
          throw conflict(
            "SUBMISSION_CONFLICT",
            "This submissionId was already used for other reviews; make a new one for each submission.",
          );
        }
        return existing;
      };
      const before = await replay();
      if (before) {
        return c.json(
          { submissionId: input.submissionId, created: false, reviews: before.map((r) => reviewView(r, user)) },
          200,
        );
      }

      const reviewerPid = userReviewerPid(accountId, user.userId);
      const reviews = await planSubmission(db, raw, accountId, input, reviewerPid, nowSeconds());
      const me = await getUser(db, accountId, user.userId);
      const [, ...results] = await db.batch([
        upsertUserReviewer(db, accountId, reviewerPid, user.userId, me?.name ?? user.email),
        ...reviews.map((r) => insertReview(db, accountId, r)),
      ]);
      const created = results.some((r) => Array.isArray(r) && r.length > 0);
      const saved = created ? await reviewsByPid(raw, accountId, user.userId, pids) : await replay();
      return c.json(
        {
          submissionId: input.submissionId,
          created,
          reviews: (saved ?? []).map((r) => reviewView(r, user)),
        },
        created ? 201 : 200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The reviews of an engagement or of one of its turns, newest first",
      description:
        "With the question, answer, reviewer, the signed-in user's feedback and what they may do with each. " +
        "Errors: 404 for an unknown engagement or turn; 400 `TURN_NOT_IN_ENGAGEMENT`.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { query: ReviewListQuery },
      responses: { 200: json(page(ReviewItem), "A page of reviews"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const raw = rawDbFor(c.env, accountId);
      const query = c.req.valid("query");
      if (!(await engagementExists(raw, accountId, query.engagementId))) throw notFound("Engagement");
      if (query.turnId) {
        const turn = await turnById(raw, accountId, query.turnId);
        if (!turn) throw notFound("Turn");
        if (turn.engagementPid !== query.engagementId) {
          throw badRequest("TURN_NOT_IN_ENGAGEMENT", "The turn belongs to another engagement.");
        }
      }
      const rows = await listReviews(raw, accountId, user.userId, {
        engagementPid: query.engagementId,
        turnPid: query.turnId,
        includeTurns: query.includeTurns === "true",
        includeWithdrawn: query.includeWithdrawn === "true",
        limit: query.limit + 1,
        after: cursorOf(query.cursor),
      });
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return c.json(
        {
          items: items.map((r) => reviewView(r, user)),
          nextCursor:
            rows.length > query.limit && last ? encodeKeyCursor(String(last.review_time ?? 0), last.pid) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/withdraw",
      tags,
      summary: "Withdraw one of your own manual reviews",
      description:
        "Its status becomes Withdrawn: it stays in the data (and the export) but no built-in metric counts it. " +
        "Withdrawing it again changes nothing. 403 `NOT_YOUR_REVIEW` for anyone else's review.",
      security: COOKIE_AUTH,
      middleware: [reviewers] as const,
      request: { params: IdParam },
      responses: { 200: json(ReviewItem, "The review, withdrawn"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const raw = rawDbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const [row] = await reviewsByPid(raw, accountId, user.userId, [id]);
      if (!row) throw notFound("Review");
      if (row.kind !== "Manual" || row.reviewer_user_id !== user.userId) {
        throw new ApiError(403, "NOT_YOUR_REVIEW", "Only the reviewer who gave a manual review can withdraw it.");
      }
      if (row.status !== "Withdrawn") await setReviewStatus(db, accountId, id, { status: "Withdrawn" });
      const [after] = await reviewsByPid(raw, accountId, user.userId, [id]);
      if (!after) throw notFound("Review");
      return c.json(reviewView(after, user), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/feedback",
      tags,
      summary: "Give or change your feedback on a review",
      description:
        "Manual reviews by someone else: `approve` or `dispute`, which also sets the review's status (Approved or " +
        "Disputed), `verified` (true when approved), `verifiedBy` and `verificationComment`. Automatic reviews: " +
        "`correct`, `incorrect` or `unclear` (training data for auto reviews). One feedback per user and review; " +
        "sending another replaces it. Errors (400): `VERDICT_NOT_FOR_KIND`, `OWN_REVIEW`, `FEEDBACK_NOT_ALLOWED` " +
        "(customer reviews), `REVIEW_WITHDRAWN`.",
      security: COOKIE_AUTH,
      middleware: [reviewers] as const,
      request: { params: IdParam, body: body(FeedbackInput) },
      responses: { 200: json(ReviewItem, "The review with your feedback"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const raw = rawDbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const { verdict, comment } = c.req.valid("json");
      const [row] = await reviewsByPid(raw, accountId, user.userId, [id]);
      if (!row) throw notFound("Review");
      checkVerdict(row, verdict, user);
      const feedback = upsertFeedback(db, accountId, id, user.userId, verdict, comment ?? null);
      if (row.kind === "Manual") {
        const me = await getUser(db, accountId, user.userId);
        await db.batch([
          feedback,
          setReviewStatus(db, accountId, id, {
            status: verdict === "approve" ? "Approved" : "Disputed",
            verified: verdict === "approve",
            verifiedBy: me?.name ?? user.email,
            verificationComment: comment ?? null,
          }),
        ]);
      } else {
        await feedback;
      }
      const [after] = await reviewsByPid(raw, accountId, user.userId, [id]);
      if (!after) throw notFound("Review");
      return c.json(reviewView(after, user), 200);
    },
  );
