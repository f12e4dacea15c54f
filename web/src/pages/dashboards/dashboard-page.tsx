import { useModel } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { Page } from "../../../../schemas/common";
import type {
  Dashboard,
  DashboardFilter,
  DrillTarget,
  FilterValue,
  FilterValues,
} from "../../../../schemas/dashboards";
import type { EngagementRow } from "../../../../schemas/engagements";
import type { Visualization } from "../../../../schemas/visualizations";
import { api, isAbort, messageOf } from "../../api";
import { Alert } from "../../components/alert/alert";
import { Button, buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { LoadError, Loading } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { VizView } from "../../components/viz-view/viz-view";
import {
  DATE_PRESETS,
  decodeParam,
  describeValue,
  engagementsHref,
  type FilterOption,
  filterOptions,
} from "../../lib/analytics";
import { allPages } from "../../lib/paged-list";
import { session } from "../../session";
import { EngagementTable } from "../engagements/engagements-page";
import { DashboardModel, type Tile } from "./dashboard-model";
import styles from "./dashboards.module.css";

type Model = InstanceType<typeof DashboardModel>;

function DateFilter({
  filter,
  value,
  onChange,
}: {
  filter: DashboardFilter;
  value: FilterValue | undefined;
  onChange: (v: FilterValue | null) => void;
}) {
  const between = value?.op === "between" ? value : undefined;
  const preset = between?.relative ?? (between ? "custom" : "all");
  return (
    <div class={styles.filter}>
      <label class={styles.filterLabel} for={`filter-${filter.key}`}>
        {filter.label}
      </label>
      <select
        id={`filter-${filter.key}`}
        value={preset}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (v === "all") onChange(null);
          else if (v === "custom")
            onChange({
              op: "between",
              from: new Date(Date.now() - 7 * 864e5).toISOString().slice(0, 10),
              to: new Date().toISOString().slice(0, 10),
            });
          else
            onChange({
              op: "between",
              relative: v as NonNullable<Extract<FilterValue, { op: "between" }>["relative"]>,
            });
        }}
      >
        {DATE_PRESETS.map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
        <option value="custom">Custom range</option>
      </select>
      {preset === "custom" && between && (
        <span class={styles.range}>
          <input
            type="date"
            aria-label={`${filter.label} from`}
            value={between.from ?? ""}
            onChange={(e) => onChange({ op: "between", from: e.currentTarget.value || undefined, to: between.to })}
          />
          <input
            type="date"
            aria-label={`${filter.label} to (exclusive)`}
            value={between.to ?? ""}
            onChange={(e) => onChange({ op: "between", from: between.from, to: e.currentTarget.value || undefined })}
          />
        </span>
      )}
    </div>
  );
}

function ValueFilter({
  filter,
  value,
  onChange,
}: {
  filter: DashboardFilter;
  value: FilterValue | undefined;
  onChange: (v: FilterValue | null) => void;
}) {
  const [options, setOptions] = useState<FilterOption[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const chosen = value && value.op !== "between" ? value.values : [];
  // Options load when the list opens, or at once when a value is set (to show its name, not its id).
  const needed = open || chosen.length > 0;
  useEffect(() => {
    if (!needed || options) return;
    filterOptions(filter.attribute).then(setOptions, (e) => setFailed(messageOf(e)));
  }, [needed, options, filter.attribute]);
  const labels = new Map((options ?? []).map((o) => [o.value, o.label]));
  const toggle = (v: string | number, on: boolean) => {
    const next = on ? [...chosen, v] : chosen.filter((x) => x !== v);
    onChange(next.length ? { op: "in", values: next } : null);
  };
  return (
    <details class={styles.filter} open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary class={styles.filterSummary}>
        <span class={styles.filterLabel}>{filter.label}</span>
        <span class={styles.filterValue}>{describeValue(value, labels)}</span>
      </summary>
      <fieldset class={styles.popover}>
        <legend class="visually-hidden">{filter.label}</legend>
        {failed && <p role="alert">{failed}</p>}
        {!options && !failed && <p>Loading…</p>}
        {options?.length === 0 && <p>No values in the data.</p>}
        {options?.map((o) => (
          <label key={String(o.value)} class={styles.option}>
            <input
              type="checkbox"
              checked={chosen.includes(o.value)}
              onChange={(e) => toggle(o.value, e.currentTarget.checked)}
            />
            {o.label}
          </label>
        ))}
        {chosen.length > 0 && (
          <Button size="sm" variant="ghost" onClick={() => onChange(null)}>
            Clear
          </Button>
        )}
      </fieldset>
    </details>
  );
}

function FilterBar({ model }: { model: Model }) {
  const d = model.dashboard.value;
  if (!d) return null;
  const values = model.values.value;
  return (
    <section class={styles.filterBar} aria-label="Filters">
      {d.filters
        .filter((f) => !f.hidden)
        .map((f) =>
          f.locked ? (
            <div key={f.key} class={styles.filter}>
              <span class={styles.filterLabel}>{f.label}</span>
              <span class={styles.locked} title="Locked on this dashboard">
                <svg class={styles.lockIcon} viewBox="0 0 16 16" aria-hidden="true">
                  <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2M3.5 7h9v7h-9z" />
                </svg>
                <span class="visually-hidden">Locked: </span>
                {describeValue(f.default)}
              </span>
            </div>
          ) : f.attribute === "Date" ? (
            <DateFilter key={f.key} filter={f} value={values[f.key]} onChange={(v) => model.setFilter(f.key, v)} />
          ) : (
            <ValueFilter key={f.key} filter={f} value={values[f.key]} onChange={(v) => model.setFilter(f.key, v)} />
          ),
        )}
      <Button size="sm" variant="ghost" onClick={() => model.reset()}>
        Reset filters
      </Button>
    </section>
  );
}

function ViewsMenu({ model }: { model: Model }) {
  const [name, setName] = useState("");
  const [isDefault, setIsDefault] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <details class={styles.views}>
      <summary class={buttonClass("secondary", "sm")}>My views</summary>
      <div class={styles.viewsPanel}>
        {model.views.value.length === 0 && <p class={styles.muted}>No saved views yet.</p>}
        <ul class={styles.viewList}>
          {model.views.value.map((v) => (
            <li key={v.id} class={styles.viewItem}>
              <button type="button" class={styles.viewName} onClick={() => model.applyView(v)}>
                {v.name}
                {v.isDefault && <span class={styles.muted}> (default)</span>}
              </button>
              {!v.isDefault && (
                <Button size="sm" variant="ghost" onClick={() => void model.setDefaultView(v)}>
                  Set as default
                </Button>
              )}
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Delete view ${v.name}`}
                onClick={() => void model.deleteView(v)}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
        <form
          class={styles.viewForm}
          onSubmit={async (e) => {
            e.preventDefault();
            if (!name.trim()) return;
            setBusy(true);
            if (await model.saveView(name.trim(), isDefault)) {
              setName("");
              setIsDefault(false);
            }
            setBusy(false);
          }}
        >
          <h3 class={styles.formTitle}>Create view</h3>
          <label>
            View name
            <input value={name} required maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label class={styles.option}>
            <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.currentTarget.checked)} />
            Save as default
          </label>
          {model.viewError.value && (
            <p role="alert" class={styles.error}>
              {model.viewError.value}
            </p>
          )}
          <Button type="submit" variant="primary" size="sm" busy={busy}>
            Save view
          </Button>
        </form>
      </div>
    </details>
  );
}

/** Rows on a dashboard tile: an engagement list's newest engagements, and a link to all of them. */
const TILE_ROWS = 10;

function EngagementTile({
  dashboardId,
  values,
  visualization,
}: {
  dashboardId: string;
  values: FilterValues;
  visualization: Visualization;
}) {
  const [rows, setRows] = useState<EngagementRow[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const valuesKey = JSON.stringify(values);
  // The values are compared by content (valuesKey): a new object with the same filters reloads nothing.
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api
      .post<Page<EngagementRow>>(
        "/engagements/query",
        { dashboardId, values, visualizationId: visualization.id, limit: TILE_ROWS },
        { signal: controller.signal },
      )
      .then(
        (page) => {
          setRows(page.items);
          setMore(page.nextCursor !== null);
        },
        (e) => {
          if (!isAbort(e)) setError(messageOf(e));
        },
      );
    return () => controller.abort();
  }, [dashboardId, visualization.id, valuesKey]);
  const href = engagementsHref({ dashboardId, values, visualizationId: visualization.id }, visualization.name);
  if (error) {
    return (
      <p role="alert" class={styles.error}>
        {error}
      </p>
    );
  }
  if (!rows) return <Loading rows={3} />;
  return (
    <div>
      {rows.length === 0 ? (
        <p class={styles.muted}>No engagements match the filters.</p>
      ) : (
        <EngagementTable rows={rows} caption={`${visualization.name}: the newest ${rows.length}`} />
      )}
      {more && (
        <a class={buttonClass("secondary", "sm")} href={href}>
          All the engagements
        </a>
      )}
    </div>
  );
}

function TileCard({ model, tile }: { model: Model; tile: Tile }) {
  const { route } = useLocation();
  const viz = tile.visualization;
  const title = viz?.name ?? tile.item.visualizationId;
  const span = { "--span": tile.item.width };
  const d = model.dashboard.value;
  return (
    <section style={span} class={styles.tile} aria-label={title}>
      <Card title={title} level={3} class={styles.tileCard}>
        {tile.error && (
          <p role="alert" class={styles.error}>
            {tile.error}
          </p>
        )}
        {viz?.spec.type === "engagements" ? (
          d && <EngagementTile dashboardId={d.id} values={model.values.value} visualization={viz} />
        ) : tile.state === "loading" && !tile.data ? (
          <Loading rows={2} />
        ) : tile.data && viz ? (
          <div class={tile.state === "loading" ? styles.stale : undefined} aria-busy={tile.state === "loading"}>
            <VizView
              type={viz.spec.type}
              data={tile.data}
              title={title}
              onDrill={(r) => route(model.drillHref(tile, r))}
            />
            {tile.data.ignoredFilters.length > 0 && (
              <p class={styles.muted}>
                Not filtered by: {tile.data.ignoredFilters.join(", ")} (no relation to these metrics).
              </p>
            )}
            {tile.data.truncated && <p class={styles.muted}>Showing the first {viz.spec.limit} groups.</p>}
          </div>
        ) : null}
      </Card>
    </section>
  );
}

/** Editing a custom dashboard: rename, add and remove tiles, widths, drill targets, hidden and locked filters. */
function Editor({ model, onDone }: { model: Model; onDone: () => void }) {
  const d = model.dashboard.value as Dashboard;
  const [name, setName] = useState(d.name);
  const [items, setItems] = useState(d.items);
  const [filters, setFilters] = useState(d.filters);
  const [catalog, setCatalog] = useState<Visualization[]>([]);
  const [dashboards, setDashboards] = useState<Dashboard[]>([]);
  const [adding, setAdding] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void allPages<Visualization>("/visualizations").then(setCatalog);
    void allPages<Dashboard>("/dashboards").then(setDashboards);
  }, []);
  const names = new Map(catalog.map((v) => [v.id, v.name]));
  const values = model.values.value;
  return (
    <Card title="Edit dashboard" description="Changes apply for everyone in the account once saved.">
      <form
        class={styles.editor}
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await model.save({ name, items, filters });
            onDone();
          } catch (err) {
            setError(messageOf(err));
          }
          setBusy(false);
        }}
      >
        <label>
          Name
          <input value={name} required maxLength={120} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <h3 class={styles.formTitle}>Visualizations</h3>
        <ul class={styles.editList}>
          {items.map((item, i) => (
            <li key={`${item.visualizationId}-${i}`} class={styles.editRow}>
              <span>{names.get(item.visualizationId) ?? item.visualizationId}</span>
              <label>
                Width
                <select
                  value={item.width}
                  onChange={(e) =>
                    setItems(items.map((x, j) => (j === i ? { ...x, width: Number(e.currentTarget.value) } : x)))
                  }
                >
                  {[2, 3, 4, 6, 8, 12].map((w) => (
                    <option key={w} value={w}>
                      {w}/12
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Drill to
                <select
                  value={item.drill.kind === "dashboard" ? item.drill.dashboardId : ""}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    const drill: DrillTarget = v ? { kind: "dashboard", dashboardId: v } : { kind: "engagements" };
                    setItems(items.map((x, j) => (j === i ? { ...x, drill } : x)));
                  }}
                >
                  <option value="">Engagements</option>
                  {dashboards.map((t) => (
                    <option key={t.id} value={t.id}>
                      Dashboard: {t.name}
                    </option>
                  ))}
                </select>
              </label>
              <Button size="sm" variant="ghost" onClick={() => setItems(items.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <div class={styles.editRow}>
          <label>
            Add visualization
            <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {catalog.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                  {v.builtIn ? "" : " (shared)"}
                </option>
              ))}
            </select>
          </label>
          <Button
            size="sm"
            disabled={!adding}
            onClick={() => {
              setItems([...items, { visualizationId: adding, width: 6, drill: { kind: "engagements" } }]);
              setAdding("");
            }}
          >
            Add
          </Button>
        </div>
        <h3 class={styles.formTitle}>Filters</h3>
        <ul class={styles.editList}>
          {filters.map((f, i) => (
            <li key={f.key} class={styles.editRow}>
              <span>
                {f.label} <span class={styles.muted}>({f.attribute})</span>: {describeValue(f.default)}
              </span>
              <Button
                size="sm"
                variant="ghost"
                onClick={() =>
                  setFilters(filters.map((x, j) => (j === i ? { ...x, default: values[x.key] ?? null } : x)))
                }
              >
                Use current value as default
              </Button>
              <label class={styles.option}>
                <input
                  type="checkbox"
                  checked={f.hidden}
                  onChange={(e) =>
                    setFilters(filters.map((x, j) => (j === i ? { ...x, hidden: e.currentTarget.checked } : x)))
                  }
                />
                Hidden
              </label>
              <label class={styles.option}>
                <input
                  type="checkbox"
                  checked={f.locked}
                  onChange={(e) =>
                    setFilters(filters.map((x, j) => (j === i ? { ...x, locked: e.currentTarget.checked } : x)))
                  }
                />
                Locked
              </label>
            </li>
          ))}
        </ul>
        {error && <Alert title="The dashboard was not saved">{error}</Alert>}
        <div class={styles.editRow}>
          <Button type="submit" variant="primary" busy={busy}>
            Save dashboard
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      </form>
    </Card>
  );
}

function DashboardBody({ id, initial }: { id: string; initial: FilterValues | undefined }) {
  const model = useModel(() => new DashboardModel(id, initial));
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const [copyError, setCopyError] = useState<string | null>(null);
  const d = model.dashboard.value;
  if (model.state.value === "error")
    return (
      <LoadError
        message={model.error.value ?? "The dashboard could not be loaded."}
        onRetry={() => void model.load()}
      />
    );
  if (!d) return <Loading />;
  const copy = async () => {
    setCopyError(null);
    try {
      const created = await api.post<Dashboard>("/dashboards", { name: `${d.name} (copy)`, copyOf: d.id });
      route(`/dashboards/${created.id}`);
    } catch (e) {
      setCopyError(messageOf(e));
    }
  };
  const remove = async () => {
    if (!confirm(`Delete the dashboard “${d.name}” and everyone's views of it?`)) return;
    await api.delete(`/dashboards/${d.id}`);
    route("/dashboards");
  };
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow={d.builtIn ? "Dashboards · Built-in" : "Dashboards"}
        title={d.name}
        description={d.description}
        actions={
          <>
            <ViewsMenu model={model} />
            {session.can("dashboards.edit") && (
              <Button size="sm" onClick={() => void copy()}>
                Copy dashboard
              </Button>
            )}
            {!d.builtIn && session.can("dashboards.edit") && (
              <>
                <Button size="sm" onClick={() => setEditing(!editing)}>
                  Edit
                </Button>
                <Button size="sm" variant="danger" onClick={() => void remove()}>
                  Delete
                </Button>
              </>
            )}
          </>
        }
      />
      {copyError && <Alert title="The dashboard was not copied">{copyError}</Alert>}
      <Notice message={model.notice.value} />
      {editing && <Editor model={model} onDone={() => setEditing(false)} />}
      <FilterBar model={model} />
      <div class={styles.grid}>
        {model.tiles.value.map((tile) => (
          <TileCard key={tile.index} model={model} tile={tile} />
        ))}
      </div>
    </div>
  );
}

/** `/dashboards/:id`: the dashboard with its filters, views and drill-down; `?f=` carries filter values. */
export function DashboardPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = params.id ?? "overview";
  const initial = decodeParam<FilterValues>(query.f);
  // A new dashboard (or a drill into another one) builds a new model.
  return <DashboardBody key={`${id}:${query.f ?? ""}`} id={id} initial={initial} />;
}
