import type { UploadUrl } from "../../schemas/ingest";
import type { JobMessage } from "../../schemas/jobs";
import { signingSecret } from "../accounts/auth";
import { dbFor } from "../db/client";
import type { Bindings } from "../env";
import { hmac, timingSafeEqual } from "../lib/crypto";
import { ApiError, badRequest, forbidden, notFound, tooManyRequests } from "../lib/errors";
import { newPid, sourcePid } from "../lib/ids";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { INGEST_LIMITS } from "./limits";
import { claimUpload, getBatch, insertBatch, logEntry, recentUsage, updateBatch } from "./queries";

const sign = (env: Bindings, accountId: string, batchId: string, expires: number) =>
  hmac(signingSecret(env), `ingest-upload:${accountId}:${batchId}:${expires}`);

/** Opens a batch for `sourceId` and returns its signed, single-use upload link. */
export async function createUpload(
  env: Bindings,
  accountId: string,
  sourceId: string,
  origin: string,
): Promise<UploadUrl> {
  const db = dbFor(env, accountId);
  const now = nowSeconds();
  const usage = await recentUsage(db, accountId, now - INGEST_LIMITS.windowSeconds);
  if (usage.batches >= INGEST_LIMITS.batchesPerWindow) {
    throw tooManyRequests(
      "BATCH_RATE_LIMITED",
      `At most ${INGEST_LIMITS.batchesPerWindow} batches per 15 minutes.`,
      INGEST_LIMITS.windowSeconds,
    );
  }
  if (usage.bytes >= INGEST_LIMITS.bytesPerWindow) {
    throw tooManyRequests("BYTES_RATE_LIMITED", "At most 10 GB per 15 minutes.", INGEST_LIMITS.windowSeconds);
  }
  const batchId = newPid();
  const expires = now + INGEST_LIMITS.linkSeconds;
  await insertBatch(db, accountId, {
    id: batchId,
    sourceId,
    objectKey: `ingest/${accountId}/${batchId}.zip`,
    uploadExpiresAt: expires,
  });
  const signature = await sign(env, accountId, batchId, expires);
  return {
    uploadUrl: `${origin}/api/v1/ingest/uploads/${accountId}/${batchId}?expires=${expires}&signature=${signature}`,
    batchId,
    expiresAt: isoFromSeconds(expires),
  };
}

// A ZIP starts with a local file header; an end-of-central-directory record first means no files.
const LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06];

class UploadRefused extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/**
 * Streams an upload into R2 without buffering it: checks the link, claims it (single use),
 * counts bytes against the cap, refuses a body that is not a ZIP, then queues processing.
 */
export async function receiveUpload(
  env: Bindings,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  input: {
    accountId: string;
    batchId: string;
    expires: string;
    signature: string;
    contentLength: string | undefined;
    body: ReadableStream<Uint8Array> | null;
  },
): Promise<{ batchId: string; status: "QUEUED"; bytes: number }> {
  const { accountId, batchId } = input;
  const expires = Number(input.expires);
  const expected = await sign(env, accountId, batchId, expires);
  if (!Number.isInteger(expires) || !(await timingSafeEqual(input.signature, expected))) {
    throw forbidden("UPLOAD_LINK_INVALID", "The upload link is not valid.");
  }
  if (expires < nowSeconds()) throw forbidden("UPLOAD_LINK_EXPIRED", "The upload link has expired. Ask for a new one.");

  const length = input.contentLength === undefined ? Number.NaN : Number(input.contentLength);
  if (!Number.isSafeInteger(length)) {
    throw new ApiError(411, "LENGTH_REQUIRED", "Send the ZIP with a Content-Length header.");
  }
  if (length > INGEST_LIMITS.maxBatchBytes) {
    throw new ApiError(413, "BATCH_TOO_LARGE", "A batch may be at most 1 GB.");
  }
  if (length === 0 || !input.body) throw badRequest("EMPTY_BODY", "The upload is empty.");

  const db = dbFor(env, accountId);
  const batch = await getBatch(db, accountId, batchId);
  if (!batch) throw notFound("Batch");
  const usage = await recentUsage(db, accountId, nowSeconds() - INGEST_LIMITS.windowSeconds);
  if (usage.bytes + length > INGEST_LIMITS.bytesPerWindow) {
    throw tooManyRequests("BYTES_RATE_LIMITED", "At most 10 GB per 15 minutes.", INGEST_LIMITS.windowSeconds);
  }
  if (!(await claimUpload(db, accountId, batchId))) {
    throw new ApiError(409, "UPLOAD_LINK_USED", "This upload link has already been used. Ask for a new one.");
  }

  let seen = 0;
  const head: number[] = [];
  const guard = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.length;
      if (seen > length) {
        throw new UploadRefused(new ApiError(400, "LENGTH_MISMATCH", "The body is longer than its Content-Length."));
      }
      for (let i = 0; head.length < 4 && i < chunk.length; i++) head.push(chunk[i] ?? 0);
      if (head.length === 4) {
        if (EMPTY_ARCHIVE.every((b, i) => head[i] === b)) {
          throw new UploadRefused(badRequest("EMPTY_ZIP", "The ZIP holds no files."));
        }
        if (!LOCAL_HEADER.every((b, i) => head[i] === b)) {
          throw new UploadRefused(badRequest("NOT_A_ZIP", "The body is not a ZIP file."));
        }
      }
      controller.enqueue(chunk);
    },
    flush() {
      if (seen < length) {
        throw new UploadRefused(
          new ApiError(400, "UPLOAD_INCOMPLETE", "The upload ended before Content-Length bytes."),
        );
      }
      if (head.length < 4) throw new UploadRefused(badRequest("NOT_A_ZIP", "The body is not a ZIP file."));
    },
  });
  const sized = new FixedLengthStream(length);
  const piped = input.body.pipeThrough(guard).pipeTo(sized.writable);
  try {
    await Promise.all([env.FILES.put(batch.objectKey, sized.readable), piped]);
  } catch (e) {
    const refused = e instanceof UploadRefused ? e.error : undefined;
    const error = refused ?? new ApiError(400, "UPLOAD_INCOMPLETE", "The upload did not arrive whole.");
    ctx.waitUntil(env.FILES.delete(batch.objectKey));
    await updateBatch(db, accountId, batchId, {
      status: "FAILED",
      finishedAt: nowSeconds(),
      errorCode: error.code,
      errorMessage: error.message,
    });
    await logEntry(db, accountId, {
      id: sourcePid(accountId, batchId, "technical_log", "upload"),
      level: "ERROR",
      code: error.code,
      message: `The upload was refused: ${error.message}`,
      sourceId: batch.sourceId,
      batchId,
    });
    throw error;
  }
  await updateBatch(db, accountId, batchId, { status: "QUEUED", bytes: length, uploadedAt: nowSeconds() });
  await env.JOBS.send({ kind: "ingest", accountId, batchId } satisfies JobMessage);
  return { batchId, status: "QUEUED", bytes: length };
}
