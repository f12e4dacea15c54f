// CSV as RFC 4180 writes it: comma-separated, CRLF line ends, fields quoted when they hold a
// comma, a quote, CR or LF, quotes doubled. Text cells are neutralised against formula injection.

/** First characters that make spreadsheet programs read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A text cell, safe to open in a spreadsheet: one apostrophe is put before text that starts with
 * `=`, `+`, `-`, `@`, tab or CR, and before text that already starts with an apostrophe, so the rule
 * is reversible: a reader strips exactly one leading apostrophe from any text cell that has one.
 * Numbers, times and ids are written by Brine itself and never altered.
 */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) || text.startsWith("'") ? `'${text}` : text;
}

/** Undoes `neutralise` (for readers that want the stored value back, such as the round trip). */
export function unneutralise(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/** One cell: null is empty, numbers as JavaScript writes them, text neutralised and quoted when needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = neutralise(String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF. */
export function csvRow(values: readonly unknown[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ",";
    line += csvCell(values[i]);
  }
  return `${line}\r\n`;
}
