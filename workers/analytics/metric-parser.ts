import type { Dataset } from "../model/types";
import { datasetByLabel, fieldByLabel, type MetricField, normalizeName, qualifiedLabel } from "./metric-catalog";
import { METRIC_LIMITS, MetricError, type SourcePosition } from "./metric-errors";
import { type Token, type TokenKind, tokenize } from "./metric-lexer";

// ───────────── the syntax tree (docs/metrics.md has the grammar) ─────────────

/** `SELECT expr [WHERE cond] [BY …] [WITH|WITHOUT PARENT FILTER [EXCEPT …]]`. */
export interface SelectNode {
  kind: "select";
  expr: ExprNode;
  where?: CondNode;
  by?: PathNode[];
  parent: ParentClause;
  pos: SourcePosition;
}

/** How a SELECT treats the filters of its context (dashboard, visualization, enclosing metric). */
export type ParentClause =
  | { mode: "default" }
  | { mode: "with"; except: FieldPath[] }
  | { mode: "without"; except: FieldPath[] };

export type ExprNode =
  | { kind: "number"; value: number; pos: SourcePosition }
  | { kind: "negate"; operand: ExprNode; pos: SourcePosition }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: ExprNode; right: ExprNode; pos: SourcePosition }
  | { kind: "metric"; name: string; pos: SourcePosition }
  | AggregateNode
  | SelectNode;

export type AggregateFunction = "COUNT" | "SUM" | "AVG" | "MIN" | "MAX" | "MEDIAN" | "PERCENTILE";

export interface AggregateNode {
  kind: "aggregate";
  fn: AggregateFunction;
  arg: AggregateArg;
  /** PERCENTILE's fraction, 0 to 1. */
  fraction?: number;
  /** The data set whose rows are aggregated, when given as the last argument. */
  over?: DatasetPath;
  pos: SourcePosition;
}

export type AggregateArg =
  | { kind: "rows"; path: DatasetPath }
  | { kind: "distinct"; path: FieldPath }
  | { kind: "facts"; expr: FactNode }
  | { kind: "nested"; select: SelectNode };

/** Arithmetic over facts inside an aggregate: `Engagement ⏵ Wait Time + Engagement ⏵ Hold Time`. */
export type FactNode =
  | { kind: "number"; value: number; pos: SourcePosition }
  | { kind: "negate"; operand: FactNode; pos: SourcePosition }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: FactNode; right: FactNode; pos: SourcePosition }
  | { kind: "fact"; path: FieldPath; pos: SourcePosition };

/** A data set named alone: `Engagement`. */
export interface DatasetPath {
  kind: "dataset";
  dataset: Dataset;
  text: string;
  pos: SourcePosition;
}

/** A field of a data set: `Engagement ⏵ Type`. */
export interface FieldPath {
  kind: "field";
  dataset: Dataset;
  field: MetricField;
  text: string;
  pos: SourcePosition;
}

export type PathNode = DatasetPath | FieldPath;

/** `Date` in a context: the shared date dimension, resolved per data set by the compiler. */
export interface DimensionPath {
  kind: "dimension";
  text: string;
  pos: SourcePosition;
}

export type CondNode =
  | { kind: "and" | "or"; left: CondNode; right: CondNode; pos: SourcePosition }
  | { kind: "not"; operand: CondNode; pos: SourcePosition }
  | AtomNode;

export type Comparison = "=" | "<>" | "<" | "<=" | ">" | ">=" | "in" | "not in";

/** One test of one field; values are already converted to the field's type. */
export interface AtomNode {
  kind: "atom";
  path: FieldPath | DimensionPath;
  op: Comparison;
  values: (string | number)[];
  pos: SourcePosition;
}

/** What the parser needs to know besides the catalog: the metric names, normalised, each to its canonical spelling. */
export interface ParseNames {
  metrics: ReadonlyMap<string, string>;
}

const AGGREGATES = new Set<string>(["COUNT", "SUM", "AVG", "MIN", "MAX", "MEDIAN", "PERCENTILE"]);
/** Words that end a name in error messages (names themselves may contain them: `Terminated By`). */
const RESERVED = new Set(["SELECT", "WHERE", "BY", "WITH", "WITHOUT", "AND", "OR", "NOT", "IN", "EXCEPT"]);

/** Parses one metric definition; throws MetricError with the line and column of the first problem. */
export function parseMetric(source: string, names: ParseNames): SelectNode {
  if (source.length > METRIC_LIMITS.definitionChars) {
    throw new MetricError("TOO_COMPLEX", `a definition may have at most ${METRIC_LIMITS.definitionChars} characters`);
  }
  return new Parser(tokenize(source), source, names).metric();
}

/** Parses an attribute or data set named in a context (a dashboard filter or view-by). */
export function parseAttribute(text: string): PathNode {
  return new Parser(tokenize(text), text, { metrics: new Map() }).attribute();
}

const describe = (t: Token): string =>
  t.kind === "eof" ? "the end" : t.kind === "string" ? `"${t.text}" (a string)` : `"${t.text}"`;

class Parser {
  private i = 0;
  private depth = 0;
  private operators = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
    private readonly names: ParseNames,
  ) {}

  metric(): SelectNode {
    const select = this.select();
    this.expectKind("eof", "the end of the definition");
    return select;
  }

  attribute(): PathNode {
    const path = this.path();
    this.expectKind("eof", "the end of the attribute");
    return path;
  }

  // ───────────── tokens ─────────────

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.i++;
    return t;
  }

  private isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === "word" && t.text.toUpperCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) throw this.expected(word);
    return this.next();
  }

  private expectKind(kind: TokenKind, what: string = kind): Token {
    if (this.peek().kind !== kind) throw this.expected(what === kind ? `"${kind}"` : what);
    return this.next();
  }

  private expected(what: string, token = this.peek()): MetricError {
    return new MetricError("SYNTAX_ERROR", `expected ${what} but found ${describe(token)}`, token.pos);
  }

  /** Indexes of the word and number tokens from the current one on: a candidate name. */
  private run(from = this.i): number {
    let j = from;
    while (this.tokens[j]?.kind === "word" || this.tokens[j]?.kind === "number") j++;
    return j - from;
  }

  private text(from: number, count: number): string {
    const first = this.tokens[from] as Token;
    const last = this.tokens[from + count - 1] as Token;
    return this.source.slice(first.pos.offset, last.pos.offset + last.text.length);
  }

  /** The words of a name as written, stopping at a reserved word: for messages. */
  private shownName(from: number, count: number): string {
    let n = 0;
    while (n < count && !(n > 0 && RESERVED.has((this.tokens[from + n] as Token).text.toUpperCase()))) n++;
    return this.text(from, Math.max(n, 1));
  }

  /** Runs `parse` one level deeper, refusing definitions nested too deep for SQLite. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > METRIC_LIMITS.nesting) {
      throw new MetricError(
        "TOO_COMPLEX",
        `parentheses, NOT and signs nest at most ${METRIC_LIMITS.nesting} deep`,
        this.peek().pos,
      );
    }
    const result = parse();
    this.depth--;
    return result;
  }

  /** Takes an operator token, counting it against the limit. */
  private operator(): Token {
    if (++this.operators > METRIC_LIMITS.operators) {
      throw new MetricError(
        "TOO_COMPLEX",
        `a definition may have at most ${METRIC_LIMITS.operators} operators`,
        this.peek().pos,
      );
    }
    return this.next();
  }

  // ───────────── SELECT ─────────────

  private select(): SelectNode {
    const pos = this.expectWord("SELECT").pos;
    const expr = this.expr();
    const node: SelectNode = { kind: "select", expr, parent: { mode: "default" }, pos };
    let parentSeen = false;
    for (;;) {
      const t = this.peek();
      if (this.acceptWord("WHERE")) {
        if (node.where) throw new MetricError("DUPLICATE_CLAUSE", "a SELECT has at most one WHERE", t.pos);
        node.where = this.condition();
      } else if (this.acceptWord("BY")) {
        if (node.by) throw new MetricError("DUPLICATE_CLAUSE", "a SELECT has at most one BY", t.pos);
        node.by = this.byList();
      } else if (this.isWord("WITH") || this.isWord("WITHOUT")) {
        if (parentSeen)
          throw new MetricError("DUPLICATE_CLAUSE", "a SELECT has at most one PARENT FILTER clause", t.pos);
        parentSeen = true;
        node.parent = this.parentClause();
      } else {
        return node;
      }
    }
  }

  private parentClause(): ParentClause {
    const mode = this.next().text.toUpperCase() === "WITH" ? "with" : "without";
    if (!this.acceptWord("PF")) {
      this.expectWord("PARENT");
      this.expectWord("FILTER");
    }
    const except: FieldPath[] = [];
    if (this.acceptWord("EXCEPT")) {
      except.push(this.fieldPath());
      while (this.peek().kind === ",") {
        this.next();
        except.push(this.fieldPath());
      }
    }
    return { mode, except };
  }

  private byList(): PathNode[] {
    const list = [this.path()];
    // A number after the comma is PERCENTILE's fraction, not another BY item.
    while (this.peek().kind === "," && this.peek(1).kind !== "number") {
      this.next();
      list.push(this.path());
    }
    return list;
  }

  // ───────────── arithmetic over metrics ─────────────

  private expr(): ExprNode {
    let left = this.term();
    while (this.peek().kind === "+" || this.peek().kind === "-") {
      const op = this.operator();
      left = { kind: "binary", op: op.kind as "+" | "-", left, right: this.term(), pos: op.pos };
    }
    return left;
  }

  private term(): ExprNode {
    let left = this.unary();
    while (this.peek().kind === "*" || this.peek().kind === "/") {
      const op = this.operator();
      left = { kind: "binary", op: op.kind as "*" | "/", left, right: this.unary(), pos: op.pos };
    }
    return left;
  }

  private unary(): ExprNode {
    const t = this.peek();
    if (t.kind === "-") {
      this.next();
      return { kind: "negate", operand: this.nested(() => this.unary()), pos: t.pos };
    }
    return this.primary();
  }

  private primary(): ExprNode {
    const t = this.peek();
    if (t.kind === "(") {
      this.next();
      const inner = this.nested(() => (this.isWord("SELECT") ? this.select() : this.expr()));
      this.expectKind(")");
      return inner;
    }
    if (t.kind === "quoted") {
      this.next();
      const name = this.names.metrics.get(normalizeName(t.text));
      if (!name) throw new MetricError("UNKNOWN_METRIC", `unknown metric "${t.text}"`, t.pos);
      return { kind: "metric", name, pos: t.pos };
    }
    if (t.kind === "word" && AGGREGATES.has(t.text.toUpperCase()) && this.peek(1).kind === "(") {
      return this.aggregate();
    }
    if (t.kind === "word" || t.kind === "number") return this.metricName();
    throw this.expected("a metric, a number, an aggregate such as COUNT(…) or a parenthesis");
  }

  /** The longest run of words that is a known metric name; a number when none is. */
  private metricName(): ExprNode {
    const start = this.peek();
    const length = this.run();
    for (let n = length; n > 0; n--) {
      const name = this.names.metrics.get(normalizeName(this.text(this.i, n)));
      if (name) {
        this.i += n;
        return { kind: "metric", name, pos: start.pos };
      }
    }
    if (start.kind === "number") {
      this.next();
      return { kind: "number", value: Number(start.text), pos: start.pos };
    }
    if (RESERVED.has(start.text.toUpperCase())) {
      throw this.expected("a metric, a number, an aggregate such as COUNT(…) or a parenthesis");
    }
    if (this.peek(length).kind === "arrow") {
      const path = this.fieldPath();
      const hint =
        path.field.kind === "fact"
          ? `aggregate it, for example SUM(${path.text})`
          : `count it with COUNT(${path.text}) or filter with WHERE`;
      throw new MetricError("TYPE_ERROR", `"${path.text}" is ${kindName(path.field)}, not a metric: ${hint}`, path.pos);
    }
    const shown = this.shownName(this.i, length);
    const dataset = datasetByLabel(shown);
    if (dataset) {
      throw new MetricError(
        "TYPE_ERROR",
        `"${dataset.label}" is a data set, not a metric: count it with COUNT(${dataset.label})`,
        start.pos,
      );
    }
    throw new MetricError("UNKNOWN_METRIC", `unknown metric "${shown}"`, start.pos);
  }

  // ───────────── aggregates ─────────────

  private aggregate(): AggregateNode {
    const head = this.next();
    const fn = head.text.toUpperCase() as AggregateFunction;
    this.expectKind("(");
    return this.nested(() => this.aggregateBody(head, fn));
  }

  private aggregateBody(head: Token, fn: AggregateFunction): AggregateNode {
    let arg: AggregateArg;
    if (this.isWord("SELECT")) {
      const select = this.select();
      if (!select.by) {
        throw new MetricError(
          "SYNTAX_ERROR",
          `${fn} over a metric needs BY: ${fn}(SELECT … BY Customer) computes the metric per customer first`,
          select.pos,
        );
      }
      arg = { kind: "nested", select };
    } else if (fn === "COUNT") {
      const path = this.path();
      if (path.kind === "field") {
        if (path.field.kind === "text") {
          throw new MetricError("TYPE_ERROR", `"${path.text}" is free text and cannot be counted`, path.pos);
        }
        arg = { kind: "distinct", path };
      } else {
        arg = { kind: "rows", path };
      }
    } else {
      arg = { kind: "facts", expr: this.factExpr(fn) };
    }
    const node: AggregateNode = { kind: "aggregate", fn, arg, pos: head.pos };
    if (fn === "PERCENTILE") {
      this.expectKind(",", `"," and the percentile (a number from 0 to 1)`);
      const t = this.expectKind("number", "the percentile, a number from 0 to 1");
      const fraction = Number(t.text);
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new MetricError("INVALID_VALUE", `the percentile must be from 0 to 1, like 0.9; found ${t.text}`, t.pos);
      }
      node.fraction = fraction;
    }
    if (this.peek().kind === "," && arg.kind !== "nested") {
      this.next();
      const over = this.path();
      if (over.kind !== "dataset") {
        throw new MetricError(
          "SYNTAX_ERROR",
          `expected a data set to aggregate over but found "${over.text}"`,
          over.pos,
        );
      }
      node.over = over;
    }
    this.expectKind(")");
    return node;
  }

  private factExpr(fn: AggregateFunction): FactNode {
    let left = this.factTerm(fn);
    while (this.peek().kind === "+" || this.peek().kind === "-") {
      const op = this.operator();
      left = { kind: "binary", op: op.kind as "+" | "-", left, right: this.factTerm(fn), pos: op.pos };
    }
    return left;
  }

  private factTerm(fn: AggregateFunction): FactNode {
    let left = this.factUnary(fn);
    while (this.peek().kind === "*" || this.peek().kind === "/") {
      const op = this.operator();
      left = { kind: "binary", op: op.kind as "*" | "/", left, right: this.factUnary(fn), pos: op.pos };
    }
    return left;
  }

  private factUnary(fn: AggregateFunction): FactNode {
    const t = this.peek();
    if (t.kind === "-") {
      this.next();
      return { kind: "negate", operand: this.nested(() => this.factUnary(fn)), pos: t.pos };
    }
    if (t.kind === "(") {
      this.next();
      const inner = this.nested(() => this.factExpr(fn));
      this.expectKind(")");
      return inner;
    }
    if (t.kind === "number" && this.peek(1).kind !== "arrow" && this.run() === 1) {
      this.next();
      return { kind: "number", value: Number(t.text), pos: t.pos };
    }
    if (t.kind !== "word" && t.kind !== "number") throw this.expected(`a fact such as Engagement ⏵ Wait Time`);
    const path = this.path();
    if (path.kind === "dataset") {
      throw new MetricError(
        "TYPE_ERROR",
        `${fn} needs a fact such as Engagement ⏵ Wait Time; "${path.text}" is a data set (count it with COUNT)`,
        path.pos,
      );
    }
    const dateOk = (fn === "MIN" || fn === "MAX") && path.field.kind === "date";
    if (path.field.kind !== "fact" && !dateOk) {
      throw new MetricError(
        "TYPE_ERROR",
        `${fn} needs a fact; "${path.text}" is ${kindName(path.field)}${path.field.kind === "text" ? "" : ` (count it with COUNT(${path.text}))`}`,
        path.pos,
      );
    }
    return { kind: "fact", path, pos: path.pos };
  }

  // ───────────── names of data sets and fields ─────────────

  /** `Data set` or `Data set ⏵ Field`, by the longest labels that match. */
  private path(): PathNode {
    const start = this.peek();
    const length = this.run();
    if (length === 0) throw this.expected("a data set or an attribute such as Engagement ⏵ Type");
    if (this.peek(length).kind === "arrow") return this.fieldPath();
    for (let n = length; n > 0; n--) {
      const dataset = datasetByLabel(this.text(this.i, n));
      if (dataset) {
        this.checkReportable(dataset, start.pos);
        this.i += n;
        return { kind: "dataset", dataset, text: dataset.label, pos: start.pos };
      }
    }
    throw new MetricError("UNKNOWN_DATASET", `unknown data set "${this.shownName(this.i, length)}"`, start.pos);
  }

  /** `Data set ⏵ Field`; the field is the longest run of words that is one of the data set's labels. */
  private fieldPath(): FieldPath {
    const start = this.peek();
    const length = this.run();
    if (length === 0 || this.peek(length).kind !== "arrow") {
      throw this.expected("an attribute such as Engagement ⏵ Type");
    }
    const datasetText = this.text(this.i, length);
    const dataset = datasetByLabel(datasetText);
    if (!dataset) throw new MetricError("UNKNOWN_DATASET", `unknown data set "${datasetText}"`, start.pos);
    this.checkReportable(dataset, start.pos);
    this.i += length + 1;
    const fieldLength = this.run();
    if (fieldLength === 0) throw this.expected(`a field of ${dataset.label}`);
    for (let n = fieldLength; n > 0; n--) {
      const field = fieldByLabel(dataset, this.text(this.i, n));
      if (field) {
        this.i += n;
        if (this.peek().kind === "arrow") {
          throw new MetricError(
            "SYNTAX_ERROR",
            `a path has two parts, Data set ⏵ Field; write the field on its own data set, like Agent ⏵ Team`,
            this.peek().pos,
          );
        }
        return { kind: "field", dataset, field, text: qualifiedLabel(dataset, field), pos: start.pos };
      }
    }
    throw new MetricError(
      "UNKNOWN_ATTRIBUTE",
      `unknown attribute "${dataset.label} ⏵ ${this.shownName(this.i, fieldLength)}"`,
      start.pos,
    );
  }

  private checkReportable(dataset: Dataset, pos: SourcePosition) {
    if (!dataset.reportable) {
      throw new MetricError("NOT_REPORTABLE", `${dataset.label} is not available for reporting`, pos);
    }
  }

  // ───────────── WHERE ─────────────

  private condition(): CondNode {
    let left = this.andCondition();
    while (this.isWord("OR")) {
      const pos = this.operator().pos;
      left = { kind: "or", left, right: this.andCondition(), pos };
    }
    return left;
  }

  private andCondition(): CondNode {
    let left = this.notCondition();
    while (this.isWord("AND")) {
      const pos = this.operator().pos;
      left = { kind: "and", left, right: this.notCondition(), pos };
    }
    return left;
  }

  private notCondition(): CondNode {
    const t = this.peek();
    if (this.acceptWord("NOT")) return { kind: "not", operand: this.nested(() => this.notCondition()), pos: t.pos };
    if (t.kind === "(") {
      this.next();
      const inner = this.nested(() => this.condition());
      this.expectKind(")");
      return inner;
    }
    return this.atom();
  }

  private atom(): AtomNode {
    const path = this.fieldPath();
    const t = this.peek();
    let op: Comparison;
    let literals: Token[];
    if (this.isWord("IN") || (this.isWord("NOT") && this.isWord("IN", 1))) {
      op = this.isWord("NOT") ? "not in" : "in";
      this.i += op === "in" ? 1 : 2;
      literals = this.valueList();
    } else if (["=", "<>", "<", "<=", ">", ">="].includes(t.kind)) {
      op = this.next().kind as Comparison;
      literals = [this.value()];
    } else {
      throw this.expected(`=, <>, IN, NOT IN, <, <=, > or >= after ${path.text}`);
    }
    return { kind: "atom", path, op, values: literals.map((l) => convert(path, op, l)), pos: path.pos };
  }

  private valueList(): Token[] {
    this.expectKind("(", `"(" and a list of values`);
    const values = [this.value()];
    while (this.peek().kind === ",") {
      this.next();
      values.push(this.value());
      if (values.length > METRIC_LIMITS.inListValues) {
        throw new MetricError(
          "IN_LIST_TOO_LONG",
          `an IN list may have at most ${METRIC_LIMITS.inListValues} values`,
          (values[0] as Token).pos,
        );
      }
    }
    this.expectKind(")");
    return values;
  }

  private value(): Token {
    const t = this.peek();
    const after = this.peek(1);
    if (t.kind === "-" && after.kind === "number") {
      this.i += 2;
      return { kind: "number", text: `-${after.text}`, pos: t.pos };
    }
    if (t.kind === "string" || t.kind === "number") return this.next();
    throw this.expected(`a value: a "string" or a number`);
  }
}

/** "a fact", "an attribute", … for messages. */
function kindName(field: MetricField): string {
  switch (field.kind) {
    case "fact":
      return "a fact";
    case "date":
      return "a date";
    case "text":
      return "a text field";
    case "reference":
      return "a reference";
    default:
      return "an attribute";
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A date literal: Unix seconds, or ISO 8601 (a date alone is midnight UTC; no zone means UTC). */
export function parseDateValue(text: string): number | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const zoned = text.length === 10 || /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : zoned);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** A value as written: a string or a number literal. */
export interface Literal {
  kind: TokenKind;
  text: string;
  pos: SourcePosition;
}

/** Checks a literal against the field's type and converts it: numbers for facts, dates and flags, strings otherwise. */
export function convert(path: FieldPath | DimensionPath, op: Comparison, literal: Literal): string | number {
  const kind = path.kind === "dimension" ? "date" : path.field.kind;
  const ordered = op === "<" || op === "<=" || op === ">" || op === ">=";
  switch (kind) {
    case "text":
      throw new MetricError("TYPE_ERROR", `"${path.text}" is free text and cannot be filtered`, path.pos);
    case "fact":
      if (literal.kind !== "number") {
        throw new MetricError(
          "TYPE_ERROR",
          `"${path.text}" is a fact and compares with numbers, not strings`,
          literal.pos,
        );
      }
      return Number(literal.text);
    case "date": {
      if (literal.kind === "number") return Number(literal.text);
      const seconds = parseDateValue(literal.text);
      if (seconds === undefined) {
        throw new MetricError(
          "INVALID_VALUE",
          `"${literal.text}" is not a date; write "2024-03-05" or "2024-03-05T08:00:00Z"`,
          literal.pos,
        );
      }
      return seconds;
    }
    case "flag": {
      if (ordered) break;
      const text = literal.text.toLowerCase();
      if (["true", "yes", "1"].includes(text)) return 1;
      if (["false", "no", "0"].includes(text)) return 0;
      throw new MetricError("INVALID_VALUE", `"${path.text}" is true or false; found ${literal.text}`, literal.pos);
    }
    default:
      if (ordered) break;
      return literal.text;
  }
  throw new MetricError(
    "TYPE_ERROR",
    `"${path.text}" is ${path.kind === "dimension" ? "a date" : kindName(path.field)} and cannot be compared with "${op}"; use = or IN (only facts and dates compare with <, <=, >, >=)`,
    path.pos,
  );
}
