import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { FormChoices, Question, ReviewForm } from "../../schemas/qa";
import { builtinPid } from "../../workers/lib/ids";
import { type Client, call, createAccount, errorCode, signIn } from "./helpers";
import { allPages, loadQaFixture, ok, type QaFixture } from "./qa-fixture";

// The QA catalog: built-in tags, questions and forms; the account's own, edited by qa.manage;
// each user's remembered form per scope.

let main: QaFixture;
let other: QaFixture;
let analyst: Client;
let agent: Client;

beforeAll(async () => {
  main = await loadQaFixture();
  other = await loadQaFixture();
  analyst = await main.user("analyst");
  agent = await main.user("agent");
});

const questions = (as: Client, query = "") =>
  ok<{ items: Question[] }>(call(`/api/v1/questions?limit=200${query}`, { as }));
const createQuestion = (as: Client, body: unknown) => call("/api/v1/questions", { as, body });
const createForm = (as: Client, body: unknown) => call("/api/v1/review-forms", { as, body });

const count = async (table: string, accountId: string) =>
  (
    await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ?`)
      .bind(accountId)
      .first<{ n: number }>()
  )?.n ?? 0;

let seq = 0;
const unique = (name: string) => `${name} ${++seq}`;

async function newTag(as: Client, name = unique("Tag"), score: number | null = null): Promise<Question> {
  return ok<Question>(createQuestion(as, { name, type: "Tag", score }), 201);
}

async function newScale(as: Client, name = unique("Scale")): Promise<Question> {
  return ok<Question>(
    createQuestion(as, {
      name,
      type: "Scale",
      answers: [
        { name: "Poor", score: 1 },
        { name: "OK", score: 2 },
        { name: "Great", score: 3 },
      ],
    }),
    201,
  );
}

describe("built-in tags, questions and forms", () => {
  it("every new account has them from the start, with deterministic PIDs", async () => {
    const { account } = await createAccount();
    const rows = await env.DB.prepare(
      "SELECT pid, name, type, built_in FROM question WHERE account_id = ? ORDER BY name",
    )
      .bind(account.id)
      .all<{ pid: string; name: string; type: string; built_in: number }>();
    expect(rows.results.map((r) => [r.name, r.type, r.built_in])).toEqual([
      ["Bookmark", "Tag", 1],
      ["CSAT", "Scale", 1],
      ["Comment", "Comment", 1],
      ["Reviewed", "Tag", 1],
    ]);
    expect(rows.results.find((r) => r.name === "CSAT")?.pid).toBe(builtinPid(account.id, "question", "CSAT"));
    expect(await count("review_form", account.id)).toBe(2);
  });

  it("lists them read-only: CSAT answers 1–5 scoring 1–5, and the two built-in forms", async () => {
    const all = (await questions(main.admin)).items;
    const csat = all.find((q) => q.builtIn && q.externalId === "CSAT");
    expect(csat).toMatchObject({ name: "CSAT", type: "Scale", answerType: "Number", worstScore: 1, bestScore: 5 });
    expect(csat?.editable).toBe(false);
    expect(csat?.answers.map((a) => [a.name, a.score])).toEqual([
      ["1", 1],
      ["2", 2],
      ["3", 3],
      ["4", 4],
      ["5", 5],
    ]);
    for (const name of ["Bookmark", "Reviewed"]) {
      expect(all.find((q) => q.builtIn && q.name === name)).toMatchObject({
        type: "Tag",
        answers: [],
        editable: false,
      });
    }
    const forms = await ok<{ items: ReviewForm[] }>(call("/api/v1/review-forms", { as: main.admin }));
    const builtIn = forms.items.filter((f) => f.builtIn);
    expect(builtIn.map((f) => [f.name, f.scopes])).toEqual([
      ["Bookmark and note", ["engagement", "customerTurn", "agentTurn", "botTurn"]],
      ["Engagement review", ["engagement"]],
    ]);
    expect(builtIn[1]?.questions.map((q) => q.name)).toEqual(["Reviewed", "Bookmark", "CSAT", "Comment"]);
  });

  it("are created on first use in an account that predates them, with the same PIDs", async () => {
    const { account, admin } = await createAccount();
    await env.DB.batch([
      env.DB.prepare("DELETE FROM answer WHERE account_id = ?").bind(account.id),
      env.DB.prepare("DELETE FROM question WHERE account_id = ?").bind(account.id),
      env.DB.prepare("DELETE FROM review_form WHERE account_id = ?").bind(account.id),
    ]);
    const client = await signIn(admin.email);
    const listed = (await questions(client)).items;
    expect(listed.map((q) => q.name).sort()).toEqual(["Bookmark", "CSAT", "Comment", "Reviewed"]);
    expect(listed.find((q) => q.name === "Reviewed")?.id).toBe(builtinPid(account.id, "question", "Reviewed"));
    expect(await count("review_form", account.id)).toBe(2);
    expect(await count("answer", account.id)).toBe(5);
    // Asking again adds nothing.
    await questions(client);
    expect(await count("question", account.id)).toBe(4);
  });

  it("refuse changes and deletion with BUILT_IN_READ_ONLY", async () => {
    const csat = (await questions(main.admin)).items.find((q) => q.builtIn && q.name === "CSAT");
    const put = await call(`/api/v1/questions/${csat?.id}`, {
      as: main.admin,
      method: "PUT",
      body: {
        name: "Satisfaction",
        type: "Scale",
        answers: [
          { name: "a", score: 1 },
          { name: "b", score: 2 },
        ],
      },
    });
    expect(put.status).toBe(403);
    expect(await errorCode(put)).toBe("BUILT_IN_READ_ONLY");
    const del = await call(`/api/v1/questions/${csat?.id}`, { as: main.admin, method: "DELETE" });
    expect(await errorCode(del)).toBe("BUILT_IN_READ_ONLY");
    const form = (await ok<{ items: ReviewForm[] }>(call("/api/v1/review-forms", { as: main.admin }))).items.find(
      (f) => f.builtIn,
    );
    const putForm = await call(`/api/v1/review-forms/${form?.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: "Mine", scopes: ["engagement"], blocks: form?.blocks },
    });
    expect(putForm.status).toBe(403);
    expect(await errorCode(putForm)).toBe("BUILT_IN_READ_ONLY");
    const delForm = await call(`/api/v1/review-forms/${form?.id}`, { as: main.admin, method: "DELETE" });
    expect(await errorCode(delForm)).toBe("BUILT_IN_READ_ONLY");
    expect((await questions(main.admin)).items.find((q) => q.id === csat?.id)?.name).toBe("CSAT");
  });
});

describe("questions from a source", () => {
  it("are listed with their source and change only there (QUESTION_FROM_SOURCE)", async () => {
    const polite = (await questions(main.admin)).items.find((q) => q.name === "Polite");
    expect(polite).toMatchObject({ builtIn: false, editable: false, source: { id: main.sourceId } });
    const res = await call(`/api/v1/questions/${polite?.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: "Courteous", type: "Tag" },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("QUESTION_FROM_SOURCE");
  });
});

describe("POST /api/v1/questions", () => {
  it("creates tags (with a score), single choices, scales and comments", async () => {
    const tag = await newTag(main.admin, unique("Upsell"), 2);
    expect(tag).toMatchObject({
      type: "Tag",
      answerType: "Tag",
      score: 2,
      worstScore: 2,
      bestScore: 2,
      editable: true,
    });
    const choice = await ok<Question>(
      createQuestion(main.admin, {
        name: unique("Reason"),
        type: "Single Choice",
        answers: [{ name: "Billing" }, { name: "Delivery", score: 1 }],
      }),
      201,
    );
    expect(choice.answers.map((a) => [a.name, a.score, a.position])).toEqual([
      ["Billing", null, 1],
      ["Delivery", 1, 2],
    ]);
    expect(choice).toMatchObject({ answerType: "Choice", worstScore: 1, bestScore: 1 });
    const scale = await newScale(main.admin);
    expect(scale).toMatchObject({ answerType: "Number", worstScore: 1, bestScore: 3 });
    const comment = await ok<Question>(
      createQuestion(main.admin, { name: unique("Coaching note"), type: "Comment" }),
      201,
    );
    expect(comment).toMatchObject({ answerType: "Text", answers: [], score: null });
    expect(await ok<Question>(call(`/api/v1/questions/${scale.id}`, { as: analyst }))).toEqual(scale);
  });

  it("needs qa.manage: analysts and agents read but may not create", async () => {
    for (const as of [analyst, agent]) {
      const res = await createQuestion(as, { name: unique("Nope"), type: "Tag" });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe("FORBIDDEN");
      await ok(call("/api/v1/questions", { as }));
    }
    expect((await call("/api/v1/questions")).status).toBe(401);
  });

  it("refuses bad questions with a stable code and saves nothing", async () => {
    const cases: [unknown, string][] = [
      [{ name: "", type: "Tag" }, "VALIDATION_FAILED"],
      [{ name: "X", type: "Rating" }, "VALIDATION_FAILED"],
      [{ name: "X", type: "Tag", answers: [{ name: "Yes" }] }, "ANSWERS_NOT_ALLOWED"],
      [{ name: "X", type: "Comment", answers: [{ name: "Yes" }] }, "ANSWERS_NOT_ALLOWED"],
      [{ name: "X", type: "Single Choice", answers: [{ name: "Only" }] }, "TOO_FEW_ANSWERS"],
      [{ name: "X", type: "Single Choice", answers: [{ name: "A" }, { name: "a" }] }, "DUPLICATE_ANSWER_NAME"],
      [{ name: "X", type: "Scale", answers: [{ name: "A", score: 1 }, { name: "B" }] }, "SCORE_REQUIRED"],
      [
        {
          name: "X",
          type: "Scale",
          answers: [
            { name: "A", score: 2 },
            { name: "B", score: 1 },
          ],
        },
        "SCALE_NOT_ORDERED",
      ],
      [
        {
          name: "X",
          type: "Scale",
          score: 3,
          answers: [
            { name: "A", score: 1 },
            { name: "B", score: 2 },
          ],
        },
        "SCORE_NOT_ALLOWED",
      ],
      [{ name: "  csat ", type: "Tag" }, "DUPLICATE_QUESTION_NAME"],
      [
        {
          name: "X",
          type: "Single Choice",
          answers: [{ id: crypto.randomUUID(), name: "A" }, { name: "B" }],
        },
        "ANSWER_NOT_OF_QUESTION",
      ],
    ];
    const before = [await count("question", main.accountId), await count("answer", main.accountId)];
    for (const [body, code] of cases) {
      const res = await createQuestion(main.admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorCode(res), JSON.stringify(body)).toBe(code);
    }
    expect([await count("question", main.accountId), await count("answer", main.accountId)]).toEqual(before);
  });
});

describe("GET /api/v1/questions", () => {
  it("pages by name without repeats, filters by type and by part of the name", async () => {
    await newTag(main.admin, unique("zz Paging"));
    const all = (await questions(main.admin)).items;
    const paged = await allPages<Question>(main.admin, "/api/v1/questions", 3);
    expect(paged.map((q) => q.id)).toEqual(all.map((q) => q.id));
    const names = all.map((q) => q.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    const tags = (await questions(main.admin, "&type=Tag")).items;
    expect(tags.length).toBeGreaterThan(2);
    expect(tags.every((q) => q.type === "Tag")).toBe(true);
    expect((await questions(main.admin, "&q=ZZ%20PAG")).items.map((q) => q.name)).toEqual([
      expect.stringMatching(/^zz Paging/),
    ]);
    const bad = await call("/api/v1/questions?cursor=nope", { as: main.admin });
    expect(await errorCode(bad)).toBe("INVALID_CURSOR");
  });

  it("shows none of another account's questions, and their ids are not found", async () => {
    const mine = await newTag(main.admin);
    expect((await questions(other.admin)).items.some((q) => q.id === mine.id)).toBe(false);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await call(`/api/v1/questions/${mine.id}`, {
        as: other.admin,
        method,
        body: method === "PUT" ? { name: "Stolen", type: "Tag" } : undefined,
      });
      expect(res.status, method).toBe(404);
      expect(await errorCode(res)).toBe("NOT_FOUND");
    }
    expect((await ok<Question>(call(`/api/v1/questions/${mine.id}`, { as: main.admin }))).name).toBe(mine.name);
  });
});

describe("PUT /api/v1/questions/{id}", () => {
  it("renames, rescores, reorders, adds and deletes answers", async () => {
    const scale = await newScale(main.admin);
    const [poor, ok2, great] = scale.answers;
    const saved = await ok<Question>(
      call(`/api/v1/questions/${scale.id}`, {
        as: main.admin,
        method: "PUT",
        body: {
          name: `${scale.name} v2`,
          type: "Scale",
          answers: [
            { id: poor?.id, name: "Bad", score: 0 },
            { id: great?.id, name: "Great", score: 5 },
            { name: "Amazing", score: 10 },
          ],
        },
      }),
    );
    expect(saved.name).toBe(`${scale.name} v2`);
    expect(saved.answers.map((a) => [a.name, a.score, a.position])).toEqual([
      ["Bad", 0, 1],
      ["Great", 5, 2],
      ["Amazing", 10, 3],
    ]);
    expect(saved.answers[0]?.id).toBe(poor?.id);
    expect(saved).toMatchObject({ worstScore: 0, bestScore: 10 });
    expect(saved.answers.some((a) => a.id === ok2?.id)).toBe(false);
  });

  it("keeps the type (QUESTION_TYPE_FIXED) and only the question's own answers (ANSWER_NOT_OF_QUESTION)", async () => {
    const scale = await newScale(main.admin);
    const another = await newScale(main.admin);
    const typeChange = await call(`/api/v1/questions/${scale.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: scale.name, type: "Tag" },
    });
    expect(await errorCode(typeChange)).toBe("QUESTION_TYPE_FIXED");
    const foreign = await call(`/api/v1/questions/${scale.id}`, {
      as: main.admin,
      method: "PUT",
      body: {
        name: scale.name,
        type: "Scale",
        answers: [
          { id: another.answers[0]?.id, name: "A", score: 1 },
          { name: "B", score: 2 },
        ],
      },
    });
    expect(foreign.status).toBe(400);
    expect(await errorCode(foreign)).toBe("ANSWER_NOT_OF_QUESTION");
    const rename = await call(`/api/v1/questions/${scale.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: another.name.toUpperCase(), type: "Scale", answers: scale.answers },
    });
    expect(await errorCode(rename)).toBe("DUPLICATE_QUESTION_NAME");
    expect(await ok<Question>(call(`/api/v1/questions/${scale.id}`, { as: main.admin }))).toEqual(scale);
  });

  it("refuses to delete an answer reviews chose (ANSWER_IN_USE)", async () => {
    const scale = await newScale(main.admin);
    const form = await ok<ReviewForm>(
      createForm(main.admin, {
        name: unique("Scale form"),
        scopes: ["engagement"],
        blocks: [{ kind: "scale", questionId: scale.id }],
      }),
      201,
    );
    await ok(
      call("/api/v1/reviews", {
        as: main.admin,
        body: {
          engagementId: main.engagement("e-1"),
          formId: form.id,
          submissionId: crypto.randomUUID(),
          answers: [{ questionId: scale.id, answerId: scale.answers[0]?.id }],
        },
      }),
      201,
    );
    const res = await call(`/api/v1/questions/${scale.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: scale.name, type: "Scale", answers: scale.answers.slice(1) },
    });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("ANSWER_IN_USE");
    expect((await ok<Question>(call(`/api/v1/questions/${scale.id}`, { as: main.admin }))).answers).toHaveLength(3);
  });

  it("needs qa.manage", async () => {
    const tag = await newTag(main.admin);
    const res = await call(`/api/v1/questions/${tag.id}`, {
      as: analyst,
      method: "PUT",
      body: { name: "Mine", type: "Tag" },
    });
    expect(await errorCode(res)).toBe("FORBIDDEN");
  });
});

describe("DELETE /api/v1/questions/{id}", () => {
  it("deletes an unused question and its answers", async () => {
    const scale = await newScale(main.admin);
    await ok(call(`/api/v1/questions/${scale.id}`, { as: main.admin, method: "DELETE" }), 204);
    expect((await call(`/api/v1/questions/${scale.id}`, { as: main.admin })).status).toBe(404);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM answer WHERE account_id = ? AND question_pid = ?")
      .bind(main.accountId, scale.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("refuses while a form uses it (QUESTION_IN_FORM) or reviews answer it (QUESTION_IN_USE)", async () => {
    const tag = await newTag(main.admin);
    const form = await ok<ReviewForm>(
      createForm(main.admin, {
        name: unique("Tag form"),
        scopes: ["engagement"],
        blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
      }),
      201,
    );
    const inForm = await call(`/api/v1/questions/${tag.id}`, { as: main.admin, method: "DELETE" });
    expect(inForm.status).toBe(409);
    expect(await errorCode(inForm)).toBe("QUESTION_IN_FORM");
    await ok(
      call("/api/v1/reviews", {
        as: main.admin,
        body: {
          engagementId: main.engagement("e-2"),
          formId: form.id,
          submissionId: crypto.randomUUID(),
          answers: [{ questionId: tag.id }],
        },
      }),
      201,
    );
    await ok(call(`/api/v1/review-forms/${form.id}`, { as: main.admin, method: "DELETE" }), 204);
    const inUse = await call(`/api/v1/questions/${tag.id}`, { as: main.admin, method: "DELETE" });
    expect(inUse.status).toBe(409);
    expect(await errorCode(inUse)).toBe("QUESTION_IN_USE");
    await ok(call(`/api/v1/questions/${tag.id}`, { as: main.admin }));
  });

  it("needs qa.manage", async () => {
    const tag = await newTag(main.admin);
    const res = await call(`/api/v1/questions/${tag.id}`, { as: agent, method: "DELETE" });
    expect(await errorCode(res)).toBe("FORBIDDEN");
    await ok(call(`/api/v1/questions/${tag.id}`, { as: main.admin }));
  });
});

describe("review forms", () => {
  it("are built from a tag set, a single choice, a scale and a comment, with the scopes they allow", async () => {
    const [t1, t2] = [await newTag(main.admin), await newTag(main.admin)];
    const choice = await ok<Question>(
      createQuestion(main.admin, {
        name: unique("Channel"),
        type: "Single Choice",
        answers: [{ name: "A" }, { name: "B" }],
      }),
      201,
    );
    const scale = await newScale(main.admin);
    const comment = await ok<Question>(createQuestion(main.admin, { name: unique("Note"), type: "Comment" }), 201);
    const body = {
      name: unique("Agent coaching"),
      description: "For agent turns",
      scopes: ["agentTurn", "engagement"],
      blocks: [
        { kind: "tagSet", label: "Behaviour", questionIds: [t1.id, t2.id] },
        { kind: "choice", questionId: choice.id },
        { kind: "scale", label: "Quality", questionId: scale.id },
        { kind: "comment", questionId: comment.id },
      ],
    };
    const form = await ok<ReviewForm>(createForm(main.admin, body), 201);
    expect(form).toMatchObject({ ...body, builtIn: false });
    expect(form.questions.map((q) => q.id)).toEqual([t1.id, t2.id, choice.id, scale.id, comment.id]);
    expect(form.questions[3]?.answers).toHaveLength(3);
    expect(await ok<ReviewForm>(call(`/api/v1/review-forms/${form.id}`, { as: agent }))).toEqual(form);

    const forBots = await ok<{ items: ReviewForm[] }>(call("/api/v1/review-forms?scope=botTurn", { as: main.admin }));
    expect(forBots.items.some((f) => f.id === form.id)).toBe(false);
    expect(forBots.items.every((f) => f.scopes.includes("botTurn"))).toBe(true);
    const forAgents = await ok<{ items: ReviewForm[] }>(
      call(`/api/v1/review-forms?scope=agentTurn&q=${encodeURIComponent(body.name.toUpperCase())}`, { as: main.admin }),
    );
    expect(forAgents.items.map((f) => f.id)).toEqual([form.id]);
    const paged = await allPages<ReviewForm>(main.admin, "/api/v1/review-forms", 1);
    expect(new Set(paged.map((f) => f.id)).size).toBe(paged.length);
    expect(paged.some((f) => f.id === form.id)).toBe(true);
  });

  it("refuses bad forms with a stable code and saves nothing", async () => {
    const tag = await newTag(main.admin);
    const scale = await newScale(main.admin);
    const reviewed = builtinPid(main.accountId, "question", "Reviewed");
    const taken = unique("Taken");
    await ok(
      createForm(main.admin, {
        name: taken,
        scopes: ["engagement"],
        blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
      }),
      201,
    );
    const form = (blocks: unknown[], scopes: string[] = ["engagement"], name = unique("Bad")) => ({
      name,
      scopes,
      blocks,
    });
    const cases: [unknown, number, string][] = [
      [form([]), 400, "VALIDATION_FAILED"],
      [form([{ kind: "tagSet", questionIds: [tag.id] }], []), 400, "VALIDATION_FAILED"],
      [form([{ kind: "tagSet", questionIds: [tag.id] }], ["engagement", "engagement"]), 400, "VALIDATION_FAILED"],
      [form([{ kind: "tagSet", questionIds: [tag.id] }], ["everywhere"]), 400, "VALIDATION_FAILED"],
      [form([{ kind: "slider", questionId: tag.id }]), 400, "VALIDATION_FAILED"],
      [form([{ kind: "scale", questionId: tag.id }]), 400, "BLOCK_QUESTION_TYPE"],
      [form([{ kind: "tagSet", questionIds: [scale.id] }]), 400, "BLOCK_QUESTION_TYPE"],
      [
        form([
          { kind: "tagSet", questionIds: [tag.id] },
          { kind: "tagSet", questionIds: [tag.id] },
        ]),
        400,
        "DUPLICATE_FORM_QUESTION",
      ],
      [form([{ kind: "tagSet", questionIds: [reviewed] }], ["engagement", "agentTurn"]), 400, "REVIEWED_TAG_ON_TURN"],
      [
        form([{ kind: "tagSet", questionIds: [tag.id] }], ["engagement"], ` ${taken.toUpperCase()} `),
        400,
        "DUPLICATE_FORM_NAME",
      ],
      [form([{ kind: "tagSet", questionIds: [crypto.randomUUID()] }]), 404, "NOT_FOUND"],
    ];
    const before = await count("review_form", main.accountId);
    for (const [body, status, code] of cases) {
      const res = await createForm(main.admin, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorCode(res), JSON.stringify(body)).toBe(code);
    }
    expect(await count("review_form", main.accountId)).toBe(before);
  });

  it("are replaced and deleted by qa.manage only", async () => {
    const tag = await newTag(main.admin);
    const form = await ok<ReviewForm>(
      createForm(main.admin, {
        name: unique("Edit me"),
        scopes: ["engagement"],
        blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
      }),
      201,
    );
    const forbidden = await call(`/api/v1/review-forms/${form.id}`, {
      as: analyst,
      method: "PUT",
      body: { name: "Mine", scopes: ["engagement"], blocks: form.blocks },
    });
    expect(await errorCode(forbidden)).toBe("FORBIDDEN");
    expect(await errorCode(await createForm(agent, { name: "X", scopes: ["engagement"], blocks: form.blocks }))).toBe(
      "FORBIDDEN",
    );
    const saved = await ok<ReviewForm>(
      call(`/api/v1/review-forms/${form.id}`, {
        as: main.admin,
        method: "PUT",
        body: { name: `${form.name} v2`, scopes: ["customerTurn"], blocks: form.blocks },
      }),
    );
    expect(saved).toMatchObject({ name: `${form.name} v2`, scopes: ["customerTurn"] });
    const bad = await call(`/api/v1/review-forms/${form.id}`, {
      as: main.admin,
      method: "PUT",
      body: { name: "Bad", scopes: ["customerTurn"], blocks: [{ kind: "comment", questionId: tag.id }] },
    });
    expect(await errorCode(bad)).toBe("BLOCK_QUESTION_TYPE");
    expect((await ok<ReviewForm>(call(`/api/v1/review-forms/${form.id}`, { as: main.admin }))).name).toBe(saved.name);
    expect(await errorCode(await call(`/api/v1/review-forms/${form.id}`, { as: agent, method: "DELETE" }))).toBe(
      "FORBIDDEN",
    );
    await ok(call(`/api/v1/review-forms/${form.id}`, { as: main.admin, method: "DELETE" }), 204);
    expect((await call(`/api/v1/review-forms/${form.id}`, { as: main.admin })).status).toBe(404);
  });

  it("of another account are not found, nor are its questions", async () => {
    const tag = await newTag(main.admin);
    const form = await ok<ReviewForm>(
      createForm(main.admin, {
        name: unique("Private"),
        scopes: ["engagement"],
        blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
      }),
      201,
    );
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await call(`/api/v1/review-forms/${form.id}`, {
        as: other.admin,
        method,
        body: method === "PUT" ? { name: "Stolen", scopes: ["engagement"], blocks: form.blocks } : undefined,
      });
      expect(res.status, method).toBe(404);
    }
    const borrowing = await createForm(other.admin, {
      name: "Borrowed",
      scopes: ["engagement"],
      blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
    });
    expect(borrowing.status).toBe(404);
    const theirs = await ok<{ items: ReviewForm[] }>(call("/api/v1/review-forms?limit=200", { as: other.admin }));
    expect(theirs.items.some((f) => f.id === form.id)).toBe(false);
    await ok(call(`/api/v1/review-forms/${form.id}`, { as: main.admin }));
  });
});

describe("the form each user chose per scope", () => {
  it("is remembered per user and scope, and forgotten when the form goes", async () => {
    const tag = await newTag(main.admin);
    const form = await ok<ReviewForm>(
      createForm(main.admin, {
        name: unique("Turn tags"),
        scopes: ["agentTurn", "customerTurn"],
        blocks: [{ kind: "tagSet", questionIds: [tag.id] }],
      }),
      201,
    );
    const mine = await main.user("agent");
    const empty = { engagement: null, customerTurn: null, agentTurn: null, botTurn: null };
    expect(await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: mine }))).toEqual(empty);
    const set = await ok<FormChoices>(
      call("/api/v1/review-forms/choices/agentTurn", { as: mine, method: "PUT", body: { formId: form.id } }),
    );
    expect(set).toEqual({ ...empty, agentTurn: form.id });
    expect(await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: mine }))).toEqual(set);
    expect((await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: analyst }))).agentTurn).toBeNull();
    await ok(call(`/api/v1/review-forms/${form.id}`, { as: main.admin, method: "DELETE" }), 204);
    expect(await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: mine }))).toEqual(empty);
  });

  it("refuses a form not allowed in the scope, an unknown or foreign form, and an unknown scope", async () => {
    const builtIn = builtinPid(main.accountId, "review_form", "engagement-review");
    const put = (scope: string, formId: string, as = analyst) =>
      call(`/api/v1/review-forms/choices/${scope}`, { as, method: "PUT", body: { formId } });
    const mismatch = await put("botTurn", builtIn);
    expect(mismatch.status).toBe(400);
    expect(await errorCode(mismatch)).toBe("FORM_SCOPE_MISMATCH");
    expect((await put("engagement", crypto.randomUUID())).status).toBe(404);
    expect((await put("engagement", builtinPid(other.accountId, "review_form", "engagement-review"))).status).toBe(404);
    expect(await errorCode(await put("everywhere", builtIn))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await put("engagement", builtIn, { ...analyst, csrfToken: "wrong" }))).toBe("CSRF_FAILED");
    expect((await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: analyst }))).engagement).toBeNull();
    await put("engagement", builtIn);
    expect((await ok<FormChoices>(call("/api/v1/review-forms/choices", { as: analyst }))).engagement).toBe(builtIn);
  });
});

describe("malformed ids and queries", () => {
  it("answer VALIDATION_FAILED on every route, changing nothing", async () => {
    const cases: [string, string, unknown?][] = [
      ["GET", "/api/v1/questions/not-a-uuid"],
      ["GET", "/api/v1/questions?type=Rating"],
      ["GET", "/api/v1/questions?limit=0"],
      ["PUT", "/api/v1/questions/not-a-uuid", { name: "X", type: "Tag" }],
      ["DELETE", "/api/v1/questions/not-a-uuid"],
      ["GET", "/api/v1/review-forms?scope=everywhere"],
      ["GET", "/api/v1/review-forms/not-a-uuid"],
      ["PUT", "/api/v1/review-forms/not-a-uuid", { name: "X", scopes: ["engagement"], blocks: [] }],
      ["DELETE", "/api/v1/review-forms/not-a-uuid"],
      ["PUT", "/api/v1/review-forms/choices/engagement", { formId: "nope" }],
      ["GET", "/api/v1/reviews"],
      ["GET", `/api/v1/reviews?engagementId=${main.engagement("e-1")}&turnId=nope`],
      ["POST", "/api/v1/reviews/not-a-uuid/withdraw"],
      ["PUT", "/api/v1/reviews/not-a-uuid/feedback", { verdict: "approve" }],
    ];
    const before = [await count("question", main.accountId), await count("review_form", main.accountId)];
    for (const [method, path, body] of cases) {
      const res = await call(path, { as: main.admin, method, body });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(await errorCode(res), `${method} ${path}`).toBe("VALIDATION_FAILED");
    }
    const badCursor = await call(`/api/v1/reviews?engagementId=${main.engagement("e-1")}&cursor=nope`, {
      as: main.admin,
    });
    expect(await errorCode(badCursor)).toBe("INVALID_CURSOR");
    const malformed = await call("/api/v1/questions", {
      as: main.admin,
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect([await count("question", main.accountId), await count("review_form", main.accountId)]).toEqual(before);
  });
});
