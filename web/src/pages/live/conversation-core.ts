import { computed, type ReadonlySignal, signal } from "@preact/signals";
import { ApiError, api, isAbort, isNotFound, messageOf } from "../../api";
import { liveSocket, type SocketStatus } from "../../lib/live-socket";
import { abortedOnDispose } from "../../lib/paged-list";
import type { ConversationFlags, ConversationState, LiveTurn, ParticipantType, ServerFrame } from "./live-types";

/** How long a "typing" without its "stopped typing" is believed. */
const TYPING_MS = 8_000;
/** How long a burst of join/leave events is gathered before the state is read again. */
const RESYNC_DELAY_MS = 200;
/** How often the person's own typing is told to the others while it goes on. */
const TYPING_REPEAT_MS = 3_000;

/** Puts a turn in its place: replaces the one with the same pid, else inserts it in time order. */
export function mergeTurn(turns: readonly LiveTurn[], turn: LiveTurn): LiveTurn[] {
  const at = turns.findIndex((t) => t.pid === turn.pid);
  if (at >= 0) return turns.map((t, i) => (i === at ? turn : t));
  let i = turns.length;
  while (i > 0 && (turns[i - 1]?.time ?? "") > turn.time) i--;
  return [...turns.slice(0, i), turn, ...turns.slice(i)];
}

/** Someone typing right now. */
export interface Typist {
  key: string;
  participantType: ParticipantType;
  participant?: string;
}

/** What the person composes: a message the customer sees, or a note only agents see. */
export type ComposeKind = "message" | "note";

interface CoreOptions {
  /** The API path the actions hang off: `/live/conversations/{c}` or `/live/external/{token}`. */
  base: string;
  /** Reads the conversation first (its errors decide the page); the socket opens after it. */
  load: (signal: AbortSignal) => Promise<ConversationState>;
  /** Who "me" is among the participants, to leave out my own typing. */
  selfId: () => string | null;
  /** Called after an action of this page changed the conversation. */
  onChange?: () => void;
}

/**
 * One live conversation as a page shows it: read once, then kept current by its socket (the
 * `state` frame is the truth; `turn`, `flags` and `typing` frames update it). Writes go over
 * HTTP so each failure comes back to what caused it. Use inside a `createModel` factory.
 */
export function conversationCore({ base, load, selfId, onChange }: CoreOptions) {
  const aborted = abortedOnDispose();
  const state = signal<"loading" | "ready" | "missing" | "error">("loading");
  const error = signal<string | null>(null);
  const errorCode = signal<string | null>(null);
  const conversation = signal<ConversationState | null>(null);
  const typists = signal<Typist[]>([]);
  const busy = signal<string | null>(null);
  const actionError = signal<{ action: string; message: string } | null>(null);
  const sendError = signal<string | null>(null);
  const sending = signal(false);
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  let lastTypingSent = 0;

  const update = (change: (c: ConversationState) => ConversationState) => {
    const current = conversation.peek();
    if (current) conversation.value = change(current);
  };
  const putTurn = (turn: LiveTurn) => update((c) => ({ ...c, turns: mergeTurn(c.turns, turn) }));

  const setTyping = (frame: Extract<ServerFrame, { type: "typing" }>) => {
    if (frame.participant && frame.participant === selfId()) return;
    const key = `${frame.participantType}:${frame.participant ?? ""}`;
    clearTimeout(typingTimers.get(key));
    const rest = typists.peek().filter((t) => t.key !== key);
    if (!frame.typing) {
      typists.value = rest;
      return;
    }
    typists.value = [...rest, { key, participantType: frame.participantType, participant: frame.participant }];
    typingTimers.set(
      key,
      setTimeout(() => {
        typists.value = typists.peek().filter((t) => t.key !== key);
      }, TYPING_MS),
    );
  };

  let resyncTimer: ReturnType<typeof setTimeout> | undefined;
  const resyncSoon = () => {
    clearTimeout(resyncTimer);
    resyncTimer = setTimeout(async () => {
      try {
        conversation.value = await load(aborted);
      } catch {
        // The socket's next state frame, or the next event, tries again.
      }
    }, RESYNC_DELAY_MS);
  };

  const onFrame = (frame: ServerFrame) => {
    switch (frame.type) {
      case "state":
        conversation.value = frame.conversation;
        state.value = "ready";
        break;
      case "turn": {
        putTurn(frame.turn);
        // Someone joined, left or was invited: participants and engagements come only with the state.
        if (frame.turn.type === "EVENT") resyncSoon();
        // Whoever wrote has stopped typing.
        const key = `${frame.turn.participantType}:${frame.turn.participant ?? ""}`;
        if (typists.peek().some((t) => t.key === key)) {
          const { participantType, participant } = frame.turn;
          setTyping({ type: "typing", participantType, participant, typing: false });
        }
        break;
      }
      case "flags":
        update((c) => ({ ...c, flags: frame.flags, needsHelpReason: frame.needsHelpReason }));
        break;
      case "typing":
        setTyping(frame);
        break;
      case "error":
        sendError.value = frame.message;
        break;
    }
  };

  let socket: ReturnType<typeof liveSocket<ServerFrame>> | null = null;
  const connection = signal<ReadonlySignal<SocketStatus> | null>(null);

  const read = async () => {
    state.value = "loading";
    error.value = null;
    errorCode.value = null;
    try {
      conversation.value = await load(aborted);
      state.value = "ready";
      if (!socket) {
        socket = liveSocket<ServerFrame>(`${base}/socket`, { onFrame });
        connection.value = socket.status;
      }
    } catch (e) {
      if (isAbort(e)) return;
      state.value = isNotFound(e) ? "missing" : "error";
      error.value = messageOf(e);
      errorCode.value = e instanceof ApiError ? e.code : null;
    }
  };

  aborted.addEventListener("abort", () => {
    clearTimeout(resyncTimer);
    for (const t of typingTimers.values()) clearTimeout(t);
  });

  /**
   * Runs one action: `busy` names it meanwhile, and its failure is kept under its name so
   * the page shows it by the control that caused it. Resolves with the answer, or null.
   */
  const run = async <T>(action: string, path: string, body?: unknown): Promise<T | null> => {
    busy.value = action;
    actionError.value = null;
    try {
      const result = await api.post<T>(`${base}${path}`, body, { signal: aborted });
      onChange?.();
      return result;
    } catch (e) {
      if (!isAbort(e)) actionError.value = { action, message: messageOf(e) };
      return null;
    } finally {
      busy.value = null;
    }
  };

  /** Runs an action whose answer is the conversation's new state. */
  const runForState = async (action: string, path: string, body?: unknown): Promise<boolean> => {
    const next = await run<ConversationState>(action, path, body);
    if (next?.pid) conversation.value = next;
    return next !== null;
  };

  void read();

  return {
    state: state as ReadonlySignal<typeof state.value>,
    error: error as ReadonlySignal<string | null>,
    /** The API's code for the failure that stopped the page (LINK_EXPIRED, say). */
    errorCode: errorCode as ReadonlySignal<string | null>,
    conversation: conversation as ReadonlySignal<ConversationState | null>,
    typists: typists as ReadonlySignal<Typist[]>,
    /** The socket's status once it exists. */
    connection: computed<SocketStatus>(() => connection.value?.value ?? "connecting"),
    /** The action running now: "join", "message", "action:refund"… */
    busy: busy as ReadonlySignal<string | null>,
    /** The last action's failure and which action it was. */
    actionError: actionError as ReadonlySignal<{ action: string; message: string } | null>,
    /** Why the last message or note was not sent (the draft stays). */
    sendError: sendError as ReadonlySignal<string | null>,
    sending: sending as ReadonlySignal<boolean>,
    completed: computed(() => conversation.value?.flags.status === "COMPLETED"),

    reload: read,
    run,
    runForState,

    /** Sends a message or note; true when it was stored (the composer then clears its draft). */
    async send(kind: ComposeKind, content: string): Promise<boolean> {
      const text = content.trim();
      if (!text || sending.peek()) return false;
      sending.value = true;
      sendError.value = null;
      try {
        const turn = await api.post<LiveTurn>(
          `${base}/${kind === "note" ? "notes" : "messages"}`,
          { content: text, clientId: crypto.randomUUID() },
          { signal: aborted },
        );
        if (turn?.pid) putTurn(turn);
        socket?.send({ type: "typing", typing: false });
        lastTypingSent = 0;
        return true;
      } catch (e) {
        if (!isAbort(e)) sendError.value = messageOf(e);
        return false;
      } finally {
        sending.value = false;
      }
    },

    /** Tells the others this person is typing (at most every few seconds) or stopped. */
    typing(on: boolean) {
      const now = Date.now();
      if (on && now - lastTypingSent < TYPING_REPEAT_MS) return;
      if (!on && lastTypingSent === 0) return;
      lastTypingSent = on ? now : 0;
      socket?.send({ type: "typing", typing: on });
    },

    /** Runs one of the account's action buttons. */
    runButton(name: string) {
      return run<{ action: string }>(`action:${name}`, "/actions", { action: name });
    },

    /** Shows flags an action answered with, ahead of the socket's `flags` frame. */
    applyFlags(flags: ConversationFlags, needsHelpReason: string | null) {
      update((c) => ({ ...c, flags, needsHelpReason }));
    },

    clearActionError() {
      actionError.value = null;
    },
  };
}

export type ConversationCore = ReturnType<typeof conversationCore>;
