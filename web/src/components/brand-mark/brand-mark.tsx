import styles from "./brand-mark.module.css";

/** Brine's logo: a wave under a drop, with the name beside it unless `nameless`. */
export function BrandMark({ nameless = false, inverted = false }: { nameless?: boolean; inverted?: boolean }) {
  return (
    <span class={inverted ? `${styles.mark} ${styles.inverted}` : styles.mark}>
      <svg class={styles.logo} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" class={styles.tile} />
        <path d="M8 20c3-4 5-4 8 0s5 4 8 0" class={styles.wave} />
        <circle cx="16" cy="11" r="3" class={styles.drop} />
      </svg>
      {!nameless && <span class={styles.name}>Brine</span>}
    </span>
  );
}
