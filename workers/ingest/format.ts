import { DATASETS, ENTITIES } from "../model/catalog";
import { type Dataset, type EntityKind, type Field, LIMITS } from "../model/types";

/** A line longer than this (bytes of UTF-8) is rejected without being parsed. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** What one ZIP member holds, decided from its name alone. */
export type FileTarget =
  | { kind: "dataset"; dataset: Dataset; gzip: boolean }
  | { kind: "entity"; entity: EntityKind; gzip: boolean }
  | { kind: "skip"; code: "UNKNOWN_FILE" | "NESTED_ARCHIVE" | "DIRECTORY" }
  | { kind: "reject"; code: "UNSAFE_PATH" };

const DATASET_FILES = new Map(DATASETS.map((d) => [d.name as string, d]));
const ENTITY_FILES = new Map(ENTITIES.flatMap((e) => e.files.map((f) => [f, e.kind] as const)));

/** Classifies a ZIP member name: `{dataset}.jsonl`, `{dataset}_{entity}.jsonl`, optionally `.gz`. */
export function classifyFile(name: string): FileTarget {
  if (name.endsWith("/")) return { kind: "skip", code: "DIRECTORY" };
  const segments = name.split(/[\\/]/);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || segments.includes("..")) {
    return { kind: "reject", code: "UNSAFE_PATH" };
  }
  const base = segments.at(-1) ?? "";
  if (/\.(zip|jar|7z|rar|tar|tgz|gz\.zip)$/i.test(base)) return { kind: "skip", code: "NESTED_ARCHIVE" };
  const match = base.match(/^([a-z_]+)\.jsonl(\.gz)?$/);
  if (!match?.[1]) return { kind: "skip", code: "UNKNOWN_FILE" };
  const stem = match[1];
  const gzip = Boolean(match[2]);
  const dataset = DATASET_FILES.get(stem);
  if (dataset) return { kind: "dataset", dataset, gzip };
  const entity = ENTITY_FILES.get(stem);
  if (entity) return { kind: "entity", entity, gzip };
  return { kind: "skip", code: "UNKNOWN_FILE" };
}

export type Level = "WARNING" | "ERROR";

/** One problem found in a line, bound for the Technical Log. */
export interface Finding {
  level: Level;
  code: string;
  message: string;
  property?: string;
  value?: string;
}

/** A validated value: a column and what to store, or a PID to derive from an external id. */
export type Cell =
  | { column: string; value: string | number | null }
  | { column: string; ref: { target: string; externalId: string; sourceId: string } };

export interface ParsedLine {
  /** Source the line belongs to (its `sourceId`, or the uploader's). */
  sourceId: string;
  /** The item's primary external id (for turn content, the turn's). */
  externalId: string;
  cells: Cell[];
  findings: Finding[];
}

export type LineResult = { ok: true; line: ParsedLine } | { ok: false; findings: Finding[] };

const ISO_SECOND = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encoder = new TextEncoder();

/** Shortens a value for the Technical Log. */
export function preview(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** ISO 8601 with seconds and a zone → Unix seconds, or undefined. */
export function parseIsoSeconds(value: string): number | undefined {
  const m = value.match(ISO_SECOND);
  if (!m) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March; refuse dates that are not on the calendar.
  if (m[8] === "Z" && new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19)) return undefined;
  return Math.floor(ms / 1000);
}

function trimUtf8(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.slice(0, maxBytes)).replace(/\uFFFD$/, "");
}

/** Every key a line of `dataset` may carry besides its fields' keys. */
const COMMON_KEYS = new Set(["sourceId"]);

/** The property a field is read from: references and entities use `<key>ExternalId`. */
export function propertyOf(field: Field): string {
  return field.kind === "reference" || field.kind === "entity" ? `${field.key}ExternalId` : field.key;
}

/** Properties of each data set's lines, in catalog order (for docs and JSON Schema). */
export function lineProperties(dataset: LineShape): Field[] {
  return dataset.fields.filter((f) => f.kind !== "pid" && f.key !== "source");
}

/** What a line is checked against: a data set of the catalog, or the shape of entity files. */
export type LineShape = Pick<Dataset, "externalKey" | "fields" | "requires"> & { name: string };

/**
 * Validates one parsed JSON line of `dataset` against the model catalog. Rejections come back
 * as `ok: false`; trimmed values, ignored facts and unknown properties as findings of `ok: true`.
 */
export function validateLine(dataset: LineShape, raw: unknown, uploaderSourceId: string): LineResult {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return reject("NOT_AN_OBJECT", "Each line must be one JSON object.");
  }
  const record = raw as Record<string, unknown>;
  const findings: Finding[] = [];

  let sourceId = uploaderSourceId;
  if ("sourceId" in record && record.sourceId !== null) {
    if (typeof record.sourceId !== "string" || !UUID.test(record.sourceId)) {
      return reject("INVALID_SOURCE_ID", "sourceId must be a UUID.", "sourceId", record.sourceId);
    }
    sourceId = record.sourceId.toLowerCase();
  }

  const keyProperty = dataset.externalKey;
  const keyValue = record[keyProperty];
  const externalId = typeof keyValue === "number" ? String(keyValue) : keyValue;
  if (typeof externalId !== "string" || externalId.trim() === "") {
    return reject("MISSING_EXTERNAL_ID", `${keyProperty} is required and may not be empty.`, keyProperty, keyValue);
  }
  if (externalId.length > LIMITS.attributeChars) {
    return reject(
      "EXTERNAL_ID_TOO_LONG",
      `${keyProperty} is longer than ${LIMITS.attributeChars} characters.`,
      keyProperty,
      externalId,
    );
  }

  const cells: Cell[] = [];
  const known = new Set<string>(COMMON_KEYS);
  for (const field of dataset.fields) {
    if (field.kind === "pid" || field.key === "source") continue;
    const property = propertyOf(field);
    known.add(property);
    if (!(property in record)) continue;
    const value = record[property];
    if (value === null) {
      if (property === keyProperty) continue;
      cells.push({ column: field.column, value: null });
      continue;
    }
    const outcome = convert(field, property, value, sourceId);
    if ("reject" in outcome) return { ok: false, findings: [...findings, outcome.reject] };
    if (outcome.finding) findings.push(outcome.finding);
    if (outcome.cell) cells.push(outcome.cell);
  }
  for (const property of dataset.requires ?? []) {
    if (record[property] === undefined || record[property] === null) {
      return reject("MISSING_REFERENCE", `${property} is required in ${dataset.name} lines.`, property);
    }
  }
  for (const property of Object.keys(record)) {
    if (!known.has(property)) {
      findings.push({
        level: "WARNING",
        code: "UNKNOWN_PROPERTY",
        message: `${property} is not a property of ${dataset.name}; it was ignored.`,
        property,
        value: preview(record[property]),
      });
    }
  }
  return { ok: true, line: { sourceId, externalId, cells, findings } };
}

/** Validates one line of an entity file: `{externalId, name, sourceId?}`. */
export function validateEntityLine(raw: unknown, uploaderSourceId: string): LineResult {
  return validateLine(ENTITY_DATASET, raw, uploaderSourceId);
}

/** Entity files hold the one attribute and two labels every entity has. */
export const ENTITY_DATASET: LineShape = {
  name: "entity",
  externalKey: "externalId",
  fields: [
    {
      kind: "attribute",
      key: "externalId",
      column: "external_id",
      label: "ID",
      description: "ID in the source system.",
    },
    { kind: "attribute", key: "name", column: "name", label: "Name", description: "Name shown in the app." },
  ],
};

type Converted = { cell?: Cell; finding?: Finding } | { reject: Finding };

function convert(field: Field, property: string, value: unknown, sourceId: string): Converted {
  const shown = preview(value);
  switch (field.kind) {
    case "attribute": {
      if (typeof value === "object") {
        return {
          finding: warn("NOT_AN_ATTRIBUTE", `${property} must be text; the value was ignored.`, property, shown),
        };
      }
      const text = String(value);
      if (text.length > LIMITS.attributeChars) {
        return {
          cell: { column: field.column, value: text.slice(0, LIMITS.attributeChars) },
          finding: warn(
            "ATTRIBUTE_TRIMMED",
            `${property} was longer than ${LIMITS.attributeChars} characters and was trimmed.`,
            property,
            shown,
          ),
        };
      }
      return { cell: { column: field.column, value: text } };
    }
    case "text": {
      if (typeof value !== "string") {
        return { finding: warn("NOT_TEXT", `${property} must be a string; the value was ignored.`, property, shown) };
      }
      const trimmed = trimUtf8(value, LIMITS.textBytes);
      return {
        cell: { column: field.column, value: trimmed },
        ...(trimmed === value
          ? {}
          : { finding: warn("TEXT_TRIMMED", `${property} was longer than 64 KiB and was trimmed.`, property, shown) }),
      };
    }
    case "enumeration": {
      const text = typeof value === "string" ? value : undefined;
      const canonical = text && field.values.find((v) => v.toLowerCase() === text.trim().toLowerCase());
      if (!canonical) {
        return {
          reject: error(
            "UNSUPPORTED_VALUE",
            `${property} must be one of ${field.values.join(", ")}; the record was rejected.`,
            property,
            shown,
          ),
        };
      }
      return { cell: { column: field.column, value: canonical } };
    }
    case "fact": {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return {
          finding: warn(
            "FACT_NOT_NUMERIC",
            `${property} must be a JSON number; the value was ignored.`,
            property,
            shown,
          ),
        };
      }
      if (field.type === "int" && (!Number.isInteger(value) || value < LIMITS.int32Min || value > LIMITS.int32Max)) {
        return {
          finding: warn(
            "FACT_OUT_OF_RANGE",
            `${property} must be a 32-bit integer; the value was ignored.`,
            property,
            shown,
          ),
        };
      }
      if (field.type === "duration" && value < 0) {
        return {
          finding: warn(
            "NEGATIVE_DURATION",
            `${property} may not be negative; the value was ignored.`,
            property,
            shown,
          ),
        };
      }
      return { cell: { column: field.column, value } };
    }
    case "date": {
      const seconds = typeof value === "string" ? parseIsoSeconds(value) : undefined;
      if (seconds === undefined) {
        return {
          reject: error(
            "INVALID_DATE",
            `${property} must be ISO 8601 to the second with a zone, like 2024-01-01T09:30:00Z; the record was rejected.`,
            property,
            shown,
          ),
        };
      }
      return { cell: { column: field.column, value: seconds } };
    }
    case "flag": {
      if (typeof value !== "boolean") {
        return {
          finding: warn("NOT_A_FLAG", `${property} must be true or false; the value was ignored.`, property, shown),
        };
      }
      return { cell: { column: field.column, value: value ? 1 : 0 } };
    }
    case "reference":
    case "entity": {
      const id = typeof value === "number" ? String(value) : value;
      if (typeof id !== "string" || id === "" || id.length > LIMITS.attributeChars) {
        return {
          finding: warn(
            "INVALID_REFERENCE",
            `${property} must be a non-empty id of at most ${LIMITS.attributeChars} characters; it was ignored.`,
            property,
            shown,
          ),
        };
      }
      const target = field.kind === "entity" ? `entity:${field.entity}` : field.target;
      return { cell: { column: field.column, ref: { target, externalId: id, sourceId } } };
    }
    case "pid":
      return {};
  }
}

function warn(code: string, message: string, property: string, value: string): Finding {
  return { level: "WARNING", code, message, property, value };
}

function error(code: string, message: string, property: string, value: string): Finding {
  return { level: "ERROR", code, message, property, value };
}

function reject(code: string, message: string, property?: string, value?: unknown): LineResult {
  return {
    ok: false,
    findings: [
      {
        level: "ERROR",
        code,
        message,
        ...(property === undefined ? {} : { property }),
        ...(value === undefined ? {} : { value: preview(value) }),
      },
    ],
  };
}
