import { and, count, desc, eq, gte, inArray, isNull, lt, min, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { customer, customerContact, exportJob } from "../db/schema";
import { normaliseContact } from "../ingest/writer";
import { afterCursor } from "../lib/paging";
import { nowSeconds } from "../lib/time";

export type ExportJobRow = typeof exportJob.$inferSelect;

export async function insertExportJob(
  db: Db,
  accountId: string,
  values: Pick<ExportJobRow, "id" | "fromMs" | "toMs" | "include" | "contact" | "customerPids" | "requestedBy">,
): Promise<ExportJobRow> {
  const [row] = await db
    .insert(exportJob)
    .values({ accountId, status: "PROCESSING", files: {}, ...values })
    .returning();
  if (!row) throw new Error("export job insert returned nothing");
  return row;
}

export async function getExportJob(db: Db, accountId: string, id: string): Promise<ExportJobRow | undefined> {
  return db.query.exportJob.findFirst({ where: and(eq(exportJob.accountId, accountId), eq(exportJob.id, id)) });
}

/** The account's jobs, newest first, `limit + 1` rows after `cursor`. */
export async function listExportJobs(
  db: Db,
  accountId: string,
  limit: number,
  cursor?: string,
): Promise<ExportJobRow[]> {
  return db
    .select()
    .from(exportJob)
    .where(and(eq(exportJob.accountId, accountId), afterCursor(exportJob.createdAt, exportJob.id, cursor)))
    .orderBy(desc(exportJob.createdAt), desc(exportJob.id))
    .limit(limit + 1);
}

export async function updateExportJob(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Omit<ExportJobRow, "accountId" | "id">>,
): Promise<void> {
  await db
    .update(exportJob)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(exportJob.accountId, accountId), eq(exportJob.id, id)));
}

/** Takes the processing lease for `seconds` unless another consumer holds a live one. */
export async function takeExportLease(db: Db, accountId: string, id: string, seconds: number): Promise<boolean> {
  const now = nowSeconds();
  const rows = await db
    .update(exportJob)
    .set({ leaseUntil: now + seconds })
    .where(
      and(
        eq(exportJob.accountId, accountId),
        eq(exportJob.id, id),
        eq(exportJob.status, "PROCESSING"),
        or(isNull(exportJob.leaseUntil), lt(exportJob.leaseUntil, now)),
      ),
    )
    .returning({ id: exportJob.id });
  return rows.length === 1;
}

/** Exports the account started since `since`, the oldest of them, and how many still run. */
export async function exportUsage(
  db: Db,
  accountId: string,
  since: number,
): Promise<{ started: number; oldest: number | null; running: number }> {
  const [recent] = await db
    .select({ started: count(), oldest: min(exportJob.createdAt) })
    .from(exportJob)
    .where(and(eq(exportJob.accountId, accountId), gte(exportJob.createdAt, since)));
  const [running] = await db
    .select({ running: count() })
    .from(exportJob)
    .where(and(eq(exportJob.accountId, accountId), eq(exportJob.status, "PROCESSING")));
  return { started: recent?.started ?? 0, oldest: recent?.oldest ?? null, running: running?.running ?? 0 };
}

/** Jobs still PROCESSING that nobody has touched since `before` (their message was lost or gave up). */
export async function stalledExportJobs(db: Db, before: number): Promise<Pick<ExportJobRow, "accountId" | "id">[]> {
  return db
    .select({ accountId: exportJob.accountId, id: exportJob.id })
    .from(exportJob)
    .where(
      and(
        eq(exportJob.status, "PROCESSING"),
        lt(exportJob.updatedAt, before),
        or(isNull(exportJob.leaseUntil), lt(exportJob.leaseUntil, before)),
      ),
    )
    .limit(100);
}

/** Most profiles one contact may expand to through the identity graph. */
const MAX_PROFILE_CUSTOMERS = 50;

/**
 * A contact → the customer profile it belongs to: every customer the identity graph joins to it
 * (customers sharing any contact with it, transitively, up to MAX_PROFILE_CUSTOMERS).
 * `contactFound` is false when no customer record anywhere lists the contact.
 */
export async function resolveContact(
  db: Db,
  accountId: string,
  contact: string,
): Promise<{ contactFound: boolean; customerPids: string[] }> {
  const direct = await db
    .select({ customerPid: customerContact.customerPid })
    .from(customerContact)
    .where(and(eq(customerContact.accountId, accountId), eq(customerContact.contact, normaliseContact(contact))))
    .limit(MAX_PROFILE_CUSTOMERS);
  if (direct.length === 0) return { contactFound: false, customerPids: [] };
  const profile = new Set(direct.map((r) => r.customerPid));
  let frontier = [...profile];
  for (let hop = 0; hop < 3 && frontier.length > 0 && profile.size < MAX_PROFILE_CUSTOMERS; hop++) {
    const linked = await db
      .select({ customerPid: customerContact.customerPid })
      .from(customerContact)
      .where(
        and(
          eq(customerContact.accountId, accountId),
          sql`${customerContact.contact} IN (SELECT contact FROM customer_contact WHERE account_id = ${accountId}
                AND customer_pid IN (SELECT value FROM json_each(${JSON.stringify(frontier)})))`,
        ),
      )
      .limit(MAX_PROFILE_CUSTOMERS * 4);
    frontier = [];
    for (const { customerPid } of linked) {
      if (!profile.has(customerPid) && profile.size < MAX_PROFILE_CUSTOMERS) {
        profile.add(customerPid);
        frontier.push(customerPid);
      }
    }
  }
  const existing = await db
    .select({ pid: customer.pid })
    .from(customer)
    .where(and(eq(customer.accountId, accountId), inArray(customer.pid, [...profile])));
  return { contactFound: true, customerPids: existing.map((r) => r.pid).sort() };
}
