import { z } from "@hono/zod-openapi";
import { ContextFilter, MetricIdParam } from "./analytics";
import { IsoTime } from "./common";
import { FilterValues } from "./dashboards";

// The engagements behind a number: drill-down rows, one engagement's detail, and selections
// (saved lists of engagements).

const SlugOrId = MetricIdParam.shape.id;

/** Engagements one request lists at most; a selection keeps at most SELECTION_ROWS. */
export const ENGAGEMENT_PAGE = 200;
export const SELECTION_ROWS = 10_000;

export const EngagementQuery = z
  .object({
    dashboardId: SlugOrId.optional().openapi({
      description: "Its hidden and locked filters apply; `values` are its filters.",
    }),
    values: FilterValues.default({}),
    visualizationId: SlugOrId.optional().openapi({ description: "Its filters apply under the dashboard's." }),
    groups: z
      .array(
        z.object({
          attribute: z.string().min(1).max(200),
          granularity: z.enum(["hour", "day", "week", "month"]).optional(),
          value: z.union([z.string().max(200), z.number()]),
        }),
      )
      .max(2)
      .default([])
      .openapi({
        description:
          "The clicked group: view-by and segment-by values as the visualization's data returned them (PIDs, date buckets such as `2024-03-05` or `2024-03`).",
      }),
    filters: z.array(ContextFilter).max(50).default([]).openapi({
      description: "Filters outside any dashboard; they rank with the dashboard's.",
    }),
    metricId: SlugOrId.optional().openapi({
      description: "Only the engagements that make up this metric's value: those where it has a value of its own.",
    }),
  })
  .openapi("EngagementQuery");
export type EngagementQuery = z.infer<typeof EngagementQuery>;

export const EngagementListRequest = EngagementQuery.extend({
  limit: z.number().int().min(1).max(ENGAGEMENT_PAGE).default(50),
  cursor: z.string().max(200).optional(),
}).openapi("EngagementListRequest");

const Named = z.object({ id: z.string(), name: z.string().nullable() }).nullable();

export const EngagementRow = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    startTime: IsoTime.nullable(),
    endTime: IsoTime.nullable(),
    type: z.string().nullable(),
    channelType: z.string().nullable(),
    direction: z.string().nullable(),
    outcomeType: z.string().nullable(),
    agent: Named,
    queue: Named,
    channel: Named,
    team: Named,
    outcome: Named,
    conversationId: z.string().nullable(),
    customerId: z.string().nullable(),
    waitTime: z.number().nullable(),
    handlingTime: z.number().nullable().openapi({ description: "Preparation + engagement + wrap-up, in seconds." }),
    metricValue: z
      .number()
      .nullable()
      .optional()
      .openapi({ description: "With `metricId`: its value for this engagement." }),
  })
  .openapi("EngagementRow");
export type EngagementRow = z.infer<typeof EngagementRow>;

export const EngagementDetail = EngagementRow.extend({
  source: z.string().nullable(),
  link: z.string().nullable(),
  serviceLevel: z.string().nullable(),
  resolution: z.string().nullable(),
  terminatedBy: z.string().nullable(),
  reason: z.string().nullable(),
  topic: z.string().nullable(),
  language: z.string().nullable(),
  department: Named,
  customer: z
    .object({
      id: z.string(),
      contacts: z
        .array(z.string())
        .openapi({ description: "Always masked; reveal one with POST /customers/{id}/reveal." }),
      masked: z.boolean(),
    })
    .nullable(),
  facts: z.record(z.string(), z.number().nullable()).openapi({ description: "Every fact of the engagement by label." }),
  conversation: z.array(EngagementRow).openapi({ description: "The engagements of the same conversation, in order." }),
  turns: z.number().int(),
  reviews: z.number().int(),
}).openapi("EngagementDetail");
export type EngagementDetail = z.infer<typeof EngagementDetail>;

export const EngagementIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const Selection = z
  .object({
    id: z.string(),
    name: z.string(),
    query: EngagementQuery,
    engagements: z.number().int(),
    truncated: z
      .boolean()
      .openapi({ description: `More than ${SELECTION_ROWS} engagements matched; the first were kept.` }),
    createdBy: z.string().nullable(),
    createdAt: IsoTime,
  })
  .openapi("Selection");
export type Selection = z.infer<typeof Selection>;

export const SelectionInput = z
  .object({ name: z.string().trim().min(1).max(120), query: EngagementQuery })
  .openapi("SelectionInput");
