import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { IdParam, page } from "../../schemas/common";
import { Question, QuestionInput, QuestionListQuery } from "../../schemas/qa";
import { requireUser } from "../accounts/auth";
import { dbFor, rawDbFor } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError, badRequest, conflict, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { ensureQaBuiltins } from "./builtins";
import {
  type AnswerValues,
  answersInUse,
  answersOf,
  deleteQuestion,
  formsUsingQuestion,
  listQuestions,
  type QuestionRow,
  questionNamed,
  questionsByPid,
  reviewsOfQuestion,
  saveQuestion,
} from "./queries";
import { checkQuestion, questionView, questionViews } from "./questions";

export const tags = ["Quality assurance"];
export const readers = requireUser();
export const managers = requireUser("qa.manage");

/** Creates the account's built-in tags, questions and forms on its first use of QA (older accounts). */
export const withBuiltins: MiddlewareHandler<AppEnv> = async (c, next) => {
  await ensureQaBuiltins(rawDbFor(c.env, c.var.accountId), c.var.accountId);
  await next();
};

/** Refuses changes to a built-in or a source's question. */
function checkEditable(row: QuestionRow): void {
  if (row.builtIn) {
    throw new ApiError(403, "BUILT_IN_READ_ONLY", `"${row.name}" is built in; it cannot be changed or deleted.`);
  }
  if (row.sourceId) {
    throw new ApiError(
      403,
      "QUESTION_FROM_SOURCE",
      `"${row.name}" was loaded by the source "${row.sourceName ?? row.sourceId}"; change it there.`,
    );
  }
}

async function checkName(db: ReturnType<typeof dbFor>, accountId: string, name: string, self?: string) {
  const other = await questionNamed(db, accountId, name, self);
  if (other) {
    throw badRequest(
      "DUPLICATE_QUESTION_NAME",
      `The account already has a tag or question named "${other.name}" (metrics find questions by name).`,
    );
  }
}

async function loadQuestion(db: ReturnType<typeof dbFor>, accountId: string, id: string): Promise<Question> {
  const [row] = await questionsByPid(db, accountId, [id]);
  if (!row) throw notFound("Question");
  return questionView(row, await answersOf(db, accountId, [id]));
}

/** Tags and questions: the built-ins, those from sources, and the account's own (edited by `qa.manage`). */
export const questionRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Tags and questions with their answers, ordered by name",
      security: COOKIE_AUTH,
      middleware: [readers, withBuiltins] as const,
      request: { query: QuestionListQuery },
      responses: { 200: json(page(Question), "A page of questions"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { limit, cursor, type, q } = c.req.valid("query");
      const rows = await listQuestions(db, accountId, {
        limit: limit + 1,
        after: cursor ? decodeKeyCursor(cursor) : undefined,
        type,
        q,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const answers = await answersOf(
        db,
        accountId,
        items.map((r) => r.pid),
      );
      return c.json(
        {
          items: questionViews(items, answers),
          nextCursor: rows.length > limit && last ? encodeKeyCursor(last.nameKey, last.pid) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a tag or question",
      description:
        "Errors (400): `DUPLICATE_QUESTION_NAME`, `ANSWERS_NOT_ALLOWED`, `TOO_FEW_ANSWERS`, `DUPLICATE_ANSWER_NAME`, " +
        "`SCORE_REQUIRED`, `SCALE_NOT_ORDERED`, `SCORE_NOT_ALLOWED`, `ANSWER_NOT_OF_QUESTION` (an answer id on a new question).",
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { body: body(QuestionInput) },
      responses: { 201: json(Question, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const stored = checkQuestion(input);
      if (input.answers.some((a) => a.id)) {
        throw badRequest("ANSWER_NOT_OF_QUESTION", "A new question has no answers yet; leave out the answer ids.");
      }
      await checkName(db, accountId, input.name);
      const pid = newPid();
      await saveQuestion(
        db,
        accountId,
        { pid, name: input.name, type: input.type, ...stored },
        input.answers.map((a, i) => ({ pid: newPid(), name: a.name, score: a.score, position: i + 1 })),
      );
      return c.json(await loadQuestion(db, accountId, pid), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One tag or question with its answers",
      security: COOKIE_AUTH,
      middleware: [readers, withBuiltins] as const,
      request: { params: IdParam },
      responses: { 200: json(Question, "The question"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      return c.json(await loadQuestion(dbFor(c.env, accountId), accountId, c.req.valid("param").id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      tags,
      summary: "Replace a tag or question: its name, score and answers (its type is fixed)",
      description:
        "Answers with an `id` are kept (renamed, rescored, reordered), those without are added, those left out are " +
        "deleted. Reviews keep the score they were given with. Errors: 403 `BUILT_IN_READ_ONLY`, `QUESTION_FROM_SOURCE`; " +
        "400 `QUESTION_TYPE_FIXED`, `ANSWER_NOT_OF_QUESTION` and the create errors; 409 `ANSWER_IN_USE`.",
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { params: IdParam, body: body(QuestionInput) },
      responses: { 200: json(Question, "Saved"), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const [row] = await questionsByPid(db, accountId, [id]);
      if (!row) throw notFound("Question");
      checkEditable(row);
      if (row.type !== input.type) {
        throw badRequest("QUESTION_TYPE_FIXED", `"${row.name}" is a ${row.type}; its type cannot change.`);
      }
      const stored = checkQuestion(input);
      await checkName(db, accountId, input.name, id);
      const current = await answersOf(db, accountId, [id]);
      const currentPids = new Set(current.map((a) => a.pid));
      const kept = new Set<string>();
      for (const a of input.answers) {
        if (!a.id) continue;
        if (!currentPids.has(a.id) || kept.has(a.id)) {
          throw badRequest("ANSWER_NOT_OF_QUESTION", `Answer ${a.id} is not an answer of "${row.name}".`);
        }
        kept.add(a.id);
      }
      const removed = current.filter((a) => !kept.has(a.pid));
      const used = await answersInUse(
        rawDbFor(c.env, accountId),
        accountId,
        removed.map((a) => a.pid),
      );
      if (used.length > 0) {
        const names = removed.filter((a) => used.includes(a.pid)).map((a) => `"${a.name}"`);
        throw conflict(
          "ANSWER_IN_USE",
          `Reviews chose ${names.join(", ")}; an answer reviews use cannot be deleted (rename it instead).`,
        );
      }
      const answers: AnswerValues[] = input.answers.map((a, i) => ({
        pid: a.id ?? newPid(),
        name: a.name,
        score: a.score,
        position: i + 1,
      }));
      await saveQuestion(
        db,
        accountId,
        { pid: id, name: input.name, type: row.type, ...stored },
        answers,
        removed.map((a) => a.pid),
      );
      return c.json(await loadQuestion(db, accountId, id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a tag or question no form and no review uses",
      description:
        "Refused, never retired: 409 `QUESTION_IN_FORM` (remove it from those forms first) or `QUESTION_IN_USE` " +
        "(reviews answer it; reports keep them). 403 `BUILT_IN_READ_ONLY`, `QUESTION_FROM_SOURCE`.",
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const [row] = await questionsByPid(db, accountId, [id]);
      if (!row) throw notFound("Question");
      checkEditable(row);
      const forms = await formsUsingQuestion(db, accountId, id);
      if (forms.length > 0) {
        throw conflict(
          "QUESTION_IN_FORM",
          `The form${forms.length > 1 ? "s" : ""} ${forms.map((f) => `"${f.name}"`).join(", ")} use${forms.length > 1 ? "" : "s"} "${row.name}"; remove it there first.`,
        );
      }
      const reviews = await reviewsOfQuestion(rawDbFor(c.env, accountId), accountId, id);
      if (reviews > 0) {
        throw conflict(
          "QUESTION_IN_USE",
          `${reviews} review${reviews === 1 ? "" : "s"} answer "${row.name}"; it stays so reports keep them. Remove it from forms to stop its use.`,
        );
      }
      await deleteQuestion(db, accountId, id);
      return c.body(null, 204);
    },
  );
