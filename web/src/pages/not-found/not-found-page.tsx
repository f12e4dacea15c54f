import { useLocation } from "preact-iso";
import { buttonClass } from "../../components/button/button";
import { PageHeader } from "../../components/page-header/page-header";
import styles from "./not-found-page.module.css";

/** Any app path that matches no page. */
export function NotFoundPage() {
  const { path } = useLocation();
  return (
    <div class={styles.page}>
      <p class={styles.code} aria-hidden="true">
        404
      </p>
      <PageHeader
        title="Page not found"
        description={
          <>
            There is no page at <code>{path}</code>.
          </>
        }
      />
      <div class={styles.actions}>
        <a class={buttonClass("primary")} href="/">
          Go to Home
        </a>
        <a class={buttonClass("secondary")} href="/model">
          Browse the logical model
        </a>
      </div>
    </div>
  );
}
