import { cx } from "../../lib/format";
import styles from "./progress-bar.module.css";

interface ProgressBarProps {
  /** How far along, 0 to 1. */
  value: number;
  /** Names the bar for screen readers: "Progress of the batch". */
  label: string;
  /** Shows the percentage beside the bar. */
  showValue?: boolean;
  class?: string;
}

/** A determinate progress bar, read out as a percentage. */
export function ProgressBar({ value, label, showValue = true, class: className }: ProgressBarProps) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div class={cx(styles.wrap, className)}>
      <div
        class={styles.track}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <div class={styles.fill} style={{ width: `${percent}%` }} />
      </div>
      {showValue && (
        <span class={styles.value} aria-hidden="true">
          {percent}%
        </span>
      )}
    </div>
  );
}
