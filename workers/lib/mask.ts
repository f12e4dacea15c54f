/** Masks personal data for display: `jane@example.com` → `j•••@e•••.com`, `+420777123456` → `+42•••••••456`. */
export function maskContact(value: string): string {
  const at = value.indexOf("@");
  if (at > 0) {
    const domain = value.slice(at + 1);
    const dot = domain.lastIndexOf(".");
    const host = dot > 0 ? domain.slice(0, dot) : domain;
    const tld = dot > 0 ? domain.slice(dot) : "";
    return `${value[0]}•••@${host[0] ?? ""}•••${tld}`;
  }
  if (value.length <= 4) return "•".repeat(value.length);
  const keep = Math.min(3, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}${"•".repeat(value.length - 2 * keep)}${value.slice(-keep)}`;
}

/** Masks a person's name word by word: `Jane Doe` → `J••• D•••`. */
export function maskName(value: string): string {
  return value
    .trim()
    .split(/\s+/)
    .map((word) => (word ? `${[...word][0]}•••` : word))
    .join(" ");
}
