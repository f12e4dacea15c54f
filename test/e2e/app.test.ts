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
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

async function keyStatus(secret: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${demo.url}/api/v1/auth/api-key`, { headers: { authorization: `Bearer ${secret}` } });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}

describe("signing in", () => {
  it("shows the server's message for a wrong password and stays on the sign-in page", async () => {
    await page.goto(`${demo.url}/sign-in`);
    await page.getByLabel("E-mail").fill(demo.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("The e-mail or password is incorrect.");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("signs in with the credentials npm start printed", async () => {
    await signInThroughPage(page, demo.url, demo.email, demo.password);
    await page.getByText("Demo Contact Center").first().waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "brine_session");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
  });

  it("sends a signed-out visitor to sign-in and back to the page they asked for", async () => {
    await page.goto(`${demo.url}/settings/api-keys`);
    await page.waitForURL((u) => u.pathname === "/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/settings/api-keys");
    await page.getByLabel("E-mail").fill(demo.email);
    await page.getByLabel("Password").fill(demo.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/api-keys");
  });

  it("can be done with the keyboard alone, with a visible focus ring", async () => {
    await page.goto(`${demo.url}/sign-in`);
    await page.getByLabel("E-mail").focus();
    await page.keyboard.type(demo.email);
    await page.keyboard.press("Tab");
    // The ring may be an outline or a box-shadow; either way the focused field must show one.
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return {
        label: document.activeElement?.getAttribute("type"),
        outline: style.outlineStyle,
        shadow: style.boxShadow,
      };
    });
    expect(ring.label).toBe("password");
    expect(ring.outline !== "none" || ring.shadow !== "none").toBe(true);
    await page.keyboard.type(demo.password);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  });
});

describe("Settings → API keys", () => {
  it("creates a key, shows it once, and revokes it so the API refuses it", async () => {
    await signInThroughPage(page, demo.url, demo.email, demo.password);
    await page.goto(`${demo.url}/settings/api-keys`);
    const name = `E2E key ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create API key" }).click();
    await page.getByText("This key is shown only once").waitFor();
    const secret = (await page.locator("text=/brn_[0-9a-f]{32}_[\\w-]{43}/").first().textContent())?.match(
      /brn_[0-9a-f]{32}_[\w-]{43}/,
    )?.[0];
    if (!secret) {
      const value = await page
        .locator("input[readonly], code, output")
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value ?? e.textContent));
      throw new Error(`secret not found on the page: ${value.join(" | ")}`);
    }
    expect(await keyStatus(secret)).toEqual({ status: 200, code: undefined });

    const row = page.getByRole("row").filter({ hasText: name });
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: "Yes" }).click();
    await row.getByText("Revoked").waitFor();
    expect(await keyStatus(secret)).toEqual({ status: 401, code: "API_KEY_REVOKED" });

    await page.reload();
    await page.getByRole("row").filter({ hasText: name }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });
});

describe("the app at phone width", () => {
  it("collapses the navigation behind a menu button that opens it", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await signInThroughPage(page, demo.url, demo.email, demo.password);
    const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Logical model" });
    expect(await link.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Navigation" }).click();
    await link.click();
    await page.waitForURL((u) => u.pathname.startsWith("/model"));
    await page.getByRole("heading", { name: "Logical model" }).waitFor();
  });
});

describe("Logical model", () => {
  it("shows a data set's fields with their allowed values", async () => {
    await signInThroughPage(page, demo.url, demo.email, demo.password);
    await page.goto(`${demo.url}/model/engagement`);
    const row = page.getByRole("row").filter({ hasText: "Service Level" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Ignore");
  });
});
