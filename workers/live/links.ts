import { MEDIA_LINK_SECONDS, SignedIdentity } from "../../schemas/live";
import { hmac, timingSafeEqual, toBase64Url } from "../lib/crypto";

// The signed tokens of live conversations. Each is `<base64url JSON>.<base64url HMAC-SHA256>`:
// the payload says what it grants and until when; the MAC is checked in constant time before
// anything in the payload is trusted.
//   media links     grant GET of one stored file for 24 hours (seed 003), signed with SIGNING_SECRET
//   external links  grant an external agent one conversation until the invitation expires
//   identities      come from the site's backend, signed with the brand's secret

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function sign(secret: string, purpose: string, payload: unknown): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  return `${body}.${await hmac(secret, `${purpose}:${body}`)}`;
}

/** The payload of a token whose MAC matches, or null. Expiry is the caller's to check. */
async function open(secret: string, purpose: string, token: string): Promise<unknown> {
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) return null;
  if (!(await timingSafeEqual(mac, await hmac(secret, `${purpose}:${body}`)))) return null;
  const bytes = fromBase64Url(body);
  if (!bytes) return null;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

// ───────────────────────────── media ─────────────────────────────

/** A link to one stored file of the account, valid 24 hours. */
export async function signMediaLink(secret: string, origin: string, accountId: string, key: string): Promise<string> {
  const token = await sign(secret, "live-media", { a: accountId, k: key, e: nowSeconds() + MEDIA_LINK_SECONDS });
  return `${origin}/api/v1/live/media/${token}`;
}

export type LinkCheck<T> = { ok: true; value: T } | { ok: false; code: "LINK_INVALID" | "LINK_EXPIRED" };

export async function openMediaLink(
  secret: string,
  token: string,
): Promise<LinkCheck<{ accountId: string; key: string }>> {
  const p = (await open(secret, "live-media", token)) as { a?: unknown; k?: unknown; e?: unknown } | null;
  if (!p || typeof p.a !== "string" || typeof p.k !== "string" || typeof p.e !== "number") {
    return { ok: false, code: "LINK_INVALID" };
  }
  if (p.e < nowSeconds()) return { ok: false, code: "LINK_EXPIRED" };
  return { ok: true, value: { accountId: p.a, key: p.k } };
}

// ───────────────────────────── external agents ─────────────────────────────

export interface ExternalGrant {
  accountId: string;
  conversationPid: string;
  invitationPid: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** The page an external agent opens: it carries a token granting one conversation until it expires. */
export async function externalLink(secret: string, origin: string, grant: ExternalGrant): Promise<string> {
  const token = await sign(secret, "live-external", {
    a: grant.accountId,
    c: grant.conversationPid,
    i: grant.invitationPid,
    e: grant.expiresAt,
  });
  return `${origin}/external/${token}`;
}

export async function openExternalToken(secret: string, token: string): Promise<LinkCheck<ExternalGrant>> {
  const p = (await open(secret, "live-external", token)) as Record<string, unknown> | null;
  if (!p || typeof p.a !== "string" || typeof p.c !== "string" || typeof p.i !== "string" || typeof p.e !== "number") {
    return { ok: false, code: "LINK_INVALID" };
  }
  if (p.e < nowSeconds()) return { ok: false, code: "LINK_EXPIRED" };
  return { ok: true, value: { accountId: p.a, conversationPid: p.c, invitationPid: p.i, expiresAt: p.e } };
}

// ───────────────────────────── customer identity ─────────────────────────────

export type IdentityCheck =
  | { ok: true; value: SignedIdentity }
  | { ok: false; code: "INVALID_IDENTITY" | "IDENTITY_EXPIRED"; message: string };

/**
 * Verifies an identity signed by the site's backend: `base64url(JSON).base64url(HMAC-SHA256(brand
 * secret, first part))` — the MAC over the encoded JSON exactly as sent (docs/universal-chat.md).
 */
export async function verifyIdentity(brandSecret: string, token: string): Promise<IdentityCheck> {
  const [body, mac, extra] = token.split(".");
  const invalid = {
    ok: false,
    code: "INVALID_IDENTITY",
    message: "The customer identity's signature is not valid.",
  } as const;
  if (!body || !mac || extra !== undefined) return invalid;
  if (!(await timingSafeEqual(mac, await hmac(brandSecret, body)))) return invalid;
  const bytes = fromBase64Url(body);
  let json: unknown;
  try {
    json = bytes ? JSON.parse(decoder.decode(bytes)) : null;
  } catch {
    json = null;
  }
  const parsed = SignedIdentity.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      code: "INVALID_IDENTITY",
      message: `The customer identity is not valid: ${issue ? `${issue.path.join(".") || "identity"}: ${issue.message}` : ""}`,
    };
  }
  if (parsed.data.exp < nowSeconds()) {
    return { ok: false, code: "IDENTITY_EXPIRED", message: "The customer identity has expired; sign a new one." };
  }
  return { ok: true, value: parsed.data };
}

/** How a site's backend signs an identity (used by tests and the example; any language can do the same). */
export async function signIdentity(brandSecret: string, identity: Record<string, unknown>): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify(identity)));
  return `${body}.${await hmac(brandSecret, body)}`;
}
