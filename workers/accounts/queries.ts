import { and, desc, eq, isNull, lt, ne, sql } from "drizzle-orm";
import type { ApiKeyScope, CreateSourceBody, Role } from "../../schemas/accounts";
import type { Db } from "../db/client";
import { account, apiKey, loginAttempt, session, source, user } from "../db/schema";
import { afterCursor } from "../lib/paging";
import { nowSeconds } from "../lib/time";

export type AccountRow = typeof account.$inferSelect;
export type UserRow = typeof user.$inferSelect;
export type ApiKeyRow = typeof apiKey.$inferSelect;
export type SourceRow = typeof source.$inferSelect;

// ── accounts ──

export async function createAccount(
  db: Db,
  values: { id: string; name: string; domain: string; region: string },
): Promise<AccountRow> {
  const [row] = await db.insert(account).values(values).returning();
  if (!row) throw new Error("account insert returned nothing");
  return row;
}

export async function getAccount(db: Db, accountId: string): Promise<AccountRow | undefined> {
  return db.query.account.findFirst({ where: eq(account.id, accountId) });
}

export async function findAccountByDomain(db: Db, domain: string): Promise<AccountRow | undefined> {
  return db.query.account.findFirst({ where: eq(account.domain, domain) });
}

// ── users ──

/** Sign-in lookup: the only user query not scoped by account, since the account is not known yet. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.query.user.findFirst({ where: eq(user.email, email) });
}

export async function getUser(db: Db, accountId: string, id: string): Promise<UserRow | undefined> {
  return db.query.user.findFirst({ where: and(eq(user.accountId, accountId), eq(user.id, id)) });
}

export async function listUsers(db: Db, accountId: string, limit: number, cursor?: string): Promise<UserRow[]> {
  return db
    .select()
    .from(user)
    .where(and(eq(user.accountId, accountId), afterCursor(user.createdAt, user.id, cursor)))
    .orderBy(desc(user.createdAt), desc(user.id))
    .limit(limit + 1);
}

export async function insertUser(
  db: Db,
  accountId: string,
  values: { id: string; email: string; name: string; role: Role; passwordHash: string },
): Promise<UserRow> {
  const [row] = await db
    .insert(user)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("user insert returned nothing");
  return row;
}

export async function updateUser(
  db: Db,
  accountId: string,
  id: string,
  patch: Partial<Pick<UserRow, "name" | "role" | "passwordHash" | "disabledAt">>,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(user)
    .set({ ...patch, updatedAt: nowSeconds() })
    .where(and(eq(user.accountId, accountId), eq(user.id, id)))
    .returning();
  return row;
}

// ── sessions ──

export async function insertSession(
  db: Db,
  values: { tokenHash: string; accountId: string; userId: string; expiresAt: number },
): Promise<void> {
  await db.insert(session).values(values);
}

/** The live session with this token hash and its user, or undefined when missing or expired. */
export async function findSession(db: Db, tokenHash: string) {
  const [row] = await db
    .select({ session, user })
    .from(session)
    .innerJoin(user, and(eq(user.accountId, session.accountId), eq(user.id, session.userId)))
    .where(eq(session.tokenHash, tokenHash))
    .limit(1);
  if (!row || row.session.expiresAt <= nowSeconds()) return undefined;
  return row;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(session).where(eq(session.tokenHash, tokenHash));
}

/** Ends every session of a user, except `keepTokenHash` when given. */
export async function deleteUserSessions(
  db: Db,
  accountId: string,
  userId: string,
  keepTokenHash?: string,
): Promise<void> {
  await db
    .delete(session)
    .where(
      and(
        eq(session.accountId, accountId),
        eq(session.userId, userId),
        keepTokenHash ? ne(session.tokenHash, keepTokenHash) : undefined,
      ),
    );
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.delete(session).where(lt(session.expiresAt, nowSeconds()));
}

// ── sign-in throttling ──

/** Failures recorded for `key` in the window that began at or after `windowStart`. */
export async function failuresSince(db: Db, key: string, windowStart: number): Promise<number> {
  const row = await db.query.loginAttempt.findFirst({ where: eq(loginAttempt.key, key) });
  return row && row.windowStart >= windowStart ? row.failures : 0;
}

/** Counts one failure for `key` atomically, starting a new window when the old one has passed. */
export async function recordFailure(db: Db, key: string, now: number, windowSeconds: number): Promise<void> {
  const expired = sql`${loginAttempt.windowStart} < ${now - windowSeconds}`;
  await db
    .insert(loginAttempt)
    .values({ key, failures: 1, windowStart: now })
    .onConflictDoUpdate({
      target: loginAttempt.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginAttempt.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginAttempt.windowStart} END`,
      },
    });
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginAttempt).where(eq(loginAttempt.key, key));
}

// ── API keys ──

export async function insertApiKey(
  db: Db,
  accountId: string,
  values: {
    id: string;
    name: string;
    secretHash: string;
    hint: string;
    scopes: ApiKeyScope[];
    createdBy: string | null;
  },
): Promise<ApiKeyRow> {
  const [row] = await db
    .insert(apiKey)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("api key insert returned nothing");
  return row;
}

/** Bearer lookup by key id, before the account is known. */
export async function findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.query.apiKey.findFirst({ where: eq(apiKey.id, id) });
}

export async function getApiKey(db: Db, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.query.apiKey.findFirst({ where: and(eq(apiKey.accountId, accountId), eq(apiKey.id, id)) });
}

export async function listApiKeys(db: Db, accountId: string, limit: number, cursor?: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.accountId, accountId), afterCursor(apiKey.createdAt, apiKey.id, cursor)))
    .orderBy(desc(apiKey.createdAt), desc(apiKey.id))
    .limit(limit + 1);
}

/** Revokes a key; revoking a revoked key keeps the first revocation time. */
export async function revokeApiKey(db: Db, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  await db
    .update(apiKey)
    .set({ revokedAt: nowSeconds() })
    .where(and(eq(apiKey.accountId, accountId), eq(apiKey.id, id), isNull(apiKey.revokedAt)));
  return getApiKey(db, accountId, id);
}

export async function touchApiKey(db: Db, accountId: string, id: string, now: number): Promise<void> {
  await db
    .update(apiKey)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKey.accountId, accountId), eq(apiKey.id, id)));
}

// ── ingestion sources ──

export async function insertSource(
  db: Db,
  accountId: string,
  values: CreateSourceBody & { id: string },
): Promise<SourceRow> {
  const [row] = await db
    .insert(source)
    .values({ accountId, ...values })
    .returning();
  if (!row) throw new Error("source insert returned nothing");
  return row;
}

export async function getSource(db: Db, accountId: string, id: string): Promise<SourceRow | undefined> {
  return db.query.source.findFirst({ where: and(eq(source.accountId, accountId), eq(source.id, id)) });
}

export async function listSources(db: Db, accountId: string, limit: number, cursor?: string): Promise<SourceRow[]> {
  return db
    .select()
    .from(source)
    .where(and(eq(source.accountId, accountId), afterCursor(source.createdAt, source.id, cursor)))
    .orderBy(desc(source.createdAt), desc(source.id))
    .limit(limit + 1);
}

export async function renameSource(
  db: Db,
  accountId: string,
  id: string,
  name: string,
): Promise<SourceRow | undefined> {
  const [row] = await db
    .update(source)
    .set({ name, updatedAt: nowSeconds() })
    .where(and(eq(source.accountId, accountId), eq(source.id, id)))
    .returning();
  return row;
}
