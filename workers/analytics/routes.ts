import { createRoute, type z } from "@hono/zod-openapi";
import {
  EvaluateBody,
  EvaluateResult,
  Metric,
  MetricIdParam,
  MetricInput,
  MetricListQuery,
  MetricPatch,
} from "../../schemas/analytics";
import { page } from "../../schemas/common";
import { isUniqueViolation } from "../accounts/accounts";
import { requireUser } from "../accounts/auth";
import { dbFor, rawDbFor } from "../db/client";
import { ApiError, badRequest, conflict, notFound } from "../lib/errors";
import { newPid } from "../lib/ids";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, mergeKeyPage } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds } from "../lib/time";
import { BUILTIN_METRICS, type BuiltinMetric } from "./builtin-metrics";
import { normalizeName } from "./metric-catalog";
import { checkMetric } from "./metric-compiler";
import type { ContextFilter } from "./metric-context";
import { MetricError } from "./metric-errors";
import { evaluateMetric } from "./metric-evaluate";
import {
  allMetrics,
  deleteMetric,
  getMetric,
  insertMetric,
  listMetrics,
  type MetricRow,
  updateMetric,
} from "./queries";

const tags = ["Analytics"];
const readers = requireUser();
const editors = requireUser("metrics.edit");

const BUILTIN_BY_ID = new Map(BUILTIN_METRICS.map((m) => [m.id, m]));
const BUILTIN_BY_KEY = new Map(BUILTIN_METRICS.map((m) => [normalizeName(m.name), m]));

type Saved = Pick<MetricRow, "id" | "name" | "definition">;

function builtinView(m: BuiltinMetric): Metric {
  return { ...m, builtIn: true, createdBy: null, createdAt: null, updatedAt: null };
}

function customView(row: MetricRow): Metric {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    definition: row.definition,
    format: row.format as Metric["format"],
    builtIn: false,
    createdBy: row.createdBy,
    createdAt: isoFromSeconds(row.createdAt),
    updatedAt: isoFromSeconds(row.updatedAt),
  };
}

/** Name → definition of every metric a definition in the account may reference: the built-ins and its own. */
function definitionsOf(custom: readonly Saved[]): Map<string, string> {
  const metrics = new Map(BUILTIN_METRICS.map((m) => [m.name, m.definition]));
  for (const m of custom) metrics.set(m.name, m.definition);
  return metrics;
}

/** Refuses a name a built-in or another of the account's metrics has (names compare as the language does). */
function checkName(name: string, custom: readonly (Saved & { nameKey: string })[], selfId?: string): string {
  const key = normalizeName(name);
  const builtIn = BUILTIN_BY_KEY.get(key);
  if (builtIn) throw badRequest("BUILT_IN_METRIC_NAME", `"${builtIn.name}" is the name of a built-in metric.`);
  if (custom.some((m) => m.nameKey === key && m.id !== selfId)) {
    throw badRequest("DUPLICATE_METRIC_NAME", `The account already has a metric named "${name}".`);
  }
  return key;
}

/** Whether a saved metric compiles against `metrics`; the error when it does not. */
function compileError(m: Saved, metrics: ReadonlyMap<string, string>): MetricError | undefined {
  try {
    checkMetric(m.definition, { metrics, name: m.name });
    return undefined;
  } catch (error) {
    if (error instanceof MetricError) return error;
    throw error;
  }
}

/**
 * Refuses a change (an edit or a delete) that would break another custom metric: one that
 * compiled with `before` and no longer does with `after` (it references the metric by its old
 * name, or can no longer be split or filtered as it was).
 */
function checkDependents(others: readonly Saved[], before: Map<string, string>, after: Map<string, string>): void {
  for (const other of others) {
    const error = compileError(other, after);
    if (error && !compileError(other, before)) {
      throw conflict("METRIC_IN_USE", `The metric "${other.name}" uses this metric and would break: ${error.message}`);
    }
  }
}

/** A duplicate name that slipped past checkName (two requests at once) answers as if it had not. */
function duplicateName(error: unknown, name: string): unknown {
  return isUniqueViolation(error)
    ? badRequest("DUPLICATE_METRIC_NAME", `The account already has a metric named "${name}".`)
    : error;
}

const readOnly = (m: BuiltinMetric) =>
  new ApiError(403, "BUILT_IN_READ_ONLY", `"${m.name}" is a built-in metric; copy it into a new metric to change it.`);

function contextFilter(filter: z.infer<typeof EvaluateBody>["context"]["filters"][number]): ContextFilter {
  if (filter.op === "between") return { attribute: filter.attribute, from: filter.from, to: filter.to };
  return { attribute: filter.attribute, values: filter.values, exclude: filter.op === "notIn" };
}

/** The metric library (built-ins and the account's own) and the live evaluation the metric editor previews with. */
export const metricRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Built-in and custom metrics in one list, ordered by name",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { query: MetricListQuery },
      responses: { 200: json(page(Metric), "A page of metrics"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { limit, cursor, q } = c.req.valid("query");
      const after = cursor ? decodeKeyCursor(cursor) : undefined;
      const needle = q ? normalizeName(q) : undefined;
      const custom = await listMetrics(dbFor(c.env, accountId), accountId, { limit: limit + 1, after, q: needle });
      const entries = [
        ...BUILTIN_METRICS.map((m) => ({ key: normalizeName(m.name), id: m.id, view: builtinView(m) })),
        ...custom.map((row) => ({ key: row.nameKey, id: row.id, view: customView(row) })),
      ];
      return c.json(mergeKeyPage(entries, { limit, after, needle }), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a custom metric",
      description:
        "The definition is compiled against the built-ins and the account's metrics; nothing is saved when it fails. " +
        "Errors (400): the metric language's codes (`SYNTAX_ERROR`, `UNKNOWN_ATTRIBUTE`, `UNKNOWN_METRIC`, " +
        "`CIRCULAR_METRIC`, `TYPE_ERROR`, … — docs/metrics.md, with `details.line` and `details.column`), " +
        "`DUPLICATE_METRIC_NAME`, `BUILT_IN_METRIC_NAME`.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { body: body(MetricInput) },
      responses: { 201: json(Metric, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const input = c.req.valid("json");
      const custom = await allMetrics(db, accountId);
      const nameKey = checkName(input.name, custom);
      const metrics = definitionsOf(custom).set(input.name, input.definition);
      checkMetric(input.definition, { metrics, name: input.name });
      const row = await insertMetric(db, accountId, {
        id: newPid(),
        name: input.name,
        nameKey,
        description: input.description,
        definition: input.definition,
        format: input.format,
        createdBy: c.var.user.userId,
      }).catch((error: unknown) => {
        throw duplicateName(error, input.name);
      });
      return c.json(customView(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/evaluate",
      tags,
      summary: "Evaluate a definition or a saved metric on the account's data (the editor's live preview)",
      description:
        "One row, or one per group of `context.by`. With both `metricId` and `definition`, the definition is " +
        "evaluated as a draft of that metric (it cannot reference itself, and metrics using it see the draft). " +
        "Errors (400): the metric language's codes, for the definition and for the context's attributes.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { body: body(EvaluateBody) },
      responses: { 200: json(EvaluateResult, "The metric's value(s)"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { definition, metricId, context } = c.req.valid("json");
      const custom = await allMetrics(dbFor(c.env, accountId), accountId);
      const metrics = definitionsOf(custom);
      let source = definition;
      let name: string | undefined;
      if (metricId !== undefined) {
        const saved = BUILTIN_BY_ID.get(metricId) ?? custom.find((m) => m.id === metricId);
        if (!saved) throw notFound("Metric");
        name = saved.name;
        if (source === undefined) source = saved.definition;
        else metrics.set(saved.name, source);
      }
      const result = await evaluateMetric(rawDbFor(c.env, accountId), source ?? "", {
        accountId,
        metrics,
        name,
        filters: context.filters.map(contextFilter),
        by: context.by,
      });
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One metric, built-in or custom",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: MetricIdParam },
      responses: { 200: json(Metric, "The metric"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { id } = c.req.valid("param");
      const builtIn = BUILTIN_BY_ID.get(id);
      if (builtIn) return c.json(builtinView(builtIn), 200);
      const row = await getMetric(dbFor(c.env, accountId), accountId, id);
      if (!row) throw notFound("Metric");
      return c.json(customView(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Change a custom metric (built-ins are read-only)",
      description:
        "Validated as on create. Errors: 400 as on create; 403 `BUILT_IN_READ_ONLY`; " +
        "409 `METRIC_IN_USE` when another metric uses this one and the change would break it (a rename, for example).",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: MetricIdParam, body: body(MetricPatch) },
      responses: { 200: json(Metric, "Updated"), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const builtIn = BUILTIN_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      const custom = await allMetrics(db, accountId);
      const current = custom.find((m) => m.id === id);
      if (!current) throw notFound("Metric");
      const name = patch.name ?? current.name;
      const nameKey = checkName(name, custom, id);
      const definition = patch.definition ?? current.definition;
      const others = custom.filter((m) => m.id !== id);
      const before = definitionsOf(custom);
      const after = definitionsOf(others).set(name, definition);
      checkMetric(definition, { metrics: after, name });
      if (name !== current.name || definition !== current.definition) checkDependents(others, before, after);
      const row = await updateMetric(db, accountId, id, {
        name,
        nameKey,
        definition,
        description: patch.description,
        format: patch.format,
      }).catch((error: unknown) => {
        throw duplicateName(error, name);
      });
      if (!row) throw notFound("Metric");
      return c.json(customView(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a custom metric no other metric uses",
      description: "Errors: 403 `BUILT_IN_READ_ONLY`; 409 `METRIC_IN_USE` when another metric references it.",
      security: COOKIE_AUTH,
      middleware: [editors] as const,
      request: { params: MetricIdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const db = dbFor(c.env, accountId);
      const { id } = c.req.valid("param");
      const builtIn = BUILTIN_BY_ID.get(id);
      if (builtIn) throw readOnly(builtIn);
      const custom = await allMetrics(db, accountId);
      if (!custom.some((m) => m.id === id)) throw notFound("Metric");
      const others = custom.filter((m) => m.id !== id);
      checkDependents(others, definitionsOf(custom), definitionsOf(others));
      if (!(await deleteMetric(db, accountId, id))) throw notFound("Metric");
      return c.body(null, 204);
    },
  );
