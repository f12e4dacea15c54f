import { addApiKey, addSource, openAccount } from "../accounts/accounts";
import { findAccountByDomain, findUserByEmail, listApiKeys, listSources, updateUser } from "../accounts/queries";
import { type Db, dbFor } from "../db/client";
import type { Bindings } from "../env";
import { hashPassword, randomToken, sha256Hex, verifyPassword } from "../lib/crypto";
import {
  actionButtons,
  brandWithSecret,
  createBrand,
  getYourLogicSettings,
  listBrands,
  saveActionButtons,
  saveYourLogicSettings,
  updateBrand,
  yourLogicTarget,
} from "../live/queries";

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

/** Where the example Your Logic (examples/your-logic) listens when run next to `npm start`. */
export const EXAMPLE_YOUR_LOGIC = "http://localhost:8788";

export interface LiveDemo {
  yourLogic: { url: string; secret: string };
  brand: { id: string; accountId: string; secret: string; allowedOrigins: string[] };
}

/**
 * The demo account's live setup: Your Logic pointing at the example bot, a "Demo Shop" brand
 * that the example's shop page (and Brine itself) may embed, and two action buttons. What
 * exists is kept; secrets are read back (they are sealed, not hashed) so demo.json has them.
 */
export async function ensureLiveDemo(env: Bindings, accountId: string, brineOrigin: string): Promise<LiveDemo> {
  const db = dbFor(env, accountId);
  const settings = await getYourLogicSettings(db, accountId);
  if (!settings.configured) {
    await saveYourLogicSettings(env, accountId, {
      url: `${EXAMPLE_YOUR_LOGIC}/events`,
      enabled: true,
      expirySeconds: 20,
      rotate: false,
      userId: "demo",
    });
  }
  const target = await yourLogicTarget(env, accountId);
  if (!target) throw new Error("demo Your Logic is missing");

  const origins = [EXAMPLE_YOUR_LOGIC, brineOrigin];
  const brands = await listBrands(db, accountId, { limit: 100 });
  let brand = brands.items.find((b) => b.name === "Demo Shop");
  if (!brand) {
    brand = (
      await createBrand(env, accountId, {
        name: "Demo Shop",
        color: "#0f766e",
        allowedOrigins: origins,
        openingMessage: "Hi! Ask us anything about your order, refunds or your account.",
        placeholder: "Type your question…",
      })
    ).brand;
  } else if (!origins.every((o) => brand?.allowedOrigins.includes(o))) {
    brand = (
      await updateBrand(env, accountId, brand.id, {
        allowedOrigins: [...new Set([...brand.allowedOrigins, ...origins])],
      })
    )?.brand;
  }
  const withSecret = brand ? await brandWithSecret(env, accountId, brand.id) : null;
  if (!withSecret) throw new Error("demo brand is missing");

  if ((await actionButtons(db, accountId)).length === 0) {
    await saveActionButtons(db, accountId, [
      { name: "schedule-followup", label: "Schedule follow-up", visibleToExternal: false },
      { name: "issue-refund", label: "Issue refund", visibleToExternal: true },
    ]);
  }
  return {
    yourLogic: { url: target.url, secret: target.secret },
    brand: {
      id: withSecret.id,
      accountId,
      secret: withSecret.secret,
      allowedOrigins: withSecret.allowedOrigins,
    },
  };
}
