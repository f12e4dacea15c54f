import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import { API_BASE, api, isAbort, messageOf } from "../../api";
import { abortedOnDispose, type LoadState } from "../../lib/paged-list";

/** The parts of an OpenAPI 3.1 document this page reads. */
interface OpenApiOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  deprecated?: boolean;
}

interface OpenApiDocument {
  info?: { title?: string; version?: string; description?: string };
  servers?: { url: string }[];
  paths?: Record<string, Record<string, unknown>>;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type HttpMethod = (typeof METHODS)[number];

/** One endpoint as listed: method, full path, summary and how it is authenticated. */
export interface Endpoint {
  method: HttpMethod;
  path: string;
  summary: string;
  /** Security scheme names ("session", "apiKey"); empty for public endpoints. */
  auth: string[];
  deprecated: boolean;
}

export interface EndpointGroup {
  tag: string;
  endpoints: Endpoint[];
}

/** Groups a document's operations by their first tag, in the document's order. */
export function groupEndpoints(doc: OpenApiDocument): EndpointGroup[] {
  const base = doc.servers?.[0]?.url ?? "";
  const groups = new Map<string, Endpoint[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as OpenApiOperation | undefined;
      if (!op) continue;
      const tag = op.tags?.[0] ?? "Other";
      const auth = [...new Set((op.security ?? []).flatMap((requirement) => Object.keys(requirement)))];
      const list = groups.get(tag) ?? [];
      list.push({
        method,
        path: `${base}${path}`,
        summary: op.summary ?? op.description ?? "",
        auth,
        deprecated: op.deprecated === true,
      });
      groups.set(tag, list);
    }
  }
  return [...groups].map(([tag, endpoints]) => ({ tag, endpoints }));
}

/** The OpenAPI document's link and the endpoints it lists. */
export const OPENAPI_URL = `${API_BASE}/openapi.json`;

/** The API docs page: Brine's OpenAPI document, fetched and grouped by tag. */
export const ApiDocsModel = createModel(() => {
  const aborted = abortedOnDispose();
  const doc = signal<OpenApiDocument | null>(null);
  const state = signal<LoadState>("loading");
  const error = signal<string | null>(null);

  const load = async () => {
    state.value = "loading";
    error.value = null;
    try {
      doc.value = await api.get<OpenApiDocument>("/openapi.json", { signal: aborted });
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      error.value = messageOf(e);
      state.value = "error";
    }
  };
  void load();

  return {
    state: state as ReadonlySignal<LoadState>,
    error: error as ReadonlySignal<string | null>,
    title: computed(() => doc.value?.info?.title ?? "Brine API"),
    version: computed(() => doc.value?.info?.version ?? null),
    description: computed(() => doc.value?.info?.description ?? null),
    groups: computed(() => (doc.value ? groupEndpoints(doc.value) : [])),
    reload: load,
  };
});
