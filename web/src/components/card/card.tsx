import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import { cx } from "../../lib/format";
import styles from "./card.module.css";

interface CardProps {
  title?: string;
  /** Heading level of the title; pages use h2 for their sections. */
  level?: 2 | 3;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  children?: ComponentChildren;
  class?: string;
  /** Content runs to the card's edges (a table), only the heading is padded. */
  flush?: boolean;
}

/** A white panel with an optional heading row. */
export function Card({ title, level = 2, description, actions, children, class: className, flush = false }: CardProps) {
  const Heading = level === 2 ? "h2" : "h3";
  const headingId = useId();
  return (
    <section class={cx(styles.card, flush && styles.flush, className)} aria-labelledby={title ? headingId : undefined}>
      {(title || actions) && (
        <header class={styles.header}>
          <div>
            {title && (
              <Heading class={styles.title} id={headingId}>
                {title}
              </Heading>
            )}
            {description && <p class={styles.description}>{description}</p>}
          </div>
          {actions && <div class={styles.actions}>{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
