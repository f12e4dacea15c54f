import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { launchBrowser, signInThroughPage } from "./browser";

const demo = inject("demo");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
});

/** The headline number of a tile, as shown. */
async function headline(p: Page, title: string): Promise<string> {
  const button = p.getByRole("region", { name: title, exact: true }).getByRole("button").first();
  await button.waitFor();
  return (await button.textContent())?.replace(/ — .*$/, "").trim() ?? "";
}

const asNumber = (text: string) => Number(text.replace(/[^\d.]/g, ""));

describe("the overview dashboard", () => {
  it("opens, filters, saves a view that opens by default, and drills to the engagements behind a number", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboards" }).click();
    // By its address: other tests may have made copies named "Overview (copy)".
    await page.locator(`a[href="/dashboards/overview"]`).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    const all = asNumber(await headline(page, "Engagements"));
    expect(all).toBeGreaterThan(100);

    // Filter to one queue: the number drops, and the URL carries the filter.
    await page.locator("summary", { hasText: "Queue" }).click();
    const option = page.getByRole("group", { name: "Queue" }).getByRole("checkbox").first();
    const queueName = (await option.locator("xpath=..").textContent())?.trim() ?? "";
    await option.check();
    await page.waitForFunction(
      (before) => {
        const b = document.querySelector('section[aria-label="Engagements"] button');
        const n = Number((b?.textContent ?? "").replace(/ — .*$/, "").replace(/[^\d.]/g, ""));
        return n > 0 && n < before;
      },
      all,
      { timeout: 30_000 },
    );
    const filtered = asNumber(await headline(page, "Engagements"));
    expect(page.url()).toContain("f=");
    // The page shows what the API computes for the same filter.
    const fromApi = await page.evaluate(
      async (values) => {
        const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
        const res = await fetch("/api/v1/visualizations/data", {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
          body: JSON.stringify({ visualizationId: "headline-engagements", dashboardId: "overview", values }),
        });
        const body = (await res.json()) as { rows: { values: number[] }[] };
        return body.rows[0]?.values[0];
      },
      JSON.parse(Buffer.from(new URL(page.url()).searchParams.get("f") ?? "", "base64url").toString()),
    );
    expect(filtered).toBe(fromApi);

    // Save it as the default view; a fresh visit opens with it.
    await page.locator("summary", { hasText: "My views" }).click();
    await page.getByLabel("View name").fill("My queue");
    await page.getByLabel("Save as default").check();
    await page.getByRole("button", { name: "Save view" }).click();
    await page.getByRole("button", { name: "My queue (default)", exact: true }).waitFor();
    await page.goto(`${demo.url}/dashboards/overview`);
    await page.locator("summary", { hasText: "Queue" }).filter({ hasText: queueName }).waitFor();
    expect(asNumber(await headline(page, "Engagements"))).toBe(filtered);

    // Reset goes back to the dashboard's own defaults.
    await page.getByRole("button", { name: "Reset filters" }).click();
    await page.locator("summary", { hasText: "Queue" }).filter({ hasText: "All" }).waitFor();

    // Drill: the headline number lists its engagements; one opens the customer journey at it.
    await page.goto(`${demo.url}/dashboards/overview`);
    const number = page.getByRole("region", { name: "Engagements", exact: true }).getByRole("button").first();
    await number.click();
    await page.waitForURL((u) => u.pathname === "/engagements");
    const rows = page.getByRole("table").getByRole("row");
    await rows.nth(1).waitFor();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(10);
    await page.getByLabel("Selection name").fill("Morning check");
    await page.getByRole("button", { name: "Save engagements as selection" }).click();
    await page.getByText(/Saved [\d,]+ engagements as “Morning check”/).waitFor();
    await rows.nth(1).getByRole("link").click();
    await page.waitForURL((u) => /^\/journey\/engagements\/[\w-]+$/.test(u.pathname));
    await page.getByRole("heading", { name: "Customer journey", level: 1 }).waitFor();
  });

  it("shows an engagement list's newest rows on its tile, with a way to all of them", async () => {
    await page.goto(`${demo.url}/dashboards/customers`);
    const tile = page.getByRole("region", { name: "Recent Engagements", exact: true });
    const rows = tile.getByRole("table").getByRole("row");
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(11);
    await tile.getByRole("link", { name: "All the engagements" }).click();
    await page.waitForURL((u) => u.pathname === "/engagements");
    await expect.poll(() => page.getByRole("table").getByRole("row").count()).toBeGreaterThan(11);
  });

  it("drills from a queue in a table to the Queues dashboard filtered to it", async () => {
    await page.goto(`${demo.url}/dashboards/overview`);
    const table = page.getByRole("table", { name: "Queue Performance" });
    const first = table.getByRole("row").nth(1).getByRole("button").first();
    const queue = (await first.textContent())?.trim() ?? "";
    await first.click();
    await page.waitForURL((u) => u.pathname === "/dashboards/queues");
    await page.getByRole("heading", { name: "Queues", level: 1 }).waitFor();
    await page.locator("summary", { hasText: "Queue" }).filter({ hasText: queue }).waitFor();
  });
});
