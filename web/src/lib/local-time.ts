const pad = (n: number) => String(n).padStart(2, "0");

/** A UTC time (`2024-01-01T09:00:00Z`) as a `datetime-local` value in the reader's zone, seconds only when set. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A `datetime-local` value (the reader's zone) as UTC to the second, as the API takes it: `2024-01-01T09:00:00Z`. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  // A date-time without an offset is read as local time.
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The reader's time zone as the browser names it ("Europe/Berlin"), for hints beside time inputs. */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
