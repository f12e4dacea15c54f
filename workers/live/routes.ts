import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import {
  AnswerResult,
  answerRequestId,
  CallbackParams,
  ConversationParam,
  ConversationState,
  YourLogicAnswer,
  YourLogicSettings,
  YourLogicSettingsInput,
  YourLogicSettingsSaved,
} from "../../schemas/live";
import { requireUser } from "../accounts/auth";
import { dbFor } from "../db/client";
import type { AppEnv } from "../env";
import { timingSafeEqual, webhookSignature } from "../lib/crypto";
import { ApiError, badRequest, conflict, notFound, unauthenticated } from "../lib/errors";
import { isUuid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { router } from "../lib/router";
import { conversationStub, type LiveResult } from "./conversation";
import { getYourLogicSettings, saveYourLogicSettings, yourLogicTarget } from "./queries";

const tags = ["Live conversations"];

/** Callback signatures older or newer than this are refused (Standard Webhooks' tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A conversation object's failure as an HTTP error with the same code. */
function unwrap<T>(result: LiveResult<T>): T {
  if (result.ok) return result.value;
  switch (result.code) {
    case "NOT_STARTED":
      throw notFound("Conversation");
    case "REQUEST_NOT_FOUND":
      throw new ApiError(404, result.code, result.message);
    case "REQUEST_EXPIRED":
    case "REQUEST_ALREADY_ANSWERED":
    case "WEBHOOK_REPLAYED":
    case "ALREADY_STARTED":
    case "ALREADY_JOINED":
    case "CONVERSATION_COMPLETED":
      throw conflict(result.code, result.message);
    default:
      throw badRequest(result.code, result.message);
  }
}

/**
 * Your Logic's callback authentication: `Authorization: Bearer <shared secret>` of the account
 * in the path, compared in constant time; with `webhook-signature`, also the signature over
 * `webhook-id.webhook-timestamp.body` and a timestamp within five minutes.
 */
const requireYourLogic: MiddlewareHandler<AppEnv> = async (c, next) => {
  const account = c.req.param("account") ?? "";
  const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!bearer) throw unauthenticated("UNAUTHENTICATED", "Send the shared secret as `Authorization: Bearer <secret>`.");
  const target = isUuid(account) ? await yourLogicTarget(c.env, account).catch(() => null) : null;
  const valid = await timingSafeEqual(bearer, target?.secret ?? "");
  if (!target || !valid) throw unauthenticated("INVALID_SECRET", "The shared secret is not valid for this account.");
  const signature = c.req.header("webhook-signature");
  if (signature !== undefined) {
    const id = c.req.header("webhook-id") ?? "";
    const timestamp = Number(c.req.header("webhook-timestamp"));
    if (!id || !Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
      throw unauthenticated(
        "INVALID_SIGNATURE",
        "webhook-id and a current webhook-timestamp must come with webhook-signature.",
      );
    }
    const expected = await webhookSignature(target.secret, id, timestamp, await c.req.text());
    const matches = await Promise.all(signature.split(" ").map((s) => timingSafeEqual(s, expected)));
    if (!matches.some(Boolean)) throw unauthenticated("INVALID_SIGNATURE", "The webhook signature does not match.");
  }
  c.set("accountId", account);
  await next();
};

/** Your Logic settings (admins), Your Logic's answers, and live conversations' state. */
export const liveRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/your-logic",
      tags,
      summary: "The account's Your Logic endpoint (never its secret)",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      responses: { 200: json(YourLogicSettings, "Your Logic settings"), ...errors(401, 403) },
    }),
    async (c) => c.json(await getYourLogicSettings(dbFor(c.env, c.var.accountId), c.var.accountId), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/your-logic",
      tags,
      summary: "Set the account's Your Logic endpoint and shared secret",
      description:
        "Brine makes a shared secret (`whsec_…`) on the first save and on `rotateSecret`, or takes `secret`; " +
        "it is returned once, in `secret`, and stored encrypted. Errors (400): `VALIDATION_FAILED`.",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { body: body(YourLogicSettingsInput) },
      responses: { 200: json(YourLogicSettingsSaved, "Saved"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      const accountId = c.var.accountId;
      const secret = await saveYourLogicSettings(c.env, accountId, {
        url: input.url,
        enabled: input.enabled,
        expirySeconds: input.expirySeconds,
        secret: input.secret,
        rotate: input.rotateSecret,
        userId: c.var.user.userId,
      });
      const saved = await getYourLogicSettings(dbFor(c.env, accountId), accountId);
      return c.json({ ...saved, secret }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/your-logic/accounts/{account}/conversations/{conversation}",
      tags,
      summary: "Your Logic's answer to an event (the callback)",
      description:
        "Authenticated with `Authorization: Bearer <shared secret>`; `webhook-id` is remembered and a repeat is refused. " +
        "Errors: 400 `VALIDATION_FAILED`, `CUSTOM_DATA_TOO_LARGE`; 401 `INVALID_SECRET`, `INVALID_SIGNATURE`; " +
        "404 `NOT_FOUND` (no such conversation in this account), `REQUEST_NOT_FOUND`; " +
        "409 `REQUEST_EXPIRED`, `REQUEST_ALREADY_ANSWERED`, `WEBHOOK_REPLAYED`. See docs/your-logic.md.",
      security: [{ yourLogic: [] }],
      middleware: [requireYourLogic] as const,
      request: { params: CallbackParams, body: body(YourLogicAnswer) },
      responses: { 200: json(AnswerResult, "Applied; one result per action"), ...errors(400, 401, 404, 409) },
    }),
    async (c) => {
      const { account, conversation } = c.req.valid("param");
      const answer = c.req.valid("json");
      const requestId = answerRequestId(answer);
      if (!requestId) throw badRequest("VALIDATION_FAILED", "requestId: the answer must name the event it answers.");
      const webhookId = c.req.header("webhook-id");
      const result = await conversationStub(c.env, account, conversation).answer({
        requestId,
        answer,
        ...(webhookId ? { webhookId } : {}),
      });
      return c.json(unwrap(result), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/conversations/{conversation}",
      tags,
      summary: "One live conversation: flags, customer, engagements, turns, participants, Your Logic's queue",
      security: COOKIE_AUTH,
      middleware: [requireUser("liveConversations.handle", "conversations.viewContent")] as const,
      request: { params: ConversationParam },
      responses: { 200: json(ConversationState, "The conversation"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { conversation } = c.req.valid("param");
      return c.json(unwrap(await conversationStub(c.env, c.var.accountId, conversation).read()), 200);
    },
  );
