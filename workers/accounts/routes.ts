import { createRoute } from "@hono/zod-openapi";
import {
  ApiKey,
  ApiKeyIdentity,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateSourceBody,
  CreateUserBody,
  Session,
  SignInBody,
  Source,
  UpdateSourceBody,
  UpdateUserBody,
  User,
} from "../../schemas/accounts";
import { IdParam, PageQuery, page } from "../../schemas/common";
import { dbFor, directoryDb } from "../db/client";
import { hashPassword } from "../lib/crypto";
import { conflict, forbidden, notFound, unauthenticated } from "../lib/errors";
import { BEARER_AUTH, body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { toPage } from "../lib/paging";
import { router } from "../lib/router";
import { nowSeconds } from "../lib/time";
import { addApiKey, addSource, addUser, checkCredentials, toAccount, toApiKey, toSource, toUser } from "./accounts";
import { clearSessionCookie, csrfTokenFor, requireApiKey, requireUser, startSession } from "./auth";
import { permissionsOf } from "./permissions";
import {
  deleteSession,
  deleteUserSessions,
  getAccount,
  getSource,
  getUser,
  listApiKeys,
  listSources,
  listUsers,
  renameSource,
  revokeApiKey,
  updateUser,
} from "./queries";

const tags = ["Accounts"];

/** Sign in, sign out, and the current session. Nothing here may be cached. */
export const authRoutes = router();
authRoutes.use(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
authRoutes
  .openapi(
    createRoute({
      method: "post",
      path: "/sign-in",
      tags,
      summary: "Sign in with e-mail and password; sets the session cookie",
      request: { body: body(SignInBody) },
      responses: { 200: json(Session, "Signed in"), ...errors(400, 401, 403, 429) },
    }),
    async (c) => {
      const origin = c.req.header("origin");
      if (origin && origin !== new URL(c.req.url).origin) {
        // Login CSRF: a foreign page must not sign the browser in to an account it chose.
        throw forbidden("CSRF_FAILED", "Cross-site sign-in refused.");
      }
      const { email, password } = c.req.valid("json");
      const db = directoryDb(c.env);
      const client = c.req.header("cf-connecting-ip") ?? "local";
      const found = await checkCredentials(db, email, password, client);
      if (!found) throw unauthenticated("INVALID_CREDENTIALS", "The e-mail or password is incorrect.");
      if (found.disabledAt !== null) throw forbidden("USER_DISABLED", "This user has been disabled.");
      const acct = await getAccount(db, found.accountId);
      if (!acct) throw unauthenticated("INVALID_CREDENTIALS", "The e-mail or password is incorrect.");
      const tokenHash = await startSession(c, found.accountId, found.id);
      return c.json(
        {
          user: toUser(found),
          account: toAccount(acct),
          permissions: [...permissionsOf(toUser(found).role)],
          csrfToken: await csrfTokenFor(c.env, tokenHash),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/sign-out",
      tags,
      summary: "End the current session",
      security: COOKIE_AUTH,
      middleware: [requireUser()] as const,
      responses: { 204: { description: "Signed out" }, ...errors(401, 403) },
    }),
    async (c) => {
      await deleteSession(dbFor(c.env, c.var.user.accountId), c.var.user.sessionTokenHash);
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/session",
      tags,
      summary: "The signed-in user, account, permissions and CSRF token",
      security: COOKIE_AUTH,
      middleware: [requireUser()] as const,
      responses: { 200: json(Session, "Current session"), ...errors(401) },
    }),
    async (c) => {
      const { accountId, userId, sessionTokenHash, permissions } = c.var.user;
      const db = dbFor(c.env, accountId);
      const [row, acct] = await Promise.all([getUser(db, accountId, userId), getAccount(db, accountId)]);
      if (!row || !acct) throw unauthenticated("SESSION_EXPIRED", "Your session has ended. Sign in again.");
      return c.json(
        {
          user: toUser(row),
          account: toAccount(acct),
          permissions: [...permissions],
          csrfToken: await csrfTokenFor(c.env, sessionTokenHash),
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/api-key",
      tags,
      summary: "Identify the API key sending the request (to check a key works)",
      security: BEARER_AUTH,
      middleware: [requireApiKey()] as const,
      responses: { 200: json(ApiKeyIdentity, "The key's account and scopes"), ...errors(401) },
    }),
    (c) => {
      const { accountId, keyId, scopes } = c.var.apiKey;
      return c.json({ accountId, keyId, scopes: [...scopes] }, 200);
    },
  );

/** Users of the account, managed by admins. */
export const userRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List the account's users",
      security: COOKIE_AUTH,
      middleware: [requireUser("users.manage")] as const,
      request: { query: PageQuery },
      responses: { 200: json(page(User), "A page of users"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const { accountId } = c.var.user;
      const rows = await listUsers(dbFor(c.env, accountId), accountId, limit, cursor);
      return c.json(toPage(rows, limit, toUser), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Add a user",
      security: COOKIE_AUTH,
      middleware: [requireUser("users.manage")] as const,
      request: { body: body(CreateUserBody) },
      responses: { 201: json(User, "Created"), ...errors(400, 401, 403, 409) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await addUser(dbFor(c.env, accountId), accountId, c.req.valid("json"));
      return c.json(toUser(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One user",
      security: COOKIE_AUTH,
      middleware: [requireUser("users.manage")] as const,
      request: { params: IdParam },
      responses: { 200: json(User, "The user"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await getUser(dbFor(c.env, accountId), accountId, c.req.valid("param").id);
      if (!row) throw notFound("User");
      return c.json(toUser(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Rename, change the role of, disable or re-enable a user, or set a new password",
      security: COOKIE_AUTH,
      middleware: [requireUser("users.manage")] as const,
      request: { params: IdParam, body: body(UpdateUserBody) },
      responses: { 200: json(User, "Updated"), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { accountId, userId } = c.var.user;
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      if (id === userId && (patch.disabled === true || (patch.role && patch.role !== "admin"))) {
        throw conflict("SELF_LOCKOUT", "You cannot disable yourself or remove your own admin role.");
      }
      const db = dbFor(c.env, accountId);
      const row = await updateUser(db, accountId, id, {
        name: patch.name,
        role: patch.role,
        passwordHash: patch.password ? await hashPassword(patch.password) : undefined,
        disabledAt: patch.disabled === undefined ? undefined : patch.disabled ? nowSeconds() : null,
      });
      if (!row) throw notFound("User");
      // A disabled user, or one with a new password, is signed out everywhere, except the
      // admin's own current session when they change their own password.
      if (patch.disabled || patch.password) {
        await deleteUserSessions(db, accountId, id, id === userId ? c.var.user.sessionTokenHash : undefined);
      }
      return c.json(toUser(row), 200);
    },
  );

/** API keys for the Ingest and Export APIs. */
export const apiKeyRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List API keys (never their secrets)",
      security: COOKIE_AUTH,
      middleware: [requireUser("apiKeys.manage")] as const,
      request: { query: PageQuery },
      responses: { 200: json(page(ApiKey), "A page of API keys"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const { accountId } = c.var.user;
      const rows = await listApiKeys(dbFor(c.env, accountId), accountId, limit, cursor);
      return c.json(toPage(rows, limit, toApiKey), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create an API key; the secret is in this response only",
      security: COOKIE_AUTH,
      middleware: [requireUser("apiKeys.manage")] as const,
      request: { body: body(CreateApiKeyBody) },
      responses: { 201: json(CreatedApiKey, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { accountId, userId } = c.var.user;
      const created = await addApiKey(dbFor(c.env, accountId), accountId, {
        ...c.req.valid("json"),
        createdBy: userId,
      });
      return c.json(created, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Revoke an API key; it stops working at once",
      security: COOKIE_AUTH,
      middleware: [requireUser("apiKeys.manage")] as const,
      request: { params: IdParam },
      responses: { 200: json(ApiKey, "Revoked"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await revokeApiKey(dbFor(c.env, accountId), accountId, c.req.valid("param").id);
      if (!row) throw notFound("API key");
      return c.json(toApiKey(row), 200);
    },
  );

/** Ingestion sources: where data comes from. */
export const sourceRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List ingestion sources",
      security: COOKIE_AUTH,
      middleware: [requireUser()] as const,
      request: { query: PageQuery },
      responses: { 200: json(page(Source), "A page of sources"), ...errors(400, 401) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const { accountId } = c.var.user;
      const rows = await listSources(dbFor(c.env, accountId), accountId, limit, cursor);
      return c.json(toPage(rows, limit, toSource), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Add an ingestion source",
      security: COOKIE_AUTH,
      middleware: [requireUser("sources.manage")] as const,
      request: { body: body(CreateSourceBody) },
      responses: { 201: json(Source, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await addSource(dbFor(c.env, accountId), accountId, c.req.valid("json"));
      return c.json(toSource(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One ingestion source",
      security: COOKIE_AUTH,
      middleware: [requireUser()] as const,
      request: { params: IdParam },
      responses: { 200: json(Source, "The source"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await getSource(dbFor(c.env, accountId), accountId, c.req.valid("param").id);
      if (!row) throw notFound("Source");
      return c.json(toSource(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Rename an ingestion source",
      security: COOKIE_AUTH,
      middleware: [requireUser("sources.manage")] as const,
      request: { params: IdParam, body: body(UpdateSourceBody) },
      responses: { 200: json(Source, "Renamed"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId } = c.var.user;
      const row = await renameSource(
        dbFor(c.env, accountId),
        accountId,
        c.req.valid("param").id,
        c.req.valid("json").name,
      );
      if (!row) throw notFound("Source");
      return c.json(toSource(row), 200);
    },
  );
