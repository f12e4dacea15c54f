import { badRequest } from "../lib/errors";
import { dataset as datasetNamed } from "../model/catalog";
import { displayField, normalizeName } from "./metric-catalog";
import type { ContextFilter } from "./metric-context";
import { MetricError } from "./metric-errors";
import { parseAttribute } from "./metric-parser";

// Saved filters (a visualization's, a dashboard's defaults, a view) must name values that
// exist, so that a typo is caught when it is made rather than showing an empty chart later.
// Evaluation itself treats unknown values as matching nothing (docs/metrics.md).

/** D1 binds at most 100 parameters; the account takes one. */
const CHUNK = 90;

const quote = (name: string) => `"${name}"`;

/**
 * The values of an `in`/`notIn` filter that match nothing in the account: not an
 * enumeration's value, not an item's name, source ID or PID, not a value of the column.
 * Dates, facts and data sets are not checked.
 */
export async function missingValues(
  db: D1Database,
  accountId: string,
  attribute: string,
  values: readonly (string | number)[],
): Promise<(string | number)[]> {
  if (normalizeName(attribute) === "date") return [];
  let path: ReturnType<typeof parseAttribute>;
  try {
    path = parseAttribute(attribute);
  } catch (error) {
    if (error instanceof MetricError) throw new MetricError(error.metricCode, `in "${attribute}": ${error.reason}`);
    throw error;
  }
  if (path.kind !== "field") return [];
  const { field, dataset } = path;
  if (field.kind === "enumeration") return values.filter((v) => !field.values.includes(String(v)));
  if (field.kind === "derived") return values.filter((v) => !field.values.includes(String(v)));
  // Each lookup is a statement with %LIST% where the values' placeholders go.
  let lookups: string[];
  if (field.kind === "entity") {
    lookups = ["name", "external_id", "pid"].map(
      (col) =>
        `SELECT ${col} AS v FROM entity WHERE account_id = ?1 AND kind = '${field.entity}' AND ${col} IN (%LIST%)`,
    );
  } else if (field.kind === "reference" && field.target !== "conversation") {
    const target = datasetNamed(field.target);
    const cols = [...(displayField(target) ? ["name"] : []), "external_id", "pid"];
    lookups = cols.map(
      (col) => `SELECT ${col} AS v FROM ${quote(target.table)} WHERE account_id = ?1 AND ${col} IN (%LIST%)`,
    );
  } else if (field.kind === "attribute") {
    lookups = [
      `SELECT DISTINCT ${field.column} AS v FROM ${quote(dataset.table)} WHERE account_id = ?1 AND ${field.column} IN (%LIST%)`,
    ];
  } else {
    return [];
  }
  const found = new Set<string>();
  const strings = [...new Set(values.map(String))];
  for (let i = 0; i < strings.length; i += CHUNK) {
    const chunk = strings.slice(i, i + CHUNK);
    const list = chunk.map((_, j) => `?${j + 2}`).join(", ");
    const statements = lookups.map((sql) => db.prepare(sql.replace("%LIST%", list)).bind(accountId, ...chunk));
    const results = await db.batch<{ v: string }>(statements);
    for (const r of results) for (const row of r.results) found.add(String(row.v));
  }
  return values.filter((v) => !found.has(String(v)));
}

/** Refuses filters naming values that match nothing (400 `VALUE_NOT_FOUND`, with the first few in the message). */
export async function checkFilterValues(
  db: D1Database,
  accountId: string,
  filters: readonly ContextFilter[],
  where: string,
): Promise<void> {
  for (const filter of filters) {
    if (!("values" in filter)) continue;
    const missing = await missingValues(db, accountId, filter.attribute, filter.values);
    if (missing.length === 0) continue;
    const shown = missing
      .slice(0, 5)
      .map((v) => `"${v}"`)
      .join(", ");
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : "";
    throw badRequest(
      "VALUE_NOT_FOUND",
      `${where}: the filter on "${filter.attribute}" names ${shown}${more}, which the account has no data for.`,
      { attribute: filter.attribute, values: missing.slice(0, 100) },
    );
  }
}
