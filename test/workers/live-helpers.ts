import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { ConversationState, ServerFrame, StartConversation } from "../../schemas/live";
import { conversationStub } from "../../workers/live/conversation";
import { type Client, call } from "./helpers";

// A fake Your Logic the test drives. The conversation objects run in the test's isolate, so
// their outbound `fetch` to YOUR_LOGIC_URL is answered here: each event waits until the test
// responds, which is how "slow", "erroring" and "malformed" are made without timers.
// workerd runs a promise's continuation in the I/O context that resolved it, so every wait
// and every answer goes through runInDurableObject: both sides stay in the object's context.

/** A promise and the functions that settle it (Promise.withResolvers, which this lib target lacks). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The value of a conversation object's result, or a thrown error naming its code. */
export function value<T>(result: { ok: boolean; value?: T; code?: string }): T {
  if (!result.ok) throw new Error(`conversation refused: ${result.code}`);
  return result.value as T;
}

export const YOUR_LOGIC_URL = "https://your-logic.test/events";

type Stub = ReturnType<typeof conversationStub>;

export interface ReceivedEvent {
  body: Record<string, unknown> & { requestId: string; trigger: Record<string, unknown> };
  raw: string;
  headers: Record<string, string>;
  /** Answers the event's HTTP request with the response `make` builds. */
  respond(make: () => Response): Promise<void>;
  /** Throws inside the sender's fetch, as an unreachable host does. */
  fail(error: () => Error): Promise<void>;
}

interface Pending {
  body: ReceivedEvent["body"];
  raw: string;
  headers: Record<string, string>;
  resolve: (r: Response) => void;
  reject: (e: unknown) => void;
}

export function fakeYourLogic() {
  const received: Pending[] = [];
  const waiters: { index: number; resolve: () => void }[] = [];
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    if (!request.url.startsWith(YOUR_LOGIC_URL)) return original(input as RequestInfo, init as RequestInit);
    const raw = await request.text();
    const { promise, resolve, reject } = deferred<Response>();
    request.signal.addEventListener("abort", () => reject(request.signal.reason));
    received.push({ body: JSON.parse(raw), raw, headers: Object.fromEntries(request.headers), resolve, reject });
    for (const w of waiters.splice(0)) {
      if (w.index < received.length) w.resolve();
      else waiters.push(w);
    }
    return promise;
  });
  const view = (stub: Stub, p: Pending): ReceivedEvent => ({
    body: p.body,
    raw: p.raw,
    headers: p.headers,
    respond: (make) => runInDurableObject(stub, () => p.resolve(make())),
    fail: (error) => runInDurableObject(stub, () => p.reject(error())),
  });
  return {
    received,
    /** The `index`-th event (0-based) sent by `stub`'s conversation, once it has arrived. */
    async event(stub: Stub, index: number): Promise<ReceivedEvent> {
      await runInDurableObject(stub, () => {
        if (index < received.length) return;
        const { promise, resolve } = deferred<void>();
        waiters.push({ index, resolve });
        return promise;
      });
      return view(stub, received[index] as Pending);
    },
    restore: () => spy.mockRestore(),
  };
}

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Configures the account's Your Logic through the API and returns the shared secret. */
export async function configureYourLogic(admin: Client, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/api/v1/live/your-logic", {
    method: "PUT",
    as: admin,
    body: { url: YOUR_LOGIC_URL, ...overrides },
  });
  if (res.status !== 200) throw new Error(`your logic settings: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}

let conversations = 0;

/** Starts a conversation in the account and returns its object and PID. */
export async function startConversation(accountId: string, overrides: Partial<StartConversation> = {}) {
  const conversationPid = crypto.randomUUID();
  const stub = conversationStub(env, accountId, conversationPid);
  const started = await stub.start({
    accountId,
    conversationPid,
    channel: "CHAT",
    brand: "Demo",
    customer: {
      displayName: `Customer ${++conversations}`,
      contacts: [{ contact: "Jane@Example.com", type: "Email" }],
    },
    ...overrides,
  });
  const { customerToken, state } = value<{ customerToken: string; state: ConversationState }>(started);
  return { stub, conversationPid, customerToken, state };
}

/** Posts Your Logic's callback for a conversation. */
export function callback(
  accountId: string,
  conversationPid: string,
  secret: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return call(`/api/v1/live/your-logic/accounts/${accountId}/conversations/${conversationPid}`, {
    body,
    headers: { authorization: `Bearer ${secret}`, ...headers },
  });
}

/** A socket to a conversation object, with its frames collected as they arrive. */
export async function openSocket(stub: ReturnType<typeof conversationStub>, headers: Record<string, string>) {
  return collectFrames(await stub.fetch("https://live.test/socket", { headers: { upgrade: "websocket", ...headers } }));
}

/** A socket opened through the Worker's routes (as browsers do), with its frames collected. */
export async function openRouteSocket(path: string, options: { as?: Client; headers?: Record<string, string> } = {}) {
  return collectFrames(await call(path, { as: options.as, headers: { upgrade: "websocket", ...options.headers } }));
}

async function collectFrames(res: Response) {
  const ws = res.webSocket;
  if (!ws) return { status: res.status, socket: null, body: await res.text() };
  ws.accept();
  const frames: ServerFrame[] = [];
  const waiters: { test: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data)) as ServerFrame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.test(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  return {
    status: res.status,
    socket: {
      ws,
      frames,
      /** The next frame (including ones already received after `from`) matching `test`. */
      waitFor(test: (f: ServerFrame) => boolean, from = 0): Promise<ServerFrame> {
        const have = frames.slice(from).find(test);
        if (have) return Promise.resolve(have);
        const { promise, resolve } = deferred<ServerFrame>();
        waiters.push({ test, resolve });
        return promise;
      },
    },
  };
}
