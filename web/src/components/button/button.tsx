import type { JSX, Ref } from "preact";
import { cx } from "../../lib/format";
import styles from "./button.module.css";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "md" | "sm";

/** The classes of a button, for links that should look like one. */
export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "md"): string {
  return cx(styles.button, styles[variant], size === "sm" && styles.small);
}

interface ButtonProps extends Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, "class" | "size"> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner and blocks clicks while an action runs. */
  busy?: boolean;
  class?: string;
  /** A ref to the `<button>` itself, to move focus to it. */
  buttonRef?: Ref<HTMLButtonElement>;
}

/** A `<button>` in one of the app's variants; `type` defaults to "button". */
export function Button({
  variant = "secondary",
  size = "md",
  busy = false,
  class: className,
  type = "button",
  disabled,
  children,
  buttonRef,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      ref={buttonRef}
      type={type}
      class={cx(buttonClass(variant, size), className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy && <span class={styles.spinner} aria-hidden="true" />}
      {children}
    </button>
  );
}
