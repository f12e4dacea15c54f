import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationState, YourLogicSettings } from "../../schemas/live";
import { webhookSignature } from "../../workers/lib/crypto";
import { type Client, call, createAccount, createUser, errorCode, signIn } from "./helpers";
import {
  callback,
  configureYourLogic,
  fakeYourLogic,
  json,
  openSocket,
  startConversation,
  value,
  YOUR_LOGIC_URL,
} from "./live-helpers";

let yourLogic: ReturnType<typeof fakeYourLogic>;
beforeEach(() => {
  yourLogic = fakeYourLogic();
});
afterEach(() => {
  yourLogic.restore();
});

async function account() {
  const { account, admin } = await createAccount();
  return { accountId: account.id, admin: await signIn(admin.email) };
}

/** An account with Your Logic configured, and its shared secret. */
async function withYourLogic(overrides: Record<string, unknown> = {}) {
  const a = await account();
  return { ...a, secret: await configureYourLogic(a.admin, overrides) };
}

async function state(stub: Awaited<ReturnType<typeof startConversation>>["stub"]): Promise<ConversationState> {
  return value<ConversationState>(await stub.read());
}

const noActions = () => json({ actions: [] });

describe("Your Logic settings: GET/PUT /api/v1/live/your-logic", () => {
  it("makes a shared secret on the first save, shows it once and stores it encrypted", async () => {
    const { accountId, admin } = await account();
    const before = (await (await call("/api/v1/live/your-logic", { as: admin })).json()) as YourLogicSettings;
    expect(before).toMatchObject({ configured: false, url: null });

    const res = await call("/api/v1/live/your-logic", { method: "PUT", as: admin, body: { url: YOUR_LOGIC_URL } });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as YourLogicSettings & { secret: string };
    expect(saved.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(saved).toMatchObject({ configured: true, url: YOUR_LOGIC_URL, expirySeconds: 20, enabled: true });

    const after = (await (await call("/api/v1/live/your-logic", { as: admin })).json()) as Record<string, unknown>;
    expect(after.secret).toBeUndefined();
    expect(after.secretHint).toBe(saved.secret.slice(-4));
    const row = await env.DB.prepare("SELECT secret_sealed FROM your_logic WHERE account_id = ?")
      .bind(accountId)
      .first<{ secret_sealed: string }>();
    expect(row?.secret_sealed).toMatch(/^v1\./);
    expect(row?.secret_sealed).not.toContain(saved.secret.slice(6, 20));

    const again = await call("/api/v1/live/your-logic", { method: "PUT", as: admin, body: { url: YOUR_LOGIC_URL } });
    expect(((await again.json()) as { secret: string | null }).secret).toBeNull();
    const rotated = await call("/api/v1/live/your-logic", {
      method: "PUT",
      as: admin,
      body: { url: YOUR_LOGIC_URL, rotateSecret: true },
    });
    expect(((await rotated.json()) as { secret: string }).secret).not.toBe(saved.secret);
  });

  it("refuses a plain-http address and a short expiry, saving nothing", async () => {
    const { accountId, admin } = await account();
    for (const body of [{ url: "http://bot.example.com/x" }, { url: YOUR_LOGIC_URL, expirySeconds: 0 }, { url: 5 }]) {
      const res = await call("/api/v1/live/your-logic", { method: "PUT", as: admin, body });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("VALIDATION_FAILED");
    }
    const row = await env.DB.prepare("SELECT 1 FROM your_logic WHERE account_id = ?").bind(accountId).first();
    expect(row).toBeNull();
  });

  it("is for admins only, and each account sees its own", async () => {
    const { accountId, admin } = await withYourLogic();
    const supervisor = await signIn((await createUser(accountId, "supervisor")).email);
    expect(await errorCode(await call("/api/v1/live/your-logic", { as: supervisor }))).toBe("FORBIDDEN");
    const other = await account();
    const theirs = (await (await call("/api/v1/live/your-logic", { as: other.admin })).json()) as YourLogicSettings;
    expect(theirs.configured).toBe(false);
    expect(
      ((await (await call("/api/v1/live/your-logic", { as: admin })).json()) as YourLogicSettings).configured,
    ).toBe(true);
  });
});

describe("events to Your Logic", () => {
  it("sends five customer messages one at a time, in order, while Your Logic is slow", async () => {
    const { accountId, secret } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    for (let i = 1; i <= 5; i++) {
      const r = await stub.customerMessage({ content: `message ${i}` });
      expect(r.ok).toBe(true);
    }
    for (let i = 0; i < 5; i++) {
      const event = await yourLogic.event(stub, i);
      // Nothing else left while this one is unanswered.
      expect(yourLogic.received).toHaveLength(i + 1);
      expect(event.body.trigger).toMatchObject({
        type: "MESSAGE",
        participantType: "CUSTOMER",
        content: `message ${i + 1}`,
      });
      const working = await state(stub);
      expect(working.flags.yourLogicWorking).toBe(true);
      expect(working.yourLogic.queued).toBe(4 - i);
      await event.respond(() => noActions());
    }
    const first = yourLogic.received[0];
    expect(first?.headers.authorization).toBe(`Bearer ${secret}`);
    const last = yourLogic.received[4];
    expect((last?.body.turns as unknown[]).length).toBe(5);
  });

  it("carries the full context and a Standard Webhooks signature", async () => {
    const { accountId, secret } = await withYourLogic();
    const {
      stub,
      conversationPid,
      state: started,
    } = await startConversation(accountId, {
      url: "https://shop.example.com/orders/1",
      customer: {
        displayName: "Adam",
        contacts: [{ contact: "+420123456789", type: "Phone" }],
        custom: { tier: "gold" },
      },
      custom: { orderId: "1" },
    });
    await stub.customerMessage({ content: "Order is still not delivered", languageCustomer: "en" });
    const event = await yourLogic.event(stub, 0);
    const body = event.body;
    expect(Object.keys(body).sort()).toEqual(
      [
        "accountId",
        "conversation",
        "customer",
        "domain",
        "engagements",
        "expires",
        "region",
        "requestId",
        "time",
        "trigger",
        "turns",
        "url",
      ].sort(),
    );
    expect(body).toMatchObject({
      accountId,
      region: "eu",
      url: "https://shop.example.com/orders/1",
      customer: { pid: started.customer.pid, displayName: "Adam", custom: { tier: "gold" } },
      conversation: { pid: conversationPid, status: "IN_PROGRESS", needsHelp: false, custom: { orderId: "1" } },
      engagements: [{ type: "BOT", status: "IN_PROGRESS" }],
      turns: [{ type: "MESSAGE", participantType: "CUSTOMER", content: "Order is still not delivered" }],
    });
    expect(Date.parse(body.expires as string) - Date.parse(body.time as string)).toBe(20_000);
    const id = event.headers["webhook-id"] ?? "";
    const timestamp = Number(event.headers["webhook-timestamp"]);
    expect(id).toBe(body.requestId);
    expect(event.headers["webhook-signature"]).toBe(await webhookSignature(secret, id, timestamp, event.raw));
    expect(event.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    await event.respond(() => noActions());
  });

  it("sends agent messages, conversation updates, completed engagements and the completed conversation", async () => {
    const { accountId } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    const agent = crypto.randomUUID();
    await stub.agentJoin({ agent });
    await stub.agentMessage({ agent, content: "How can I help you?" });
    await stub.completeEngagement({ agent });
    await stub.completeConversation({ by: "BOT" });
    const types: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await yourLogic.event(stub, i);
      types.push([e.body.trigger.type, e.body.trigger.participantType]);
      await e.respond(() => noActions());
    }
    expect(types).toEqual([
      ["CONVERSATION_UPDATE", "AGENT"],
      ["MESSAGE", "AGENT"],
      ["ENGAGEMENT_COMPLETED", "AGENT"],
      ["CONVERSATION_COMPLETED", "BOT"],
    ]);
    expect(yourLogic.received[0]?.body.trigger).toMatchObject({ change: "AGENT_JOINED", agent });
    expect(yourLogic.received[2]?.body.trigger).toMatchObject({ engagement: { agent, type: "AGENT" } });
  });

  it("applies a synchronous answer: a bot message reaches the conversation", async () => {
    const { accountId } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    await stub.customerMessage({ content: "Where is my parcel?" });
    await (await yourLogic.event(stub, 0)).respond(() =>
      json({ actions: [{ type: "MESSAGE", content: "It left our warehouse today." }] }),
    );
    await stub.customerMessage({ content: "Thanks, when will it arrive?" });
    const second = await yourLogic.event(stub, 1);
    expect((second.body.turns as { participantType: string; content: string }[]).map((t) => t.content)).toEqual([
      "Where is my parcel?",
      "It left our warehouse today.",
      "Thanks, when will it arrive?",
    ]);
    await second.respond(() => noActions());
  });
});

describe("when Your Logic fails the conversation goes on", () => {
  it("expires an unanswered event on the alarm: needs help, fallback to agent, next event leaves", async () => {
    const { accountId, secret } = await withYourLogic();
    const { stub, conversationPid } = await startConversation(accountId);
    await stub.customerMessage({ content: "Hello?" });
    const first = await yourLogic.event(stub, 0);
    await stub.customerMessage({ content: "Anyone there?" });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const s = await state(stub);
    expect(s.flags).toMatchObject({ needsHelp: true, fallbackToAgent: true, status: "IN_PROGRESS" });
    expect(s.needsHelpReason).toBe("YOUR_LOGIC_TIMEOUT");
    expect(s.engagements.map((e) => [e.type, e.status])).toEqual([
      ["BOT", "IN_PROGRESS"],
      ["QUEUE", "IN_PROGRESS"],
    ]);
    const second = await yourLogic.event(stub, 1);
    expect(second.body.trigger).toMatchObject({ content: "Anyone there?" });
    expect(second.body.conversation).toMatchObject({ needsHelp: true });
    // A late answer to the expired event is refused and changes nothing.
    const late = await callback(accountId, conversationPid, secret, {
      requestId: first.body.requestId,
      actions: [{ type: "MESSAGE", content: "Too late" }],
    });
    expect(late.status).toBe(409);
    expect(await errorCode(late)).toBe("REQUEST_EXPIRED");
    expect((await state(stub)).turns.map((t) => t.content)).toEqual(["Hello?", "Anyone there?"]);
    await first.respond(() => noActions());
    await second.respond(() => noActions());
  });

  it.each([
    ["a malformed reply", () => new Response("<html>oops</html>", { status: 200 }), "YOUR_LOGIC_MALFORMED"],
    ["an answer that breaks the schema", () => json({ actions: "MESSAGE" }), "YOUR_LOGIC_MALFORMED"],
    ["an erroring endpoint", () => new Response("boom", { status: 500 }), "YOUR_LOGIC_ERROR"],
  ])("%s sets needs help and fallback", async (_name, reply, reason) => {
    const { accountId } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    await stub.customerMessage({ content: "first" });
    await stub.customerMessage({ content: "second" });
    await (await yourLogic.event(stub, 0)).respond(() => reply());
    // The second event leaves only once the first has been dealt with.
    const second = await yourLogic.event(stub, 1);
    const s = await state(stub);
    expect(s.flags).toMatchObject({ needsHelp: true, fallbackToAgent: true, status: "IN_PROGRESS" });
    expect(s.needsHelpReason).toBe(reason);
    await second.respond(() => noActions());
  });

  it("an unreachable endpoint sets needs help and fallback", async () => {
    const { accountId } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    await stub.customerMessage({ content: "first" });
    await stub.customerMessage({ content: "second" });
    await (await yourLogic.event(stub, 0)).fail(() => new TypeError("connection refused"));
    const second = await yourLogic.event(stub, 1);
    expect((await state(stub)).needsHelpReason).toBe("YOUR_LOGIC_UNREACHABLE");
    await second.respond(() => noActions());
  });

  it("a good answer after a failure clears the fallback", async () => {
    const { accountId } = await withYourLogic();
    const { stub } = await startConversation(accountId);
    await stub.customerMessage({ content: "first" });
    await stub.customerMessage({ content: "second" });
    await stub.customerMessage({ content: "third" });
    await (await yourLogic.event(stub, 0)).respond(() => new Response("nope", { status: 502 }));
    await (await yourLogic.event(stub, 1)).respond(() => json({ actions: [{ type: "NEEDS_HELP", needsHelp: false }] }));
    const third = await yourLogic.event(stub, 2);
    expect((await state(stub)).flags).toMatchObject({ needsHelp: false, fallbackToAgent: false });
    await third.respond(() => noActions());
  });
});

describe("POST /api/v1/live/your-logic/accounts/{account}/conversations/{conversation}", () => {
  async function waiting() {
    const a = await withYourLogic();
    const c = await startConversation(a.accountId);
    await c.stub.customerMessage({ content: "I need a refund" });
    const event = await yourLogic.event(c.stub, 0);
    await event.respond(() => new Response(null, { status: 202 }));
    return { ...a, ...c, requestId: event.body.requestId };
  }

  it("runs the actions in order and answers one result per action", async () => {
    const { accountId, conversationPid, secret, requestId, stub } = await waiting();
    const res = await callback(accountId, conversationPid, secret, {
      request: { requestId },
      customer: { displayName: "Jane Novak", custom: { vip: true } },
      actions: [
        { type: "MESSAGE", content: "Which order?" },
        { type: "QUESTION", content: "Pick one", externalId: "refund-order", options: [{ id: "a", label: "Order A" }] },
        { type: "NOTE", content: "Customer asks for a refund" },
        { type: "INVITE_EXTERNAL_AGENT", email: "Partner@Example.com", name: "Partner" },
        { type: "NEEDS_HELP", needsHelp: true, reason: "REFUND" },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { requestId: string; results: { status: string }[] };
    expect(body.requestId).toBe(requestId);
    expect(body.results.map((r) => r.status)).toEqual(["APPLIED", "APPLIED", "APPLIED", "APPLIED", "APPLIED"]);
    const s = await state(stub);
    expect(s.turns.slice(0, 4).map((t) => [t.participantType, t.type, t.content])).toEqual([
      ["CUSTOMER", "MESSAGE", "I need a refund"],
      ["BOT", "MESSAGE", "Which order?"],
      ["BOT", "MESSAGE", "Pick one"],
      ["BOT", "NOTE", "Customer asks for a refund"],
    ]);
    // The invitation becomes a signed link, noted for agents.
    expect(s.turns[4]).toMatchObject({ participantType: "BOT", type: "NOTE" });
    expect(s.turns[4]?.content).toMatch(
      /^External agent invited: Partner \(partner@example\.com\).*\/external\/[\w-]+\.[\w-]+$/,
    );
    expect(s.turns).toHaveLength(5);
    expect(s.turns[2]?.options).toEqual([{ id: "a", label: "Order A" }]);
    expect(s.invitations).toMatchObject([
      { contact: "partner@example.com", contactType: "Email", name: "Partner", by: "YOUR_LOGIC" },
    ]);
    expect(s.customer).toMatchObject({ displayName: "Jane Novak", custom: { vip: true } });
    expect(s.flags).toMatchObject({ needsHelp: true, yourLogicWorking: false });
    expect(s.needsHelpReason).toBe("REFUND");

    // The customer's answer to the question is the next event.
    const answered = await stub.customerAnswer({ turnPid: s.turns[2]?.pid ?? "", optionId: "a" });
    expect(answered.ok).toBe(true);
    const next = await yourLogic.event(stub, 1);
    expect(next.body.trigger).toMatchObject({ type: "ANSWER", externalID: "refund-order", optionId: "a" });
    await next.respond(() => noActions());
  });

  it("stops at the first failing action, skips the rest and keeps what ran", async () => {
    const { accountId, conversationPid, secret, requestId, stub } = await waiting();
    const res = await callback(accountId, conversationPid, secret, {
      requestId,
      actions: [
        { type: "MESSAGE", content: "One moment" },
        { type: "DANCE", style: "tango" },
        { type: "MESSAGE", content: "never sent" },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { status: string; code?: string }[] };
    expect(results).toMatchObject([
      { status: "APPLIED" },
      { status: "FAILED", code: "UNKNOWN_ACTION_TYPE" },
      { status: "SKIPPED", code: "SKIPPED_AFTER_FAILURE" },
    ]);
    const s = await state(stub);
    expect(s.turns.map((t) => t.content)).toEqual(["I need a refund", "One moment"]);
    expect(s.needsHelpReason).toBe("UNKNOWN_ACTION_TYPE");
  });

  it("completes the conversation", async () => {
    const { accountId, conversationPid, secret, requestId, stub } = await waiting();
    const res = await callback(accountId, conversationPid, secret, {
      requestId,
      actions: [{ type: "MESSAGE", content: "Refund sent. Bye!" }, { type: "COMPLETE_CONVERSATION" }],
    });
    expect(res.status).toBe(200);
    const s = await state(stub);
    expect(s.flags.status).toBe("COMPLETED");
    expect(s.engagements.every((e) => e.status === "COMPLETED")).toBe(true);
    const completed = await yourLogic.event(stub, 1);
    expect(completed.body.trigger).toMatchObject({ type: "CONVERSATION_COMPLETED", participantType: "BOT" });
    await completed.respond(() => noActions());
  });

  it("refuses a bad secret with 401 and applies nothing", async () => {
    const { accountId, conversationPid, requestId, stub } = await waiting();
    for (const authorization of ["Bearer whsec_wrong", "Basic abc", ""]) {
      const res = await callback(
        accountId,
        conversationPid,
        "",
        { requestId, actions: [{ type: "MESSAGE", content: "hijacked" }] },
        { authorization },
      );
      expect(res.status).toBe(401);
    }
    const s = await state(stub);
    expect(s.turns).toHaveLength(1);
    expect(s.yourLogic.inFlight?.requestId).toBe(requestId);
  });

  it("another account's secret or conversation gets 401 or 404", async () => {
    const { accountId, conversationPid, requestId, secret, stub } = await waiting();
    const other = await withYourLogic();
    const body = { requestId, actions: [{ type: "MESSAGE", content: "hijacked" }] };
    const wrongSecret = await callback(accountId, conversationPid, other.secret, body);
    expect(wrongSecret.status).toBe(401);
    expect(await errorCode(wrongSecret)).toBe("INVALID_SECRET");
    const wrongAccount = await callback(other.accountId, conversationPid, other.secret, body);
    expect(wrongAccount.status).toBe(404);
    expect(await errorCode(wrongAccount)).toBe("NOT_FOUND");
    expect((await state(stub)).turns).toHaveLength(1);
    const unknown = await callback(accountId, conversationPid, secret, { ...body, requestId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe("REQUEST_NOT_FOUND");
  });

  it("answers an already-answered request with 409 and refuses a replayed webhook id", async () => {
    const { accountId, conversationPid, requestId, secret, stub } = await waiting();
    const body = { requestId, actions: [{ type: "MESSAGE", content: "Hello" }] };
    const first = await callback(accountId, conversationPid, secret, body, { "webhook-id": "msg_1" });
    expect(first.status).toBe(200);
    const again = await callback(accountId, conversationPid, secret, body, { "webhook-id": "msg_2" });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe("REQUEST_ALREADY_ANSWERED");

    await stub.customerMessage({ content: "And?" });
    const next = await yourLogic.event(stub, 1);
    await next.respond(() => new Response(null, { status: 202 }));
    const replay = await callback(
      accountId,
      conversationPid,
      secret,
      { requestId: next.body.requestId, actions: [{ type: "MESSAGE", content: "replayed" }] },
      { "webhook-id": "msg_1" },
    );
    expect(replay.status).toBe(409);
    expect(await errorCode(replay)).toBe("WEBHOOK_REPLAYED");
    expect((await state(stub)).turns.map((t) => t.content)).toEqual(["I need a refund", "Hello", "And?"]);
  });

  it("checks a webhook signature when one is sent", async () => {
    const { accountId, conversationPid, requestId, secret, stub } = await waiting();
    const raw = JSON.stringify({ requestId, actions: [{ type: "NOTE", content: "signed" }] });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { "webhook-id": "msg_signed", "webhook-timestamp": String(timestamp) };
    const forged = await call(`/api/v1/live/your-logic/accounts/${accountId}/conversations/${conversationPid}`, {
      rawBody: raw,
      headers: { ...headers, authorization: `Bearer ${secret}`, "webhook-signature": "v1,AAAA" },
    });
    expect(forged.status).toBe(401);
    expect(await errorCode(forged)).toBe("INVALID_SIGNATURE");
    const signed = await call(`/api/v1/live/your-logic/accounts/${accountId}/conversations/${conversationPid}`, {
      rawBody: raw,
      headers: {
        ...headers,
        authorization: `Bearer ${secret}`,
        "webhook-signature": await webhookSignature(secret, "msg_signed", timestamp, raw),
      },
    });
    expect(signed.status).toBe(200);
    expect((await state(stub)).turns.map((t) => t.content)).toContain("signed");
  });

  it("refuses bad bodies and custom data over 1 kB with 400, leaving the event open", async () => {
    const { accountId, conversationPid, requestId, secret, stub } = await waiting();
    const bad = await callback(accountId, conversationPid, secret, { actions: [] });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("VALIDATION_FAILED");
    const notUuid = await callback(accountId, "not-a-uuid", secret, { requestId, actions: [] });
    expect(notUuid.status).toBe(400);
    const big = await callback(accountId, conversationPid, secret, {
      requestId,
      customer: { custom: { notes: "x".repeat(1100) } },
      actions: [{ type: "MESSAGE", content: "not applied" }],
    });
    expect(big.status).toBe(400);
    expect(await errorCode(big)).toBe("CUSTOM_DATA_TOO_LARGE");
    const s = await state(stub);
    expect(s.turns).toHaveLength(1);
    expect(s.customer.custom).toEqual({});
    expect(s.yourLogic.inFlight?.requestId).toBe(requestId);
  });

  it("ignores the actions when the customer wrote after the event left (ignoreOnCustomerAction) and skips to the latest", async () => {
    const { accountId, conversationPid, requestId, secret, stub } = await waiting();
    await stub.customerMessage({ content: "second" });
    await stub.customerMessage({ content: "third" });
    const res = await callback(accountId, conversationPid, secret, {
      requestId,
      control: { ignoreOnCustomerAction: true, skipToLatest: true },
      actions: [{ type: "MESSAGE", content: "stale answer" }],
    });
    expect(((await res.json()) as { results: { status: string }[] }).results).toMatchObject([{ status: "IGNORED" }]);
    const next = await yourLogic.event(stub, 1);
    expect(next.body.trigger).toMatchObject({ content: "third" });
    await next.respond(() => noActions());
    expect((await state(stub)).turns.map((t) => t.content)).toEqual(["I need a refund", "second", "third"]);
  });
});

describe("the conversation object", () => {
  it("refuses custom data over 1 kB and stores nothing", async () => {
    const { accountId } = await account();
    const conversationPid = crypto.randomUUID();
    const { conversationStub } = await import("../../workers/live/conversation");
    const stub = conversationStub(env, accountId, conversationPid);
    const r = await stub.start({
      accountId,
      conversationPid,
      channel: "CHAT",
      customer: { contacts: [], custom: { blob: "é".repeat(600) } },
    });
    expect(r).toMatchObject({ ok: false, code: "CUSTOM_DATA_TOO_LARGE" });
    expect(await stub.read()).toMatchObject({ ok: false, code: "NOT_STARTED" });
    const withinLimit = await stub.start({
      accountId,
      conversationPid,
      channel: "CHAT",
      customer: { contacts: [] },
      custom: { blob: "x".repeat(900) },
    });
    expect(withinLimit.ok).toBe(true);
  });

  it("refuses oversize messages", async () => {
    const { accountId } = await account();
    const { stub } = await startConversation(accountId);
    expect(await stub.customerMessage({ content: "x".repeat(4001) })).toMatchObject({
      ok: false,
      code: "MESSAGE_TOO_LONG",
    });
    expect(await stub.customerMessage({ content: "x".repeat(4000) })).toMatchObject({ ok: true });
    expect((await state(stub)).turns).toHaveLength(1);
  });

  it("keeps its state when the object is rebuilt, and the alarm still expires the event in flight", async () => {
    const { accountId } = await withYourLogic();
    const { stub, conversationPid } = await startConversation(accountId);
    const agent = crypto.randomUUID();
    await stub.customerMessage({ content: "before restart" });
    const event = await yourLogic.event(stub, 0);
    await stub.agentJoin({ agent });
    const before = await state(stub);
    await abortAllDurableObjects();
    const { conversationStub } = await import("../../workers/live/conversation");
    const rebuilt = conversationStub(env, accountId, conversationPid);
    const after = await state(rebuilt);
    expect(after).toEqual(before);
    expect(after.yourLogic.inFlight?.requestId).toBe(event.body.requestId);
    expect(await runDurableObjectAlarm(rebuilt)).toBe(true);
    expect((await state(rebuilt)).flags.fallbackToAgent).toBe(true);
    const next = await yourLogic.event(rebuilt, 1);
    expect(next.body.trigger).toMatchObject({ type: "CONVERSATION_UPDATE", change: "AGENT_JOINED" });
    await next.respond(() => noActions());
    expect((await rebuilt.agentMessage({ agent, content: "still here" })).ok).toBe(true);
  });

  it("does not reopen or raise needs help for a thank-you after completion, but does for a new question", async () => {
    const { accountId } = await account();
    const { stub } = await startConversation(accountId);
    await stub.completeConversation({ by: "AGENT" });
    await stub.customerMessage({ content: "Thanks a lot!" });
    await stub.customerMessage({ content: "👍" });
    let s = await state(stub);
    expect(s.flags).toMatchObject({ status: "COMPLETED", needsHelp: false });
    expect(s.turns).toHaveLength(2);
    await stub.customerMessage({ content: "Actually the parcel is damaged" });
    s = await state(stub);
    expect(s.flags).toMatchObject({ status: "IN_PROGRESS", needsHelp: true });
    expect(s.engagements.map((e) => [e.type, e.status])).toEqual([
      ["QUEUE", "COMPLETED"],
      ["QUEUE", "IN_PROGRESS"],
    ]);
  });

  it("answers an unknown conversation with NOT_STARTED and refuses agents who have not joined", async () => {
    const { accountId } = await account();
    const { conversationStub } = await import("../../workers/live/conversation");
    const ghost = conversationStub(env, accountId, crypto.randomUUID());
    expect(await ghost.customerMessage({ content: "hi" })).toMatchObject({ ok: false, code: "NOT_STARTED" });
    const { stub } = await startConversation(accountId);
    expect(await stub.agentMessage({ agent: crypto.randomUUID(), content: "hi" })).toMatchObject({
      ok: false,
      code: "NOT_A_PARTICIPANT",
    });
    expect(await stub.agentLeave({ agent: crypto.randomUUID() })).toMatchObject({
      ok: false,
      code: "NOT_A_PARTICIPANT",
    });
  });
});

describe("sockets", () => {
  it("gives malformed, unknown and oversize frames an error frame and keeps the conversation going", async () => {
    const { accountId } = await account();
    const { stub } = await startConversation(accountId);
    const agent = crypto.randomUUID();
    await stub.agentJoin({ agent });
    const { socket } = await openSocket(stub, { "x-live-role": "agent", "x-live-agent": agent });
    if (!socket) throw new Error("no socket");
    await socket.waitFor((f) => f.type === "state");
    const errorAfter = async (send: string) => {
      const from = socket.frames.length;
      socket.ws.send(send);
      const f = await socket.waitFor((x) => x.type === "error", from);
      return f.type === "error" ? f.code : undefined;
    };
    expect(await errorAfter("not json")).toBe("MALFORMED_FRAME");
    expect(await errorAfter(JSON.stringify({ type: "dance" }))).toBe("INVALID_FRAME");
    expect(await errorAfter(JSON.stringify({ type: "message" }))).toBe("INVALID_FRAME");
    expect(await errorAfter(JSON.stringify({ type: "message", content: "x".repeat(4001) }))).toBe("MESSAGE_TOO_LONG");
    expect(await errorAfter(JSON.stringify({ type: "message", content: "x".repeat(20_000) }))).toBe("FRAME_TOO_LARGE");
    expect(await errorAfter(JSON.stringify({ type: "answer", turnPid: crypto.randomUUID(), optionId: "a" }))).toBe(
      "VALIDATION_FAILED",
    );
    const from = socket.frames.length;
    socket.ws.send(JSON.stringify({ type: "message", content: "Hello, I am Eva", clientId: "c1" }));
    const turn = await socket.waitFor((f) => f.type === "turn", from);
    expect(turn).toMatchObject({
      type: "turn",
      clientId: "c1",
      turn: { participantType: "AGENT", content: "Hello, I am Eva" },
    });
    expect((await state(stub)).turns.map((t) => t.content)).toEqual(["Hello, I am Eva"]);
    socket.ws.close();
  });

  it("lets the customer in with their token only, and never shows them notes", async () => {
    const { accountId } = await account();
    const { stub, customerToken } = await startConversation(accountId);
    expect((await openSocket(stub, { "x-live-role": "customer", "x-live-token": "wrong" })).status).toBe(401);
    expect((await openSocket(stub, {})).status).toBe(401);
    const agent = crypto.randomUUID();
    await stub.agentJoin({ agent });
    const { socket: customer } = await openSocket(stub, { "x-live-role": "customer", "x-live-token": customerToken });
    const { socket: agentSocket } = await openSocket(stub, { "x-live-role": "agent", "x-live-agent": agent });
    if (!customer || !agentSocket) throw new Error("no socket");
    await customer.waitFor((f) => f.type === "state");
    await agentSocket.waitFor((f) => f.type === "state");
    await stub.agentNote({ agent, content: "internal: VIP" });
    await agentSocket.waitFor((f) => f.type === "turn" && f.turn.type === "NOTE");
    customer.ws.send(JSON.stringify({ type: "message", content: "Hi there, my order is late" }));
    await agentSocket.waitFor((f) => f.type === "turn" && f.turn.participantType === "CUSTOMER");
    await customer.waitFor((f) => f.type === "turn" && f.turn.participantType === "CUSTOMER");
    expect(customer.frames.some((f) => f.type === "turn" && f.turn.type === "NOTE")).toBe(false);
    customer.ws.close();
    agentSocket.ws.close();
  });
});

describe("D1: the journey, analytics and export see live conversations", () => {
  it("writes engagements, turns, their content and the customer as they happen", async () => {
    const { accountId } = await account();
    const {
      stub,
      conversationPid,
      state: started,
    } = await startConversation(accountId, {
      customer: { displayName: "Jana", contacts: [{ contact: "Jana@Example.com", type: "Email" }] },
    });
    const agent = crypto.randomUUID();
    await stub.customerMessage({ content: "My parcel is lost" });
    const q = (sql: string) => env.DB.prepare(sql).bind(accountId, conversationPid);
    let rows = await q(
      "SELECT type, status, agent_pid, customer_pid, channel_type, platform FROM engagement WHERE account_id = ? AND conversation_pid = ? ORDER BY start_time, type",
    ).all();
    expect(rows.results).toEqual([
      {
        type: "Queue",
        status: "In Progress",
        agent_pid: null,
        customer_pid: started.customer.pid,
        channel_type: "CHAT",
        platform: "Brine Live Conversations",
      },
    ]);
    await stub.agentJoin({ agent });
    await stub.agentMessage({ agent, content: "Let me check" });
    await stub.completeConversation({ by: "AGENT", agent });
    rows = await q(
      "SELECT type, status, agent_pid, outcome_type FROM engagement WHERE account_id = ? AND conversation_pid = ? ORDER BY type",
    ).all();
    expect(rows.results).toEqual([
      { type: "Agent", status: "Completed", agent_pid: agent, outcome_type: "Completed" },
      { type: "Queue", status: "Completed", agent_pid: null, outcome_type: "Completed" },
    ]);
    const turns = await q(
      `SELECT t.participant, t.participant_pid, t.type, c.content, e.type AS engagement_type
       FROM turn t JOIN turn_content c ON c.account_id = t.account_id AND c.turn_pid = t.pid
       JOIN engagement e ON e.account_id = t.account_id AND e.pid = t.engagement_pid
       WHERE t.account_id = ? AND e.conversation_pid = ? ORDER BY t.turn_time, t.participant DESC`,
    ).all();
    expect(turns.results).toEqual([
      {
        participant: "CUSTOMER",
        participant_pid: null,
        type: "MESSAGE",
        content: "My parcel is lost",
        engagement_type: "Queue",
      },
      {
        participant: "AGENT",
        participant_pid: agent,
        type: "MESSAGE",
        content: "Let me check",
        engagement_type: "Agent",
      },
    ]);
    const customer = await env.DB.prepare("SELECT name FROM customer WHERE account_id = ? AND pid = ?")
      .bind(accountId, started.customer.pid)
      .first();
    expect(customer).toEqual({ name: "Jana" });
    const contact = await env.DB.prepare(
      "SELECT contact, type FROM customer_contact WHERE account_id = ? AND customer_pid = ?",
    )
      .bind(accountId, started.customer.pid)
      .all();
    expect(contact.results).toEqual([{ contact: "jana@example.com", type: "Email" }]);
  });
});

describe("GET /api/v1/live/conversations/{conversation}", () => {
  it("reads a conversation of the user's account only", async () => {
    const { accountId, admin } = await account();
    const { conversationPid } = await startConversation(accountId);
    const res = await call(`/api/v1/live/conversations/${conversationPid}`, { as: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ConversationState).pid).toBe(conversationPid);
    const other = await account();
    const theirs = await call(`/api/v1/live/conversations/${conversationPid}`, { as: other.admin });
    expect(theirs.status).toBe(404);
    const bad = await call("/api/v1/live/conversations/nope", { as: admin });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("VALIDATION_FAILED");
    const analyst: Client = await signIn((await createUser(accountId, "analyst")).email);
    expect((await call(`/api/v1/live/conversations/${conversationPid}`, { as: analyst })).status).toBe(403);
  });
});
