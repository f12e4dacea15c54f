import { createRoute, z } from "@hono/zod-openapi";
import { page } from "../../schemas/common";
import {
  EXPORT_FILE_NAMES,
  type ExportDataset,
  ExportDownloadParams,
  ExportDownloadQuery,
  ExportIdParam,
  ExportJob,
  ExportJobListQuery,
  ExportQuery,
  ExportStarted,
  ExportStatus,
} from "../../schemas/export";
import type { JobMessage } from "../../schemas/jobs";
import { requireApiKeyOrUser } from "../accounts/auth";
import { getApiKey } from "../accounts/queries";
import { dbFor } from "../db/client";
import type { Bindings } from "../env";
import { badRequest, notFound, tooManyRequests } from "../lib/errors";
import { newPid } from "../lib/ids";
import { maskContact } from "../lib/mask";
import { BEARER_AUTH, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { toPage } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { EXPORT_LIMITS } from "./limits";
import { downloadUrl, exportObjectKey, verifyDownload } from "./links";
import {
  type ExportJobRow,
  exportUsage,
  getExportJob,
  insertExportJob,
  listExportJobs,
  resolveContact,
} from "./queries";
import { parseExportRequest } from "./request";

const tags = ["Export API"];
const EITHER = [...BEARER_AUTH, ...COOKIE_AUTH];
const byKeyOrUser = requireApiKeyOrUser("export", "export.run");

/** Seed 004's status object; links are minted per call, each valid one hour from now. */
async function toStatus(env: Bindings, origin: string, row: ExportJobRow): Promise<ExportStatus> {
  const downloadUrls: Partial<Record<ExportDataset, string>> = {};
  if (row.status === "COMPLETED") {
    for (const dataset of row.include as ExportDataset[]) {
      downloadUrls[dataset] = await downloadUrl(env, origin, row.accountId, row.id, dataset);
    }
  }
  return {
    exportId: row.id,
    status: row.status as ExportStatus["status"],
    downloadUrls,
    error: row.status === "FAILED" ? (row.errorMessage ?? "The export failed.") : null,
  };
}

async function toJob(env: Bindings, origin: string, row: ExportJobRow): Promise<ExportJob> {
  const include = row.include as ExportDataset[];
  const files = [];
  for (const dataset of include) {
    const done = row.files[dataset];
    files.push({
      dataset,
      fileName: EXPORT_FILE_NAMES[dataset],
      rows: done?.rows ?? null,
      bytes: done?.bytes ?? null,
      downloadUrl:
        row.status === "COMPLETED" && done ? await downloadUrl(env, origin, row.accountId, row.id, dataset) : null,
    });
  }
  const total = row.rowsTotal;
  const progress =
    row.status === "COMPLETED" ? 1 : total ? Math.min(0.99, row.rowsWritten / total) : total === 0 ? 0.99 : 0;
  return {
    exportId: row.id,
    status: row.status as ExportJob["status"],
    from: new Date(row.fromMs).toISOString(),
    to: new Date(row.toMs).toISOString(),
    include,
    contact: row.contact ? maskContact(row.contact) : null,
    progress,
    rowsWritten: row.rowsWritten,
    rowsTotal: total,
    files,
    error: row.status === "FAILED" ? { code: row.errorCode ?? "EXPORT_FAILED", message: row.errorMessage ?? "" } : null,
    requestedBy: row.requestedBy,
    createdAt: isoFromSeconds(row.createdAt),
    startedAt: row.startedAt === null ? null : isoFromSeconds(row.startedAt),
    finishedAt: row.finishedAt === null ? null : isoFromSeconds(row.finishedAt),
  };
}

/** The Export API of seed 004 (start, status, history) and the signed file downloads. */
export const exportRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Start an export of one range of at most 24 hours",
      description:
        "Builds one CSV per included data set in the background. Poll the status URL until COMPLETED, " +
        "then download each file within the hour its link is valid. " +
        "Errors (400): INVALID_DATE (from or to missing or not ISO 8601 with a zone), INVALID_DATE_RANGE, " +
        "INVALID_INCLUDE, EMPTY_INCLUDE, CONTACT_NOT_FOUND, NO_CUSTOMERS_FOR_CONTACT. " +
        `429 with Retry-After beyond ${EXPORT_LIMITS.startsPerWindow} exports an hour or ${EXPORT_LIMITS.running} running at once.`,
      security: EITHER,
      middleware: [byKeyOrUser] as const,
      request: { query: ExportQuery },
      responses: { 200: json(ExportStarted, "The export started"), ...errors(400, 401, 403, 429) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const query = c.req.valid("query");
      const { fromMs, toMs, include } = parseExportRequest(query);
      let customerPids: string[] | null = null;
      const contact = query.contact?.trim();
      if (query.contact !== undefined) {
        if (!contact) throw badRequest("CONTACT_NOT_FOUND", "contact is empty.");
        const resolved = await resolveContact(db, accountId, contact);
        if (!resolved.contactFound) {
          throw badRequest("CONTACT_NOT_FOUND", "No customer profile has this e-mail address or phone number.");
        }
        if (resolved.customerPids.length === 0) {
          throw badRequest("NO_CUSTOMERS_FOR_CONTACT", "The contact is known but has no customer records.");
        }
        customerPids = resolved.customerPids;
      }

      const now = nowSeconds();
      const usage = await exportUsage(db, accountId, now - EXPORT_LIMITS.windowSeconds);
      if (usage.started >= EXPORT_LIMITS.startsPerWindow) {
        throw tooManyRequests(
          "TOO_MANY_EXPORTS",
          `At most ${EXPORT_LIMITS.startsPerWindow} exports per hour.`,
          Math.max(1, (usage.oldest ?? now) + EXPORT_LIMITS.windowSeconds - now),
        );
      }
      if (usage.running >= EXPORT_LIMITS.running) {
        throw tooManyRequests(
          "TOO_MANY_RUNNING_EXPORTS",
          `At most ${EXPORT_LIMITS.running} exports may run at once; wait for one to finish.`,
          30,
        );
      }

      const key = c.var.apiKey;
      const requestedBy = key
        ? `API key ${(await getApiKey(db, accountId, key.keyId))?.name ?? ""}`.trim()
        : (c.var.user?.email ?? null);
      const exportId = newPid();
      await insertExportJob(db, accountId, {
        id: exportId,
        fromMs,
        toMs,
        include,
        contact: contact ?? null,
        customerPids,
        requestedBy,
      });
      await c.env.JOBS.send({ kind: "export", accountId, exportId } satisfies JobMessage);
      return c.json({ exportId, statusUrl: `api/v1/export/${exportId}/status` }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/history",
      tags,
      summary: "The account's most recent exports (up to 100), newest first",
      security: EITHER,
      middleware: [byKeyOrUser] as const,
      responses: { 200: json(z.array(ExportStatus), "Status objects"), ...errors(401, 403) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const rows = (await listExportJobs(dbFor(c.env, accountId), accountId, EXPORT_LIMITS.history)).slice(
        0,
        EXPORT_LIMITS.history,
      );
      const origin = new URL(c.req.url).origin;
      return c.json(await Promise.all(rows.map((row) => toStatus(c.env, origin, row))), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{exportId}/status",
      tags,
      summary: "An export's status, with download links (valid one hour) once COMPLETED",
      security: EITHER,
      middleware: [byKeyOrUser] as const,
      request: { params: ExportIdParam },
      responses: { 200: json(ExportStatus, "The status"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const row = await getExportJob(dbFor(c.env, accountId), accountId, c.req.valid("param").exportId);
      if (!row) throw notFound("Export");
      return c.json(await toStatus(c.env, new URL(c.req.url).origin, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/files/{accountId}/{exportId}/{file}",
      tags,
      summary: "Download one file (the signed link from downloadUrls; no other authentication)",
      description: "Valid for one hour. Supports `Range`. A tampered or expired link gets 403.",
      request: { params: ExportDownloadParams, query: ExportDownloadQuery },
      responses: {
        200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } },
        206: { description: "The requested range of the file", content: { "text/csv": { schema: z.string() } } },
        ...errors(403, 404),
      },
    }),
    async (c) => {
      const params = c.req.valid("param");
      const dataset = await verifyDownload(c.env, { ...params, ...c.req.valid("query") });
      const key = exportObjectKey(params.accountId, params.exportId, dataset);
      const range = c.req.header("range");
      const object = await c.env.FILES.get(key, range ? { range: c.req.raw.headers } : undefined);
      if (!object) throw notFound("File");
      const headers = new Headers();
      object.writeHttpMetadata(headers);
      headers.set("etag", object.httpEtag);
      headers.set("cache-control", "private, no-store");
      headers.set("accept-ranges", "bytes");
      if (range && object.range && "offset" in object.range) {
        const offset = object.range.offset ?? 0;
        const length = object.range.length ?? object.size - offset;
        headers.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
        headers.set("content-length", String(length));
        return new Response(object.body, { status: 206, headers });
      }
      headers.set("content-length", String(object.size));
      return new Response(object.body, { status: 200, headers });
    },
  );

/** Brine's fuller view of export jobs, for the app: a paged list and one job with progress and files. */
export const exportJobRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Export jobs with progress and files, newest first (Brine's addition to seed 004)",
      security: EITHER,
      middleware: [byKeyOrUser] as const,
      request: { query: ExportJobListQuery },
      responses: { 200: json(page(ExportJob), "A page of export jobs"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { limit, cursor } = c.req.valid("query");
      const rows = await listExportJobs(dbFor(c.env, accountId), accountId, limit, cursor);
      const origin = new URL(c.req.url).origin;
      const result = toPage(rows, limit, (row) => row);
      return c.json({ ...result, items: await Promise.all(result.items.map((r) => toJob(c.env, origin, r))) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{exportId}",
      tags,
      summary: "One export job: range, data sets, progress, per-file rows and links",
      security: EITHER,
      middleware: [byKeyOrUser] as const,
      request: { params: ExportIdParam },
      responses: { 200: json(ExportJob, "The export job"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const row = await getExportJob(dbFor(c.env, accountId), accountId, c.req.valid("param").exportId);
      if (!row) throw notFound("Export");
      return c.json(await toJob(c.env, new URL(c.req.url).origin, row), 200);
    },
  );
