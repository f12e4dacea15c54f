import { parse } from "csv-parse/sync";

/** Parses an export file strictly as RFC 4180 (CRLF records, quoted fields). */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[]; records: string[][] } {
  const records = parse(text, { relax_column_count: false, record_delimiter: "\r\n" }) as string[][];
  const [header = [], ...rest] = records;
  return {
    header,
    records: rest,
    rows: rest.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ""]))),
  };
}
