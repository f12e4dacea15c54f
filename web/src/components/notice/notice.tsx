import styles from "./notice.module.css";

/**
 * A live region that stays in the page and announces each new `message` politely: the
 * outcome of an action ("Key revoked."). Empty, it takes no space.
 */
export function Notice({ message }: { message: string | null }) {
  return (
    <div class={styles.region} role="status">
      {message && (
        <p class={styles.notice}>
          <span class={styles.icon} aria-hidden="true" />
          {message}
        </p>
      )}
    </div>
  );
}
