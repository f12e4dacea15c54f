import { z } from "@hono/zod-openapi";
import { IsoTime, PageQuery } from "./common";

export const UploadUrlBody = z
  .object({ ingestionSourceId: z.uuid().openapi({ description: "The source the batch's records come from." }) })
  .openapi("UploadUrlBody");

export const UploadUrl = z
  .object({
    uploadUrl: z.url().openapi({ description: "PUT the ZIP here. Signed, single use, expires at `expiresAt`." }),
    batchId: z.uuid(),
    expiresAt: IsoTime,
  })
  .openapi("UploadUrl");
export type UploadUrl = z.infer<typeof UploadUrl>;

export const BATCH_STATUSES = [
  "UPLOADING",
  "QUEUED",
  "PROCESSING",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "FAILED",
] as const;
export const BatchStatus = z.enum(BATCH_STATUSES).openapi("BatchStatus");
export type BatchStatus = z.infer<typeof BatchStatus>;

export const BatchFile = z
  .object({
    name: z.string(),
    target: z.string().nullable().openapi({ description: "Data set or entity the file loads, or null when skipped." }),
    status: z.enum(["PROCESSING", "DONE", "SKIPPED", "REJECTED"]),
    lines: z.number().int(),
    loaded: z.number().int(),
    rejected: z.number().int(),
    warned: z.number().int(),
  })
  .openapi("BatchFile");
export type BatchFile = z.infer<typeof BatchFile>;

export const Batch = z
  .object({
    batchId: z.uuid(),
    ingestionSourceId: z.uuid(),
    status: BatchStatus,
    progress: z.number().min(0).max(1).openapi({ description: "Share of the uploaded bytes processed, 0 to 1." }),
    bytes: z.number().int().nullable(),
    loaded: z.number().int(),
    rejected: z.number().int(),
    warned: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: IsoTime,
    uploadedAt: IsoTime.nullable(),
    startedAt: IsoTime.nullable(),
    finishedAt: IsoTime.nullable(),
    files: z.array(BatchFile),
  })
  .openapi("Batch");
export type Batch = z.infer<typeof Batch>;

export const BatchListQuery = PageQuery.extend({
  ingestionSourceId: z.uuid().optional(),
  status: BatchStatus.optional(),
});

export const UploadAccepted = z
  .object({ batchId: z.uuid(), status: BatchStatus, bytes: z.number().int() })
  .openapi("UploadAccepted");

export const LOG_LEVELS = ["INFO", "WARNING", "ERROR"] as const;
export const TechnicalLogEntry = z
  .object({
    id: z.uuid(),
    time: IsoTime,
    level: z.enum(LOG_LEVELS),
    code: z.string(),
    message: z.string(),
    sourceId: z.uuid().nullable(),
    batchId: z.uuid().nullable(),
    file: z.string().nullable(),
    line: z.number().int().nullable(),
    property: z.string().nullable(),
    value: z.string().nullable(),
  })
  .openapi("TechnicalLogEntry");
export type TechnicalLogEntry = z.infer<typeof TechnicalLogEntry>;

export const TechnicalLogQuery = PageQuery.extend({
  batchId: z.uuid().optional(),
  sourceId: z.uuid().optional(),
  level: z.enum(LOG_LEVELS).optional(),
  file: z.string().max(255).optional().openapi({ description: "A file name inside the batch, like engagement.jsonl." }),
  from: IsoTime.optional(),
  to: IsoTime.optional(),
});
