import { and, eq } from "drizzle-orm";
import { DEFAULT_EXPIRY_SECONDS, type YourLogicSettings } from "../../schemas/live";
import { signingSecret } from "../accounts/auth";
import { type Db, dbFor } from "../db/client";
import { account, yourLogic } from "../db/schema";
import type { Bindings } from "../env";
import { openSecret, randomToken, sealSecret } from "../lib/crypto";
import { isoFromSeconds, nowSeconds } from "../lib/time";

/** What the sealed secret is encrypted for; part of its key derivation. */
const SECRET_PURPOSE = "your-logic-secret";

/** Where an account's events go and how they are signed: the decrypted secret, for sending only. */
export interface YourLogicTarget {
  url: string;
  secret: string;
  expirySeconds: number;
  enabled: boolean;
}

/** The account's Your Logic settings as users see them (never the secret). */
export async function getYourLogicSettings(db: Db, accountId: string): Promise<YourLogicSettings> {
  const row = await db.select().from(yourLogic).where(eq(yourLogic.accountId, accountId)).get();
  if (!row) {
    return {
      configured: false,
      url: null,
      enabled: false,
      expirySeconds: DEFAULT_EXPIRY_SECONDS,
      secretHint: null,
      updatedAt: null,
    };
  }
  return {
    configured: true,
    url: row.url,
    enabled: row.enabled,
    expirySeconds: row.expirySeconds,
    secretHint: row.secretHint,
    updatedAt: isoFromSeconds(row.updatedAt),
  };
}

/** A new shared secret in the Standard Webhooks form `whsec_<base64 of 32 random bytes>`. */
export function newYourLogicSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}

/**
 * Saves the endpoint; seals `secret` when one is given (a new one is made when the account has
 * none yet). Returns the secret when it changed, so it can be shown once.
 */
export async function saveYourLogicSettings(
  env: Bindings,
  accountId: string,
  input: { url: string; enabled: boolean; expirySeconds: number; secret?: string; rotate: boolean; userId: string },
): Promise<string | null> {
  const db = dbFor(env, accountId);
  const existing = await db
    .select({ accountId: yourLogic.accountId })
    .from(yourLogic)
    .where(eq(yourLogic.accountId, accountId))
    .get();
  const secret = input.secret ?? (input.rotate || !existing ? newYourLogicSecret() : null);
  const sealed = secret ? await sealSecret(signingSecret(env), SECRET_PURPOSE, secret) : null;
  const now = nowSeconds();
  if (existing) {
    await db
      .update(yourLogic)
      .set({
        url: input.url,
        enabled: input.enabled,
        expirySeconds: input.expirySeconds,
        updatedBy: input.userId,
        updatedAt: now,
        ...(sealed && secret ? { secretSealed: sealed, secretHint: secret.slice(-4) } : {}),
      })
      .where(eq(yourLogic.accountId, accountId));
  } else if (sealed && secret) {
    await db.insert(yourLogic).values({
      accountId,
      url: input.url,
      enabled: input.enabled,
      expirySeconds: input.expirySeconds,
      secretSealed: sealed,
      secretHint: secret.slice(-4),
      updatedBy: input.userId,
      createdAt: now,
      updatedAt: now,
    });
  }
  return secret;
}

/** The account's endpoint and decrypted secret, or null when it has none. */
export async function yourLogicTarget(env: Bindings, accountId: string): Promise<YourLogicTarget | null> {
  const row = await dbFor(env, accountId).select().from(yourLogic).where(eq(yourLogic.accountId, accountId)).get();
  if (!row) return null;
  return {
    url: row.url,
    secret: await openSecret(signingSecret(env), SECRET_PURPOSE, row.secretSealed),
    expirySeconds: row.expirySeconds,
    enabled: row.enabled,
  };
}

/** The account's domain and region, which every event carries. */
export async function accountPlace(db: Db, accountId: string): Promise<{ domain: string; region: string } | null> {
  return (
    (await db
      .select({ domain: account.domain, region: account.region })
      .from(account)
      .where(and(eq(account.id, accountId)))
      .get()) ?? null
  );
}

/** A random 32-byte token; customer socket tokens use it. */
export const newToken = () => randomToken(32);
