import { useModel, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { TechnicalLogEntry } from "../../../../schemas/ingest";
import { Badge, type BadgeTone } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { batchHref, technicalLogHref } from "../../lib/batches";
import { formatDate, formatTimeSeconds } from "../../lib/format";
import { session } from "../../session";
import { filtersFromQuery, LEVEL_LABELS, LOG_LEVELS, type LogLevel, TechnicalLogModel } from "./technical-log-model";
import styles from "./technical-log-page.module.css";

type TechnicalLog = InstanceType<typeof TechnicalLogModel>;

const LEVEL_TONES: Record<LogLevel, BadgeTone> = { ERROR: "danger", WARNING: "warning", INFO: "info" };
const LEVEL_NAMES: Record<LogLevel, string> = { ERROR: "Error", WARNING: "Warning", INFO: "Info" };

/** Values longer than this are cut short in the table and open in full on click. */
const SHORT_VALUE = 16;

function FilterForm({ log, onApply, onClear }: { log: TechnicalLog; onApply: () => void; onClear: () => void }) {
  const draft = log.draft.value;
  const errors = log.draftErrors.value;
  const sources = log.sources.value;
  const unknownSource = draft.sourceId && !sources.some((s) => s.id === draft.sourceId);
  return (
    <Card title="Filters">
      <form
        class={styles.filters}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onApply();
        }}
      >
        <Field label="Level" class={styles.level}>
          {(control) => (
            <select
              {...control}
              value={draft.level}
              onChange={(e) => log.edit({ level: e.currentTarget.value as LogLevel | "" })}
            >
              <option value="">All levels</option>
              {LOG_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {LEVEL_LABELS[l]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Source" class={styles.source}>
          {(control) => (
            <select {...control} value={draft.sourceId} onChange={(e) => log.edit({ sourceId: e.currentTarget.value })}>
              <option value="">All sources</option>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              {unknownSource && <option value={draft.sourceId}>{draft.sourceId}</option>}
            </select>
          )}
        </Field>
        <Field label="Batch ID" error={errors.batchId} class={styles.batch}>
          {(control) => (
            <input
              {...control}
              type="text"
              class={styles.mono}
              autocomplete="off"
              spellcheck={false}
              placeholder="Any batch"
              value={draft.batchId}
              onInput={(e) => log.edit({ batchId: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="From" hint="Your local time." error={errors.from} class={styles.from}>
          {(control) => (
            <input
              {...control}
              type="datetime-local"
              value={draft.from}
              onInput={(e) => log.edit({ from: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="To" hint="Your local time." error={errors.to} class={styles.to}>
          {(control) => (
            <input
              {...control}
              type="datetime-local"
              value={draft.to}
              onInput={(e) => log.edit({ to: e.currentTarget.value })}
            />
          )}
        </Field>
        <div class={styles.filterActions}>
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
          <Button variant="ghost" onClick={onClear}>
            Clear
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** A property's value in monospace; a long one is cut short and opens in full on click. */
function LogValue({ value }: { value: string }) {
  const open = useSignal(false);
  if (value.length <= SHORT_VALUE) return <code class={styles.value}>{value}</code>;
  return (
    <button
      type="button"
      class={styles.valueButton}
      aria-expanded={open.value}
      title={open.value ? "Show less" : value}
      onClick={() => {
        open.value = !open.value;
      }}
    >
      <code class={open.value ? styles.valueFull : styles.valueShort}>{value}</code>
    </button>
  );
}

function Missing() {
  return <span class={styles.none}>—</span>;
}

function EntryRow({ entry }: { entry: TechnicalLogEntry }) {
  const where = entry.file ? (entry.line === null ? entry.file : `${entry.file}:${entry.line}`) : null;
  return (
    <tr>
      <td class={styles.time}>
        <time dateTime={entry.time}>
          {formatDate(entry.time)}
          <span class={styles.clock}>{formatTimeSeconds(entry.time)}</span>
        </time>
      </td>
      <td>
        <Badge tone={LEVEL_TONES[entry.level]}>{LEVEL_NAMES[entry.level] ?? entry.level}</Badge>
      </td>
      <td>
        <code class={styles.code}>{entry.code}</code>
      </td>
      <td class={styles.message}>{entry.message}</td>
      <td class={styles.where}>{where ? <code>{where}</code> : <Missing />}</td>
      <td>{entry.property ? <code class={styles.code}>{entry.property}</code> : <Missing />}</td>
      <td class={styles.valueCell}>{entry.value === null ? <Missing /> : <LogValue value={entry.value} />}</td>
      <td class={styles.batchCell}>
        {entry.batchId ? (
          <a href={batchHref({ batchId: entry.batchId })} title={entry.batchId}>
            <code>{entry.batchId.slice(0, 8)}</code>
            <span class="visually-hidden">Batch {entry.batchId}</span>
          </a>
        ) : (
          <Missing />
        )}
      </td>
    </tr>
  );
}

function Entries({ log }: { log: TechnicalLog }) {
  const filtered = Object.values(log.filters.value).some(Boolean);
  const count = log.list.items.value.length;
  const more = log.list.nextCursor.value !== null;
  return (
    <Card
      title="Entries"
      description={
        log.list.state.value === "ready" && count > 0 ? (
          <span role="status">
            {count} {count === 1 ? "entry" : "entries"} shown{more ? ", more below" : ""}. Newest first.
          </span>
        ) : (
          "Newest first."
        )
      }
      flush
    >
      <PagedListView
        inset
        list={log.list}
        noun="log entries"
        empty={
          <Empty title={filtered ? "No entries match these filters" : "No entries yet"}>
            {filtered
              ? "Try another level, a wider time range or clearing the filters."
              : "Rejected and corrected lines from ingest show here, with the file and line they came from."}
          </Empty>
        }
      >
        {(items) => (
          <DataTable caption="Technical Log entries" bare align="top" class={styles.entries}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Code</th>
                <th scope="col">Message</th>
                <th scope="col">File:line</th>
                <th scope="col">Property</th>
                <th scope="col">Value</th>
                <th scope="col">Batch</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <EntryRow key={e.id} entry={e} />
              ))}
            </tbody>
          </DataTable>
        )}
      </PagedListView>
    </Card>
  );
}

function TechnicalLogView() {
  const { url, query, route } = useLocation();
  const log = useModel(() => new TechnicalLogModel(filtersFromQuery(query)));
  useEffect(() => log.show(filtersFromQuery(query)), [url]);

  const apply = () => {
    const next = log.submit();
    if (!next) return;
    const href = technicalLogHref(next);
    if (href === url) void log.list.reload();
    else route(href);
  };

  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Data"
        title="Technical Log"
        description="Every warning and error from loading data: which line of which file, what was wrong, and the value Brine saw."
      />
      <FilterForm
        log={log}
        onApply={apply}
        onClear={() => (url === technicalLogHref() ? log.show({}) : route(technicalLogHref()))}
      />
      <Entries log={log} />
    </div>
  );
}

/** `/technical-log`: needs the `technicalLog.view` permission; filters live in the URL's query. */
export function TechnicalLogPage() {
  if (!session.can("technicalLog.view")) {
    return (
      <div>
        <PageHeader eyebrow="Data" title="Technical Log" />
        <Empty title="You cannot view the Technical Log">
          Your role does not include this. Ask an admin of your account if you need it.
        </Empty>
      </div>
    );
  }
  return <TechnicalLogView />;
}
