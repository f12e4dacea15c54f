import { strToU8, zipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { Batch } from "../../schemas/ingest";
// @ts-expect-error: a plain ES module for Node without type declarations.
import { ingestZip } from "../../scripts/lib/ingest-client.mjs";
import { launchBrowser, signInThroughPage } from "./browser";

const demo = inject("demo");
let browser: Browser;
let page: Page;
let batch: Batch;

/** An engagement.jsonl whose lines 1 and 3 load, line 2 is not JSON and line 4 has a type Brine does not know. */
function engagementZip(): Uint8Array {
  const run = Date.now();
  const engagement = (n: number, overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      externalId: `E2E-UI-${run}-${n}`,
      type: "Queue",
      status: "Completed",
      startTime: "2024-05-01T10:00:00Z",
      endTime: "2024-05-01T10:01:00Z",
      ...overrides,
    });
  const lines = [engagement(1), "{not json", engagement(3), engagement(4, { type: "Robot" })];
  return zipSync({ "engagement.jsonl": strToU8(lines.join("\n")) });
}

beforeAll(async () => {
  browser = await launchBrowser();
  batch = (await ingestZip({
    url: demo.url,
    key: demo.apiKey,
    sourceId: demo.ingestionSourceId,
    zip: engagementZip(),
  })) as Batch;
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
});

describe("a source's batches", () => {
  it("shows the uploaded batch under its source as completed with errors, 2 loaded and 2 rejected", async () => {
    expect(batch).toMatchObject({ status: "COMPLETED_WITH_ERRORS", loaded: 2, rejected: 2 });
    await page.goto(`${demo.url}/settings/sources`);
    await page
      .getByRole("row")
      .filter({ hasText: demo.ingestionSourceId })
      .getByRole("link", { name: "Batches" })
      .click();
    await page.waitForURL((u) => u.pathname === `/settings/sources/${demo.ingestionSourceId}`);

    const row = page.getByRole("row").filter({ has: page.locator(`a[href="/ingest/batches/${batch.batchId}"]`) });
    await row.getByText("Completed with errors").waitFor();
    const cells = row.getByRole("cell");
    expect((await cells.nth(1).textContent())?.trim()).toBe("2");
    const rejected = cells.nth(2).getByRole("link");
    const target = new URL((await rejected.getAttribute("href")) ?? "", demo.url);
    expect(target.pathname).toBe("/technical-log");
    expect(Object.fromEntries(target.searchParams)).toEqual({ batchId: batch.batchId, level: "ERROR" });
    expect(await rejected.innerText()).toMatch(/^2\b/);
  });
});

describe("a batch's page", () => {
  it("lists the file's counts and leads to the batch's errors in the Technical Log", async () => {
    await page.goto(`${demo.url}/ingest/batches/${batch.batchId}`);
    const file = page.getByRole("row").filter({ hasText: "engagement.jsonl" });
    await file.waitFor();
    const counts = await file.getByRole("cell").allTextContents();
    // Target, status, lines, loaded, rejected, warned (the rejected count's link names itself for screen readers).
    expect(counts.slice(2, 4)).toEqual(["4", "2"]);
    expect(counts[4]).toMatch(/^2\b/);

    await page.getByRole("link", { name: "View in Technical Log", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/technical-log" && u.searchParams.get("batchId") === batch.batchId);
    const entries = page.getByRole("region", { name: "Technical Log entries" }).locator("tbody tr");
    await entries.first().waitFor();
    expect(await entries.count()).toBe(2);
    const malformed = entries.filter({ hasText: "MALFORMED_JSON" });
    const unsupported = entries.filter({ hasText: "UNSUPPORTED_VALUE" });
    expect(await malformed.textContent()).toContain("engagement.jsonl:2");
    expect(await unsupported.textContent()).toContain("engagement.jsonl:4");
    for (const entry of [malformed, unsupported]) expect(await entry.textContent()).toContain("Error");
    expect(await unsupported.textContent()).toContain("Robot");
  });
});

describe("a batch or source that does not exist", () => {
  it("says so, with a way back, instead of loading forever", async () => {
    await page.goto(`${demo.url}/ingest/batches/00000000-0000-4000-8000-000000000000`);
    await page.getByRole("heading", { name: "Batch not found" }).waitFor();
    await page.goto(`${demo.url}/settings/sources/00000000-0000-4000-8000-000000000000`);
    await page.getByRole("heading", { name: "Source not found" }).waitFor();
    await page.getByRole("link", { name: "See all sources" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/sources");
  });
});

describe("the Technical Log's filters", () => {
  it("puts the chosen filters in the URL, so a reload shows the same view", async () => {
    await page.goto(`${demo.url}/technical-log?batchId=${batch.batchId}`);
    await expect(page.getByLabel("Batch ID").inputValue()).resolves.toBe(batch.batchId);
    await page.getByLabel("Level").selectOption("ERROR");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("level") === "ERROR");

    await page.reload();
    await expect(page.getByLabel("Level").inputValue()).resolves.toBe("ERROR");
    const entries = page.getByRole("region", { name: "Technical Log entries" }).locator("tbody tr");
    await entries.first().waitFor();
    expect(await entries.count()).toBe(2);

    await page.getByLabel("Level").selectOption("INFO");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("No entries match these filters").waitFor();
  });
});
