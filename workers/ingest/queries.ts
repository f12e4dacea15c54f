import { and, asc, count, desc, eq, gte, isNull, lt, lte, or, sum } from "drizzle-orm";
import type { Batch, BatchStatus, TechnicalLogEntry } from "../../schemas/ingest";
import type { Db } from "../db/client";
import { ingestBatch, ingestBatchFile, technicalLog } from "../db/schema";
import { afterCursor } from "../lib/paging";
import { isoFromSeconds, nowSeconds } from "../lib/time";

export type BatchRow = typeof ingestBatch.$inferSelect;
export type BatchFileRow = typeof ingestBatchFile.$inferSelect;
export type LogRow = typeof technicalLog.$inferSelect;

export async function insertBatch(
  db: Db,
  accountId: string,
  values: { id: string; sourceId: string; objectKey: string; uploadExpiresAt: number },
): Promise<BatchRow> {
  const [row] = await db
    .insert(ingestBatch)
    .values({ accountId, status: "UPLOADING", ...values })
    .returning();
  if (!row) throw new Error("batch insert returned nothing");
  return row;
}

export async function getBatch(db: Db, accountId: string, id: string): Promise<BatchRow | undefined> {
  return db.query.ingestBatch.findFirst({ where: and(eq(ingestBatch.accountId, accountId), eq(ingestBatch.id, id)) });
}

export async function listBatches(
  db: Db,
  accountId: string,
  filter: { sourceId?: string; status?: BatchStatus },
  limit: number,
  cursor?: string,
): Promise<BatchRow[]> {
  return db
    .select()
    .from(ingestBatch)
    .where(
      and(
        eq(ingestBatch.accountId, accountId),
        filter.sourceId ? eq(ingestBatch.sourceId, filter.sourceId) : undefined,
        filter.status ? eq(ingestBatch.status, filter.status) : undefined,
        afterCursor(ingestBatch.createdAt, ingestBatch.id, cursor),
      ),
    )
    .orderBy(desc(ingestBatch.createdAt), desc(ingestBatch.id))
    .limit(limit + 1);
}

export async function batchFiles(db: Db, accountId: string, batchIds: string[]): Promise<BatchFileRow[]> {
  if (batchIds.length === 0) return [];
  return db
    .select()
    .from(ingestBatchFile)
    .where(and(eq(ingestBatchFile.accountId, accountId), or(...batchIds.map((id) => eq(ingestBatchFile.batchId, id)))))
    .orderBy(asc(ingestBatchFile.batchId), asc(ingestBatchFile.entry));
}

/** Batches created and bytes uploaded by the account since `since`, for rate limiting. */
export async function recentUsage(
  db: Db,
  accountId: string,
  since: number,
): Promise<{ batches: number; bytes: number }> {
  const [row] = await db
    .select({ batches: count(), bytes: sum(ingestBatch.bytes) })
    .from(ingestBatch)
    .where(and(eq(ingestBatch.accountId, accountId), gte(ingestBatch.createdAt, since)));
  return { batches: row?.batches ?? 0, bytes: Number(row?.bytes ?? 0) };
}

/**
 * Claims the upload link: moves UPLOADING → QUEUED-in-progress exactly once, so a link is
 * single-use even under concurrent PUTs. Returns false when it was already used.
 */
export async function claimUpload(db: Db, accountId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(ingestBatch)
    .set({ status: "RECEIVING", updatedAt: nowSeconds() })
    .where(and(eq(ingestBatch.accountId, accountId), eq(ingestBatch.id, id), eq(ingestBatch.status, "UPLOADING")))
    .returning({ id: ingestBatch.id });
  return rows.length === 1;
}

export async function updateBatch(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Omit<BatchRow, "accountId" | "id">>,
): Promise<void> {
  await db
    .update(ingestBatch)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(ingestBatch.accountId, accountId), eq(ingestBatch.id, id)));
}

/** Takes the processing lease for `seconds` unless another consumer holds a live one. */
export async function takeLease(db: Db, accountId: string, id: string, seconds: number): Promise<boolean> {
  const now = nowSeconds();
  const rows = await db
    .update(ingestBatch)
    .set({ leaseUntil: now + seconds })
    .where(
      and(
        eq(ingestBatch.accountId, accountId),
        eq(ingestBatch.id, id),
        or(isNull(ingestBatch.leaseUntil), lt(ingestBatch.leaseUntil, now)),
      ),
    )
    .returning({ id: ingestBatch.id });
  return rows.length === 1;
}

export async function listTechnicalLog(
  db: Db,
  accountId: string,
  filter: { batchId?: string; sourceId?: string; file?: string; level?: string; from?: number; to?: number },
  limit: number,
  cursor?: string,
): Promise<LogRow[]> {
  return db
    .select()
    .from(technicalLog)
    .where(
      and(
        eq(technicalLog.accountId, accountId),
        filter.batchId ? eq(technicalLog.batchId, filter.batchId) : undefined,
        filter.sourceId ? eq(technicalLog.sourceId, filter.sourceId) : undefined,
        filter.file ? eq(technicalLog.file, filter.file) : undefined,
        filter.level ? eq(technicalLog.level, filter.level) : undefined,
        filter.from === undefined ? undefined : gte(technicalLog.time, filter.from),
        filter.to === undefined ? undefined : lte(technicalLog.time, filter.to),
        afterCursor(technicalLog.time, technicalLog.id, cursor),
      ),
    )
    .orderBy(desc(technicalLog.time), desc(technicalLog.id))
    .limit(limit + 1);
}

/** Internal RECEIVING is reported as UPLOADING: the upload is still arriving. */
export function toBatch(row: BatchRow, files: BatchFileRow[]): Batch {
  const iso = (s: number | null) => (s === null ? null : isoFromSeconds(s));
  const status = (row.status === "RECEIVING" ? "UPLOADING" : row.status) as BatchStatus;
  const done = status === "COMPLETED" || status === "COMPLETED_WITH_ERRORS" || status === "FAILED";
  return {
    batchId: row.id,
    ingestionSourceId: row.sourceId,
    status,
    progress: done ? 1 : row.bytes ? Math.min(1, row.bytesRead / row.bytes) : 0,
    bytes: row.bytes,
    loaded: row.loaded,
    rejected: row.rejected,
    warned: row.warned,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null,
    createdAt: isoFromSeconds(row.createdAt),
    uploadedAt: iso(row.uploadedAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    files: files.map((f) => ({
      name: f.name,
      target: f.target,
      status: f.status as Batch["files"][number]["status"],
      lines: f.lines,
      loaded: f.loaded,
      rejected: f.rejected,
      warned: f.warned,
    })),
  };
}

export function toLogEntry(row: LogRow): TechnicalLogEntry {
  return {
    id: row.id,
    time: isoFromSeconds(row.time),
    level: row.level as TechnicalLogEntry["level"],
    code: row.code,
    message: row.message,
    sourceId: row.sourceId,
    batchId: row.batchId,
    file: row.file,
    line: row.line,
    property: row.property,
    value: row.value,
  };
}

/** Records one Technical Log entry outside a pipeline run (refused uploads, expired links). */
export async function logEntry(
  db: Db,
  accountId: string,
  entry: { id: string; level: string; code: string; message: string; sourceId: string; batchId: string },
): Promise<void> {
  await db
    .insert(technicalLog)
    .values({ accountId, time: nowSeconds(), ...entry })
    .onConflictDoNothing();
}

/** Fails every batch whose upload link expired before an upload finished; returns how many. */
export async function expireUploads(db: Db, now: number): Promise<BatchRow[]> {
  return db
    .update(ingestBatch)
    .set({
      status: "FAILED",
      finishedAt: now,
      errorCode: "UPLOAD_LINK_EXPIRED",
      errorMessage: "No upload arrived before the link expired.",
      updatedAt: now,
    })
    .where(
      and(
        or(eq(ingestBatch.status, "UPLOADING"), eq(ingestBatch.status, "RECEIVING")),
        lt(ingestBatch.uploadExpiresAt, now - 60),
      ),
    )
    .returning();
}
