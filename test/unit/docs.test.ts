import { describe, expect, it } from "vitest";
import { ingestFormatMarkdown } from "../../schemas/ingest-docs";

describe("docs/ingest-format.md", () => {
  it("matches the catalog (run `npm run docs` after changing it)", async () => {
    const markdown = ingestFormatMarkdown();
    expect(markdown).toContain("### `engagement.jsonl` — Engagement");
    expect(markdown).toContain("`customerExternalId` **(required)**");
    await expect(markdown).toMatchFileSnapshot("../../docs/ingest-format.md");
  });
});
