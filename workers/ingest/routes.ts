import { createRoute, z } from "@hono/zod-openapi";
import { IdParam, page } from "../../schemas/common";
import {
  Batch,
  BatchListQuery,
  TechnicalLogEntry,
  TechnicalLogQuery,
  UploadAccepted,
  UploadUrl,
  UploadUrlBody,
} from "../../schemas/ingest";
import { ingestFileSchemas } from "../../schemas/ingest-lines";
import { requireApiKey, requireApiKeyOrUser } from "../accounts/auth";
import { getSource } from "../accounts/queries";
import { dbFor } from "../db/client";
import { notFound } from "../lib/errors";
import { BEARER_AUTH, body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { toPage } from "../lib/paging";
import { router } from "../lib/router";
import { parseIsoSeconds } from "./format";
import { batchFiles, getBatch, listBatches, listTechnicalLog, toBatch, toLogEntry } from "./queries";
import { createUpload, receiveUpload } from "./upload";

const tags = ["Ingest API"];
const EITHER = [...BEARER_AUTH, ...COOKIE_AUTH];

/** The Ingest API: upload links, uploads, batch status and the file format. */
export const ingestRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/upload-url",
      tags,
      summary: "Get a signed, single-use link to PUT one ZIP batch to",
      security: BEARER_AUTH,
      middleware: [requireApiKey("ingest")] as const,
      request: { body: body(UploadUrlBody) },
      responses: { 200: json(UploadUrl, "The upload link"), ...errors(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { ingestionSourceId } = c.req.valid("json");
      const source = await getSource(dbFor(c.env, accountId), accountId, ingestionSourceId);
      if (!source) throw notFound("Ingestion source");
      return c.json(await createUpload(c.env, accountId, source.id, new URL(c.req.url).origin), 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/uploads/{accountId}/{batchId}",
      tags,
      summary: "Upload the ZIP (the link from upload-url; no other authentication)",
      description:
        "Streams the body into storage without buffering it. Needs Content-Length; at most 1 GB. " +
        "The link works once and expires. Processing starts as soon as the upload ends.",
      request: {
        params: z.object({ accountId: z.uuid(), batchId: z.uuid() }),
        query: z.object({ expires: z.string(), signature: z.string() }),
        body: { content: { "application/zip": { schema: z.string().openapi({ format: "binary" }) } } },
      },
      responses: {
        202: json(UploadAccepted, "Stored and queued for processing"),
        ...errors(400, 403, 404, 409, 429),
        411: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "Content-Length missing"),
        413: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), "Larger than 1 GB"),
      },
    }),
    async (c) => {
      const { accountId, batchId } = c.req.valid("param");
      const { expires, signature } = c.req.valid("query");
      const accepted = await receiveUpload(c.env, c.executionCtx, {
        accountId,
        batchId,
        expires,
        signature,
        contentLength: c.req.header("content-length"),
        body: c.req.raw.body,
      });
      return c.json(accepted, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/batches",
      tags,
      summary: "The account's batches, newest first",
      security: EITHER,
      middleware: [requireApiKeyOrUser("ingest")] as const,
      request: { query: BatchListQuery },
      responses: { 200: json(page(Batch), "A page of batches"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor, ingestionSourceId, status } = c.req.valid("query");
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const rows = await listBatches(db, accountId, { sourceId: ingestionSourceId, status }, limit, cursor);
      const files = await batchFiles(
        db,
        accountId,
        rows.slice(0, limit).map((r) => r.id),
      );
      return c.json(
        toPage(rows, limit, (r) =>
          toBatch(
            r,
            files.filter((f) => f.batchId === r.id),
          ),
        ),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/batches/{id}",
      tags,
      summary: "One batch: status, progress and per-file counts",
      security: EITHER,
      middleware: [requireApiKeyOrUser("ingest")] as const,
      request: { params: IdParam },
      responses: { 200: json(Batch, "The batch"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const row = await getBatch(db, accountId, id);
      if (!row) throw notFound("Batch");
      return c.json(toBatch(row, await batchFiles(db, accountId, [id])), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/schema",
      tags,
      summary: "JSON Schema of the lines of every file the Ingest API reads",
      responses: { 200: json(z.record(z.string(), z.unknown()), "File name → JSON Schema") },
    }),
    (c) => c.json(ingestFileSchemas(), 200),
  );

/** The Technical Log: every ingest and connector warning and error. */
export const technicalLogRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Technical Log entries, newest first, filtered by batch, source, level and time",
    security: EITHER,
    middleware: [requireApiKeyOrUser("ingest", "technicalLog.view")] as const,
    request: { query: TechnicalLogQuery },
    responses: { 200: json(page(TechnicalLogEntry), "A page of entries"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const { limit, cursor, batchId, sourceId, file, level, from, to } = c.req.valid("query");
    const accountId = c.var.accountId;
    const rows = await listTechnicalLog(
      dbFor(c.env, accountId),
      accountId,
      {
        batchId,
        sourceId,
        file,
        level,
        from: from === undefined ? undefined : parseIsoSeconds(from),
        to: to === undefined ? undefined : parseIsoSeconds(to),
      },
      limit,
      cursor,
    );
    return c.json(
      toPage(
        rows.map((r) => ({ ...r, createdAt: r.time })),
        limit,
        toLogEntry,
      ),
      200,
    );
  },
);
