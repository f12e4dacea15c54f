import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Source } from "../../schemas/accounts";
import { addSource } from "../../workers/accounts/accounts";
import { source } from "../../workers/db/schema";
import { adminClient, call, createAccount, createUser, db, errorCode, signIn } from "./helpers";

describe("/api/v1/sources", () => {
  it("creates, reads, lists and renames a source", async () => {
    const { client } = await adminClient();
    const res = await call("/api/v1/sources", { body: { name: "Zendesk export" }, as: client });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Source;
    expect(created.type).toBe("ingest-api");
    expect((await call(`/api/v1/sources/${created.id}`, { as: client })).status).toBe(200);
    const renamed = await call(`/api/v1/sources/${created.id}`, {
      method: "PATCH",
      body: { name: "Zendesk nightly" },
      as: client,
    });
    expect(((await renamed.json()) as Source).name).toBe("Zendesk nightly");
    const list = (await (await call("/api/v1/sources", { as: client })).json()) as { items: Source[] };
    expect(list.items.map((s) => s.name)).toEqual(["Zendesk nightly"]);
  });

  it("rejects an unknown type or empty name and writes nothing", async () => {
    const { account, client } = await adminClient();
    for (const body of [{ name: "x", type: "ftp" }, { name: "" }, { name: "x".repeat(101) }]) {
      const res = await call("/api/v1/sources", { body, as: client });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("VALIDATION_FAILED");
    }
    expect(await db().select().from(source).where(eq(source.accountId, account.id))).toHaveLength(0);
  });

  it("hides and protects another account's source", async () => {
    const { client } = await adminClient();
    const other = await createAccount();
    const foreign = await addSource(db(), other.account.id, { name: "Theirs", type: "ingest-api" });
    expect((await call(`/api/v1/sources/${foreign.id}`, { as: client })).status).toBe(404);
    const rename = await call(`/api/v1/sources/${foreign.id}`, { method: "PATCH", body: { name: "Mine" }, as: client });
    expect(rename.status).toBe(404);
    const row = await db().query.source.findFirst({ where: eq(source.id, foreign.id) });
    expect(row?.name).toBe("Theirs");
    const list = (await (await call("/api/v1/sources", { as: client })).json()) as { items: Source[] };
    expect(list.items).toHaveLength(0);
  });

  it("lets every user read sources but only managers change them", async () => {
    const { account } = await createAccount();
    const agent = await signIn((await createUser(account.id, "agent")).email);
    expect((await call("/api/v1/sources", { as: agent })).status).toBe(200);
    const res = await call("/api/v1/sources", { body: { name: "x" }, as: agent });
    expect(res.status).toBe(403);
    expect((await call("/api/v1/sources")).status).toBe(401);
  });
});
