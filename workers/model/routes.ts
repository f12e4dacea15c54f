import { createRoute } from "@hono/zod-openapi";
import { ModelCatalog } from "../../schemas/model";
import { json } from "../lib/openapi";
import { router } from "../lib/router";
import { DATASETS, ENTITIES } from "./catalog";
import { LIMITS } from "./types";

/** The logical model catalog. Public: it documents shapes, never an account's data. */
export const modelRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Logical model"],
    summary: "Data sets, their attributes, facts, dates, references and enumerations, entities and limits",
    responses: { 200: json(ModelCatalog, "The catalog") },
  }),
  (c) =>
    c.json(
      {
        limits: LIMITS,
        datasets: DATASETS.map((d) => ({
          ...d,
          fields: d.fields.map((f) => (f.kind === "enumeration" ? { ...f, values: [...f.values] } : f)),
        })),
        entities: ENTITIES.map((e) => ({ ...e, files: [...e.files] })),
      },
      200,
    ),
);
