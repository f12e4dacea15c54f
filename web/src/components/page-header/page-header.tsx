import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import styles from "./page-header.module.css";

interface PageHeaderProps {
  title: string;
  /** A small line above the title, such as the section ("Settings"). */
  eyebrow?: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
}

/** The page's one `<h1>`, which also names the browser tab. */
export function PageHeader({ title, eyebrow, description, actions }: PageHeaderProps) {
  useEffect(() => {
    document.title = `${title} · Brine`;
  }, [title]);
  return (
    <header class={styles.header}>
      <div class={styles.text}>
        {eyebrow && <p class={styles.eyebrow}>{eyebrow}</p>}
        <h1 class={styles.title}>{title}</h1>
        {description && <p class={styles.description}>{description}</p>}
      </div>
      {actions && <div class={styles.actions}>{actions}</div>}
    </header>
  );
}
