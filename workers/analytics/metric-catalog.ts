import { DATASETS, dataset as datasetNamed } from "../model/catalog";
import type { Dataset, DateField, Field, ReferenceField } from "../model/types";

/**
 * A field computed by the metric compiler rather than stored: a Yes/No attribute whose SQL
 * reads other rows (repeat contacts). `sql` gets the alias of the row's table and the
 * placeholder of the account id.
 */
export interface DerivedField {
  kind: "derived";
  key: string;
  label: string;
  description: string;
  values: readonly string[];
  sql: (alias: string, account: string) => string;
}

/** A field metrics can name: one of the model's, or a derived one. */
export type MetricField = Field | DerivedField;

/** Days within which another conversation of the same customer counts as a repeat contact. */
export const REPEAT_CONTACT_DAYS = 7;
const REPEAT_WINDOW = REPEAT_CONTACT_DAYS * 86_400;

const otherConversation = (alias: string, account: string, window: string) =>
  `CASE WHEN ${alias}.customer_pid IS NULL OR ${alias}.start_time IS NULL THEN NULL WHEN EXISTS (SELECT 1 FROM "engagement" AS ${alias}_rc WHERE ${alias}_rc.account_id = ${account} AND ${alias}_rc.customer_pid = ${alias}.customer_pid AND ${window} AND ${alias}_rc.conversation_pid IS NOT ${alias}.conversation_pid) THEN 'Yes' ELSE 'No' END`;

/** Derived fields per data set; each reads the engagement_customer index (account, customer, start time). */
const DERIVED: Partial<Record<Dataset["name"], readonly DerivedField[]>> = {
  engagement: [
    {
      kind: "derived",
      key: "repeatContact",
      label: "Repeat Contact",
      description: `Yes when the same customer had an engagement in another conversation in the ${REPEAT_CONTACT_DAYS} days before this one started.`,
      values: ["Yes", "No"],
      sql: (a, account) =>
        otherConversation(
          a,
          account,
          `${a}_rc.start_time >= ${a}.start_time - ${REPEAT_WINDOW} AND ${a}_rc.start_time < ${a}.start_time`,
        ),
    },
    {
      kind: "derived",
      key: "contactedAgain",
      label: "Contacted Again",
      description: `Yes when the same customer had an engagement in another conversation within ${REPEAT_CONTACT_DAYS} days after this one started.`,
      values: ["Yes", "No"],
      sql: (a, account) =>
        otherConversation(
          a,
          account,
          `${a}_rc.start_time > ${a}.start_time AND ${a}_rc.start_time <= ${a}.start_time + ${REPEAT_WINDOW}`,
        ),
    },
  ],
};

/** `Cost per Hour` → `cost per hour`: how labels and names are compared. */
export function normalizeName(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

const datasetsByLabel = new Map(DATASETS.map((d) => [normalizeName(d.label), d]));

/** The data set whose label is `label` (any case), reportable or not. */
export function datasetByLabel(label: string): Dataset | undefined {
  return datasetsByLabel.get(normalizeName(label));
}

/** Every field metrics can name on `dataset`, derived ones last. */
export function fieldsOf(dataset: Dataset): readonly MetricField[] {
  return [...dataset.fields, ...(DERIVED[dataset.name] ?? [])];
}

/** The field of `dataset` labelled `label` (any case). */
export function fieldByLabel(dataset: Dataset, label: string): MetricField | undefined {
  const wanted = normalizeName(label);
  return fieldsOf(dataset).find((f) => normalizeName(f.label) === wanted);
}

/** `Engagement ⏵ Wait Time`. */
export function qualifiedLabel(dataset: Dataset, field?: MetricField): string {
  return field ? `${dataset.label} ⏵ ${field.label}` : dataset.label;
}

/**
 * The field whose values name a data set's items in results, or none. Customers are left
 * out: their names are personal data, masked unless a user reveals them (ARCHITECTURE §4).
 */
export function displayField(dataset: Dataset): Field | undefined {
  if (dataset.name === "customer") return undefined;
  return dataset.fields.find((f) => f.key === "name");
}

/** One hop between data sets: forward follows `from`'s reference, reverse follows `to`'s reference back. */
export interface Step {
  from: Dataset;
  to: Dataset;
  /** The reference field; on `from` when forward, on `to` when reverse. */
  field: ReferenceField;
  reverse: boolean;
}

const reportable = DATASETS.filter((d) => d.reportable);

function references(d: Dataset): ReferenceField[] {
  return d.fields.filter(
    (f): f is ReferenceField =>
      f.kind === "reference" && f.target !== "conversation" && datasetNamed(f.target).reportable,
  );
}

/** Shortest forward paths from `from` to every data set it reaches, in breadth-first order. */
function forwardPaths(from: Dataset): Map<Dataset, Step[]> {
  const paths = new Map<Dataset, Step[]>([[from, []]]);
  const queue = [from];
  for (let d = queue.shift(); d; d = queue.shift()) {
    const here = paths.get(d) ?? [];
    for (const field of references(d)) {
      if (field.target === "conversation") continue;
      const to = datasetNamed(field.target);
      if (paths.has(to)) continue;
      paths.set(to, [...here, { from: d, to, field, reverse: false }]);
      queue.push(to);
    }
  }
  return paths;
}

const forwardCache = new Map<Dataset, Map<Dataset, Step[]>>();
const forward = (from: Dataset) => {
  let paths = forwardCache.get(from);
  if (!paths) {
    paths = forwardPaths(from);
    forwardCache.set(from, paths);
  }
  return paths;
};

/**
 * How rows of `from` relate to rows of `to`: the shortest path of forward references
 * (many-to-one joins); failing that, when `allowReverse`, the shortest path with exactly one
 * reverse step (an "has a related …" test). Undefined when they are not related.
 */
export function pathBetween(from: Dataset, to: Dataset, allowReverse: boolean): Step[] | undefined {
  const direct = forward(from).get(to);
  if (direct || !allowReverse) return direct;
  let best: Step[] | undefined;
  for (const [via, prefix] of forward(from)) {
    for (const other of reportable) {
      for (const field of references(other)) {
        if (field.target !== via.name) continue;
        const suffix = forward(other).get(to);
        if (!suffix) continue;
        const path = [...prefix, { from: via, to: other, field, reverse: true }, ...suffix];
        if (!best || path.length < best.length) best = path;
      }
    }
  }
  return best;
}

/**
 * The date a dashboard's "Date" filter and grouping mean for rows of `base`: the engagement's
 * Start Time for engagements and anything that references one (reviews, transactions), the
 * interval start for activity; none for the other data sets.
 */
export function dateDimension(base: Dataset): { dataset: Dataset; field: DateField } | undefined {
  const pick = (d: Dataset, key: string) => {
    const field = d.fields.find((f): f is DateField => f.kind === "date" && f.key === key);
    return field ? { dataset: d, field } : undefined;
  };
  if (base.name === "activity") return pick(base, "intervalStart");
  const engagement = datasetNamed("engagement");
  if (forward(base).has(engagement)) return pick(engagement, "startTime");
  return undefined;
}

/** The name of the pseudo-attribute for the shared date dimension in contexts. */
export const DATE_DIMENSION = "Date";
