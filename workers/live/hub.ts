import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

// One object per account: agents' Live pages hold a hibernating socket here, and every
// conversation object tells it when one of the account's conversations changed. The frame names
// only the conversation; each page reads its sections through the API, which applies the
// reader's permissions, so nothing is pushed that the reader could not read.

type HubAttachment = { userId: string };

export class AccountHub extends DurableObject<Bindings> {
  /** Accepts an agent's socket; the Worker has checked the session and sets `x-live-user`. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const userId = request.headers.get("x-live-user");
    if (!userId) return new Response("Unknown user", { status: 401 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [userId]);
    pair[1].serializeAttachment({ userId } satisfies HubAttachment);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** A conversation of the account changed: every connected page refreshes its sections. */
  async changed(conversationPid: string): Promise<number> {
    const text = JSON.stringify({ type: "inbox", conversationPid });
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      try {
        ws.send(text);
      } catch {
        // A socket closing as we send.
      }
    }
    return sockets.length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message === "string" && message.length < 200 && message.includes('"ping"')) {
      ws.send(JSON.stringify({ type: "pong" }));
      return;
    }
    ws.send(JSON.stringify({ type: "error", code: "INVALID_FRAME", message: "The inbox socket only takes pings." }));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }
}

export function hubStub(env: Bindings, accountId: string) {
  return env.ACCOUNT_HUB.get(env.ACCOUNT_HUB.idFromName(accountId));
}

/** Tells the account's open Live pages that a conversation changed. */
export async function notifyInbox(env: Bindings, accountId: string, conversationPid: string): Promise<void> {
  await hubStub(env, accountId).changed(conversationPid);
}
