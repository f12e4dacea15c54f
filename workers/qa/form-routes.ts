import { createRoute } from "@hono/zod-openapi";
import { IdParam, page } from "../../schemas/common";
import {
  FormChoiceInput,
  FormChoices,
  FormInput,
  FormListQuery,
  REVIEW_SCOPES,
  ReviewForm,
  type ReviewScope,
  ScopeParam,
} from "../../schemas/qa";
import { isUniqueViolation } from "../accounts/accounts";
import { requireUser } from "../accounts/auth";
import { normalizeName } from "../analytics/metric-catalog";
import { type Db, dbFor } from "../db/client";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { checkForm, formViews, parseScopes } from "./forms";
import {
  chooseForm,
  deleteForm,
  type FormRow,
  formChoices,
  formNamed,
  getForm,
  insertForm,
  listForms,
  updateForm,
} from "./queries";
import { managers, readers, tags, withBuiltins } from "./question-routes";

const reviewers = requireUser("reviews.write");

const duplicateName = (name: string) =>
  badRequest("DUPLICATE_FORM_NAME", `The account already has a form named "${name}".`);

async function formView(db: Db, accountId: string, row: FormRow): Promise<ReviewForm> {
  const [view] = await formViews(db, accountId, [row]);
  if (!view) throw new Error("form view missing");
  return view;
}

async function editableForm(db: Db, accountId: string, id: string): Promise<FormRow> {
  const row = await getForm(db, accountId, id);
  if (!row) throw notFound("Form");
  if (row.builtIn) {
    throw new ApiError(403, "BUILT_IN_READ_ONLY", `"${row.name}" is built in; copy it into a new form to change it.`);
  }
  return row;
}

async function choicesOf(db: Db, accountId: string, userId: string): Promise<Record<ReviewScope, string | null>> {
  const out = Object.fromEntries(REVIEW_SCOPES.map((s) => [s, null])) as Record<ReviewScope, string | null>;
  for (const c of await formChoices(db, accountId, userId)) {
    const scope = c.scope as ReviewScope;
    if (scope in out && parseScopes(c).includes(scope)) out[scope] = c.formPid;
  }
  return out;
}

const FORM_ERRORS =
  "Errors: 400 `DUPLICATE_FORM_NAME`, `DUPLICATE_FORM_QUESTION`, `BLOCK_QUESTION_TYPE` (a block's question is of " +
  "another type), `REVIEWED_TAG_ON_TURN` (the Reviewed tag in a form for turns); 404 `NOT_FOUND` for a question " +
  "the account does not have.";

/** Review forms (blocks over the account's questions, and where each may be used) and each user's remembered choice. */
export const formRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/choices",
      tags,
      summary: "The form the signed-in user last chose for each scope",
      security: COOKIE_AUTH,
      middleware: [readers, withBuiltins] as const,
      responses: { 200: json(FormChoices, "Form id per scope, or null"), ...errors(401) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      return c.json(await choicesOf(dbFor(c.env, accountId), accountId, user.userId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/choices/{scope}",
      tags,
      summary: "Remember a form as the signed-in user's choice for a scope",
      description: "Errors: 404 for an unknown form; 400 `FORM_SCOPE_MISMATCH` when the form may not be used there.",
      security: COOKIE_AUTH,
      middleware: [reviewers, withBuiltins] as const,
      request: { params: ScopeParam, body: body(FormChoiceInput) },
      responses: { 200: json(FormChoices, "Form id per scope, or null"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { scope } = c.req.valid("param");
      const { formId } = c.req.valid("json");
      const form = await getForm(db, accountId, formId);
      if (!form) throw notFound("Form");
      if (!parseScopes(form).includes(scope)) {
        throw badRequest("FORM_SCOPE_MISMATCH", `The form "${form.name}" may not be used for ${scope}.`);
      }
      await chooseForm(db, accountId, user.userId, scope, formId);
      return c.json(await choicesOf(db, accountId, user.userId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Review forms ordered by name, each with the questions it uses",
      security: COOKIE_AUTH,
      middleware: [readers, withBuiltins] as const,
      request: { query: FormListQuery },
      responses: { 200: json(page(ReviewForm), "A page of forms"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { limit, cursor, scope, q } = c.req.valid("query");
      const rows = await listForms(db, accountId, {
        limit: limit + 1,
        after: cursor ? decodeKeyCursor(cursor) : undefined,
        scope,
        q: q ? normalizeName(q) : undefined,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return c.json(
        {
          items: await formViews(db, accountId, items),
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
      summary: "Create a review form",
      description: FORM_ERRORS,
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { body: body(FormInput) },
      responses: { 201: json(ReviewForm, "Created"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const nameKey = normalizeName(input.name);
      if (await formNamed(db, accountId, nameKey)) throw duplicateName(input.name);
      await checkForm(db, accountId, input);
      const row = await insertForm(db, accountId, {
        pid: newPid(),
        name: input.name,
        nameKey,
        description: input.description,
        scopes: JSON.stringify(input.scopes),
        blocks: JSON.stringify(input.blocks),
        createdBy: user.userId,
      }).catch((e: unknown) => {
        throw isUniqueViolation(e) ? duplicateName(input.name) : e;
      });
      return c.json(await formView(db, accountId, row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One review form with the questions it uses",
      security: COOKIE_AUTH,
      middleware: [readers, withBuiltins] as const,
      request: { params: IdParam },
      responses: { 200: json(ReviewForm, "The form"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const row = await getForm(db, accountId, c.req.valid("param").id);
      if (!row) throw notFound("Form");
      return c.json(await formView(db, accountId, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      tags,
      summary: "Replace a review form (built-ins are read-only)",
      description: `Reviews already given keep their form id. ${FORM_ERRORS} 403 \`BUILT_IN_READ_ONLY\`.`,
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { params: IdParam, body: body(FormInput) },
      responses: { 200: json(ReviewForm, "Saved"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      await editableForm(db, accountId, id);
      const nameKey = normalizeName(input.name);
      if (await formNamed(db, accountId, nameKey, id)) throw duplicateName(input.name);
      await checkForm(db, accountId, input);
      const row = await updateForm(db, accountId, id, {
        name: input.name,
        nameKey,
        description: input.description,
        scopes: JSON.stringify(input.scopes),
        blocks: JSON.stringify(input.blocks),
      }).catch((e: unknown) => {
        throw isUniqueViolation(e) ? duplicateName(input.name) : e;
      });
      if (!row) throw notFound("Form");
      return c.json(await formView(db, accountId, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a review form (built-ins are read-only)",
      description:
        "Reviews given with it keep its id (and show no form name); users who had chosen it choose again. 403 `BUILT_IN_READ_ONLY`.",
      security: COOKIE_AUTH,
      middleware: [managers, withBuiltins] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      await editableForm(db, accountId, id);
      await deleteForm(db, accountId, id);
      return c.body(null, 204);
    },
  );
