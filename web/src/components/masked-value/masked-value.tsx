import { cx } from "../../lib/format";
import styles from "./masked-value.module.css";

interface MaskedValueProps {
  /** The value as the API sent it: masked. */
  masked: string;
  /** What it is, for the button's name ("e-mail", "name"). */
  label: string;
  /** The revealed value; undefined while it is still masked (null: there is none). */
  value: string | null | undefined;
  /** Whether the user may reveal it (`pii.reveal`). */
  canReveal: boolean;
  busy?: boolean;
  onReveal: () => void;
}

/**
 * A customer's name or contact, masked. A user allowed to reveal it clicks it to see that one
 * value, and each reveal is recorded; everyone else sees only the mask.
 */
export function MaskedValue({ masked, label, value, canReveal, busy = false, onReveal }: MaskedValueProps) {
  if (value !== undefined) {
    return (
      <span class={cx(styles.value, styles.revealed)} data-revealed="true">
        {value ?? "(none)"}
      </span>
    );
  }
  if (!canReveal) return <span class={styles.value}>{masked}</span>;
  return (
    <button
      type="button"
      class={cx(styles.value, styles.button)}
      onClick={onReveal}
      disabled={busy}
      aria-busy={busy || undefined}
      title={`Reveal this ${label}; the reveal is recorded`}
    >
      {masked}
      <span class="visually-hidden"> — reveal {label}</span>
    </button>
  );
}
