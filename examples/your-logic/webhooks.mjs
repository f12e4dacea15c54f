// Standard Webhooks (https://www.standardwebhooks.com/) as Brine speaks it: the same key
// derivation as workers/lib/crypto.ts webhookSignature, and the checks a receiver must make.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** Seconds a `webhook-timestamp` may be off, either way (Standard Webhooks' and Brine's tolerance). */
export const TOLERANCE_SECONDS = 5 * 60;

/** The HMAC key: the base64-decoded part after `whsec_`, or the UTF-8 bytes of a secret of your own. */
export function signingKey(secret) {
  return secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
}

/** `v1,<base64 HMAC-SHA-256(key, "<id>.<timestamp>.<body>")>`. */
export function signature(secret, id, timestamp, body) {
  const mac = createHmac("sha256", signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** Headers for a request Your Logic sends to Brine (the callback): bearer secret plus its own signature. */
export function signedHeaders(secret, body) {
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    authorization: `Bearer ${secret}`,
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature(secret, id, timestamp, body),
  };
}

/** Equal strings, compared without an early exit (lengths are compared first; they are not secret here). */
function same(a, b) {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A checker for Brine's events. `check(headers, body)` gives `{ok: true}` or `{ok: false, code, message}`
 * for: the bearer secret, the signature (any of the space-separated `v1,` entries), a timestamp within
 * five minutes, and a `webhook-id` not seen before (ids are remembered for twice the tolerance, after
 * which their timestamps are stale anyway). `secret()` is asked on every check, so a new secret counts.
 */
export function eventVerifier(secret, now = () => Date.now()) {
  /** webhook-id → when it may be forgotten (ms). */
  const seen = new Map();
  // Insertion order is expiry order, so forgetting stops at the first id still remembered.
  const forget = (at) => {
    for (const [id, until] of seen) {
      if (until > at) break;
      seen.delete(id);
    }
  };
  return function check(headers, body) {
    const key = secret();
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
    if (!bearer) return { ok: false, code: "UNAUTHENTICATED", message: "Authorization: Bearer <secret> is missing." };
    if (!same(bearer, key)) return { ok: false, code: "INVALID_SECRET", message: "The bearer secret is wrong." };
    const id = headers["webhook-id"];
    const timestamp = headers["webhook-timestamp"];
    const sent = headers["webhook-signature"];
    if (!id || !timestamp || !sent) {
      return {
        ok: false,
        code: "INVALID_SIGNATURE",
        message: "webhook-id, webhook-timestamp and webhook-signature are required.",
      };
    }
    const at = now();
    if (!/^\d+$/.test(timestamp) || Math.abs(at / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
      return { ok: false, code: "STALE_TIMESTAMP", message: "webhook-timestamp is more than five minutes off." };
    }
    const expected = signature(key, id, timestamp, body);
    if (!sent.split(" ").some((s) => same(s, expected))) {
      return { ok: false, code: "INVALID_SIGNATURE", message: "webhook-signature does not match the body." };
    }
    forget(at);
    if (seen.has(id)) return { ok: false, code: "WEBHOOK_REPLAYED", message: `webhook-id ${id} was received before.` };
    seen.set(id, at + 2 * TOLERANCE_SECONDS * 1000);
    return { ok: true };
  };
}
