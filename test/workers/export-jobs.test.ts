import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ExportDataset, ExportStarted } from "../../schemas/export";
import { exportJob } from "../../workers/db/schema";
import type { Bindings } from "../../workers/env";
import { MAX_EXPORT_ATTEMPTS, requeueStalledExports } from "../../workers/export/consumer";
import { DEFAULT_EXPORT, type ExportOptions, runExport } from "../../workers/export/job";
import { exportObjectKey } from "../../workers/export/links";
import worker from "../../workers/index";
import { parseCsv } from "./csv";
import { exportAccount, exportStatus, runExportToFiles, startExport } from "./export-helpers";
import { db } from "./helpers";
import { ingest, makeZip } from "./ingest-helpers";

const DAY = "2024-05-01";
const WINDOW = { from: `${DAY}T00:00:00Z`, to: "2024-05-02T00:00:00Z" };
const iso = (seconds: number) => new Date(Date.parse(WINDOW.from) + seconds * 1000).toISOString();

/** Deterministic text with quotes, commas, line breaks and multi-byte characters. */
function prose(seed: number, length: number): string {
  const words = ["účet", "bill", '"quoted"', "a,b", "line\r\nbreak", "😀", "ř", "=SUM(A1)", "plain", "日本"];
  let x = seed * 2654435761;
  let out = "";
  while (out.length < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += `${words[(x >>> 0) % words.length]}${((x >>> 8) % 1000).toString(36)} `;
  }
  return out.slice(0, length);
}

/**
 * 250 engagements in the day (several sharing a start second, so PID breaks ties), some without
 * turns, some with many, and turns sharing a time; `bigTurns` adds ~11 MB of content so the turn
 * file spans three 5 MiB parts.
 */
async function loadDay(apiKey: string, sourceId: string, bigTurns = false) {
  const engagements = Array.from({ length: 250 }, (_, i) => ({
    externalId: `e-${i}`,
    customerExternalId: `c-${i % 40}`,
    agentExternalId: `a-${i % 7}`,
    startTime: iso(Math.floor(i / 3) * 300),
    type: i % 5 === 0 ? "Queue" : "Agent",
    waitTime: i / 10,
  }));
  const turns: unknown[] = [];
  const contents: unknown[] = [];
  for (let i = 0; i < 250; i++) {
    const count = i % 4 === 0 ? 0 : i % 50 === 1 ? 30 : 3;
    for (let t = 0; t < count; t++) {
      const id = `t-${i}-${t}`;
      turns.push({
        externalId: id,
        engagementExternalId: `e-${i}`,
        turnTime: iso(Math.floor(i / 3) * 300 + Math.floor(t / 2)),
        participant: t % 2 ? "AGENT" : "CUSTOMER",
      });
      contents.push({ turnExternalId: id, content: prose(i * 100 + t, 40) });
    }
  }
  if (bigTurns) {
    for (let t = 0; t < 190; t++) {
      const id = `big-${t}`;
      turns.push({ externalId: id, engagementExternalId: "e-100", turnTime: iso(10_000 + t), participant: "CUSTOMER" });
      contents.push({ turnExternalId: id, content: prose(t, 30_000), contentAgent: prose(t + 7, 28_000) });
    }
  }
  const batch = await ingest(
    apiKey,
    sourceId,
    makeZip({
      "customer.jsonl": Array.from({ length: 40 }, (_, i) => ({ externalId: `c-${i}`, name: `Customer ${i}` })),
      "agent.jsonl": Array.from({ length: 7 }, (_, i) => ({ externalId: `a-${i}`, name: `Agent ${i}` })),
      "engagement.jsonl": engagements,
      "turn.jsonl": turns,
      "turn_content.jsonl": contents,
    }),
  );
  expect(batch.status).toBe("COMPLETED");
  return { engagements: engagements.length, turns: turns.length };
}

async function startJob(apiKey: string, include = "engagement,customer,turn,agent"): Promise<string> {
  const res = await startExport(apiKey, { ...WINDOW, include });
  expect(res.status).toBe(200);
  return ((await res.json()) as ExportStarted).exportId;
}

/** Runs the job to the end with `options`, calling it again whenever it hands over; returns the hand-overs. */
async function runToEnd(bindings: Bindings, accountId: string, exportId: string, options: ExportOptions) {
  let handOvers = 0;
  for (let i = 0; i < 200; i++) {
    const result = await runExport(bindings, accountId, exportId, options);
    if (result === "done") return handOvers;
    expect(result).toBe("continue");
    handOvers++;
  }
  throw new Error("export did not finish");
}

async function filesOf(accountId: string, exportId: string, include: ExportDataset[]) {
  const files: Partial<Record<ExportDataset, string>> = {};
  for (const dataset of include) {
    const object = await env.FILES.get(exportObjectKey(accountId, exportId, dataset));
    files[dataset] = object ? await object.text() : undefined;
  }
  return files;
}

async function jobRow(accountId: string, exportId: string) {
  return db().query.exportJob.findFirst({ where: and(eq(exportJob.accountId, accountId), eq(exportJob.id, exportId)) });
}

/** FILES with faults injected into multipart uploads. */
function faultyFiles(fault: {
  failPart?: number;
  failAfterComplete?: boolean;
  failCreate?: boolean;
  /** head() finds nothing, as if the process died before it could look. */
  blindHead?: boolean;
}): R2Bucket {
  const real = env.FILES;
  const wrap = (upload: R2MultipartUpload): R2MultipartUpload => ({
    key: upload.key,
    uploadId: upload.uploadId,
    async uploadPart(partNumber, value, options) {
      const part = await upload.uploadPart(partNumber, value, options);
      if (partNumber === fault.failPart) throw new Error(`crashed after uploading part ${partNumber}`);
      return part;
    },
    abort: () => upload.abort(),
    async complete(parts) {
      const object = await upload.complete(parts);
      if (fault.failAfterComplete) throw new Error("crashed after completing the upload");
      return object;
    },
  });
  return {
    head: (key: string) => (fault.blindHead ? Promise.resolve(null) : real.head(key)),
    get: ((key: string, options?: R2GetOptions) => real.get(key, options)) as R2Bucket["get"],
    async createMultipartUpload(key: string, options?: R2MultipartOptions) {
      if (fault.failCreate) throw new Error("R2 is down");
      return wrap(await real.createMultipartUpload(key, options));
    },
    resumeMultipartUpload: (key: string, uploadId: string) => wrap(real.resumeMultipartUpload(key, uploadId)),
  } as unknown as R2Bucket;
}

describe("export job paging", { timeout: 60_000 }, () => {
  it("writes every selected row exactly once whatever the page size", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    const loaded = await loadDay(apiKey, sourceId);
    const include: ExportDataset[] = ["engagement", "customer", "turn", "agent"];
    const big = await startJob(apiKey);
    await runToEnd(env, accountId, big, DEFAULT_EXPORT);
    const small = await startJob(apiKey);
    await runToEnd(env, accountId, small, { ...DEFAULT_EXPORT, pageRows: 7 });
    const reference = await filesOf(accountId, big, include);
    expect(await filesOf(accountId, small, include)).toEqual(reference);

    const engagements = parseCsv(reference.engagement ?? "").rows;
    expect(engagements).toHaveLength(loaded.engagements);
    expect(new Set(engagements.map((r) => r.pid)).size).toBe(loaded.engagements);
    const turns = parseCsv(reference.turn ?? "").rows;
    expect(turns).toHaveLength(loaded.turns);
    expect(new Set(turns.map((r) => r.pid)).size).toBe(loaded.turns);
    expect(parseCsv(reference.customer ?? "").rows).toHaveLength(40);
    expect(parseCsv(reference.agent ?? "").rows).toHaveLength(7);
    // Engagements by start time, then PID; turns follow their engagement's order.
    const keys = engagements.map((r) => `${r.start_time}|${r.pid}`);
    expect(keys).toEqual([...keys].sort());
    const order = new Map(engagements.map((r, i) => [r.pid, i]));
    const turnOrder = turns.map((t) => order.get(t.engagement_pid) ?? -1);
    expect(turnOrder).toEqual([...turnOrder].sort((a, b) => a - b));
    expect((await jobRow(accountId, small))?.rowsWritten).toBe(loaded.engagements + loaded.turns + 47);
  });
});

describe("export job recovery", { timeout: 60_000 }, () => {
  it("hands over at part boundaries when out of time and still writes the same files", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    await loadDay(apiKey, sourceId, true);
    const include: ExportDataset[] = ["engagement", "turn"];
    const reference = await startJob(apiKey, "engagement,turn");
    expect(await runToEnd(env, accountId, reference, DEFAULT_EXPORT)).toBe(0);
    const expected = await filesOf(accountId, reference, include);
    expect(new TextEncoder().encode(expected.turn).length).toBeGreaterThan(2 * DEFAULT_EXPORT.partSize);

    const handedOver = await startJob(apiKey, "engagement,turn");
    const handOvers = await runToEnd(env, accountId, handedOver, { ...DEFAULT_EXPORT, budgetMs: 0, pageRows: 5 });
    expect(handOvers).toBe(2);
    expect(await filesOf(accountId, handedOver, include)).toEqual(expected);
    expect((await jobRow(accountId, handedOver))?.status).toBe("COMPLETED");
  });

  it("resumes after a crash between uploading a part and recording it, without duplicating rows", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    await loadDay(apiKey, sourceId, true);
    const reference = await startJob(apiKey, "turn");
    await runToEnd(env, accountId, reference, DEFAULT_EXPORT);
    const expected = await filesOf(accountId, reference, ["turn"]);

    const crashed = await startJob(apiKey, "turn");
    const broken = { ...env, FILES: faultyFiles({ failPart: 2 }) } as Bindings;
    await expect(runExport(broken, accountId, crashed, DEFAULT_EXPORT)).rejects.toThrow("part 2");
    const row = await jobRow(accountId, crashed);
    expect(row?.parts).toHaveLength(1);
    // The queue redelivers after the consumer released the lease.
    await db().update(exportJob).set({ leaseUntil: null }).where(eq(exportJob.id, crashed));
    expect(await runToEnd(env, accountId, crashed, DEFAULT_EXPORT)).toBe(0);
    expect(await filesOf(accountId, crashed, ["turn"])).toEqual(expected);
  });

  it("recognises a file completed just before a crash and goes on with the next", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    await loadDay(apiKey, sourceId);
    const reference = await startJob(apiKey, "engagement,agent");
    await runToEnd(env, accountId, reference, DEFAULT_EXPORT);
    const expected = await filesOf(accountId, reference, ["engagement", "agent"]);

    const crashed = await startJob(apiKey, "engagement,agent");
    const broken = { ...env, FILES: faultyFiles({ failAfterComplete: true, blindHead: true }) } as Bindings;
    await expect(runExport(broken, accountId, crashed, DEFAULT_EXPORT)).rejects.toThrow("completing");
    expect((await jobRow(accountId, crashed))?.fileIndex).toBe(0);
    await db().update(exportJob).set({ leaseUntil: null }).where(eq(exportJob.id, crashed));
    await runToEnd(env, accountId, crashed, DEFAULT_EXPORT);
    expect(await filesOf(accountId, crashed, ["engagement", "agent"])).toEqual(expected);
    const row = await jobRow(accountId, crashed);
    expect(row?.files.engagement?.rows).toBe(250);
    expect(row?.rowsWritten).toBe(257);
  });

  it("retries a failing job, then marks it FAILED with an error and no links after the last attempt", async () => {
    const { accountId, apiKey } = await exportAccount();
    const exportId = await startJob(apiKey);
    const broken = { ...env, FILES: faultyFiles({ failCreate: true }) } as Bindings;
    const deliver = async (attempts: number) => {
      const batch = createMessageBatch("brine-jobs", [
        { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { kind: "export", accountId, exportId } },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, broken, ctx);
      return getQueueResult(batch, ctx);
    };
    const first = await deliver(1);
    expect(first.retryMessages).toHaveLength(1);
    expect((await exportStatus(apiKey, exportId)).status).toBe("PROCESSING");
    const last = await deliver(MAX_EXPORT_ATTEMPTS);
    expect(last.explicitAcks).toHaveLength(1);
    const status = await exportStatus(apiKey, exportId);
    expect(status).toEqual({
      exportId,
      status: "FAILED",
      downloadUrls: {},
      error: "The export failed repeatedly. Start it again.",
    });
  });
});

describe("the stalled-export sweep", () => {
  it("queues again a processing export nobody has touched for 15 minutes, and only that one", async () => {
    const { accountId, apiKey } = await exportAccount();
    const stalled = await startJob(apiKey);
    const fresh = await startJob(apiKey);
    const old = Math.floor(Date.now() / 1000) - 16 * 60;
    await db().update(exportJob).set({ updatedAt: old }).where(eq(exportJob.id, stalled));
    const sent: unknown[] = [];
    const spy = { ...env, JOBS: { send: async (body: unknown) => void sent.push(body) } } as unknown as Bindings;
    await requeueStalledExports(spy);
    expect(sent).toContainEqual({ kind: "export", accountId, exportId: stalled });
    expect(sent).not.toContainEqual({ kind: "export", accountId, exportId: fresh });
  });
});

describe("export through the queue", () => {
  it("reports progress while running and the row counts when done", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    const loaded = await loadDay(apiKey, sourceId);
    const { exportId } = await runExportToFiles(apiKey, accountId, { ...WINDOW, include: "engagement,turn" });
    const row = await jobRow(accountId, exportId);
    expect(row?.rowsTotal).toBe(loaded.engagements + loaded.turns);
    expect(row?.rowsWritten).toBe(loaded.engagements + loaded.turns);
    expect(row?.files).toMatchObject({ engagement: { rows: loaded.engagements }, turn: { rows: loaded.turns } });
  });
});
