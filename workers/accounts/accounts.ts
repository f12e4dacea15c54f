import type {
  Account,
  ApiKey,
  ApiKeyScope,
  CreatedApiKey,
  CreateSourceBody,
  CreateUserBody,
  Role,
  Source,
  User,
} from "../../schemas/accounts";
import type { Db } from "../db/client";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../lib/crypto";
import { conflict, tooManyRequests } from "../lib/errors";
import { newPid } from "../lib/ids";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { ensureQaBuiltins } from "../qa/builtins";
import { mintApiKey } from "./auth";
import {
  type AccountRow,
  type ApiKeyRow,
  clearFailures,
  createAccount,
  failuresSince,
  findUserByEmail,
  insertApiKey,
  insertSource,
  insertUser,
  recordFailure,
  type SourceRow,
  type UserRow,
} from "./queries";

export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  name: row.name,
  domain: row.domain,
  region: row.region,
});

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role as Role,
  disabled: row.disabledAt !== null,
  createdAt: isoFromSeconds(row.createdAt),
});

export const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  hint: row.hint,
  scopes: row.scopes as ApiKeyScope[],
  createdAt: isoFromSeconds(row.createdAt),
  lastUsedAt: row.lastUsedAt === null ? null : isoFromSeconds(row.lastUsedAt),
  revokedAt: row.revokedAt === null ? null : isoFromSeconds(row.revokedAt),
});

export const toSource = (row: SourceRow): Source => ({
  id: row.id,
  name: row.name,
  type: row.type as Source["type"],
  createdAt: isoFromSeconds(row.createdAt),
});

/** Creates an account with its first admin; fails with DOMAIN_TAKEN or EMAIL_TAKEN. */
export async function openAccount(
  db: Db,
  input: { name: string; domain: string; region: string; admin: Omit<CreateUserBody, "role"> },
): Promise<{ account: AccountRow; admin: UserRow }> {
  const created = await createAccount(db, {
    id: newPid(),
    name: input.name,
    domain: input.domain,
    region: input.region,
  }).catch((e: unknown) => {
    throw isUniqueViolation(e) ? conflict("DOMAIN_TAKEN", "An account with this domain exists.") : e;
  });
  const admin = await addUser(db, created.id, { ...input.admin, role: "admin" });
  await ensureQaBuiltins(db.$client, created.id);
  return { account: created, admin };
}

/** Adds a user with a hashed password; fails with EMAIL_TAKEN when the e-mail is in use anywhere. */
export async function addUser(db: Db, accountId: string, input: CreateUserBody): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password);
  return insertUser(db, accountId, {
    id: newPid(),
    email: input.email,
    name: input.name,
    role: input.role,
    passwordHash,
  }).catch((e: unknown) => {
    throw isUniqueViolation(e) ? conflict("EMAIL_TAKEN", "A user with this e-mail exists.") : e;
  });
}

/** Creates an API key and returns it with its secret, which is never retrievable again. */
export async function addApiKey(
  db: Db,
  accountId: string,
  input: { name: string; scopes: ApiKeyScope[]; createdBy: string | null },
): Promise<CreatedApiKey> {
  const minted = await mintApiKey();
  const row = await insertApiKey(db, accountId, {
    id: minted.id,
    name: input.name,
    secretHash: minted.secretHash,
    hint: minted.hint,
    scopes: [...new Set(input.scopes)],
    createdBy: input.createdBy,
  });
  return { ...toApiKey(row), secret: minted.secret };
}

export async function addSource(db: Db, accountId: string, input: CreateSourceBody): Promise<SourceRow> {
  return insertSource(db, accountId, { id: newPid(), ...input });
}

/** Failed sign-ins allowed per e-mail, and per client address, within one window. */
export const THROTTLE = { perEmail: 5, perClient: 30, windowSeconds: 15 * 60 } as const;

/**
 * Checks an e-mail and password. Unknown users cost the same time as wrong passwords, and
 * both count towards throttling by e-mail and by client address.
 */
export async function checkCredentials(
  db: Db,
  email: string,
  password: string,
  client: string,
): Promise<UserRow | undefined> {
  const now = nowSeconds();
  const keys = { email: `email:${email.toLowerCase()}`, client: `client:${client}` };
  const windowStart = now - THROTTLE.windowSeconds;
  const [byEmail, byClient] = await Promise.all([
    failuresSince(db, keys.email, windowStart),
    failuresSince(db, keys.client, windowStart),
  ]);
  if (byEmail >= THROTTLE.perEmail || byClient >= THROTTLE.perClient) {
    throw tooManyRequests(
      "LOGIN_THROTTLED",
      "Too many failed sign-ins. Wait a few minutes and try again.",
      THROTTLE.windowSeconds,
    );
  }
  const found = await findUserByEmail(db, email.toLowerCase());
  const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!found || !ok) {
    await Promise.all([
      recordFailure(db, keys.email, now, THROTTLE.windowSeconds),
      recordFailure(db, keys.client, now, THROTTLE.windowSeconds),
    ]);
    return undefined;
  }
  await clearFailures(db, keys.email);
  return found;
}

/** Whether a D1 error is a UNIQUE constraint violation. */
export function isUniqueViolation(e: unknown): boolean {
  const text = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : String(e);
  return text.includes("UNIQUE constraint failed");
}
