import { describe, expect, it } from "vitest";
import type { ExportDataset } from "../../schemas/export";
import { parseCsv } from "./csv";
import { DAY, exportAccount, loadFixture, runExportToFiles } from "./export-helpers";
import { exportToIngest, ID_COLUMNS } from "./export-to-ingest";
import { ingest, makeZip } from "./ingest-helpers";

const WINDOW = { from: `${DAY}T00:00:00Z`, to: "2024-03-06T00:00:00Z" };

/**
 * Checks two exports hold the same rows: every column equal except the PID columns, which must
 * correspond one to one (the same PID in the first export always stands for the same PID in the
 * second, across all files).
 */
function expectSameApartFromIds(
  first: Partial<Record<ExportDataset, string>>,
  second: Partial<Record<ExportDataset, string>>,
) {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  for (const dataset of Object.keys(first) as ExportDataset[]) {
    const ids = new Set(ID_COLUMNS[dataset]);
    const a = parseCsv(first[dataset] ?? "");
    const b = parseCsv(second[dataset] ?? "");
    expect(b.header).toEqual(a.header);
    const key = (row: Record<string, string>) =>
      a.header
        .filter((c) => !ids.has(c))
        .map((c) => row[c])
        .join("\u0000");
    const rowsA = [...a.rows].sort((x, y) => key(x).localeCompare(key(y)));
    const rowsB = [...b.rows].sort((x, y) => key(x).localeCompare(key(y)));
    expect(rowsB.length, dataset).toBe(rowsA.length);
    rowsA.forEach((rowA, i) => {
      const rowB = rowsB[i] ?? {};
      for (const column of a.header) {
        const [x = "", y = ""] = [rowA[column], rowB[column]];
        if (!ids.has(column)) {
          expect(y, `${dataset}.${column}`).toBe(x);
          continue;
        }
        expect(y === "", `${dataset}.${column} empty in one export only`).toBe(x === "");
        if (x === "") continue;
        expect(forward.get(x) ?? y, `${dataset}.${column} maps consistently`).toBe(y);
        expect(backward.get(y) ?? x, `${dataset}.${column} maps one to one`).toBe(x);
        forward.set(x, y);
        backward.set(y, x);
      }
    });
  }
  return forward.size;
}

describe("export round trip", () => {
  it("export → ingest format → fresh account → export gives the same files apart from PIDs", async () => {
    const original = await exportAccount();
    await loadFixture(original.apiKey, original.sourceId);
    const first = await runExportToFiles(original.apiKey, original.accountId, WINDOW);

    const copy = await exportAccount();
    const batch = await ingest(copy.apiKey, copy.sourceId, makeZip(exportToIngest(first.files)));
    expect(batch.rejected).toBe(0);
    expect(batch.warned).toBe(0);
    const second = await runExportToFiles(copy.apiKey, copy.accountId, WINDOW);

    expect(Object.keys(second.files)).toEqual(Object.keys(first.files));
    const mappedIds = expectSameApartFromIds(first.files, second.files);
    expect(mappedIds).toBeGreaterThan(10);
    // The PIDs themselves do differ: they are derived from the account.
    expect(second.files.engagement).not.toBe(first.files.engagement);
  });
});
