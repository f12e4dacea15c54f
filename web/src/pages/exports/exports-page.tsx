import { useModel } from "@preact/signals";
import type { ExportJob } from "../../../../schemas/export";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CheckboxCard } from "../../components/checkbox-card/checkbox-card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { ProgressBar } from "../../components/progress-bar/progress-bar";
import { cx, formatBytes, formatDate, formatDateTime, formatNumber, formatTimeSeconds } from "../../lib/format";
import { localZoneName } from "../../lib/local-time";
import { session } from "../../session";
import {
  DATASET_HELP,
  DATASET_LABELS,
  DATASET_OPTIONS,
  EXPORT_STATUS_LABELS,
  EXPORT_STATUS_TONES,
  ExportsModel,
  type RangeCheck,
} from "./exports-model";
import styles from "./exports-page.module.css";

type Exports = InstanceType<typeof ExportsModel>;

const RANGE_ID = "export-range";
const START_HELP_ID = "export-start-help";

function RangeLine({ range }: { range: RangeCheck }) {
  const text =
    range.kind === "ok"
      ? `Range: ${range.length}. An export covers at most 24 hours.`
      : range.kind === "too-long"
        ? `Range: ${range.length}, longer than the 24 hours an export may cover.`
        : range.kind === "reversed"
          ? "“To” comes before “From”."
          : "Enter both times to see the range.";
  return (
    <p id={RANGE_ID} class={cx(styles.range, (range.kind === "too-long" || range.kind === "reversed") && styles.bad)}>
      {text}
    </p>
  );
}

/** The control's own description plus the range line, which speaks for both time inputs. */
const withRange = (describedBy: string | undefined) => [describedBy, RANGE_ID].filter(Boolean).join(" ");

function StartForm({ model }: { model: Exports }) {
  const draft = model.draft.value;
  const errors = model.fieldErrors.value;
  const formErrors = model.formErrors.value;
  const nothingChosen = draft.include.length === 0;
  const zone = `Your time zone (${localZoneName()}).`;
  return (
    <Card
      title="New export"
      description="One CSV file per data set, covering the engagements that started in the range and what belongs to them."
    >
      <form
        class={styles.form}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void model.start();
        }}
      >
        {formErrors.length > 0 && (
          <Alert class={styles.wide} title="The export did not start">
            {formErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </Alert>
        )}
        <Field label="From" hint={zone} error={errors.from}>
          {(control) => (
            <input
              {...control}
              aria-describedby={withRange(control["aria-describedby"])}
              type="datetime-local"
              value={draft.from}
              onInput={(e) => model.edit({ from: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="To" hint="The range ends just before this time." error={errors.to}>
          {(control) => (
            <input
              {...control}
              aria-describedby={withRange(control["aria-describedby"])}
              type="datetime-local"
              value={draft.to}
              onInput={(e) => model.edit({ to: e.currentTarget.value })}
            />
          )}
        </Field>
        <div class={styles.wide}>
          <RangeLine range={model.range.value} />
        </div>
        <fieldset
          class={cx(styles.datasets, styles.wide)}
          aria-describedby={errors.include ? "datasets-error" : undefined}
          aria-invalid={errors.include ? true : undefined}
        >
          <legend class={styles.legend}>Data sets</legend>
          <div class={styles.datasetList}>
            {DATASET_OPTIONS.map((dataset) => (
              <CheckboxCard
                key={dataset}
                id={`dataset-${dataset}`}
                name="include"
                value={dataset}
                label={DATASET_LABELS[dataset]}
                help={DATASET_HELP[dataset]}
                checked={draft.include.includes(dataset)}
                onChange={(checked) => model.toggleDataset(dataset, checked)}
              />
            ))}
          </div>
          {errors.include && (
            <p id="datasets-error" class={styles.fieldError}>
              {errors.include}
            </p>
          )}
        </fieldset>
        <Field
          class={styles.wide}
          label="Contact"
          hint="Optional. An e-mail address or phone number: only the engagements of that customer's profile are exported."
          error={errors.contact}
        >
          {(control) => (
            <input
              {...control}
              class={styles.contact}
              type="text"
              autocomplete="off"
              spellcheck={false}
              maxLength={254}
              value={draft.contact}
              onInput={(e) => model.edit({ contact: e.currentTarget.value })}
            />
          )}
        </Field>
        <div class={cx(styles.actions, styles.wide)}>
          <Button
            type="submit"
            variant="primary"
            busy={model.starting.value}
            aria-describedby={nothingChosen ? START_HELP_ID : undefined}
          >
            Start export
          </Button>
          {nothingChosen && (
            <p id={START_HELP_ID} class={styles.startHelp}>
              Choose at least one data set to export.
            </p>
          )}
        </div>
      </form>
    </Card>
  );
}

function RowsText({ job }: { job: ExportJob }) {
  if (job.status === "PROCESSING" && job.rowsTotal !== null) {
    return (
      <>
        {formatNumber(job.rowsWritten)} of {formatNumber(job.rowsTotal)}
      </>
    );
  }
  return <>{formatNumber(job.rowsWritten)}</>;
}

function StatusCell({ job, label }: { job: ExportJob; label: string }) {
  return (
    <div class={styles.state}>
      <Badge tone={EXPORT_STATUS_TONES[job.status]}>{EXPORT_STATUS_LABELS[job.status] ?? job.status}</Badge>
      {job.status === "PROCESSING" && (
        <ProgressBar class={styles.progress} value={job.progress} label={`Progress of ${label}`} />
      )}
      {job.status === "FAILED" && job.error && (
        <p class={styles.error}>
          {job.error.message} <code class={styles.code}>{job.error.code}</code>
        </p>
      )}
    </div>
  );
}

function FilesCell({ model, job, rowHeaderId }: { model: Exports; job: ExportJob; rowHeaderId: string }) {
  if (job.status === "FAILED") return <span class={styles.muted}>—</span>;
  const error = model.rowErrors.value[job.exportId];
  return (
    <>
      <ul class={styles.files}>
        {job.files.map((file) => {
          const meta = [
            file.rows === null
              ? job.status === "PROCESSING"
                ? "in progress"
                : null
              : `${formatNumber(file.rows)} rows`,
            file.bytes === null ? null : formatBytes(file.bytes),
          ]
            .filter(Boolean)
            .join(" · ");
          return (
            <li key={file.dataset}>
              {file.downloadUrl ? (
                <a
                  class={styles.fileName}
                  href={file.downloadUrl}
                  download={file.fileName}
                  aria-describedby={rowHeaderId}
                  onClick={(event) => {
                    const plain =
                      event.button === 0 && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey);
                    if (!plain || model.linksFresh(job)) return;
                    event.preventDefault();
                    void model.download(job, file.dataset);
                  }}
                >
                  {file.fileName}
                </a>
              ) : (
                <span class={styles.fileName}>{file.fileName}</span>
              )}
              {meta && <span class={styles.fileMeta}>{meta}</span>}
            </li>
          );
        })}
      </ul>
      {error && (
        <p class={styles.error} role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** An e-mail address (or any text) that may wrap after its `@` rather than widen the table. */
function Address({ text }: { text: string }) {
  const at = text.indexOf("@");
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}

function ExportRow({ model, job }: { model: Exports; job: ExportJob }) {
  const rowHeaderId = `export-${job.exportId}`;
  const label = `the export of ${formatDateTime(job.createdAt)}`;
  return (
    <tr>
      <th scope="row" id={rowHeaderId} class={styles.created}>
        <time dateTime={job.createdAt}>
          {formatDate(job.createdAt)}
          <span class={styles.clock}>{formatTimeSeconds(job.createdAt)}</span>
        </time>
      </th>
      <td class={styles.period}>
        <time dateTime={job.from}>{formatDateTime(job.from)}</time>
        <span class={styles.rangeEnd}>
          <span aria-hidden="true">→ </span>
          <span class="visually-hidden"> to </span>
          <time dateTime={job.to}>{formatDateTime(job.to)}</time>
        </span>
      </td>
      <td>{job.include.map((d) => DATASET_LABELS[d] ?? d).join(", ")}</td>
      <td class={styles.who}>
        {job.contact ? <Address text={job.contact} /> : <span class={styles.muted}>All customers</span>}
      </td>
      <td class={styles.who}>
        {job.requestedBy ? <Address text={job.requestedBy} /> : <span class={styles.muted}>—</span>}
      </td>
      <td>
        <StatusCell job={job} label={label} />
      </td>
      <td class={styles.num}>
        <RowsText job={job} />
      </td>
      <td>
        <FilesCell model={model} job={job} rowHeaderId={rowHeaderId} />
      </td>
    </tr>
  );
}

function LiveState({ model }: { model: Exports }) {
  if (model.live.value) {
    return (
      <span class={styles.live}>
        <Badge tone="info">Live</Badge>
        <span class="visually-hidden">Running exports update every two seconds.</span>
      </span>
    );
  }
  return (
    <Button size="sm" busy={model.refreshing.value} onClick={() => model.refresh()}>
      Refresh
    </Button>
  );
}

function HistoryCard({ model }: { model: Exports }) {
  return (
    <Card
      title="History"
      description="This account's exports, newest first, whether started here or through the Export API. Running exports update live; download links are read afresh when they are about to expire."
      actions={<LiveState model={model} />}
      flush
    >
      {model.refreshError.value && (
        <p class={styles.refreshError} role="status">
          Could not update the exports: {model.refreshError.value}
        </p>
      )}
      <PagedListView
        inset
        list={model.jobs}
        noun="exports"
        empty={<Empty title="No exports yet">Start one above; it shows here with its files once it has run.</Empty>}
      >
        {(items) => (
          <DataTable caption="Exports" bare align="top">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Range</th>
                <th scope="col">Data sets</th>
                <th scope="col">Contact</th>
                <th scope="col">Requested by</th>
                <th scope="col">Status</th>
                <th scope="col" class={styles.num}>
                  Rows
                </th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {items.map((job) => (
                <ExportRow key={job.exportId} model={model} job={job} />
              ))}
            </tbody>
          </DataTable>
        )}
      </PagedListView>
    </Card>
  );
}

function ExportsView() {
  const model = useModel(ExportsModel);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="Exports"
        description="Take your data out of Brine as CSV files, one range of up to 24 hours at a time. Each file's link works for an hour after the page reads it."
      />
      <StartForm model={model} />
      <Notice message={model.notice.value} />
      <HistoryCard model={model} />
    </div>
  );
}

/** `/settings/exports`: needs the `export.run` permission. */
export function ExportsPage() {
  if (!session.can("export.run")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="Exports" />
        <Empty title="You cannot run exports">
          Your role does not include this. Ask an admin of your account if you need it.
        </Empty>
      </div>
    );
  }
  return <ExportsView />;
}
