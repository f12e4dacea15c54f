import { Gunzip, Unzip, type UnzipFile, UnzipInflate } from "fflate";
import { dbFor, rawDbFor } from "../db/client";
import type { Bindings } from "../env";
import { sourcePid } from "../lib/ids";
import { nowSeconds } from "../lib/time";
import {
  classifyFile,
  ENTITY_DATASET,
  type FileTarget,
  type Finding,
  type LineShape,
  MAX_LINE_BYTES,
  validateLine,
} from "./format";
import { ZIP_LIMITS } from "./limits";
import { batchFiles, getBatch, takeLease, updateBatch } from "./queries";
import { upsertLine, type WriteTarget } from "./writer";

export interface PipelineOptions {
  /** Stop and ask to be continued after this long; the checkpoint makes that lossless. */
  budgetMs: number;
  /** Lines written per D1 batch, together with the checkpoint. */
  flushLines: number;
  /** Technical Log entries kept per batch; counts stay exact beyond it. */
  maxLogEntries: number;
}

export const DEFAULT_PIPELINE: PipelineOptions = { budgetMs: 60_000, flushLines: 1_000, maxLogEntries: 10_000 };

const LEASE_SECONDS = 15 * 60;
const PUSH_BYTES = 8 * 1024;
const TERMINAL = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED"]);

export type PipelineResult = "done" | "continue" | "busy";

class BatchFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface FileState {
  entry: number;
  name: string;
  target: FileTarget;
  status: "PROCESSING" | "DONE" | "SKIPPED" | "REJECTED";
  lines: number;
  loaded: number;
  rejected: number;
  warned: number;
  /** Lines at or below this number were written by an earlier run. */
  resumeAfter: number;
  partial: string;
  tooLong: boolean;
  decoder: TextDecoder;
  ended: boolean;
  dirty: boolean;
}

/** A line read from a file (text null when it was too long), or the end of that file. */
type Item = { file: FileState; line: number; text: string | null } | { file: FileState; end: true };

/**
 * Processes one uploaded batch: streams the ZIP from R2 through fflate, splits JSONL lines,
 * validates them against the model catalog and upserts them in D1 batches, each committed
 * together with the checkpoint and counts. Safe to run again after a crash or redelivery:
 * writes are idempotent upserts and the checkpoint says where to resume.
 */
export async function processBatch(
  env: Bindings,
  accountId: string,
  batchId: string,
  options: PipelineOptions = DEFAULT_PIPELINE,
): Promise<PipelineResult> {
  const db = dbFor(env, accountId);
  const d1 = rawDbFor(env, accountId);
  const batch = await getBatch(db, accountId, batchId);
  if (!batch || TERMINAL.has(batch.status) || batch.status === "UPLOADING" || batch.status === "RECEIVING") {
    return "done";
  }
  if (!(await takeLease(db, accountId, batchId, LEASE_SECONDS))) return "busy";
  const started = Date.now();
  if (batch.status === "QUEUED") {
    await updateBatch(db, accountId, batchId, { status: "PROCESSING", startedAt: nowSeconds() });
  }

  const object = await env.FILES.get(batch.objectKey);
  if (!object) {
    await finish("FAILED", { code: "UPLOAD_MISSING", message: "The uploaded ZIP is no longer stored." });
    return "done";
  }

  const known = new Map((await batchFiles(db, accountId, [batchId])).map((f) => [f.entry, f]));
  const counts = { loaded: batch.loaded, rejected: batch.rejected, warned: batch.warned, logs: batch.logEntries };
  let checkpoint = { entry: batch.checkpointEntry, line: batch.checkpointLine };
  let bytesRead = 0;
  let inflated = 0;
  let entries = 0;
  let failure: BatchFailure | undefined;
  const queue: Item[] = [];
  const files: FileState[] = [];
  let statements: D1PreparedStatement[] = [];
  let pendingLines = 0;
  let truncatedNoted = batch.logEntries >= options.maxLogEntries;

  const log = (file: FileState | undefined, line: number | null, finding: Finding, sourceId = batch.sourceId) => {
    if (counts.logs >= options.maxLogEntries) {
      if (truncatedNoted) return;
      truncatedNoted = true;
      finding = {
        level: "WARNING",
        code: "LOG_TRUNCATED",
        message: `More than ${options.maxLogEntries} entries; the rest are counted in the batch but not logged.`,
      };
    }
    counts.logs++;
    const id = sourcePid(
      accountId,
      batchId,
      "technical_log",
      JSON.stringify([file?.entry ?? -1, line, finding.code, finding.property ?? null]),
    );
    statements.push(
      d1
        .prepare(
          `INSERT OR IGNORE INTO technical_log (account_id, id, time, level, code, message, source_id, batch_id, file, line, property, value)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          accountId,
          id,
          nowSeconds(),
          finding.level,
          finding.code,
          finding.message,
          sourceId,
          batchId,
          file?.name ?? null,
          line,
          finding.property ?? null,
          finding.value ?? null,
        ),
    );
  };

  const unzip = new Unzip((entry: UnzipFile) => {
    const index = entries++;
    if (entries > ZIP_LIMITS.maxEntries) {
      failure ??= new BatchFailure("TOO_MANY_ENTRIES", `A batch may hold at most ${ZIP_LIMITS.maxEntries} files.`);
      return;
    }
    const target = classifyFile(entry.name);
    const previous = known.get(index);
    const file: FileState = {
      entry: index,
      name: entry.name.slice(0, 255),
      target,
      status: target.kind === "skip" ? "SKIPPED" : target.kind === "reject" ? "REJECTED" : "PROCESSING",
      // The file is re-read from its start, so lines are counted again from zero.
      lines: 0,
      loaded: previous?.loaded ?? 0,
      rejected: previous?.rejected ?? 0,
      warned: previous?.warned ?? 0,
      resumeAfter: index === checkpoint.entry ? checkpoint.line : 0,
      partial: "",
      tooLong: false,
      decoder: new TextDecoder(),
      ended: false,
      dirty: !previous,
    };
    files.push(file);
    if (index < checkpoint.entry || previous?.status === "DONE") {
      // Finished by an earlier run: keep its row as it is and do not inflate it again.
      file.status = (previous?.status as FileState["status"] | undefined) ?? "DONE";
      file.lines = previous?.lines ?? 0;
      file.ended = true;
      return;
    }
    if (target.kind === "skip" || target.kind === "reject") {
      if (target.code !== "DIRECTORY" && !previous) {
        const skipped = target.kind === "reject";
        log(file, null, {
          level: skipped ? "ERROR" : "WARNING",
          code: target.code,
          message:
            target.code === "UNSAFE_PATH"
              ? "File names with .. or an absolute path are refused."
              : target.code === "NESTED_ARCHIVE"
                ? "Archives inside the ZIP are not expanded; the file was skipped."
                : "Not a known {dataset}.jsonl or {dataset}_{entity}.jsonl file name; the file was skipped.",
          value: entry.name.slice(0, 200),
        });
      }
      return;
    }
    const accept = (chunk: Uint8Array, final: boolean) => {
      if (failure) return;
      inflated += chunk.length;
      if (inflated > ZIP_LIMITS.maxInflatedBytes) {
        failure = new BatchFailure("ZIP_TOO_LARGE", "The ZIP inflates to more than the allowed total size.");
      } else if (inflated > ZIP_LIMITS.ratioGraceBytes && inflated / Math.max(bytesRead, 1) > ZIP_LIMITS.maxRatio) {
        failure = new BatchFailure(
          "ZIP_BOMB",
          `The ZIP inflates more than ${ZIP_LIMITS.maxRatio} times its size; processing stopped.`,
        );
      }
      if (failure) return;
      split(file, chunk, final);
    };
    if (target.gzip) {
      const gunzip = new Gunzip((chunk, final) => accept(chunk, final));
      entry.ondata = (err, chunk, final) => {
        if (err) {
          failure ??= new BatchFailure("INVALID_ZIP", `${entry.name}: ${err.message}`);
          return;
        }
        try {
          gunzip.push(chunk, final);
        } catch (e) {
          failure ??= new BatchFailure("INVALID_GZIP", `${entry.name}: ${(e as Error).message}`);
        }
      };
    } else {
      entry.ondata = (err, chunk, final) => {
        if (err) {
          failure ??= new BatchFailure("INVALID_ZIP", `${entry.name}: ${err.message}`);
          return;
        }
        accept(chunk, final);
      };
    }
    entry.start();
  });
  unzip.register(UnzipInflate);

  function split(file: FileState, chunk: Uint8Array, final: boolean) {
    let text = file.partial + file.decoder.decode(chunk, { stream: !final });
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
      const raw = text.slice(start, nl);
      start = nl + 1;
      file.lines++;
      const tooLong = file.tooLong || raw.length > MAX_LINE_BYTES;
      queue.push({ file, line: file.lines, text: tooLong ? null : raw.endsWith("\r") ? raw.slice(0, -1) : raw });
      file.tooLong = false;
    }
    text = text.slice(start);
    if (text.length > MAX_LINE_BYTES) {
      file.tooLong = true;
      text = "";
    }
    file.partial = text;
    if (final) {
      if (file.partial.trim() !== "" || file.tooLong) {
        file.lines++;
        const tooLong = file.tooLong || file.partial.length > MAX_LINE_BYTES;
        queue.push({ file, line: file.lines, text: tooLong ? null : file.partial });
      }
      file.partial = "";
      file.ended = true;
      queue.push({ file, end: true });
    }
  }

  /** Validates queued lines until a flush is due; returns whether lines remain queued. */
  function drain(): boolean {
    let taken = 0;
    while (taken < queue.length && pendingLines < options.flushLines) {
      const item = queue[taken++] as Item;
      const { file } = item;
      file.dirty = true;
      if ("end" in item) {
        file.status = "DONE";
        checkpoint = { entry: file.entry + 1, line: 0 };
        continue;
      }
      const { line } = item;
      checkpoint = { entry: file.entry, line };
      if (line <= file.resumeAfter) continue;
      if (item.text === null) {
        reject(file, line, {
          level: "ERROR",
          code: "LINE_TOO_LONG",
          message: `Lines may be at most ${MAX_LINE_BYTES} bytes.`,
        });
      } else if (item.text.trim() !== "") {
        handleLine(file, line, item.text);
      }
      pendingLines++;
    }
    queue.splice(0, taken);
    return queue.length > 0;
  }

  /** Drains the queue, flushing every `flushLines`; false when the budget ran out. */
  async function drainAll(): Promise<boolean> {
    for (;;) {
      const more = drain();
      if (pendingLines < options.flushLines && !more) return true;
      await flush();
      if (Date.now() - started > options.budgetMs) return false;
    }
  }

  function handleLine(file: FileState, line: number, text: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return reject(file, line, {
        level: "ERROR",
        code: "MALFORMED_JSON",
        message: "The line is not valid JSON.",
        value: text.slice(0, 200),
      });
    }
    const target = file.target;
    if (target.kind !== "dataset" && target.kind !== "entity") return;
    const shape: LineShape = target.kind === "dataset" ? target.dataset : ENTITY_DATASET;
    const result = validateLine(shape, parsed, batch?.sourceId ?? "");
    if (!result.ok) return reject(file, line, ...result.findings);
    const writeTarget: WriteTarget =
      target.kind === "dataset"
        ? { kind: "dataset", dataset: target.dataset }
        : { kind: "entity", entity: target.entity };
    const statement = upsertLine(d1, accountId, writeTarget, result.line);
    if (!("bind" in statement)) return reject(file, line, statement);
    statements.push(statement);
    file.loaded++;
    counts.loaded++;
    if (result.line.findings.length > 0) {
      file.warned++;
      counts.warned++;
      for (const f of result.line.findings) log(file, line, f, result.line.sourceId);
    }
  }

  function reject(file: FileState, line: number, ...findings: Finding[]) {
    file.rejected++;
    counts.rejected++;
    for (const f of findings) log(file, line, f);
  }

  async function flush() {
    for (const file of files) {
      if (!file.dirty) continue;
      file.dirty = false;
      statements.push(
        d1
          .prepare(
            `INSERT INTO ingest_batch_file (account_id, batch_id, entry, name, target, status, lines, loaded, rejected, warned)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id, batch_id, entry) DO UPDATE SET status = excluded.status, lines = excluded.lines,
               loaded = excluded.loaded, rejected = excluded.rejected, warned = excluded.warned`,
          )
          .bind(
            accountId,
            batchId,
            file.entry,
            file.name,
            file.target.kind === "dataset"
              ? file.target.dataset.name
              : file.target.kind === "entity"
                ? `entity:${file.target.entity}`
                : null,
            file.status,
            file.lines,
            file.loaded,
            file.rejected,
            file.warned,
          ),
      );
    }
    statements.push(
      d1
        .prepare(
          `UPDATE ingest_batch SET loaded = ?, rejected = ?, warned = ?, log_entries = ?, checkpoint_entry = ?,
             checkpoint_line = ?, bytes_read = MAX(bytes_read, ?), lease_until = ?, updated_at = unixepoch()
           WHERE account_id = ? AND id = ?`,
        )
        .bind(
          counts.loaded,
          counts.rejected,
          counts.warned,
          counts.logs,
          checkpoint.entry,
          checkpoint.line,
          bytesRead,
          nowSeconds() + LEASE_SECONDS,
          accountId,
          batchId,
        ),
    );
    const batchStatements = statements;
    statements = [];
    pendingLines = 0;
    await d1.batch(batchStatements);
    // Give the event loop a turn: where requests share the isolate (wrangler dev), a long batch
    // would otherwise keep them waiting until it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  async function finish(
    status: "COMPLETED" | "COMPLETED_WITH_ERRORS" | "FAILED",
    error?: { code: string; message: string },
  ) {
    await updateBatch(db, accountId, batchId, {
      status,
      finishedAt: nowSeconds(),
      leaseUntil: null,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
  }

  /** Out of time: release the lease so the continuation message can take over at once. */
  async function handOver(): Promise<PipelineResult> {
    await updateBatch(db, accountId, batchId, { leaseUntil: null });
    return "continue";
  }

  function push(chunk: Uint8Array, final: boolean) {
    try {
      unzip.push(chunk, final);
    } catch (e) {
      const message = (e as Error).message;
      failure ??=
        final || /unexpected EOF/i.test(message)
          ? new BatchFailure("TRUNCATED_ZIP", `The ZIP ends before its last file does (${message}).`)
          : new BatchFailure("INVALID_ZIP", `The ZIP could not be read: ${message}`);
    }
  }

  const reader = object.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) {
        // Deflate inflates at most ~1,032×, so 8 KiB pushes bound what one push can produce.
        for (let i = 0; i < value.length; i += PUSH_BYTES) {
          const piece = value.subarray(i, i + PUSH_BYTES);
          bytesRead += piece.length;
          push(piece, false);
          if (failure) throw failure;
          if (!(await drainAll())) {
            await reader.cancel();
            return handOver();
          }
        }
      }
      if (done) break;
    }
    push(new Uint8Array(0), true);
    if (failure) throw failure;
    if (!(await drainAll())) return handOver();
    await flush();
    if (entries === 0) throw new BatchFailure("EMPTY_ZIP", "The ZIP holds no files.");
    const unfinished = files.find((f) => f.status === "PROCESSING" && !f.ended);
    if (unfinished) throw new BatchFailure("TRUNCATED_ZIP", `The ZIP ends in the middle of ${unfinished.name}.`);
    const errors = counts.rejected > 0 || files.some((f) => f.status === "REJECTED");
    await finish(errors ? "COMPLETED_WITH_ERRORS" : "COMPLETED");
    await refreshStatistics(d1);
    return "done";
  } catch (e) {
    // Anything but a problem with the ZIP itself (D1 unavailable, …) is retried by the queue.
    if (!(e instanceof BatchFailure)) throw e;
    const failed = e;
    // Commit the good lines read before the failure, then record why the rest was not loaded.
    while (drain()) await flush();
    log(undefined, null, { level: "ERROR", code: failed.code, message: failed.message });
    await flush();
    await finish("FAILED", { code: failed.code, message: failed.message });
    return "done";
  }
}

/**
 * `PRAGMA optimize`: SQLite re-analyzes the tables a load changed enough for the query
 * planner to choose better (for example to start CSAT from the reviews of one question rather
 * than from every engagement of the date range). Statistics only steer plans, so a failure
 * here never fails the batch.
 */
export async function refreshStatistics(d1: D1Database): Promise<void> {
  try {
    await d1.prepare("PRAGMA optimize").run();
  } catch (error) {
    console.warn("PRAGMA optimize failed", error);
  }
}
