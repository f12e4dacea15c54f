import { ApiError } from "../lib/errors";

/** Stable codes of the metric language's errors (docs/metrics.md, "Errors"). */
export type MetricErrorCode =
  | "SYNTAX_ERROR"
  | "UNEXPECTED_CHARACTER"
  | "UNTERMINATED_STRING"
  | "UNTERMINATED_NAME"
  | "UNKNOWN_DATASET"
  | "UNKNOWN_ATTRIBUTE"
  | "UNKNOWN_METRIC"
  | "NOT_REPORTABLE"
  | "CIRCULAR_METRIC"
  | "TYPE_ERROR"
  | "UNRELATED_ATTRIBUTE"
  | "IN_LIST_TOO_LONG"
  | "INVALID_VALUE"
  | "BY_OUTSIDE_AGGREGATE"
  | "DUPLICATE_CLAUSE"
  | "TOO_COMPLEX";

/** Where in a definition something is: 1-based line and column, 0-based offset. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

/** A metric that cannot be parsed or compiled; the message starts with `Line L, column C:` when it has a place. */
export class MetricError extends ApiError {
  readonly metricCode: MetricErrorCode;
  readonly position: SourcePosition | undefined;
  /** The message without the `Line L, column C: ` prefix. */
  readonly reason: string;

  constructor(code: MetricErrorCode, reason: string, position?: SourcePosition) {
    const message = position ? `Line ${position.line}, column ${position.column}: ${reason}` : reason;
    super(400, code, message, { details: position ? { line: position.line, column: position.column } : undefined });
    this.metricCode = code;
    this.position = position;
    this.reason = reason;
  }
}

/** Caps that keep one metric to one reasonable D1 statement. */
export const METRIC_LIMITS = {
  /** Values in one IN list (sent as one JSON parameter). */
  inListValues: 1000,
  /** Characters in one definition. */
  definitionChars: 20_000,
  /** Aggregates after metric references are expanded. */
  aggregates: 64,
  /** Depth of metric references and nested SELECTs. */
  depth: 12,
  /** Parentheses, NOTs and signs nested in one definition. */
  nesting: 32,
  /** Operators (+ - * / AND OR) in one definition; SQLite caps expression depth at 1,000. */
  operators: 200,
  /** Bytes of the compiled SQL (D1 refuses statements over 100 KB). */
  sqlBytes: 90_000,
  /** Bound text values of one statement: D1 binds at most 100, and listing engagements adds a few. */
  parameters: 90,
} as const;
