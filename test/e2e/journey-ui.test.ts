import type { Browser, Locator, Page } from "playwright-core";
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

const conversationsPane = () => page.getByRole("region", { name: "Conversations", exact: true });
const overview = () => page.getByRole("navigation", { name: "Journey overview" });

/** Whether `element` lies (at least partly) inside the scrolled conversations pane's visible box. */
async function shownInPane(element: Locator): Promise<boolean> {
  const pane = await conversationsPane().boundingBox();
  const box = await element.boundingBox();
  if (!pane || !box) return false;
  return box.y + box.height > pane.y && box.y < pane.y + pane.height;
}

/** A demo customer whose journey has at least `n` conversations, found through the API as the page would. */
async function customerWithConversations(n: number): Promise<string> {
  const id = await page.evaluate(async (min) => {
    const list = (await (await fetch("/api/v1/customers?limit=100")).json()) as { items: { id: string }[] };
    for (const c of list.items) {
      const outline = (await (await fetch(`/api/v1/journeys/customers/${c.id}/outline?limit=1`)).json()) as {
        conversationCount: number;
      };
      if (outline.conversationCount >= min) return c.id;
    }
    return null;
  }, n);
  if (!id) throw new Error(`no demo customer has ${n} conversations`);
  return id;
}

describe("the customer journey", () => {
  it("opens from an engagement list at the engagement, scrolled to and highlighted", async () => {
    await page.goto(`${demo.url}/dashboards/overview`);
    await page.getByRole("region", { name: "Engagements", exact: true }).getByRole("button").first().click();
    await page.waitForURL((u) => u.pathname === "/engagements");
    const rows = page.getByRole("table").getByRole("row");
    // A later row, so the journey has something before it to scroll past.
    await rows.nth(20).waitFor();
    const link = rows.nth(20).getByRole("link");
    const engagementId = (await link.getAttribute("href"))?.split("/").at(-1) ?? "";
    await link.click();
    await page.waitForURL((u) => u.pathname === `/journey/engagements/${engagementId}`);
    await page.locator("[data-journey-ready]").waitFor();

    const target = conversationsPane().locator("[aria-current='true']");
    await expect.poll(() => target.count()).toBe(1);
    expect(await target.getAttribute("id")).toBe(`engagement-${engagementId}`);
    await expect.poll(() => shownInPane(target)).toBe(true);
    // The action pane shows the engagement the link pointed at.
    const action = page.getByRole("complementary", { name: "Action pane" });
    await action.getByRole("heading", { name: "Engagement" }).waitFor();
    expect(await target.getByRole("button").first().getAttribute("aria-pressed")).toBe("true");
  });

  it("scrolls the conversations pane from the navigation pane and marks what is on screen", async () => {
    const customerId = await customerWithConversations(6);
    await page.goto(`${demo.url}/journey/customers/${customerId}`);
    await page.locator("[data-journey-ready]").waitFor();
    const conversations = overview().locator("ol > li");
    await expect.poll(() => conversations.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    // Opened at the customer: the first conversation is on screen and marked with the bar.
    await expect.poll(() => conversations.first().getAttribute("data-in-view")).toBe("true");

    const last = conversations.last();
    const lastDate = (await last.getByRole("button").first().textContent())?.trim() ?? "";
    await last.getByRole("list").getByRole("button").last().click();
    const pane = conversationsPane();
    await expect.poll(() => pane.evaluate((el) => el.scrollTop), { timeout: 15_000 }).toBeGreaterThan(0);
    const sections = pane.locator("section[data-conversation-id]");
    const lastSection = sections.last();
    await expect.poll(() => shownInPane(lastSection), { timeout: 15_000 }).toBe(true);
    expect(await lastSection.getByRole("heading").textContent()).toContain(lastDate.split(",")[0] ?? lastDate);
    await expect.poll(() => last.getAttribute("data-in-view")).toBe("true");
    await expect.poll(() => conversations.first().getAttribute("data-in-view")).toBeNull();

    // Clicking the first one scrolls back up.
    await conversations.first().getByRole("button").first().click();
    await expect.poll(() => shownInPane(sections.first())).toBe(true);
    await expect.poll(() => conversations.first().getAttribute("data-in-view")).toBe("true");
  });

  it("loads more conversations as either end of the pane scrolls into view, keeping the reader's place", async () => {
    const customerId = await customerWithConversations(25);
    const outline = await page.evaluate(
      async (id) =>
        (await (await fetch(`/api/v1/journeys/customers/${id}/outline`)).json()) as { items: { id: string }[] },
      customerId,
    );
    const pane = conversationsPane();
    const sections = pane.locator("section[data-conversation-id]");

    // Opened at the customer: the first ten; scrolling to the bottom brings the next ones.
    await page.goto(`${demo.url}/journey/customers/${customerId}`);
    await page.locator("[data-journey-ready]").waitFor();
    expect(await sections.count()).toBe(10);
    await pane.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect.poll(() => sections.count(), { timeout: 15_000 }).toBeGreaterThan(10);
    expect(await pane.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);

    // Opened in the middle: the earlier ones arrive above while the target stays where it was.
    const middle = outline.items[5]?.id ?? "";
    await page.goto(`${demo.url}/journey/conversations/${middle}`);
    await page.locator("[data-journey-ready]").waitFor();
    const target = pane.locator(`section[data-conversation-id="${middle}"]`);
    await expect
      .poll(() => sections.first().getAttribute("data-conversation-id"), { timeout: 15_000 })
      .not.toBe(middle);
    expect(await target.getAttribute("aria-current")).toBe("true");
    await expect.poll(() => shownInPane(target.getByRole("heading").first())).toBe(true);

    // Scrolling down from there loads the rest, and never jumps back to the target.
    for (let i = 0; i < 10 && (await sections.count()) < outline.items.length; i++) {
      const before = await sections.count();
      await pane.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await expect.poll(() => sections.count(), { timeout: 15_000 }).toBeGreaterThan(before);
      expect(await shownInPane(target)).toBe(false);
    }
    expect(await sections.count()).toBe(outline.items.length);
  });

  it("reveals a masked name to an admin, one click at a time, and the reveal log shows who did it", async () => {
    await page.goto(`${demo.url}/journey`);
    await page.getByLabel("Customer ID, PID, e-mail or phone").fill("S1-CU-00002");
    await page.getByRole("button", { name: "Find" }).click();
    await page.waitForURL((u) => u.search.includes("S1-CU-00002"));
    const result = page.getByRole("table").getByRole("row").nth(1);
    const masked = (await result.getByRole("link").textContent()) ?? "";
    expect(masked).toContain("•");
    await result.getByRole("link").click();
    await page.waitForURL((u) => u.pathname.startsWith("/journey/customers/"));
    await page.locator("[data-journey-ready]").waitFor();

    const reveal = page.getByRole("button", { name: /reveal name/ }).first();
    await reveal.click();
    const shown = page.locator("[data-revealed='true']").first();
    await shown.waitFor();
    const name = (await shown.textContent())?.trim() ?? "";
    expect(name.length).toBeGreaterThan(1);
    expect(name).not.toContain("•");
    // Only that one value: the contacts stay masked.
    expect(await page.locator("[data-revealed='true']").count()).toBe(1);
    expect(await page.getByRole("button", { name: /reveal e-mail|reveal email/ }).count()).toBeGreaterThan(0);

    await page.goto(`${demo.url}/settings/reveal-log`);
    const row = page.getByRole("table", { name: "Reveal log" }).getByRole("row").nth(1);
    await row.waitFor();
    expect(await row.textContent()).toContain(demo.email);
    expect(await row.textContent()).toContain("S1-CU-00002");
    expect(await row.textContent()).toContain("Name");
    expect(await row.textContent()).not.toContain(name);
  });
});
