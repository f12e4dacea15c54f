import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { THROTTLE } from "../../workers/accounts/accounts";
import { apiKey, session, user } from "../../workers/db/schema";
import { call, createAccount, createApiKey, createUser, db, errorCode, PASSWORD, signIn } from "./helpers";

describe("POST /api/v1/auth/sign-in", () => {
  it("sets an HttpOnly, Secure, SameSite session cookie and returns the session", async () => {
    const { account, admin } = await createAccount();
    const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^brine_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const body = (await res.json()) as { user: { id: string }; account: { id: string }; permissions: string[] };
    expect(body.user.id).toBe(admin.id);
    expect(body.account.id).toBe(account.id);
    expect(body.permissions).toContain("settings.manage");
  });

  it("stores only a hash of the session token", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    const token = client.cookie.split("=")[1] ?? "";
    const rows = await db().select().from(session).where(eq(session.userId, admin.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).not.toContain(token);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a wrong password with INVALID_CREDENTIALS and starts no session", async () => {
    const { admin } = await createAccount();
    const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email, password: "wrong password" } });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("INVALID_CREDENTIALS");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await db().select().from(session).where(eq(session.userId, admin.id))).toHaveLength(0);
  });

  it("answers an unknown user exactly like a wrong password", async () => {
    const res = await call("/api/v1/auth/sign-in", { body: { email: "nobody@example.com", password: PASSWORD } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "INVALID_CREDENTIALS", message: "The e-mail or password is incorrect." },
    });
  });

  it("throttles an e-mail after repeated failures, even with the right password", async () => {
    const { admin } = await createAccount();
    for (let i = 0; i < THROTTLE.perEmail; i++) {
      const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email, password: `wrong ${i}` } });
      expect(res.status).toBe(401);
    }
    const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email, password: PASSWORD } });
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("LOGIN_THROTTLED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("throttles one client address across many e-mails", async () => {
    const { admin } = await createAccount();
    const headers = { "cf-connecting-ip": "203.0.113.9" };
    for (let i = 0; i < THROTTLE.perClient; i++) {
      await call("/api/v1/auth/sign-in", { body: { email: `guess${i}@example.com`, password: "x" }, headers });
    }
    const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email, password: PASSWORD }, headers });
    expect(res.status).toBe(429);
  });

  it("refuses a disabled user with USER_DISABLED", async () => {
    const { account } = await createAccount();
    const agent = await createUser(account.id, "agent");
    await db().update(user).set({ disabledAt: 1 }).where(eq(user.id, agent.id));
    const res = await call("/api/v1/auth/sign-in", { body: { email: agent.email, password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("USER_DISABLED");
  });

  it("refuses a sign-in posted from another site (login CSRF) and starts no session", async () => {
    const { admin } = await createAccount();
    const res = await call("/api/v1/auth/sign-in", {
      body: { email: admin.email, password: PASSWORD },
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("CSRF_FAILED");
    expect(await db().select().from(session).where(eq(session.userId, admin.id))).toHaveLength(0);
  });

  it("marks session responses as not cacheable", async () => {
    const { admin } = await createAccount();
    const res = await call("/api/v1/auth/sign-in", { body: { email: admin.email, password: PASSWORD } });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("rejects malformed JSON and missing fields with stable codes", async () => {
    const malformed = await call("/api/v1/auth/sign-in", { rawBody: "{email:" });
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("MALFORMED_REQUEST");
    const missing = await call("/api/v1/auth/sign-in", { body: { email: "a@example.com" } });
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe("VALIDATION_FAILED");
  });
});

describe("GET /api/v1/auth/session", () => {
  it("returns the user and a CSRF token for a live session", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    const res = await call("/api/v1/auth/session", { as: client });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { email: string }; csrfToken: string };
    expect(body.user.email).toBe(admin.email);
    expect(body.csrfToken).toBe(client.csrfToken);
  });

  it("answers 401 UNAUTHENTICATED without a cookie", async () => {
    const res = await call("/api/v1/auth/session");
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("UNAUTHENTICATED");
  });

  it("answers 401 SESSION_EXPIRED for a forged cookie", async () => {
    const res = await call("/api/v1/auth/session", {
      headers: { cookie: "brine_session=forged-token-forged-token-forged-token-forged" },
    });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("SESSION_EXPIRED");
  });

  it("answers 401 SESSION_EXPIRED once the session has expired", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    await db().update(session).set({ expiresAt: 1 }).where(eq(session.userId, admin.id));
    const res = await call("/api/v1/auth/session", { as: client });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("SESSION_EXPIRED");
  });
});

describe("POST /api/v1/auth/sign-out", () => {
  it("ends the session so the cookie stops working", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    const res = await call("/api/v1/auth/sign-out", { method: "POST", as: client });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/brine_session=;/);
    expect((await call("/api/v1/auth/session", { as: client })).status).toBe(401);
  });

  it("needs the CSRF token", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    const res = await call("/api/v1/auth/sign-out", { method: "POST", as: client, csrf: null });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("CSRF_FAILED");
    expect((await call("/api/v1/auth/session", { as: client })).status).toBe(200);
  });
});

describe("CSRF protection on cookie-authenticated writes", () => {
  it("refuses a write without the token and writes nothing", async () => {
    const { account, admin } = await createAccount();
    const client = await signIn(admin.email);
    const res = await call("/api/v1/api-keys", { body: { name: "k", scopes: ["ingest"] }, as: client, csrf: null });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("CSRF_FAILED");
    expect(await db().select().from(apiKey).where(eq(apiKey.accountId, account.id))).toHaveLength(0);
  });

  it("refuses another session's token", async () => {
    const { admin } = await createAccount();
    const mine = await signIn(admin.email);
    const other = await signIn(admin.email);
    const res = await call("/api/v1/api-keys", {
      body: { name: "k", scopes: ["ingest"] },
      as: mine,
      csrf: other.csrfToken,
    });
    expect(res.status).toBe(403);
  });

  it("refuses a cross-origin request even with the token", async () => {
    const { admin } = await createAccount();
    const client = await signIn(admin.email);
    const res = await call("/api/v1/api-keys", {
      body: { name: "k", scopes: ["ingest"] },
      as: client,
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("CSRF_FAILED");
  });
});

describe("GET /api/v1/auth/api-key (bearer API keys)", () => {
  it("identifies a valid key's account and scopes", async () => {
    const { account } = await createAccount();
    const key = await createApiKey(account.id, ["export"]);
    const res = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accountId: account.id, keyId: key.id, scopes: ["export"] });
  });

  it("refuses a missing, malformed or forged key with stable codes", async () => {
    const { account } = await createAccount();
    const key = await createApiKey(account.id);
    const none = await call("/api/v1/auth/api-key");
    expect(await errorCode(none)).toBe("UNAUTHENTICATED");
    const malformed = await call("/api/v1/auth/api-key", { headers: { authorization: "Bearer not-a-key" } });
    expect(malformed.status).toBe(401);
    expect(await errorCode(malformed)).toBe("INVALID_API_KEY");
    const forged = `${key.secret.slice(0, -6)}AAAAAA`;
    const res = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("INVALID_API_KEY");
  });

  it("refuses a revoked key with API_KEY_REVOKED", async () => {
    const { account } = await createAccount();
    const key = await createApiKey(account.id);
    await db().update(apiKey).set({ revokedAt: 1 }).where(eq(apiKey.id, key.id));
    const res = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("API_KEY_REVOKED");
  });

  it("is not a substitute for a session on user routes", async () => {
    const { account } = await createAccount();
    const key = await createApiKey(account.id);
    const res = await call("/api/v1/users", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(res.status).toBe(401);
  });
});
