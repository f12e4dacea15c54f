// A small Ingest API client for Node: get an upload link, PUT a ZIP with progress, and
// follow the batch until it ends. Used by `npm start` (demo data) and the `brine` CLI.
import { createReadStream } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

const TERMINAL = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED"]);

async function api(url, key, path, init = {}, retried = false) {
  let response;
  try {
    response = await fetch(new URL(path, url), {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
  } catch (error) {
    // A kept-alive connection the server closed while it sat idle (building the demo data takes a
    // while on a busy machine) fails before the request is sent; a fresh connection works.
    if (!retried && error?.cause?.code === "UND_ERR_SOCKET") return api(url, key, path, init, true);
    throw error;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(
      `${response.status} ${body.error?.code ?? ""}: ${body.error?.message ?? response.statusText}`,
    );
    error.status = response.status;
    error.code = body.error?.code;
    throw error;
  }
  return body;
}

/** PUTs a ZIP file from disk to a signed upload link, streaming it and reporting bytes sent. */
export function putFile(uploadUrl, path, size, onProgress = () => {}) {
  const url = new URL(uploadUrl);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: "PUT", headers: { "content-type": "application/zip", "content-length": size } },
      (res) => readJson(res, resolve, reject),
    );
    req.on("error", reject);
    let sent = 0;
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    stream.on("data", (chunk) => {
      sent += chunk.length;
      onProgress(sent, size);
    });
    stream.on("error", reject);
    stream.pipe(req);
  });
}

function readJson(res, resolve, reject) {
  let text = "";
  res.on("data", (d) => {
    text += d;
  });
  res.on("end", () => {
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: { code: `HTTP_${res.statusCode}`, message: text.slice(0, 200) } };
    }
    if (res.statusCode === 202) resolve(body);
    else reject(new Error(`upload refused: ${res.statusCode} ${body.error?.code}: ${body.error?.message}`));
  });
}

/** PUTs `zip` to a signed upload link, reporting bytes sent. */
export function putZip(uploadUrl, zip, onProgress = () => {}) {
  const url = new URL(uploadUrl);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: "PUT", headers: { "content-type": "application/zip", "content-length": zip.length } },
      (res) => readJson(res, resolve, reject),
    );
    req.on("error", reject);
    const step = 256 * 1024;
    let sent = 0;
    const write = () => {
      while (sent < zip.length) {
        const chunk = zip.subarray(sent, sent + step);
        sent += chunk.length;
        onProgress(sent, zip.length);
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

/**
 * Uploads one ZIP (bytes in `zip`, or a file at `path` of `size` bytes) for `sourceId` and
 * resolves with the finished batch.
 */
export async function ingestZip({ url, key, sourceId, zip, path, size, onUpload, onBatch, pollMs = 500 }) {
  const link = await api(url, key, "/api/v1/ingest/upload-url", {
    method: "POST",
    body: JSON.stringify({ ingestionSourceId: sourceId }),
  });
  if (zip) await putZip(link.uploadUrl, zip, onUpload);
  else await putFile(link.uploadUrl, path, size, onUpload);
  onBatch?.({ batchId: link.batchId, status: "QUEUED", progress: 0, loaded: 0, rejected: 0, warned: 0 });
  for (;;) {
    const batch = await api(url, key, `/api/v1/ingest/batches/${link.batchId}`);
    onBatch?.(batch);
    if (TERMINAL.has(batch.status)) return batch;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Every Technical Log entry of a batch, following pages. */
export async function batchLog(url, key, batchId, limit = 1000) {
  const entries = [];
  let cursor = "";
  while (entries.length < limit) {
    const page = await api(
      url,
      key,
      `/api/v1/technical-log?batchId=${batchId}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
    );
    entries.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return entries.slice(0, limit);
}

export async function listBatches(url, key) {
  return api(url, key, "/api/v1/ingest/batches?limit=5");
}

/** A one-line progress bar for terminals. */
export function bar(fraction, width = 24) {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(fraction * 100)}%`;
}
