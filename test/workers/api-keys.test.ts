import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ApiKey, CreatedApiKey } from "../../schemas/accounts";
import { apiKey } from "../../workers/db/schema";
import { adminClient, call, createAccount, createApiKey, createUser, db, errorCode, signIn } from "./helpers";

describe("POST /api/v1/api-keys", () => {
  it("shows the secret once and stores only its hash", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/api-keys", { body: { name: "Nightly export", scopes: ["export"] }, as: client });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreatedApiKey;
    expect(created.secret).toMatch(/^brn_[0-9a-f]{32}_[\w-]{43}$/);
    expect(created.hint).toBe(created.secret.slice(-4));
    const row = await db().query.apiKey.findFirst({ where: eq(apiKey.id, created.id) });
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(37));
    const listed = await call("/api/v1/api-keys", { as: client });
    expect(JSON.stringify(await listed.json())).not.toContain(created.secret);
    const works = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${created.secret}` } });
    expect(works.status).toBe(200);
  });

  it("rejects missing or unknown scopes and writes nothing", async () => {
    const { account, client } = await adminClient();
    for (const body of [{ name: "k", scopes: [] }, { name: "k", scopes: ["admin"] }, { scopes: ["ingest"] }]) {
      const res = await call("/api/v1/api-keys", { body, as: client });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("VALIDATION_FAILED");
    }
    expect(await db().select().from(apiKey).where(eq(apiKey.accountId, account.id))).toHaveLength(0);
  });

  it("is refused to users without apiKeys.manage", async () => {
    const { account } = await createAccount();
    const analyst = await createUser(account.id, "analyst");
    const res = await call("/api/v1/api-keys", {
      body: { name: "k", scopes: ["ingest"] },
      as: await signIn(analyst.email),
    });
    expect(res.status).toBe(403);
  });
});

describe("DELETE /api/v1/api-keys/{id}", () => {
  it("revokes the key so it stops working at once", async () => {
    const { account, client } = await adminClient();
    const key = await createApiKey(account.id);
    const res = await call(`/api/v1/api-keys/${key.id}`, { method: "DELETE", as: client });
    expect(res.status).toBe(200);
    const revoked = (await res.json()) as ApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    const use = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(await errorCode(use)).toBe("API_KEY_REVOKED");
    const again = await call(`/api/v1/api-keys/${key.id}`, { method: "DELETE", as: client });
    expect(((await again.json()) as ApiKey).revokedAt).toBe(revoked.revokedAt);
  });

  it("answers 404 for another account's key, which keeps working", async () => {
    const { client } = await adminClient();
    const other = await createAccount();
    const key = await createApiKey(other.account.id);
    const res = await call(`/api/v1/api-keys/${key.id}`, { method: "DELETE", as: client });
    expect(res.status).toBe(404);
    const use = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(use.status).toBe(200);
  });

  it("rejects a malformed id", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/api-keys/123", { method: "DELETE", as: client });
    expect(res.status).toBe(400);
  });
});

describe("GET /api/v1/api-keys", () => {
  it("lists only the account's keys, newest first, in pages", async () => {
    const { account, client } = await adminClient();
    const a = await createApiKey(account.id);
    const b = await createApiKey(account.id);
    const other = await createAccount();
    const foreign = await createApiKey(other.account.id);
    const res = await call("/api/v1/api-keys?limit=1", { as: client });
    const page = (await res.json()) as { items: ApiKey[]; nextCursor: string };
    expect(page.items).toHaveLength(1);
    const rest = await call(`/api/v1/api-keys?limit=10&cursor=${page.nextCursor}`, { as: client });
    const ids = [...page.items, ...((await rest.json()) as { items: ApiKey[] }).items].map((k) => k.id);
    expect(ids.sort()).toEqual([a.id, b.id].sort());
    expect(ids).not.toContain(foreign.id);
  });
});
