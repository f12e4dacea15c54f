import type { JobMessage } from "../../schemas/jobs";
import { dbFor, directoryDb } from "../db/client";
import type { Bindings } from "../env";
import { sourcePid } from "../lib/ids";
import { nowSeconds } from "../lib/time";
import { DEFAULT_PIPELINE, type PipelineOptions, processBatch } from "./pipeline";
import { expireUploads, logEntry, updateBatch } from "./queries";

/** Deliveries after which a batch that keeps failing for reasons outside the ZIP is given up. */
export const MAX_ATTEMPTS = 8;

/**
 * Runs one ingest job. A batch longer than one invocation's budget is continued by a new
 * message; a batch another consumer holds is retried later; an unexpected error is retried
 * by the queue until MAX_ATTEMPTS, then the batch is marked FAILED.
 */
export async function runIngestJob(
  env: Bindings,
  message: Message<unknown>,
  job: Extract<JobMessage, { kind: "ingest" }>,
  options: PipelineOptions = DEFAULT_PIPELINE,
): Promise<void> {
  try {
    const result = await processBatch(env, job.accountId, job.batchId, options);
    if (result === "continue") await env.JOBS.send(job);
    if (result === "busy") return message.retry({ delaySeconds: 30 });
    message.ack();
  } catch (e) {
    console.error("ingest job failed", job.batchId, e);
    if (message.attempts >= MAX_ATTEMPTS) {
      await updateBatch(dbFor(env, job.accountId), job.accountId, job.batchId, {
        status: "FAILED",
        finishedAt: nowSeconds(),
        leaseUntil: null,
        errorCode: "INTERNAL",
        errorMessage: "Processing failed repeatedly; the records loaded so far are kept.",
      });
      message.ack();
    } else {
      // Let the next delivery take over at once from the last checkpoint.
      await updateBatch(dbFor(env, job.accountId), job.accountId, job.batchId, { leaseUntil: null }).catch(() => {});
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}

/**
 * Sweep (cron): batches whose upload link expired with no complete upload become FAILED with
 * UPLOAD_LINK_EXPIRED and a Technical Log entry, so nothing waits on them forever.
 */
export async function expireUploadLinks(env: Bindings): Promise<number> {
  const db = directoryDb(env);
  const expired = await expireUploads(db, nowSeconds());
  for (const batch of expired) {
    await logEntry(dbFor(env, batch.accountId), batch.accountId, {
      id: sourcePid(batch.accountId, batch.id, "technical_log", "upload"),
      level: "ERROR",
      code: "UPLOAD_LINK_EXPIRED",
      message: "No upload arrived before the link expired.",
      sourceId: batch.sourceId,
      batchId: batch.id,
    });
  }
  return expired.length;
}
