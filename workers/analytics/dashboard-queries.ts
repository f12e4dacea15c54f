import { and, asc, desc, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { dashboard, dashboardView, selection, visualization, visualizationFavorite } from "../db/schema";
import { nowSeconds } from "../lib/time";

// D1 access for visualizations, favorites, dashboards, saved views and selections. Every
// query is scoped to the account; views also to their user.

export type VisualizationRow = typeof visualization.$inferSelect;
export type DashboardRow = typeof dashboard.$inferSelect;
export type ViewRow = typeof dashboardView.$inferSelect;
export type SelectionRow = typeof selection.$inferSelect;

/** Name-ordered rows after (nameKey, id), optionally containing `q`. */
function namePage(
  table: typeof visualization | typeof dashboard,
  accountId: string,
  after?: [string, string],
  q?: string,
) {
  const conditions: (SQL | undefined)[] = [eq(table.accountId, accountId)];
  if (after) {
    const [key, id] = after;
    conditions.push(or(gt(table.nameKey, key), and(eq(table.nameKey, key), gt(table.id, id))));
  }
  if (q) conditions.push(sql`instr(${table.nameKey}, ${q}) > 0`);
  return and(...conditions);
}

export async function listVisualizations(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [string, string]; q?: string; ids?: string[] },
): Promise<VisualizationRow[]> {
  const where = namePage(visualization, accountId, options.after, options.q);
  return db
    .select()
    .from(visualization)
    .where(options.ids ? and(where, inArray(visualization.id, options.ids)) : where)
    .orderBy(asc(visualization.nameKey), asc(visualization.id))
    .limit(options.limit);
}

export async function getVisualization(db: Db, accountId: string, id: string): Promise<VisualizationRow | undefined> {
  return db.query.visualization.findFirst({
    where: and(eq(visualization.accountId, accountId), eq(visualization.id, id)),
  });
}

export async function insertVisualization(
  db: Db,
  accountId: string,
  values: Pick<VisualizationRow, "id" | "name" | "nameKey" | "description" | "spec" | "createdBy">,
): Promise<VisualizationRow> {
  const [row] = await db
    .insert(visualization)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("visualization insert returned nothing");
  return row;
}

export async function updateVisualization(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Pick<VisualizationRow, "name" | "nameKey" | "description" | "spec">>,
): Promise<VisualizationRow | undefined> {
  const [row] = await db
    .update(visualization)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(visualization.accountId, accountId), eq(visualization.id, id)))
    .returning();
  return row;
}

/** Deletes a custom visualization and everyone's favorite marks on it. */
export async function deleteVisualization(db: Db, accountId: string, id: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db
      .delete(visualization)
      .where(and(eq(visualization.accountId, accountId), eq(visualization.id, id)))
      .returning({ id: visualization.id }),
    db
      .delete(visualizationFavorite)
      .where(and(eq(visualizationFavorite.accountId, accountId), eq(visualizationFavorite.visualizationId, id))),
  ]);
  return deleted.length === 1;
}

/** The ids of the user's favorite visualizations. */
export async function favoriteIds(db: Db, accountId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: visualizationFavorite.visualizationId })
    .from(visualizationFavorite)
    .where(and(eq(visualizationFavorite.accountId, accountId), eq(visualizationFavorite.userId, userId)));
  return new Set(rows.map((r) => r.id));
}

export async function setFavorite(
  db: Db,
  accountId: string,
  userId: string,
  visualizationId: string,
  on: boolean,
): Promise<void> {
  if (on) {
    await db.insert(visualizationFavorite).values({ accountId, userId, visualizationId }).onConflictDoNothing();
    return;
  }
  await db
    .delete(visualizationFavorite)
    .where(
      and(
        eq(visualizationFavorite.accountId, accountId),
        eq(visualizationFavorite.userId, userId),
        eq(visualizationFavorite.visualizationId, visualizationId),
      ),
    );
}

// ───────────── dashboards ─────────────

export async function listDashboards(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [string, string]; q?: string },
): Promise<DashboardRow[]> {
  return db
    .select()
    .from(dashboard)
    .where(namePage(dashboard, accountId, options.after, options.q))
    .orderBy(asc(dashboard.nameKey), asc(dashboard.id))
    .limit(options.limit);
}

export async function getDashboard(db: Db, accountId: string, id: string): Promise<DashboardRow | undefined> {
  return db.query.dashboard.findFirst({ where: and(eq(dashboard.accountId, accountId), eq(dashboard.id, id)) });
}

export async function insertDashboard(
  db: Db,
  accountId: string,
  values: Pick<DashboardRow, "id" | "name" | "nameKey" | "description" | "layout" | "createdBy">,
): Promise<DashboardRow> {
  const [row] = await db
    .insert(dashboard)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("dashboard insert returned nothing");
  return row;
}

export async function updateDashboard(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Pick<DashboardRow, "name" | "nameKey" | "description" | "layout">>,
): Promise<DashboardRow | undefined> {
  const [row] = await db
    .update(dashboard)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(dashboard.accountId, accountId), eq(dashboard.id, id)))
    .returning();
  return row;
}

/** Deletes a custom dashboard and every user's views of it. */
export async function deleteDashboard(db: Db, accountId: string, id: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db
      .delete(dashboard)
      .where(and(eq(dashboard.accountId, accountId), eq(dashboard.id, id)))
      .returning({ id: dashboard.id }),
    db.delete(dashboardView).where(and(eq(dashboardView.accountId, accountId), eq(dashboardView.dashboardId, id))),
  ]);
  return deleted.length === 1;
}

/** Dashboards (by id) whose items use the visualization. */
export async function dashboardsUsing(db: Db, accountId: string, visualizationId: string): Promise<DashboardRow[]> {
  return db
    .select()
    .from(dashboard)
    .where(
      and(
        eq(dashboard.accountId, accountId),
        sql`EXISTS (SELECT 1 FROM json_each(${dashboard.layout}, '$.items') WHERE json_extract(value, '$.visualizationId') = ${visualizationId})`,
      ),
    );
}

// ───────────── views (per user) ─────────────

export const VIEWS_PER_DASHBOARD = 50;

export async function listViews(db: Db, accountId: string, userId: string, dashboardId: string): Promise<ViewRow[]> {
  return db
    .select()
    .from(dashboardView)
    .where(
      and(
        eq(dashboardView.accountId, accountId),
        eq(dashboardView.userId, userId),
        eq(dashboardView.dashboardId, dashboardId),
      ),
    )
    .orderBy(asc(dashboardView.name), asc(dashboardView.id));
}

/** Inserts a view; when it is the default, the user's other views of the dashboard stop being. */
export async function insertView(
  db: Db,
  accountId: string,
  values: Pick<ViewRow, "id" | "userId" | "dashboardId" | "name" | "filters" | "isDefault">,
): Promise<ViewRow> {
  const clear = clearDefault(db, accountId, values.userId, values.dashboardId);
  const insert = db
    .insert(dashboardView)
    .values({ accountId, ...values })
    .returning();
  const rows = values.isDefault ? (await db.batch([clear, insert]))[1] : await insert;
  const [row] = rows;
  if (!row) throw new Error("view insert returned nothing");
  return row;
}

function clearDefault(db: Db, accountId: string, userId: string, dashboardId: string) {
  return db
    .update(dashboardView)
    .set({ isDefault: false })
    .where(
      and(
        eq(dashboardView.accountId, accountId),
        eq(dashboardView.userId, userId),
        eq(dashboardView.dashboardId, dashboardId),
      ),
    );
}

const ownView = (accountId: string, userId: string, dashboardId: string, id: string) =>
  and(
    eq(dashboardView.accountId, accountId),
    eq(dashboardView.userId, userId),
    eq(dashboardView.dashboardId, dashboardId),
    eq(dashboardView.id, id),
  );

export async function updateView(
  db: Db,
  accountId: string,
  userId: string,
  dashboardId: string,
  id: string,
  patch: Partial<Pick<ViewRow, "name" | "filters" | "isDefault">>,
): Promise<ViewRow | undefined> {
  const update = db
    .update(dashboardView)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(ownView(accountId, userId, dashboardId, id))
    .returning();
  const rows = patch.isDefault
    ? (await db.batch([clearDefault(db, accountId, userId, dashboardId), update]))[1]
    : await update;
  return rows[0];
}

export async function deleteView(
  db: Db,
  accountId: string,
  userId: string,
  dashboardId: string,
  id: string,
): Promise<boolean> {
  const rows = await db
    .delete(dashboardView)
    .where(ownView(accountId, userId, dashboardId, id))
    .returning({ id: dashboardView.id });
  return rows.length === 1;
}

// ───────────── selections ─────────────

export async function insertSelection(
  db: Db,
  accountId: string,
  values: Pick<SelectionRow, "id" | "name" | "query" | "engagements" | "truncated" | "createdBy">,
): Promise<SelectionRow> {
  const [row] = await db
    .insert(selection)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("selection insert returned nothing");
  return row;
}

/** Newest first, after (createdAt, id). */
export async function listSelections(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [number, string] },
): Promise<SelectionRow[]> {
  const conditions: (SQL | undefined)[] = [eq(selection.accountId, accountId)];
  if (options.after) {
    const [at, id] = options.after;
    conditions.push(or(lt(selection.createdAt, at), and(eq(selection.createdAt, at), lt(selection.id, id))));
  }
  return db
    .select()
    .from(selection)
    .where(and(...conditions))
    .orderBy(desc(selection.createdAt), desc(selection.id))
    .limit(options.limit);
}

export async function getSelection(db: Db, accountId: string, id: string): Promise<SelectionRow | undefined> {
  return db.query.selection.findFirst({ where: and(eq(selection.accountId, accountId), eq(selection.id, id)) });
}

export async function deleteSelection(raw: D1Database, accountId: string, id: string): Promise<boolean> {
  const [deleted] = await raw.batch([
    raw.prepare("DELETE FROM selection WHERE account_id = ?1 AND id = ?2").bind(accountId, id),
    raw.prepare("DELETE FROM selection_engagement WHERE account_id = ?1 AND selection_id = ?2").bind(accountId, id),
  ]);
  return (deleted?.meta.changes ?? 0) === 1;
}
