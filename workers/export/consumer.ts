import type { JobMessage } from "../../schemas/jobs";
import { dbFor, directoryDb } from "../db/client";
import type { Bindings } from "../env";
import { nowSeconds } from "../lib/time";
import { DEFAULT_EXPORT, type ExportOptions, failExport, runExport } from "./job";
import { getExportJob, stalledExportJobs, updateExportJob } from "./queries";

/** Deliveries after which an export that keeps failing is given up as FAILED. */
export const MAX_EXPORT_ATTEMPTS = 8;

/**
 * Runs one export job message: finishes it, continues it in a new message when it ran out of
 * time, retries later when another consumer holds it, and fails it after MAX_EXPORT_ATTEMPTS errors.
 */
export async function runExportJob(
  env: Bindings,
  message: Message<unknown>,
  job: Extract<JobMessage, { kind: "export" }>,
  options: ExportOptions = DEFAULT_EXPORT,
): Promise<void> {
  try {
    const result = await runExport(env, job.accountId, job.exportId, options);
    if (result === "continue") await env.JOBS.send(job);
    if (result === "busy") return message.retry({ delaySeconds: 30 });
    message.ack();
  } catch (e) {
    console.error("export job failed", job.exportId, e);
    const db = dbFor(env, job.accountId);
    const row = await getExportJob(db, job.accountId, job.exportId);
    if (row && message.attempts >= MAX_EXPORT_ATTEMPTS) {
      await failExport(env, row, "EXPORT_FAILED", "The export failed repeatedly. Start it again.");
      message.ack();
    } else {
      if (row) await updateExportJob(db, job.accountId, job.exportId, { leaseUntil: null }).catch(() => {});
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}

/** Minutes after which a PROCESSING export nobody works on is queued again (its message was lost). */
const STALLED_SECONDS = 15 * 60;

/** Sweep (cron): re-queues stalled exports; the lease keeps a live one from running twice. */
export async function requeueStalledExports(env: Bindings): Promise<number> {
  const stalled = await stalledExportJobs(directoryDb(env), nowSeconds() - STALLED_SECONDS);
  for (const job of stalled) {
    await env.JOBS.send({ kind: "export", accountId: job.accountId, exportId: job.id } satisfies JobMessage);
  }
  return stalled.length;
}
