import { useModel } from "@preact/signals";
import { useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { ContextFilter } from "../../../../schemas/analytics";
import type { Visualization, VisualizationData, VisualizationSpec } from "../../../../schemas/visualizations";
import { messageOf } from "../../api";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, ItemState, LoadError, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { type DrillRequest, VizView } from "../../components/viz-view/viz-view";
import { attributeKey, DATE_PRESETS, type FilterOption, filterOptions, formatSeconds } from "../../lib/analytics";
import { cx, formatDateTime } from "../../lib/format";
import { journeyHref } from "../../lib/journey";
import type { PagedList } from "../../lib/paged-list";
import { session } from "../../session";
import layout from "../library-layout.module.css";
import {
  type ByDraft,
  type DatePreset,
  type EngagementList,
  GRANULARITIES,
  type Granularity,
  hasGroups,
  type ProblemText,
  TYPE_LABELS,
  TYPE_OPTIONS,
  type VisualizationDraft,
  VisualizationEditorModel,
  VisualizationLibraryModel,
  VisualizationModel,
} from "./visualizations-model";
import styles from "./visualizations-page.module.css";

type Library = InstanceType<typeof VisualizationLibraryModel>;
type Viewer = InstanceType<typeof VisualizationModel>;
type Editor = InstanceType<typeof VisualizationEditorModel>;

const ATTRIBUTES_LIST_ID = "visualization-attributes";
const METRICS_LIST_ID = "visualization-metrics";
const EYEBROW = "Visualizations";

const canEdit = () => session.can("visualizations.edit");

// The list on the left.

function LibrarySection({
  title,
  list,
  selected,
  empty,
}: {
  title: string;
  list: PagedList<Visualization>;
  selected: string | undefined;
  empty: string;
}) {
  const headingId = `visualizations-${title.toLowerCase()}`;
  const items = list.items.value;
  return (
    <section class={layout.section} aria-labelledby={headingId}>
      <h2 id={headingId} class={layout.sectionTitle}>
        {title}
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
      {list.state.value === "ready" && items.length === 0 && <p class={layout.muted}>{empty}</p>}
      {items.length > 0 && (
        <ul class={layout.libraryList}>
          {items.map((v) => (
            <li key={v.id}>
              <a
                class={cx(styles.libraryItem, v.id === selected && layout.current)}
                href={`/visualizations/${v.id}`}
                aria-current={v.id === selected ? "page" : undefined}
              >
                <span class={styles.itemName}>
                  {v.favorite && (
                    <span class={styles.star} aria-hidden="true">
                      ★
                    </span>
                  )}
                  {v.name}
                  {v.favorite && <span class="visually-hidden"> (favorite)</span>}
                </span>
                <span class={styles.itemType}>{TYPE_LABELS[v.spec.type]}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {list.nextCursor.value && (
        <Button size="sm" variant="ghost" busy={list.loadingMore.value} onClick={() => list.loadMore()}>
          More {title.toLowerCase()}
        </Button>
      )}
    </section>
  );
}

function LibraryNav({ library, selected }: { library: Library; selected: string | undefined }) {
  const { route } = useLocation();
  return (
    <nav class={layout.library} aria-label="All visualizations">
      <div class={layout.libraryTop}>
        <label class={layout.searchLabel} for="visualization-search">
          Search visualizations
        </label>
        <input
          id="visualization-search"
          type="search"
          placeholder="Name contains…"
          autocomplete="off"
          value={library.search.value}
          onInput={(e) => library.setSearch(e.currentTarget.value)}
        />
        {canEdit() && (
          <Button variant="primary" size="sm" onClick={() => route("/visualizations/new")}>
            New visualization
          </Button>
        )}
      </div>
      <LibrarySection
        title="Favorites"
        list={library.favorites}
        selected={selected}
        empty={library.search.value ? "No favorite matches." : "Star a visualization to keep it here."}
      />
      <LibrarySection
        title="Shared"
        list={library.shared}
        selected={selected}
        empty={library.search.value ? "None matches." : "Your account has no visualizations of its own yet."}
      />
      <LibrarySection title="Brine" list={library.builtIn} selected={selected} empty="None matches." />
    </nav>
  );
}

// Viewing one visualization.

function describeBy(by: VisualizationSpec["viewBy"]): string {
  if (!by) return "—";
  return by.granularity ? `${by.attribute} (by ${by.granularity})` : by.attribute;
}

function describeFilter(f: ContextFilter): string {
  if (f.op === "between") {
    const from = f.from ?? "…";
    const to = f.to ?? "…";
    return `${f.attribute} from ${from} to ${to}`;
  }
  return `${f.attribute} ${f.op === "notIn" ? "is not" : "is"} ${f.values.join(", ")}`;
}

function SpecSummary({ spec }: { spec: VisualizationSpec }) {
  return (
    <dl class={styles.summary}>
      <div>
        <dt>Type</dt>
        <dd>{TYPE_LABELS[spec.type]}</dd>
      </div>
      {hasGroups(spec.type) && (
        <>
          <div>
            <dt>View by</dt>
            <dd>{describeBy(spec.viewBy)}</dd>
          </div>
          {spec.segmentBy && (
            <div>
              <dt>Segment by</dt>
              <dd>{describeBy(spec.segmentBy)}</dd>
            </div>
          )}
        </>
      )}
      <div>
        <dt>Filters</dt>
        <dd>{spec.filters.length === 0 ? "None" : spec.filters.map(describeFilter).join("; ")}</dd>
      </div>
    </dl>
  );
}

/** An error from the API with its code, as the editor and the viewer show it. */
function Problem({ problem, title }: { problem: ProblemText; title: string }) {
  return (
    <div class={styles.problem}>
      <p class={layout.problemTitle}>{title}</p>
      <p>
        {problem.code && <code class={layout.code}>{problem.code}</code>} {problem.message}
      </p>
      {problem.issues.length > 0 && (
        <ul>
          {problem.issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DataNotes({ data }: { data: VisualizationData }) {
  return (
    <>
      {data.truncated && (
        <p class={layout.muted}>
          Only the first groups are shown; raise “Rows at most” or add filters to see the rest.
        </p>
      )}
      {data.ignoredFilters.length > 0 && (
        <p class={layout.muted}>Not applied to some metrics: {data.ignoredFilters.join(", ")}.</p>
      )}
    </>
  );
}

/** The engagements of an `engagements` visualization: a page at a time, each opening its engagement. */
function EngagementRows({ list, caption }: { list: EngagementList; caption: string }) {
  if (list.state.value === "loading") return <Loading label="Loading the engagements…" />;
  if (list.state.value === "error") return <LoadError message={list.error.value ?? ""} />;
  const rows = list.rows.value;
  if (rows.length === 0) return <p class={layout.muted}>No engagements match.</p>;
  return (
    <>
      <DataTable caption={caption} bare>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Type</th>
            <th scope="col">Channel</th>
            <th scope="col">Queue</th>
            <th scope="col">Agent</th>
            <th scope="col">Outcome</th>
            <th scope="col" class={layout.num}>
              Handling
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <a class={styles.bold} href={journeyHref("engagements", r.id)}>
                  {r.startTime ? formatDateTime(r.startTime) : "(no start)"}
                </a>
              </td>
              <td>{r.type ?? "–"}</td>
              <td>{r.channel?.name ?? r.channelType ?? "–"}</td>
              <td>{r.queue?.name ?? "–"}</td>
              <td>{r.agent?.name ?? "–"}</td>
              <td>{r.outcome?.name ?? r.outcomeType ?? "–"}</td>
              <td class={layout.num}>{r.handlingTime === null ? "–" : formatSeconds(r.handlingTime)}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {list.nextCursor.value && (
        <div class={styles.more}>
          <Button busy={list.loadingMore.value} onClick={() => list.loadMore()}>
            Load more engagements
          </Button>
        </div>
      )}
    </>
  );
}

function ViewerBody({ model, v }: { model: Viewer; v: Visualization }) {
  const { route } = useLocation();
  const onDrill = useMemo(() => (request: DrillRequest) => route(model.drillHref(request)), [model, route]);
  if (v.spec.type === "engagements") return <EngagementRows list={model.engagements} caption={v.name} />;
  const problem = model.dataError.value;
  const data = model.data.value;
  if (model.dataState.value === "error" && problem) {
    return <Problem problem={problem} title="The data could not be loaded" />;
  }
  if (!data) return <Loading label="Loading the data…" />;
  return (
    <div class={cx(styles.viz, model.dataState.value === "loading" && styles.stale)}>
      <VizView type={v.spec.type} data={data} title={v.name} onDrill={onDrill} />
      <DataNotes data={data} />
    </div>
  );
}

function Toolbar({ model, library, v }: { model: Viewer; library: Library; v: Visualization }) {
  const { route } = useLocation();
  const busy = model.busy.value;
  const editable = canEdit();
  return (
    <>
      <Button
        size="sm"
        busy={busy === "favorite"}
        onClick={async () => {
          const next = await model.toggleFavorite();
          if (next) library.changed(next, true);
        }}
      >
        <span aria-hidden="true" class={styles.starIcon}>
          {v.favorite ? "★" : "☆"}
        </span>
        {v.favorite ? "Remove from favorites" : "Add to favorites"}
      </Button>
      {editable && (
        <Button
          size="sm"
          busy={busy === "copy"}
          onClick={async () => {
            const copy = await model.saveAsNew();
            if (!copy) return;
            library.refreshShared();
            route(`/visualizations/${copy.id}?edit=1`);
          }}
        >
          Save as new
        </Button>
      )}
      {editable && !v.builtIn && (
        <>
          <Button size="sm" onClick={() => route(`/visualizations/${v.id}?edit=1`)}>
            Edit
          </Button>
          <Button
            size="sm"
            variant="danger"
            busy={busy === "delete"}
            onClick={async () => {
              if (!confirm(`Delete the visualization “${v.name}”? This cannot be undone.`)) return;
              if (!(await model.remove())) return;
              library.refreshShared();
              route("/visualizations");
            }}
          >
            Delete
          </Button>
        </>
      )}
    </>
  );
}

function ViewerPanel({ model, library, v }: { model: Viewer; library: Library; v: Visualization }) {
  return (
    <>
      <PageHeader
        eyebrow={v.builtIn ? `${EYEBROW} · Brine` : `${EYEBROW} · Shared`}
        title={v.name}
        description={v.description || undefined}
        actions={<Toolbar model={model} library={library} v={v} />}
      />
      {v.builtIn && (
        <p class={layout.note}>
          <Badge>Built-in</Badge> Brine's visualizations are read-only.
          {canEdit() ? " Use “Save as new” to change a copy of your own." : ""}
        </p>
      )}
      {model.actionError.value && <Alert title="That did not work">{model.actionError.value}</Alert>}
      <Card>
        <div class={styles.viewTop}>
          <SpecSummary spec={v.spec} />
          <div class={styles.dateFilter}>
            <label for="visualization-date">Date</label>
            <select
              id="visualization-date"
              value={model.datePreset.value}
              onChange={(e) => model.setDatePreset(e.currentTarget.value as DatePreset)}
            >
              {DATE_PRESETS.map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ViewerBody model={model} v={v} />
      </Card>
    </>
  );
}

function VisualizationDetail({ id, editing, library }: { id: string; editing: boolean; library: Library }) {
  const model = useModel(() => new VisualizationModel(id));
  const { route } = useLocation();
  const v = model.visualization.value;
  if (model.state.value !== "ready" || !v) {
    return (
      <ItemState
        state={model.state.value}
        eyebrow={EYEBROW}
        noun="Visualization"
        listHref="/visualizations"
        listLabel="All visualizations"
        error={model.error.value}
        onRetry={() => model.load()}
      />
    );
  }
  if (editing && !v.builtIn && canEdit()) {
    return (
      <EditorPanel
        key={`edit-${v.id}`}
        initial={v}
        onSaved={(saved) => {
          model.replace(saved);
          library.changed(saved);
          route(`/visualizations/${saved.id}`, true);
        }}
        onCancel={() => route(`/visualizations/${v.id}`, true)}
      />
    );
  }
  return <ViewerPanel model={model} library={library} v={v} />;
}

// Editing.

function Attributes({ model }: { model: Editor }) {
  return (
    <datalist id={ATTRIBUTES_LIST_ID}>
      {model.catalog.value.suggestions.map((a) => (
        <option key={a} value={a} />
      ))}
    </datalist>
  );
}

function MetricsField({ model }: { model: Editor }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const chosen = model.draft.value.metrics;
  const byId = model.metricById.value;
  const add = () => {
    if (!name.trim()) return;
    const key = name.trim().toLowerCase();
    const metric = model.metrics.value.find((m) => m.name.toLowerCase() === key);
    if (metric && chosen.includes(metric.id)) {
      setError(`“${metric.name}” is shown already.`);
    } else if (model.addMetric(name)) {
      setName("");
      setError(null);
    } else {
      setError(`There is no metric named “${name.trim()}”. Pick one from the suggestions.`);
    }
  };
  return (
    <fieldset class={styles.group}>
      <legend class={styles.legend}>Metrics</legend>
      {chosen.length === 0 ? (
        <p class={layout.muted}>No metrics yet.</p>
      ) : (
        <ol class={styles.metricList}>
          {chosen.map((id, i) => {
            const metricName = byId.get(id)?.name ?? id;
            return (
              <li key={id} class={styles.metricItem}>
                <span class={styles.metricName}>{metricName}</span>
                <span class={styles.rowActions}>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={i === 0}
                    aria-label={`Move ${metricName} up`}
                    onClick={() => model.moveMetric(i, -1)}
                  >
                    ↑
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={i === chosen.length - 1}
                    aria-label={`Move ${metricName} down`}
                    onClick={() => model.moveMetric(i, 1)}
                  >
                    ↓
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove ${metricName}`}
                    onClick={() => model.removeMetric(i)}
                  >
                    Remove
                  </Button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div class={styles.addRow}>
        <Field
          label="Add a metric"
          hint={model.metricsError.value ? `The metrics could not be loaded: ${model.metricsError.value}` : undefined}
          error={error}
        >
          {(control) => (
            <input
              {...control}
              list={METRICS_LIST_ID}
              autocomplete="off"
              placeholder="Metric name"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key !== "Enter") return;
                e.preventDefault();
                add();
              }}
            />
          )}
        </Field>
        <Button onClick={add}>Add metric</Button>
      </div>
      <datalist id={METRICS_LIST_ID}>
        {model.metrics.value
          .filter((m) => !chosen.includes(m.id))
          .map((m) => (
            <option key={m.id} value={m.name} />
          ))}
      </datalist>
    </fieldset>
  );
}

function ByField({ model, which, label }: { model: Editor; which: "viewBy" | "segmentBy"; label: string }) {
  const by: ByDraft = model.draft.value[which];
  const isDate = model.catalog.value.dates.has(attributeKey(by.attribute));
  return (
    <div class={styles.byRow}>
      <Field label={label} hint={which === "viewBy" ? "An attribute; type -> for ⏵." : "Optional; needs a view-by."}>
        {(control) => (
          <input
            {...control}
            list={ATTRIBUTES_LIST_ID}
            autocomplete="off"
            placeholder={which === "viewBy" ? "Date or Engagement ⏵ Queue" : "Engagement ⏵ Channel Type"}
            value={by.attribute}
            onInput={(e) => model.editBy(which, { attribute: e.currentTarget.value })}
          />
        )}
      </Field>
      {isDate && (
        <Field label={`${label} granularity`}>
          {(control) => (
            <select
              {...control}
              value={by.granularity}
              onChange={(e) => model.editBy(which, { granularity: e.currentTarget.value as Granularity })}
            >
              {GRANULARITIES.map(([g, text]) => (
                <option key={g} value={g}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </div>
  );
}

/** A select of the attribute's values in the data, read when first opened; a pick appends it. */
function ValuePicker({ attribute, onPick }: { attribute: string; onPick: (value: string) => void }) {
  const [options, setOptions] = useState<FilterOption[] | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "ready" | "failed">("idle");
  const [failed, setFailed] = useState<string | null>(null);
  const load = () => {
    if (state !== "idle" || !attribute.trim()) return;
    setState("loading");
    filterOptions(attribute.trim()).then(
      (found) => {
        setOptions(found);
        setState("ready");
      },
      (e: unknown) => {
        setFailed(messageOf(e));
        setState("failed");
      },
    );
  };
  const placeholder =
    state === "loading"
      ? "Loading…"
      : state === "failed"
        ? "Values could not be read"
        : state === "ready" && options?.length === 0
          ? "No values in the data"
          : "Pick a value…";
  return (
    <Field label="Pick from the data" hint={failed ?? undefined}>
      {(control) => (
        <select
          {...control}
          value=""
          disabled={!attribute.trim()}
          onFocus={load}
          onMouseDown={load}
          onChange={(e) => {
            if (e.currentTarget.value) onPick(e.currentTarget.value);
          }}
        >
          <option value="">{placeholder}</option>
          {options?.map((o) => (
            <option key={String(o.value)} value={o.label}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function FiltersField({ model }: { model: Editor }) {
  const filters = model.draft.value.filters;
  const dates = model.catalog.value.dates;
  return (
    <fieldset class={styles.group}>
      <legend class={styles.legend}>Filters</legend>
      {filters.length === 0 && <p class={layout.muted}>No filters: all engagements count.</p>}
      {filters.map((f, i) => (
        <fieldset key={i} class={styles.filterRow}>
          <legend class={styles.filterLegend}>Filter {i + 1}</legend>
          <Field label="Attribute">
            {(control) => (
              <input
                {...control}
                list={ATTRIBUTES_LIST_ID}
                autocomplete="off"
                placeholder="Engagement ⏵ Queue"
                value={f.attribute}
                onInput={(e) => {
                  const attribute = e.currentTarget.value;
                  const becomesDate = dates.has(attributeKey(attribute)) && f.op !== "between" && !f.values.trim();
                  model.editFilter(i, becomesDate ? { attribute, op: "between" } : { attribute });
                }}
              />
            )}
          </Field>
          <Field label="Condition">
            {(control) => (
              <select
                {...control}
                value={f.op}
                onChange={(e) => model.editFilter(i, { op: e.currentTarget.value as typeof f.op })}
              >
                <option value="in">is one of</option>
                <option value="notIn">is not one of</option>
                <option value="between">is between (dates)</option>
              </select>
            )}
          </Field>
          {f.op === "between" ? (
            <>
              <Field label="From">
                {(control) => (
                  <input
                    {...control}
                    type="date"
                    class={styles.dateInput}
                    value={f.from}
                    onInput={(e) => model.editFilter(i, { from: e.currentTarget.value })}
                  />
                )}
              </Field>
              <Field label="To (not included)">
                {(control) => (
                  <input
                    {...control}
                    type="date"
                    class={styles.dateInput}
                    value={f.to}
                    onInput={(e) => model.editFilter(i, { to: e.currentTarget.value })}
                  />
                )}
              </Field>
            </>
          ) : (
            <>
              <Field label="Values" hint="Separate values with commas.">
                {(control) => (
                  <input
                    {...control}
                    autocomplete="off"
                    value={f.values}
                    onInput={(e) => model.editFilter(i, { values: e.currentTarget.value })}
                  />
                )}
              </Field>
              <ValuePicker
                key={attributeKey(f.attribute)}
                attribute={f.attribute}
                onPick={(value) => model.addFilterValue(i, value)}
              />
            </>
          )}
          <div class={styles.filterRemove}>
            <Button size="sm" variant="ghost" onClick={() => model.removeFilter(i)}>
              Remove filter {i + 1}
            </Button>
          </div>
        </fieldset>
      ))}
      <div>
        <Button size="sm" onClick={() => model.addFilter()}>
          Add filter
        </Button>
      </div>
    </fieldset>
  );
}

function SortFields({ model }: { model: Editor }) {
  const draft = model.draft.value;
  const byId = model.metricById.value;
  return (
    <div class={styles.sortRow}>
      <Field label="Sort rows by">
        {(control) => (
          <select
            {...control}
            value={draft.sort}
            onChange={(e) => model.edit({ sort: e.currentTarget.value as VisualizationDraft["sort"] })}
          >
            <option value="">Default (view-by value)</option>
            <option value="viewBy">View-by value</option>
            {draft.metrics.map((id, i) => (
              <option key={id} value={`metric:${i}`}>
                {byId.get(id)?.name ?? id}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Direction">
        {(control) => (
          <select
            {...control}
            value={draft.direction}
            disabled={draft.sort === ""}
            onChange={(e) => model.edit({ direction: e.currentTarget.value as "asc" | "desc" })}
          >
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        )}
      </Field>
      <Field label="Rows at most" hint="1 to 1,000.">
        {(control) => (
          <input
            {...control}
            type="number"
            class={styles.numberInput}
            min={1}
            max={1000}
            value={draft.limit}
            onInput={(e) => model.edit({ limit: e.currentTarget.value })}
          />
        )}
      </Field>
    </div>
  );
}

function PreviewCard({ model }: { model: Editor }) {
  const { route } = useLocation();
  const onDrill = useMemo(() => (request: DrillRequest) => route(model.drillHref(request)), [model, route]);
  const preview = model.preview.value;
  const title = model.draft.value.name.trim() || "New visualization";
  return (
    <Card
      title="Preview"
      description="Follows your changes on the account's data; nothing is saved until you press Save."
    >
      <div aria-busy={preview.kind === "loading" || undefined}>
        {preview.kind === "loading" && <Loading label="Loading the preview…" />}
        {preview.kind === "idle" && <p class={layout.muted}>{preview.note}</p>}
        {preview.kind === "error" && <Problem problem={preview.problem} title="The preview cannot be shown" />}
        {preview.kind === "data" && (
          <div class={styles.viz}>
            <VizView type={preview.spec.type} data={preview.data} title={title} onDrill={onDrill} />
            <DataNotes data={preview.data} />
          </div>
        )}
        {preview.kind === "engagements" && <EngagementRows list={model.engagements} caption={title} />}
      </div>
    </Card>
  );
}

function EditorPanel({
  initial,
  onSaved,
  onCancel,
}: {
  initial: Visualization | null;
  onSaved: (saved: Visualization) => void;
  onCancel: () => void;
}) {
  const model = useModel(() => new VisualizationEditorModel(initial));
  const draft = model.draft.value;
  const saveError = model.saveError.value;
  const grouped = hasGroups(draft.type);
  return (
    <>
      <PageHeader
        eyebrow={EYEBROW}
        title={initial ? `Edit ${initial.name}` : "New visualization"}
        description="Choose what to show; the preview follows as you type. Bold values in the preview open the engagements behind them."
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
          <Attributes model={model} />
          <Field label="Name" error={model.nameError.value}>
            {(control) => (
              <input
                {...control}
                maxLength={120}
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
          <Field
            label="Type"
            hint={
              draft.type === "headline"
                ? "One metric, no view-by."
                : draft.type === "engagements"
                  ? "Lists the engagements that match the filters."
                  : undefined
            }
          >
            {(control) => (
              <select
                {...control}
                value={draft.type}
                onChange={(e) => model.edit({ type: e.currentTarget.value as VisualizationDraft["type"] })}
              >
                {TYPE_OPTIONS.map((t) => (
                  <option key={t} value={t}>
                    {TYPE_LABELS[t]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {draft.type !== "engagements" && <MetricsField model={model} />}
          {grouped && (
            <fieldset class={styles.group}>
              <legend class={styles.legend}>Grouping</legend>
              <ByField model={model} which="viewBy" label="View by" />
              <ByField model={model} which="segmentBy" label="Segment by" />
              <SortFields model={model} />
            </fieldset>
          )}
          <FiltersField model={model} />
          {saveError && <Problem problem={saveError} title="The visualization was not saved" />}
          <div class={layout.actions}>
            <Button type="submit" variant="primary" busy={model.saving.value}>
              Save
            </Button>
            <Button onClick={onCancel}>Cancel</Button>
          </div>
        </form>
        <div class={layout.previewColumn}>
          <PreviewCard model={model} />
        </div>
      </div>
    </>
  );
}

function Overview() {
  return (
    <>
      <PageHeader
        title="Visualizations"
        description="Charts and tables over metrics: Brine's built-in ones and those of your account. Each has its own address to share."
      />
      <Empty title="Choose a visualization">
        Pick one on the left to see it{canEdit() ? ", or create a new one" : ""}. Bold values open the engagements
        behind them.
      </Empty>
    </>
  );
}

/**
 * `/visualizations`, `/visualizations/new` and `/visualizations/:id` (`?edit=1` to edit a custom
 * one): the library on the left, the chosen visualization or the editor on the right.
 */
export function VisualizationsPage() {
  const { params } = useRoute();
  const { query, route } = useLocation();
  const library = useModel(VisualizationLibraryModel);
  const id = params.id;
  let main = <Overview />;
  if (id === "new") {
    main = canEdit() ? (
      <EditorPanel
        key="new"
        initial={null}
        onSaved={(saved) => {
          library.refreshShared();
          route(`/visualizations/${saved.id}`, true);
        }}
        onCancel={() => route("/visualizations")}
      />
    ) : (
      <>
        <PageHeader eyebrow={EYEBROW} title="New visualization" />
        <Empty title="You cannot create visualizations">
          Your role does not include this. Ask an admin of your account if you need it.
        </Empty>
      </>
    );
  } else if (id) {
    main = <VisualizationDetail key={id} id={id} editing={query.edit !== undefined} library={library} />;
  }
  return (
    <div class={layout.layout}>
      <LibraryNav library={library} selected={id} />
      <div class={layout.main}>{main}</div>
    </div>
  );
}
