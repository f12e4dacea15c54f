import { z } from "@hono/zod-openapi";
import { MetricIdParam } from "./analytics";
import { IsoTime, PageQuery } from "./common";

// Dashboards: visualizations on one canvas under shared filters, with saved views per user
// (seed 000, "Dashboards").

const SlugOrId = MetricIdParam.shape.id;

/** A value a dashboard filter holds: the values it keeps (or drops), or a date range [from, to). */
export const FilterValue = z
  .union([
    z.object({
      op: z.enum(["in", "notIn"]),
      values: z
        .array(z.union([z.string().max(200), z.number()]))
        .min(1)
        .max(1000),
    }),
    z.object({
      op: z.literal("between"),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
      relative: z
        .enum(["today", "last7Days", "last30Days", "thisMonth", "lastMonth", "all"])
        .optional()
        .openapi({ description: "A rolling range resolved when the dashboard is opened; overrides from/to." }),
    }),
  ])
  .openapi("FilterValue");
export type FilterValue = z.infer<typeof FilterValue>;

export const DashboardFilter = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]{0,39}$/)
      .openapi({ description: "Names the filter in views and URLs.", example: "queue" }),
    label: z.string().min(1).max(60).openapi({ example: "Queue" }),
    attribute: z.string().min(1).max(200).openapi({ example: "Engagement ⏵ Queue" }),
    default: FilterValue.nullable()
      .default(null)
      .openapi({ description: "Its value when the dashboard opens; null is all." }),
    hidden: z
      .boolean()
      .default(false)
      .openapi({ description: "Applied, not shown (a convenience, not a security feature)." }),
    locked: z
      .boolean()
      .default(false)
      .openapi({ description: "Shown with its default value, which cannot be changed." }),
  })
  .openapi("DashboardFilter");
export type DashboardFilter = z.infer<typeof DashboardFilter>;

export const DrillTarget = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("engagements") }),
    z.object({ kind: z.literal("dashboard"), dashboardId: SlugOrId }),
  ])
  .openapi("DrillTarget", {
    description: "Where a click on a view-by value goes: a dashboard filtered to it, or the engagements behind it.",
  });
export type DrillTarget = z.infer<typeof DrillTarget>;

export const DashboardItem = z
  .object({
    visualizationId: SlugOrId,
    width: z.number().int().min(1).max(12).default(6).openapi({ description: "Columns of a 12-column grid." }),
    drill: DrillTarget.default({ kind: "engagements" }),
  })
  .openapi("DashboardItem");
export type DashboardItem = z.infer<typeof DashboardItem>;

const DashboardName = z.string().trim().min(1).max(120);

const Filters = z
  .array(DashboardFilter)
  .max(20)
  .refine((fs) => new Set(fs.map((f) => f.key)).size === fs.length, "Filter keys must be unique.");
const Items = z.array(DashboardItem).max(40);

export const DashboardLayout = z.object({ filters: Filters, items: Items });

export const Dashboard = z
  .object({
    id: z.string().openapi({ example: "overview" }),
    name: z.string(),
    description: z.string(),
    builtIn: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: IsoTime.nullable(),
    updatedAt: IsoTime.nullable(),
  })
  .extend(DashboardLayout.shape)
  .openapi("Dashboard");
export type Dashboard = z.infer<typeof Dashboard>;

export const DashboardInput = z
  .object({
    name: DashboardName,
    description: z.string().max(500).default(""),
    copyOf: SlugOrId.optional().openapi({
      description: "Start from this dashboard's filters and items (any not given here).",
    }),
    filters: Filters.optional(),
    items: Items.optional(),
  })
  .openapi("DashboardInput");
export type DashboardInput = z.infer<typeof DashboardInput>;

export const DashboardPatch = z
  .object({
    name: DashboardName.optional(),
    description: z.string().max(500).optional(),
    filters: Filters.optional(),
    items: Items.optional(),
  })
  .openapi("DashboardPatch");

export const DashboardIdParam = z.object({
  id: SlugOrId.openapi({ param: { name: "id", in: "path" }, example: "overview" }),
});

export const DashboardListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional(),
});

/** The values of a dashboard's filters by filter key; a key left out is "all". */
export const FilterValues = z
  .record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/), FilterValue)
  .openapi("FilterValues", { example: { queue: { op: "in", values: ["Billing"] } } });
export type FilterValues = z.infer<typeof FilterValues>;

export const DashboardView = z
  .object({
    id: z.string(),
    dashboardId: z.string(),
    name: z.string(),
    filters: FilterValues,
    isDefault: z.boolean(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  })
  .openapi("DashboardView");
export type DashboardView = z.infer<typeof DashboardView>;

export const DashboardViewInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    filters: FilterValues,
    isDefault: z.boolean().default(false),
  })
  .openapi("DashboardViewInput");

export const DashboardViewPatch = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    filters: FilterValues.optional(),
    isDefault: z.boolean().optional(),
  })
  .openapi("DashboardViewPatch");

export const DashboardViewParams = z.object({
  id: DashboardIdParam.shape.id,
  viewId: z.uuid().openapi({ param: { name: "viewId", in: "path" } }),
});
