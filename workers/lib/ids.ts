import { v4, v5 } from "uuid";

// Fixed namespace for Brine PIDs. Changing it would change every deterministic PID.
const PID_NAMESPACE = "6f1c5b52-8f57-4a8b-9a41-0e0d3f1c9b27";

/**
 * The deterministic PID of an item that came from a source: the same
 * (account, source, data set, external id) always yields the same UUIDv5, so
 * re-uploads and re-syncs never duplicate and references resolve before their target arrives.
 */
export function sourcePid(accountId: string, sourceId: string, dataset: string, externalId: string): string {
  return v5(JSON.stringify([accountId, sourceId, dataset, externalId]), PID_NAMESPACE);
}

/** A random PID for an item born in Brine. */
export function newPid(): string {
  return v4();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (any version), the only shape a PID or id takes. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The deterministic PID of something Brine itself puts in every account (a built-in tag,
 * question, answer or form), so creating it again — at sign-up and lazily later — never
 * duplicates it. `key` names the item within its data set (`question`, `CSAT`).
 */
export function builtinPid(accountId: string, dataset: string, key: string): string {
  return v5(JSON.stringify([accountId, "builtin", dataset, key]), PID_NAMESPACE);
}

/**
 * The PID of an item derived from a client-chosen id, such as the review a submission gives
 * one question: the same (account, kind, parts…) always yields the same UUIDv5, so a request
 * sent twice creates nothing new.
 */
export function derivedPid(accountId: string, kind: string, ...parts: string[]): string {
  return v5(JSON.stringify([accountId, kind, ...parts, "derived"]), PID_NAMESPACE);
}
