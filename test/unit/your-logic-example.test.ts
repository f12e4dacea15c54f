import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YourLogicAction, YourLogicAnswer } from "../../schemas/live";
import { hmac, webhookSignature } from "../../workers/lib/crypto";

// examples/your-logic/server.mjs as a user runs it (its own Node process), sent events signed
// as Brine signs them, with a real HTTP server standing in for Brine's callback route.

const SECRET = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;
const BRAND = {
  id: crypto.randomUUID(),
  accountId: crypto.randomUUID(),
  secret: "brand-secret-for-the-example-test-0123456789",
};
const SCRIPT = "examples/your-logic/server.mjs";

/** The headers of workers/live/your-logic.ts eventHeaders (which this tsconfig cannot import: it needs the Worker's Env). */
async function eventHeaders(secret: string, webhookId: string, timestampSeconds: number, body: string) {
  return {
    "content-type": "application/json",
    authorization: `Bearer ${secret}`,
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": await webhookSignature(secret, webhookId, timestampSeconds, body),
    "user-agent": "Brine-YourLogic/1",
  };
}

type Answer = { requestId?: string; actions: Array<Record<string, unknown> & { type: string }> };

/** Starts the example bot; resolves with its address once it listens, or with its exit and output. */
function startBot(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<{ url: string | null; code: number | null; output: string }>((resolve) => {
    const onData = (d: Buffer) => {
      output += d;
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) resolve({ url: `http://localhost:${port}`, code: null, output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => resolve({ url: null, code, output }));
  });
  return { child, ready };
}

/** A real HTTP server standing in for Brine's callback route; records every request. */
function fakeBrine() {
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ path: req.url ?? "", headers: req.headers, body });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ requestId: JSON.parse(body).requestId, results: [] }));
    for (const w of waiters.splice(0)) w();
  });
  return {
    server,
    received,
    /** The `index`-th callback, once it has arrived. */
    async callback(index: number) {
      while (received.length <= index) await new Promise<void>((r) => waiters.push(r));
      return received[index] as (typeof received)[number];
    },
  };
}

const accountId = BRAND.accountId;
let turnTime = Date.parse("2026-05-04T09:00:00Z");

function turn(participantType: string, content: string, extra: Record<string, unknown> = {}) {
  const pid = crypto.randomUUID();
  turnTime += 1000;
  const time = new Date(turnTime).toISOString();
  return {
    time,
    engagementPid: "e0000000-0000-4000-8000-000000000001",
    type: "MESSAGE",
    participantType,
    content,
    contentCustomer: content,
    contentAgent: content,
    status: "RECEIVED",
    id: pid,
    pid,
    ...extra,
  };
}

const MENU_TURN = () =>
  turn("BOT", "What can I help you with?", {
    externalId: "main-menu",
    options: [{ id: "hours", label: "Opening hours" }],
  });

interface EventInput {
  trigger: Record<string, unknown>;
  turns?: ReturnType<typeof turn>[];
  engagements?: Array<{ type: string; status: string; agent?: string }>;
  conversation?: Record<string, unknown>;
}

/** An event with the shape ConversationRoom.event() gives it. */
function makeEvent({ trigger, turns = [], engagements, conversation = {} }: EventInput) {
  const pid = crypto.randomUUID();
  const now = Date.now();
  return {
    requestId: crypto.randomUUID(),
    time: new Date(now).toISOString(),
    expires: new Date(now + 20_000).toISOString(),
    trigger: { time: new Date(now).toISOString(), ...trigger },
    accountId,
    domain: "demo",
    region: "eu",
    customer: { pid: crypto.randomUUID(), displayName: "Adam Novak", contacts: [], custom: {} },
    conversation: {
      pid,
      startConversationTime: new Date(now - 60_000).toISOString(),
      needsHelp: false,
      status: "IN_PROGRESS",
      fallbackToAgent: false,
      platform: "UNIVERSAL_CHAT",
      direction: "INBOUND",
      brand: "Demo",
      custom: {},
      ...conversation,
    },
    engagements: (engagements ?? [{ type: "BOT", status: "IN_PROGRESS" }]).map((e) => ({
      pid: crypto.randomUUID(),
      time: new Date(now - 60_000).toISOString(),
      ...e,
    })),
    turns,
  };
}

const customerSays = (content: string, before: ReturnType<typeof turn>[] = [MENU_TURN()]) => {
  const t = turn("CUSTOMER", content);
  return makeEvent({
    trigger: { type: "MESSAGE", participantType: "CUSTOMER", content, contentCustomer: content, turn: t.pid },
    turns: [...before, t],
  });
};

const customerPicks = (optionId: string, label: string) =>
  makeEvent({
    trigger: {
      type: "ANSWER",
      participantType: "CUSTOMER",
      question: crypto.randomUUID(),
      externalID: "main-menu",
      optionId,
      content: label,
      turn: crypto.randomUUID(),
    },
    turns: [MENU_TURN(), turn("CUSTOMER", label, { type: "ANSWER" })],
  });

/** Sends an event to the bot with Brine's headers; `tamper` changes the headers or body after signing. */
async function send(
  base: string,
  event: unknown,
  tamper: { headers?: Record<string, string>; body?: (raw: string) => string; secret?: string; at?: number } = {},
) {
  const raw = JSON.stringify(event);
  const requestId = (event as { requestId: string }).requestId;
  const headers = await eventHeaders(
    tamper.secret ?? SECRET,
    requestId,
    tamper.at ?? Math.floor(Date.now() / 1000),
    raw,
  );
  return fetch(`${base}/events`, {
    method: "POST",
    headers: { ...headers, ...tamper.headers },
    body: tamper.body ? tamper.body(raw) : raw,
  });
}

/** The bot's synchronous answer, checked against the schema Brine parses it with. */
async function answer(base: string, event: unknown): Promise<Answer> {
  const res = await send(base, event);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Answer;
  expect(YourLogicAnswer.safeParse(body).success).toBe(true);
  for (const action of body.actions)
    expect(YourLogicAction.safeParse(action).success, JSON.stringify(action)).toBe(true);
  return body;
}

const types = (a: Answer) => a.actions.map((x) => x.type);

let stateDir: string;
let brine: ReturnType<typeof fakeBrine>;
let syncBot: ChildProcess;
let callbackBot: ChildProcess;
let syncUrl: string;
let callbackUrl: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "brine-example-"));
  brine = fakeBrine();
  await new Promise<void>((r) => brine.server.listen(0, "localhost", r));
  const brineUrl = `http://localhost:${(brine.server.address() as AddressInfo).port}`;
  writeFileSync(
    join(stateDir, "demo.json"),
    JSON.stringify({ url: brineUrl, yourLogic: { secret: SECRET }, brand: BRAND }),
  );
  const sync = startBot({ BRINE_STATE_DIR: stateDir });
  const cb = startBot({ YOUR_LOGIC_SECRET: SECRET, BRINE_URL: brineUrl, BRINE_STATE_DIR: join(stateDir, "none") }, [
    "--callback",
  ]);
  syncBot = sync.child;
  callbackBot = cb.child;
  const [s, c] = await Promise.all([sync.ready, cb.ready]);
  if (!s.url || !c.url) throw new Error(`the example did not start:\n${s.output}\n${c.output}`);
  syncUrl = s.url;
  callbackUrl = c.url;
}, 30_000);

afterAll(async () => {
  syncBot?.kill();
  callbackBot?.kill();
  await new Promise((r) => brine?.server.close(r));
  rmSync(stateDir, { recursive: true, force: true });
});

describe("the example Your Logic: the menu", () => {
  it("greets the first message and offers the menu as a QUESTION", async () => {
    const a = await answer(syncUrl, customerSays("hi", []));
    expect(types(a)).toEqual(["MESSAGE", "QUESTION"]);
    expect(a.actions[0]?.content).toMatch(/^Hi Adam!/);
    expect(a.actions[1]).toMatchObject({ externalId: "main-menu" });
    expect((a.actions[1]?.options as { id: string }[]).map((o) => o.id)).toEqual([
      "hours",
      "refunds",
      "track",
      "person",
      "partner",
    ]);
  });

  it("answers a first message it recognises and still offers the menu", async () => {
    const a = await answer(syncUrl, customerSays("Where is my parcel?", []));
    expect(types(a)).toEqual(["MESSAGE", "MESSAGE", "QUESTION"]);
    expect(a.actions[1]?.content).toMatch(/Out for delivery/);
  });

  it.each([
    ["hours", "Opening hours", /Monday to Friday/],
    ["refunds", "Refunds", /credit card on file/],
    ["track", "Track my order", /tracking link/],
  ])("answers the option %s with a MESSAGE", async (id, label, text) => {
    const a = await answer(syncUrl, customerPicks(id, label));
    expect(types(a)).toEqual(["MESSAGE"]);
    expect(a.actions[0]?.content).toMatch(text);
  });

  it("hands “Talk to a person” to agents: a message, then NEEDS_HELP", async () => {
    const a = await answer(syncUrl, customerPicks("person", "Talk to a person"));
    expect(types(a)).toEqual(["MESSAGE", "NEEDS_HELP"]);
    expect(a.actions[0]?.content).toMatch(/^Connecting you/);
    expect(a.actions[1]).toMatchObject({ needsHelp: true, reason: expect.stringMatching(/person/) });
  });

  it("invites the partner for “Ask a partner” and leaves the agents a note", async () => {
    const a = await answer(syncUrl, customerPicks("partner", "Ask a partner"));
    expect(types(a)).toEqual(["MESSAGE", "INVITE_EXTERNAL_AGENT", "NOTE"]);
    expect(a.actions[1]).toMatchObject({ email: "partner@example.com" });
  });
});

describe("the example Your Logic: free text", () => {
  it("answers text it recognises by keywords", async () => {
    const a = await answer(syncUrl, customerSays("How do I get my money back?"));
    expect(types(a)).toEqual(["MESSAGE"]);
    expect(a.actions[0]?.content).toMatch(/refund/);
  });

  it("asks for help with text it does not understand, naming it in the reason", async () => {
    const a = await answer(syncUrl, customerSays("My cat ate the receipt"));
    expect(types(a)).toEqual(["MESSAGE", "NEEDS_HELP"]);
    expect(a.actions[1]).toMatchObject({ needsHelp: true, reason: expect.stringContaining("My cat ate the receipt") });
  });

  it("stays silent while an agent is engaged, and while the customer waits for one", async () => {
    const engaged = customerSays("Where is my parcel?");
    engaged.engagements.push({ pid: crypto.randomUUID(), time: engaged.time, type: "AGENT", status: "IN_PROGRESS" });
    expect((await answer(syncUrl, engaged)).actions).toEqual([]);
    const waiting = customerSays("Where is my parcel?");
    waiting.conversation.fallbackToAgent = true;
    expect((await answer(syncUrl, waiting)).actions).toEqual([]);
  });
});

describe("the example Your Logic: other triggers", () => {
  it("answers an agent's ACTION with a note saying what it did", async () => {
    const a = await answer(
      syncUrl,
      makeEvent({
        trigger: { type: "ACTION", participantType: "AGENT", agent: crypto.randomUUID(), action: "create-ticket" },
      }),
    );
    expect(types(a)).toEqual(["NOTE"]);
    expect(a.actions[0]?.content).toMatch(/created ticket T-/);
  });

  it("asks for help after a thumbs down, and ignores a thumbs up", async () => {
    // The trigger as ConversationRoom.customerReview queues it.
    const review = (answerName: string) =>
      makeEvent({
        trigger: {
          type: "REVIEW",
          participantType: "CUSTOMER",
          reviewType: "Customer",
          questionName: "Thumbs Up/Down",
          answerName,
          reviewReason: "Confusing",
          turn: crypto.randomUUID(),
        },
      });
    const down = await answer(syncUrl, review("Thumbs Down"));
    expect(types(down)).toEqual(["MESSAGE", "NEEDS_HELP"]);
    expect(down.actions[1]?.reason).toMatch(/thumbs down: Confusing/);
    expect((await answer(syncUrl, review("Thumbs Up"))).actions).toEqual([]);
  });

  it("asks whether anything else is needed when an agent completes their engagement", async () => {
    const a = await answer(
      syncUrl,
      makeEvent({
        trigger: {
          type: "ENGAGEMENT_COMPLETED",
          participantType: "AGENT",
          engagement: { pid: crypto.randomUUID(), type: "AGENT", status: "COMPLETED", outcomeType: "RESOLVED" },
        },
        engagements: [{ type: "AGENT", status: "COMPLETED" }],
      }),
    );
    expect(types(a)).toEqual(["QUESTION"]);
    expect(a.actions[0]?.content).toMatch(/anything else/);
    expect((a.actions[0]?.options as { id: string }[]).at(-1)?.id).toBe("done");
    const done = await answer(syncUrl, customerPicks("done", "No, that is all"));
    expect(types(done)).toEqual(["MESSAGE", "COMPLETE_CONVERSATION"]);
  });
});

describe("the example Your Logic: verifying events", () => {
  it("refuses a wrong bearer secret", async () => {
    const res = await send(syncUrl, customerSays("hi"), { headers: { authorization: "Bearer whsec_bm9wZQ==" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_SECRET");
  });

  it("refuses a body changed after signing, and a signature made with another secret", async () => {
    const changed = await send(syncUrl, customerSays("hi"), { body: (raw) => raw.replace('"hi"', '"hi!"') });
    expect(changed.status).toBe(401);
    expect(((await changed.json()) as { error: { code: string } }).error.code).toBe("INVALID_SIGNATURE");
    const event = customerSays("hi");
    const raw = JSON.stringify(event);
    const ts = Math.floor(Date.now() / 1000);
    const forged = await send(syncUrl, event, {
      headers: { "webhook-signature": await webhookSignature("whsec_b3RoZXI=", event.requestId, ts, raw) },
    });
    expect(forged.status).toBe(401);
  });

  it("refuses a stale timestamp", async () => {
    const res = await send(syncUrl, customerSays("hi"), { at: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("STALE_TIMESTAMP");
  });

  it("refuses a replayed webhook-id", async () => {
    const event = customerSays("hi");
    const raw = JSON.stringify(event);
    const headers = await eventHeaders(SECRET, event.requestId, Math.floor(Date.now() / 1000), raw);
    const first = await fetch(`${syncUrl}/events`, { method: "POST", headers, body: raw });
    expect(first.status).toBe(200);
    const again = await fetch(`${syncUrl}/events`, { method: "POST", headers, body: raw });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("WEBHOOK_REPLAYED");
  });
});

describe("the example Your Logic: callback mode", () => {
  it("accepts with an empty 202, then posts the signed answer to Brine's callback route", async () => {
    const event = customerPicks("hours", "Opening hours");
    const res = await send(callbackUrl, event);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    const cb = await brine.callback(0);
    expect(cb.path).toBe(`/api/v1/live/your-logic/accounts/${accountId}/conversations/${event.conversation.pid}`);
    expect(cb.headers.authorization).toBe(`Bearer ${SECRET}`);
    const id = String(cb.headers["webhook-id"]);
    const ts = Number(cb.headers["webhook-timestamp"]);
    expect(cb.headers["webhook-signature"]).toBe(await webhookSignature(SECRET, id, ts, cb.body));
    const body = JSON.parse(cb.body) as Answer;
    expect(body.requestId).toBe(event.requestId);
    expect(types(body)).toEqual(["MESSAGE"]);
  });
});

describe("the example Your Logic: the demo shop", () => {
  it("embeds the widget for the demo brand from demo.json", async () => {
    const html = await (await fetch(syncUrl)).text();
    expect(html).toMatch(/<script type="module" src="http:\/\/localhost:\d+\/widget\/universal-chat\.js"><\/script>/);
    expect(html).toContain(`<universal-chat accountid="${BRAND.accountId}" brandid="${BRAND.id}"`);
  });

  it("signs a customer identity with the brand secret", async () => {
    const res = await fetch(`${syncUrl}/identity`);
    const { identity } = (await res.json()) as { identity: string };
    const [payload, mac] = identity.split(".");
    expect(mac).toBe(await hmac(BRAND.secret, payload ?? ""));
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    expect(claims).toMatchObject({ displayName: "Adam Novak", contacts: [{ type: "Email" }] });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it("says what to do when there is no shared secret anywhere", async () => {
    const { ready } = startBot({ YOUR_LOGIC_SECRET: "", BRINE_STATE_DIR: join(stateDir, "missing") });
    const result = await ready;
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/No Your Logic shared secret/);
    expect(result.output).toMatch(/npm start/);
  });
});
