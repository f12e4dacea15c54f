import type { ComponentChildren } from "preact";
import { cx } from "../../lib/format";
import styles from "./alert.module.css";

interface AlertProps {
  /** "error" is announced at once (`role="alert"`); the others politely (`role="status"`). */
  tone?: "error" | "success" | "info" | "warning";
  title?: string;
  children?: ComponentChildren;
  class?: string;
}

/** A message box: form errors, results of actions, notices. */
export function Alert({ tone = "error", title, children, class: className }: AlertProps) {
  return (
    <div role={tone === "error" ? "alert" : "status"} class={cx(styles.alert, styles[tone], className)}>
      <span class={styles.icon} aria-hidden="true" />
      <div class={styles.body}>
        {title && <p class={styles.title}>{title}</p>}
        {children}
      </div>
    </div>
  );
}
