import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { EXPORT_COLUMNS, type ExportStarted } from "../../schemas/export";
import { launchBrowser, signInThroughPage } from "./browser";

const demo = inject("demo");
let browser: Browser;
let page: Page;

/** A `datetime-local` value `hours` before `value`, in the same (the browser's and this process's) zone. */
function hoursBefore(value: string, hours: number): string {
  const d = new Date(new Date(value).getTime() - hours * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Opens Settings → Exports through the navigation, as a person would. */
async function openExports(p: Page): Promise<void> {
  await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Exports" }).click();
  await p.waitForURL((u) => u.pathname === "/settings/exports");
  await p.getByRole("heading", { name: "Exports", level: 1 }).waitFor();
}

/** Adds a user with `role` through the Users API, with the signed-in admin's cookie and CSRF token. */
async function addUser(p: Page, user: { email: string; name: string; role: string; password: string }) {
  const status = await p.evaluate(async (body) => {
    const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
    const res = await fetch("/api/v1/users", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
      body: JSON.stringify(body),
    });
    return res.status;
  }, user);
  expect(status).toBe(201);
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
});

describe("the export form", () => {
  it("refuses a range longer than 24 hours without asking the server", async () => {
    await openExports(page);
    const exportRequests: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/export") exportRequests.push(r.url());
    });
    const to = await page.getByLabel("To", { exact: true }).inputValue();
    await page.getByLabel("From", { exact: true }).fill(hoursBefore(to, 48));
    await page.getByText("Range: 48 h 0 min, longer than the 24 hours an export may cover.").waitFor();

    await page.getByRole("button", { name: "Start export" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("an export covers at most 24 hours");
    expect(await page.getByLabel("To", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(exportRequests).toEqual([]);
  });

  it("explains the start button when no data set is chosen", async () => {
    await openExports(page);
    for (const name of ["Engagements", "Customers", "Turns", "Reviews", "Agents"]) {
      await page.getByRole("checkbox", { name }).uncheck();
    }
    const button = page.getByRole("button", { name: "Start export" });
    const helpId = await button.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${helpId}"]`).textContent()).toBe("Choose at least one data set to export.");
  });

  it("shows the server's message when no customer has the contact", async () => {
    await openExports(page);
    await page.getByLabel("Contact", { exact: true }).fill(`nobody-${Date.now()}@example.com`);
    await page.getByRole("button", { name: "Start export" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("No customer profile has this e-mail address or phone number.");
  });
});

describe("an export started from the page", () => {
  it("runs live in the history and offers engagements.csv with the seed's columns", { timeout: 120_000 }, async () => {
    await openExports(page);
    // The default range is yesterday 00:00 to today 00:00, which the demo data covers.
    for (const name of ["Turns", "Reviews", "Agents"]) await page.getByRole("checkbox", { name }).uncheck();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/export"),
      page.getByRole("button", { name: "Start export" }).click(),
    ]);
    expect(response.status()).toBe(200);
    const { exportId } = (await response.json()) as ExportStarted;

    const row = page.getByRole("row").filter({ has: page.locator(`[id="export-${exportId}"]`) });
    await row.waitFor();
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("Engagements, Customers");
    await row.getByText("Completed", { exact: true }).waitFor({ timeout: 90_000 });
    expect(await row.getByRole("progressbar").count()).toBe(0);
    expect(await row.getByRole("link", { name: "customers.csv" }).count()).toBe(1);
    expect(await row.getByRole("link", { name: "turns.csv" }).count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("link", { name: "engagements.csv" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("engagements.csv");
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.split("\r\n").filter((line) => line !== "");
    expect(lines[0]).toBe(EXPORT_COLUMNS.engagement.map((c) => c.name).join(","));
    expect(lines.length).toBeGreaterThan(1);
  });
});

describe("a user without export.run", () => {
  it("is not offered Settings → Exports", async () => {
    const agent = {
      email: `export-agent-${Date.now()}@example.com`,
      name: "Export E2E Agent",
      role: "agent",
      password: "agent-password-1234",
    };
    await addUser(page, agent);
    const other = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signInThroughPage(other, demo.url, agent.email, agent.password);
    const nav = other.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Sources" }).waitFor();
    expect(await nav.getByRole("link", { name: "Exports" }).count()).toBe(0);

    await other.goto(`${demo.url}/settings/exports`);
    await other.getByText("You cannot run exports").waitFor();
    expect(await other.getByRole("button", { name: "Start export" }).count()).toBe(0);
  });
});
