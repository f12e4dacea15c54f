import { MAX_CUSTOM_BYTES, type YourLogicAnswer, YourLogicAnswer as YourLogicAnswerSchema } from "../../schemas/live";
import { webhookSignature } from "../lib/crypto";
import type { YourLogicTarget } from "./queries";

// Sending one event to Your Logic and reading its synchronous answer. The conversation object
// decides what to send and when (one at a time); this module only speaks HTTP.

/** How an event's delivery ended. `waiting`: accepted without a body, the answer comes by callback. */
export type Delivery =
  | { kind: "answer"; answer: YourLogicAnswer }
  | { kind: "waiting" }
  | {
      kind: "failed";
      code: "YOUR_LOGIC_UNREACHABLE" | "YOUR_LOGIC_TIMEOUT" | "YOUR_LOGIC_ERROR" | "YOUR_LOGIC_MALFORMED";
      message: string;
    };

/** Bytes of a synchronous answer Brine reads at most. */
const MAX_ANSWER_BYTES = 256 * 1024;

/** Whether custom data fits the 1 kB limit of seed 003 (as UTF-8 JSON). */
export function customFits(custom: unknown): boolean {
  return custom === undefined || new TextEncoder().encode(JSON.stringify(custom)).length <= MAX_CUSTOM_BYTES;
}

/**
 * The headers of one event: the shared secret as a bearer token, and Standard Webhooks
 * `webhook-id`, `webhook-timestamp`, `webhook-signature` so the receiver can check and dedupe.
 */
export async function eventHeaders(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    authorization: `Bearer ${secret}`,
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": await webhookSignature(secret, webhookId, timestampSeconds, body),
    "user-agent": "Brine-YourLogic/1",
  };
}

/** POSTs one event and classifies the response; never throws. Gives up at `deadlineMs`. */
export async function deliverEvent(
  target: YourLogicTarget,
  webhookId: string,
  body: string,
  deadlineMs: number,
): Promise<Delivery> {
  const headers = await eventHeaders(target.secret, webhookId, Math.floor(Date.now() / 1000), body);
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(Math.max(1, deadlineMs - Date.now())),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return timedOut
      ? { kind: "failed", code: "YOUR_LOGIC_TIMEOUT", message: "Your Logic did not answer before the event expired." }
      : { kind: "failed", code: "YOUR_LOGIC_UNREACHABLE", message: `Your Logic could not be reached: ${String(err)}` };
  }
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel();
    return { kind: "failed", code: "YOUR_LOGIC_ERROR", message: `Your Logic answered HTTP ${res.status}.` };
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return { kind: "failed", code: "YOUR_LOGIC_UNREACHABLE", message: "Your Logic's response could not be read." };
  }
  if (text.trim() === "") return { kind: "waiting" };
  if (text.length > MAX_ANSWER_BYTES) {
    return { kind: "failed", code: "YOUR_LOGIC_MALFORMED", message: "Your Logic's answer is larger than 256 KiB." };
  }
  return parseAnswer(text);
}

/** A synchronous answer's body parsed and checked; custom data over 1 kB counts as malformed. */
export function parseAnswer(text: string): Delivery {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "failed", code: "YOUR_LOGIC_MALFORMED", message: "Your Logic's answer is not JSON." };
  }
  const parsed = YourLogicAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: "failed",
      code: "YOUR_LOGIC_MALFORMED",
      message: `Your Logic's answer is not valid: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : ""}`,
    };
  }
  if (!customFits(parsed.data.customer?.custom) || !customFits(parsed.data.conversation?.custom)) {
    return { kind: "failed", code: "YOUR_LOGIC_MALFORMED", message: "Custom data in the answer is larger than 1 kB." };
  }
  return { kind: "answer", answer: parsed.data };
}
