import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or } from "drizzle-orm";
import {
  type ActionButton,
  type Brand,
  DEFAULT_EXPIRY_SECONDS,
  type InboxItem,
  type InboxSection,
  type LiveChannel,
  type ParticipantType,
  RECENTLY_LEFT_MS,
  type YourLogicSettings,
} from "../../schemas/live";
import { signingSecret } from "../accounts/auth";
import { type Db, dbFor } from "../db/client";
import {
  account,
  liveActionButton,
  liveBrand,
  liveInbox,
  liveInvitation,
  liveParticipation,
  yourLogic,
} from "../db/schema";
import type { Bindings } from "../env";
import { openSecret, randomToken, sealSecret } from "../lib/crypto";
import { newPid } from "../lib/ids";
import { decodeCursor, encodeCursor } from "../lib/paging";
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

// ───────────────────────────── action buttons ─────────────────────────────

export async function actionButtons(db: Db, accountId: string): Promise<ActionButton[]> {
  const rows = await db
    .select()
    .from(liveActionButton)
    .where(eq(liveActionButton.accountId, accountId))
    .orderBy(asc(liveActionButton.position));
  return rows.map((r) => ({ name: r.name, label: r.label, visibleToExternal: r.visibleToExternal }));
}

/** Replaces the account's buttons with `items`, in their order. */
export async function saveActionButtons(db: Db, accountId: string, items: ActionButton[]): Promise<void> {
  await db.batch([
    db.delete(liveActionButton).where(eq(liveActionButton.accountId, accountId)),
    ...items.map((b, position) =>
      db.insert(liveActionButton).values({
        accountId,
        name: b.name,
        label: b.label,
        visibleToExternal: b.visibleToExternal,
        position,
      }),
    ),
  ] as unknown as Parameters<typeof db.batch>[0]);
}

// ───────────────────────────── brands ─────────────────────────────

const BRAND_SECRET_PURPOSE = "brand-identity-secret";

type BrandRow = typeof liveBrand.$inferSelect;

function brandView(r: BrandRow): Brand {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    allowedOrigins: JSON.parse(r.allowedOrigins) as string[],
    openingMessage: r.openingMessage,
    placeholder: r.placeholder,
    secretHint: r.secretHint,
    createdAt: isoFromSeconds(r.createdAt),
    updatedAt: isoFromSeconds(r.updatedAt),
  };
}

export async function listBrands(
  db: Db,
  accountId: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: Brand[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const rows = await db
    .select()
    .from(liveBrand)
    .where(
      and(
        eq(liveBrand.accountId, accountId),
        after
          ? or(gt(liveBrand.createdAt, after[0]), and(eq(liveBrand.createdAt, after[0]), gt(liveBrand.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(asc(liveBrand.createdAt), asc(liveBrand.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(brandView),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export async function getBrand(db: Db, accountId: string, id: string): Promise<Brand | null> {
  const row = await db
    .select()
    .from(liveBrand)
    .where(and(eq(liveBrand.accountId, accountId), eq(liveBrand.id, id)))
    .get();
  return row ? brandView(row) : null;
}

/** A brand with its decrypted identity secret, for verifying identities only. */
export async function brandWithSecret(
  env: Bindings,
  accountId: string,
  id: string,
): Promise<(Brand & { secret: string }) | null> {
  const row = await dbFor(env, accountId)
    .select()
    .from(liveBrand)
    .where(and(eq(liveBrand.accountId, accountId), eq(liveBrand.id, id)))
    .get();
  if (!row) return null;
  return { ...brandView(row), secret: await openSecret(signingSecret(env), BRAND_SECRET_PURPOSE, row.secretSealed) };
}

export async function createBrand(
  env: Bindings,
  accountId: string,
  input: {
    name: string;
    color: string;
    allowedOrigins: string[];
    openingMessage: string | null;
    placeholder: string | null;
  },
): Promise<{ brand: Brand; secret: string }> {
  const secret = newBrandSecret();
  const id = newPid();
  const now = nowSeconds();
  await dbFor(env, accountId)
    .insert(liveBrand)
    .values({
      accountId,
      id,
      name: input.name,
      color: input.color,
      allowedOrigins: JSON.stringify([...new Set(input.allowedOrigins)]),
      openingMessage: input.openingMessage,
      placeholder: input.placeholder,
      secretSealed: await sealSecret(signingSecret(env), BRAND_SECRET_PURPOSE, secret),
      secretHint: secret.slice(-4),
      createdAt: now,
      updatedAt: now,
    });
  const brand = await getBrand(dbFor(env, accountId), accountId, id);
  if (!brand) throw new Error("brand vanished");
  return { brand, secret };
}

export async function updateBrand(
  env: Bindings,
  accountId: string,
  id: string,
  patch: Partial<{
    name: string;
    color: string;
    allowedOrigins: string[];
    openingMessage: string | null;
    placeholder: string | null;
  }>,
  rotate = false,
): Promise<{ brand: Brand; secret: string | null } | null> {
  const db = dbFor(env, accountId);
  const secret = rotate ? newBrandSecret() : null;
  const result = await db
    .update(liveBrand)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.color !== undefined ? { color: patch.color } : {}),
      ...(patch.allowedOrigins !== undefined
        ? { allowedOrigins: JSON.stringify([...new Set(patch.allowedOrigins)]) }
        : {}),
      ...(patch.openingMessage !== undefined ? { openingMessage: patch.openingMessage } : {}),
      ...(patch.placeholder !== undefined ? { placeholder: patch.placeholder } : {}),
      ...(secret
        ? {
            secretSealed: await sealSecret(signingSecret(env), BRAND_SECRET_PURPOSE, secret),
            secretHint: secret.slice(-4),
          }
        : {}),
      updatedAt: nowSeconds(),
    })
    .where(and(eq(liveBrand.accountId, accountId), eq(liveBrand.id, id)))
    .returning({ id: liveBrand.id });
  if (result.length === 0) return null;
  const brand = await getBrand(db, accountId, id);
  return brand ? { brand, secret } : null;
}

export async function deleteBrand(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .delete(liveBrand)
    .where(and(eq(liveBrand.accountId, accountId), eq(liveBrand.id, id)))
    .returning({ id: liveBrand.id });
  return result.length > 0;
}

/** A brand's identity-signing secret: 32 random bytes, base64url. */
export const newBrandSecret = () => `bsec_${randomToken(32)}`;

// ───────────────────────────── invitations ─────────────────────────────

export async function insertInvitation(
  db: Db,
  i: {
    accountId: string;
    id: string;
    conversationPid: string;
    contact: string;
    contactType: string;
    name: string | null;
    note: string | null;
    invitedBy: string;
    expiresAt: number;
  },
): Promise<void> {
  await db.insert(liveInvitation).values(i).onConflictDoNothing();
}

export async function getInvitation(db: Db, accountId: string, id: string) {
  return (
    (await db
      .select()
      .from(liveInvitation)
      .where(and(eq(liveInvitation.accountId, accountId), eq(liveInvitation.id, id)))
      .get()) ?? null
  );
}

// ───────────────────────────── the inbox ─────────────────────────────

type InboxRowDb = typeof liveInbox.$inferSelect;

function inboxView(r: InboxRowDb, leftMs?: number | null): InboxItem {
  return {
    conversationPid: r.conversationPid,
    customerPid: r.customerPid,
    customerName: r.customerName,
    channel: r.channel as LiveChannel,
    brand: r.brand,
    status: r.status as InboxItem["status"],
    needsHelp: r.needsHelp,
    needsHelpReason: r.needsHelpReason,
    yourLogicWorking: r.yourLogicWorking,
    lastTurn: r.lastTurn
      ? (JSON.parse(r.lastTurn) as { time: string; participantType: ParticipantType; content: string })
      : null,
    agents: JSON.parse(r.agents) as { id: string; name: string | null }[],
    startTime: new Date(r.startMs).toISOString(),
    updatedTime: new Date(r.updatedMs).toISOString(),
    ...(leftMs ? { leftAt: new Date(leftMs).toISOString() } : {}),
  };
}

/**
 * One section of the live inbox, newest activity first (Recently Left: most recently left first).
 * Every query is led by the account.
 */
export async function inboxSection(
  db: Db,
  accountId: string,
  userId: string,
  section: InboxSection,
  page: { limit: number; cursor?: string },
): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  if (section === "mine" || section === "recentlyLeft") {
    const left = section === "recentlyLeft";
    const sortCol = left ? liveParticipation.leftMs : liveInbox.updatedMs;
    const rows = await db
      .select({ inbox: liveInbox, leftMs: liveParticipation.leftMs })
      .from(liveParticipation)
      .innerJoin(
        liveInbox,
        and(
          eq(liveInbox.accountId, liveParticipation.accountId),
          eq(liveInbox.conversationPid, liveParticipation.conversationPid),
        ),
      )
      .where(
        and(
          eq(liveParticipation.accountId, accountId),
          eq(liveParticipation.userId, userId),
          left
            ? and(isNotNull(liveParticipation.leftMs), gt(liveParticipation.leftMs, Date.now() - RECENTLY_LEFT_MS))
            : isNull(liveParticipation.leftMs),
          after
            ? or(lt(sortCol, after[0]), and(eq(sortCol, after[0]), lt(liveParticipation.conversationPid, after[1])))
            : undefined,
        ),
      )
      .orderBy(desc(sortCol), desc(liveParticipation.conversationPid))
      .limit(page.limit + 1);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => inboxView(r.inbox, left ? r.leftMs : undefined)),
      nextCursor:
        rows.length > page.limit && last
          ? encodeCursor((left ? last.leftMs : last.inbox.updatedMs) ?? 0, last.inbox.conversationPid)
          : null,
    };
  }
  const rows = await db
    .select()
    .from(liveInbox)
    .where(
      and(
        eq(liveInbox.accountId, accountId),
        eq(liveInbox.status, "IN_PROGRESS"),
        section === "helpNeeded" ? eq(liveInbox.needsHelp, true) : undefined,
        after
          ? or(
              lt(liveInbox.updatedMs, after[0]),
              and(eq(liveInbox.updatedMs, after[0]), lt(liveInbox.conversationPid, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(desc(liveInbox.updatedMs), desc(liveInbox.conversationPid))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => inboxView(r)),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.updatedMs, last.conversationPid) : null,
  };
}

/** Whether the conversation is one of the account's live ones (the inbox knows every one). */
export async function isLiveConversation(db: Db, accountId: string, conversationPid: string): Promise<boolean> {
  const row = await db
    .select({ pid: liveInbox.conversationPid })
    .from(liveInbox)
    .where(and(eq(liveInbox.accountId, accountId), eq(liveInbox.conversationPid, conversationPid)))
    .get();
  return Boolean(row);
}
