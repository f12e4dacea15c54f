import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ApiKeyScope, Permission, Role } from "../../schemas/accounts";
import { dbFor, directoryDb } from "../db/client";
import type { AppEnv, Bindings } from "../env";
import { hmac, randomToken, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { ApiError, forbidden, unauthenticated } from "../lib/errors";
import { nowSeconds } from "../lib/time";
import { permissionsOf } from "./permissions";
import { findApiKey, findSession, insertSession, touchApiKey } from "./queries";

export const SESSION_COOKIE = "brine_session";
export const CSRF_HEADER = "x-csrf-token";
/** Sessions end this long after sign-in. */
export const SESSION_SECONDS = 12 * 60 * 60;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The secret Brine signs tokens and links with; throws when it is missing or too short. */
export function signingSecret(env: Bindings): string {
  if (!env.SIGNING_SECRET || env.SIGNING_SECRET.length < 32) {
    // Fail closed: without a real secret no token Brine signs could be trusted.
    throw new Error("SIGNING_SECRET is missing or shorter than 32 characters");
  }
  return env.SIGNING_SECRET;
}

/** The CSRF token for a session: an HMAC of the session, so it needs no storage. */
export function csrfTokenFor(env: Bindings, sessionTokenHash: string): Promise<string> {
  return hmac(signingSecret(env), `csrf:${sessionTokenHash}`);
}

/** Starts a session for a user and sets its cookie. */
export async function startSession(c: Context<AppEnv>, accountId: string, userId: string): Promise<string> {
  const token = randomToken(32);
  const tokenHash = await sha256Hex(token);
  await insertSession(dbFor(c.env, accountId), {
    tokenHash,
    accountId,
    userId,
    expiresAt: nowSeconds() + SESSION_SECONDS,
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_SECONDS,
  });
  return tokenHash;
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

/**
 * Requires a signed-in user holding every permission listed. Writes must also carry the
 * session's CSRF token in `x-csrf-token`, and a cross-origin `Origin` is refused.
 */
export function requireUser(...required: Permission[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) throw unauthenticated("UNAUTHENTICATED", "Sign in to continue.");
    const tokenHash = await sha256Hex(token);
    const found = await findSession(directoryDb(c.env), tokenHash);
    if (!found || found.user.disabledAt !== null) {
      clearSessionCookie(c);
      throw unauthenticated("SESSION_EXPIRED", "Your session has ended. Sign in again.");
    }
    if (!SAFE_METHODS.has(c.req.method)) await checkCsrf(c, tokenHash);
    const role = found.user.role as Role;
    const permissions = permissionsOf(role);
    for (const p of required) {
      if (!permissions.has(p)) throw forbidden("FORBIDDEN", `This needs the ${p} permission.`);
    }
    c.set("accountId", found.user.accountId);
    c.set("user", {
      accountId: found.user.accountId,
      userId: found.user.id,
      email: found.user.email,
      name: found.user.name,
      role,
      permissions,
      sessionTokenHash: tokenHash,
    });
    await next();
  };
}

async function checkCsrf(c: Context<AppEnv>, tokenHash: string): Promise<void> {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) {
    throw forbidden("CSRF_FAILED", "Cross-site request refused.");
  }
  const sent = c.req.header(CSRF_HEADER);
  if (!sent || !(await timingSafeEqual(sent, await csrfTokenFor(c.env, tokenHash)))) {
    throw forbidden("CSRF_FAILED", "Missing or wrong CSRF token. Reload the page and try again.");
  }
}

// API keys look like `brn_<key id, 32 hex>_<secret>`; the id finds the row, the secret proves it.
const API_KEY_FORMAT = /^brn_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A new API key: the id it is stored under, the full secret to show once, and its hash. */
export async function mintApiKey(): Promise<{ id: string; secret: string; secretHash: string; hint: string }> {
  const id = crypto.randomUUID();
  const secret = `brn_${id.replaceAll("-", "")}_${randomToken(32)}`;
  return { id, secret, secretHash: await sha256Hex(secret), hint: secret.slice(-4) };
}

function keyIdFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Refresh `last_used_at` at most this often per key, to keep writes off the hot path.
const TOUCH_EVERY_SECONDS = 60;

/** Requires `Authorization: Bearer <API key>`, carrying `scope` when one is named. */
export function requireApiKey(scope?: ApiKeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer) throw unauthenticated("UNAUTHENTICATED", "Send the API key as `Authorization: Bearer <key>`.");
    const match = bearer.match(API_KEY_FORMAT);
    if (!match?.[1]) throw unauthenticated("INVALID_API_KEY", "The API key is malformed.");
    const row = await findApiKey(directoryDb(c.env), keyIdFromHex(match[1]));
    const valid = await timingSafeEqual(await sha256Hex(bearer), row?.secretHash ?? "");
    if (!row || !valid) throw unauthenticated("INVALID_API_KEY", "The API key is not valid.");
    if (row.revokedAt !== null) throw unauthenticated("API_KEY_REVOKED", "The API key has been revoked.");
    if (scope && !row.scopes.includes(scope)) {
      throw new ApiError(403, "INSUFFICIENT_SCOPE", `The API key lacks the ${scope} scope.`);
    }
    const now = nowSeconds();
    if (row.lastUsedAt === null || row.lastUsedAt < now - TOUCH_EVERY_SECONDS) {
      c.executionCtx.waitUntil(touchApiKey(dbFor(c.env, row.accountId), row.accountId, row.id, now));
    }
    c.set("accountId", row.accountId);
    c.set("apiKey", { accountId: row.accountId, keyId: row.id, scopes: row.scopes as ApiKeyScope[] });
    await next();
  };
}

/**
 * For routes both integrators and the app use: an `Authorization` header means an API key
 * with `scope`; otherwise a signed-in user with `permission`.
 */
export function requireApiKeyOrUser(scope: ApiKeyScope, permission?: Permission): MiddlewareHandler<AppEnv> {
  const byKey = requireApiKey(scope);
  const byUser = permission ? requireUser(permission) : requireUser();
  return (c, next) => (c.req.header("authorization") ? byKey(c, next) : byUser(c, next));
}
