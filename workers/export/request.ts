import { EXPORT_DATASETS, EXPORT_MAX_RANGE_MS, type ExportDataset } from "../../schemas/export";
import { badRequest } from "../lib/errors";

// ISO 8601 date and time with a zone; seconds and fractions optional, offsets `±hh:mm` or `±hhmm`.
const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;

/**
 * ISO 8601 with a zone → Unix milliseconds, or undefined when malformed, without a zone, or not
 * on the calendar (2024-02-30). A space where the offset's `+` should be is read as `+`, because
 * an unencoded `+` in a query string arrives as a space.
 */
export function parseZonedTime(raw: string): number | undefined {
  const value = raw.trim().replace(/ (\d{2}:?\d{2})$/, "+$1");
  const m = value.match(ISO_WITH_ZONE);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const offsetMinutes = m[8] ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (!m[8] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  return local + fraction - offsetMinutes * 60_000;
}

function time(name: "from" | "to", raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") {
    throw badRequest("INVALID_DATE", `${name} is required: an ISO 8601 time with a zone, e.g. 2024-01-01T00:00:00Z.`, {
      parameter: name,
    });
  }
  const ms = parseZonedTime(raw);
  if (ms === undefined) {
    throw badRequest(
      "INVALID_DATE",
      `${name} must be an ISO 8601 time with a zone (Z or ±hh:mm), e.g. 2024-01-01T00:00:00Z.`,
      { parameter: name, value: raw.slice(0, 100) },
    );
  }
  return ms;
}

/**
 * `include` → data sets in file order. Absent means all; present but empty is EMPTY_INCLUDE;
 * names are trimmed and compared case-insensitively, repeats count once, empty items are skipped.
 */
export function parseInclude(raw: string | undefined): ExportDataset[] {
  if (raw === undefined) return [...EXPORT_DATASETS];
  const names = raw
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  if (names.length === 0) throw badRequest("EMPTY_INCLUDE", "include is present but names no data set.");
  const unknown = names.filter((name) => !(EXPORT_DATASETS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw badRequest(
      "INVALID_INCLUDE",
      `Unknown data set in include: ${unknown.map((n) => n.slice(0, 40)).join(", ")}. Valid: ${EXPORT_DATASETS.join(", ")}.`,
      { invalid: unknown.slice(0, 10), valid: EXPORT_DATASETS },
    );
  }
  return EXPORT_DATASETS.filter((name) => names.includes(name));
}

/** Checks the range and include of `POST /api/v1/export`, with seed 004's error codes. */
export function parseExportRequest(query: { from?: string; to?: string; include?: string }): {
  fromMs: number;
  toMs: number;
  include: ExportDataset[];
} {
  const fromMs = time("from", query.from);
  const toMs = time("to", query.to);
  if (fromMs >= toMs) throw badRequest("INVALID_DATE_RANGE", "from must be before to.");
  if (toMs - fromMs > EXPORT_MAX_RANGE_MS) {
    throw badRequest(
      "INVALID_DATE_RANGE",
      "The range may cover at most 24 hours; export longer periods in 24-hour batches.",
    );
  }
  return { fromMs, toMs, include: parseInclude(query.include) };
}
