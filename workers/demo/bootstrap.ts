import { addApiKey, addSource, openAccount } from "../accounts/accounts";
import { findAccountByDomain, findUserByEmail, listApiKeys, listSources, updateUser } from "../accounts/queries";
import type { Db } from "../db/client";
import { hashPassword, randomToken, sha256Hex, verifyPassword } from "../lib/crypto";

export const DEMO = {
  domain: "demo",
  accountName: "Demo Contact Center",
  region: "eu",
  email: "admin@demo.brine.local",
  adminName: "Demo Admin",
  sourceName: "Demo ingest",
  emailSourceName: "Demo e-mail desk",
  keyName: "Demo key",
} as const;

export interface DemoCredentials {
  accountId: string;
  email: string;
  password: string;
  apiKey: string;
  ingestionSourceId: string;
  /** The second demo source (the e-mail help desk). */
  emailSourceId: string;
}

/**
 * Makes sure the demo account, its admin, an ingestion source and an API key exist, keeping
 * whatever already does. Credentials from the previous run are kept when they still work;
 * otherwise a new password or key is issued, since secrets are stored only as hashes.
 */
export async function ensureDemo(db: Db, previous: { password?: string; apiKey?: string }): Promise<DemoCredentials> {
  let account = await findAccountByDomain(db, DEMO.domain);
  let password = previous.password ?? "";
  if (!account) {
    password = randomToken(12);
    const opened = await openAccount(db, {
      name: DEMO.accountName,
      domain: DEMO.domain,
      region: DEMO.region,
      admin: { email: DEMO.email, name: DEMO.adminName, password },
    });
    account = opened.account;
  } else {
    const admin = await findUserByEmail(db, DEMO.email);
    if (!admin) throw new Error(`demo admin ${DEMO.email} is missing`);
    if (!password || !(await verifyPassword(password, admin.passwordHash)) || admin.disabledAt !== null) {
      password = randomToken(12);
      await updateUser(db, account.id, admin.id, { passwordHash: await hashPassword(password), disabledAt: null });
    }
  }
  const accountId = account.id;

  const sources = await listSources(db, accountId, 200);
  const findOrAdd = async (name: string) =>
    sources.find((s) => s.name === name) ?? (await addSource(db, accountId, { name, type: "ingest-api" }));
  const source = await findOrAdd(DEMO.sourceName);
  const emailSource = await findOrAdd(DEMO.emailSourceName);

  let apiKey = previous.apiKey ?? "";
  const keys = await listApiKeys(db, accountId, 200);
  const hash = apiKey ? await sha256Hex(apiKey) : "";
  const stillValid = keys.some((k) => k.secretHash === hash && k.revokedAt === null);
  if (!stillValid) {
    apiKey = (await addApiKey(db, accountId, { name: DEMO.keyName, scopes: ["ingest", "export"], createdBy: null }))
      .secret;
  }
  return {
    accountId,
    email: DEMO.email,
    password,
    apiKey,
    ingestionSourceId: source.id,
    emailSourceId: emailSource.id,
  };
}
