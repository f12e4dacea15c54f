// docs/benchmarks.md holds one section per benchmark between markers, so each benchmark can be
// run alone and rewrite its own section without touching the others' results.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const FILE = "docs/benchmarks.md";
/** Sections in the order the file lists them. */
const ORDER = ["ingest", "export", "dashboard", "journey", "live"];

const HEADER = [
  "# Benchmarks",
  "",
  "_Written by `npm run bench` (bench/*.mjs, one section each); each section comes from one run",
  "of its benchmark on the machine that ran it. Compare the ratios, which are measured in the same",
  "run, rather than the absolute rates._",
  "",
];

/** The line that says when and where a section's numbers were measured. */
export function runLine() {
  const cpu = cpus();
  return `Run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · Node ${process.version} · ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}) · ${Math.round(totalmem() / 2 ** 30)} GB RAM`;
}

/** Replaces (or adds) section `name` of docs/benchmarks.md with `lines`. */
export function writeSection(name, lines) {
  const old = existsSync(FILE) ? readFileSync(FILE, "utf8") : "";
  const sections = new Map();
  for (const m of old.matchAll(/<!-- bench:(\w+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) sections.set(m[1], m[2]);
  sections.set(name, `${lines.join("\n").trimEnd()}\n`);
  const names = [...ORDER.filter((n) => sections.has(n)), ...[...sections.keys()].filter((n) => !ORDER.includes(n))];
  const body = names.map((n) => `<!-- bench:${n} -->\n${sections.get(n)}<!-- /bench:${n} -->\n`).join("\n");
  mkdirSync("docs", { recursive: true });
  writeFileSync(FILE, `${HEADER.join("\n")}\n${body}`);
}

/** Progress on stderr, so stdout keeps only the report. */
export const log = (text) => process.stderr.write(`${text}\n`);

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
