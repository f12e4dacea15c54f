import { EXPORT_COLUMNS, EXPORT_FILE_NAMES, type ExportDataset } from "../../schemas/export";
import { dbFor, rawDbFor } from "../db/client";
import type { Bindings } from "../env";
import { nowSeconds } from "../lib/time";
import { csvRow } from "./csv";
import { type Cursor, DATASET_SOURCES, type Selection } from "./datasets";
import { exportObjectKey } from "./links";
import { type ExportJobRow, getExportJob, takeExportLease, updateExportJob } from "./queries";

export interface ExportOptions {
  /** Hand over to a continuation message after this long, at the next part boundary. */
  budgetMs: number;
  /**
   * Bytes per multipart part. R2 wants every part but the last to be the same size and at
   * least 5 MiB; this buffer is the only memory that grows with the file, so memory stays flat.
   */
  partSize: number;
  /** Rows read from D1 per query. */
  pageRows: number;
}

export const DEFAULT_EXPORT: ExportOptions = { budgetMs: 60_000, partSize: 5 * 1024 * 1024, pageRows: 2_000 };

const LEASE_SECONDS = 180;
/** How often progress is written while a file is being built. */
const PROGRESS_EVERY_MS = 1_000;
/** Marks a file whose parts are all uploaded and which only needs completing. */
const END = "END";

export type ExportResult = "done" | "continue" | "busy";

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Builds an export's CSV files one after another, each streamed into R2 as a multipart upload.
 * After every uploaded part the job row records the parts, the cursor of the last row written
 * and the bytes not yet in a part, so a redelivered or crashed job resumes exactly there and
 * every file is written once. Returns "continue" when the time budget ran out.
 */
export async function runExport(
  env: Bindings,
  accountId: string,
  exportId: string,
  options: ExportOptions = DEFAULT_EXPORT,
): Promise<ExportResult> {
  const db = dbFor(env, accountId);
  const d1 = rawDbFor(env, accountId);
  let job = await getExportJob(db, accountId, exportId);
  if (job?.status !== "PROCESSING") return "done";
  if (!(await takeExportLease(db, accountId, exportId, LEASE_SECONDS))) return "busy";
  const started = Date.now();
  const include = job.include as ExportDataset[];
  const sel: Selection = {
    accountId,
    fromSec: Math.ceil(job.fromMs / 1000),
    toSec: Math.ceil(job.toMs / 1000),
    customerPids: job.customerPids,
  };

  if (job.startedAt === null) {
    let total = 0;
    for (const dataset of include) total += await DATASET_SOURCES[dataset].count(d1, sel);
    await updateExportJob(db, accountId, exportId, { startedAt: nowSeconds(), rowsTotal: total });
    job = { ...job, startedAt: nowSeconds(), rowsTotal: total };
  }

  const files = { ...job.files };
  const doneRows = () => Object.values(files).reduce((sum, f) => sum + f.rows, 0);

  for (let index = job.fileIndex; index < include.length; index++) {
    const dataset = include[index] as ExportDataset;
    const key = exportObjectKey(accountId, exportId, dataset);
    const resuming = index === job.fileIndex && job.uploadId !== null;
    const state = resuming ? resumeState(job) : await startFile(env, key, dataset);
    if (!resuming) {
      await updateExportJob(db, accountId, exportId, {
        fileIndex: index,
        uploadId: state.uploadId,
        parts: [],
        cursor: null,
        carry: null,
        fileRows: 0,
        fileBytes: 0,
      });
    }
    const upload = env.FILES.resumeMultipartUpload(key, state.uploadId);

    if (state.cursor !== END) {
      const outcome = await writeRows(state, dataset);
      if (outcome === "out of time") {
        await updateExportJob(db, accountId, exportId, { leaseUntil: null });
        return "continue";
      }
    }
    await complete(env, key, upload, state.parts);
    files[dataset] = { rows: state.rows, bytes: state.bytes };
    await updateExportJob(db, accountId, exportId, {
      files,
      fileIndex: index + 1,
      uploadId: null,
      parts: null,
      cursor: null,
      carry: null,
      rowsWritten: doneRows(),
    });

    /** Streams the data set's rows into parts; checkpoints after each part. */
    async function writeRows(s: FileState, name: ExportDataset): Promise<"written" | "out of time"> {
      const source = DATASET_SOURCES[name];
      const buffer = new Uint8Array(options.partSize);
      buffer.set(s.carry);
      let fill = s.carry.length;
      let lastProgress = Date.now();

      const flushPart = async () => {
        const part = await upload.uploadPart(s.parts.length + 1, buffer.subarray(0, fill));
        s.parts.push({ partNumber: part.partNumber, etag: part.etag });
        fill = 0;
      };
      /** Appends text to the part buffer, uploading each part as it fills; true when a part went up. */
      const append = async (text: string): Promise<boolean> => {
        let flushed = false;
        let rest = text;
        for (;;) {
          const { read, written } = encoder.encodeInto(rest, buffer.subarray(fill));
          fill += written;
          s.bytes += written;
          if (read === rest.length) return flushed;
          rest = rest.slice(read);
          // Parts must be exactly partSize: a character that does not fit whole is split across parts.
          const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
          const bytes = encoder.encode(char);
          const room = buffer.length - fill;
          buffer.set(bytes.subarray(0, room), fill);
          fill += room;
          await flushPart();
          flushed = true;
          buffer.set(bytes.subarray(room), 0);
          fill = bytes.length - room;
          s.bytes += bytes.length;
          rest = rest.slice(char.length);
        }
      };
      const checkpoint = (cursor: Cursor | typeof END) =>
        updateExportJob(db, accountId, exportId, {
          parts: s.parts,
          cursor,
          carry: toBase64(buffer.subarray(0, fill)),
          fileRows: s.rows,
          fileBytes: s.bytes,
          rowsWritten: doneRows() + s.rows,
          leaseUntil: nowSeconds() + LEASE_SECONDS,
        });

      if (s.cursor === null) await append(csvRow(EXPORT_COLUMNS[name].map((c) => c.name)));
      let cursor = s.cursor ?? undefined;
      for (;;) {
        const page = await source.page(d1, sel, cursor, options.pageRows);
        for (const row of page.rows) {
          s.rows++;
          if (await append(`${row[0] as string}\r\n`)) {
            await checkpoint(source.cursorOf(row));
            if (Date.now() - started > options.budgetMs) return "out of time";
          }
        }
        if (page.next === null) break;
        cursor = page.next;
        if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          await updateExportJob(db, accountId, exportId, { rowsWritten: doneRows() + s.rows });
        }
        // Let other requests in this isolate run (wrangler dev serves HTTP and the queue together).
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      if (fill > 0 || s.parts.length === 0) await flushPart();
      await checkpoint(END);
      return "written";
    }
  }

  await updateExportJob(db, accountId, exportId, {
    status: "COMPLETED",
    finishedAt: nowSeconds(),
    leaseUntil: null,
    rowsWritten: doneRows(),
  });
  return "done";
}

interface FileState {
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
  cursor: Cursor | typeof END | null;
  carry: Uint8Array;
  rows: number;
  bytes: number;
}

async function startFile(env: Bindings, key: string, dataset: ExportDataset): Promise<FileState> {
  const upload = await env.FILES.createMultipartUpload(key, {
    httpMetadata: {
      contentType: "text/csv; charset=utf-8",
      contentDisposition: `attachment; filename="${EXPORT_FILE_NAMES[dataset]}"`,
    },
  });
  return { uploadId: upload.uploadId, parts: [], cursor: null, carry: new Uint8Array(), rows: 0, bytes: 0 };
}

function resumeState(job: ExportJobRow): FileState {
  return {
    uploadId: job.uploadId as string,
    parts: job.parts ?? [],
    cursor: (job.cursor as Cursor | typeof END | null) ?? null,
    carry: job.carry ? fromBase64(job.carry) : new Uint8Array(),
    rows: job.fileRows,
    bytes: job.fileBytes,
  };
}

/** Completes the upload; one that a crashed run already completed is recognised by its object. */
async function complete(
  env: Bindings,
  key: string,
  upload: R2MultipartUpload,
  parts: { partNumber: number; etag: string }[],
): Promise<void> {
  try {
    await upload.complete(parts);
  } catch (e) {
    if (!(await env.FILES.head(key))) throw e;
  }
}

/** Marks a job that cannot finish as FAILED and drops its unfinished upload. */
export async function failExport(env: Bindings, job: ExportJobRow, code: string, message: string): Promise<void> {
  const include = job.include as ExportDataset[];
  const dataset = include[job.fileIndex];
  if (job.uploadId && dataset) {
    await env.FILES.resumeMultipartUpload(exportObjectKey(job.accountId, job.id, dataset), job.uploadId)
      .abort()
      .catch(() => {});
  }
  await updateExportJob(dbFor(env, job.accountId), job.accountId, job.id, {
    status: "FAILED",
    finishedAt: nowSeconds(),
    leaseUntil: null,
    uploadId: null,
    parts: null,
    carry: null,
    errorCode: code,
    errorMessage: message,
  });
}
