import { and, asc, eq, gt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { metric } from "../db/schema";
import { nowSeconds } from "../lib/time";

export type MetricRow = typeof metric.$inferSelect;

/** The account's custom metrics ordered by name key then id, `limit` of them after `after`, optionally matching `q`. */
export async function listMetrics(
  db: Db,
  accountId: string,
  options: { limit: number; after?: [string, string]; q?: string },
): Promise<MetricRow[]> {
  const conditions: (SQL | undefined)[] = [eq(metric.accountId, accountId)];
  if (options.after) {
    const [key, id] = options.after;
    conditions.push(or(gt(metric.nameKey, key), and(eq(metric.nameKey, key), gt(metric.id, id))));
  }
  if (options.q) conditions.push(sql`instr(${metric.nameKey}, ${options.q}) > 0`);
  return db
    .select()
    .from(metric)
    .where(and(...conditions))
    .orderBy(asc(metric.nameKey), asc(metric.id))
    .limit(options.limit);
}

/** Every custom metric of the account, for compiling definitions that reference them. */
export async function allMetrics(
  db: Db,
  accountId: string,
): Promise<Pick<MetricRow, "id" | "name" | "nameKey" | "definition" | "format">[]> {
  return db
    .select({
      id: metric.id,
      name: metric.name,
      nameKey: metric.nameKey,
      definition: metric.definition,
      format: metric.format,
    })
    .from(metric)
    .where(eq(metric.accountId, accountId));
}

export async function getMetric(db: Db, accountId: string, id: string): Promise<MetricRow | undefined> {
  return db.query.metric.findFirst({ where: and(eq(metric.accountId, accountId), eq(metric.id, id)) });
}

export async function insertMetric(
  db: Db,
  accountId: string,
  values: Pick<MetricRow, "id" | "name" | "nameKey" | "description" | "definition" | "format" | "createdBy">,
): Promise<MetricRow> {
  const [row] = await db
    .insert(metric)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("metric insert returned nothing");
  return row;
}

export async function updateMetric(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Pick<MetricRow, "name" | "nameKey" | "description" | "definition" | "format">>,
): Promise<MetricRow | undefined> {
  const [row] = await db
    .update(metric)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(metric.accountId, accountId), eq(metric.id, id)))
    .returning();
  return row;
}

/** Deletes a custom metric; false when the account has none with this id. */
export async function deleteMetric(db: Db, accountId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(metric)
    .where(and(eq(metric.accountId, accountId), eq(metric.id, id)))
    .returning({ id: metric.id });
  return rows.length === 1;
}
