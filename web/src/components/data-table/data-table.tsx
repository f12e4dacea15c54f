import type { ComponentChildren } from "preact";
import { cx } from "../../lib/format";
import styles from "./data-table.module.css";

interface DataTableProps {
  /** Names the table for screen readers (and on screen when `showCaption`). */
  caption: string;
  showCaption?: boolean;
  /** `<thead>` and `<tbody>`. */
  children: ComponentChildren;
  class?: string;
  /** Without its own border, for a table filling a flush card. */
  bare?: boolean;
  /** Cells line up at the top (multi-line rows) or the middle (rows of controls). */
  align?: "top" | "middle";
}

/** A table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function DataTable({
  caption,
  showCaption = false,
  children,
  class: className,
  bare = false,
  align = "middle",
}: DataTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it.
    <section class={cx(styles.scroll, bare && styles.bare, className)} aria-label={caption} tabIndex={0}>
      <table class={cx(styles.table, align === "top" && styles.top)}>
        <caption class={showCaption ? styles.caption : "visually-hidden"}>{caption}</caption>
        {children}
      </table>
    </section>
  );
}
