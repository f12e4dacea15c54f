import type { ComponentChildren } from "preact";
import { cx } from "../../lib/format";
import styles from "./badge.module.css";

export type BadgeTone = "neutral" | "primary" | "info" | "success" | "danger" | "warning";

/** A small label for a status, kind or scope. */
export function Badge({ tone = "neutral", children }: { tone?: BadgeTone; children: ComponentChildren }) {
  return <span class={cx(styles.badge, styles[tone])}>{children}</span>;
}
