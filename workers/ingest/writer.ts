import { sourcePid } from "../lib/ids";
import type { EntityKind } from "../model/types";
import type { Cell, Finding, LineShape, ParsedLine } from "./format";

/** Where a file's lines go: a data-set table, or the entity table for one entity kind. */
export type WriteTarget =
  | { kind: "dataset"; dataset: LineShape & { table: string } }
  | { kind: "entity"; entity: EntityKind };

const sqlCache = new Map<string, string>();

/** `INSERT … ON CONFLICT DO UPDATE` for exactly these columns, so absent properties keep their old values. */
export function upsertSql(table: string, key: readonly string[], columns: readonly string[]): string {
  const cacheKey = `${table}|${key.join(",")}|${columns.join(",")}`;
  let sql = sqlCache.get(cacheKey);
  if (!sql) {
    const all = [...key, ...columns];
    const updates = columns.filter((c) => !key.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
    updates.push(`"updated_at" = unixepoch()`);
    sql =
      `INSERT INTO "${table}" (${all.map((c) => `"${c}"`).join(", ")}) VALUES (${all.map(() => "?").join(", ")}) ` +
      `ON CONFLICT (${key.map((c) => `"${c}"`).join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
    sqlCache.set(cacheKey, sql);
  }
  return sql;
}

function resolve(accountId: string, cell: Cell): string | number | null {
  if ("value" in cell) return cell.value;
  return sourcePid(accountId, cell.ref.sourceId, cell.ref.target, cell.ref.externalId);
}

/** Normalises a contact so the identity graph joins the same e-mail or phone written differently. */
export function normaliseContact(contact: string): string {
  const trimmed = contact.trim();
  if (trimmed.includes("@")) return trimmed.toLowerCase();
  if (/^\+?[\d\s().-]{6,}$/.test(trimmed)) return trimmed.replace(/[\s().-]/g, "");
  return trimmed;
}

/**
 * The statement that upserts one validated line, or a finding when it cannot be placed.
 * PIDs are derived, never read from the line, so re-uploads overwrite instead of duplicating.
 */
export function upsertLine(
  db: D1Database,
  accountId: string,
  target: WriteTarget,
  line: ParsedLine,
): D1PreparedStatement | Finding {
  if (target.kind === "entity") {
    const pid = sourcePid(accountId, line.sourceId, `entity:${target.entity}`, line.externalId);
    const cells = line.cells.filter((c) => "value" in c);
    const columns = ["kind", "source_id", ...cells.map((c) => c.column)];
    return db
      .prepare(upsertSql("entity", ["account_id", "pid"], columns))
      .bind(accountId, pid, target.entity, line.sourceId, ...cells.map((c) => resolve(accountId, c)));
  }
  const { dataset } = target;
  const values = new Map(line.cells.map((c) => [c.column, resolve(accountId, c)]));
  if (dataset.name === "customer_contact") {
    const customerPid = values.get("customer_pid");
    if (typeof customerPid !== "string") {
      return {
        level: "ERROR",
        code: "MISSING_REFERENCE",
        message: "customerExternalId is required.",
        property: "customerExternalId",
      };
    }
    values.set("contact", normaliseContact(line.externalId));
    values.delete("customer_pid");
    values.set("source_id", line.sourceId);
    const columns = [...values.keys()].filter((c) => c !== "contact");
    return db
      .prepare(upsertSql("customer_contact", ["account_id", "contact", "customer_pid"], columns))
      .bind(accountId, values.get("contact"), customerPid, ...columns.map((c) => values.get(c) ?? null));
  }
  if (dataset.name === "turn_content") {
    const turnPid = values.get("turn_pid");
    values.delete("turn_pid");
    const columns = [...values.keys()];
    return db
      .prepare(upsertSql("turn_content", ["account_id", "turn_pid"], columns))
      .bind(accountId, turnPid, ...columns.map((c) => values.get(c) ?? null));
  }
  const pid = sourcePid(accountId, line.sourceId, dataset.name, line.externalId);
  values.set("source_id", line.sourceId);
  const columns = [...values.keys()];
  return db
    .prepare(upsertSql(dataset.table, ["account_id", "pid"], columns))
    .bind(accountId, pid, ...columns.map((c) => values.get(c) ?? null));
}
