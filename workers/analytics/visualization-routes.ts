import { createRoute } from "@hono/zod-openapi";
import { page } from "../../schemas/common";
import {
  Visualization,
  VisualizationData,
  VisualizationDataRequest,
  VisualizationIdParam,
  VisualizationInput,
  VisualizationListQuery,
  VisualizationPatch,
  type VisualizationSpec,
} from "../../schemas/visualizations";
import { requireUser } from "../accounts/auth";
import { dbFor, rawDbFor } from "../db/client";
import { ApiError, badRequest, conflict, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, mergeKeyPage } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { BUILTIN_VISUALIZATION_BY_ID, BUILTIN_VISUALIZATIONS, type BuiltinVisualization } from "./builtin-dashboards";
import {
  dashboardsUsing,
  deleteVisualization,
  favoriteIds,
  getVisualization,
  insertVisualization,
  listVisualizations,
  setFavorite,
  updateVisualization,
  type VisualizationRow,
} from "./dashboard-queries";
import { resolveDashboard } from "./dashboard-routes";
import { checkFilterValues } from "./filter-values";
import { normalizeName } from "./metric-catalog";
import { checkSpec, dashboardContext, loadLibrary, renderVisualization, specFilter } from "./visualize";

const tags = ["Analytics"];
const readers = requireUser();
const editors = requireUser("visualizations.edit");

function builtinView(v: BuiltinVisualization, favorite: boolean): Visualization {
  return { ...v, builtIn: true, favorite, createdBy: null, createdAt: null, updatedAt: null };
}

function customView(row: VisualizationRow, favorite: boolean): Visualization {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    spec: JSON.parse(row.spec) as VisualizationSpec,
    builtIn: false,
    favorite,
    createdBy: row.createdBy,
    createdAt: isoFromSeconds(row.createdAt),
    updatedAt: isoFromSeconds(row.updatedAt),
  };
}

const readOnly = (v: BuiltinVisualization) =>
  new ApiError(403, "BUILT_IN_READ_ONLY", `"${v.name}" is a built-in visualization; save it as new to change it.`);

/** A spec's metrics, attributes and filter values must all make sense before it is saved. */
async function validateSpec(
  raw: D1Database,
  accountId: string,
  spec: VisualizationSpec,
  library: Awaited<ReturnType<typeof loadLibrary>>,
) {
  checkSpec(spec, library, accountId);
  await checkFilterValues(raw, accountId, spec.filters.map(specFilter), "The visualization");
}

/** The account's visualization `id` (built-in or custom), or 404. */
export async function resolveVisualization(
  db: ReturnType<typeof dbFor>,
  accountId: string,
  id: string,
): Promise<{ name: string; spec: VisualizationSpec; builtIn: boolean }> {
  const builtIn = BUILTIN_VISUALIZATION_BY_ID.get(id);
  if (builtIn) return { name: builtIn.name, spec: builtIn.spec, builtIn: true };
  const row = await getVisualization(db, accountId, id);
  if (!row) throw notFound("Visualization");
  return { name: row.name, spec: JSON.parse(row.spec) as VisualizationSpec, builtIn: false };
}

/** Visualizations: built-in and the account's own, favorites per user, and their data. */
export const visualizationRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Visualizations by name: built-in, shared in the account, or the user's favorites",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { query: VisualizationListQuery },
      responses: { 200: json(page(Visualization), "A page of visualizations"), ...errors(400, 401) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { limit, cursor, q, section } = c.req.valid("query");
      const after = cursor ? decodeKeyCursor(cursor) : undefined;
      const needle = q ? normalizeName(q) : undefined;
      const favorites = await favoriteIds(db, accountId, user.userId);
      const custom =
        section === "builtIn"
          ? []
          : await listVisualizations(db, accountId, {
              limit: limit + 1,
              after,
              q: needle,
              ids: section === "favorites" ? [...favorites] : undefined,
            });
      const builtIns =
        section === "shared"
          ? []
          : BUILTIN_VISUALIZATIONS.filter((v) => section !== "favorites" || favorites.has(v.id));
      const entries = [
        ...builtIns.map((v) => ({ key: normalizeName(v.name), id: v.id, view: builtinView(v, favorites.has(v.id)) })),
        ...custom.map((row) => ({ key: row.nameKey, id: row.id, view: customView(row, favorites.has(row.id)) })),
      ];
      return c.json(mergeKeyPage(entries, { limit, after, needle }), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a visualization, shared with everyone in the account",
      description:
        "Its metrics, attributes and filter values are checked first; nothing is saved when they fail. Errors (400): " +
        "the metric language's codes for attributes, `UNKNOWN_METRIC`, `VALUE_NOT_FOUND` (a filter value the account has no data for).",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { body: body(VisualizationInput) },
      responses: { 201: json(Visualization, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const library = await loadLibrary(db, accountId);
      await validateSpec(rawDbFor(c.env, accountId), accountId, input.spec, library);
      const row = await insertVisualization(db, accountId, {
        id: newPid(),
        name: input.name,
        nameKey: normalizeName(input.name),
        description: input.description,
        spec: JSON.stringify(input.spec),
        createdBy: user.userId,
      });
      return c.json(customView(row, false), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/data",
      tags,
      summary: "The numbers of a saved or unsaved visualization, optionally on a dashboard",
      description:
        "Filter precedence: the dashboard's filters (the user's `values`, plus its hidden and locked filters) over " +
        "the visualization's over each metric's own (docs/metrics.md). Errors (400): `UNKNOWN_FILTER`, `FILTER_LOCKED`, " +
        "`ENGAGEMENT_LIST` (use POST /api/v1/engagements/query), `UNKNOWN_METRIC`, and the metric language's codes.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { body: body(VisualizationDataRequest) },
      responses: { 200: json(VisualizationData, "Columns and rows"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const request = c.req.valid("json");
      const spec = request.spec ?? (await resolveVisualization(db, accountId, request.visualizationId ?? "")).spec;
      if (Object.keys(request.values).length > 0 && !request.dashboardId) {
        throw badRequest("UNKNOWN_FILTER", "Filter values by key need the dashboardId they belong to.");
      }
      const dashboard = request.dashboardId ? await resolveDashboard(db, accountId, request.dashboardId) : undefined;
      const outer = [
        ...(dashboard ? dashboardContext(dashboard.filters, request.values, nowSeconds()) : []),
        ...request.filters.map(specFilter),
      ];
      const library = await loadLibrary(db, accountId);
      return c.json(await renderVisualization(rawDbFor(c.env, accountId), accountId, library, spec, outer), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One visualization, built-in or custom",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: VisualizationIdParam },
      responses: { 200: json(Visualization, "The visualization"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const favorites = await favoriteIds(db, accountId, user.userId);
      const builtIn = BUILTIN_VISUALIZATION_BY_ID.get(id);
      if (builtIn) return c.json(builtinView(builtIn, favorites.has(id)), 200);
      const row = await getVisualization(db, accountId, id);
      if (!row) throw notFound("Visualization");
      return c.json(customView(row, favorites.has(id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Change a custom visualization (built-ins are read-only: save them as new)",
      description: "Validated as on create. 403 `BUILT_IN_READ_ONLY` for a built-in.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: VisualizationIdParam, body: body(VisualizationPatch) },
      responses: { 200: json(Visualization, "Updated"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const builtIn = BUILTIN_VISUALIZATION_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      if (!(await getVisualization(db, accountId, id))) throw notFound("Visualization");
      if (patch.spec) {
        await validateSpec(rawDbFor(c.env, accountId), accountId, patch.spec, await loadLibrary(db, accountId));
      }
      const row = await updateVisualization(db, accountId, id, {
        name: patch.name,
        nameKey: patch.name === undefined ? undefined : normalizeName(patch.name),
        description: patch.description,
        spec: patch.spec === undefined ? undefined : JSON.stringify(patch.spec),
      });
      if (!row) throw notFound("Visualization");
      const favorites = await favoriteIds(db, accountId, user.userId);
      return c.json(customView(row, favorites.has(id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a custom visualization no dashboard shows",
      description: "403 `BUILT_IN_READ_ONLY` for a built-in; 409 `VISUALIZATION_IN_USE` when a dashboard shows it.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: VisualizationIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const builtIn = BUILTIN_VISUALIZATION_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      if (!(await getVisualization(db, accountId, id))) throw notFound("Visualization");
      const using = await dashboardsUsing(db, accountId, id);
      if (using.length > 0) {
        throw conflict(
          "VISUALIZATION_IN_USE",
          `The dashboard "${using[0]?.name}" shows this visualization; remove it there first.`,
        );
      }
      if (!(await deleteVisualization(db, accountId, id))) throw notFound("Visualization");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/favorite",
      tags,
      summary: "Mark a visualization as the user's favorite (idempotent)",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: VisualizationIdParam },
      responses: { 204: { description: "Marked" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      await resolveVisualization(db, accountId, id);
      await setFavorite(db, accountId, user.userId, id, true);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/favorite",
      tags,
      summary: "Unmark a favorite (idempotent)",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: VisualizationIdParam },
      responses: { 204: { description: "Unmarked" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      await resolveVisualization(db, accountId, id);
      await setFavorite(db, accountId, user.userId, id, false);
      return c.body(null, 204);
    },
  );
