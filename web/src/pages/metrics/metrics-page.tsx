import { useModel } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { Metric } from "../../../../schemas/analytics";
import { api, isNotFound, messageOf } from "../../api";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, ItemState, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { formatMetric } from "../../lib/analytics";
import { cx } from "../../lib/format";
import { session } from "../../session";
import layout from "../library-layout.module.css";
import {
  draftFrom,
  FORMAT_LABELS,
  FORMAT_OPTIONS,
  type MetricDraft,
  MetricEditorModel,
  MetricLibraryModel,
  MetricModel,
  type MetricPreview,
  type MetricProblem,
  metricReference,
  offsetOf,
  PREVIEW_BY,
} from "./metrics-model";
import styles from "./metrics-page.module.css";

type Library = InstanceType<typeof MetricLibraryModel>;
type Viewer = InstanceType<typeof MetricModel>;
type Editor = InstanceType<typeof MetricEditorModel>;

const EYEBROW = "Metrics";
const canEdit = () => session.can("metrics.edit");

// The list on the left.

function LibraryNav({ library, selected }: { library: Library; selected: string | undefined }) {
  const { route } = useLocation();
  const list = library.metrics;
  const items = list.items.value;
  return (
    <nav class={layout.library} aria-label="All metrics">
      <div class={layout.libraryTop}>
        <label class={layout.searchLabel} for="metric-search">
          Search metrics
        </label>
        <input
          id="metric-search"
          type="search"
          placeholder="Name contains…"
          autocomplete="off"
          value={library.search.value}
          onInput={(e) => library.setSearch(e.currentTarget.value)}
        />
        {canEdit() && (
          <Button variant="primary" size="sm" onClick={() => route("/metrics/new")}>
            New metric
          </Button>
        )}
      </div>
      <section class={layout.section} aria-labelledby="metric-list-title">
        <h2 id="metric-list-title" class={layout.sectionTitle}>
          Built-in and custom
        </h2>
        {list.state.value === "loading" && items.length === 0 && <p class={layout.muted}>Loading…</p>}
        {list.state.value === "error" && (
          <p class={layout.sectionError}>
            {list.error.value}{" "}
            <button type="button" class={layout.linkButton} onClick={() => list.reload()}>
              Try again
            </button>
          </p>
        )}
        {list.state.value === "ready" && items.length === 0 && <p class={layout.muted}>No metric matches.</p>}
        {items.length > 0 && (
          <ul class={layout.libraryList}>
            {items.map((m) => (
              <li key={m.id}>
                <a
                  class={cx(styles.libraryItem, m.id === selected && layout.current)}
                  href={`/metrics/${m.id}`}
                  aria-current={m.id === selected ? "page" : undefined}
                >
                  <span class={styles.itemName}>{m.name}</span>
                  <Badge tone={m.builtIn ? "neutral" : "info"}>{m.builtIn ? "Built-in" : "Custom"}</Badge>
                </a>
              </li>
            ))}
          </ul>
        )}
        {list.nextCursor.value && (
          <Button size="sm" variant="ghost" busy={list.loadingMore.value} onClick={() => list.loadMore()}>
            More metrics
          </Button>
        )}
      </section>
    </nav>
  );
}

// Errors in a definition.

/** The definition's line at fault, with a caret under the column. */
function ErrorLine({ definition, line, column }: { definition: string; line: number; column: number }) {
  const text = definition.split("\n")[line - 1];
  if (text === undefined) return null;
  return (
    <pre class={styles.errorLine}>
      <span class="visually-hidden">Line </span>
      <span class={styles.lineNumber}>{line}</span>
      <mark class={styles.lineText}>{text || " "}</mark>
      {"\n"}
      <span class={styles.lineNumber} />
      <span aria-hidden="true">{`${" ".repeat(Math.max(0, column - 1))}^`}</span>
    </pre>
  );
}

function Problem({
  problem,
  title,
  definition,
  onLocate,
}: {
  problem: MetricProblem;
  title: string;
  definition?: string;
  onLocate?: (line: number, column: number) => void;
}) {
  const { line, column } = problem;
  return (
    <div class={styles.problem}>
      <p class={layout.problemTitle}>{title}</p>
      <p>
        {problem.code && <code class={layout.code}>{problem.code}</code>} {problem.message}
      </p>
      {Object.entries(problem.fields).map(([field, message]) => (
        <p key={field}>
          {field}: {message}
        </p>
      ))}
      {definition !== undefined && line !== undefined && column !== undefined && (
        <>
          <ErrorLine definition={definition} line={line} column={column} />
          {onLocate && (
            <div>
              <Button size="sm" onClick={() => onLocate(line, column)}>
                Go to line {line}, column {column}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

// Viewing one metric.

function MetricValue({ model, metric }: { model: Viewer; metric: Metric }) {
  const value = model.value.value;
  if (value.kind === "loading") return <Loading label="Evaluating the metric…" rows={1} />;
  if (value.kind === "error") return <Problem problem={value.problem} title="The value could not be computed" />;
  return <p class={styles.bigValue}>{formatMetric(value.value, metric.format)}</p>;
}

function ViewerPanel({ model, metric, library }: { model: Viewer; metric: Metric; library: Library }) {
  const { route } = useLocation();
  const editable = canEdit();
  const deleteError = model.deleteError.value;
  return (
    <>
      <PageHeader
        eyebrow={metric.builtIn ? `${EYEBROW} · Built-in` : `${EYEBROW} · Custom`}
        title={metric.name}
        actions={
          editable && (
            <>
              <Button size="sm" onClick={() => route(`/metrics/new?from=${encodeURIComponent(metric.id)}`)}>
                Copy to new metric
              </Button>
              {!metric.builtIn && (
                <>
                  <Button size="sm" onClick={() => route(`/metrics/${metric.id}?edit=1`)}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="danger"
                    busy={model.deleting.value}
                    onClick={async () => {
                      if (!confirm(`Delete the metric “${metric.name}”? This cannot be undone.`)) return;
                      if (!(await model.remove())) return;
                      library.refresh();
                      route("/metrics");
                    }}
                  >
                    Delete
                  </Button>
                </>
              )}
            </>
          )
        }
      />
      {metric.builtIn && (
        <p class={layout.note}>
          <Badge>Built-in</Badge> Brine's metrics are read-only.
          {editable ? " Use “Copy to new metric” to start your own from this one." : ""}
        </p>
      )}
      {deleteError && <Problem problem={deleteError} title="The metric was not deleted" />}
      <Card>
        <dl class={styles.details}>
          <div>
            <dt>Description</dt>
            <dd>{metric.description || <span class={layout.muted}>None</span>}</dd>
          </div>
          <div>
            <dt>Format</dt>
            <dd>{FORMAT_LABELS[metric.format]}</dd>
          </div>
          <div>
            <dt>Referenced as</dt>
            <dd>
              <code>{metricReference(metric.name)}</code>
            </dd>
          </div>
          <div class={styles.wide}>
            <dt>Value on all data</dt>
            <dd>
              <MetricValue model={model} metric={metric} />
            </dd>
          </div>
          <div class={styles.wide}>
            <dt>Definition</dt>
            <dd>
              <pre class={styles.definition}>{metric.definition}</pre>
            </dd>
          </div>
        </dl>
      </Card>
    </>
  );
}

function MetricDetail({ id, editing, library }: { id: string; editing: boolean; library: Library }) {
  const model = useModel(() => new MetricModel(id));
  const { route } = useLocation();
  const metric = model.metric.value;
  if (model.state.value !== "ready" || !metric) {
    return (
      <ItemState
        state={model.state.value}
        eyebrow={EYEBROW}
        noun="Metric"
        listHref="/metrics"
        listLabel="All metrics"
        error={model.error.value}
        onRetry={() => model.load()}
      />
    );
  }
  if (editing && !metric.builtIn && canEdit()) {
    return (
      <EditorPanel
        key={`edit-${metric.id}`}
        editing={metric}
        start={draftFrom(metric, false)}
        onSaved={(saved) => {
          model.replace(saved);
          library.refresh();
          route(`/metrics/${saved.id}`, true);
        }}
        onCancel={() => route(`/metrics/${metric.id}`, true)}
      />
    );
  }
  return <ViewerPanel model={model} metric={metric} library={library} />;
}

// Editing.

function PreviewResult({ preview }: { preview: Extract<MetricPreview, { kind: "ready" }> }) {
  const { result, by, format } = preview;
  const byLabel = PREVIEW_BY.find((p) => p.key === by)?.label ?? "Group";
  if (!by) {
    return <p class={styles.bigValue}>{formatMetric(result.rows[0]?.value ?? null, format)}</p>;
  }
  if (result.rows.length === 0) return <p class={layout.muted}>No groups: the account has no data for this.</p>;
  const shown = result.rows.slice(0, 100);
  return (
    <>
      <DataTable caption={`Preview by ${byLabel}`} bare>
        <thead>
          <tr>
            <th scope="col">{byLabel}</th>
            <th scope="col" class={layout.num}>
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={JSON.stringify(row.by)}>
              <td>{row.names[0] ?? (row.by[0] === null || row.by[0] === undefined ? "(empty)" : String(row.by[0]))}</td>
              <td class={layout.num}>{formatMetric(row.value, format)}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {result.rows.length > shown.length && (
        <p class={layout.muted}>
          The first {shown.length} groups of {result.rows.length}.
        </p>
      )}
    </>
  );
}

function PreviewCard({ model, onLocate }: { model: Editor; onLocate: (line: number, column: number) => void }) {
  const preview = model.preview.value;
  return (
    <Card title="Preview" description="The definition as typed, on all of the account's data.">
      <div class={styles.previewBody}>
        <Field label="Preview by">
          {(control) => (
            <select
              {...control}
              class={styles.previewBy}
              value={model.previewBy.value}
              onChange={(e) => model.setPreviewBy(e.currentTarget.value)}
            >
              {PREVIEW_BY.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div aria-busy={preview.kind === "loading" || undefined}>
          {preview.kind === "idle" && <p class={layout.muted}>Write a definition to see its value.</p>}
          {preview.kind === "loading" && <Loading label="Evaluating…" rows={1} />}
          {preview.kind === "error" && (
            <Problem
              problem={preview.problem}
              title="The definition cannot be evaluated"
              definition={preview.definition}
              onLocate={onLocate}
            />
          )}
          {preview.kind === "ready" && <PreviewResult preview={preview} />}
        </div>
      </div>
    </Card>
  );
}

/** The line the preview or the last save points at, to mark beside the definition. */
function errorLineOf(model: Editor): number | undefined {
  const preview = model.preview.value;
  if (preview.kind === "error" && preview.definition === model.draft.value.definition) return preview.problem.line;
  return model.saveError.value?.line;
}

function EditorPanel({
  editing,
  start,
  onSaved,
  onCancel,
}: {
  editing: Metric | null;
  start: MetricDraft;
  onSaved: (saved: Metric) => void;
  onCancel: () => void;
}) {
  const model = useModel(() => new MetricEditorModel(editing, start));
  const textarea = useRef<HTMLTextAreaElement>(null);
  const draft = model.draft.value;
  const saveError = model.saveError.value;
  const errorLine = errorLineOf(model);
  const lineCount = draft.definition.split("\n").length;

  const insert = (text: string, spaced = true) => {
    const el = textarea.current;
    const current = model.draft.peek().definition;
    const from = el?.selectionStart ?? current.length;
    const to = el?.selectionEnd ?? current.length;
    const before = current.slice(0, from);
    const pad = spaced && before !== "" && !/\s$/.test(before) ? " " : "";
    const piece = `${pad}${text}${spaced ? " " : ""}`;
    model.edit({ definition: before + piece + current.slice(to) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(from + piece.length, from + piece.length);
    });
  };
  const locate = (line: number, column: number) => {
    const el = textarea.current;
    if (!el) return;
    const offset = offsetOf(el.value, line, column);
    el.focus();
    el.setSelectionRange(offset, offset + 1);
  };

  return (
    <>
      <PageHeader
        eyebrow={EYEBROW}
        title={editing ? `Edit ${editing.name}` : "New metric"}
        description={
          <>
            One <code>SELECT</code> in the metric language, over the logical model's data sets and fields (
            <a href="/model">Logical model</a>). The preview follows as you type.
          </>
        }
      />
      <div class={styles.editorGrid}>
        <form
          class={layout.form}
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const saved = await model.save();
            if (saved) onSaved(saved);
          }}
        >
          <Field
            label="Name"
            hint="Other metrics reference it by this name; it must differ from every other metric's."
            error={model.nameError.value}
          >
            {(control) => (
              <input
                {...control}
                maxLength={100}
                value={draft.name}
                onInput={(e) => model.edit({ name: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label="Description" hint="Optional.">
            {(control) => (
              <textarea
                {...control}
                rows={2}
                maxLength={500}
                value={draft.description}
                onInput={(e) => model.edit({ description: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label="Format">
            {(control) => (
              <select
                {...control}
                value={draft.format}
                onChange={(e) => model.edit({ format: e.currentTarget.value as MetricDraft["format"] })}
              >
                {FORMAT_OPTIONS.map((f) => (
                  <option key={f} value={f}>
                    {FORMAT_LABELS[f]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div class={styles.definitionField}>
            <div class={styles.insertBar}>
              <Button size="sm" onClick={() => insert("⏵")} title="Insert ⏵ between a data set and its field">
                Insert ⏵
              </Button>
              <select
                aria-label="Insert attribute"
                class={styles.insertSelect}
                value=""
                onChange={(e) => {
                  if (e.currentTarget.value) insert(e.currentTarget.value);
                }}
              >
                <option value="">Insert attribute…</option>
                {model.attributes.value.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
              <select
                aria-label="Insert metric"
                class={styles.insertSelect}
                value=""
                onChange={(e) => {
                  if (e.currentTarget.value) insert(metricReference(e.currentTarget.value));
                }}
              >
                <option value="">Insert metric…</option>
                {model.metricNames.value.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
            <Field
              label="Definition"
              hint={
                <>
                  For example <code>SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"</code>. Type{" "}
                  <code>-&gt;</code> for <code>⏵</code>; <code>#</code> starts a comment.
                </>
              }
            >
              {(control) => (
                <div class={styles.editorBox}>
                  <div class={styles.gutter} aria-hidden="true">
                    {Array.from({ length: lineCount }, (_, i) => (
                      <span key={i} class={cx(styles.gutterLine, errorLine === i + 1 && styles.gutterError)}>
                        {i + 1}
                      </span>
                    ))}
                  </div>
                  <textarea
                    {...control}
                    ref={textarea}
                    class={styles.definitionInput}
                    rows={Math.max(6, lineCount + 1)}
                    wrap="off"
                    spellcheck={false}
                    autocomplete="off"
                    value={draft.definition}
                    onInput={(e) => model.edit({ definition: e.currentTarget.value })}
                  />
                </div>
              )}
            </Field>
          </div>
          {saveError && (
            <Problem
              problem={saveError}
              title="The metric was not saved"
              definition={draft.definition}
              onLocate={locate}
            />
          )}
          <div class={layout.actions}>
            <Button type="submit" variant="primary" busy={model.saving.value}>
              Save
            </Button>
            <Button onClick={onCancel}>Cancel</Button>
          </div>
        </form>
        <div class={layout.previewColumn}>
          <PreviewCard model={model} onLocate={locate} />
        </div>
      </div>
    </>
  );
}

/** `/metrics/new`, or `/metrics/new?from=<id>` to start from a copy of another metric. */
function NewMetric({ from, library }: { from: string | undefined; library: Library }) {
  const { route } = useLocation();
  const [source, setSource] = useState<{ state: "loading" | "ready" | "error"; metric?: Metric; error?: string }>({
    state: from ? "loading" : "ready",
  });
  useEffect(() => {
    if (!from) return;
    api.get<Metric>(`/metrics/${encodeURIComponent(from)}`).then(
      (metric) => setSource({ state: "ready", metric }),
      (e: unknown) =>
        setSource({ state: "error", error: isNotFound(e) ? "The metric to copy does not exist." : messageOf(e) }),
    );
  }, [from]);
  if (source.state === "loading") {
    return (
      <>
        <PageHeader eyebrow={EYEBROW} title="New metric" />
        <Loading label="Loading the metric to copy…" />
      </>
    );
  }
  return (
    <>
      {source.state === "error" && <p class={layout.sectionError}>{source.error} Starting from a blank metric.</p>}
      <EditorPanel
        editing={null}
        start={draftFrom(source.metric ?? null, true)}
        onSaved={(saved) => {
          library.refresh();
          route(`/metrics/${saved.id}`, true);
        }}
        onCancel={() => route(from ? `/metrics/${from}` : "/metrics")}
      />
    </>
  );
}

function Overview() {
  return (
    <>
      <PageHeader
        title="Metrics"
        description="Calculations over the account's engagements and everything related to them: Brine's built-in metrics and your own, in the metric language."
      />
      <Empty title="Choose a metric">
        Pick one on the left to see its definition and value{canEdit() ? ", or write a new one" : ""}.
      </Empty>
    </>
  );
}

/**
 * `/metrics`, `/metrics/new` (`?from=<id>` copies one) and `/metrics/:id` (`?edit=1` to edit a
 * custom one): the metric list on the left, the chosen metric or the editor on the right.
 */
export function MetricsPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const library = useModel(MetricLibraryModel);
  const id = params.id;
  let main = <Overview />;
  if (id === "new") {
    main = canEdit() ? (
      <NewMetric key={`new-${query.from ?? ""}`} from={query.from} library={library} />
    ) : (
      <>
        <PageHeader eyebrow={EYEBROW} title="New metric" />
        <Empty title="You cannot create metrics">
          Your role does not include this. Ask an admin of your account if you need it.
        </Empty>
      </>
    );
  } else if (id) {
    main = <MetricDetail key={id} id={id} editing={query.edit !== undefined} library={library} />;
  }
  return (
    <div class={layout.layout}>
      <LibraryNav library={library} selected={id} />
      <div class={layout.main}>{main}</div>
    </div>
  );
}
