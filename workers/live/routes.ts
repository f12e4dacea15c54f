import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import {
  ActionInput,
  AnswerResult,
  answerRequestId,
  CallbackParams,
  CompleteEngagementInput,
  ConversationFlags,
  ConversationParam,
  ConversationState,
  InboxPage,
  InboxQuery,
  InvitationCreated,
  InvitationInput,
  LiveTurn,
  MessageInput,
  NeedsHelpInput,
  YourLogicAnswer,
  YourLogicSettings,
  YourLogicSettingsInput,
  YourLogicSettingsSaved,
} from "../../schemas/live";
import { requireUser } from "../accounts/auth";
import { dbFor } from "../db/client";
import type { AppEnv } from "../env";
import { timingSafeEqual, webhookSignature } from "../lib/crypto";
import { ApiError, badRequest, conflict, forbidden, notFound, unauthenticated } from "../lib/errors";
import { isUuid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { router } from "../lib/router";
import { conversationStub, type LiveResult } from "./conversation";
import { hubStub } from "./hub";
import { getYourLogicSettings, inboxSection, saveYourLogicSettings, yourLogicTarget } from "./queries";

const tags = ["Live conversations"];

/** Callback signatures older or newer than this are refused (Standard Webhooks' tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A conversation object's failure as an HTTP error with the same code. */
export function unwrap<T>(result: LiveResult<T>): T {
  if (result.ok) return result.value;
  switch (result.code) {
    case "NOT_STARTED":
      throw notFound("Conversation");
    case "REQUEST_NOT_FOUND":
    case "QUESTION_NOT_FOUND":
    case "TURN_NOT_FOUND":
      throw new ApiError(404, result.code, result.message);
    case "REQUEST_EXPIRED":
    case "REQUEST_ALREADY_ANSWERED":
    case "WEBHOOK_REPLAYED":
    case "ALREADY_STARTED":
    case "ALREADY_JOINED":
    case "CONVERSATION_COMPLETED":
      throw conflict(result.code, result.message);
    case "INVALID_TOKEN":
      throw unauthenticated(result.code, result.message);
    case "INVITATION_FAILED":
      throw new ApiError(503, result.code, result.message);
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
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/inbox",
      tags,
      summary: "One section of the live inbox: My Conversations, Help Needed, Recently Left, All Live Conversations",
      description:
        "Newest activity first, paged. `all` needs `liveConversations.viewAll`. Errors: 400 `VALIDATION_FAILED`, " +
        "`INVALID_CURSOR`; 403 `FORBIDDEN`.",
      security: COOKIE_AUTH,
      middleware: [requireUser("liveConversations.handle")] as const,
      request: { query: InboxQuery },
      responses: { 200: json(InboxPage, "A page of the section"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      if (q.section === "all" && !c.var.user.permissions.has("liveConversations.viewAll")) {
        throw forbidden("FORBIDDEN", "All Live Conversations needs the liveConversations.viewAll permission.");
      }
      const db = dbFor(c.env, c.var.accountId);
      return c.json(await inboxSection(db, c.var.accountId, c.var.user.userId, q.section, q), 200);
    },
  )
  .openapi(
    agentRoute(
      "join",
      "Join the conversation: the queue engagement ends, mine starts, needs help clears",
      ConversationState,
    ),
    async (c) => {
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.agentJoin(worker(c.var.user))), 200);
    },
  )
  .openapi(
    agentRoute("leave", "Leave the conversation (outcome Moved); it shows in Recently Left", ConversationState),
    async (c) => {
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.agentLeave(worker(c.var.user))), 200);
    },
  )
  .openapi(
    agentRoute(
      "complete-engagement",
      "Complete my engagement with an outcome and reason, and leave",
      ConversationState,
      CompleteEngagementInput,
    ),
    async (c) => {
      const input = c.req.valid("json");
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.completeEngagement({ ...worker(c.var.user), ...input })), 200);
    },
  )
  .openapi(
    agentRoute("needs-help", "Ask for help, or say it is no longer needed", ConversationFlags, NeedsHelpInput),
    async (c) => {
      const input = c.req.valid("json");
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.setNeedsHelp({ agent: c.var.user.userId, ...input })), 200);
    },
  )
  .openapi(agentRoute("complete", "Complete the whole conversation", ConversationState), async (c) => {
    const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
    return c.json(unwrap(await stub.completeConversation({ by: "AGENT", agent: c.var.user.userId })), 200);
  })
  .openapi(agentRoute("messages", "Write to the customer (join first)", LiveTurn, MessageInput), async (c) => {
    const input = c.req.valid("json");
    const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
    return c.json(unwrap(await stub.agentMessage({ ...worker(c.var.user), ...input })), 200);
  })
  .openapi(
    agentRoute(
      "notes",
      "An internal note: agents and Your Logic see it, the customer never does",
      LiveTurn,
      MessageInput,
    ),
    async (c) => {
      const input = c.req.valid("json");
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.agentNote({ ...worker(c.var.user), ...input })), 200);
    },
  )
  .openapi(
    agentRoute(
      "actions",
      "Press a custom action button: Your Logic hears ACTION",
      z.object({ action: z.string() }),
      ActionInput,
    ),
    async (c) => {
      const input = c.req.valid("json");
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      return c.json(unwrap(await stub.pressAction({ ...worker(c.var.user), ...input })), 200);
    },
  )
  .openapi(
    agentRoute(
      "invitations",
      "Invite an external agent by e-mail or phone: a signed link to this conversation only, which expires",
      InvitationCreated,
      InvitationInput,
    ),
    async (c) => {
      const input = c.req.valid("json");
      const stub = conversationStub(c.env, c.var.accountId, c.req.valid("param").conversation);
      const contact = input.email ?? input.phone ?? "";
      const contactType: "Email" | "Phone" = input.email ? "Email" : "Phone";
      const made = unwrap(
        await stub.invite({
          by: c.var.user.userId,
          byName: c.var.user.name,
          contact,
          contactType,
          name: input.name,
          note: input.note,
          expiresInHours: input.expiresInHours,
        }),
      );
      return c.json(
        {
          invitation: { pid: made.pid, contact, contactType, name: input.name ?? null, expiresAt: made.expiresAt },
          link: made.link,
        },
        200,
      );
    },
  );

// WebSocket upgrades: plain routes (OpenAPI does not describe sockets; docs/live.md does).
liveRoutes.get("/inbox/socket", requireUser("liveConversations.handle"), async (c) => {
  sameOriginSocket(c.req.raw);
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-live-user", c.var.user.userId);
  return hubStub(c.env, c.var.accountId).fetch(new Request(c.req.raw, { headers }));
});
liveRoutes.get(
  "/conversations/:conversation/socket",
  requireUser("liveConversations.handle", "conversations.viewContent"),
  async (c) => {
    sameOriginSocket(c.req.raw);
    const conversation = c.req.param("conversation");
    if (!isUuid(conversation)) throw notFound("Conversation");
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-live-role", "agent");
    headers.set("x-live-agent", c.var.user.userId);
    headers.set("x-live-name", encodeURIComponent(c.var.user.name));
    const res = await conversationStub(c.env, c.var.accountId, conversation).fetch(new Request(c.req.raw, { headers }));
    if (res.status === 404) throw notFound("Conversation");
    return res;
  },
);

/** The agent working a conversation, as the conversation object knows them. */
function worker(user: { userId: string; name: string }) {
  return { agent: user.userId, name: user.name };
}

/** A POST on one conversation by an agent who handles live conversations. */
function agentRoute<R extends z.ZodType, B extends z.ZodType | undefined = undefined>(
  action: string,
  summary: string,
  response: R,
  input?: B,
) {
  return createRoute({
    method: "post",
    path: `/conversations/{conversation}/${action}`,
    tags,
    summary,
    description:
      "Errors: 400 `VALIDATION_FAILED`, `NOT_A_PARTICIPANT`, `MESSAGE_TOO_LONG`, `UNKNOWN_ACTION`; " +
      "404 `NOT_FOUND` (no such conversation in this account); 409 `ALREADY_JOINED`, `CONVERSATION_COMPLETED`.",
    security: COOKIE_AUTH,
    middleware: [requireUser("liveConversations.handle", "conversations.viewContent")] as const,
    request: {
      params: ConversationParam,
      ...(input ? { body: body(input) } : {}),
    } as { params: typeof ConversationParam; body: B extends z.ZodType ? ReturnType<typeof body<B>> : undefined },
    responses: { 200: json(response, "Done"), ...errors(400, 401, 403, 404, 409) },
  });
}

/**
 * Sockets opened with the session cookie must come from Brine's own pages: browsers send cookies
 * on cross-site WebSocket handshakes, so the Origin is checked (cross-site WebSocket hijacking).
 */
export function sameOriginSocket(request: Request): void {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "Open this address as a WebSocket.");
  }
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(request.url).origin) throw forbidden("CSRF_FAILED", "Cross-site socket refused.");
}
