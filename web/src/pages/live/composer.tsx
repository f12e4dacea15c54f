import { useSignal } from "@preact/signals";
import { useId } from "preact/hooks";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { cx } from "../../lib/format";
import type { ComposeKind } from "./conversation-core";
import styles from "./live.module.css";

interface ComposerProps {
  /** Sends the text; resolves true when stored, and only then is the draft cleared. */
  onSend: (kind: ComposeKind, text: string) => Promise<boolean>;
  onTyping: (typing: boolean) => void;
  sending: boolean;
  /** Why the last send failed; shown under the box, the draft kept. */
  error: string | null;
  /** Why writing is not possible now ("Join to write"), or null. */
  disabledReason: string | null;
}

/** The box to write a message to the customer or an internal note; Enter sends, Shift+Enter breaks the line. */
export function Composer({ onSend, onTyping, sending, error, disabledReason }: ComposerProps) {
  const kind = useSignal<ComposeKind>("message");
  // One draft per kind, so switching to a note does not lose a half-written message.
  const drafts = useSignal<Record<ComposeKind, string>>({ message: "", note: "" });
  const id = useId();
  const note = kind.value === "note";
  const draft = drafts.value[kind.value];

  const submit = async () => {
    const current = kind.peek();
    const text = drafts.peek()[current];
    if (!text.trim() || disabledReason) return;
    if (await onSend(current, text)) {
      // Keep whatever was typed meanwhile after the sent text.
      const now = drafts.peek()[current];
      drafts.value = { ...drafts.peek(), [current]: now.startsWith(text) ? now.slice(text.length).trimStart() : now };
    }
  };

  return (
    <form
      class={cx(styles.composer, note && styles.composerNote)}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class={styles.composeTabs} role="radiogroup" aria-label="Write">
        {(["message", "note"] as const).map((k) => (
          <label key={k} class={cx(styles.composeTab, kind.value === k && styles.composeTabOn)}>
            <input
              type="radio"
              name={`${id}-kind`}
              value={k}
              checked={kind.value === k}
              onChange={() => {
                kind.value = k;
              }}
            />
            {k === "message" ? "Message to customer" : "Internal note"}
          </label>
        ))}
      </div>
      <label class="visually-hidden" for={`${id}-text`}>
        {note ? "Internal note" : "Message"}
      </label>
      <textarea
        id={`${id}-text`}
        class={styles.composeText}
        rows={3}
        maxLength={4000}
        placeholder={
          disabledReason ??
          (note
            ? "An internal note: agents and external agents see it, the customer does not."
            : "Write to the customer. Enter sends, Shift+Enter starts a new line.")
        }
        disabled={disabledReason !== null}
        value={draft}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? true : undefined}
        onInput={(event) => {
          drafts.value = { ...drafts.peek(), [kind.peek()]: event.currentTarget.value };
          if (kind.peek() === "message") onTyping(event.currentTarget.value.length > 0);
        }}
        onBlur={() => onTyping(false)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void submit();
          }
        }}
      />
      {error && (
        <div id={`${id}-error`}>
          <Alert>{error}</Alert>
        </div>
      )}
      <div class={styles.composeActions}>
        {note && <span class={styles.noteLabel}>Only agents and external agents see notes.</span>}
        <Button
          type="submit"
          variant="primary"
          size="sm"
          busy={sending}
          disabled={disabledReason !== null || !draft.trim()}
        >
          {note ? "Add note" : "Send"}
        </Button>
      </div>
    </form>
  );
}
