import { describe, expect, it } from "vitest";
import { DAY, exportAccount, loadFixture, runExportToFiles } from "./export-helpers";

describe("export smoke", () => {
  it("exports the fixture day", async () => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    await loadFixture(apiKey, sourceId);
    const out = await runExportToFiles(apiKey, accountId, { from: `${DAY}T00:00:00Z`, to: "2024-03-06T00:00:00Z" });
    console.log(JSON.stringify(out.status), out.files);
    expect(out.status.status).toBe("COMPLETED");
  });
});
