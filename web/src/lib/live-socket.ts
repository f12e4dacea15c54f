import { effect, type ReadonlySignal, signal } from "@preact/signals";
import { API_BASE } from "../api";

/** Where a socket stands: first connecting, open, waiting to reconnect, or closed for good. */
export type SocketStatus = "connecting" | "open" | "reconnecting" | "closed";

/** Waits between reconnects, growing to the last and staying there. */
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];
/** How often an open socket says it is alive (the server answers `pong`). */
const PING_MS = 25_000;

interface LiveSocketOptions<F> {
  /** Each JSON frame the server sends. */
  onFrame: (frame: F) => void;
  /** The socket (re)opened; `again` is false the first time. Missed frames should be caught up here. */
  onOpen?: (again: boolean) => void;
}

/** The `ws:`/`wss:` address of an API path on this origin. */
export function socketUrl(path: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${API_BASE}${path}`;
}

/**
 * One WebSocket to an API path that reconnects with backoff when it drops, until the model
 * is disposed. Call it inside a `createModel` factory.
 */
export function liveSocket<F extends { type: string }>(path: string, { onFrame, onOpen }: LiveSocketOptions<F>) {
  const status = signal<SocketStatus>("connecting");
  let socket: WebSocket | null = null;
  let attempt = 0;
  let opened = false;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(socketUrl(path));
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      status.value = "open";
      const again = opened;
      opened = true;
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), PING_MS);
      onOpen?.(again);
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let frame: F;
      try {
        frame = JSON.parse(event.data) as F;
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") onFrame(frame);
    };
    ws.onclose = () => {
      clearInterval(pingTimer);
      if (socket !== ws || stopped) return;
      socket = null;
      status.value = "reconnecting";
      const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 15_000;
      attempt++;
      // A little jitter, so every tab of a restarted server does not come back at once.
      retryTimer = setTimeout(connect, wait + Math.random() * wait * 0.2);
    };
  };

  const send = (frame: { type: string } & Record<string, unknown>): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  connect();
  effect(() => () => {
    stopped = true;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    status.value = "closed";
    socket?.close(1000, "left the page");
    socket = null;
  });

  return {
    status: status as ReadonlySignal<SocketStatus>,
    /** Sends a frame if the socket is open; false when it is not (the caller falls back or waits). */
    send,
  };
}
