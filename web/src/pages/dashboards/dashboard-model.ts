import { computed, createModel, signal } from "@preact/signals";
import type {
  Dashboard,
  DashboardItem,
  DashboardView,
  FilterValue,
  FilterValues,
} from "../../../../schemas/dashboards";
import type { Visualization, VisualizationData } from "../../../../schemas/visualizations";
import { api, isAbort, messageOf } from "../../api";
import type { DrillRequest } from "../../components/viz-view/viz-view";
import { dashboardHref, engagementsHref } from "../../lib/analytics";
import { abortedOnDispose } from "../../lib/paged-list";

/** One tile: its visualization and what it shows now. */
export interface Tile {
  item: DashboardItem;
  index: number;
  visualization: Visualization | null;
  state: "loading" | "ready" | "error";
  data: VisualizationData | null;
  error: string | null;
}

/** The values a dashboard opens with: its filters' defaults (hidden and locked ones are the server's to apply). */
export function defaultValues(dashboard: Dashboard): FilterValues {
  const out: FilterValues = {};
  for (const f of dashboard.filters) if (!f.hidden && !f.locked && f.default) out[f.key] = f.default;
  return out;
}

/** A dashboard page: the dashboard, the user's views, the filter values and one tile per item. */
export const DashboardModel = createModel((id: string, initial: FilterValues | undefined) => {
  const aborted = abortedOnDispose();
  const dashboard = signal<Dashboard | null>(null);
  const state = signal<"loading" | "ready" | "error">("loading");
  const error = signal<string | null>(null);
  const values = signal<FilterValues>({});
  const views = signal<DashboardView[]>([]);
  const tiles = signal<Tile[]>([]);
  const notice = signal<string | null>(null);
  const viewError = signal<string | null>(null);
  let generation = 0;

  const setTile = (index: number, patch: Partial<Tile>) => {
    tiles.value = tiles.value.map((t) => (t.index === index ? { ...t, ...patch } : t));
  };

  /** Reloads every tile for the current values; answers to older values are dropped. */
  const refresh = () => {
    const d = dashboard.peek();
    if (!d) return;
    const mine = ++generation;
    const current = values.peek();
    for (const tile of tiles.peek()) {
      const viz = tile.visualization;
      if (!viz || viz.spec.type === "engagements") {
        setTile(tile.index, { state: "ready" });
        continue;
      }
      setTile(tile.index, { state: "loading", error: null });
      api
        .post<VisualizationData>(
          "/visualizations/data",
          { visualizationId: viz.id, dashboardId: d.id, values: current },
          { signal: aborted },
        )
        .then((data) => {
          if (mine === generation) setTile(tile.index, { state: "ready", data });
        })
        .catch((e: unknown) => {
          if (!isAbort(e) && mine === generation) setTile(tile.index, { state: "error", error: messageOf(e) });
        });
    }
  };

  const setValues = (next: FilterValues) => {
    values.value = next;
    const d = dashboard.peek();
    if (d) history.replaceState(history.state, "", dashboardHref(d.id, next));
    refresh();
  };

  const load = async () => {
    state.value = "loading";
    try {
      const [d, v] = await Promise.all([
        api.get<Dashboard>(`/dashboards/${id}`, { signal: aborted }),
        api.get<{ items: DashboardView[] }>(`/dashboards/${id}/views`, { signal: aborted }),
      ]);
      const ids = [...new Set(d.items.map((i) => i.visualizationId))];
      const vizs = await Promise.all(
        ids.map((vid) => api.get<Visualization>(`/visualizations/${vid}`, { signal: aborted }).catch(() => null)),
      );
      const byId = new Map(vizs.filter((x): x is Visualization => x !== null).map((x) => [x.id, x]));
      dashboard.value = d;
      views.value = v.items;
      tiles.value = d.items.map((item, index) => ({
        item,
        index,
        visualization: byId.get(item.visualizationId) ?? null,
        state: "loading",
        data: null,
        error: byId.has(item.visualizationId) ? null : "This visualization no longer exists.",
      }));
      const start = initial ?? v.items.find((view) => view.isDefault)?.filters ?? defaultValues(d);
      values.value = start;
      state.value = "ready";
      refresh();
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = "error";
    }
  };
  void load();

  const setFilter = (key: string, value: FilterValue | null) => {
    const next = { ...values.peek() };
    if (value) next[key] = value;
    else delete next[key];
    setValues(next);
  };

  const reset = () => {
    const d = dashboard.peek();
    if (d) setValues(defaultValues(d));
  };

  const reloadViews = async () => {
    const v = await api.get<{ items: DashboardView[] }>(`/dashboards/${id}/views`, { signal: aborted });
    views.value = v.items;
  };

  const saveView = async (name: string, isDefault: boolean) => {
    viewError.value = null;
    try {
      await api.post(`/dashboards/${id}/views`, { name, filters: values.peek(), isDefault });
      await reloadViews();
      notice.value = `Saved the view “${name}”.`;
      return true;
    } catch (e) {
      viewError.value = messageOf(e);
      return false;
    }
  };

  const applyView = (view: DashboardView) => setValues(view.filters);

  const setDefaultView = async (view: DashboardView) => {
    viewError.value = null;
    try {
      await api.patch(`/dashboards/${id}/views/${view.id}`, { isDefault: true });
      await reloadViews();
    } catch (e) {
      viewError.value = messageOf(e);
    }
  };

  const deleteView = async (view: DashboardView) => {
    viewError.value = null;
    try {
      await api.delete(`/dashboards/${id}/views/${view.id}`);
      await reloadViews();
    } catch (e) {
      viewError.value = messageOf(e);
    }
  };

  /** Where a click on a tile's bold value goes: the drill target dashboard, or the engagements behind it. */
  const drillHref = (tile: Tile, request: DrillRequest): string => {
    const d = dashboard.peek();
    const viz = tile.visualization;
    const current = values.peek();
    const metric =
      request.metric !== undefined ? tile.data?.columns.filter((c) => c.kind === "metric")[request.metric] : undefined;
    if (tile.item.drill.kind === "dashboard" && request.metric === undefined && request.groups.length > 0) {
      const targetId = tile.item.drill.dashboardId;
      // The target gets the current values plus the clicked value on its filter of the same attribute.
      const next: FilterValues = { ...current };
      const group = request.groups[0];
      const targetKey = d?.filters.find((f) => f.attribute === group?.attribute)?.key;
      if (group && targetKey) next[targetKey] = { op: "in", values: [group.value] };
      return dashboardHref(targetId, next);
    }
    const title = [metric?.label ?? viz?.name, ...request.groups.map((g) => g.label)].filter(Boolean).join(" · ");
    return engagementsHref(
      {
        dashboardId: d?.id,
        values: current,
        visualizationId: viz?.id,
        groups: request.groups.map((g) => {
          const by = g.attribute === viz?.spec.viewBy?.attribute ? viz.spec.viewBy : viz?.spec.segmentBy;
          return { attribute: g.attribute, value: g.value, granularity: by?.granularity };
        }),
        metricId: metric?.metricId,
      },
      title,
    );
  };

  const canEdit = computed(() => dashboard.value !== null && !dashboard.value.builtIn);

  const save = async (patch: Partial<Pick<Dashboard, "name" | "filters" | "items">>) => {
    const d = dashboard.peek();
    if (!d) return null;
    const updated = await api.patch<Dashboard>(`/dashboards/${d.id}`, patch);
    dashboard.value = updated;
    await load();
    return updated;
  };

  return {
    dashboard,
    state,
    error,
    values,
    views,
    tiles,
    notice,
    viewError,
    canEdit,
    load,
    setFilter,
    reset,
    saveView,
    applyView,
    setDefaultView,
    deleteView,
    drillHref,
    save,
  };
});
