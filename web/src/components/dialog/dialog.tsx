import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { cx } from "../../lib/format";
import styles from "./dialog.module.css";

interface DialogProps {
  open: boolean;
  title: string;
  description?: ComponentChildren;
  /** Escape, the close button, or the caller's own buttons. */
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
}

/**
 * A modal dialog on the platform's `<dialog>`: focus moves in when it opens, stays inside
 * while open, Escape closes it, and focus returns to where it was.
 */
export function Dialog({ open, title, description, onClose, children, class: className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={cx(styles.dialog, className)}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <div class={styles.body}>
          <header class={styles.header}>
            <h2 id={titleId} class={styles.title}>
              {title}
            </h2>
            <button type="button" class={styles.close} aria-label="Close" onClick={onClose}>
              <svg viewBox="0 0 20 20" aria-hidden="true">
                <path d="M5 5l10 10M15 5 5 15" />
              </svg>
            </button>
          </header>
          {description && (
            <p id={descriptionId} class={styles.description}>
              {description}
            </p>
          )}
          {children}
        </div>
      )}
    </dialog>
  );
}
