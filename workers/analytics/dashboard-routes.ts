import { createRoute, z } from "@hono/zod-openapi";
import { page } from "../../schemas/common";
import {
  Dashboard,
  DashboardIdParam,
  DashboardInput,
  type DashboardLayout,
  DashboardListQuery,
  DashboardPatch,
  DashboardView,
  DashboardViewInput,
  DashboardViewParams,
  DashboardViewPatch,
  type FilterValues,
} from "../../schemas/dashboards";
import { requireUser } from "../accounts/auth";
import { type Db, dbFor, rawDbFor } from "../db/client";
import { ApiError, badRequest, conflict, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import {
  BUILTIN_DASHBOARD_BY_ID,
  BUILTIN_DASHBOARDS,
  BUILTIN_VISUALIZATION_BY_ID,
  type BuiltinDashboard,
} from "./builtin-dashboards";
import {
  type DashboardRow,
  deleteDashboard,
  deleteView,
  getDashboard,
  getVisualization,
  insertDashboard,
  insertView,
  listDashboards,
  listViews,
  updateDashboard,
  updateView,
  VIEWS_PER_DASHBOARD,
  type ViewRow,
} from "./dashboard-queries";
import { checkFilterValues } from "./filter-values";
import { normalizeName } from "./metric-catalog";
import { compileMetric } from "./metric-compiler";
import { contextFilterOf, dashboardContext } from "./visualize";

const tags = ["Analytics"];
const readers = requireUser();
const editors = requireUser("dashboards.edit");

type Layout = z.infer<typeof DashboardLayout>;

function builtinView(d: BuiltinDashboard): Dashboard {
  return { ...d, builtIn: true, createdBy: null, createdAt: null, updatedAt: null };
}

function customView(row: DashboardRow): Dashboard {
  const layout = JSON.parse(row.layout) as Layout;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtIn: false,
    createdBy: row.createdBy,
    createdAt: isoFromSeconds(row.createdAt),
    updatedAt: isoFromSeconds(row.updatedAt),
    filters: layout.filters,
    items: layout.items,
  };
}

function viewOf(row: ViewRow): DashboardView {
  return {
    id: row.id,
    dashboardId: row.dashboardId,
    name: row.name,
    filters: JSON.parse(row.filters) as FilterValues,
    isDefault: row.isDefault,
    createdAt: isoFromSeconds(row.createdAt),
    updatedAt: isoFromSeconds(row.updatedAt),
  };
}

/** The account's dashboard `id` (built-in or custom), or 404. */
export async function resolveDashboard(db: Db, accountId: string, id: string): Promise<Dashboard> {
  const builtIn = BUILTIN_DASHBOARD_BY_ID.get(id);
  if (builtIn) return builtinView(builtIn);
  const row = await getDashboard(db, accountId, id);
  if (!row) throw notFound("Dashboard");
  return customView(row);
}

/** Every item's visualization and drill target exist, every filter names a real attribute and real values. */
async function validateLayout(
  c: { env: Parameters<typeof dbFor>[0] },
  accountId: string,
  layout: Layout,
  selfId?: string,
) {
  const db = dbFor(c.env, accountId);
  for (const [i, item] of layout.items.entries()) {
    const known =
      BUILTIN_VISUALIZATION_BY_ID.has(item.visualizationId) ||
      (await getVisualization(db, accountId, item.visualizationId));
    if (!known) {
      throw badRequest("UNKNOWN_VISUALIZATION", `Item ${i + 1}: there is no visualization "${item.visualizationId}".`);
    }
    if (item.drill.kind === "dashboard" && item.drill.dashboardId !== selfId) {
      const target = item.drill.dashboardId;
      if (!BUILTIN_DASHBOARD_BY_ID.has(target) && !(await getDashboard(db, accountId, target))) {
        throw badRequest("UNKNOWN_DASHBOARD", `Item ${i + 1} drills to "${target}", which is not a dashboard.`);
      }
    }
  }
  const defaults = [];
  for (const filter of layout.filters) {
    if ((filter.hidden || filter.locked) && !filter.default) {
      throw badRequest(
        "FILTER_WITHOUT_VALUE",
        `The filter "${filter.label}" is hidden or locked, so it needs a default value.`,
      );
    }
    // Compiling a count under the filter checks the attribute (its existence and kind).
    const context = contextFilterOf(
      filter.attribute,
      filter.default ?? { op: "between", relative: "all" },
      nowSeconds(),
    );
    compileMetric("SELECT COUNT(Engagement)", {
      accountId,
      filters: context ? [context] : [],
      by: context || filter.attribute.trim().toLowerCase() === "date" ? [] : [{ attribute: filter.attribute }],
    });
    if (context) defaults.push(context);
  }
  await checkFilterValues(rawDbFor(c.env, accountId), accountId, defaults, "The dashboard");
}

/** The user's filter values must fit the dashboard and name values that exist. */
async function validateValues(
  c: { env: Parameters<typeof dbFor>[0] },
  accountId: string,
  dashboard: Dashboard,
  values: FilterValues,
) {
  const context = dashboardContext(dashboard.filters, values, nowSeconds());
  const visible = new Set(Object.keys(values).map((k) => dashboard.filters.find((f) => f.key === k)?.attribute));
  await checkFilterValues(
    rawDbFor(c.env, accountId),
    accountId,
    context.filter((f) => visible.has(f.attribute)),
    "The view",
  );
}

const readOnly = (d: BuiltinDashboard) =>
  new ApiError(403, "BUILT_IN_READ_ONLY", `"${d.name}" is a built-in dashboard; copy it to change it.`);

/** Dashboards: built-in and the account's own, and each user's saved views of them. */
export const dashboardRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Built-in and custom dashboards by name",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { query: DashboardListQuery },
      responses: { 200: json(page(Dashboard), "A page of dashboards"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { limit, cursor, q } = c.req.valid("query");
      const after = cursor ? decodeKeyCursor(cursor) : undefined;
      const needle = q ? normalizeName(q) : undefined;
      const custom = await listDashboards(dbFor(c.env, accountId), accountId, { limit: limit + 1, after, q: needle });
      const isAfter = (key: string, id: string) => !after || key > after[0] || (key === after[0] && id > after[1]);
      // Built-ins first, in their own order; then the account's by name.
      const builtIns = after ? [] : BUILTIN_DASHBOARDS.filter((d) => !needle || normalizeName(d.name).includes(needle));
      const rest = custom
        .filter((row) => isAfter(row.nameKey, row.id))
        .map((row) => ({ key: row.nameKey, id: row.id, view: customView(row) }));
      const items = [...builtIns.map(builtinView), ...rest.slice(0, limit).map((r) => r.view)];
      const last = rest.slice(0, limit).at(-1);
      return c.json(
        { items, nextCursor: rest.length > limit && last ? encodeKeyCursor(last.key, last.id) : null },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a dashboard, or copy one (`copyOf`) to edit",
      description:
        "Errors (400): `UNKNOWN_VISUALIZATION`, `UNKNOWN_DASHBOARD` (a drill target), `FILTER_WITHOUT_VALUE`, " +
        "`VALUE_NOT_FOUND`, the metric language's codes for filter attributes; 404 when `copyOf` is unknown.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { body: body(DashboardInput) },
      responses: { 201: json(Dashboard, "Created"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const source = input.copyOf ? await resolveDashboard(db, accountId, input.copyOf) : undefined;
      const layout: Layout = {
        filters: input.filters ?? source?.filters ?? [],
        items: input.items ?? source?.items ?? [],
      };
      await validateLayout(c, accountId, layout);
      const row = await insertDashboard(db, accountId, {
        id: newPid(),
        name: input.name,
        nameKey: normalizeName(input.name),
        description: input.description || source?.description || "",
        layout: JSON.stringify(layout),
        createdBy: user.userId,
      });
      return c.json(customView(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One dashboard with its filters and items",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: DashboardIdParam },
      responses: { 200: json(Dashboard, "The dashboard"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      return c.json(await resolveDashboard(dbFor(c.env, accountId), accountId, c.req.valid("param").id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Change a custom dashboard: name, filters (hidden, locked, defaults), items and drill-downs",
      description: "Validated as on create. 403 `BUILT_IN_READ_ONLY` for a built-in.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: DashboardIdParam, body: body(DashboardPatch) },
      responses: { 200: json(Dashboard, "Updated"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const builtIn = BUILTIN_DASHBOARD_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      const current = await getDashboard(db, accountId, id);
      if (!current) throw notFound("Dashboard");
      const before = JSON.parse(current.layout) as Layout;
      const layout: Layout = { filters: patch.filters ?? before.filters, items: patch.items ?? before.items };
      await validateLayout(c, accountId, layout, id);
      const row = await updateDashboard(db, accountId, id, {
        name: patch.name,
        nameKey: patch.name === undefined ? undefined : normalizeName(patch.name),
        description: patch.description,
        layout: JSON.stringify(layout),
      });
      if (!row) throw notFound("Dashboard");
      return c.json(customView(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a custom dashboard and everyone's views of it",
      description: "403 `BUILT_IN_READ_ONLY` for a built-in.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: DashboardIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { id } = c.req.valid("param");
      const builtIn = BUILTIN_DASHBOARD_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      if (!(await deleteDashboard(dbFor(c.env, accountId), accountId, id))) throw notFound("Dashboard");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/views",
      tags,
      summary: "The signed-in user's saved views of a dashboard (no one else's)",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: DashboardIdParam },
      responses: {
        200: json(z.object({ items: z.array(DashboardView) }), "The user's views"),
        ...errors(400, 401, 404),
      },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      await resolveDashboard(db, accountId, id);
      const rows = await listViews(db, accountId, user.userId, id);
      return c.json({ items: rows.map(viewOf) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/views",
      tags,
      summary: "Save the current filter values as a view; `isDefault` opens the dashboard with it",
      description: `Errors (400): \`UNKNOWN_FILTER\`, \`FILTER_LOCKED\`, \`VALUE_NOT_FOUND\`; 409 \`TOO_MANY_VIEWS\` (${VIEWS_PER_DASHBOARD} a dashboard).`,
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: DashboardIdParam, body: body(DashboardViewInput) },
      responses: { 201: json(DashboardView, "Created"), ...errors(400, 401, 404, 409) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const dashboard = await resolveDashboard(db, accountId, id);
      await validateValues(c, accountId, dashboard, input.filters);
      const existing = await listViews(db, accountId, user.userId, id);
      if (existing.length >= VIEWS_PER_DASHBOARD) {
        throw conflict("TOO_MANY_VIEWS", `You have ${VIEWS_PER_DASHBOARD} views of this dashboard; delete one first.`);
      }
      const row = await insertView(db, accountId, {
        id: newPid(),
        userId: user.userId,
        dashboardId: id,
        name: input.name,
        filters: JSON.stringify(input.filters),
        isDefault: input.isDefault,
      });
      return c.json(viewOf(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/views/{viewId}",
      tags,
      summary: "Rename a view, change its filters, or make it the default",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: DashboardViewParams, body: body(DashboardViewPatch) },
      responses: { 200: json(DashboardView, "Updated"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const db = dbFor(c.env, accountId);
      const { id, viewId } = c.req.valid("param");
      const patch = c.req.valid("json");
      const dashboard = await resolveDashboard(db, accountId, id);
      if (patch.filters) await validateValues(c, accountId, dashboard, patch.filters);
      const row = await updateView(db, accountId, user.userId, id, viewId, {
        name: patch.name,
        isDefault: patch.isDefault,
        filters: patch.filters === undefined ? undefined : JSON.stringify(patch.filters),
      });
      if (!row) throw notFound("View");
      return c.json(viewOf(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/views/{viewId}",
      tags,
      summary: "Delete one of the user's views",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: DashboardViewParams },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const { id, viewId } = c.req.valid("param");
      if (!(await deleteView(dbFor(c.env, accountId), accountId, user.userId, id, viewId))) throw notFound("View");
      return c.body(null, 204);
    },
  );
