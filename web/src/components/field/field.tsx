import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import { cx } from "../../lib/format";
import styles from "./field.module.css";

/** What a form control needs to be tied to its label, hint and error. */
export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

interface FieldProps {
  label: string;
  hint?: ComponentChildren;
  /** A message about this field's value, read out with the control. */
  error?: string | null;
  /** Renders the control, spreading in the props that connect it: `(p) => <input {...p} />`. */
  children: (control: ControlProps) => ComponentChildren;
  class?: string;
}

/** A labelled form control with an optional hint and error. */
export function Field({ label, hint, error, children, class: className }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={cx(styles.field, className)}>
      <label class={styles.label} for={id}>
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint && (
        <p class={styles.hint} id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class={styles.error} id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
