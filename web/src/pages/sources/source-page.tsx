import { useModel } from "@preact/signals";
import type { Batch } from "../../../../schemas/ingest";
import { Badge } from "../../components/badge/badge";
import { BatchState, LogCount } from "../../components/batch-status/batch-status";
import { Button, buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CopyButton } from "../../components/copy-button/copy-button";
import { DataTable } from "../../components/data-table/data-table";
import { Empty, ItemState, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { batchHref, technicalLogHref } from "../../lib/batches";
import { formatBytes, formatDate, formatDateTime, formatNumber, formatTimeSeconds } from "../../lib/format";
import { session } from "../../session";
import { SourceModel } from "./source-model";
import styles from "./source-page.module.css";
import { SOURCE_TYPE_LABELS } from "./sources-model";

type SourceView = InstanceType<typeof SourceModel>;

function BatchRow({ batch }: { batch: Batch }) {
  const created = formatDateTime(batch.createdAt);
  const label = `the batch of ${created}`;
  return (
    <tr>
      <th scope="row" class={styles.created}>
        <a href={batchHref(batch)}>
          <time dateTime={batch.createdAt}>
            {formatDate(batch.createdAt)}
            <span class={styles.clock}>{formatTimeSeconds(batch.createdAt)}</span>
          </time>
        </a>
      </th>
      <td>
        <BatchState batch={batch} label={label} />
      </td>
      <td class={styles.num}>{formatNumber(batch.loaded)}</td>
      <td class={styles.num}>
        <LogCount count={batch.rejected} batchId={batch.batchId} level="ERROR" label={`rejected in ${label}`} />
      </td>
      <td class={styles.num}>
        <LogCount count={batch.warned} batchId={batch.batchId} level="WARNING" label={`warned in ${label}`} />
      </td>
      <td class={styles.num}>{batch.bytes === null ? "—" : formatBytes(batch.bytes)}</td>
      <td class={styles.num}>{formatNumber(batch.files.length)}</td>
    </tr>
  );
}

function LiveState({ model }: { model: SourceView }) {
  if (model.live.value) {
    return (
      <span class={styles.live}>
        <Badge tone="info">Live</Badge>
        <span class="visually-hidden">Running batches update every two seconds.</span>
      </span>
    );
  }
  return (
    <Button size="sm" busy={model.refreshing.value} onClick={() => model.refresh()}>
      Refresh
    </Button>
  );
}

function BatchesCard({ model }: { model: SourceView }) {
  return (
    <Card
      title="Batches"
      description="Each ZIP sent for this source through the Ingest API, newest first. Running batches update live."
      actions={<LiveState model={model} />}
      flush
    >
      {model.refreshError.value && (
        <p class={styles.refreshError} role="status">
          Could not update the batches: {model.refreshError.value}
        </p>
      )}
      <PagedListView
        inset
        list={model.batches}
        noun="batches"
        empty={
          <Empty title="No batches yet" action={<a href="/docs">How to send data</a>}>
            Upload a ZIP through the Ingest API with this source's ID; each upload shows here as a batch.
          </Empty>
        }
      >
        {(items) => (
          <DataTable caption="Batches" bare>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col" class={styles.num}>
                  Loaded
                </th>
                <th scope="col" class={styles.num}>
                  Rejected
                </th>
                <th scope="col" class={styles.num}>
                  Warned
                </th>
                <th scope="col" class={styles.num}>
                  Size
                </th>
                <th scope="col" class={styles.num}>
                  Files
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <BatchRow key={b.batchId} batch={b} />
              ))}
            </tbody>
          </DataTable>
        )}
      </PagedListView>
    </Card>
  );
}

function SourceView({ id }: { id: string }) {
  const model = useModel(() => new SourceModel(id));
  const source = model.source.value;
  const back = (
    <a class={styles.back} href="/settings/sources">
      <span aria-hidden="true">←</span> All sources
    </a>
  );

  if (!source) {
    return (
      <div class={styles.page}>
        {back}
        <ItemState
          state={model.state.value}
          eyebrow="Sources"
          noun="Source"
          listHref="/settings/sources"
          listLabel="See all sources"
          error={model.error.value}
          onRetry={() => model.reloadSource()}
        />
      </div>
    );
  }
  return (
    <div class={styles.page}>
      {back}
      <PageHeader
        eyebrow="Sources"
        title={source.name}
        actions={
          session.can("technicalLog.view") && (
            <a class={buttonClass("secondary")} href={technicalLogHref({ sourceId: source.id })}>
              Technical Log for this source
            </a>
          )
        }
      />
      <dl class={styles.meta}>
        <div>
          <dt>Type</dt>
          <dd>
            <Badge>{SOURCE_TYPE_LABELS[source.type] ?? source.type}</Badge>
          </dd>
        </div>
        <div>
          <dt>ID</dt>
          <dd class={styles.idCell}>
            <code>{source.id}</code>
            <CopyButton text={source.id} label={`Copy ID of ${source.name}`} variant="ghost" />
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={source.createdAt}>{formatDate(source.createdAt)}</time>
          </dd>
        </div>
      </dl>
      <BatchesCard model={model} />
    </div>
  );
}

/** `/settings/sources/:id`: one source and its batches, live while any is running. */
export function SourcePage({ id }: { id: string }) {
  return <SourceView key={id} id={id} />;
}
