import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strToU8, type Zippable, zipSync } from "fflate";
import type { Batch, UploadUrl } from "../../schemas/ingest";
import worker from "../../workers/index";
import { call } from "./helpers";

/** A ZIP of files; string contents are UTF-8, objects' arrays become JSONL. */
export function makeZip(files: Record<string, string | unknown[] | Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    const bytes =
      content instanceof Uint8Array
        ? content
        : strToU8(typeof content === "string" ? content : content.map((l) => JSON.stringify(l)).join("\n"));
    entries[name] = [bytes, { level }];
  }
  return zipSync(entries);
}

export async function uploadUrl(apiKey: string, ingestionSourceId: string): Promise<Response> {
  return call("/api/v1/ingest/upload-url", {
    body: { ingestionSourceId },
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

/** PUTs `body` to an upload link the way curl --data-binary does. */
export async function put(link: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL(link);
  return call(`${url.pathname}${url.search}`, {
    method: "PUT",
    rawBody: body,
    headers: { "content-type": "application/zip", "content-length": String(body.length), ...headers },
  });
}

/** Runs the queue consumer on one ingest message, as the platform would deliver it. */
export async function deliver(accountId: string, batchId: string, attempts = 1) {
  const batch = createMessageBatch("brine-jobs", [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { kind: "ingest", accountId, batchId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Uploads a ZIP through the API, processes it, and returns the final batch. */
export async function ingest(apiKey: string, sourceId: string, zip: Uint8Array): Promise<Batch> {
  const link = (await (await uploadUrl(apiKey, sourceId)).json()) as UploadUrl;
  const res = await put(link.uploadUrl, zip);
  if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  const accountId = new URL(link.uploadUrl).pathname.split("/")[5] ?? "";
  for (let i = 0; i < 50; i++) {
    await deliver(accountId, link.batchId);
    const batch = await getBatchJson(apiKey, link.batchId);
    if (["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED"].includes(batch.status)) return batch;
  }
  throw new Error("batch did not finish");
}

export async function getBatchJson(apiKey: string, batchId: string): Promise<Batch> {
  const res = await call(`/api/v1/ingest/batches/${batchId}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return (await res.json()) as Batch;
}
