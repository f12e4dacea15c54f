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

const nav = (p: Page, name: string) =>
  p.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();

/**
 * Tags Applied for a team in the Quality dashboard's "Quality by Team" table, as a number. Two
 * demo sources each have a team of that name, so the rows named so are added up.
 */
async function tagsApplied(p: Page, team: string): Promise<number> {
  await p.goto(`${demo.url}/dashboards/quality`);
  const table = p.getByRole("table", { name: "Quality by Team" });
  await table.locator("tbody tr").first().waitFor();
  const headers = (await table.locator("thead th").allTextContents()).map((t) => t.trim());
  const column = headers.indexOf("Tags Applied");
  expect(column).toBeGreaterThan(0);
  const rows = await table
    .locator("tbody tr")
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent?.trim() ?? "")));
  const cells = rows.filter((cells) => cells[0] === team).map((cells) => cells[column] ?? "");
  expect(cells.length).toBeGreaterThan(0);
  return cells.reduce((sum, text) => sum + (text === "–" ? 0 : Number(text.replace(/[^\d.]/g, ""))), 0);
}

describe("quality assurance in the app", () => {
  it("an admin creates a tag and a form, reviews an engagement with them, sees the review, and the quality dashboard counts it", async () => {
    const stamp = Date.now().toString(36);
    const tagName = `Upsell chance ${stamp}`;
    const formName = `Sales review ${stamp}`;

    // A tag in Quality → Tags & questions.
    await nav(page, "Tags & questions");
    await page.getByRole("heading", { name: "Tags & questions", level: 1 }).waitFor();
    await page.getByRole("link", { name: "CSAT", exact: true }).waitFor();
    await page.getByRole("button", { name: "New tag or question" }).click();
    await page.getByRole("heading", { name: "New tag or question", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill(tagName);
    await page.getByLabel("Type", { exact: true }).selectOption("Tag");
    await page.getByLabel("Score", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: tagName, level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/quality\/questions\/[0-9a-f-]{36}$/);
    await nav(page, "Tags & questions");
    await page.getByLabel("Search", { exact: true }).fill(stamp);
    await page.getByRole("row").filter({ hasText: tagName }).filter({ hasText: "score 1" }).waitFor();

    // A form with a tag set of it, for whole engagements.
    await nav(page, "Forms");
    await page.getByRole("link", { name: "Engagement review", exact: true }).waitFor();
    await page.getByRole("button", { name: "New form" }).click();
    await page.getByRole("heading", { name: "New form", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill(formName);
    expect(await page.getByRole("checkbox", { name: "Engagement", exact: true }).isChecked()).toBe(true);
    await page.getByLabel("Kind of block", { exact: true }).selectOption("tagSet");
    await page.getByRole("button", { name: "Add block" }).click();
    await page.getByRole("listitem", { name: "Block 1: Tag set" }).getByRole("checkbox", { name: tagName }).check();
    await page.getByRole("button", { name: "Create form" }).click();
    await page.getByRole("heading", { name: formName, level: 1 }).waitFor();

    // An agent engagement from the Quality dashboard, and its team's Tags Applied before.
    await page.goto(`${demo.url}/dashboards/quality`);
    // Engagement rows open the journey; the engagement's own page has its details and the panel too.
    // The newest one with an engaged team: live conversations (the widget's and the Live page's
    // tests) add agent engagements that have none, and may be newer than the demo data.
    // The tile shows the ten newest, which may all be live ones, so the dashboard's own
    // drill-down (newest first, 200 at a time) finds one with a team.
    await page.getByRole("region", { name: "Recent Engagements" }).getByRole("row").getByRole("link").first().waitFor();
    const engagementId = await page.evaluate(async () => {
      const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
      const res = await fetch("/api/v1/engagements/query", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        body: JSON.stringify({ dashboardId: "quality", limit: 200 }),
      });
      const page = (await res.json()) as {
        items: { id: string; type: string | null; team: { name: string | null } | null }[];
      };
      return page.items.find((e) => e.type === "Agent" && e.team?.name)?.id ?? "";
    });
    expect(engagementId).not.toBe("");
    const engagementUrl = `${demo.url}/engagements/${engagementId}`;
    await page.goto(engagementUrl);
    const teamField = page.locator("dt", { hasText: "Engaged team" }).locator("xpath=following-sibling::dd");
    const team = (await teamField.textContent())?.trim() ?? "";
    expect(team).not.toBe("");
    const before = await tagsApplied(page, team);

    // Review it with the new form; the review is listed; one click marks it reviewed.
    await page.goto(engagementUrl);
    const panel = page.getByRole("region", { name: "Review", exact: true });
    await panel.getByLabel("Form", { exact: true }).selectOption({ label: formName });
    await panel.getByRole("checkbox", { name: tagName }).check();
    await panel.getByRole("button", { name: "Submit review" }).click();
    await panel.getByText("Saved 1 review.").waitFor();
    const listed = panel.getByRole("listitem", { name: `${tagName} by Demo Admin` });
    await listed.waitFor();
    await expect.poll(() => listed.textContent()).toContain("You");
    await listed.getByRole("button", { name: `Withdraw: ${tagName}` }).waitFor();
    await panel.getByRole("button", { name: "Mark engagement reviewed" }).click();
    await panel.getByText("The engagement is marked reviewed.").waitFor();
    await panel.getByRole("listitem", { name: "Reviewed by Demo Admin" }).waitFor();
    await panel.getByText("Reviewed", { exact: true }).first().waitFor();

    // The form is remembered for engagements: a fresh visit preselects it.
    await page.goto(engagementUrl);
    await expect
      .poll(() =>
        page
          .getByRole("region", { name: "Review", exact: true })
          .getByLabel("Form", { exact: true })
          .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      )
      .toBe(formName);

    // The Quality dashboard counts both tags (the new one and Reviewed) for the team.
    await expect.poll(() => tagsApplied(page, team), { timeout: 30_000 }).toBe(before + 2);
  });
});
