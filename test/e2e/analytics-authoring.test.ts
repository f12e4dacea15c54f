import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signInThroughPage } from "./browser";

// Issue 5's "done when", in the browser: a metric written in the metric editor, a new
// visualization of it, and a copy of a built-in dashboard that shows it.

const demo = inject("demo");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
});
afterAll(async () => {
  await browser?.close();
});

/** A POST from the page, with its session's CSRF token; the JSON it answers. */
async function post<T>(p: Page, path: string, body: unknown): Promise<T> {
  return p.evaluate(
    async ({ path, body }) => {
      const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
      const res = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    { path, body },
  ) as Promise<T>;
}

const METRIC = "Inbound Agent Engagements (e2e)";
const VISUALIZATION = "Inbound agent work (e2e)";
const DEFINITION =
  'SELECT COUNT(Engagement)\nWHERE Engagement -> Type = "Agent" AND Engagement -> Direction = "Inbound"';

describe("authoring analytics in the browser", () => {
  it("a metric written in the editor appears in a new visualization on a copied dashboard", async () => {
    // The metric editor: a mistake is shown at its line and column; the fix previews and saves.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Metrics" }).click();
    await page.getByRole("button", { name: "New metric" }).click();
    await page.waitForURL((u) => u.pathname === "/metrics/new");
    await page.getByLabel("Name", { exact: true }).fill(METRIC);
    const definition = page.getByLabel("Definition", { exact: true });
    await definition.fill('SELECT COUNT(Engagement)\nWHERE Engagement -> Colour = "Red"');
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByText("UNKNOWN_ATTRIBUTE").waitFor();
    await expect.poll(() => preview.textContent()).toContain("Line 2");
    await definition.fill(DEFINITION);
    const expected = await post<{ rows: { value: number }[] }>(page, "/api/v1/metrics/evaluate", {
      definition: DEFINITION,
      context: {},
    });
    const value = expected.rows[0]?.value ?? 0;
    expect(value).toBeGreaterThan(0);
    await preview.getByText(value.toLocaleString("en-US"), { exact: true }).waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL((u) => /^\/metrics\/[\w-]+$/.test(u.pathname) && u.pathname !== "/metrics/new");
    await page.getByRole("heading", { name: METRIC, level: 1 }).waitFor();

    // A new visualization of it: a headline number.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Visualizations" }).click();
    await page.getByRole("button", { name: "New visualization" }).click();
    await page.waitForURL((u) => u.pathname === "/visualizations/new");
    await page.getByLabel("Name", { exact: true }).fill(VISUALIZATION);
    await page.getByLabel("Type", { exact: true }).selectOption("headline");
    await page.getByLabel("Add a metric").fill(METRIC);
    await page.getByRole("button", { name: "Add metric" }).click();
    await page.getByRole("button", { name: `Remove ${METRIC}` }).waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL((u) => /^\/visualizations\/[\w-]+$/.test(u.pathname) && u.pathname !== "/visualizations/new");
    const visualizationId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await page.getByRole("heading", { name: VISUALIZATION, level: 1 }).waitFor();
    // A favorite of this user, listed under Favorites.
    await page.getByRole("button", { name: "Add to favorites" }).click();
    await page.getByRole("button", { name: "Remove from favorites" }).waitFor();
    const library = page.getByRole("navigation", { name: "All visualizations" });
    await library.getByRole("region", { name: "Favorites" }).getByRole("link", { name: VISUALIZATION }).waitFor();

    // A copy of the Overview dashboard, edited to show it.
    await page.goto(`${demo.url}/dashboards/overview`);
    await page.getByRole("button", { name: "Copy dashboard" }).click();
    await page.waitForURL((u) => /^\/dashboards\/[\w-]+$/.test(u.pathname) && u.pathname !== "/dashboards/overview");
    const dashboardId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await page.getByRole("heading", { name: "Overview (copy)", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const add = page.getByLabel("Add visualization");
    await expect.poll(() => add.locator("option").allTextContents()).toContain(`${VISUALIZATION} (shared)`);
    await add.selectOption(visualizationId);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("button", { name: "Save dashboard" }).click();
    await page.getByRole("heading", { name: "Edit dashboard" }).waitFor({ state: "detached" });

    // The tile shows the number the API computes for it under the dashboard's default filter
    // (the last 30 days; the API applies only the values it is sent, as the page sends them).
    const tile = page.getByRole("region", { name: VISUALIZATION, exact: true });
    const shown = tile.getByRole("button").first();
    await shown.waitFor();
    const data = await post<{ rows: { values: (number | null)[] }[] }>(page, "/api/v1/visualizations/data", {
      visualizationId,
      dashboardId,
      values: { date: { op: "between", relative: "last30Days" } },
    });
    const onDashboard = data.rows[0]?.values[0] ?? 0;
    expect(onDashboard).toBeGreaterThan(0);
    expect(onDashboard).toBeLessThanOrEqual(value);
    await expect
      .poll(async () => (await shown.textContent())?.replace(/ — .*$/, "").trim())
      .toBe(onDashboard.toLocaleString("en-US"));

    // It stays after a reload, and its number drills to exactly as many engagements.
    await page.reload();
    await shown.click();
    await page.waitForURL((u) => u.pathname === "/engagements");
    await page.getByRole("table").getByRole("row").nth(1).waitFor();
    await page.getByLabel("Selection name").fill("Inbound agent work");
    await page.getByRole("button", { name: "Save engagements as selection" }).click();
    await page.getByText(`Saved ${onDashboard.toLocaleString("en-US")} engagements as “Inbound agent work”`).waitFor();
  });
});
