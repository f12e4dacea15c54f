import { z } from "@hono/zod-openapi";
import { IsoTime, PageQuery } from "./common";

// Metrics: the built-ins and an account's own, written in the metric language (docs/metrics.md),
// and the live evaluation the metric editor previews with.

export const METRIC_FORMATS = ["number", "percent", "duration", "currency"] as const;
export const MetricFormat = z.enum(METRIC_FORMATS).openapi("MetricFormat", {
  description: "How values are shown: `percent` values are ratios (0.25 is 25 %), `duration` values are seconds.",
});

export type MetricFormat = z.infer<typeof MetricFormat>;

/** Characters in a custom metric's definition (the language itself allows more, for built-ins' expansion). */
export const METRIC_DEFINITION_CHARS = 10_000;
export const METRIC_VALUES_PER_FILTER = 1000;

export const Metric = z
  .object({
    id: z.string().openapi({
      description: "A built-in's slug (`average-handling-time`) or a custom metric's UUID.",
      example: "average-handling-time",
    }),
    name: z.string(),
    description: z.string(),
    definition: z.string().openapi({ example: 'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"' }),
    format: MetricFormat,
    builtIn: z.boolean(),
    createdBy: z.string().nullable().openapi({ description: "The id of the user who created it; null for built-ins." }),
    createdAt: IsoTime.nullable(),
    updatedAt: IsoTime.nullable(),
  })
  .openapi("Metric");
export type Metric = z.infer<typeof Metric>;

const MetricName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^{}[\]\p{Cc}]+$/u, "A metric name may not contain braces, brackets or control characters.")
  .openapi({
    description:
      "Unique in the account whatever the letter case and spacing, and not a built-in's name. " +
      "Definitions reference it by name, or as `{Name}` when it has characters other than letters, digits, spaces and `_ % . ' -`.",
    example: "Chat Engagements",
  });

export const MetricInput = z
  .object({
    name: MetricName,
    description: z.string().max(500).default(""),
    definition: z.string().min(1).max(METRIC_DEFINITION_CHARS),
    format: MetricFormat.default("number"),
  })
  .openapi("MetricInput");
export type MetricInput = z.infer<typeof MetricInput>;

export const MetricPatch = z
  .object({
    name: MetricName.optional(),
    description: z.string().max(500).optional(),
    definition: z.string().min(1).max(METRIC_DEFINITION_CHARS).optional(),
    format: MetricFormat.optional(),
  })
  .openapi("MetricPatch");
export type MetricPatch = z.infer<typeof MetricPatch>;

export const MetricIdParam = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/)
    .openapi({ param: { name: "id", in: "path" }, example: "average-handling-time" }),
});

export const MetricListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional().openapi({ description: "Only metrics whose name contains this, any case." }),
});

const Attribute = z.string().min(1).max(200).openapi({
  description: "A field as the language writes it (`Engagement ⏵ Queue`, `Agent -> Team`), a data set, or `Date`.",
  example: "Engagement ⏵ Queue",
});
const FilterValue = z.union([z.string().max(200), z.number()]);
const Bound = z.union([z.string().max(40), z.number()]).openapi({
  description: "ISO 8601 (`2024-03-01`, `2024-03-01T08:00:00Z`) or Unix seconds; numbers for facts.",
});

export const ContextFilter = z
  .discriminatedUnion("op", [
    z.object({
      attribute: Attribute,
      op: z.enum(["in", "notIn"]),
      values: z.array(FilterValue).min(1).max(METRIC_VALUES_PER_FILTER),
    }),
    z
      .object({ attribute: Attribute, op: z.literal("between"), from: Bound.optional(), to: Bound.optional() })
      .refine((f) => f.from !== undefined || f.to !== undefined, "between needs from, to or both"),
  ])
  .openapi("ContextFilter", {
    description: "`in`/`notIn` match the values (items by name, source ID or PID); `between` is [from, to).",
  });
export type ContextFilter = z.infer<typeof ContextFilter>;

export const MetricContextInput = z
  .object({
    filters: z.array(ContextFilter).max(50).default([]),
    by: z
      .array(z.object({ attribute: Attribute, granularity: z.enum(["hour", "day", "week", "month"]).optional() }))
      .max(2)
      .default([])
      .openapi({ description: "View-by, then segment-by; dates group by `granularity` (default `day`, UTC)." }),
  })
  .openapi("MetricContext");
export type MetricContextInput = z.infer<typeof MetricContextInput>;

export const EvaluateBody = z
  .object({
    definition: z.string().min(1).max(METRIC_DEFINITION_CHARS).optional(),
    metricId: MetricIdParam.shape.id.optional().openapi({
      description: "A saved metric. With `definition` too, the definition is evaluated as a draft of that metric.",
    }),
    context: MetricContextInput.default({ filters: [], by: [] }),
  })
  .refine((b) => b.definition !== undefined || b.metricId !== undefined, "Send definition, metricId or both.")
  .openapi("EvaluateBody");
export type EvaluateBody = z.infer<typeof EvaluateBody>;

export const EvaluateResult = z
  .object({
    columns: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        role: z.enum(["by", "name", "value"]),
      }),
    ),
    rows: z.array(
      z.object({
        by: z.array(z.union([z.string(), z.number()]).nullable()).openapi({
          description: "The group's values: PIDs for references and entities, `2024-03-04` style for dates.",
        }),
        names: z.array(z.string().nullable()),
        value: z.number().nullable(),
      }),
    ),
    ignoredFilters: z.array(z.string()).openapi({
      description: "Context filters that have no relation to some part of the metric and so did not apply to it.",
    }),
  })
  .openapi("EvaluateResult");
export type EvaluateResult = z.infer<typeof EvaluateResult>;
