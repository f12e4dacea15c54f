import { useSignal } from "@preact/signals";
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { LiveTurn } from "../../schemas/live";
import type { ChatModel } from "./chat-model";
import { participantLabel } from "./chat-model";
import { answeredQuestions, formatBytes, MAX_MESSAGE_CHARS, type PendingMessage, reviewable } from "./chat-state";

type Chat = InstanceType<typeof ChatModel>;

const DEFAULT_COLOR = "#0f4c5c";

/** The launcher button and, when open, the chat panel. */
export function ChatWidget({ chat }: { chat: Chat }) {
  const launcher = useRef<HTMLButtonElement>(null);
  const open = chat.isOpen.value;
  const config = chat.config.value;
  const color = config?.color ?? DEFAULT_COLOR;
  const unread = chat.unread.value;
  const title = config?.name ?? "Chat";

  const close = () => {
    chat.close();
    launcher.current?.focus();
  };

  return (
    <div class="root" style={{ "--brand": color } as JSX.CSSProperties}>
      {open && <ChatPanel chat={chat} title={title} onClose={close} />}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-label={open ? `Close chat with ${title}` : `Open chat with ${title}`}
        aria-expanded={open}
        aria-controls="brine-chat-panel"
        onClick={() => (open ? close() : chat.open())}
      >
        {open ? <CloseIcon /> : <ChatIcon />}
        {!open && unread > 0 && (
          <span class="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
      {!open && unread > 0 && (
        <span class="visually-hidden" role="status">
          {unread === 1 ? "1 new message" : `${unread} new messages`}
        </span>
      )}
    </div>
  );
}

function ChatPanel({ chat, title, onClose }: { chat: Chat; title: string; onClose: () => void }) {
  const config = chat.config.value;
  const refusal = chat.refusal.value;
  const connection = chat.connection.value;
  const log = useRef<HTMLDivElement>(null);
  const turns = chat.turns.value.filter((t) => t.type !== "NOTE");
  const pending = chat.pending.value;
  const answered = answeredQuestions(turns);

  // Keep the newest message in view.
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [turns.length, pending.length, chat.typists.value.length]);

  return (
    <section
      id="brine-chat-panel"
      class="panel"
      role="dialog"
      aria-label={`Chat with ${title}`}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header class="header">
        <h2 class="title">{title}</h2>
        <button type="button" class="icon-button" aria-label="Close chat" onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      {refusal ? (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      ) : (
        <>
          <ConnectionNotice connection={connection} notice={chat.notice.value} />
          <div class="log" role="log" aria-live="polite" aria-label="Messages" ref={log}>
            {config?.openingMessage && (
              <div class="turn other bot">
                <div class="bubble">
                  <p class="text">{config.openingMessage}</p>
                </div>
              </div>
            )}
            {turns.map((turn) => (
              <TurnItem key={turn.pid} chat={chat} turn={turn} answered={answered} />
            ))}
            {chat.status.value === "COMPLETED" && (
              <div class="turn system">
                <p class="text">This conversation has ended. Write again any time.</p>
              </div>
            )}
            {pending.map((message) => (
              <PendingItem key={message.clientId} chat={chat} message={message} />
            ))}
          </div>
          <Typing names={chat.typists.value.map((t) => t.name)} />
          <Composer chat={chat} placeholder={config?.placeholder ?? "Write a message…"} />
        </>
      )}
    </section>
  );
}

function ConnectionNotice({ connection, notice }: { connection: string; notice: string | null }) {
  const text =
    connection === "offline"
      ? "You are offline. Messages will be sent when the connection is back."
      : connection === "reconnecting"
        ? "Reconnecting…"
        : notice;
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

function className(turn: LiveTurn): string {
  switch (turn.participantType) {
    case "CUSTOMER":
      return "turn mine";
    case "AGENT":
      return "turn other agent";
    case "BOT":
      return "turn other bot";
    case "EXTERNAL_AGENT":
      return "turn other external";
    case "SYSTEM":
      return "turn system";
  }
}

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function TurnItem({ chat, turn, answered }: { chat: Chat; turn: LiveTurn; answered: Map<string, string | null> }) {
  if (turn.type === "EVENT" || turn.participantType === "SYSTEM") {
    return (
      <div class="turn system">
        <p class="text">{turn.contentCustomer || turn.content}</p>
      </div>
    );
  }
  const mine = turn.participantType === "CUSTOMER";
  const name = mine ? "You" : (turn.participantName ?? participantLabel(turn.participantType));
  const error = chat.turnErrors.value[turn.pid];
  return (
    <div class={className(turn)}>
      <div class="bubble">
        <p class="meta">
          <span class="name">{name}</span> <time dateTime={turn.time}>{timeOf(turn.time)}</time>
        </p>
        {turn.type === "FILE" && turn.file ? (
          <FileLink file={turn.file} />
        ) : (
          <p class="text">{mine ? turn.content : turn.contentCustomer || turn.content}</p>
        )}
        {turn.options && turn.options.length > 0 && <Options chat={chat} turn={turn} answered={answered} />}
      </div>
      {reviewable(turn) && <Review chat={chat} turn={turn} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function FileLink({ file }: { file: NonNullable<LiveTurn["file"]> }) {
  if (file.mimeType.startsWith("image/")) {
    return (
      <a class="file" href={file.url} target="_blank" rel="noopener noreferrer">
        <img class="image" src={file.url} alt={file.name} />
      </a>
    );
  }
  return (
    <a class="file" href={file.url} target="_blank" rel="noopener noreferrer" download={file.name}>
      <FileIcon /> {file.name} <span class="size">({formatBytes(file.size)})</span>
    </a>
  );
}

function Options({ chat, turn, answered }: { chat: Chat; turn: LiveTurn; answered: Map<string, string | null> }) {
  const local = chat.answers.value[turn.pid];
  const done = answered.has(turn.pid) || local !== undefined;
  const chosen = local ?? answered.get(turn.pid) ?? null;
  return (
    <fieldset class="options" aria-label="Answers">
      {turn.options?.map((option) => (
        <button
          key={option.id}
          type="button"
          class="option"
          disabled={done || !chat.connected.value}
          aria-pressed={chosen === option.id}
          onClick={() => chat.answer(turn.pid, option.id)}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}

function Review({ chat, turn }: { chat: Chat; turn: LiveTurn }) {
  const value = chat.reviews.value[turn.pid] ?? turn.review;
  return (
    <fieldset class="review" aria-label="Rate this answer">
      <button
        type="button"
        class="icon-button small"
        aria-label="Helpful"
        aria-pressed={value === "UP"}
        disabled={!chat.connected.value}
        onClick={() => chat.review(turn.pid, "UP")}
      >
        <ThumbIcon />
      </button>
      <button
        type="button"
        class="icon-button small down"
        aria-label="Not helpful"
        aria-pressed={value === "DOWN"}
        disabled={!chat.connected.value}
        onClick={() => chat.review(turn.pid, "DOWN")}
      >
        <ThumbIcon />
      </button>
    </fieldset>
  );
}

function PendingItem({ chat, message }: { chat: Chat; message: PendingMessage }) {
  return (
    <div class="turn mine pending" aria-busy={!message.error}>
      <div class="bubble">
        <p class="meta">
          <span class="name">You</span> <span>{message.error ? "Not sent" : "Sending…"}</span>
        </p>
        <p class="text">{message.content}</p>
      </div>
      {message.error && (
        <p class="error" role="alert">
          {message.error.message}{" "}
          <button type="button" class="link-button" onClick={() => chat.discard(message.clientId)}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

function Typing({ names }: { names: string[] }) {
  const text =
    names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
  return (
    <p class="typing" aria-live="polite">
      {text}
    </p>
  );
}

function Composer({ chat, placeholder }: { chat: Chat; placeholder: string }) {
  const text = useSignal("");
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const uploading = chat.uploading.value;
  const uploadError = chat.uploadError.value;

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = () => {
    if (!text.value.trim()) return;
    chat.send(text.value);
    text.value = "";
    input.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {(uploadError || uploading) && (
        <p class={uploadError ? "error" : "notice"} role={uploadError ? "alert" : "status"}>
          {uploadError ?? `Sending “${uploading}”…`}
        </p>
      )}
      <div class="compose-row">
        <label class="visually-hidden" for="brine-chat-input">
          Message
        </label>
        <textarea
          id="brine-chat-input"
          ref={input}
          class="input"
          rows={1}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder={placeholder}
          value={text.value}
          onInput={(e) => {
            text.value = e.currentTarget.value;
            chat.typing();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <input
          ref={fileInput}
          type="file"
          class="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (file) void chat.attach(file);
          }}
        />
        <button
          type="button"
          class="icon-button"
          aria-label="Attach a file"
          disabled={uploading !== null}
          onClick={() => fileInput.current?.click()}
        >
          <FileIcon />
        </button>
        <button type="submit" class="send" aria-label="Send">
          <SendIcon />
        </button>
      </div>
    </form>
  );
}

// ───── icons (inline, so the widget is one file) ─────

function ChatIcon() {
  return (
    <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z"
      />
    </svg>
  );
}

function CloseIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M6 6l12 12M18 6 6 18" />
    </svg>
  );
}

function SendIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z" />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
        d="m21 11-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"
      />
    </svg>
  );
}

function ThumbIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linejoin="round"
        d="M7 10v11H3V10h4Zm0 0 4-8a3 3 0 0 1 3 3v4h6a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.6 21H7"
      />
    </svg>
  );
}
