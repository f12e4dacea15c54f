import { type AnyColumn, and, eq, lt, or, type SQL } from "drizzle-orm";
import { badRequest } from "./errors";

/** Opaque cursor for keyset paging over (created_at DESC, id DESC). */
export function encodeCursor(createdAt: number, id: string): string {
  return btoa(JSON.stringify([createdAt, id])).replace(/=+$/, "");
}

/** The `[number, id]` an encodeCursor cursor holds; INVALID_CURSOR for anything else. */
export function decodeCursor(cursor: string): [number, string] {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest("INVALID_CURSOR", "The cursor is not one this API returned.");
}

/** The WHERE condition for rows after `cursor`, or undefined for the first page. */
export function afterCursor(createdAt: AnyColumn, id: AnyColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const [c, i] = decodeCursor(cursor);
  return or(lt(createdAt, c), and(eq(createdAt, c), lt(id, i)));
}

/** Splits `limit + 1` fetched rows into a page and the cursor for the next one. */
export function toPage<R extends { createdAt: number; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** Opaque cursor for lists ordered by a text key, then id (both ascending). */
export function encodeKeyCursor(key: string, id: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify([key, id])))).replace(/=+$/, "");
}

/** The `[key, id]` of a cursor from encodeKeyCursor; INVALID_CURSOR otherwise. */
export function decodeKeyCursor(cursor: string): [string, string] {
  try {
    const bytes = Uint8Array.from(atob(cursor), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string") {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest("INVALID_CURSOR", "The cursor is not one this API returned.");
}

/**
 * One page of a list merged from two sources ordered by (key, id) — built-ins from code and an
 * account's rows from D1 (asked for `limit + 1` after the same cursor) — with the next cursor.
 */
export function mergeKeyPage<T>(
  entries: readonly { key: string; id: string; view: T }[],
  options: { limit: number; after?: [string, string]; needle?: string },
): { items: T[]; nextCursor: string | null } {
  const { limit, after, needle } = options;
  const isAfter = (key: string, id: string) => !after || key > after[0] || (key === after[0] && id > after[1]);
  const merged = entries
    .filter((e) => isAfter(e.key, e.id) && (!needle || e.key.includes(needle)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = merged.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((e) => e.view),
    nextCursor: merged.length > limit && last ? encodeKeyCursor(last.key, last.id) : null,
  };
}
