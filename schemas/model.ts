import { z } from "@hono/zod-openapi";

export const ModelField = z
  .object({
    key: z.string(),
    column: z.string(),
    label: z.string(),
    description: z.string(),
    kind: z.enum(["pid", "attribute", "text", "enumeration", "fact", "date", "flag", "reference", "entity"]),
    values: z.array(z.string()).optional(),
    type: z.enum(["int", "decimal", "duration"]).optional(),
    target: z.string().optional(),
    entity: z.string().optional(),
  })
  .openapi("ModelField");

export const ModelDataset = z
  .object({
    name: z.string(),
    label: z.string(),
    description: z.string(),
    table: z.string(),
    reportable: z.boolean(),
    externalKey: z.string(),
    fields: z.array(ModelField),
  })
  .openapi("ModelDataset");

/** The logical model catalog as the app and integrators read it. */
export const ModelCatalog = z
  .object({
    limits: z.object({
      attributeChars: z.number(),
      textBytes: z.number(),
      int32Min: z.number(),
      int32Max: z.number(),
      dateGranularitySeconds: z.number(),
    }),
    datasets: z.array(ModelDataset),
    entities: z.array(
      z.object({ kind: z.string(), label: z.string(), description: z.string(), files: z.array(z.string()) }),
    ),
  })
  .openapi("ModelCatalog");
export type ModelCatalog = z.infer<typeof ModelCatalog>;
