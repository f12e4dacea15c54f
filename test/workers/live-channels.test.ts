import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Brand, ConversationState, InboxItem, LiveTurn, ServerFrame } from "../../schemas/live";
import { externalLink, signIdentity } from "../../workers/live/links";
import { type Client, call, createAccount, createUser, errorCode, signIn } from "./helpers";
import { configureYourLogic, fakeYourLogic, json, openRouteSocket } from "./live-helpers";

// The routes around the conversation object: brands and the Universal Chat widget (allowed
// origins, signed identities, files), the agents' inbox and actions, and external agents' links.

const SHOP = "https://shop.example.com";

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

async function createBrand(admin: Client, overrides: Record<string, unknown> = {}) {
  const res = await call("/api/v1/live/brands", {
    as: admin,
    body: { name: "Demo Shop", allowedOrigins: [SHOP], openingMessage: "Hi!", ...overrides },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Brand & { secret: string };
}

async function startChat(accountId: string, brandId: string, extra: Record<string, unknown> = {}, origin = SHOP) {
  return call("/api/v1/live/widget/conversations", {
    body: { accountId, brandId, url: `${SHOP}/help`, ...extra },
    headers: { origin },
  });
}

/** An account with a brand and a started chat: the customer's token and conversation. */
async function chat() {
  const a = await account();
  const brand = await createBrand(a.admin);
  const res = await startChat(a.accountId, brand.id);
  expect(res.status).toBe(201);
  const started = (await res.json()) as { conversationPid: string; customerToken: string; state: ConversationState };
  return { ...a, brand, ...started };
}

function customerSocket(accountId: string, conversationPid: string, token: string, origin = SHOP) {
  return openRouteSocket(
    `/api/v1/live/widget/conversations/${conversationPid}/socket?account=${accountId}&token=${encodeURIComponent(token)}`,
    { headers: { origin } },
  );
}

async function inbox(as: Client, section: string) {
  const res = await call(`/api/v1/live/inbox?section=${section}`, { as });
  return { status: res.status, body: (await res.json()) as { items: InboxItem[]; nextCursor: string | null } };
}

const pids = (items: InboxItem[]) => items.map((i) => i.conversationPid);

describe("brands: /api/v1/live/brands", () => {
  it("creates a brand with a secret shown once, lists, changes, rotates and deletes it", async () => {
    const { accountId, admin } = await account();
    const brand = await createBrand(admin, { color: "#112233", allowedOrigins: [`${SHOP}/`, "http://localhost:8788"] });
    expect(brand).toMatchObject({
      name: "Demo Shop",
      color: "#112233",
      allowedOrigins: [SHOP, "http://localhost:8788"],
      secretHint: brand.secret.slice(-4),
    });
    const row = await env.DB.prepare("SELECT secret_sealed FROM live_brand WHERE account_id = ?")
      .bind(accountId)
      .first<{ secret_sealed: string }>();
    expect(row?.secret_sealed).not.toContain(brand.secret);
    const one = (await (await call(`/api/v1/live/brands/${brand.id}`, { as: admin })).json()) as Record<
      string,
      unknown
    >;
    expect(one.secret).toBeUndefined();

    await createBrand(admin, { name: "Second" });
    const first = (await (await call("/api/v1/live/brands?limit=1", { as: admin })).json()) as {
      items: Brand[];
      nextCursor: string;
    };
    expect(first.items).toHaveLength(1);
    const second = (await (
      await call(`/api/v1/live/brands?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`, { as: admin })
    ).json()) as { items: Brand[]; nextCursor: string | null };
    expect([...first.items, ...second.items].map((b) => b.name).sort()).toEqual(["Demo Shop", "Second"]);
    expect(second.nextCursor).toBeNull();

    const patched = await call(`/api/v1/live/brands/${brand.id}`, {
      method: "PATCH",
      as: admin,
      body: { placeholder: "Ask us" },
    });
    expect(((await patched.json()) as Brand).placeholder).toBe("Ask us");
    const rotated = (await (
      await call(`/api/v1/live/brands/${brand.id}/rotate-secret`, { as: admin, body: {} })
    ).json()) as { secret: string };
    expect(rotated.secret).not.toBe(brand.secret);
    expect((await call(`/api/v1/live/brands/${brand.id}`, { method: "DELETE", as: admin })).status).toBe(204);
    expect((await call(`/api/v1/live/brands/${brand.id}`, { as: admin })).status).toBe(404);
  });

  it("refuses bad origins and colours, non-admins, and another account's brand", async () => {
    const { accountId, admin } = await account();
    const bad = await call("/api/v1/live/brands", {
      as: admin,
      body: { name: "X", allowedOrigins: ["https://shop.example.com/path"] },
    });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("VALIDATION_FAILED");
    const colour = await call("/api/v1/live/brands", {
      as: admin,
      body: { name: "X", allowedOrigins: [SHOP], color: "blue" },
    });
    expect(colour.status).toBe(400);
    const agent = await signIn((await createUser(accountId, "agent")).email);
    expect((await call("/api/v1/live/brands", { as: agent })).status).toBe(403);

    const brand = await createBrand(admin);
    const other = await account();
    expect((await call(`/api/v1/live/brands/${brand.id}`, { as: other.admin })).status).toBe(404);
    const patch = await call(`/api/v1/live/brands/${brand.id}`, {
      method: "PATCH",
      as: other.admin,
      body: { name: "Mine" },
    });
    expect(patch.status).toBe(404);
    expect((await call(`/api/v1/live/brands/${brand.id}`, { method: "DELETE", as: other.admin })).status).toBe(404);
  });
});

describe("Universal Chat: /api/v1/live/widget", () => {
  it("gives the brand's look to allowed origins only", async () => {
    const { accountId, admin } = await account();
    const brand = await createBrand(admin, { color: "#0f766e", placeholder: "Type here" });
    const q = `account=${accountId}&brand=${brand.id}`;
    const ok = await call(`/api/v1/live/widget/config?${q}`, { headers: { origin: SHOP } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(await ok.json()).toMatchObject({
      color: "#0f766e",
      placeholder: "Type here",
      maxFileBytes: 10 * 1024 * 1024,
    });

    const evil = await call(`/api/v1/live/widget/config?${q}`, { headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(await errorCode(evil)).toBe("ORIGIN_NOT_ALLOWED");
    expect((await call(`/api/v1/live/widget/config?${q}`)).status).toBe(403);
    const other = await account();
    const foreign = await call(`/api/v1/live/widget/config?account=${other.accountId}&brand=${brand.id}`, {
      headers: { origin: SHOP },
    });
    expect(await errorCode(foreign)).toBe("BRAND_NOT_FOUND");
    expect((await startChat(accountId, brand.id, {}, "https://evil.example")).status).toBe(403);
    const preflight = await call("/api/v1/live/widget/conversations", {
      method: "OPTIONS",
      headers: { origin: SHOP, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
  });

  it("verifies a signed identity; related contacts join the identity graph; tampered and expired ones are refused", async () => {
    const { accountId, admin } = await account();
    const brand = await createBrand(admin);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const identity = await signIdentity(brand.secret, {
      displayName: "Jana Nováková",
      contacts: [{ contact: "jana@example.com", type: "Email" }],
      relatedContacts: [{ contact: "+420 777 123 456", type: "Phone" }],
      exp,
    });
    const res = await startChat(accountId, brand.id, { identity });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { state: ConversationState };
    expect(started.state.customer.displayName).toBe("Jana Nováková");
    const contacts = await env.DB.prepare(
      "SELECT contact FROM customer_contact WHERE account_id = ? AND customer_pid = ? ORDER BY contact",
    )
      .bind(accountId, started.state.customer.pid)
      .all<{ contact: string }>();
    expect(contacts.results.map((r) => r.contact)).toEqual(["+420777123456", "jana@example.com"]);

    const [body, mac] = identity.split(".");
    const forged = `${btoa(JSON.stringify({ displayName: "Admin", exp })).replace(/=+$/, "")}.${mac}`;
    const tampered = await startChat(accountId, brand.id, { identity: forged });
    expect(tampered.status).toBe(401);
    expect(await errorCode(tampered)).toBe("INVALID_IDENTITY");
    const otherKey = await startChat(accountId, brand.id, { identity: await signIdentity("not-the-secret", { exp }) });
    expect(await errorCode(otherKey)).toBe("INVALID_IDENTITY");
    expect(body).toBeTruthy();
    const expired = await startChat(accountId, brand.id, { identity: await signIdentity(brand.secret, { exp: 1000 }) });
    expect(await errorCode(expired)).toBe("IDENTITY_EXPIRED");
    const big = await startChat(accountId, brand.id, {
      identity: await signIdentity(brand.secret, { exp, custom: { blob: "x".repeat(1100) } }),
    });
    expect(big.status).toBe(400);
    expect(await errorCode(big)).toBe("CUSTOM_DATA_TOO_LARGE");
  });

  it("talks over the customer socket; a re-sent message is stored once; a wrong origin or token is refused", async () => {
    const c = await chat();
    const bad = await customerSocket(c.accountId, c.conversationPid, c.customerToken, "https://evil.example");
    expect(bad.status).toBe(403);
    const wrong = await customerSocket(c.accountId, c.conversationPid, "nope");
    expect(wrong.status).toBe(401);

    const { socket } = await customerSocket(c.accountId, c.conversationPid, c.customerToken);
    if (!socket) throw new Error("no socket");
    await socket.waitFor((f) => f.type === "state");
    socket.ws.send(JSON.stringify({ type: "message", content: "Where is my parcel?", clientId: "c-1" }));
    await socket.waitFor((f) => f.type === "turn" && f.clientId === "c-1");
    // The network dropped before the widget saw the acknowledgement: it sends the same frame again.
    const from = socket.frames.length;
    socket.ws.send(JSON.stringify({ type: "message", content: "Where is my parcel?", clientId: "c-1" }));
    const again = (await socket.waitFor((f) => f.type === "turn" && f.clientId === "c-1", from)) as {
      turn: LiveTurn;
    };
    // One acknowledgement per send: the new turn's broadcast, then the stored turn for the repeat.
    socket.ws.send(JSON.stringify({ type: "ping" }));
    await socket.waitFor((f) => f.type === "pong");
    expect(socket.frames.filter((f) => f.type === "turn" && f.clientId === "c-1")).toHaveLength(2);
    const conversation = await call(`/api/v1/live/conversations/${c.conversationPid}`, { as: c.admin });
    const state = (await conversation.json()) as ConversationState;
    expect(state.turns.filter((t) => t.content === "Where is my parcel?")).toHaveLength(1);
    expect(again.turn.pid).toBe(state.turns.at(-1)?.pid);
    socket.ws.send("{not json");
    expect(await socket.waitFor((f) => f.type === "error")).toMatchObject({ code: "MALFORMED_FRAME" });
    socket.ws.close();
  });

  it("stores a file up to 10 MB, links it for 24 hours, and tells Your Logic with a media link", async () => {
    const c = await chat();
    await configureYourLogic(c.admin);
    // The conversation started before Your Logic was set up, so it does not engage it: start another.
    const started = (await (await startChat(c.accountId, c.brand.id)).json()) as {
      conversationPid: string;
      customerToken: string;
    };
    const path = `/api/v1/live/widget/conversations/${started.conversationPid}/files?account=${c.accountId}`;
    const bytes = new TextEncoder().encode("%PDF-1.4 a receipt");
    const res = await call(path, {
      rawBody: bytes,
      headers: {
        origin: SHOP,
        authorization: `Bearer ${started.customerToken}`,
        "content-type": "application/pdf",
        "x-file-name": encodeURIComponent("receipt #1.pdf"),
      },
    });
    expect(res.status).toBe(201);
    const turn = (await res.json()) as LiveTurn;
    expect(turn).toMatchObject({ type: "FILE", participantType: "CUSTOMER", content: "receipt #1.pdf" });
    expect(turn.file).toMatchObject({ name: "receipt #1.pdf", mimeType: "application/pdf", size: bytes.length });
    const link = new URL(turn.file?.url ?? "");
    const download = await call(link.pathname);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(await download.text()).toBe("%PDF-1.4 a receipt");
    const token = link.pathname.split("/").at(-1) ?? "";
    const tampered = await call(`/api/v1/live/media/${token.slice(0, -2)}xx`);
    expect(tampered.status).toBe(403);
    expect(await errorCode(tampered)).toBe("LINK_INVALID");

    const event = await yourLogic.event(
      (await import("../../workers/live/conversation")).conversationStub(env, c.accountId, started.conversationPid),
      0,
    );
    expect(event.body.trigger).toMatchObject({
      type: "FILE",
      participantType: "CUSTOMER",
      mediaName: "receipt #1.pdf",
    });
    expect(String(event.body.trigger.mediaLink)).toContain("/api/v1/live/media/");
    expect(event.body.trigger.fileKey).toBeUndefined();
    await event.respond(() => json({ actions: [] }));

    const huge = await call(path, {
      rawBody: new Uint8Array(10 * 1024 * 1024 + 1),
      headers: { origin: SHOP, authorization: `Bearer ${started.customerToken}`, "content-type": "image/png" },
    });
    expect(huge.status).toBe(413);
    expect(await errorCode(huge)).toBe("FILE_TOO_LARGE");
    const noToken = await call(path, { rawBody: bytes, headers: { origin: SHOP, "content-type": "application/pdf" } });
    expect(noToken.status).toBe(401);
    const other = await account();
    const foreign = await call(
      `/api/v1/live/widget/conversations/${started.conversationPid}/files?account=${other.accountId}`,
      {
        rawBody: bytes,
        headers: { origin: SHOP, authorization: `Bearer ${started.customerToken}`, "content-type": "application/pdf" },
      },
    );
    expect(foreign.status).toBe(404);
  });
});

describe("the agents' inbox and actions", () => {
  it("moves a conversation through Help Needed, My Conversations and Recently Left, live", async () => {
    const c = await chat();
    const agent = await signIn((await createUser(c.accountId, "agent")).email);
    const hub = await openRouteSocket("/api/v1/live/inbox/socket", { as: agent });
    if (!hub.socket) throw new Error(`no hub socket: ${hub.status}`);

    expect(pids((await inbox(c.admin, "all")).body.items)).toEqual([c.conversationPid]);
    expect((await inbox(agent, "all")).status).toBe(403);
    expect(pids((await inbox(agent, "helpNeeded")).body.items)).toEqual([]);

    const help = await call(`/api/v1/live/conversations/${c.conversationPid}/needs-help`, {
      as: c.admin,
      body: { needsHelp: true, reason: "Refund over limit" },
    });
    expect(help.status).toBe(200);
    await hub.socket.waitFor((f) => (f as { conversationPid?: string }).conversationPid === c.conversationPid);
    const needing = (await inbox(agent, "helpNeeded")).body.items;
    expect(needing).toMatchObject([{ conversationPid: c.conversationPid, needsHelpReason: "Refund over limit" }]);

    const join = await call(`/api/v1/live/conversations/${c.conversationPid}/join`, { as: agent, body: {} });
    expect(join.status).toBe(200);
    expect(pids((await inbox(agent, "mine")).body.items)).toEqual([c.conversationPid]);
    expect(pids((await inbox(agent, "helpNeeded")).body.items)).toEqual([]);
    expect((await inbox(agent, "mine")).body.items[0]?.agents).toEqual([
      { id: expect.any(String), name: expect.any(String) },
    ]);

    const leave = await call(`/api/v1/live/conversations/${c.conversationPid}/leave`, { as: agent, body: {} });
    expect(leave.status).toBe(200);
    expect(pids((await inbox(agent, "mine")).body.items)).toEqual([]);
    const left = (await inbox(agent, "recentlyLeft")).body.items;
    expect(left).toMatchObject([{ conversationPid: c.conversationPid, leftAt: expect.any(String) }]);
    await call(`/api/v1/live/conversations/${c.conversationPid}/join`, { as: agent, body: {} });
    expect(pids((await inbox(agent, "recentlyLeft")).body.items)).toEqual([]);
    expect(pids((await inbox(agent, "mine")).body.items)).toEqual([c.conversationPid]);

    const done = await call(`/api/v1/live/conversations/${c.conversationPid}/complete-engagement`, {
      as: agent,
      body: { outcome: "RESOLVED", reason: "Refund sent" },
    });
    const state = (await done.json()) as ConversationState;
    expect(state.engagements.filter((e) => e.type === "AGENT").at(-1)).toMatchObject({
      status: "COMPLETED",
      outcome: "RESOLVED",
      reason: "Refund sent",
    });
    const row = await env.DB.prepare(
      "SELECT outcome_type, reason FROM engagement WHERE account_id = ? AND conversation_pid = ? AND type = 'Agent' ORDER BY start_time DESC, rowid DESC LIMIT 1",
    )
      .bind(c.accountId, c.conversationPid)
      .first();
    expect(row).toEqual({ outcome_type: "RESOLVED", reason: "Refund sent" });

    const other = await account();
    expect(pids((await inbox(other.admin, "all")).body.items)).toEqual([]);
    const foreign = await call(`/api/v1/live/conversations/${c.conversationPid}/join`, { as: other.admin, body: {} });
    expect(foreign.status).toBe(404);
    const badSection = await call("/api/v1/live/inbox?section=everything", { as: agent });
    expect(badSection.status).toBe(400);
    const badCursor = await call("/api/v1/live/inbox?section=mine&cursor=zzz", { as: agent });
    expect(await errorCode(badCursor)).toBe("INVALID_CURSOR");
    hub.socket.ws.close();
  });

  it("sends messages and notes, presses configured action buttons only, and refuses cross-site sockets", async () => {
    const c = await chat();
    const put = await call("/api/v1/live/action-buttons", {
      method: "PUT",
      as: c.admin,
      body: {
        items: [
          { name: "schedule-followup", label: "Schedule follow-up" },
          { name: "refund", label: "Refund", visibleToExternal: true },
        ],
      },
    });
    expect(put.status).toBe(200);
    const dup = await call("/api/v1/live/action-buttons", {
      method: "PUT",
      as: c.admin,
      body: {
        items: [
          { name: "a", label: "A" },
          { name: "a", label: "B" },
        ],
      },
    });
    expect(dup.status).toBe(400);

    const base = `/api/v1/live/conversations/${c.conversationPid}`;
    const notJoined = await call(`${base}/messages`, { as: c.admin, body: { content: "Hello" } });
    expect(await errorCode(notJoined)).toBe("NOT_A_PARTICIPANT");
    await call(`${base}/join`, { as: c.admin, body: {} });
    const sent = await call(`${base}/messages`, { as: c.admin, body: { content: "Hello, I am here" } });
    expect(((await sent.json()) as LiveTurn).participantName).toBeTruthy();
    await call(`${base}/notes`, { as: c.admin, body: { content: "VIP customer" } });
    const pressed = await call(`${base}/actions`, { as: c.admin, body: { action: "schedule-followup" } });
    expect(pressed.status).toBe(200);
    const unknown = await call(`${base}/actions`, { as: c.admin, body: { action: "launch-rockets" } });
    expect(await errorCode(unknown)).toBe("UNKNOWN_ACTION");
    const state = (await (await call(base, { as: c.admin })).json()) as ConversationState;
    expect(state.turns.map((t) => [t.participantType, t.type])).toEqual([
      ["AGENT", "MESSAGE"],
      ["AGENT", "NOTE"],
      ["AGENT", "EVENT"],
    ]);

    // The customer never sees the note or the button press.
    const { socket } = await customerSocket(c.accountId, c.conversationPid, c.customerToken);
    const frame = (await socket?.waitFor((f) => f.type === "state")) as Extract<ServerFrame, { type: "state" }>;
    expect(frame.conversation.turns.map((t) => t.type)).toEqual(["MESSAGE"]);
    socket?.ws.close();

    const crossSite = await openRouteSocket(`${base}/socket`, {
      as: c.admin,
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const agentSocket = await openRouteSocket(`${base}/socket`, {
      as: c.admin,
      headers: { origin: "https://brine.test" },
    });
    expect(agentSocket.status).toBe(101);
    const agentState = (await agentSocket.socket?.waitFor((f) => f.type === "state")) as Extract<
      ServerFrame,
      { type: "state" }
    >;
    expect(agentState.conversation.turns).toHaveLength(3);
    agentSocket.socket?.ws.close();
  });
});

describe("external agents: /api/v1/live/external/{token}", () => {
  async function invited() {
    const c = await chat();
    await call("/api/v1/live/action-buttons", {
      method: "PUT",
      as: c.admin,
      body: {
        items: [
          { name: "internal-only", label: "Internal" },
          { name: "refund", label: "Refund", visibleToExternal: true },
        ],
      },
    });
    const res = await call(`/api/v1/live/conversations/${c.conversationPid}/invitations`, {
      as: c.admin,
      body: { email: "Courier@Partner.example", name: "Courier desk", expiresInHours: 2 },
    });
    expect(res.status).toBe(200);
    const made = (await res.json()) as { invitation: { pid: string; contact: string }; link: string };
    const token = made.link.split("/external/")[1] ?? "";
    return { ...c, made, token };
  }

  it("lets the invited person join that one conversation, in their own engagement, with their buttons only", async () => {
    const c = await invited();
    expect(c.made.invitation.contact).toBe("courier@partner.example");
    expect(c.made.link).toMatch(/^https:\/\/brine\.test\/external\//);
    const view = await call(`/api/v1/live/external/${c.token}`);
    expect(view.status).toBe(200);
    const body = (await view.json()) as {
      conversation: ConversationState;
      buttons: { name: string }[];
      participant: string;
    };
    expect(body.buttons.map((b) => b.name)).toEqual(["refund"]);
    expect(body.participant).toBe(`ext:${c.made.invitation.pid}`);

    expect((await call(`/api/v1/live/external/${c.token}/join`, { body: {} })).status).toBe(200);
    const msg = await call(`/api/v1/live/external/${c.token}/messages`, {
      body: { content: "Your parcel is at the depot" },
    });
    expect(((await msg.json()) as LiveTurn).participantType).toBe("EXTERNAL_AGENT");
    const hidden = await call(`/api/v1/live/external/${c.token}/actions`, { body: { action: "internal-only" } });
    expect(await errorCode(hidden)).toBe("UNKNOWN_ACTION");
    expect((await call(`/api/v1/live/external/${c.token}/actions`, { body: { action: "refund" } })).status).toBe(200);

    const state = (await (
      await call(`/api/v1/live/conversations/${c.conversationPid}`, { as: c.admin })
    ).json()) as ConversationState;
    expect(state.engagements.map((e) => [e.type, e.agentName ?? null])).toContainEqual([
      "EXTERNAL_AGENT",
      "Courier desk",
    ]);
    const d1 = await env.DB.prepare(
      "SELECT e.type, a.name FROM engagement e JOIN agent a ON a.account_id = e.account_id AND a.pid = e.external_agent_pid WHERE e.account_id = ? AND e.conversation_pid = ?",
    )
      .bind(c.accountId, c.conversationPid)
      .all();
    expect(d1.results).toEqual([{ type: "External Agent", name: "Courier desk" }]);
    const socket = await openRouteSocket(`/api/v1/live/external/${c.token}/socket`);
    expect(socket.status).toBe(101);
    const frame = (await socket.socket?.waitFor((f) => f.type === "state")) as Extract<ServerFrame, { type: "state" }>;
    // An external agent never sees the invitation links (credentials) nor the customer's contacts in clear.
    expect(frame.conversation.invitations).toEqual([]);
    expect(JSON.stringify(frame.conversation)).not.toContain("/external/");
    expect(body.conversation.invitations).toEqual([]);
    socket.socket?.ws.close();
  });

  it("refuses tampered, expired and revoked links, and a link never reaches another conversation", async () => {
    const c = await invited();
    const tampered = await call(`/api/v1/live/external/${c.token.slice(0, -3)}abc`);
    expect(tampered.status).toBe(403);
    expect(await errorCode(tampered)).toBe("LINK_INVALID");
    const grant = { accountId: c.accountId, conversationPid: c.conversationPid, invitationPid: c.made.invitation.pid };
    const expiredLink = await externalLink(env.SIGNING_SECRET, "", { ...grant, expiresAt: 1000 });
    const expired = await call(`/api/v1/live/external/${expiredLink.split("/external/")[1]}`);
    expect(await errorCode(expired)).toBe("LINK_EXPIRED");
    // A validly signed grant to another conversation is refused: the invitation names its own.
    const other = await chat();
    const elsewhere = await externalLink(env.SIGNING_SECRET, "", {
      ...grant,
      accountId: other.accountId,
      conversationPid: other.conversationPid,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    });
    const wrong = await call(`/api/v1/live/external/${elsewhere.split("/external/")[1]}`);
    expect(await errorCode(wrong)).toBe("LINK_INVALID");
    await env.DB.prepare("UPDATE live_invitation SET revoked_at = unixepoch() WHERE account_id = ? AND id = ?")
      .bind(c.accountId, c.made.invitation.pid)
      .run();
    expect(await errorCode(await call(`/api/v1/live/external/${c.token}`))).toBe("LINK_INVALID");
    const badInvite = await call(`/api/v1/live/conversations/${c.conversationPid}/invitations`, {
      as: c.admin,
      body: { email: "a@b.example", phone: "+420777123456" },
    });
    expect(badInvite.status).toBe(400);
  });
});

describe("Your Logic triggers from the channels", () => {
  it("sends NAVIGATION (URL trimmed to 2048), ANSWER then MENU_STEP, REVIEW and ACTION, one at a time", async () => {
    const { accountId, admin } = await account();
    await configureYourLogic(admin);
    await call("/api/v1/live/action-buttons", {
      method: "PUT",
      as: admin,
      body: { items: [{ name: "schedule-followup", label: "Schedule follow-up" }] },
    });
    const { conversationStub } = await import("../../workers/live/conversation");
    const pid = crypto.randomUUID();
    const stub = conversationStub(env, accountId, pid);
    await stub.start({ accountId, conversationPid: pid, channel: "CHAT", customer: { contacts: [] } });
    const answer = async (index: number, body: unknown = { actions: [] }) => {
      const event = await yourLogic.event(stub, index);
      await event.respond(() => json(body));
      return event.body;
    };

    expect((await stub.customerNavigation({ url: `https://shop.example.com/${"a".repeat(3000)}` })).ok).toBe(true);
    const navigation = await answer(0, {
      actions: [
        {
          type: "QUESTION",
          content: "What do you need?",
          options: [
            { id: "refund", label: "A refund", technicalId: "refund-credits" },
            { id: "other", label: "Something else" },
          ],
        },
        { type: "MESSAGE", content: "Here to help" },
      ],
    });
    expect(navigation.trigger).toMatchObject({ type: "NAVIGATION", participantType: "CUSTOMER" });
    expect(String(navigation.trigger.lastVisitedUrl)).toHaveLength(2048);
    expect((navigation.conversation as { lastVisitedUrl: string }).lastVisitedUrl).toHaveLength(2048);

    const state = (await stub.read()) as unknown as { ok: true; value: ConversationState };
    const question = state.value.turns.find((t) => t.options);
    const botMessage = state.value.turns.find((t) => t.content === "Here to help");
    await stub.customerAnswer({ turnPid: question?.pid ?? "", optionId: "refund" });
    expect((await answer(1)).trigger).toMatchObject({ type: "ANSWER", optionId: "refund" });
    expect((await answer(2)).trigger).toMatchObject({ type: "MENU_STEP", technicalID: "refund-credits" });

    const reviewed = await stub.customerReview({ turnPid: botMessage?.pid ?? "", value: "DOWN", reason: "Confusing" });
    expect(reviewed.ok).toBe(true);
    expect((await answer(3)).trigger).toMatchObject({
      type: "REVIEW",
      reviewType: "Customer",
      answerName: "Thumbs Down",
      reviewReason: "Confusing",
      turn: botMessage?.pid,
    });
    const onQuestion = await stub.customerReview({ turnPid: question?.pid ?? "", value: "UP" });
    expect(onQuestion.ok).toBe(true);
    await answer(4);

    await stub.agentJoin({ agent: "agent-1", name: "Eva" });
    await answer(5); // CONVERSATION_UPDATE: AGENT_JOINED
    expect((await stub.pressAction({ agent: "agent-1", name: "Eva", action: "schedule-followup" })).ok).toBe(true);
    expect((await answer(6)).trigger).toMatchObject({
      type: "ACTION",
      participantType: "AGENT",
      agent: "agent-1",
      action: "schedule-followup",
    });
    expect(yourLogic.received).toHaveLength(7);
  });
});
