import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { FormChoices, Question, ReviewForm, ReviewItem, SubmissionResult } from "../../schemas/qa";
import type { VisualizationData } from "../../schemas/visualizations";
import { builtinPid } from "../../workers/lib/ids";
import { parseCsv } from "./csv";
import { runExportToFiles } from "./export-helpers";
import { type Client, call, errorCode } from "./helpers";
import { DAY, loadQaFixture, ok, type QaFixture } from "./qa-fixture";

// Manual reviews through the API: submitting with a form (idempotent), every bad input,
// listing a target's reviews, withdrawing, feedback, and the reviews in metrics and export.

let main: QaFixture;
let other: QaFixture;
let supervisor: Client;
let agent: Client;
/** The built-in questions and forms of the main account. */
let q: Record<"Bookmark" | "Reviewed" | "CSAT" | "Comment", string>;
let engagementReview: string;
let bookmarkForm: string;
/** A custom form for agent turns only: a tag and a single choice. */
let agentForm: ReviewForm;
let politeness: Question;
let tone: Question;

beforeAll(async () => {
  main = await loadQaFixture();
  other = await loadQaFixture();
  supervisor = await main.user("supervisor");
  agent = await main.user("agent");
  const b = (key: string) => builtinPid(main.accountId, "question", key);
  q = { Bookmark: b("Bookmark"), Reviewed: b("Reviewed"), CSAT: b("CSAT"), Comment: b("Comment") };
  engagementReview = builtinPid(main.accountId, "review_form", "engagement-review");
  bookmarkForm = builtinPid(main.accountId, "review_form", "bookmark-and-note");
  politeness = await ok<Question>(
    call("/api/v1/questions", { as: main.admin, body: { name: "Impolite", type: "Tag", score: -1 } }),
    201,
  );
  tone = await ok<Question>(
    call("/api/v1/questions", {
      as: main.admin,
      body: {
        name: "Tone",
        type: "Single Choice",
        answers: [
          { name: "Warm", score: 1 },
          { name: "Cold", score: 0 },
        ],
      },
    }),
    201,
  );
  agentForm = await ok<ReviewForm>(
    call("/api/v1/review-forms", {
      as: main.admin,
      body: {
        name: "Agent turn",
        scopes: ["agentTurn"],
        blocks: [
          { kind: "tagSet", questionIds: [politeness.id] },
          { kind: "choice", questionId: tone.id },
        ],
      },
    }),
    201,
  );
});

const csatAnswer = (score: number) => builtinPid(main.accountId, "answer", `CSAT-${score}`);

const submit = (as: Client, body: Record<string, unknown>) => call("/api/v1/reviews", { as, body });

function engagementSubmission(overrides: Record<string, unknown> = {}) {
  return {
    engagementId: main.engagement("e-1"),
    formId: engagementReview,
    submissionId: crypto.randomUUID(),
    answers: [
      { questionId: q.Reviewed },
      { questionId: q.CSAT, answerId: csatAnswer(4), comment: "Solved quickly" },
      { questionId: q.Comment, comment: "Good call" },
    ],
    ...overrides,
  };
}

const reviewCount = async (accountId = main.accountId) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM review WHERE account_id = ?").bind(accountId).first<{ n: number }>())
    ?.n ?? 0;

const list = (as: Client, query: string) =>
  ok<{ items: ReviewItem[]; nextCursor: string | null }>(call(`/api/v1/reviews?${query}`, { as }));

describe("POST /api/v1/reviews", () => {
  it("saves each answer as a manual review by the signed-in user, with the form and submission", async () => {
    const body = engagementSubmission({ engagementId: main.engagement("e-2") });
    const result = await ok<SubmissionResult>(submit(main.admin, body), 201);
    expect(result.created).toBe(true);
    expect(result.submissionId).toBe(body.submissionId);
    expect(
      result.reviews.map((r) => [r.question?.name, r.type, r.answer?.name ?? null, r.answerScore, r.comment]),
    ).toEqual([
      ["Reviewed", "Tag", null, null, null],
      ["CSAT", "Answer", "4", 4, "Solved quickly"],
      ["Comment", "Comment", null, null, "Good call"],
    ]);
    for (const r of result.reviews) {
      expect(r).toMatchObject({
        engagementId: main.engagement("e-2"),
        turnId: null,
        form: { id: engagementReview, name: "Engagement review" },
        submissionId: body.submissionId,
        kind: "Manual",
        status: "Submitted",
        mine: true,
        reviewer: { name: "Admin", type: "Human" },
        canWithdraw: true,
        verdicts: [],
      });
    }
    expect(result.reviews[1]).toMatchObject({ worstScore: 1, bestScore: 5 });
    const row = await env.DB.prepare(
      "SELECT r.review_session_id, r.form_id, r.kind, r.status, r.answer_type, rv.user_id, rv.type FROM review r JOIN reviewer rv ON rv.account_id = r.account_id AND rv.pid = r.reviewer_pid WHERE r.account_id = ? AND r.pid = ?",
    )
      .bind(main.accountId, result.reviews[1]?.id)
      .first();
    expect(row).toEqual({
      review_session_id: body.submissionId,
      form_id: engagementReview,
      kind: "Manual",
      status: "Submitted",
      answer_type: "Number",
      user_id: main.adminUser.id,
      type: "Human",
    });
  });

  it("is idempotent: the same submission again creates nothing and answers 200 with the same reviews", async () => {
    const body = engagementSubmission();
    const first = await ok<SubmissionResult>(submit(main.admin, body), 201);
    const before = await reviewCount();
    const again = await ok<SubmissionResult>(submit(main.admin, body), 200);
    expect(again.created).toBe(false);
    expect(again.reviews.map((r) => r.id)).toEqual(first.reviews.map((r) => r.id));
    expect(await reviewCount()).toBe(before);
    const reviewers = await env.DB.prepare("SELECT COUNT(*) AS n FROM reviewer WHERE account_id = ? AND user_id = ?")
      .bind(main.accountId, main.adminUser.id)
      .first<{ n: number }>();
    expect(reviewers?.n).toBe(1);
    // The same submission id for other reviews is refused.
    const reused = await submit(main.admin, { ...body, engagementId: main.engagement("e-2") });
    expect(reused.status).toBe(409);
    expect(await errorCode(reused)).toBe("SUBMISSION_CONFLICT");
    const byOther = await submit(supervisor, body);
    expect(await errorCode(byOther)).toBe("SUBMISSION_CONFLICT");
    expect(await reviewCount()).toBe(before);
  });

  it("reviews a turn with a form allowed for its participant, leaving the remembered form alone", async () => {
    const result = await ok<SubmissionResult>(
      submit(agent, {
        engagementId: main.engagement("e-1"),
        turnId: main.turn("t-agent"),
        formId: agentForm.id,
        submissionId: crypto.randomUUID(),
        answers: [
          { questionId: politeness.id, tagged: true },
          { questionId: tone.id, answerId: tone.answers[1]?.id },
        ],
      }),
      201,
    );
    expect(result.reviews.map((r) => [r.turnId, r.type, r.answerScore])).toEqual([
      [main.turn("t-agent"), "Tag", -1],
      [main.turn("t-agent"), "Answer", 0],
    ]);
    const bot = await ok<SubmissionResult>(
      submit(agent, {
        engagementId: main.engagement("e-3"),
        turnId: main.turn("t-bot"),
        formId: bookmarkForm,
        submissionId: crypto.randomUUID(),
        answers: [{ questionId: q.Bookmark }],
      }),
      201,
    );
    expect(bot.reviews[0]?.turnId).toBe(main.turn("t-bot"));
    // Choosing is the picker's job (PUT /review-forms/choices/…): "Mark engagement reviewed" must not change it.
    expect(await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: agent }))).toEqual({
      engagement: null,
      customerTurn: null,
      agentTurn: null,
      botTurn: null,
    });
  });

  it("refuses every bad submission with a stable code and saves nothing", async () => {
    const e1 = main.engagement("e-1");
    const turnReview = (turnId: string, formId: string, answers: unknown[]) => ({
      engagementId: e1,
      turnId,
      formId,
      submissionId: crypto.randomUUID(),
      answers,
    });
    const tag = [{ questionId: politeness.id }];
    const cases: [Record<string, unknown>, number, string][] = [
      // shape
      [engagementSubmission({ submissionId: "not-a-uuid" }), 400, "VALIDATION_FAILED"],
      [engagementSubmission({ answers: [] }), 400, "VALIDATION_FAILED"],
      // ids that name nothing
      [engagementSubmission({ engagementId: crypto.randomUUID() }), 404, "NOT_FOUND"],
      [engagementSubmission({ turnId: crypto.randomUUID() }), 404, "NOT_FOUND"],
      [engagementSubmission({ formId: crypto.randomUUID() }), 404, "NOT_FOUND"],
      [engagementSubmission({ answers: [{ questionId: crypto.randomUUID() }] }), 404, "NOT_FOUND"],
      [engagementSubmission({ answers: [{ questionId: q.CSAT, answerId: crypto.randomUUID() }] }), 404, "NOT_FOUND"],
      // ids that exist but do not fit
      [engagementSubmission({ turnId: main.turn("t-other") }), 400, "TURN_NOT_IN_ENGAGEMENT"],
      [turnReview(main.turn("t-system"), bookmarkForm, [{ questionId: q.Bookmark }]), 400, "TURN_NOT_REVIEWABLE"],
      [turnReview(main.turn("t-customer"), agentForm.id, tag), 400, "FORM_SCOPE_MISMATCH"],
      [engagementSubmission({ formId: agentForm.id, answers: tag }), 400, "FORM_SCOPE_MISMATCH"],
      [engagementSubmission({ answers: tag }), 400, "QUESTION_NOT_IN_FORM"],
      [
        engagementSubmission({ answers: [{ questionId: q.Reviewed }, { questionId: q.Reviewed }] }),
        400,
        "DUPLICATE_QUESTION",
      ],
      [engagementSubmission({ answers: [{ questionId: q.CSAT }] }), 400, "ANSWER_REQUIRED"],
      [
        engagementSubmission({ answers: [{ questionId: q.CSAT, answerId: tone.answers[0]?.id }] }),
        400,
        "ANSWER_NOT_OF_QUESTION",
      ],
      [
        engagementSubmission({ answers: [{ questionId: q.Reviewed, answerId: csatAnswer(1) }] }),
        400,
        "ANSWER_NOT_ALLOWED",
      ],
      [
        engagementSubmission({ answers: [{ questionId: q.CSAT, answerId: csatAnswer(1), tagged: true }] }),
        400,
        "ANSWER_NOT_ALLOWED",
      ],
      [engagementSubmission({ answers: [{ questionId: q.Comment }] }), 400, "COMMENT_REQUIRED"],
      [engagementSubmission({ answers: [{ questionId: q.Reviewed, tagged: false }] }), 400, "TAG_NOT_SET"],
      // a valid first answer does not save when a later one is bad
      [engagementSubmission({ answers: [{ questionId: q.Reviewed }, { questionId: q.CSAT }] }), 400, "ANSWER_REQUIRED"],
    ];
    const before = await reviewCount();
    for (const [body, status, code] of cases) {
      const res = await submit(main.admin, body);
      expect(res.status, `${code} ${JSON.stringify(body.answers)}`).toBe(status);
      expect(await errorCode(res), JSON.stringify(body)).toBe(code);
    }
    expect(await reviewCount()).toBe(before);
  });

  it("does not find another account's engagement, turn, form, question or answer", async () => {
    const theirs = {
      engagementId: other.engagement("e-1"),
      turnId: other.turn("t-agent"),
      formId: builtinPid(other.accountId, "review_form", "engagement-review"),
      question: builtinPid(other.accountId, "question", "CSAT"),
      answer: builtinPid(other.accountId, "answer", "CSAT-3"),
    };
    // Make sure the other account's built-ins exist, so "not found" is about the account, not the row.
    await ok(call("/api/v1/questions", { as: other.admin }));
    const cases: [Record<string, unknown>, string][] = [
      [engagementSubmission({ engagementId: theirs.engagementId }), "engagementId"],
      [engagementSubmission({ turnId: theirs.turnId }), "turnId"],
      [engagementSubmission({ formId: theirs.formId }), "formId"],
      [
        engagementSubmission({ answers: [{ questionId: theirs.question, answerId: csatAnswer(3) }] }),
        "answers.0.questionId",
      ],
      [engagementSubmission({ answers: [{ questionId: q.CSAT, answerId: theirs.answer }] }), "answers.0.answerId"],
    ];
    const before = [await reviewCount(), await reviewCount(other.accountId)];
    for (const [body, field] of cases) {
      const res = await submit(main.admin, body);
      expect(res.status, field).toBe(404);
      const error = ((await res.json()) as { error: { code: string; details: { field: string } } }).error;
      expect(error.code).toBe("NOT_FOUND");
      expect(error.details.field).toBe(field);
    }
    expect([await reviewCount(), await reviewCount(other.accountId)]).toEqual(before);
  });

  it("needs a signed-in user and the CSRF token", async () => {
    expect((await call("/api/v1/reviews", { body: engagementSubmission() })).status).toBe(401);
    const res = await submit({ ...main.admin, csrfToken: "nope" }, engagementSubmission());
    expect(await errorCode(res)).toBe("CSRF_FAILED");
  });
});

describe("GET /api/v1/reviews", () => {
  it("lists a target's reviews newest first, paged, with question, answer, reviewer and what the user may do", async () => {
    const e = main.engagement("e-3");
    const first = await ok<SubmissionResult>(
      submit(main.admin, {
        engagementId: e,
        formId: bookmarkForm,
        submissionId: crypto.randomUUID(),
        answers: [{ questionId: q.Bookmark }, { questionId: q.Comment, comment: "Look at this" }],
      }),
      201,
    );
    const onTurn = await ok<SubmissionResult>(
      submit(main.admin, {
        engagementId: e,
        turnId: main.turn("t-bot"),
        formId: bookmarkForm,
        submissionId: crypto.randomUUID(),
        answers: [{ questionId: q.Comment, comment: "On the turn" }],
      }),
      201,
    );
    const firstIds = first.reviews.map((r) => r.id);
    const turnId = onTurn.reviews[0]?.id ?? "";
    const own = await list(supervisor, `engagementId=${e}`);
    expect(own.items.map((r) => r.id)).toEqual(expect.arrayContaining(firstIds));
    expect(own.items.every((r) => r.turnId === null)).toBe(true);
    expect(own.items.find((r) => r.id === firstIds[0])).toMatchObject({
      reviewer: { name: "Admin" },
      mine: false,
      canWithdraw: false,
      verdicts: ["approve", "dispute"],
      myFeedback: null,
    });
    const turn = await list(supervisor, `engagementId=${e}&turnId=${main.turn("t-bot")}`);
    expect(turn.items.map((r) => r.id)).toContain(turnId);
    expect(turn.items.every((r) => r.turnId === main.turn("t-bot"))).toBe(true);
    expect(turn.items.find((r) => r.id === turnId)?.comment).toBe("On the turn");
    const everything = await list(supervisor, `engagementId=${e}&includeTurns=true`);
    expect(everything.items.map((r) => r.id)).toEqual(expect.arrayContaining([...firstIds, turnId]));
    expect(everything.items.length).toBe(own.items.length + turn.items.length);
    const times = everything.items.map((r) => r.reviewTime ?? "");
    expect(times).toEqual([...times].sort().reverse());
    const paged: ReviewItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: ReviewItem[]; nextCursor: string | null } = await list(
        supervisor,
        `engagementId=${e}&includeTurns=true&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((r) => r.id)).toEqual(everything.items.map((r) => r.id));
  });

  it("shows the survey's and the automatic reviews with the feedback they take", async () => {
    const survey = await list(agent, `engagementId=${main.engagement("e-2")}`);
    expect(survey.items.find((r) => r.kind === "Customer")).toMatchObject({
      question: { name: "How satisfied were you with our support?" },
      answer: { name: "Score 5" },
      reviewer: { name: "Post-contact survey", type: "Customer" },
      verdicts: [],
    });
    const auto = await list(agent, `engagementId=${main.engagement("e-1")}&turnId=${main.turn("t-agent")}`);
    expect(auto.items.find((r) => r.kind === "Automatic")).toMatchObject({
      question: { name: "Polite" },
      confidence: 0.9,
      verdicts: ["correct", "incorrect", "unclear"],
    });
  });

  it("refuses an unknown or foreign engagement (404) and a turn of another engagement (400)", async () => {
    expect((await call(`/api/v1/reviews?engagementId=${other.engagement("e-1")}`, { as: main.admin })).status).toBe(
      404,
    );
    const foreignTurn = await call(
      `/api/v1/reviews?engagementId=${main.engagement("e-1")}&turnId=${other.turn("t-agent")}`,
      { as: main.admin },
    );
    expect(foreignTurn.status).toBe(404);
    const wrong = await call(`/api/v1/reviews?engagementId=${main.engagement("e-1")}&turnId=${main.turn("t-other")}`, {
      as: main.admin,
    });
    expect(await errorCode(wrong)).toBe("TURN_NOT_IN_ENGAGEMENT");
    expect(await errorCode(await call("/api/v1/reviews?engagementId=nope", { as: main.admin }))).toBe(
      "VALIDATION_FAILED",
    );
    const theirs = await list(other.admin, `engagementId=${other.engagement("e-2")}&includeTurns=true`);
    expect(theirs.items.every((r) => r.kind !== "Manual")).toBe(true);
  });
});

describe("POST /api/v1/reviews/{id}/withdraw", () => {
  it("withdraws one's own review: hidden from the list unless asked for, and again changes nothing", async () => {
    const e = main.engagement("e-3");
    const saved = await ok<SubmissionResult>(
      submit(supervisor, {
        engagementId: e,
        formId: bookmarkForm,
        submissionId: crypto.randomUUID(),
        answers: [{ questionId: q.Comment, comment: "Withdraw me" }],
      }),
      201,
    );
    const id = saved.reviews[0]?.id;
    const notMine = await call(`/api/v1/reviews/${id}/withdraw`, { as: main.admin, method: "POST" });
    expect(notMine.status).toBe(403);
    expect(await errorCode(notMine)).toBe("NOT_YOUR_REVIEW");
    expect((await call(`/api/v1/reviews/${id}/withdraw`, { as: other.admin, method: "POST" })).status).toBe(404);
    const withdrawn = await ok<ReviewItem>(call(`/api/v1/reviews/${id}/withdraw`, { as: supervisor, method: "POST" }));
    expect(withdrawn).toMatchObject({ status: "Withdrawn", canWithdraw: false, verdicts: [] });
    expect((await list(supervisor, `engagementId=${e}`)).items.some((r) => r.id === id)).toBe(false);
    expect((await list(supervisor, `engagementId=${e}&includeWithdrawn=true`)).items.some((r) => r.id === id)).toBe(
      true,
    );
    expect(
      (await ok<ReviewItem>(call(`/api/v1/reviews/${id}/withdraw`, { as: supervisor, method: "POST" }))).status,
    ).toBe("Withdrawn");
    const auto = main.review("auto-t-agent");
    expect(await errorCode(await call(`/api/v1/reviews/${auto}/withdraw`, { as: main.admin, method: "POST" }))).toBe(
      "NOT_YOUR_REVIEW",
    );
  });
});

describe("PUT /api/v1/reviews/{id}/feedback", () => {
  const feedback = (as: Client, id: string | undefined, body: unknown) =>
    call(`/api/v1/reviews/${id}/feedback`, { as, method: "PUT", body });

  it("approves or disputes someone else's manual review, one feedback per user that can change", async () => {
    const saved = await ok<SubmissionResult>(submit(main.admin, engagementSubmission()), 201);
    const id = saved.reviews[1]?.id;
    const approved = await ok<ReviewItem>(feedback(supervisor, id, { verdict: "approve", comment: "Fair" }));
    expect(approved).toMatchObject({
      status: "Approved",
      verified: true,
      verifiedBy: "A supervisor",
      verificationComment: "Fair",
      myFeedback: { verdict: "approve", comment: "Fair" },
    });
    const disputed = await ok<ReviewItem>(feedback(supervisor, id, { verdict: "dispute", comment: "Too generous" }));
    expect(disputed).toMatchObject({
      status: "Disputed",
      verified: false,
      verificationComment: "Too generous",
      myFeedback: { verdict: "dispute" },
    });
    await ok(feedback(agent, id, { verdict: "approve" }));
    const rows = await env.DB.prepare(
      "SELECT user_id, verdict FROM review_feedback WHERE account_id = ? AND review_pid = ?",
    )
      .bind(main.accountId, id)
      .all<{ verdict: string }>();
    expect(rows.results.map((r) => r.verdict).sort()).toEqual(["approve", "dispute"]);
    // Each user sees their own feedback.
    const seen = await list(supervisor, `engagementId=${main.engagement("e-1")}`);
    expect(seen.items.find((r) => r.id === id)?.myFeedback?.verdict).toBe("dispute");
  });

  it("marks an automatic review correct, incorrect or unclear, leaving its status", async () => {
    const id = main.review("auto-t-agent");
    const marked = await ok<ReviewItem>(feedback(main.admin, id, { verdict: "incorrect" }));
    expect(marked).toMatchObject({ status: "Submitted", myFeedback: { verdict: "incorrect" } });
    expect((await ok<ReviewItem>(feedback(main.admin, id, { verdict: "unclear" }))).myFeedback?.verdict).toBe(
      "unclear",
    );
  });

  it("refuses a verdict that does not fit the review, with a code, and changes nothing", async () => {
    const mine = (await ok<SubmissionResult>(submit(main.admin, engagementSubmission()), 201)).reviews[0]?.id;
    const withdrawn = (await ok<SubmissionResult>(submit(main.admin, engagementSubmission()), 201)).reviews[0]?.id;
    await ok(call(`/api/v1/reviews/${withdrawn}/withdraw`, { as: main.admin, method: "POST" }));
    const cases: [string | undefined, Client, unknown, string][] = [
      [mine, supervisor, { verdict: "correct" }, "VERDICT_NOT_FOR_KIND"],
      [main.review("auto-t-agent"), supervisor, { verdict: "approve" }, "VERDICT_NOT_FOR_KIND"],
      [mine, main.admin, { verdict: "approve" }, "OWN_REVIEW"],
      [main.review("survey-e-2"), supervisor, { verdict: "dispute" }, "FEEDBACK_NOT_ALLOWED"],
      [withdrawn, supervisor, { verdict: "approve" }, "REVIEW_WITHDRAWN"],
      [mine, supervisor, { verdict: "love" }, "VALIDATION_FAILED"],
    ];
    for (const [id, as, body, code] of cases) {
      const res = await feedback(as, id, body);
      expect(res.status, code).toBe(400);
      expect(await errorCode(res)).toBe(code);
    }
    const status = await env.DB.prepare("SELECT status FROM review WHERE account_id = ? AND pid = ?")
      .bind(main.accountId, mine)
      .first<{ status: string }>();
    expect(status?.status).toBe("Submitted");
    const count = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM review_feedback WHERE account_id = ? AND review_pid IN (?, ?)",
    )
      .bind(main.accountId, mine, withdrawn)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("does not find another account's review", async () => {
    const res = await feedback(other.admin, main.review("auto-t-agent"), { verdict: "correct" });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("NOT_FOUND");
  });
});

describe("reviews in the model", () => {
  const headline = async (as: Client, visualizationId: string) => {
    const data = await ok<VisualizationData>(
      call("/api/v1/visualizations/data", {
        as,
        body: {
          visualizationId,
          dashboardId: "quality",
          values: { date: { op: "between", from: DAY, to: "2024-03-06" } },
        },
      }),
    );
    return data.rows[0]?.values[0] ?? null;
  };
  const metrics = async (as: Client) => {
    const data = await ok<VisualizationData>(
      call("/api/v1/visualizations/data", {
        as,
        body: {
          spec: {
            type: "table",
            metrics: [
              "csat-responses",
              "average-csat",
              "tags-applied",
              "bookmarked-engagements",
              "manually-reviewed-engagements",
            ],
            viewBy: null,
            segmentBy: null,
            filters: [],
          },
        },
      }),
    );
    const [responses, average, tags, bookmarked, manual] = data.rows[0]?.values ?? [];
    return { responses, average, tags, bookmarked, manual };
  };

  it("count at once in CSAT, coverage, tags and manual reviews; a withdrawn review stops counting", async () => {
    const fx = await loadQaFixture();
    // Only the survey's CSAT answer (5) on e-2 and the automatic tag so far.
    expect(await metrics(fx.admin)).toEqual({ responses: 1, average: 5, tags: 1, bookmarked: 0, manual: 0 });
    expect(await headline(fx.admin, "headline-reviewed-coverage")).toBe(0);
    expect(await headline(fx.admin, "headline-average-csat")).toBe(5);

    const csat = builtinPid(fx.accountId, "question", "CSAT");
    const saved = await ok<SubmissionResult>(
      submit(fx.admin, {
        engagementId: fx.engagement("e-1"),
        formId: builtinPid(fx.accountId, "review_form", "engagement-review"),
        submissionId: crypto.randomUUID(),
        answers: [
          { questionId: builtinPid(fx.accountId, "question", "Reviewed") },
          { questionId: builtinPid(fx.accountId, "question", "Bookmark") },
          { questionId: csat, answerId: builtinPid(fx.accountId, "answer", "CSAT-2") },
        ],
      }),
      201,
    );
    // The built-in CSAT and the survey's question identified CSAT count together, each answer once.
    expect(await metrics(fx.admin)).toEqual({ responses: 2, average: 3.5, tags: 3, bookmarked: 1, manual: 1 });
    expect(await headline(fx.admin, "headline-reviewed-coverage")).toBe(0.5);
    expect(await headline(fx.admin, "headline-average-csat")).toBe(3.5);

    for (const r of saved.reviews) await ok(call(`/api/v1/reviews/${r.id}/withdraw`, { as: fx.admin, method: "POST" }));
    expect(await metrics(fx.admin)).toEqual({ responses: 1, average: 5, tags: 1, bookmarked: 0, manual: 0 });
    expect(await headline(fx.admin, "headline-reviewed-coverage")).toBe(0);
  });

  it("appear in the export's review file with their reviewer, status and form", async () => {
    const fx = await loadQaFixture();
    const saved = await ok<SubmissionResult>(
      submit(fx.admin, {
        engagementId: fx.engagement("e-1"),
        turnId: fx.turn("t-customer"),
        formId: builtinPid(fx.accountId, "review_form", "bookmark-and-note"),
        submissionId: crypto.randomUUID(),
        answers: [
          { questionId: builtinPid(fx.accountId, "question", "Bookmark") },
          { questionId: builtinPid(fx.accountId, "question", "Comment"), comment: "=cmd|' /C calc'!A0" },
        ],
      }),
      201,
    );
    const { files } = await runExportToFiles(fx.apiKey, fx.accountId, {
      from: `${DAY}T00:00:00Z`,
      to: "2024-03-06T00:00:00Z",
      include: "review",
    });
    const { rows } = parseCsv(files.review ?? "");
    const [bookmark, comment] = saved.reviews.map((r) => rows.find((row) => row.pid === r.id));
    expect(bookmark).toMatchObject({
      turn_pid: fx.turn("t-customer"),
      reviewer_name: "Admin",
      question_name: "Bookmark",
      status: "Submitted",
      kind: "Manual",
      type: "Tag",
      review_session_id: saved.submissionId,
    });
    expect(comment?.comment).toBe("'=cmd|' /C calc'!A0");
  });
});
