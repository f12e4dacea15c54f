import { createRoute, z } from "@hono/zod-openapi";
import { page } from "../../schemas/common";
import {
  EngagementDetail,
  EngagementIdParam,
  EngagementListRequest,
  type EngagementQuery,
  EngagementRow,
  SELECTION_ROWS,
  Selection,
  SelectionInput,
} from "../../schemas/engagements";
import { requireUser } from "../accounts/auth";
import { type Db, dbFor, rawDbFor } from "../db/client";
import { badRequest, forbidden, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { maskContact } from "../lib/mask";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { dataset } from "../model/catalog";
import { deleteSelection, getSelection, insertSelection, listSelections, type SelectionRow } from "./dashboard-queries";
import { resolveDashboard } from "./dashboard-routes";
import type { ContextFilter } from "./metric-context";
import { resolveVisualization } from "./visualization-routes";
import {
  conversationEngagements,
  dashboardContext,
  engagementById,
  engagementFilters,
  engagementRow,
  listEngagements,
  loadLibrary,
  type MetricInfo,
  type MetricLibrary,
  selectionEngagements,
  specFilter,
  storeSelection,
} from "./visualize";

const tags = ["Analytics"];
const readers = requireUser();

/** An engagement query's filters (clicked group > dashboard > visualization) and metric. */
async function resolveQuery(
  db: Db,
  accountId: string,
  query: EngagementQuery,
): Promise<{ library: MetricLibrary; filters: ContextFilter[]; metric: MetricInfo | undefined }> {
  if (Object.keys(query.values).length > 0 && !query.dashboardId) {
    throw badRequest("UNKNOWN_FILTER", "Filter values by key need the dashboardId they belong to.");
  }
  const dashboard = query.dashboardId ? await resolveDashboard(db, accountId, query.dashboardId) : undefined;
  const outer = dashboard ? dashboardContext(dashboard.filters, query.values, nowSeconds()) : [];
  const visualization = query.visualizationId
    ? await resolveVisualization(db, accountId, query.visualizationId)
    : undefined;
  const library = await loadLibrary(db, accountId);
  const metric = query.metricId ? library.require(query.metricId) : undefined;
  const filters = engagementFilters(
    query.groups,
    [...outer, ...query.filters.map(specFilter)],
    visualization?.spec.filters.map(specFilter) ?? [],
  );
  return { library, filters, metric };
}

function selectionView(row: SelectionRow): Selection {
  return {
    id: row.id,
    name: row.name,
    query: JSON.parse(row.query) as EngagementQuery,
    engagements: row.engagements,
    truncated: row.truncated,
    createdBy: row.createdBy,
    createdAt: isoFromSeconds(row.createdAt),
  };
}

const cursorPair = (cursor: string | undefined): [number, string] | undefined => {
  if (!cursor) return undefined;
  const [at, pid] = decodeKeyCursor(cursor);
  const n = Number(at);
  if (!Number.isInteger(n)) throw badRequest("INVALID_CURSOR", "The cursor is not one this list gave.");
  return [n, pid];
};

const FACT_LABELS = dataset("engagement").fields.filter((f) => f.kind === "fact");

/** The engagements behind numbers, one engagement's detail. */
export const engagementRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/query",
      tags,
      summary: "The engagements behind a number, newest first",
      description:
        "Drill-down: the clicked group's values over the dashboard's filters over the visualization's; with `metricId`, " +
        "only engagements where the metric has a value of its own (`Abandoned Engagements` lists the abandoned ones). " +
        "Errors (400): `UNKNOWN_FILTER`, `FILTER_LOCKED`, `INVALID_GROUP`, `UNKNOWN_METRIC`, `NOT_ENGAGEMENT_METRIC`, " +
        "the metric language's codes.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { body: body(EngagementListRequest) },
      responses: { 200: json(page(EngagementRow), "A page of engagements"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const request = c.req.valid("json");
      const { library, filters, metric } = await resolveQuery(dbFor(c.env, accountId), accountId, request);
      const { rows, next } = await listEngagements(rawDbFor(c.env, accountId), accountId, library, filters, metric, {
        limit: request.limit,
        after: cursorPair(request.cursor),
      });
      return c.json({ items: rows, nextCursor: next ? encodeKeyCursor(String(next[0]), next[1]) : null }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One engagement: its attributes, facts, customer and the rest of its conversation",
      description:
        "The customer's contacts are always masked; a user with `pii.reveal` reveals one at a time (and it is recorded) with POST /customers/{id}/reveal.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: EngagementIdParam },
      responses: { 200: json(EngagementDetail, "The engagement"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const raw = rawDbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const row = await engagementById(raw, accountId, id);
      if (!row) throw notFound("Engagement");
      const [contacts, counts, conversation] = await Promise.all([
        row.customer_pid
          ? raw
              .prepare(
                "SELECT contact FROM customer_contact INDEXED BY customer_contact_customer WHERE account_id = ?1 AND customer_pid = ?2 ORDER BY contact LIMIT 20",
              )
              .bind(accountId, row.customer_pid)
              .all<{ contact: string }>()
          : undefined,
        raw
          .prepare(
            "SELECT (SELECT COUNT(*) FROM turn WHERE account_id = ?1 AND engagement_pid = ?2) AS turns, (SELECT COUNT(*) FROM review WHERE account_id = ?1 AND engagement_pid = ?2) AS reviews",
          )
          .bind(accountId, id)
          .first<{ turns: number; reviews: number }>(),
        row.conversation_pid ? conversationEngagements(raw, accountId, row.conversation_pid) : [],
      ]);
      const text = (key: string) => {
        const v = row[key];
        return typeof v === "string" ? v : null;
      };
      const detail: EngagementDetail = {
        ...engagementRow(row),
        source: text("source_name"),
        link: text("link"),
        serviceLevel: text("service_level"),
        resolution: text("resolution"),
        terminatedBy: text("terminated_by"),
        reason: text("reason"),
        topic: text("topic"),
        language: text("language"),
        department: row.department_pid ? { id: String(row.department_pid), name: text("department_name") } : null,
        customer: row.customer_pid
          ? {
              id: row.customer_pid,
              contacts: (contacts?.results ?? []).map((r) => maskContact(r.contact)),
              masked: true,
            }
          : null,
        facts: Object.fromEntries(
          FACT_LABELS.map((f) => {
            const v = row[f.column];
            return [f.label, typeof v === "number" ? v : null];
          }),
        ),
        conversation,
        turns: counts?.turns ?? 0,
        reviews: counts?.reviews ?? 0,
      };
      return c.json(detail, 200);
    },
  );

/** Saved lists of engagements ("Save engagements as selection"), shared in the account. */
export const selectionRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Save the engagements a query matches now as a selection",
      description: `Keeps the engagements as they match at this moment, newest first, at most ${SELECTION_ROWS}. Errors as for the engagement query.`,
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { body: body(SelectionInput) },
      responses: { 201: json(Selection, "Saved"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const { library, filters, metric } = await resolveQuery(db, accountId, input.query);
      const id = newPid();
      const matched = await storeSelection(
        rawDbFor(c.env, accountId),
        accountId,
        id,
        library,
        filters,
        metric,
        SELECTION_ROWS,
      );
      const row = await insertSelection(db, accountId, {
        id,
        name: input.name,
        query: JSON.stringify(input.query),
        engagements: Math.min(matched, SELECTION_ROWS),
        truncated: matched > SELECTION_ROWS,
        createdBy: user.userId,
      });
      return c.json(selectionView(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "The account's selections, newest first",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
      },
      responses: { 200: json(page(Selection), "A page of selections"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { limit, cursor } = c.req.valid("query");
      const rows = await listSelections(dbFor(c.env, accountId), accountId, {
        limit: limit + 1,
        after: cursorPair(cursor),
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return c.json(
        {
          items: items.map(selectionView),
          nextCursor: rows.length > limit && last ? encodeKeyCursor(String(last.createdAt), last.id) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One selection",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: EngagementIdParam },
      responses: { 200: json(Selection, "The selection"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const row = await getSelection(dbFor(c.env, accountId), accountId, c.req.valid("param").id);
      if (!row) throw notFound("Selection");
      return c.json(selectionView(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/engagements",
      tags,
      summary: "A selection's engagements in their saved order",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: {
        params: EngagementIdParam,
        query: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z
            .string()
            .regex(/^\d{1,6}$/)
            .optional(),
        }),
      },
      responses: { 200: json(page(EngagementRow), "A page of engagements"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { id } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      if (!(await getSelection(dbFor(c.env, accountId), accountId, id))) throw notFound("Selection");
      const { rows, next } = await selectionEngagements(rawDbFor(c.env, accountId), accountId, id, {
        limit,
        after: cursor ? Number(cursor) : undefined,
      });
      return c.json({ items: rows, nextCursor: next === null ? null : String(next) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a selection (its creator, or a user who may edit dashboards)",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: EngagementIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const { id } = c.req.valid("param");
      const row = await getSelection(dbFor(c.env, accountId), accountId, id);
      if (!row) throw notFound("Selection");
      if (row.createdBy !== user.userId && !user.permissions.has("dashboards.edit")) {
        throw forbidden("FORBIDDEN", "Only its creator or a user who may edit dashboards can delete a selection.");
      }
      await deleteSelection(rawDbFor(c.env, accountId), accountId, id);
      return c.body(null, 204);
    },
  );
