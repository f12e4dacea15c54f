import { z } from "@hono/zod-openapi";
import { ContextFilter, MetricFormat, MetricIdParam } from "./analytics";
import { IsoTime, PageQuery } from "./common";
import { FilterValues } from "./dashboards";

// Visualizations: charts and tables over metrics, built-in or the account's own, and the data
// they show (seed 000, "Visualizations").

export const VISUALIZATION_TYPES = [
  "table",
  "column",
  "bar",
  "line",
  "area",
  "donut",
  "headline",
  "engagements",
] as const;
export const VisualizationType = z.enum(VISUALIZATION_TYPES).openapi("VisualizationType", {
  description: "`headline` shows one number; `engagements` lists the engagements behind its filters (no metrics).",
});
export type VisualizationType = z.infer<typeof VisualizationType>;

/** Metrics a visualization may show at once. */
export const VISUALIZATION_METRICS = 10;
/** Groups a visualization returns at most; the rest is cut (`truncated`). */
export const VISUALIZATION_ROWS = 1000;

const SlugOrId = MetricIdParam.shape.id;

export const ViewBy = z
  .object({
    attribute: z.string().min(1).max(200).openapi({ example: "Engagement ⏵ Queue" }),
    granularity: z.enum(["hour", "day", "week", "month"]).optional(),
  })
  .openapi("ViewBy", { description: "An attribute to group by; dates group by `granularity` (default `day`, UTC)." });

export const VisualizationSpec = z
  .object({
    type: VisualizationType,
    metrics: z.array(SlugOrId).max(VISUALIZATION_METRICS).default([]).openapi({
      description: "Metric ids (built-in slugs or custom metric ids), in column order.",
    }),
    viewBy: ViewBy.nullable().default(null),
    segmentBy: ViewBy.nullable().default(null).openapi({ description: "A second grouping: the series of a chart." }),
    filters: z.array(ContextFilter).max(20).default([]),
    sort: z
      .object({
        by: z.enum(["viewBy", "metric"]),
        metric: z
          .number()
          .int()
          .min(0)
          .max(VISUALIZATION_METRICS - 1)
          .default(0),
        direction: z.enum(["asc", "desc"]).default("asc"),
      })
      .nullable()
      .default(null)
      .openapi({ description: "Rows by the view-by value (the default) or by one metric's value." }),
    limit: z.number().int().min(1).max(VISUALIZATION_ROWS).default(100).openapi({
      description: "Groups shown at most, after sorting.",
    }),
  })
  .superRefine((spec, ctx) => {
    if (spec.type === "engagements") {
      if (spec.metrics.length > 0 || spec.viewBy || spec.segmentBy) {
        ctx.addIssue({
          code: "custom",
          path: ["type"],
          message: "An engagement list takes filters only: no metrics, view-by or segment-by.",
        });
      }
      return;
    }
    if (spec.metrics.length === 0)
      ctx.addIssue({ code: "custom", path: ["metrics"], message: "Add at least one metric." });
    if (spec.type === "headline" && (spec.viewBy || spec.segmentBy || spec.metrics.length > 1)) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: "A headline shows one metric without view-by or segment-by.",
      });
    }
    if (spec.segmentBy && !spec.viewBy) {
      ctx.addIssue({ code: "custom", path: ["segmentBy"], message: "Segment-by needs a view-by." });
    }
    if (spec.sort?.by === "metric" && spec.sort.metric >= spec.metrics.length) {
      ctx.addIssue({ code: "custom", path: ["sort", "metric"], message: "Sort by a metric the visualization shows." });
    }
  })
  .openapi("VisualizationSpec");
export type VisualizationSpec = z.infer<typeof VisualizationSpec>;

export const Visualization = z
  .object({
    id: z.string().openapi({ example: "engagements-per-day" }),
    name: z.string(),
    description: z.string(),
    spec: VisualizationSpec,
    builtIn: z.boolean(),
    favorite: z.boolean().openapi({ description: "Marked as favorite by the signed-in user." }),
    createdBy: z.string().nullable(),
    createdAt: IsoTime.nullable(),
    updatedAt: IsoTime.nullable(),
  })
  .openapi("Visualization");
export type Visualization = z.infer<typeof Visualization>;

const VisualizationName = z.string().trim().min(1).max(120);

export const VisualizationInput = z
  .object({ name: VisualizationName, description: z.string().max(500).default(""), spec: VisualizationSpec })
  .openapi("VisualizationInput");
export type VisualizationInput = z.infer<typeof VisualizationInput>;

export const VisualizationPatch = z
  .object({
    name: VisualizationName.optional(),
    description: z.string().max(500).optional(),
    spec: VisualizationSpec.optional(),
  })
  .openapi("VisualizationPatch");

export const VisualizationIdParam = z.object({
  id: SlugOrId.openapi({ param: { name: "id", in: "path" }, example: "engagements-per-day" }),
});

export const VisualizationListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional().openapi({ description: "Only those whose name contains this, any case." }),
  section: z.enum(["favorites", "shared", "builtIn"]).optional().openapi({
    description:
      "`favorites`: the user's favorites; `shared`: the account's own; `builtIn`: Brine's. All when omitted.",
  }),
});

export const VisualizationDataRequest = z
  .object({
    visualizationId: SlugOrId.optional(),
    spec: VisualizationSpec.optional().openapi({ description: "An unsaved visualization (the editor's preview)." }),
    dashboardId: SlugOrId.optional().openapi({
      description:
        "The dashboard it is shown on: its hidden and locked filters apply, and `filters` may only use its filters.",
    }),
    values: FilterValues.default({}).openapi({
      description: "The dashboard's filter values as the user set them (by filter key); needs `dashboardId`.",
    }),
    filters: z.array(ContextFilter).max(50).default([]).openapi({
      description: "Filters outside any dashboard (a visualization's own page); they rank with the dashboard's.",
    }),
  })
  .refine(
    (b) => (b.visualizationId === undefined) !== (b.spec === undefined),
    "Send visualizationId or spec, not both.",
  )
  .openapi("VisualizationDataRequest");
export type VisualizationDataRequest = z.infer<typeof VisualizationDataRequest>;

export const DataColumn = z
  .object({
    key: z.string(),
    label: z.string(),
    kind: z.enum(["viewBy", "segmentBy", "metric"]),
    attribute: z.string().optional().openapi({ description: "For view-by and segment-by columns." }),
    metricId: z.string().optional(),
    format: MetricFormat.optional(),
    drillable: z.boolean().openapi({
      description: "Values can be clicked: attribute values filter a dashboard; metric values list their engagements.",
    }),
  })
  .openapi("DataColumn");

export const DataCell = z
  .object({
    value: z
      .union([z.string(), z.number()])
      .nullable()
      .openapi({ description: "The group's value: a PID, a date bucket or a value." }),
    label: z.string().nullable().openapi({ description: "What to show: the item's name, or the value itself." }),
  })
  .openapi("DataCell");

export const VisualizationData = z
  .object({
    columns: z.array(DataColumn),
    rows: z.array(
      z.object({
        groups: z.array(DataCell).openapi({ description: "View-by then segment-by values." }),
        values: z.array(z.number().nullable()).openapi({ description: "One per metric; null when empty (0 / 0)." }),
      }),
    ),
    truncated: z.boolean().openapi({ description: "More groups exist than `limit`." }),
    ignoredFilters: z.array(z.string()),
  })
  .openapi("VisualizationData");
export type VisualizationData = z.infer<typeof VisualizationData>;
