import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { gzipSync, strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { Batch, TechnicalLogEntry, UploadUrl } from "../../schemas/ingest";
import { addSource } from "../../workers/accounts/accounts";
import { agent, customerContact, engagement, entity, ingestBatch, turnContent } from "../../workers/db/schema";
import { expireUploadLinks } from "../../workers/ingest/consumer";
import { INGEST_LIMITS, ZIP_LIMITS } from "../../workers/ingest/limits";
import { hmac } from "../../workers/lib/crypto";
import { sourcePid } from "../../workers/lib/ids";
import { call, createAccount, createApiKey, db, errorCode } from "./helpers";
import { deliver, getBatchJson, ingest, makeZip, put, uploadUrl } from "./ingest-helpers";

/** Text that does not compress well, so a long line is not mistaken for a zip bomb. */
function noise(length: number): string {
  let x = 2463534242;
  let out = "";
  while (out.length < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += (x >>> 0).toString(36);
  }
  return out.slice(0, length);
}

async function setup() {
  const { account, admin } = await createAccount();
  const key = await createApiKey(account.id, ["ingest"]);
  const source = await addSource(db(), account.id, { name: "Test source", type: "ingest-api" });
  return { accountId: account.id, admin, apiKey: key.secret, sourceId: source.id };
}

const pidOf = (accountId: string, sourceId: string, dataset: string, externalId: string) =>
  sourcePid(accountId, sourceId, dataset, externalId);

async function engagementRow(accountId: string, sourceId: string, externalId: string) {
  return db().query.engagement.findFirst({
    where: and(
      eq(engagement.accountId, accountId),
      eq(engagement.pid, pidOf(accountId, sourceId, "engagement", externalId)),
    ),
  });
}

async function logOf(apiKey: string, batchId: string): Promise<TechnicalLogEntry[]> {
  const res = await call(`/api/v1/technical-log?batchId=${batchId}&limit=200`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: TechnicalLogEntry[] }).items;
}

describe("POST /api/v1/ingest/upload-url", () => {
  it("returns a signed link, a batch id and an expiry for the key's own source", async () => {
    const { apiKey, sourceId } = await setup();
    const res = await uploadUrl(apiKey, sourceId);
    expect(res.status).toBe(200);
    const body = (await res.json()) as UploadUrl;
    expect(body.uploadUrl).toMatch(/\/api\/v1\/ingest\/uploads\/[0-9a-f-]{36}\/[0-9a-f-]{36}\?expires=\d+&signature=/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await getBatchJson(apiKey, body.batchId)).status).toBe("UPLOADING");
  });

  it("answers 404 for another account's source and opens no batch", async () => {
    const { accountId, apiKey } = await setup();
    const other = await setup();
    const res = await uploadUrl(apiKey, other.sourceId);
    expect(res.status).toBe(404);
    expect(await db().select().from(ingestBatch).where(eq(ingestBatch.accountId, accountId))).toHaveLength(0);
  });

  it("refuses wrong, revoked and export-only keys and a malformed source id", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const exportOnly = await createApiKey(accountId, ["export"]);
    const scoped = await uploadUrl(exportOnly.secret, sourceId);
    expect(scoped.status).toBe(403);
    expect(await errorCode(scoped)).toBe("INSUFFICIENT_SCOPE");
    const wrong = await uploadUrl(`${apiKey.slice(0, -3)}xyz`, sourceId);
    expect(await errorCode(wrong)).toBe("INVALID_API_KEY");
    const malformed = await uploadUrl(apiKey, "not-a-uuid");
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("VALIDATION_FAILED");
  });
});

describe("PUT <uploadUrl>", () => {
  it("stores the ZIP, queues it, and works only once", async () => {
    const { apiKey, sourceId } = await setup();
    const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    const zip = makeZip({ "agent.jsonl": [{ externalId: "A1", name: "Ann" }] });
    const res = await put(link.uploadUrl, zip);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ batchId: link.batchId, status: "QUEUED", bytes: zip.length });
    const again = await put(link.uploadUrl, zip);
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe("UPLOAD_LINK_USED");
  });

  it("refuses a tampered link, a forged expiry, and a correctly signed link that has expired", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    const zip = makeZip({ "agent.jsonl": [{ externalId: "A1" }] });
    const tampered = await put(link.uploadUrl.replace(/signature=./, "signature=x"), zip);
    expect(tampered.status).toBe(403);
    expect(await errorCode(tampered)).toBe("UPLOAD_LINK_INVALID");
    const url = new URL(link.uploadUrl);
    url.searchParams.set("expires", "1000");
    expect(await errorCode(await put(url.toString(), zip))).toBe("UPLOAD_LINK_INVALID");
    // Signed with the real secret, so only its age is wrong.
    url.searchParams.set(
      "signature",
      await hmac(env.SIGNING_SECRET, `ingest-upload:${accountId}:${link.batchId}:1000`),
    );
    const expired = await put(url.toString(), zip);
    expect(expired.status).toBe(403);
    expect(await errorCode(expired)).toBe("UPLOAD_LINK_EXPIRED");
    expect((await getBatchJson(apiKey, link.batchId)).status).toBe("UPLOADING");
  });

  it("refuses a non-ZIP body, an empty ZIP, a missing length and a body over 1 GB", async () => {
    const { apiKey, sourceId } = await setup();
    const next = async () => ((await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl).uploadUrl;
    const text = await put(await next(), strToU8("this is not a zip file"));
    expect(text.status).toBe(400);
    expect(await errorCode(text)).toBe("NOT_A_ZIP");
    const empty = await put(await next(), zipSync({}));
    expect(empty.status).toBe(400);
    expect(await errorCode(empty)).toBe("EMPTY_ZIP");
    const big = await put(await next(), strToU8("PK"), { "content-length": "2000000000" });
    expect(big.status).toBe(413);
    expect(await errorCode(big)).toBe("BATCH_TOO_LARGE");
    const url = new URL(await next());
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(strToU8("PK"));
        c.close();
      },
    });
    const chunked = await call(`${url.pathname}${url.search}`, { method: "PUT", rawBody: stream });
    expect(chunked.status).toBe(411);
    expect(await errorCode(chunked)).toBe("LENGTH_REQUIRED");
  });
});

describe("processing a batch", () => {
  it("loads every data set, resolves references by PID and reports per-file counts", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const batch = await ingest(
      apiKey,
      sourceId,
      makeZip({
        // The engagement arrives before its agent and queue: references resolve by PID.
        "engagement.jsonl": [
          {
            externalId: "E1",
            agentExternalId: "A1",
            customerExternalId: "C1",
            queueExternalId: "Q1",
            conversationExternalId: "CONV1",
            startTime: "2024-05-01T09:00:00Z",
            endTime: "2024-05-01T09:05:30+02:00",
            type: "agent",
            channelType: "CHAT",
            direction: "Inbound",
            waitTime: 12.5,
            engagementTime: 300,
          },
        ],
        "agent.jsonl": [{ externalId: "A1", name: "Ann Agent", status: "Active", hourlyCost: 21.5 }],
        "customer.jsonl": [{ externalId: "C1", name: "Carl", country: "CZ" }],
        "customer_contact.jsonl": [{ contact: " Carl@Example.COM ", type: "Email", customerExternalId: "C1" }],
        "engagement_queue.jsonl": [{ externalId: "Q1", name: "Billing" }],
        "turn.jsonl.gz": gzipSync(
          strToU8(
            JSON.stringify({
              externalId: "T1",
              engagementExternalId: "E1",
              participant: "CUSTOMER",
              turnTime: "2024-05-01T09:00:05Z",
            }),
          ),
        ),
        "turn_content.jsonl": [{ turnExternalId: "T1", content: "My bill is wrong" }],
        "activity.jsonl": [
          {
            externalId: "ACT1",
            agentExternalId: "A1",
            intervalStart: "2024-05-01T09:00:00Z",
            status: "Available",
            statusType: "Available",
            duration: 900,
          },
        ],
        "transaction.jsonl": [
          { externalId: "TX1", engagementExternalId: "E1", revenue: 99.9, time: "2024-05-01T09:04:00Z" },
        ],
      }),
    );
    expect(batch.status).toBe("COMPLETED");
    expect(batch.loaded).toBe(9);
    expect(batch.rejected).toBe(0);
    expect(batch.files.map((f) => [f.name, f.target, f.status, f.loaded])).toEqual([
      ["engagement.jsonl", "engagement", "DONE", 1],
      ["agent.jsonl", "agent", "DONE", 1],
      ["customer.jsonl", "customer", "DONE", 1],
      ["customer_contact.jsonl", "customer_contact", "DONE", 1],
      ["engagement_queue.jsonl", "entity:queue", "DONE", 1],
      ["turn.jsonl.gz", "turn", "DONE", 1],
      ["turn_content.jsonl", "turn_content", "DONE", 1],
      ["activity.jsonl", "activity", "DONE", 1],
      ["transaction.jsonl", "transaction", "DONE", 1],
    ]);
    const e = await engagementRow(accountId, sourceId, "E1");
    expect(e?.agentPid).toBe(pidOf(accountId, sourceId, "agent", "A1"));
    expect(e?.queuePid).toBe(pidOf(accountId, sourceId, "entity:queue", "Q1"));
    expect(e?.type).toBe("Agent");
    expect(e?.startTime).toBe(Date.parse("2024-05-01T09:00:00Z") / 1000);
    expect(e?.endTime).toBe(Date.parse("2024-05-01T07:05:30Z") / 1000);
    expect(e?.waitTime).toBe(12.5);
    const a = await db().query.agent.findFirst({ where: eq(agent.pid, e?.agentPid ?? "") });
    expect(a?.name).toBe("Ann Agent");
    const q = await db().query.entity.findFirst({ where: eq(entity.pid, e?.queuePid ?? "") });
    expect(q).toMatchObject({ kind: "queue", name: "Billing", externalId: "Q1" });
    const contact = await db().query.customerContact.findFirst({ where: eq(customerContact.accountId, accountId) });
    expect(contact).toMatchObject({
      contact: "carl@example.com",
      customerPid: pidOf(accountId, sourceId, "customer", "C1"),
    });
    const content = await db().query.turnContent.findFirst({ where: eq(turnContent.accountId, accountId) });
    expect(content).toMatchObject({ turnPid: pidOf(accountId, sourceId, "turn", "T1"), content: "My bill is wrong" });
  });

  it("refreshes the query planner's statistics of the tables it loaded when it finishes", async () => {
    const { apiKey, sourceId } = await setup();
    const engagements = Array.from({ length: 30 }, (_, i) => ({
      externalId: `STAT-${i}`,
      startTime: "2024-05-01T09:00:00Z",
      type: "queue",
    }));
    const batch = await ingest(apiKey, sourceId, makeZip({ "engagement.jsonl": engagements }));
    expect(batch.status).toBe("COMPLETED");
    const { results } = await env.DB.prepare("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'engagement'").all();
    expect(results.length).toBeGreaterThan(0);
  });

  it("applies the rules: trims, ignores non-numeric facts, rejects bad enums, dates, ids and JSON", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const long = "x".repeat(150);
    const batch = await ingest(
      apiKey,
      sourceId,
      makeZip({
        "engagement.jsonl": [
          JSON.stringify({ externalId: "OK1", reason: long, waitTime: "12", cost: 3 }),
          JSON.stringify({ externalId: "BAD_ENUM", type: "Robot" }),
          JSON.stringify({ externalId: "BAD_DATE", startTime: "2024-05-01 09:00" }),
          JSON.stringify({ externalId: "NO_SECONDS", startTime: "2024-05-01T09:00Z" }),
          JSON.stringify({ name: "no id" }),
          "{not json",
          "",
          JSON.stringify({ externalId: "OK2", holdTime: 5, mystery: 1 }),
          `{"externalId":"HUGE","name":"${noise(1024 * 1024 + 10)}"}`,
          JSON.stringify({ externalId: "OK3" }),
        ].join("\n"),
        "notes.txt": "ignored",
      }),
    );
    expect(batch.status).toBe("COMPLETED_WITH_ERRORS");
    expect(batch.loaded).toBe(3);
    expect(batch.rejected).toBe(6);
    expect(batch.warned).toBe(2);
    const file = batch.files.find((f) => f.name === "engagement.jsonl");
    expect(file).toMatchObject({ lines: 10, loaded: 3, rejected: 6, warned: 2 });
    expect(batch.files.find((f) => f.name === "notes.txt")?.status).toBe("SKIPPED");

    const ok1 = await engagementRow(accountId, sourceId, "OK1");
    expect(ok1?.reason).toBe("x".repeat(100));
    expect(ok1?.waitTime).toBeNull();
    expect(ok1?.cost).toBe(3);
    expect(await engagementRow(accountId, sourceId, "BAD_ENUM")).toBeUndefined();
    expect(await engagementRow(accountId, sourceId, "OK3")).toBeDefined();

    const log = await logOf(apiKey, batch.batchId);
    const byLine = (line: number | null, code: string) => log.find((l) => l.line === line && l.code === code);
    expect(byLine(1, "ATTRIBUTE_TRIMMED")).toMatchObject({
      level: "WARNING",
      file: "engagement.jsonl",
      property: "reason",
    });
    expect(byLine(1, "FACT_NOT_NUMERIC")).toMatchObject({ property: "waitTime", value: "12" });
    expect(byLine(2, "UNSUPPORTED_VALUE")).toMatchObject({ level: "ERROR", property: "type", value: "Robot" });
    expect(byLine(3, "INVALID_DATE")).toMatchObject({ property: "startTime", value: "2024-05-01 09:00" });
    expect(byLine(4, "INVALID_DATE")).toBeDefined();
    expect(byLine(5, "MISSING_EXTERNAL_ID")).toMatchObject({ property: "externalId" });
    expect(byLine(6, "MALFORMED_JSON")).toMatchObject({ value: "{not json" });
    expect(byLine(8, "UNKNOWN_PROPERTY")).toMatchObject({ property: "mystery", level: "WARNING" });
    expect(byLine(9, "LINE_TOO_LONG")).toBeDefined();
    expect(log.find((l) => l.code === "UNKNOWN_FILE")).toMatchObject({ file: "notes.txt", batchId: batch.batchId });
    expect(log.every((l) => l.sourceId === sourceId)).toBe(true);
  });

  it("upserts additively: present properties overwrite, absent ones keep their value", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    await ingest(
      apiKey,
      sourceId,
      makeZip({ "engagement.jsonl": [{ externalId: "E1", reason: "Billing", topic: "Refund", cost: 2 }] }),
    );
    await ingest(
      apiKey,
      sourceId,
      makeZip({ "engagement.jsonl": [{ externalId: "E1", reason: "Delivery", topic: null }] }),
    );
    const row = await engagementRow(accountId, sourceId, "E1");
    expect(row).toMatchObject({ reason: "Delivery", topic: null, cost: 2 });
  });

  it("gives the same data when the same ZIP is uploaded twice", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const zip = makeZip({
      "engagement.jsonl": Array.from({ length: 30 }, (_, i) => ({ externalId: `E${i}`, cost: i })),
      "agent.jsonl": [{ externalId: "A1", name: "Ann" }],
    });
    await ingest(apiKey, sourceId, zip);
    const count = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n, SUM(cost) AS s FROM engagement WHERE account_id = ?")
        .bind(accountId)
        .first()) as {
        n: number;
        s: number;
      };
    const first = await count();
    await ingest(apiKey, sourceId, zip);
    expect(await count()).toEqual(first);
    expect(first).toEqual({ n: 30, s: 435 });
  });

  it("lets a line's sourceId override the uploader's source", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const other = await addSource(db(), accountId, { name: "Other", type: "ingest-api" });
    await ingest(apiKey, sourceId, makeZip({ "agent.jsonl": [{ externalId: "A1", sourceId: other.id, name: "Ann" }] }));
    const row = await db().query.agent.findFirst({ where: eq(agent.pid, pidOf(accountId, other.id, "agent", "A1")) });
    expect(row?.sourceId).toBe(other.id);
  });

  it("resumes from its checkpoint without losing or duplicating a row", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    const lines = Array.from({ length: 1000 }, (_, i) =>
      i % 100 === 7 ? "{broken" : JSON.stringify({ externalId: `E${i}`, cost: 1 }),
    );
    expect(
      (
        await put(
          link.uploadUrl,
          makeZip({ "engagement.jsonl": lines.join("\n"), "agent.jsonl": [{ externalId: "A" }] }),
        )
      ).status,
    ).toBe(202);
    const { processBatch } = await import("../../workers/ingest/pipeline");
    // A tiny budget stops after every flush, as a long batch would across invocations.
    let rounds = 0;
    let result = "continue";
    while (result !== "done") {
      result = await processBatch(env, accountId, link.batchId, { budgetMs: 0, flushLines: 150, maxLogEntries: 100 });
      expect(result).not.toBe("busy");
      rounds++;
    }
    expect(rounds).toBeGreaterThan(5);
    const batch = await getBatchJson(apiKey, link.batchId);
    expect(batch).toMatchObject({ status: "COMPLETED_WITH_ERRORS", loaded: 991, rejected: 10 });
    expect(batch.files[0]).toMatchObject({ lines: 1000, loaded: 990, rejected: 10 });
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM engagement WHERE account_id = ?")
      .bind(accountId)
      .first()) as { n: number };
    expect(n).toBe(990);
    expect((await logOf(apiKey, link.batchId)).filter((l) => l.code === "MALFORMED_JSON")).toHaveLength(10);
  });

  it("fails a truncated ZIP but keeps what it loaded before the cut", async () => {
    const { apiKey, sourceId } = await setup();
    const zip = makeZip(
      {
        "agent.jsonl": [{ externalId: "A1" }],
        "engagement.jsonl": Array.from({ length: 5000 }, (_, i) => ({ externalId: `E${i}`, reason: `r${i}` })),
      },
      0,
    );
    const batch = await ingest(apiKey, sourceId, zip.slice(0, Math.floor(zip.length * 0.6)));
    expect(batch.status).toBe("FAILED");
    expect(batch.error?.code).toBe("TRUNCATED_ZIP");
    expect(batch.loaded).toBeGreaterThan(1000);
  });

  it("stops a zip bomb by counting inflated bytes", async () => {
    const { apiKey, sourceId } = await setup();
    const line = `${JSON.stringify({ externalId: "E1", reason: "a" })}\n`;
    const bomb = zipSync({ "engagement.jsonl": [strToU8(line.repeat(1_500_000)), { level: 9 }] });
    expect(bomb.length).toBeLessThan(300_000);
    const batch = await ingest(apiKey, sourceId, bomb);
    expect(batch.status).toBe("FAILED");
    expect(batch.error?.code).toBe("ZIP_BOMB");
  });

  it("refuses unsafe names and skips nested archives", async () => {
    const { apiKey, sourceId } = await setup();
    const batch = await ingest(
      apiKey,
      sourceId,
      makeZip({
        "../agent.jsonl": [{ externalId: "A1" }],
        "inner.zip": zipSync({ "agent.jsonl": strToU8("{}") }),
        "data/agent.jsonl": [{ externalId: "A2" }],
      }),
    );
    expect(batch.status).toBe("COMPLETED_WITH_ERRORS");
    expect(batch.files.map((f) => [f.name, f.status])).toEqual([
      ["../agent.jsonl", "REJECTED"],
      ["inner.zip", "SKIPPED"],
      ["data/agent.jsonl", "DONE"],
    ]);
    expect(batch.loaded).toBe(1);
  });

  it("finishes once when the message is delivered again", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const batch = await ingest(apiKey, sourceId, makeZip({ "agent.jsonl": [{ externalId: "A1" }] }));
    const result = await deliver(accountId, batch.batchId, 2);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await getBatchJson(apiKey, batch.batchId)).toEqual(batch);
  });
});

describe("limits", () => {
  it("answers 429 with Retry-After past 1,000 batches in 15 minutes, and opens no batch", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const now = Math.floor(Date.now() / 1000);
    await env.DB.prepare(
      `INSERT INTO ingest_batch (account_id, id, source_id, status, object_key, upload_expires_at, created_at)
       WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
       SELECT ?, lower(hex(randomblob(16))), ?, 'COMPLETED', 'ingest/x', ?, ? FROM n`,
    )
      .bind(INGEST_LIMITS.batchesPerWindow, accountId, sourceId, now, now - 60)
      .run();
    const res = await uploadUrl(apiKey, sourceId);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("BATCH_RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM ingest_batch WHERE account_id = ?")
      .bind(accountId)
      .first<{ n: number }>();
    expect(count?.n).toBe(INGEST_LIMITS.batchesPerWindow);
  });

  it("answers 429 past 10 GB in 15 minutes", async () => {
    const { accountId, apiKey, sourceId } = await setup();
    const now = Math.floor(Date.now() / 1000);
    await db().insert(ingestBatch).values({
      accountId,
      id: crypto.randomUUID(),
      sourceId,
      status: "COMPLETED",
      objectKey: "ingest/x",
      uploadExpiresAt: now,
      bytes: INGEST_LIMITS.bytesPerWindow,
    });
    const res = await uploadUrl(apiKey, sourceId);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("BYTES_RATE_LIMITED");
  });

  it("stops a ZIP with more files than allowed, keeping the files before the cap", async () => {
    const { apiKey, sourceId } = await setup();
    const files: Record<string, string> = {};
    for (let i = 0; i <= ZIP_LIMITS.maxEntries; i++)
      files[`part${i}/agent.jsonl`] = JSON.stringify({ externalId: `A${i}` });
    const batch = await ingest(apiKey, sourceId, makeZip(files, 0));
    expect(batch.status).toBe("FAILED");
    expect(batch.error?.code).toBe("TOO_MANY_ENTRIES");
    expect(batch.loaded).toBe(ZIP_LIMITS.maxEntries);
  });
});

describe("keeping batches accountable", () => {
  it("fails a batch whose link expired unused, with a Technical Log entry", async () => {
    const { apiKey, sourceId } = await setup();
    const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    const fresh = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    await db().update(ingestBatch).set({ uploadExpiresAt: 1000 }).where(eq(ingestBatch.id, link.batchId));
    expect(await expireUploadLinks(env)).toBeGreaterThanOrEqual(1);
    const batch = await getBatchJson(apiKey, link.batchId);
    expect(batch).toMatchObject({ status: "FAILED", error: { code: "UPLOAD_LINK_EXPIRED" } });
    expect((await getBatchJson(apiKey, fresh.batchId)).status).toBe("UPLOADING");
    expect((await logOf(apiKey, link.batchId)).map((l) => l.code)).toEqual(["UPLOAD_LINK_EXPIRED"]);
  });

  it("logs a refused upload against its batch", async () => {
    const { apiKey, sourceId } = await setup();
    const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
    expect((await put(link.uploadUrl, strToU8("definitely not a zip"))).status).toBe(400);
    expect(await getBatchJson(apiKey, link.batchId)).toMatchObject({ status: "FAILED", error: { code: "NOT_A_ZIP" } });
    expect((await logOf(apiKey, link.batchId)).map((l) => [l.level, l.code])).toEqual([["ERROR", "NOT_A_ZIP"]]);
  });

  it("filters the Technical Log by file", async () => {
    const { apiKey, sourceId } = await setup();
    const batch = await ingest(
      apiKey,
      sourceId,
      makeZip({ "agent.jsonl": "{bad", "engagement.jsonl": "{bad\n{worse", "x.txt": "?" }),
    );
    const res = await call(`/api/v1/technical-log?batchId=${batch.batchId}&file=engagement.jsonl`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const items = ((await res.json()) as { items: TechnicalLogEntry[] }).items;
    expect(items.map((i) => [i.file, i.line]).sort()).toEqual([
      ["engagement.jsonl", 1],
      ["engagement.jsonl", 2],
    ]);
  });
});

describe("GET /api/v1/ingest/batches", () => {
  it("pages the account's batches and hides other accounts'", async () => {
    const { apiKey, sourceId } = await setup();
    const other = await setup();
    await ingest(apiKey, sourceId, makeZip({ "agent.jsonl": [{ externalId: "A1" }] }));
    await ingest(apiKey, sourceId, makeZip({ "agent.jsonl": [{ externalId: "A2" }] }));
    const foreign = await ingest(other.apiKey, other.sourceId, makeZip({ "agent.jsonl": [{ externalId: "A3" }] }));
    const res = await call("/api/v1/ingest/batches?limit=1", { headers: { authorization: `Bearer ${apiKey}` } });
    const page = (await res.json()) as { items: Batch[]; nextCursor: string };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBeTruthy();
    const mine = await call(`/api/v1/ingest/batches/${foreign.batchId}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(mine.status).toBe(404);
    const log = await call(`/api/v1/technical-log?batchId=${foreign.batchId}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(((await log.json()) as { items: unknown[] }).items).toHaveLength(0);
  });
});

describe("GET /api/v1/ingest/schema", () => {
  it("publishes a JSON Schema per file, generated from the catalog", async () => {
    const res = await call("/api/v1/ingest/schema");
    const schemas = (await res.json()) as Record<string, { required?: string[]; properties: Record<string, unknown> }>;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        "engagement.jsonl",
        "turn_content.jsonl",
        "engagement_queue.jsonl",
        "turn_category.jsonl",
      ]),
    );
    expect(schemas["engagement.jsonl"]?.required).toEqual(["externalId"]);
    expect(schemas["engagement.jsonl"]?.properties).toHaveProperty("queueExternalId");
  });
});
