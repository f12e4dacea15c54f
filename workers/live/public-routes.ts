import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  ActionInput,
  type Contact,
  ConversationState,
  ExternalParams,
  ExternalView,
  LiveTurn,
  MAX_FILE_BYTES,
  MessageInput,
  WidgetConfig,
  WidgetConversationParams,
  WidgetQuery,
  WidgetStart,
  WidgetStarted,
} from "../../schemas/live";
import { signingSecret } from "../accounts/auth";
import { dbFor } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError, badRequest, forbidden, notFound, unauthenticated } from "../lib/errors";
import { isUuid, newPid } from "../lib/ids";
import { maskContact } from "../lib/mask";
import { body, errors, json } from "../lib/openapi";
import { router } from "../lib/router";
import { conversationStub, customerView, externalParticipant, type Worker } from "./conversation";
import { openExternalToken, openMediaLink, verifyIdentity } from "./links";
import { actionButtons, brandWithSecret, getInvitation } from "./queries";
import { unwrap } from "./routes";

// What runs without a Brine session: the Universal Chat widget (its brand's allowed origins are
// the gate), signed media links, and external agents' signed links.

const tags = ["Live conversations"];

/** The widget's routes answer cross-origin requests from the brand's allowed origins only. */
function allowOrigin(c: Context<AppEnv>, allowed: string[]): string {
  const origin = c.req.header("origin") ?? "";
  // The error must be readable by the page, or the widget could not say why it is refused.
  if (origin) c.header("access-control-allow-origin", origin);
  c.header("vary", "Origin");
  if (!origin || !allowed.includes(origin)) {
    throw forbidden(
      "ORIGIN_NOT_ALLOWED",
      `This brand's widget may not be used on ${origin || "a page without an Origin"}; add it to the brand's allowed origins.`,
    );
  }
  return origin;
}

async function loadBrand(c: Context<AppEnv>, accountId: string, brandId: string) {
  const brand = await brandWithSecret(c.env, accountId, brandId);
  if (!brand) {
    const origin = c.req.header("origin");
    if (origin) c.header("access-control-allow-origin", origin);
    throw new ApiError(404, "BRAND_NOT_FOUND", "No such brand in this account.");
  }
  return brand;
}

/** The customer's bearer token on a widget request. */
function customerToken(c: Context<AppEnv>): string {
  const token = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.query("token");
  if (!token) throw unauthenticated("UNAUTHENTICATED", "Send the customer token as `Authorization: Bearer <token>`.");
  return token;
}

/** The conversation's brand, and the origin check against it; the customer token proves the caller. */
async function widgetCaller(c: Context<AppEnv>, accountId: string, conversationPid: string) {
  if (!isUuid(accountId) || !isUuid(conversationPid)) throw notFound("Conversation");
  const stub = conversationStub(c.env, accountId, conversationPid);
  const { brandId } = unwrap(await stub.checkCustomer(customerToken(c)));
  if (brandId) allowOrigin(c, (await loadBrand(c, accountId, brandId)).allowedOrigins);
  return stub;
}

export const widgetRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/config",
      tags,
      summary: "Universal Chat: the brand's look (from an allowed origin only)",
      description: "Errors: 403 `ORIGIN_NOT_ALLOWED`; 404 `BRAND_NOT_FOUND`.",
      request: { query: WidgetQuery },
      responses: { 200: json(WidgetConfig, "The brand"), ...errors(400, 403, 404) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const brand = await loadBrand(c, q.account, q.brand);
      allowOrigin(c, brand.allowedOrigins);
      return c.json(
        {
          brandId: brand.id,
          name: brand.name,
          color: brand.color,
          openingMessage: brand.openingMessage,
          placeholder: brand.placeholder,
          maxFileBytes: MAX_FILE_BYTES,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations",
      tags,
      summary: "Universal Chat: start a conversation; returns the customer token for its socket",
      description:
        "Errors: 400 `VALIDATION_FAILED`, `CUSTOM_DATA_TOO_LARGE`; 401 `INVALID_IDENTITY` (tampered or badly signed), " +
        "`IDENTITY_EXPIRED`; 403 `ORIGIN_NOT_ALLOWED`; 404 `BRAND_NOT_FOUND`. See docs/universal-chat.md.",
      request: { body: body(WidgetStart) },
      responses: { 201: json(WidgetStarted, "Started"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const input = c.req.valid("json");
      const brand = await loadBrand(c, input.accountId, input.brandId);
      allowOrigin(c, brand.allowedOrigins);
      let customer: { displayName?: string; contacts: Contact[]; custom?: Record<string, unknown> } = { contacts: [] };
      if (input.identity) {
        const identity = await verifyIdentity(brand.secret, input.identity);
        if (!identity.ok) throw unauthenticated(identity.code, identity.message);
        // Related contacts join the identity graph too, so this chat links to their journeys.
        const contacts = [...identity.value.contacts, ...identity.value.relatedContacts];
        const seen = new Set<string>();
        customer = {
          displayName: identity.value.displayName,
          contacts: contacts.filter((x) => !seen.has(x.contact) && seen.add(x.contact)).slice(0, 20),
          custom: identity.value.custom,
        };
      }
      const conversationPid = newPid();
      const url = input.url && /^https?:\/\//i.test(input.url) ? input.url : undefined;
      const started = unwrap(
        await conversationStub(c.env, input.accountId, conversationPid).start({
          accountId: input.accountId,
          conversationPid,
          customer,
          channel: "CHAT",
          brand: brand.name,
          brandId: brand.id,
          ...(url ? { url } : {}),
          ...(input.languageCustomer ? { languageCustomer: input.languageCustomer } : {}),
          origin: new URL(c.req.url).origin,
        }),
      ) as { state: z.infer<typeof ConversationState>; customerToken: string };
      return c.json({ conversationPid, customerToken: started.customerToken, state: customerView(started.state) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/conversations/{conversation}/files",
      tags,
      summary: "Universal Chat: send a file (up to 10 MB); it becomes a FILE turn and Your Logic hears FILE",
      description:
        "The raw file is the body; `content-type` is its type and `x-file-name` its (URL-encoded) name; " +
        "`Authorization: Bearer <customer token>`. Errors: 400 `VALIDATION_FAILED`; 401 `UNAUTHENTICATED`, " +
        "`INVALID_TOKEN`; 403 `ORIGIN_NOT_ALLOWED`; 404 `NOT_FOUND`; 409 `CONVERSATION_COMPLETED`; 413 `FILE_TOO_LARGE`.",
      request: { params: WidgetConversationParams, query: z.object({ account: z.uuid() }) },
      responses: { 201: json(LiveTurn, "The file turn"), ...errors(400, 401, 403, 404, 409, 413) },
    }),
    async (c) => {
      const { conversation } = c.req.valid("param");
      const { account } = c.req.valid("query");
      const stub = await widgetCaller(c, account, conversation);
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > MAX_FILE_BYTES) throw fileTooLarge();
      const bytes = await c.req.arrayBuffer();
      if (bytes.byteLength > MAX_FILE_BYTES) throw fileTooLarge();
      if (bytes.byteLength === 0) throw badRequest("VALIDATION_FAILED", "The file is empty.");
      let name = "file";
      try {
        name = decodeURIComponent(c.req.header("x-file-name") ?? "file");
      } catch {
        throw badRequest("VALIDATION_FAILED", "x-file-name: URL-encode the file name.");
      }
      name =
        [...name]
          .map((ch) => (ch === "/" || ch === "\\" || ch.charCodeAt(0) < 32 ? "_" : ch))
          .join("")
          .slice(0, 200) || "file";
      const mimeType = (c.req.header("content-type") ?? "application/octet-stream").split(";")[0]?.trim().slice(0, 100);
      const key = `live/${account}/${conversation}/${newPid()}`;
      await c.env.FILES.put(key, bytes, {
        httpMetadata: { contentType: mimeType || "application/octet-stream" },
        customMetadata: { name },
      });
      const turn = unwrap(
        await stub.customerFile({
          key,
          name,
          mimeType: mimeType || "application/octet-stream",
          size: bytes.byteLength,
        }),
      );
      return c.json(turn, 201);
    },
  );

widgetRoutes.options("/*", (c) => {
  // Preflight: the real request is checked against the brand; this only lets the browser send it.
  const origin = c.req.header("origin");
  if (origin) c.header("access-control-allow-origin", origin);
  c.header("vary", "Origin");
  c.header("access-control-allow-methods", "GET, POST");
  c.header("access-control-allow-headers", "authorization, content-type, x-file-name");
  c.header("access-control-max-age", "600");
  return c.body(null, 204);
});

// The customer's socket (a WebSocket upgrade; the token is in the query, as browsers cannot set headers on it).
widgetRoutes.get("/conversations/:conversation/socket", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "Open this address as a WebSocket.");
  }
  const account = c.req.query("account") ?? "";
  const conversation = c.req.param("conversation");
  const stub = await widgetCaller(c, account, conversation);
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-live-role", "customer");
  headers.set("x-live-token", customerToken(c));
  return stub.fetch(new Request(c.req.raw, { headers }));
});

function fileTooLarge() {
  return new ApiError(413, "FILE_TOO_LARGE", `Files are limited to ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
}

/** Signed media links (in Your Logic's events and on file turns): valid 24 hours, no session needed. */
export const mediaRoutes = router();
mediaRoutes.get("/:token", async (c) => {
  const link = await openMediaLink(signingSecret(c.env), c.req.param("token"));
  if (!link.ok) {
    throw forbidden(link.code, link.code === "LINK_EXPIRED" ? "This link has expired." : "This link is not valid.");
  }
  if (!link.value.key.startsWith(`live/${link.value.accountId}/`))
    throw forbidden("LINK_INVALID", "This link is not valid.");
  const object = await c.env.FILES.get(link.value.key);
  if (!object) throw notFound("File");
  const type = object.httpMetadata?.contentType ?? "application/octet-stream";
  const name = object.customMetadata?.name ?? "file";
  const inline = /^image\/(png|jpeg|gif|webp)$/.test(type);
  return new Response(object.body, {
    headers: {
      "content-type": type,
      "content-length": String(object.size),
      "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, max-age=3600",
      "cross-origin-resource-policy": "cross-origin",
    },
  });
});

// ───────────────────────────── external agents ─────────────────────────────

/** The invitation a link names, checked: signature, expiry, and that it is still there and unrevoked. */
async function externalCaller(c: Context<AppEnv>, token: string) {
  const grant = await openExternalToken(signingSecret(c.env), token);
  if (!grant.ok) {
    throw forbidden(
      grant.code,
      grant.code === "LINK_EXPIRED" ? "This invitation has expired. Ask for a new one." : "This link is not valid.",
    );
  }
  const { accountId, conversationPid, invitationPid } = grant.value;
  const invitation = await getInvitation(dbFor(c.env, accountId), accountId, invitationPid);
  if (!invitation || invitation.conversationPid !== conversationPid || invitation.revokedAt !== null) {
    throw forbidden("LINK_INVALID", "This invitation is no longer valid.");
  }
  const worker: Worker = {
    agent: externalParticipant(invitationPid),
    name: invitation.name ?? invitation.contact,
    external: true,
  };
  return { accountId, invitation, worker, stub: conversationStub(c.env, accountId, conversationPid) };
}

const externalErrors =
  "Errors: 403 `LINK_EXPIRED`, `LINK_INVALID`; 400 `VALIDATION_FAILED`, `NOT_A_PARTICIPANT`, `UNKNOWN_ACTION`; " +
  "409 `ALREADY_JOINED`, `CONVERSATION_COMPLETED`.";

function externalRoute<R extends z.ZodType>(action: string, summary: string, response: R, input?: z.ZodType) {
  return createRoute({
    method: "post",
    path: `/{token}/${action}`,
    tags,
    summary,
    description: `The token is the credential (the invitation link). ${externalErrors}`,
    request: { params: ExternalParams, ...(input ? { body: body(input) } : {}) },
    responses: { 200: json(response, "Done"), ...errors(400, 403, 404, 409) },
  });
}

/** Masks the customer's contacts: an external agent has no permission to see them. */
function externalState(state: z.infer<typeof ConversationState>) {
  return {
    ...state,
    customer: {
      ...state.customer,
      contacts: state.customer.contacts.map((x) => ({ ...x, contact: maskContact(x.contact) })),
    },
    invitations: [],
  };
}

export const externalRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/{token}",
      tags,
      summary: "An external agent's view of the one conversation their link grants",
      description: externalErrors,
      request: { params: ExternalParams },
      responses: { 200: json(ExternalView, "The conversation"), ...errors(403, 404) },
    }),
    async (c) => {
      const { accountId, invitation, worker, stub } = await externalCaller(c, c.req.valid("param").token);
      const state = unwrap(await stub.read()) as z.infer<typeof ConversationState>;
      const buttons = (await actionButtons(dbFor(c.env, accountId), accountId))
        .filter((b) => b.visibleToExternal)
        .map((b) => ({ name: b.name, label: b.label }));
      return c.json(
        {
          conversation: externalState(state),
          invitation: {
            pid: invitation.id,
            contact: invitation.contact,
            contactType: invitation.contactType as "Email" | "Phone",
            name: invitation.name,
            expiresAt: new Date(invitation.expiresAt * 1000).toISOString(),
          },
          participant: worker.agent,
          buttons,
        },
        200,
      );
    },
  )
  .openapi(externalRoute("join", "Join as the external agent (own engagement)", ConversationState), async (c) => {
    const { worker, stub } = await externalCaller(c, c.req.valid("param").token);
    return c.json(externalState(unwrap(await stub.agentJoin(worker)) as z.infer<typeof ConversationState>), 200);
  })
  .openapi(externalRoute("leave", "Leave the conversation", ConversationState), async (c) => {
    const { worker, stub } = await externalCaller(c, c.req.valid("param").token);
    return c.json(externalState(unwrap(await stub.agentLeave(worker)) as z.infer<typeof ConversationState>), 200);
  })
  .openapi(externalRoute("messages", "Write to the customer (join first)", LiveTurn, MessageInput), async (c) => {
    const { worker, stub } = await externalCaller(c, c.req.valid("param").token);
    const input = MessageInput.parse(await c.req.json());
    return c.json(unwrap(await stub.agentMessage({ ...worker, ...input })), 200);
  })
  .openapi(externalRoute("notes", "An internal note", LiveTurn, MessageInput), async (c) => {
    const { worker, stub } = await externalCaller(c, c.req.valid("param").token);
    const input = MessageInput.parse(await c.req.json());
    return c.json(unwrap(await stub.agentNote({ ...worker, ...input })), 200);
  })
  .openapi(
    externalRoute(
      "actions",
      "Press an action button marked visible to external agents",
      z.object({ action: z.string() }),
      ActionInput,
    ),
    async (c) => {
      const { worker, stub } = await externalCaller(c, c.req.valid("param").token);
      const input = ActionInput.parse(await c.req.json());
      return c.json(unwrap(await stub.pressAction({ ...worker, ...input })), 200);
    },
  );

externalRoutes.get("/:token/socket", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "Open this address as a WebSocket.");
  }
  const { worker, stub } = await externalCaller(c, c.req.param("token"));
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-live-role", "external");
  headers.set("x-live-agent", worker.agent);
  headers.set("x-live-name", encodeURIComponent(worker.name ?? ""));
  return stub.fetch(new Request(c.req.raw, { headers }));
});
