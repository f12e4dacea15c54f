import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { ModelCatalog } from "../../../../schemas/model";
import { api, isAbort, messageOf } from "../../api";
import { abortedOnDispose, type LoadState } from "../../lib/paged-list";

export type Dataset = ModelCatalog["datasets"][number];
export type DatasetField = Dataset["fields"][number];
export type Entity = ModelCatalog["entities"][number];

/** Whether a field's label, key, column, description or allowed values contain `query`. */
export function fieldMatches(field: DatasetField, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [field.label, field.key, field.column, field.description, field.kind, ...(field.values ?? [])].some((text) =>
    text.toLowerCase().includes(q),
  );
}

/** Whether a data set's own name, label or description contain `query`. */
export function datasetMatches(dataset: Dataset, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [dataset.name, dataset.label, dataset.description].some((text) => text.toLowerCase().includes(q));
}

/** The logical model catalog (public and the same for every account) and the page's text filter. */
export const CatalogModel = createModel(() => {
  const aborted = abortedOnDispose();
  const catalog = signal<ModelCatalog | null>(null);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);
  const filter = signal("");

  const load = async () => {
    state.value = "loading";
    error.value = null;
    try {
      catalog.value = await api.get<ModelCatalog>("/model", { signal: aborted });
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = "error";
    }
  };
  void load();

  return {
    catalog: catalog as ReadonlySignal<ModelCatalog | null>,
    state: state as ReadonlySignal<LoadState>,
    error: error as ReadonlySignal<string | null>,
    filter: filter as ReadonlySignal<string>,
    reload: load,
    setFilter(value: string) {
      filter.value = value;
    },
  };
});
