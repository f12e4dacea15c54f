import { dataset as datasetNamed } from "../model/catalog";
import type { Dataset } from "../model/types";
import {
  DATE_DIMENSION,
  dateDimension,
  displayField,
  type MetricField,
  normalizeName,
  pathBetween,
  type Step,
} from "./metric-catalog";
import type { CompiledMetric, ContextFilter, Granularity, MetricColumn, MetricContext, ViewBy } from "./metric-context";
import { METRIC_LIMITS, MetricError, type SourcePosition } from "./metric-errors";
import {
  type AggregateArg,
  type AggregateNode,
  type AtomNode,
  type CondNode,
  convert,
  type DimensionPath,
  type ExprNode,
  type FactNode,
  type FieldPath,
  type PathNode,
  parseAttribute,
  parseMetric,
  type SelectNode,
} from "./metric-parser";

/** `?1` is always the account: every table reference in the compiled SQL is filtered by it. */
const ACCOUNT = "?1";

/**
 * Compiles a metric definition to one parameterised D1 statement that returns one row, or one
 * row per group of `context.by`; every table it reads is filtered by the account.
 */
export function compileMetric(definition: string, context: MetricContext): CompiledMetric {
  return new Compilation(context).compile([{ definition, name: context.name }], ["value"]);
}

/**
 * Compiles several metrics to one statement whose rows are the union of their groups, with
 * their values in `value0`, `value1`, …; a group one metric lacks is NULL for it (0 for a
 * count). Aggregates over the same rows are computed in one pass. `context.name` is ignored.
 */
export function compileMetrics(
  metrics: readonly { definition: string; name?: string }[],
  context: MetricContext,
): CompiledMetric {
  return new Compilation(context).compile(
    metrics,
    metrics.map((_, i) => `value${i}`),
  );
}

/** The metric names a definition may use, normalised, each to its canonical spelling. */
export function metricNames(metrics: ReadonlyMap<string, string> | undefined): Map<string, string> {
  return new Map([...(metrics?.keys() ?? [])].map((name) => [normalizeName(name), name]));
}

/** Parses a definition against the given metric names (no SQL): for editors that check as the user types. */
export function checkMetric(definition: string, context: Omit<MetricContext, "accountId">): void {
  compileMetric(definition, { ...context, accountId: "" });
}

// ───────────── the compiler's own shapes ─────────────

/**
 * A filter condition and where it came from: a SELECT's own WHERE must apply to every
 * aggregate in it; a parent's (context, enclosing metric) is ignored where it cannot apply.
 */
interface Conj {
  cond: CondNode;
  origin: "own" | "parent";
  label: string;
}

/** A group of the result: a data set (its PID), a field, or the date dimension. */
interface Key {
  path: PathNode | DimensionPath;
  granularity: Granularity | undefined;
  text: string;
  pos: SourcePosition | undefined;
}

/** A value over CTEs that each have the columns k0…kn-1 and v. */
interface Val {
  sql: string;
  sources: string[];
}

/** The tables one SELECT over a data set reads: its base and the LEFT JOINs its paths need. */
interface Scope {
  base: Dataset;
  alias: string;
  joins: string[];
  joined: Map<string, string>;
  allowReverse: boolean;
  /** Conditions already compiled in this scope, by their canonical key, so that one is always the same SQL. */
  compiled: Map<string, string>;
}

/** A WHERE condition with its canonical key (equal conditions have equal keys). */
interface Where {
  key: string;
  sql: string;
}

/**
 * One pass over a data set's rows, grouped by the same keys: every aggregate over those rows
 * (of every metric compiled together) is a column of it. Aggregates whose filters differ
 * share the filters common to all in WHERE and apply the rest inside the aggregate.
 */
interface Scan {
  name: string;
  scope: Scope;
  /** The alias counter inside the scan's CTE. */
  aliases: number;
  keySql: string[];
  columns: { name: string; kind: "rows" | "distinct" | "value"; fn: string; value: string; where: Where[] }[];
  byShape: Map<string, string>;
}

type Resolved = { dataset: Dataset; field: MetricField; steps: Step[] };

/** What an aggregate over a data set's rows reads (the other kind is a nested SELECT … BY). */
type RowsArg = Exclude<AggregateArg, { kind: "nested" }>;

const DATE_BUCKETS: Record<Granularity, (column: string) => string> = {
  hour: (c) => `strftime('%Y-%m-%dT%H:00', ${c}, 'unixepoch')`,
  day: (c) => `date(${c}, 'unixepoch')`,
  week: (c) => `date(${c}, 'unixepoch', 'weekday 0', '-6 days')`,
  month: (c) => `strftime('%Y-%m', ${c}, 'unixepoch')`,
};

const fieldKey = (dataset: Dataset, field: MetricField) => `${dataset.name}.${field.key}`;
const quote = (table: string) => `"${table}"`;

class Compilation {
  private readonly params: (string | number)[];
  private readonly paramIndex = new Map<string, number>();
  private readonly ctes: (string | Scan)[] = [];
  private readonly cteBySql = new Map<string, string>();
  private readonly scans = new Map<string, Scan>();
  private aliases = 0;
  private aggregates = 0;
  private readonly ignored = new Set<string>();
  private readonly names: Map<string, string>;
  private readonly parsed = new Map<string, SelectNode>();

  constructor(private readonly context: MetricContext) {
    this.params = [context.accountId];
    this.names = metricNames(context.metrics);
  }

  compile(metrics: readonly { definition: string; name?: string }[], valueNames: readonly string[]): CompiledMetric {
    const keys = (this.context.by ?? []).map((b) => this.viewByKey(b));
    const filters = (this.context.filters ?? []).map((f) => this.contextConj(f));
    const values = metrics.map(({ definition, name }) => {
      try {
        const root = parseMetric(definition, { metrics: this.names });
        if (root.by) throw byOutside(root.by[0]?.pos ?? root.pos);
        const own = name ? normalizeName(name) : undefined;
        const stack = own ? [this.names.get(own) ?? name ?? own] : [];
        this.aggregates = 0;
        return this.select(root, filters, keys, stack);
      } catch (error) {
        if (!(error instanceof MetricError) || metrics.length === 1 || !name) throw error;
        throw new MetricError(error.metricCode, `in metric "${name}": ${error.message}`);
      }
    });
    const level = this.levelSelect(
      values,
      keys.length,
      valueNames.map(() => undefined),
    );

    const columns: MetricColumn[] = [];
    const select: string[] = [];
    const joins: string[] = [];
    keys.forEach((key, i) => {
      select.push(`r.k${i} AS by${i}`);
      columns.push({ key: `by${i}`, label: key.text, role: "by" });
      const named = this.displayTable(key);
      if (named) {
        const alias = `n${i}`;
        const kind = named.kind ? ` AND ${alias}.kind = '${named.kind}'` : "";
        joins.push(
          `LEFT JOIN ${quote(named.table)} AS ${alias} ON ${alias}.account_id = ${ACCOUNT}${kind} AND ${alias}.pid = r.k${i}`,
        );
        select.push(`${alias}.${named.column} AS by${i}_name`);
        columns.push({ key: `by${i}_name`, label: `${key.text} (name)`, role: "name" });
      }
    });
    valueNames.forEach((name, i) => {
      select.push(`r.v${i} AS ${name}`);
      columns.push({ key: name, label: metrics.length === 1 ? "Value" : (metrics[i]?.name ?? name), role: "value" });
    });
    const order = keys.length ? ` ORDER BY ${keys.map((_, i) => `r.k${i}`).join(", ")}` : "";
    const ctes = this.ctes.map((c) => (typeof c === "string" ? c : `${c.name} AS (${this.scanSql(c)})`));
    const withClause = ctes.length ? `WITH ${ctes.join(",\n")}\n` : "";
    const sql = `${withClause}SELECT ${select.join(", ")} FROM (${level}) AS r${joins.map((j) => ` ${j}`).join("")}${order}`;
    if (new TextEncoder().encode(sql).length > METRIC_LIMITS.sqlBytes) {
      throw new MetricError(
        "TOO_COMPLEX",
        metrics.length === 1
          ? "the metric is too large to compute in one query; split it into simpler metrics"
          : "these metrics together are too large to compute in one query; show fewer at once",
      );
    }
    if (this.params.length > METRIC_LIMITS.parameters) {
      throw new MetricError(
        "TOO_COMPLEX",
        `${metrics.length === 1 ? "the metric uses" : "these metrics together use"} more than ${METRIC_LIMITS.parameters} distinct text values`,
      );
    }
    return { sql, params: this.params, columns, ignoredFilters: [...this.ignored] };
  }

  // ───────────── parameters, aliases, CTEs ─────────────

  /** A value in the SQL: a number as a literal, text as a bound parameter (D1 binds at most 100). */
  private param(value: string | number): string {
    if (typeof value === "number" && Number.isFinite(value)) return value < 0 ? `(${value})` : String(value);
    const key = `${typeof value}:${value}`;
    let index = this.paramIndex.get(key);
    if (index === undefined) {
      this.params.push(value);
      index = this.params.length;
      this.paramIndex.set(key, index);
    }
    return `?${index}`;
  }

  private alias(prefix = "t"): string {
    return `${prefix}${++this.aliases}`;
  }

  /** Adds a CTE (reusing an identical one) and returns its name. */
  private cte(sql: string): string {
    const existing = this.cteBySql.get(sql);
    if (existing) return existing;
    const name = `m${this.ctes.length + 1}`;
    this.cteBySql.set(sql, name);
    this.ctes.push(`${name} AS (${sql})`);
    return name;
  }

  /** The scan over `base` grouped by `keys`, started by the first aggregate that needs it. */
  private scan(base: Dataset, keys: Key[], what: string): Scan {
    const shape = `${base.name}|${keys.map((k) => `${k.text}/${k.granularity ?? ""}`).join("|")}`;
    let scan = this.scans.get(shape);
    if (!scan) {
      this.aliases = 0;
      const scope = this.scope(base, true);
      const keySql = keys.map((k) => this.keySql(scope, k, what));
      scan = {
        name: `m${this.ctes.length + 1}`,
        scope,
        aliases: this.aliases,
        keySql,
        columns: [],
        byShape: new Map(),
      };
      this.scans.set(shape, scan);
      this.ctes.push(scan);
    }
    return scan;
  }

  /** Runs `f` with the scan's own alias counter, so aliases stay unique within its CTE. */
  private inScan<T>(scan: Scan, f: () => T): T {
    this.aliases = scan.aliases;
    try {
      return f();
    } finally {
      scan.aliases = this.aliases;
    }
  }

  /** The scan's CTE: its keys and one column per aggregate. */
  private scanSql(scan: Scan): string {
    const { scope, columns } = scan;
    const shared = columns.map((c) => new Set(c.where.map((w) => w.key)));
    const common = (columns[0]?.where ?? []).filter((w) => shared.every((keys) => keys.has(w.key)));
    const commonKeys = new Set(common.map((w) => w.key));
    const own = columns.map((c) => c.where.filter((w) => !commonKeys.has(w.key)).map((w) => w.sql));
    const where = [`${scope.alias}.account_id = ${ACCOUNT}`, ...common.map((w) => w.sql)];
    // Only rows some aggregate reads, so that the groups are the union of each aggregate's own.
    if (own.every((conds) => conds.length > 0))
      where.push(
        balanced(
          own.map((conds) => conds.join(" AND ")),
          "OR",
        ),
      );
    const aggregates = columns.map((c, i) => {
      const conds = own[i] ?? [];
      const when = (value: string) => (conds.length ? `CASE WHEN ${conds.join(" AND ")} THEN ${value} END` : value);
      const sql =
        c.kind === "rows"
          ? conds.length
            ? `COUNT(${when("1")})`
            : "COUNT(*)"
          : c.kind === "distinct"
            ? `COUNT(DISTINCT ${when(c.value)})`
            : `${c.fn}(${when(c.value)})`;
      return `${sql} AS ${c.name}`;
    });
    const from = `${quote(scope.base.table)} AS ${scope.alias}${scope.joins.map((j) => ` ${j}`).join("")}`;
    const keyList = scan.keySql.map((k, i) => `${k} AS k${i}`);
    const groupBy = keyList.length ? ` GROUP BY ${keyList.map((_, i) => `k${i}`).join(", ")}` : "";
    return `SELECT ${[...keyList, ...aggregates].join(", ")} FROM ${from} WHERE ${where.join(" AND ")}${groupBy}`;
  }

  // ───────────── the context ─────────────

  private contextPath(text: string): PathNode | DimensionPath {
    if (normalizeName(text) === normalizeName(DATE_DIMENSION))
      return { kind: "dimension", text: DATE_DIMENSION, pos: at0 };
    try {
      return parseAttribute(text);
    } catch (error) {
      if (error instanceof MetricError) {
        throw new MetricError(error.metricCode, `in "${text}": ${error.reason}`);
      }
      throw error;
    }
  }

  private viewByKey(by: ViewBy): Key {
    const path = this.contextPath(by.attribute);
    const isDate = path.kind === "dimension" || (path.kind === "field" && path.field.kind === "date");
    if (by.granularity && !isDate) {
      throw new MetricError("TYPE_ERROR", `"${path.text}" is not a date; only dates are grouped by ${by.granularity}`);
    }
    if (path.kind === "field") checkGroupable(path);
    return { path, granularity: isDate ? (by.granularity ?? "day") : undefined, text: path.text, pos: undefined };
  }

  private contextConj(filter: ContextFilter): Conj {
    const named = this.contextPath(filter.attribute);
    const path: FieldPath | DimensionPath = named.kind === "dataset" ? pidPath(named) : named;
    const literal = (v: string | number) => ({
      kind: typeof v === "number" ? ("number" as const) : ("string" as const),
      text: String(v),
      pos: at0,
    });
    const atom = (op: AtomNode["op"], values: (string | number)[]): CondNode => ({
      kind: "atom",
      path,
      op,
      values: values.map((v) => convert(path, op, literal(v))),
      pos: at0,
    });
    const label = path.text;
    if ("values" in filter) {
      if (filter.values.length > METRIC_LIMITS.inListValues) {
        throw new MetricError(
          "IN_LIST_TOO_LONG",
          `the filter on "${label}" has ${filter.values.length} values; at most ${METRIC_LIMITS.inListValues} are allowed`,
        );
      }
      return { cond: atom(filter.exclude ? "not in" : "in", [...filter.values]), origin: "parent", label };
    }
    const parts: CondNode[] = [];
    if (filter.from !== undefined) parts.push(atom(">=", [filter.from]));
    if (filter.to !== undefined) parts.push(atom("<", [filter.to]));
    const [first, ...rest] = parts;
    if (!first) throw new MetricError("INVALID_VALUE", `the filter on "${label}" needs values, or from and/or to`);
    const cond = rest.reduce<CondNode>((left, right) => ({ kind: "and", left, right, pos: at0 }), first);
    return { cond, origin: "parent", label };
  }

  // ───────────── SELECT and filter precedence ─────────────

  /**
   * Evaluates a SELECT under its parents' filters. By default a parent's `=`/`IN`/date-range
   * filter on an attribute replaces the SELECT's own `=`/`IN`/date-range condition on it;
   * WITH PARENT FILTER keeps both; EXCEPT drops the parents' filters on the listed attributes
   * (WITH) or all but them (WITHOUT).
   */
  private select(node: SelectNode, parents: Conj[], keys: Key[], stack: string[]): Val {
    if (stack.length > METRIC_LIMITS.depth) {
      throw new MetricError("TOO_COMPLEX", `metrics may nest at most ${METRIC_LIMITS.depth} deep`, node.pos);
    }
    const own: Conj[] = (node.where ? conjuncts(node.where) : []).map((cond) => ({
      cond,
      origin: "own",
      label: [...new Set(atomsOf(cond).map((a) => a.path.text))].join(", "),
    }));
    const excepted = new Set(
      node.parent.mode === "default" ? [] : node.parent.except.map((p) => fieldKey(p.dataset, p.field)),
    );
    const touches = (conj: Conj) => [...attributesOf(conj.cond)].some((a) => excepted.has(a));
    let kept: Conj[];
    let overrides: boolean;
    switch (node.parent.mode) {
      case "default":
        kept = parents;
        overrides = true;
        break;
      case "with":
        kept = parents.filter((p) => !touches(p));
        overrides = false;
        break;
      case "without":
        kept = parents.filter((p) => touches(p));
        overrides = true;
        break;
    }
    const parentAttributes = new Set(kept.filter((p) => isPositive(p.cond)).flatMap((p) => [...attributesOf(p.cond)]));
    const ownKept = overrides
      ? own.filter((c) => !(isPositive(c.cond) && [...attributesOf(c.cond)].some((a) => parentAttributes.has(a))))
      : own;
    const asParents = kept.map((c): Conj => ({ ...c, origin: "parent" }));
    return this.expr(node.expr, [...asParents, ...ownKept], keys, stack);
  }

  private expr(node: ExprNode, conds: Conj[], keys: Key[], stack: string[]): Val {
    switch (node.kind) {
      case "number":
        return { sql: this.param(node.value), sources: [] };
      case "negate": {
        const operand = this.expr(node.operand, conds, keys, stack);
        return { sql: `(-${operand.sql})`, sources: operand.sources };
      }
      case "binary": {
        const left = this.expr(node.left, conds, keys, stack);
        const right = this.expr(node.right, conds, keys, stack);
        const sql =
          node.op === "/" ? `(${left.sql} * 1.0 / NULLIF(${right.sql}, 0))` : `(${left.sql} ${node.op} ${right.sql})`;
        return { sql, sources: [...new Set([...left.sources, ...right.sources])] };
      }
      case "metric":
        return this.metric(node.name, node.pos, conds, keys, stack);
      case "select":
        if (node.by) throw byOutside(node.by[0]?.pos ?? node.pos);
        return this.select(node, conds, keys, stack);
      case "aggregate":
        return this.aggregate(node, conds, keys, stack);
    }
  }

  private metric(name: string, pos: SourcePosition, conds: Conj[], keys: Key[], stack: string[]): Val {
    if (stack.some((s) => normalizeName(s) === normalizeName(name))) {
      const start = stack.findIndex((s) => normalizeName(s) === normalizeName(name));
      throw new MetricError(
        "CIRCULAR_METRIC",
        `circular metric reference: ${[...stack.slice(start), name].join(" → ")}`,
        pos,
      );
    }
    try {
      let parsed = this.parsed.get(name);
      if (!parsed) {
        parsed = parseMetric(this.context.metrics?.get(name) ?? "", { metrics: this.names });
        if (parsed.by) throw byOutside(parsed.by[0]?.pos ?? parsed.pos);
        this.parsed.set(name, parsed);
      }
      return this.select(parsed, conds, keys, [...stack, name]);
    } catch (error) {
      if (!(error instanceof MetricError)) throw error;
      if (error.metricCode === "CIRCULAR_METRIC" || error.metricCode === "TOO_COMPLEX") {
        throw new MetricError(error.metricCode, error.reason, pos);
      }
      throw new MetricError(error.metricCode, `in metric "${name}": ${error.message}`, pos);
    }
  }

  // ───────────── aggregates ─────────────

  private aggregate(node: AggregateNode, conds: Conj[], keys: Key[], stack: string[]): Val {
    if (++this.aggregates > METRIC_LIMITS.aggregates) {
      throw new MetricError("TOO_COMPLEX", `a metric may use at most ${METRIC_LIMITS.aggregates} aggregates`, node.pos);
    }
    const count = node.fn === "COUNT";
    const { arg } = node;
    const { cte, column } =
      arg.kind === "nested"
        ? { cte: this.nested(node, arg.select, conds, keys, stack), column: "v" }
        : this.overRows(node, arg, conds, keys);
    const ref = `${cte}.${column}`;
    return { sql: count && keys.length > 0 ? `COALESCE(${ref}, 0)` : ref, sources: [cte] };
  }

  /**
   * An aggregate over the rows of a data set: a column of the scan over them, or, for a
   * median or percentile (which needs the rows), a CTE of its own with the keys and `v`.
   */
  private overRows(node: AggregateNode, arg: RowsArg, conds: Conj[], keys: Key[]): { cte: string; column: string } {
    const base = this.baseOf(node, arg);
    const what = describeAggregate(node);
    if (node.fn === "MEDIAN" || node.fn === "PERCENTILE") {
      // Aliases are local to the CTE, so identical aggregates give identical SQL and are computed once.
      this.aliases = 0;
      const scope = this.scope(base, true);
      const keySql = keys.map((k) => this.keySql(scope, k, what));
      const value = this.rowValue(scope, node, arg, what);
      const where = [`${scope.alias}.account_id = ${ACCOUNT}`, ...this.filterSql(scope, conds, what).map((w) => w.sql)];
      const from = `${quote(base.table)} AS ${scope.alias}${scope.joins.map((j) => ` ${j}`).join("")}`;
      const rows = `SELECT ${[...keySql.map((k, i) => `${k} AS k${i}`), `${value} AS x`].join(", ")} FROM ${from} WHERE ${where.join(" AND ")} AND ${value} IS NOT NULL`;
      const fraction = node.fn === "MEDIAN" ? 0.5 : (node.fraction ?? 0.5);
      return { cte: this.cte(this.percentileSql(rows, keys.length, fraction)), column: "v" };
    }
    const scan = this.scan(base, keys, what);
    return this.inScan(scan, () => {
      const value = this.rowValue(scan.scope, node, arg, what);
      const where = this.filterSql(scan.scope, conds, what);
      const kind = arg.kind === "rows" ? "rows" : arg.kind === "distinct" ? "distinct" : "value";
      const shape = `${kind} ${node.fn}(${value}) ${where
        .map((w) => w.key)
        .sort()
        .join(" & ")}`;
      let column = scan.byShape.get(shape);
      if (!column) {
        column = `v${scan.columns.length + 1}`;
        scan.columns.push({ name: column, kind, fn: node.fn, value, where });
        scan.byShape.set(shape, column);
      }
      return { cte: scan.name, column };
    });
  }

  /** What an aggregate reads from each row: 1 for COUNT, a column, or a fact expression. */
  private rowValue(scope: Scope, node: AggregateNode, arg: RowsArg, what: string): string {
    switch (arg.kind) {
      case "rows":
        return "1";
      case "distinct":
        return this.columnSql(scope, this.resolve(scope, arg.path, false, node.pos, what));
      case "facts":
        return this.factSql(scope, arg.expr, what);
    }
  }

  /** `AVG(SELECT … BY Customer)`: the inner metric per context group and BY item, then aggregated over the BY items. */
  private nested(node: AggregateNode, select: SelectNode, conds: Conj[], keys: Key[], stack: string[]): string {
    const by = (select.by ?? []).map((path): Key => {
      if (path.kind === "field") checkGroupable(path);
      const isDate = path.kind === "field" && path.field.kind === "date";
      return { path, granularity: isDate ? "day" : undefined, text: path.text, pos: path.pos };
    });
    const inner = this.select({ ...select, by: undefined }, conds, [...keys, ...by], stack);
    const rows = this.cte(this.levelSelect([inner], keys.length + by.length, ["v"]));
    const keyList = keys.map((_, i) => `k${i}`);
    const present = by.map((_, i) => `k${keys.length + i} IS NOT NULL`);
    const where = [...present, "v IS NOT NULL"].join(" AND ");
    if (node.fn === "MEDIAN" || node.fn === "PERCENTILE") {
      const source = `SELECT ${[...keyList, "v AS x"].join(", ")} FROM ${rows} WHERE ${where}`;
      return this.cte(this.percentileSql(source, keys.length, node.fn === "MEDIAN" ? 0.5 : (node.fraction ?? 0.5)));
    }
    const groupBy = keyList.length ? ` GROUP BY ${keyList.join(", ")}` : "";
    return this.cte(`SELECT ${[...keyList, `${node.fn}(v) AS v`].join(", ")} FROM ${rows} WHERE ${where}${groupBy}`);
  }

  /** Linear interpolation between the two nearest ranks, like PERCENTILE_CONT; `rows` has k0…, x. */
  private percentileSql(rows: string, keyCount: number, fraction: number): string {
    const keyList = Array.from({ length: keyCount }, (_, i) => `k${i}`);
    const window = keyList.length ? `PARTITION BY ${keyList.join(", ")} ` : "";
    const p = this.param(fraction);
    const ranked = `SELECT ${[...keyList, "x", `ROW_NUMBER() OVER (${window}ORDER BY x) AS rn`, `${p} * (COUNT(*) OVER (${window.trim()}) - 1) AS pos`].join(", ")} FROM (${rows})`;
    const split = `SELECT ${[...keyList, "x", "rn", "CAST(pos AS INTEGER) AS lo", "pos - CAST(pos AS INTEGER) AS f"].join(", ")} FROM (${ranked})`;
    const value = "SUM(CASE WHEN rn = lo + 1 THEN x * (1 - f) WHEN rn = lo + 2 THEN x * f ELSE 0 END)";
    const groupBy = keyList.length ? ` GROUP BY ${keyList.join(", ")}` : "";
    return `SELECT ${[...keyList, `${value} AS v`].join(", ")} FROM (${split})${groupBy}`;
  }

  /** The data set an aggregate runs over: the counted one, the given one, or the one every fact is reached from. */
  private baseOf(node: AggregateNode, arg: RowsArg): Dataset {
    if (arg.kind === "rows") {
      if (node.over && node.over.dataset !== arg.path.dataset) {
        throw new MetricError(
          "TYPE_ERROR",
          `COUNT(${arg.path.text}) counts ${arg.path.text}; it cannot run over ${node.over.text}`,
          node.over.pos,
        );
      }
      return arg.path.dataset;
    }
    if (arg.kind === "distinct") return node.over?.dataset ?? arg.path.dataset;
    const facts = factsOf(arg.expr);
    if (node.over) return node.over.dataset;
    const candidates = [...new Set(facts.map((f) => f.path.dataset))];
    const base = candidates.find((c) => candidates.every((d) => pathBetween(c, d, false)));
    if (!base) {
      throw new MetricError(
        "UNRELATED_ATTRIBUTE",
        `${node.fn} combines facts of ${candidates.map((c) => c.label).join(" and ")}, which do not reference one another`,
        node.pos,
      );
    }
    return base;
  }

  /** A fact expression per row; combined facts count a missing one as 0 unless all are missing. */
  private factSql(scope: Scope, expr: FactNode, what: string): string {
    const columns: string[] = [];
    const build = (node: FactNode, single: boolean): string => {
      switch (node.kind) {
        case "number":
          return this.param(node.value);
        case "fact": {
          const column = this.columnSql(scope, this.resolve(scope, node.path, false, node.pos, what));
          columns.push(column);
          return single ? column : `IFNULL(${column}, 0)`;
        }
        case "negate":
          return `(-${build(node.operand, single)})`;
        case "binary": {
          const left = build(node.left, single);
          const right = build(node.right, single);
          return node.op === "/" ? `(${left} * 1.0 / NULLIF(${right}, 0))` : `(${left} ${node.op} ${right})`;
        }
      }
    };
    if (expr.kind === "fact") return build(expr, true);
    // A row counts when it has at least one of the facts; a missing one counts as 0.
    const sql = build(expr, false);
    if (columns.length === 0) return sql;
    return `(CASE WHEN ${columns.map((c) => `${c} IS NULL`).join(" AND ")} THEN NULL ELSE ${sql} END)`;
  }

  // ───────────── combining aggregates ─────────────

  /**
   * A SELECT of k0…kn-1 and one column per value (named as given, `v0`, `v1`, … by default)
   * from values over CTEs: one row without keys, the union of their groups with them.
   */
  private levelSelect(values: readonly Val[], keyCount: number, names: readonly (string | undefined)[]): string {
    const keyList = Array.from({ length: keyCount }, (_, i) => `k${i}`);
    const sources = [...new Set(values.flatMap((v) => v.sources))];
    const valueList = values.map((v, i) => `${v.sql} AS ${names[i] ?? `v${i}`}`);
    if (keyCount === 0) {
      return `SELECT ${valueList.join(", ")}${sources.length ? ` FROM ${sources.join(" CROSS JOIN ")}` : ""}`;
    }
    if (sources.length === 0) {
      const nulls = values.map((_, i) => `NULL AS ${names[i] ?? `v${i}`}`);
      return `SELECT ${[...keyList.map((k) => `NULL AS ${k}`), ...nulls].join(", ")} WHERE 0`;
    }
    const [only] = sources;
    if (sources.length === 1 && only) {
      return `SELECT ${[...keyList.map((k) => `${only}.${k} AS ${k}`), ...valueList].join(", ")} FROM ${only}`;
    }
    const groups = sources.map((s) => `SELECT ${keyList.join(", ")} FROM ${s}`).join(" UNION ");
    const joins = sources
      .map((s) => `LEFT JOIN ${s} ON ${keyList.map((k) => `${s}.${k} IS g.${k}`).join(" AND ")}`)
      .join(" ");
    return `SELECT ${[...keyList.map((k) => `g.${k} AS ${k}`), ...valueList].join(", ")} FROM (${groups}) AS g ${joins}`;
  }

  // ───────────── paths, columns and keys ─────────────

  private scope(base: Dataset, allowReverse: boolean): Scope {
    return { base, alias: this.alias(), joins: [], joined: new Map(), allowReverse, compiled: new Map() };
  }

  /** LEFT JOINs along forward steps (many-to-one, so no row is repeated); returns the last alias. */
  private join(scope: Scope, steps: Step[]): string {
    let alias = scope.alias;
    let signature = "";
    for (const step of steps) {
      if (step.reverse) throw new Error("reverse steps are compiled as EXISTS");
      signature += `/${step.field.key}`;
      let next = scope.joined.get(signature);
      if (!next) {
        next = this.alias();
        scope.joined.set(signature, next);
        scope.joins.push(
          `LEFT JOIN ${quote(step.to.table)} AS ${next} ON ${next}.account_id = ${ACCOUNT} AND ${next}.pid = ${alias}.${step.field.column}`,
        );
      }
      alias = next;
    }
    return alias;
  }

  /** Where a field lives relative to the scope's base, or undefined when unrelated. */
  private tryResolve(scope: Scope, path: FieldPath | DimensionPath, allowReverse: boolean): Resolved | undefined {
    let dataset: Dataset;
    let field: MetricField;
    if (path.kind === "dimension") {
      const dimension = dateDimension(scope.base);
      if (!dimension) return undefined;
      ({ dataset, field } = dimension);
    } else {
      ({ dataset, field } = path);
    }
    const steps = pathBetween(scope.base, dataset, allowReverse && scope.allowReverse);
    return steps ? { dataset, field, steps } : undefined;
  }

  private resolve(
    scope: Scope,
    path: FieldPath | DimensionPath,
    allowReverse: boolean,
    pos: SourcePosition | undefined,
    what: string,
  ): Resolved {
    const resolved = this.tryResolve(scope, path, allowReverse);
    if (!resolved) throw unrelated(path, scope.base, what, pos);
    return resolved;
  }

  /** The SQL of a field reached by forward steps. */
  private columnSql(scope: Scope, { field, steps }: Resolved): string {
    const last = steps.at(-1);
    // A PID reached through a reference is the reference column itself: no join needed.
    if (field.kind === "pid" && last) return `${this.join(scope, steps.slice(0, -1))}.${last.field.column}`;
    const alias = this.join(scope, steps);
    return field.kind === "derived" ? field.sql(alias, ACCOUNT) : `${alias}.${field.column}`;
  }

  private keySql(scope: Scope, key: Key, what: string): string {
    const path = key.path.kind === "dataset" ? pidPath(key.path) : key.path;
    const resolved = this.resolve(scope, path, false, key.pos, what);
    const column = this.columnSql(scope, resolved);
    return key.granularity ? DATE_BUCKETS[key.granularity](column) : column;
  }

  /** The table and column that give a group's display name, if its values are PIDs of named items. */
  private displayTable(key: Key): { table: string; column: string; kind?: string } | undefined {
    const { path } = key;
    if (path.kind === "dimension") return undefined;
    if (path.kind === "dataset") {
      const name = displayField(path.dataset);
      return name ? { table: path.dataset.table, column: name.column } : undefined;
    }
    const { field } = path;
    if (field.kind === "entity") return { table: "entity", column: "name", kind: field.entity };
    if (field.kind === "reference" && field.target !== "conversation") {
      const target = datasetNamed(field.target);
      const name = displayField(target);
      return name ? { table: target.table, column: name.column } : undefined;
    }
    return undefined;
  }

  // ───────────── filters ─────────────

  /**
   * The WHERE conditions of one aggregate: applicable filters, with those on one related data
   * set in one EXISTS. Each has a canonical key; within a scope, equal conditions are the same SQL.
   */
  private filterSql(scope: Scope, conds: Conj[], what: string): Where[] {
    const applicable: CondNode[] = [];
    for (const conj of conds) {
      const unrelatedAtom = atomsOf(conj.cond).find((a) => !this.tryResolve(scope, a.path, true));
      if (!unrelatedAtom) {
        applicable.push(conj.cond);
      } else if (conj.origin === "parent") {
        this.ignored.add(conj.label);
      } else {
        throw unrelated(unrelatedAtom.path, scope.base, what, unrelatedAtom.pos);
      }
    }
    const once = (key: string, sql: () => string): Where => {
      let compiled = scope.compiled.get(key);
      if (compiled === undefined) {
        compiled = sql();
        scope.compiled.set(key, compiled);
      }
      return { key, sql: compiled };
    };
    const out: Where[] = [];
    const groups = new Map<string, { prefix: Step[]; reverse: Step; conds: CondNode[] }>();
    for (const cond of applicable) {
      const related = this.relatedVia(scope, cond);
      if (!related) {
        out.push(once(condKey(cond), () => this.condSql(scope, cond, false)));
        continue;
      }
      const group = groups.get(related.signature) ?? { ...related, conds: [] };
      group.conds.push(cond);
      groups.set(related.signature, group);
    }
    for (const [signature, group] of groups) {
      const key = `EXISTS ${signature} (${group.conds.map(condKey).sort().join(" & ")})`;
      out.push(once(key, () => this.existsSql(scope, group.prefix, group.reverse, group.conds)));
    }
    return out;
  }

  /**
   * When every atom of `cond` is on rows related through the same reverse step: that step. A
   * NOT in front is left outside, so `NOT Review ⏵ Question = "X"` means no such review.
   */
  private relatedVia(scope: Scope, cond: CondNode): { signature: string; prefix: Step[]; reverse: Step } | undefined {
    if (cond.kind === "not") return undefined;
    let found: { signature: string; prefix: Step[]; reverse: Step } | undefined;
    for (const atom of atomsOf(cond)) {
      const steps = this.tryResolve(scope, atom.path, true)?.steps ?? [];
      const r = steps.findIndex((s) => s.reverse);
      const reverse = steps[r];
      if (!reverse) return undefined;
      const prefix = steps.slice(0, r);
      const signature = [...prefix, reverse]
        .map((s) => `${s.reverse ? "<" : ">"}${s.to.name}.${s.field.key}`)
        .join("/");
      if (found && found.signature !== signature) return undefined;
      found = { signature, prefix, reverse };
    }
    return found;
  }

  /** `EXISTS (SELECT 1 FROM review …)`: a related row (review, transaction, …) that meets every condition. */
  private existsSql(scope: Scope, prefix: Step[], reverse: Step, conds: CondNode[]): string {
    const last = prefix.at(-1);
    const pid = last ? `${this.join(scope, prefix.slice(0, -1))}.${last.field.column}` : `${scope.alias}.pid`;
    const inner = this.scope(reverse.to, false);
    const where = [
      `${inner.alias}.account_id = ${ACCOUNT}`,
      `${inner.alias}.${reverse.field.column} = ${pid}`,
      ...conds.map((c) => this.condSql(inner, c, false)),
    ];
    const from = `${quote(reverse.to.table)} AS ${inner.alias}${inner.joins.map((j) => ` ${j}`).join("")}`;
    return `EXISTS (SELECT 1 FROM ${from} WHERE ${where.join(" AND ")})`;
  }

  /**
   * One condition. Under NOT (`nullSafe`) a test on a missing value is false rather than
   * NULL, so NOT gives exactly the other rows.
   */
  private condSql(scope: Scope, cond: CondNode, nullSafe: boolean): string {
    const related = this.relatedVia(scope, cond);
    if (related) return this.existsSql(scope, related.prefix, related.reverse, [cond]);
    switch (cond.kind) {
      case "and":
      case "or":
        return `(${this.condSql(scope, cond.left, nullSafe)} ${cond.kind.toUpperCase()} ${this.condSql(scope, cond.right, nullSafe)})`;
      case "not":
        return `NOT ${this.condSql(scope, cond.operand, true)}`;
      case "atom":
        return this.atomSql(scope, cond, nullSafe);
    }
  }

  private atomSql(scope: Scope, atom: AtomNode, nullSafe: boolean): string {
    const resolved = this.resolve(scope, atom.path, false, atom.pos, scope.base.label);
    const column = this.columnSql(scope, resolved);
    const safe = (sql: string) => (nullSafe ? `COALESCE(${sql}, 0)` : sql);
    switch (atom.op) {
      case "=":
      case "in":
        return safe(this.matchSql(resolved.field, column, atom.op, atom.values));
      case "<>":
        return `NOT COALESCE(${this.matchSql(resolved.field, column, "=", atom.values)}, 0)`;
      case "not in":
        return `NOT COALESCE(${this.matchSql(resolved.field, column, "in", atom.values)}, 0)`;
      default:
        return safe(`${column} ${atom.op} ${this.param(atom.values[0] ?? 0)}`);
    }
  }

  /**
   * `column = value` or `column IN values`. References and entities match an item's name,
   * source ID or PID (customers: ID or PID only, their names being personal data).
   */
  private matchSql(field: MetricField, column: string, op: "=" | "in", values: (string | number)[]): string {
    const test = (target: string) =>
      op === "="
        ? `${target} = ${this.param(values[0] ?? "")}`
        : `${target} IN (SELECT value FROM json_each(${this.param(JSON.stringify(values))}))`;
    let table: string | undefined;
    let kind = "";
    let byName = true;
    if (field.kind === "entity") {
      table = "entity";
      kind = field.entity;
    } else if (field.kind === "reference" && field.target !== "conversation") {
      const target = datasetNamed(field.target);
      table = target.table;
      byName = displayField(target) !== undefined;
    }
    if (!table) return test(column);
    const x = this.alias("x");
    const matches = [...(byName ? [test(`${x}.name`)] : []), test(`${x}.external_id`), test(`${x}.pid`)];
    const kindSql = kind ? ` AND ${x}.kind = '${kind}'` : "";
    return `${column} IN (SELECT ${x}.pid FROM ${quote(table)} AS ${x} WHERE ${x}.account_id = ${ACCOUNT}${kindSql} AND (${matches.join(" OR ")}))`;
  }
}

// ───────────── helpers over the tree ─────────────

const at0: SourcePosition = { line: 0, column: 0, offset: 0 };

/** `COUNT(Engagement)`, `SUM(Engagement ⏵ Wait Time …)` for messages. */
function describeAggregate(node: AggregateNode): string {
  const { arg } = node;
  const inner =
    arg.kind === "rows" || arg.kind === "distinct"
      ? arg.path.text
      : arg.kind === "facts"
        ? `${factsOf(arg.expr)[0]?.path.text ?? "…"}${factsOf(arg.expr).length > 1 ? " …" : ""}`
        : "SELECT …";
  return `${node.fn}(${inner})`;
}

function byOutside(pos: SourcePosition): MetricError {
  return new MetricError(
    "BY_OUTSIDE_AGGREGATE",
    "BY belongs in a SELECT nested in an aggregate, like AVG(SELECT Agent Conversations BY Customer)",
    pos,
  );
}

function unrelated(
  path: FieldPath | DimensionPath,
  base: Dataset,
  what: string,
  pos: SourcePosition | undefined,
): MetricError {
  const reason = `"${path.text}" has no relation to ${base.label}, so it cannot filter or split ${what}`;
  return new MetricError("UNRELATED_ATTRIBUTE", reason, pos && pos.line > 0 ? pos : undefined);
}

function checkGroupable(path: FieldPath) {
  if (path.field.kind === "fact" || path.field.kind === "text") {
    throw new MetricError(
      "TYPE_ERROR",
      `"${path.text}" is a ${path.field.kind === "fact" ? "fact" : "text field"}; only attributes, references and dates group`,
      path.pos.line > 0 ? path.pos : undefined,
    );
  }
}

/** A data set named where a field is expected means its items' PIDs. */
function pidPath(path: PathNode): FieldPath {
  if (path.kind === "field") return path;
  const field = path.dataset.fields.find((f) => f.kind === "pid");
  if (!field) throw new MetricError("TYPE_ERROR", `${path.text} has no PID to filter or group by`, path.pos);
  return { kind: "field", dataset: path.dataset, field, text: path.text, pos: path.pos };
}

/** A condition's canonical text: equal for conditions that mean the same, whatever their spelling or place. */
function condKey(cond: CondNode): string {
  switch (cond.kind) {
    case "and":
    case "or":
      return `(${condKey(cond.left)} ${cond.kind} ${condKey(cond.right)})`;
    case "not":
      return `not ${condKey(cond.operand)}`;
    case "atom": {
      const path = cond.path.kind === "dimension" ? DATE_DIMENSION : fieldKey(cond.path.dataset, cond.path.field);
      return `${path} ${cond.op} ${JSON.stringify(cond.values)}`;
    }
  }
}

/** `a OP b OP …` as a balanced tree of parentheses: D1 caps expression depth at 100. */
function balanced(parts: readonly string[], op: "AND" | "OR"): string {
  if (parts.length <= 1) return parts[0] ?? (op === "AND" ? "1" : "0");
  const middle = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, middle), op)} ${op} ${balanced(parts.slice(middle), op)})`;
}

/** The top-level AND parts of a condition. */
function conjuncts(cond: CondNode): CondNode[] {
  return cond.kind === "and" ? [...conjuncts(cond.left), ...conjuncts(cond.right)] : [cond];
}

function atomsOf(cond: CondNode): AtomNode[] {
  switch (cond.kind) {
    case "and":
    case "or":
      return [...atomsOf(cond.left), ...atomsOf(cond.right)];
    case "not":
      return atomsOf(cond.operand);
    case "atom":
      return [cond];
  }
}

/** The attributes a condition tests; the date dimension stands for every date it may mean. */
function attributesOf(cond: CondNode): Set<string> {
  const out = new Set<string>();
  for (const atom of atomsOf(cond)) {
    if (atom.path.kind === "dimension") {
      out.add("engagement.startTime");
      out.add("activity.intervalStart");
    } else {
      out.add(fieldKey(atom.path.dataset, atom.path.field));
    }
  }
  return out;
}

/** A condition that replaces, or is replaced by, another on the same attribute: `=`, `IN`, or a date range. */
function isPositive(cond: CondNode): boolean {
  if (cond.kind === "and") return isPositive(cond.left) && isPositive(cond.right);
  if (cond.kind !== "atom") return false;
  if (cond.op === "=" || cond.op === "in") return true;
  const isDate = cond.path.kind === "dimension" || cond.path.field.kind === "date";
  return isDate && cond.op !== "<>" && cond.op !== "not in";
}

function factsOf(node: FactNode): Extract<FactNode, { kind: "fact" }>[] {
  switch (node.kind) {
    case "fact":
      return [node];
    case "number":
      return [];
    case "negate":
      return factsOf(node.operand);
    case "binary":
      return [...factsOf(node.left), ...factsOf(node.right)];
  }
}
