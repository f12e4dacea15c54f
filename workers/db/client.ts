import { drizzle } from "drizzle-orm/d1";
import type { Bindings } from "../env";
import * as schema from "./schema";

export type Db = ReturnType<typeof drizzle<typeof schema>>;

/**
 * The database holding `accountId`'s data. Every account lives in `DB` today; resolving it
 * here lets a large account move to its own D1 database without touching features.
 */
export function dbFor(env: Bindings, _accountId: string): Db {
  return drizzle(env.DB, { schema });
}

/** The database for the sign-in lookups that run before the account is known. */
export function directoryDb(env: Bindings): Db {
  return drizzle(env.DB, { schema });
}

/** The raw D1 binding for `accountId`, for the ingest writer's prepared, batched upserts. */
export function rawDbFor(env: Bindings, _accountId: string): D1Database {
  return env.DB;
}
