import { describe, expect, it } from "vitest";
import { exportMarkdown } from "../../schemas/export-docs";
import { ingestFormatMarkdown } from "../../schemas/ingest-docs";

describe("docs/ingest-format.md", () => {
  it("matches the catalog (run `npm run docs` after changing it)", async () => {
    const markdown = ingestFormatMarkdown();
    expect(markdown).toContain("### `engagement.jsonl` — Engagement");
    expect(markdown).toContain("`customerExternalId` **(required)**");
    await expect(markdown).toMatchFileSnapshot("../../docs/ingest-format.md");
  });
});

describe("docs/export.md", () => {
  it("matches the export schemas (run `npm run docs` after changing them)", async () => {
    const markdown = exportMarkdown();
    expect(markdown).toContain("| 80 | `understanding` | number |");
    expect(markdown).toContain("### `agents.csv` (`agent`)");
    await expect(markdown).toMatchFileSnapshot("../../docs/export.md");
  });
});
