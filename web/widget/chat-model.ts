import { batch, computed, createModel, effect, signal, untracked } from "@preact/signals";
import type { ConversationState, LiveTurn, ServerFrame } from "../../schemas/live";
import {
  fileRefusal,
  MAX_FILE_BYTES,
  mergeTurns,
  type PendingMessage,
  parseStoredChat,
  reconnectDelay,
  type StoredChat,
  type StoredSession,
  serializeStoredChat,
  sessionKey,
  unacknowledged,
} from "./chat-state";

/** The brand's look and limits, from `GET /api/v1/live/widget/config`. */
export interface WidgetConfig {
  brandId: string;
  name: string;
  color: string;
  openingMessage: string | null;
  placeholder: string | null;
  maxFileBytes: number;
}

export interface ChatOptions {
  /** Brine's origin: where the widget's script came from. */
  origin: string;
  accountId: string;
  brandId: string;
  /** The signed identity token from the site's backend, if the site knows the customer. */
  identity: string | null;
  /** Whether the panel starts opened (the element's `open` attribute). */
  startOpen: boolean;
}

/** Someone other than the customer who is typing now. */
export interface Typist {
  key: string;
  name: string;
}

type Connection = "idle" | "connecting" | "open" | "offline" | "reconnecting";

/** How long after the last keystroke the customer counts as no longer typing. */
const TYPING_IDLE_MS = 3_000;
/** How long another participant counts as typing without a new typing frame. */
const TYPIST_TIMEOUT_MS = 10_000;
/** Heartbeat: a ping this often; a socket that stays silent for two of them is dropped and reconnected. */
const PING_MS = 25_000;

/** An error the widget can show: the API's code and message. */
class WidgetError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API's `{error:{code,message}}`, or a plain description of the HTTP failure. */
async function errorOf(response: Response): Promise<WidgetError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) return new WidgetError(body.error.code, body.error.message ?? body.error.code);
  } catch {
    // not JSON
  }
  return new WidgetError(`HTTP_${response.status}`, `The chat service answered ${response.status}.`);
}

/** What the customer should read for a failure. */
function explain(e: unknown): string {
  if (e instanceof WidgetError) {
    if (e.code === "ORIGIN_NOT_ALLOWED") return "Chat is not available on this website.";
    return e.message;
  }
  return "The chat service cannot be reached. Check your connection.";
}

function readStorage(key: string): StoredChat {
  try {
    return parseStoredChat(localStorage.getItem(key));
  } catch {
    return { session: null, pending: [] };
  }
}

function writeStorage(key: string, chat: StoredChat): void {
  try {
    const value = serializeStoredChat(chat);
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // storage disabled or full: the conversation still works until the page is left
  }
}

/**
 * One widget's conversation: the brand's config, the conversation started on the first message,
 * its customer socket with reconnect and resume, the messages still waiting for the server, and
 * the customer's actions (send, attach, answer, rate, typing). Closes its socket on dispose.
 */
export const ChatModel = createModel((options: ChatOptions) => {
  const { origin, accountId, brandId } = options;
  const storageKey = sessionKey(accountId, brandId);
  const api = `${origin}/api/v1/live/widget`;

  const config = signal<WidgetConfig | null>(null);
  /** Why the widget cannot work here at all (origin not allowed, unknown brand); the panel says it. */
  const refusal = signal<string | null>(null);
  const stored = readStorage(storageKey);
  const session = signal<StoredSession | null>(stored.session);
  const turns = signal<LiveTurn[]>([]);
  const pending = signal<PendingMessage[]>(stored.pending);
  const status = signal<ConversationState["flags"]["status"] | null>(null);
  const connection = signal<Connection>(stored.session ? "connecting" : "idle");
  const notice = signal<string | null>(null);
  const uploadError = signal<string | null>(null);
  const uploading = signal<string | null>(null);
  /** Answers and ratings the customer gave in this page, before the server's turns reflect them. */
  const answers = signal<Record<string, string>>({});
  const reviews = signal<Record<string, "UP" | "DOWN">>({});
  /** Errors the server sent about an answer or a rating, by the turn they concern. */
  const turnErrors = signal<Record<string, string>>({});
  const typists = signal<Typist[]>([]);
  const unread = signal(0);
  const isOpen = signal(options.startOpen);

  const maxFileBytes = computed(() => config.value?.maxFileBytes ?? MAX_FILE_BYTES);
  const connected = computed(() => connection.value === "open");

  let disposed = false;
  let socket: WebSocket | null = null;
  /** Whether the current socket has delivered its `state` frame (only then are messages sent on it). */
  let synced = false;
  let sentOnSocket = new Set<string>();
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastHeard = 0;
  let starting: Promise<void> | null = null;
  let typingSent = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** The turn the last answer or rating was about, for an `error` frame that names no clientId. */
  let lastTurnAction: string | null = null;
  const typistTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Participants' names by id, from the last state. */
  const participants = new Map<string, string>();

  const persist = () => writeStorage(storageKey, { session: session.value, pending: pending.value });

  const loadConfig = async () => {
    try {
      const response = await fetch(
        `${api}/config?account=${encodeURIComponent(accountId)}&brand=${encodeURIComponent(brandId)}`,
      );
      if (!response.ok) throw await errorOf(response);
      config.value = (await response.json()) as WidgetConfig;
    } catch (e) {
      if (disposed) return;
      if (e instanceof WidgetError && (e.code === "ORIGIN_NOT_ALLOWED" || e.code === "BRAND_NOT_FOUND")) {
        refuse(e);
      } else {
        notice.value = explain(e);
        reconnectTimer = setTimeout(() => void loadConfig(), reconnectDelay(attempt++));
      }
    }
  };

  /** The widget cannot work on this page: say so in the widget and in the console, and stop. */
  const refuse = (e: WidgetError) => {
    console.error(
      `Brine Universal Chat: ${e.code}: ${e.message}` +
        (e.code === "ORIGIN_NOT_ALLOWED" ? ` Add ${location.origin} to the brand's allowed origins.` : ""),
    );
    refusal.value = explain(e);
    closeSocket();
  };

  // ───── the socket ─────

  const closeSocket = () => {
    clearTimeout(reconnectTimer);
    clearInterval(pingTimer);
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
      socket = null;
    }
    synced = false;
  };

  const sendFrame = (frame: object): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN || !synced) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  const connect = () => {
    const current = session.value;
    if (disposed || !current || refusal.value) return;
    closeSocket();
    if (!navigator.onLine) {
      connection.value = "offline";
      return;
    }
    connection.value = attempt === 0 ? "connecting" : "reconnecting";
    const url = new URL(`${api}/conversations/${current.conversationPid}/socket`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("account", accountId);
    url.searchParams.set("token", current.customerToken);
    const ws = new WebSocket(url);
    socket = ws;
    sentOnSocket = new Set();
    ws.onmessage = (event) => {
      lastHeard = Date.now();
      if (typeof event.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      receive(frame);
    };
    ws.onopen = () => {
      lastHeard = Date.now();
      pingTimer = setInterval(() => {
        if (Date.now() - lastHeard > 2 * PING_MS) ws.close();
        else ws.send(JSON.stringify({ type: "ping" }));
      }, PING_MS);
    };
    ws.onclose = () => {
      if (socket !== ws || disposed) return;
      socket = null;
      synced = false;
      clearInterval(pingTimer);
      connection.value = navigator.onLine ? "reconnecting" : "offline";
      if (navigator.onLine) reconnectTimer = setTimeout(connect, reconnectDelay(attempt++));
    };
  };

  const receive = (frame: ServerFrame) => {
    switch (frame.type) {
      case "state": {
        const conversation = frame.conversation;
        for (const p of conversation.participants) if (p.name) participants.set(p.id, p.name);
        batch(() => {
          turns.value = mergeTurns(turns.value, conversation.turns);
          status.value = conversation.flags.status;
          pending.value = unacknowledged(pending.value, conversation.turns);
          connection.value = "open";
        });
        attempt = 0;
        synced = true;
        notice.value = null;
        persist();
        flush();
        break;
      }
      case "turn": {
        const turn = frame.turn;
        const clientId = frame.clientId ?? turn.clientId;
        batch(() => {
          turns.value = mergeTurns(turns.value, [turn]);
          if (clientId) pending.value = pending.value.filter((p) => p.clientId !== clientId);
          if (turn.participantType !== "CUSTOMER") {
            for (const who of [turn.participant, turn.participantName])
              dropTypist(typistKey(turn.participantType, who));
            if (!isOpen.value && turn.type !== "EVENT") unread.value += 1;
          }
        });
        if (clientId) persist();
        break;
      }
      case "flags":
        status.value = frame.flags.status;
        break;
      case "typing":
        showTypist(frame.participantType, frame.participant, frame.typing);
        break;
      case "error":
        if (frame.clientId) {
          const clientId = frame.clientId;
          pending.value = pending.value.map((p) =>
            p.clientId === clientId ? { ...p, error: { code: frame.code, message: frame.message } } : p,
          );
          persist();
        } else if (lastTurnAction && (frame.code === "QUESTION_NOT_FOUND" || frame.code === "INVALID_FRAME")) {
          const pid = lastTurnAction;
          turnErrors.value = { ...turnErrors.value, [pid]: frame.message };
          const { [pid]: _answer, ...restAnswers } = answers.value;
          const { [pid]: _review, ...restReviews } = reviews.value;
          answers.value = restAnswers;
          reviews.value = restReviews;
        } else {
          notice.value = frame.message;
        }
        break;
      case "pong":
        break;
    }
  };

  /** Sends every pending message the server has not refused and this socket has not carried yet. */
  const flush = () => {
    if (!session.value) {
      if (pending.value.some((p) => !p.error)) void start();
      return;
    }
    sendNavigation();
    for (const message of pending.value) {
      if (message.error || sentOnSocket.has(message.clientId)) continue;
      if (!sendFrame({ type: "message", content: message.content, clientId: message.clientId })) return;
      sentOnSocket.add(message.clientId);
    }
  };

  const sendNavigation = () => {
    const current = session.value;
    if (!current || current.lastUrl === location.href) return;
    if (sendFrame({ type: "navigation", url: location.href })) {
      session.value = { ...current, lastUrl: location.href };
      persist();
    }
  };

  /** Starts the conversation (once, however many messages are waiting), then connects. */
  const start = (): Promise<void> => {
    starting ??= (async () => {
      try {
        const response = await fetch(`${api}/conversations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            accountId,
            brandId,
            url: location.href,
            ...(options.identity ? { identity: options.identity } : {}),
          }),
        });
        if (!response.ok) throw await errorOf(response);
        const started = (await response.json()) as {
          conversationPid: string;
          customerToken: string;
          state: ConversationState;
        };
        if (disposed) return;
        batch(() => {
          session.value = {
            conversationPid: started.conversationPid,
            customerToken: started.customerToken,
            lastUrl: location.href,
          };
          turns.value = mergeTurns([], started.state.turns);
          status.value = started.state.flags.status;
          notice.value = null;
        });
        persist();
        attempt = 0;
        connect();
      } catch (e) {
        if (disposed) return;
        if (e instanceof WidgetError && e.code === "ORIGIN_NOT_ALLOWED") {
          refuse(e);
        } else if (e instanceof WidgetError && !e.code.startsWith("HTTP_5")) {
          // The server refused this start for good (identity, custom data): the messages say why.
          const error = { code: e.code, message: explain(e) };
          pending.value = pending.value.map((p) => (p.error ? p : { ...p, error }));
          persist();
        } else {
          notice.value = explain(e);
          if (navigator.onLine) reconnectTimer = setTimeout(flush, reconnectDelay(attempt++));
        }
      } finally {
        starting = null;
      }
    })();
    return starting;
  };

  // ───── typing ─────

  const typistKey = (participantType: string, participant?: string) => `${participantType}:${participant ?? ""}`;

  /** A typist's name: `participant` is an id known from the state or the turns, or already a name. */
  const typistName = (participantType: LiveTurn["participantType"], participant: string | undefined) => {
    if (!participant) return participantLabel(participantType);
    const known =
      participants.get(participant) ??
      turns.value.findLast((t) => t.participant === participant && t.participantName)?.participantName;
    if (known) return known;
    return /^[0-9a-f-]{36}$/i.test(participant) ? participantLabel(participantType) : participant;
  };

  const dropTypist = (key: string) => {
    clearTimeout(typistTimers.get(key));
    typistTimers.delete(key);
    if (typists.value.some((t) => t.key === key)) typists.value = typists.value.filter((t) => t.key !== key);
  };

  const showTypist = (participantType: LiveTurn["participantType"], participant: string | undefined, on: boolean) => {
    if (participantType === "CUSTOMER") return;
    const key = typistKey(participantType, participant);
    if (!on) return dropTypist(key);
    clearTimeout(typistTimers.get(key));
    typistTimers.set(
      key,
      setTimeout(() => dropTypist(key), TYPIST_TIMEOUT_MS),
    );
    if (!typists.value.some((t) => t.key === key)) {
      typists.value = [...typists.value, { key, name: typistName(participantType, participant) }];
    }
  };

  const stopTyping = () => {
    clearTimeout(typingTimer);
    if (typingSent) sendFrame({ type: "typing", typing: false });
    typingSent = false;
  };

  // ───── the platform ─────

  const goOffline = () => {
    closeSocket();
    connection.value = "offline";
  };
  const goOnline = () => {
    attempt = 0;
    notice.value = null;
    if (session.value) connect();
    else {
      connection.value = "idle";
      flush();
    }
  };
  const onStorage = (event: StorageEvent) => {
    // Another tab started the conversation or it was cleared: follow it.
    if (event.key !== storageKey) return;
    const next = parseStoredChat(event.newValue).session;
    if (next?.conversationPid !== session.value?.conversationPid) {
      session.value = next;
      turns.value = [];
      if (next) connect();
      else closeSocket();
    }
  };

  // Set up once and torn down on dispose; untracked, so no signal read here re-runs it.
  effect(() => {
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    window.addEventListener("storage", onStorage);
    untracked(() => {
      void loadConfig();
      // A stored conversation reconnects; messages written before one started start it.
      if (session.value) connect();
      else flush();
    });
    return () => {
      disposed = true;
      stopTyping();
      closeSocket();
      clearTimeout(typingTimer);
      for (const timer of typistTimers.values()) clearTimeout(timer);
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      window.removeEventListener("storage", onStorage);
    };
  });

  return {
    config,
    refusal,
    turns,
    pending,
    status,
    connection,
    connected,
    notice,
    uploadError,
    uploading,
    answers,
    reviews,
    turnErrors,
    typists,
    unread,
    isOpen,
    maxFileBytes,

    open() {
      isOpen.value = true;
      unread.value = 0;
    },
    close() {
      stopTyping();
      isOpen.value = false;
    },

    /** Sends a message; it waits (and survives reloads) until the server acknowledges it. */
    send(text: string) {
      const content = text.trim();
      if (!content || refusal.value) return;
      stopTyping();
      pending.value = [...pending.value, { clientId: crypto.randomUUID(), content }];
      persist();
      flush();
    },

    /** Forgets a message the server refused. */
    discard(clientId: string) {
      pending.value = pending.value.filter((p) => p.clientId !== clientId);
      persist();
    },

    /** Tells the others the customer is typing; `typing: false` follows a few seconds after the last keystroke. */
    typing() {
      if (!typingSent) typingSent = sendFrame({ type: "typing", typing: true });
      clearTimeout(typingTimer);
      typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
    },

    /** Uploads an attachment (refused here, before uploading, when it is too large). */
    async attach(file: File) {
      uploadError.value = fileRefusal(file, maxFileBytes.value);
      if (uploadError.value) return;
      uploading.value = file.name;
      try {
        if (!session.value) await start();
        const current = session.value;
        if (!current) throw new WidgetError("NOT_STARTED", notice.value ?? "The conversation could not be started.");
        const response = await fetch(
          `${api}/conversations/${current.conversationPid}/files?account=${encodeURIComponent(accountId)}`,
          {
            method: "POST",
            headers: {
              authorization: `Bearer ${current.customerToken}`,
              "content-type": file.type || "application/octet-stream",
              "x-file-name": encodeURIComponent(file.name),
            },
            body: file,
          },
        );
        if (!response.ok) throw await errorOf(response);
        const turn = (await response.json()) as LiveTurn;
        turns.value = mergeTurns(turns.value, [turn]);
      } catch (e) {
        uploadError.value = `“${file.name}” was not sent: ${explain(e)}`;
      } finally {
        uploading.value = null;
      }
    },

    /** Answers a question with one of its options. */
    answer(turnPid: string, optionId: string) {
      lastTurnAction = turnPid;
      if (!sendFrame({ type: "answer", turnPid, optionId })) {
        turnErrors.value = { ...turnErrors.value, [turnPid]: "Not connected; try again in a moment." };
        return;
      }
      const { [turnPid]: _, ...rest } = turnErrors.value;
      turnErrors.value = rest;
      answers.value = { ...answers.value, [turnPid]: optionId };
    },

    /** Rates a bot's or an agent's message. */
    review(turnPid: string, value: "UP" | "DOWN") {
      lastTurnAction = turnPid;
      if (!sendFrame({ type: "review", turnPid, value })) {
        turnErrors.value = { ...turnErrors.value, [turnPid]: "Not connected; try again in a moment." };
        return;
      }
      reviews.value = { ...reviews.value, [turnPid]: value };
    },
  };
});

/** How a participant without a name is called. */
export function participantLabel(type: LiveTurn["participantType"]): string {
  switch (type) {
    case "CUSTOMER":
      return "You";
    case "AGENT":
      return "Agent";
    case "BOT":
      return "Assistant";
    case "EXTERNAL_AGENT":
      return "Specialist";
    case "SYSTEM":
      return "";
  }
}
