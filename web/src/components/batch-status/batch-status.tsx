import type { Batch, BatchStatus, TechnicalLogEntry } from "../../../../schemas/ingest";
import { BATCH_STATUS_LABELS, BATCH_STATUS_TONES, isTerminal, technicalLogHref } from "../../lib/batches";
import { formatNumber } from "../../lib/format";
import { session } from "../../session";
import { Badge } from "../badge/badge";
import { ProgressBar } from "../progress-bar/progress-bar";
import styles from "./batch-status.module.css";

/** A batch's status as a coloured label. */
export function BatchStatusBadge({ status }: { status: BatchStatus }) {
  return <Badge tone={BATCH_STATUS_TONES[status]}>{BATCH_STATUS_LABELS[status] ?? status}</Badge>;
}

/** Where a batch stands: its status, how far it got while running, and why it failed. */
export function BatchState({ batch, label }: { batch: Batch; label: string }) {
  return (
    <div class={styles.state}>
      <BatchStatusBadge status={batch.status} />
      {!isTerminal(batch.status) && (
        <ProgressBar class={styles.progress} value={batch.progress} label={`Progress of ${label}`} />
      )}
      {batch.status === "FAILED" && batch.error && (
        <p class={styles.error}>
          {batch.error.message} <code class={styles.code}>{batch.error.code}</code>
        </p>
      )}
    </div>
  );
}

interface LogCountProps {
  count: number;
  batchId: string;
  /** The log entries behind the count: ERROR for rejected lines, WARNING for warned ones. */
  level: TechnicalLogEntry["level"];
  /** Says what the count is for a screen reader following the link: "rejected lines of engagement.jsonl". */
  label: string;
}

/** A count of rejected or warned lines, linking to their Technical Log entries when there are any to see. */
export function LogCount({ count, batchId, level, label }: LogCountProps) {
  const text = formatNumber(count);
  if (count === 0 || !session.can("technicalLog.view")) {
    return <span class={count === 0 ? styles.zero : undefined}>{text}</span>;
  }
  return (
    <a
      class={level === "ERROR" ? styles.rejected : styles.warned}
      href={technicalLogHref({ batchId, level })}
      title="View in Technical Log"
    >
      {text}
      <span class="visually-hidden"> {label}, view in Technical Log</span>
    </a>
  );
}
