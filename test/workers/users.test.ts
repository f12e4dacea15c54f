import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { User } from "../../schemas/accounts";
import { session, user } from "../../workers/db/schema";
import { adminClient, call, createAccount, createUser, db, errorCode, PASSWORD, signIn } from "./helpers";

const newUser = (overrides: Record<string, unknown> = {}) => ({
  email: `person-${crypto.randomUUID()}@example.com`,
  name: "New Person",
  role: "analyst",
  password: "a long enough password",
  ...overrides,
});

describe("GET /api/v1/users", () => {
  it("pages through the account's users and no one else's", async () => {
    const { account, client } = await adminClient();
    await createUser(account.id, "agent");
    await createUser(account.id, "analyst");
    const other = await createAccount();
    const first = await call("/api/v1/users?limit=2", { as: client });
    const page1 = (await first.json()) as { items: User[]; nextCursor: string | null };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const second = await call(`/api/v1/users?limit=2&cursor=${page1.nextCursor}`, { as: client });
    const page2 = (await second.json()) as { items: User[]; nextCursor: string | null };
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const ids = [...page1.items, ...page2.items].map((u) => u.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).not.toContain(other.admin.id);
  });

  it("rejects a bad limit and a forged cursor", async () => {
    const { client } = await adminClient();
    const limit = await call("/api/v1/users?limit=0", { as: client });
    expect(limit.status).toBe(400);
    expect(await errorCode(limit)).toBe("VALIDATION_FAILED");
    const cursor = await call("/api/v1/users?cursor=bm90LWEtY3Vyc29y", { as: client });
    expect(cursor.status).toBe(400);
    expect(await errorCode(cursor)).toBe("INVALID_CURSOR");
  });

  it("is for admins only", async () => {
    const { account } = await createAccount();
    for (const role of ["supervisor", "analyst", "agent"] as const) {
      const member = await createUser(account.id, role);
      const res = await call("/api/v1/users", { as: await signIn(member.email) });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe("FORBIDDEN");
    }
  });
});

describe("POST /api/v1/users", () => {
  it("adds a user who can then sign in", async () => {
    const { client } = await adminClient();
    const body = newUser({ email: `  Mixed.Case-${crypto.randomUUID()}@Example.com ` });
    const res = await call("/api/v1/users", { body, as: client });
    expect(res.status).toBe(201);
    const created = (await res.json()) as User;
    expect(created.email).toBe(String(body.email).trim().toLowerCase());
    expect(created.role).toBe("analyst");
    const row = await db().query.user.findFirst({ where: eq(user.id, created.id) });
    expect(row?.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    await signIn(created.email, "a long enough password");
  });

  it("rejects a taken e-mail with EMAIL_TAKEN", async () => {
    const { client } = await adminClient();
    const other = await createAccount();
    const res = await call("/api/v1/users", { body: newUser({ email: other.admin.email }), as: client });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("EMAIL_TAKEN");
  });

  it("rejects invalid fields and writes nothing", async () => {
    const { account, client } = await adminClient();
    for (const bad of [
      newUser({ email: "not-an-email" }),
      newUser({ password: "short" }),
      newUser({ role: "owner" }),
      newUser({ name: "" }),
    ]) {
      const res = await call("/api/v1/users", { body: bad, as: client });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("VALIDATION_FAILED");
    }
    expect(await db().select().from(user).where(eq(user.accountId, account.id))).toHaveLength(1);
  });
});

describe("PATCH /api/v1/users/{id}", () => {
  it("changes a role, and disabling ends the user's sessions", async () => {
    const { account, client } = await adminClient();
    const agent = await createUser(account.id, "agent");
    const agentClient = await signIn(agent.email);
    const promoted = await call(`/api/v1/users/${agent.id}`, {
      method: "PATCH",
      body: { role: "supervisor" },
      as: client,
    });
    expect(promoted.status).toBe(200);
    expect(((await promoted.json()) as User).role).toBe("supervisor");
    const disabled = await call(`/api/v1/users/${agent.id}`, { method: "PATCH", body: { disabled: true }, as: client });
    expect(((await disabled.json()) as User).disabled).toBe(true);
    expect(await db().select().from(session).where(eq(session.userId, agent.id))).toHaveLength(0);
    expect((await call("/api/v1/auth/session", { as: agentClient })).status).toBe(401);
  });

  it("sets a new password that works and retires the old one", async () => {
    const { account, client } = await adminClient();
    const agent = await createUser(account.id, "agent");
    const res = await call(`/api/v1/users/${agent.id}`, {
      method: "PATCH",
      body: { password: "a brand new password" },
      as: client,
    });
    expect(res.status).toBe(200);
    await signIn(agent.email, "a brand new password");
    const old = await call("/api/v1/auth/sign-in", { body: { email: agent.email, password: PASSWORD } });
    expect(old.status).toBe(401);
  });

  it("keeps an admin's current session when they change their own password, and ends the others", async () => {
    const { admin, client } = await adminClient();
    const elsewhere = await signIn(admin.email);
    const res = await call(`/api/v1/users/${admin.id}`, {
      method: "PATCH",
      body: { password: "my brand new password" },
      as: client,
    });
    expect(res.status).toBe(200);
    expect((await call("/api/v1/auth/session", { as: client })).status).toBe(200);
    expect((await call("/api/v1/auth/session", { as: elsewhere })).status).toBe(401);
  });

  it("will not let an admin lock themself out", async () => {
    const { admin, client } = await adminClient();
    for (const body of [{ disabled: true }, { role: "agent" }]) {
      const res = await call(`/api/v1/users/${admin.id}`, { method: "PATCH", body, as: client });
      expect(res.status).toBe(409);
      expect(await errorCode(res)).toBe("SELF_LOCKOUT");
    }
  });

  it("answers 404 for another account's user and changes nothing", async () => {
    const { client } = await adminClient();
    const other = await createAccount();
    const res = await call(`/api/v1/users/${other.admin.id}`, { method: "PATCH", body: { role: "agent" }, as: client });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("NOT_FOUND");
    const row = await db().query.user.findFirst({ where: eq(user.id, other.admin.id) });
    expect(row?.role).toBe("admin");
    expect((await call(`/api/v1/users/${other.admin.id}`, { as: client })).status).toBe(404);
  });

  it("rejects an empty change and a malformed id", async () => {
    const { admin, client } = await adminClient();
    const empty = await call(`/api/v1/users/${admin.id}`, { method: "PATCH", body: {}, as: client });
    expect(empty.status).toBe(400);
    const badId = await call("/api/v1/users/not-a-uuid", { method: "PATCH", body: { name: "x" }, as: client });
    expect(badId.status).toBe(400);
    expect(await errorCode(badId)).toBe("VALIDATION_FAILED");
  });
});
