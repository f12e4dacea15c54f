import { useModel } from "@preact/signals";
import type { Batch, BatchFile } from "../../../../schemas/ingest";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { BatchStatusBadge, LogCount } from "../../components/batch-status/batch-status";
import { buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CopyButton } from "../../components/copy-button/copy-button";
import { DataTable } from "../../components/data-table/data-table";
import { Empty, ItemState } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { ProgressBar } from "../../components/progress-bar/progress-bar";
import { FILE_STATUS_LABELS, FILE_STATUS_TONES, isTerminal, technicalLogHref } from "../../lib/batches";
import { formatBytes, formatDateTime, formatDuration, formatNumber } from "../../lib/format";
import { session } from "../../session";
import { BatchModel } from "./batch-model";
import styles from "./batch-page.module.css";

type BatchView = InstanceType<typeof BatchModel>;

function When({ iso }: { iso: string | null }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : <span class={styles.none}>—</span>;
}

function Summary({ model, batch }: { model: BatchView; batch: Batch }) {
  const source = model.source.value;
  const running = !isTerminal(batch.status);
  return (
    <dl class={styles.facts}>
      <div class={styles.wide}>
        <dt>Status</dt>
        <dd class={styles.status}>
          <BatchStatusBadge status={batch.status} />
          {running && <ProgressBar class={styles.progress} value={batch.progress} label="Progress of this batch" />}
        </dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>
          <a href={`/settings/sources/${batch.ingestionSourceId}`}>{source?.name ?? "Source"}</a>
        </dd>
      </div>
      <div>
        <dt>Size</dt>
        <dd>{batch.bytes === null ? <span class={styles.none}>—</span> : formatBytes(batch.bytes)}</dd>
      </div>
      <div>
        <dt>Loaded</dt>
        <dd class={styles.count}>{formatNumber(batch.loaded)}</dd>
      </div>
      <div>
        <dt>Rejected</dt>
        <dd class={styles.count}>
          <LogCount count={batch.rejected} batchId={batch.batchId} level="ERROR" label="rejected" />
        </dd>
      </div>
      <div>
        <dt>Warned</dt>
        <dd class={styles.count}>
          <LogCount count={batch.warned} batchId={batch.batchId} level="WARNING" label="warned" />
        </dd>
      </div>
      <div>
        <dt>Files</dt>
        <dd class={styles.count}>{formatNumber(batch.files.length)}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <When iso={batch.createdAt} />
        </dd>
      </div>
      <div>
        <dt>Uploaded</dt>
        <dd>
          <When iso={batch.uploadedAt} />
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>
          <When iso={batch.startedAt} />
        </dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>
          <When iso={batch.finishedAt} />
          {batch.startedAt && batch.finishedAt && (
            <span class={styles.duration}> ({formatDuration(batch.startedAt, batch.finishedAt)})</span>
          )}
        </dd>
      </div>
      <div class={styles.full}>
        <dt>Batch ID</dt>
        <dd class={styles.id}>
          <code>{batch.batchId}</code>
          <CopyButton text={batch.batchId} label="Copy batch ID" variant="ghost" />
        </dd>
      </div>
    </dl>
  );
}

function FileRow({ batch, file }: { batch: Batch; file: BatchFile }) {
  return (
    <tr>
      <th scope="row" class={styles.file}>
        <code>{file.name}</code>
      </th>
      <td>{file.target ? <code class={styles.target}>{file.target}</code> : <span class={styles.none}>—</span>}</td>
      <td>
        <Badge tone={FILE_STATUS_TONES[file.status]}>{FILE_STATUS_LABELS[file.status] ?? file.status}</Badge>
      </td>
      <td class={styles.num}>{formatNumber(file.lines)}</td>
      <td class={styles.num}>{formatNumber(file.loaded)}</td>
      <td class={styles.num}>
        <LogCount
          count={file.rejected}
          batchId={batch.batchId}
          level="ERROR"
          label={`rejected lines of ${file.name}`}
        />
      </td>
      <td class={styles.num}>
        <LogCount count={file.warned} batchId={batch.batchId} level="WARNING" label={`warned lines of ${file.name}`} />
      </td>
    </tr>
  );
}

function FilesCard({ batch }: { batch: Batch }) {
  return (
    <Card title="Files" description="What each file in the ZIP loaded into, and how many of its lines made it." flush>
      {batch.files.length === 0 ? (
        <div class={styles.inset}>
          <Empty title={isTerminal(batch.status) ? "No files were read" : "No files read yet"}>
            {isTerminal(batch.status)
              ? "Brine found no file it could read in this ZIP."
              : "Files show here as Brine reads them from the ZIP."}
          </Empty>
        </div>
      ) : (
        <DataTable caption="Files of the batch" bare>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Target</th>
              <th scope="col">Status</th>
              <th scope="col" class={styles.num}>
                Lines
              </th>
              <th scope="col" class={styles.num}>
                Loaded
              </th>
              <th scope="col" class={styles.num}>
                Rejected
              </th>
              <th scope="col" class={styles.num}>
                Warned
              </th>
            </tr>
          </thead>
          <tbody>
            {batch.files.map((f) => (
              <FileRow key={f.name} batch={batch} file={f} />
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}

function BatchDetail({ id }: { id: string }) {
  const model = useModel(() => new BatchModel(id));
  const batch = model.batch.value;
  const back = (
    <a class={styles.back} href={batch ? `/settings/sources/${batch.ingestionSourceId}` : "/settings/sources"}>
      <span aria-hidden="true">←</span> {batch ? (model.source.value?.name ?? "Source") : "Sources"}
    </a>
  );

  if (!batch) {
    return (
      <div class={styles.page}>
        {back}
        <ItemState
          state={model.state.value}
          eyebrow="Ingest batch"
          noun="Batch"
          listHref="/settings/sources"
          listLabel="See sources"
          error={model.error.value}
          onRetry={() => model.reload()}
        />
      </div>
    );
  }
  return (
    <div class={styles.page}>
      {back}
      <PageHeader
        eyebrow="Ingest batch"
        title={`Batch of ${formatDateTime(batch.createdAt)}`}
        actions={
          session.can("technicalLog.view") && (
            <a class={buttonClass("secondary")} href={technicalLogHref({ batchId: batch.batchId })}>
              View in Technical Log
            </a>
          )
        }
      />
      {batch.status === "FAILED" && batch.error && (
        <Alert title="The batch failed">
          <p>
            {batch.error.message} <code>{batch.error.code}</code>
          </p>
        </Alert>
      )}
      {model.refreshError.value && (
        <Alert tone="warning" title="Could not update the batch">
          <p>{model.refreshError.value} Brine keeps trying.</p>
        </Alert>
      )}
      <Summary model={model} batch={batch} />
      <FilesCard batch={batch} />
    </div>
  );
}

/** `/ingest/batches/:id`: one batch with per-file counts, live until it ends. */
export function BatchPage({ id }: { id: string }) {
  return <BatchDetail key={id} id={id} />;
}
