import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signInThroughPage } from "./browser";

// Issue 6's "done when", in the browser: from a dashboard's engagement list into the customer
// journey, a review of a turn with a form in the action pane, and the quality dashboard counting it.

const demo = inject("demo");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  page = await context.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
});
afterAll(async () => {
  await browser?.close();
});

/** Tags Applied over every row of the Quality dashboard's "Quality by Team" table, as shown. */
async function tagsAppliedShown(p: Page): Promise<number> {
  await p.goto(`${demo.url}/dashboards/quality`);
  const table = p.getByRole("table", { name: "Quality by Team" });
  await table.locator("tbody tr").first().waitFor();
  const headers = (await table.locator("thead th").allTextContents()).map((t) => t.trim());
  const column = headers.indexOf("Tags Applied");
  expect(column).toBeGreaterThan(0);
  const cells = await table
    .locator("tbody tr")
    .evaluateAll((trs, i) => trs.map((tr) => tr.querySelectorAll("td")[i]?.textContent?.trim() ?? ""), column);
  return cells.reduce((sum, text) => sum + (text === "–" ? 0 : Number(text.replace(/[^\d.]/g, ""))), 0);
}

describe("reviewing in the customer journey", () => {
  it("drills from the quality dashboard into the journey, bookmarks an agent turn, and the dashboard counts it", async () => {
    const before = await tagsAppliedShown(page);

    // An agent engagement from the dashboard's engagement list that has agent turns (calls without
    // transcripts have none), found through the journey API as the page loads it.
    const tile = page.getByRole("region", { name: "Recent Engagements", exact: true });
    const agentLinks = tile
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: "Agent", exact: true }) })
      .getByRole("link");
    await agentLinks.first().waitFor();
    const hrefs = (await agentLinks.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))).filter(Boolean);
    const found = await page.evaluate(
      async (ids) => {
        for (const id of ids) {
          const journey = (await (await fetch(`/api/v1/journeys/engagements/${id}`)).json()) as {
            conversations: { items: { kind: string; id: string; engagementId?: string; participant?: string }[] }[];
          };
          const turns = journey.conversations.flatMap((c) => c.items);
          const turn = turns.find((t) => t.kind === "turn" && t.engagementId === id && t.participant === "AGENT");
          if (turn) return { engagementId: id, turnId: turn.id };
        }
        return null;
      },
      hrefs.map((h) => h.split("/").at(-1) ?? ""),
    );
    expect(found, "an agent engagement with agent turns among the newest").not.toBeNull();
    const { engagementId, turnId } = found as { engagementId: string; turnId: string };
    await tile.locator(`a[href$="/${engagementId}"]`).click();
    await page.waitForURL((u) => u.pathname === `/journey/engagements/${engagementId}`);
    await page.locator("[data-journey-ready]").waitFor();

    // Select one of its agent turns: the action pane shows it and the forms allowed for agent turns.
    const turn = page.locator(`[id="turn-${turnId}"]`).getByRole("button").first();
    await turn.click();
    await expect.poll(() => turn.getAttribute("aria-pressed")).toBe("true");
    const pane = page.getByRole("complementary", { name: "Action pane" });
    await pane.getByRole("heading", { name: "Agent turn" }).waitFor();
    const add = pane.getByRole("region", { name: "Add a review" });
    const form = add.getByLabel("Form", { exact: true });
    await expect.poll(() => form.locator("option").allTextContents()).toContain("Bookmark and note");
    // The engagement-only form is not offered for a turn.
    expect(await form.locator("option").allTextContents()).not.toContain("Engagement review");
    await form.selectOption({ label: "Bookmark and note" });
    await add.getByRole("checkbox", { name: "Bookmark" }).check();
    await add.getByRole("button", { name: "Submit review" }).click();
    await pane.getByText("Saved 1 review.").waitFor();
    await pane.getByRole("listitem", { name: "Bookmark by Demo Admin" }).waitFor();

    // The quality dashboard counts the new tag at once.
    expect(await tagsAppliedShown(page)).toBe(before + 1);
  });
});
