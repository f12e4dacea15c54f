import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { launchBrowser, signInThroughPage } from "./browser";

// The Live page, the external agent's page and the live settings, in Chromium against the real
// server. The customer is a real browser page at the app's origin (a brand allows it), talking
// to the public widget API and its socket exactly as the chat widget does.

const demo = inject("demo");
let browser: Browser;
let context: BrowserContext;
let agent: Page;

interface Started {
  conversationPid: string;
  customerToken: string;
}

/** A call to Brine's API with the signed-in page's cookie and CSRF token; returns status and body. */
async function apiAs<T>(p: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return p.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1${path}`, {
        method,
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  ) as Promise<{ status: number; body: T }>;
}

let brandId: string;

/** A brand whose allowed origins include the app's own, so a page there can be the customer. */
async function ensureBrand(p: Page): Promise<string> {
  if (brandId) return brandId;
  const created = await apiAs<{ id: string }>(p, "POST", "/live/brands", {
    name: `E2E live ${Date.now()}`,
    color: "#0f4c5c",
    allowedOrigins: [new URL(demo.url).origin],
  });
  expect([200, 201]).toContain(created.status);
  brandId = created.body.id;
  return brandId;
}

/**
 * A customer: a cookie-less page at the app's origin that starts a conversation through the
 * widget API and keeps its socket open, recording every frame in `window.frames_`.
 */
async function startCustomer(): Promise<{ page: Page; started: Started; context: BrowserContext }> {
  const id = await ensureBrand(agent);
  const customerContext = await browser.newContext();
  const page = await customerContext.newPage();
  await page.goto(`${demo.url}/api/v1/openapi.json`);
  const started = await page.evaluate(
    async ({ accountId, brandId }) => {
      const res = await fetch("/api/v1/live/widget/conversations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accountId, brandId, url: "https://shop.example.com/orders/17" }),
      });
      if (!res.ok) throw new Error(`start failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { conversationPid: string; customerToken: string };
      const w = window as unknown as { frames_: unknown[]; socket_: WebSocket };
      w.frames_ = [];
      const url = `ws://${location.host}/api/v1/live/widget/conversations/${body.conversationPid}/socket?account=${accountId}&token=${encodeURIComponent(body.customerToken)}`;
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url);
        w.socket_ = ws;
        ws.onmessage = (e) => w.frames_.push(JSON.parse(e.data as string));
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error("customer socket failed"));
      });
      return { conversationPid: body.conversationPid, customerToken: body.customerToken };
    },
    { accountId: demo.accountId, brandId: id },
  );
  return { page, started, context: customerContext };
}

/** The customer writes over its socket. */
async function customerSays(page: Page, content: string): Promise<void> {
  await page.evaluate((content) => {
    (window as unknown as { socket_: WebSocket }).socket_.send(JSON.stringify({ type: "message", content }));
  }, content);
}

/** Resolves once the customer's socket received a turn with this content. */
async function customerReceives(page: Page, content: string): Promise<void> {
  await page.waitForFunction(
    (content) =>
      (window as unknown as { frames_: { type: string; turn?: { content: string } }[] }).frames_.some(
        (f) => f.type === "turn" && f.turn?.content === content,
      ),
    content,
  );
}

const section = (p: Page, id: string) => p.locator(`[data-section="${id}"]`);
const inboxItem = (p: Page, sectionId: string, pid: string) =>
  section(p, sectionId).locator(`a[data-conversation-pid="${pid}"]`);
const pane = (p: Page) => p.locator("section[data-conversation-pid]");
const turn = (p: Page, participant: string, text: string) =>
  pane(p).locator(`[data-participant="${participant}"]`).filter({ hasText: text });

/** Opens the Live page through the navigation and waits for the inbox to load. */
async function openLive(p: Page): Promise<void> {
  await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Live conversations" }).click();
  await p.waitForURL((u) => u.pathname === "/live");
  await p.getByRole("heading", { name: "Live conversations", level: 1 }).waitFor();
  await section(p, "mine").getByRole("heading").filter({ hasNotText: "…" }).waitFor();
}

/** Opens a conversation from a section of the inbox and joins it. */
async function openAndJoin(p: Page, sectionId: string, pid: string): Promise<void> {
  await inboxItem(p, sectionId, pid).click();
  await p.waitForURL((u) => u.pathname === `/live/${pid}`);
  await pane(p).getByRole("button", { name: "Join", exact: true }).click();
  await pane(p).getByRole("button", { name: "Leave", exact: true }).waitFor();
}

/** Resolves once the page's composer box is empty again (cleared when the server stored the text). */
async function composerEmptied(p: Page): Promise<void> {
  await p.waitForFunction(() => document.querySelector<HTMLTextAreaElement>("form textarea")?.value === "");
}

/** The agent writes a message in the composer and sends it with Enter. */
async function agentSays(p: Page, text: string): Promise<void> {
  const box = pane(p).getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

beforeAll(async () => {
  browser = await launchBrowser();
  // The demo account sends its conversations to the example Your Logic, which does not run here:
  // each would fail over to agents with needs help. These tests are about agents, so it is off.
  const setup = await browser.newContext();
  const page = await setup.newPage();
  await signInThroughPage(page, demo.url, demo.email, demo.password);
  await page.evaluate(async () => {
    const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
    const settings = (await (await fetch("/api/v1/live/your-logic")).json()) as { url: string | null };
    const res = await fetch("/api/v1/live/your-logic", {
      method: "PUT",
      headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
      body: JSON.stringify({ url: settings.url ?? "http://localhost:8788/events", enabled: false }),
    });
    if (!res.ok) throw new Error(`your logic off: ${res.status} ${await res.text()}`);
  });
  await setup.close();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  agent = await context.newPage();
  await signInThroughPage(agent, demo.url, demo.email, demo.password);
});

describe("the Live page", () => {
  it("shows a new conversation live, and after joining, messages flow both ways", async () => {
    await openLive(agent);
    const customer = await startCustomer();
    const pid = customer.started.conversationPid;
    await customerSays(customer.page, "Hello, my parcel never arrived");

    // No reload: the inbox socket brings it, with the customer's last message.
    const item = inboxItem(agent, "all", pid);
    await item.waitFor();
    await item.filter({ hasText: "Customer: Hello, my parcel never arrived" }).waitFor();
    expect(await item.textContent()).toContain("Anonymous customer");

    await openAndJoin(agent, "all", pid);
    await inboxItem(agent, "mine", pid).waitFor();

    await agentSays(agent, "Sorry to hear that, let me check.");
    await customerReceives(customer.page, "Sorry to hear that, let me check.");
    await turn(agent, "AGENT", "Sorry to hear that, let me check.").waitFor();
    await composerEmptied(agent);

    await customerSays(customer.page, "Order 17, thanks");
    await turn(agent, "CUSTOMER", "Order 17, thanks").waitFor();

    // A note stays internal: the agent sees it marked, the customer never receives it.
    await pane(agent).getByRole("radio", { name: "Internal note" }).check();
    const noteBox = pane(agent).getByRole("textbox", { name: "Internal note" });
    await noteBox.fill("Carrier lost it, refund likely");
    await noteBox.press("Enter");
    const note = pane(agent).locator('[data-turn-type="NOTE"]').filter({ hasText: "Carrier lost it" });
    await note.waitFor();
    expect(await note.textContent()).toContain("Internal note");
    await pane(agent).getByRole("radio", { name: "Message to customer" }).check();
    await agentSays(agent, "Marker after the note");
    await customerReceives(customer.page, "Marker after the note");
    const customerTurns = await customer.page.evaluate(() =>
      (window as unknown as { frames_: { type: string; turn?: { content: string } }[] }).frames_
        .filter((f) => f.type === "turn")
        .map((f) => f.turn?.content),
    );
    expect(customerTurns).not.toContain("Carrier lost it, refund likely");
    await customer.context.close();
  });

  it("moves a left conversation to Recently left, and re-joining from there brings it back", async () => {
    await openLive(agent);
    const customer = await startCustomer();
    const pid = customer.started.conversationPid;
    await inboxItem(agent, "all", pid).waitFor();
    await openAndJoin(agent, "all", pid);
    await inboxItem(agent, "mine", pid).waitFor();

    await pane(agent).getByRole("button", { name: "Leave", exact: true }).click();
    await inboxItem(agent, "recentlyLeft", pid).waitFor();
    await inboxItem(agent, "mine", pid).waitFor({ state: "detached" });
    expect(await pane(agent).getByRole("textbox", { name: "Message" }).isDisabled()).toBe(true);

    await openAndJoin(agent, "recentlyLeft", pid);
    await inboxItem(agent, "mine", pid).waitFor();
    await inboxItem(agent, "recentlyLeft", pid).waitFor({ state: "detached" });
    await customer.context.close();
  });

  it("asks for help with a reason, shown in Help needed and the header, and takes it back", async () => {
    await openLive(agent);
    const customer = await startCustomer();
    const pid = customer.started.conversationPid;
    await openAndJoin(agent, "all", pid);
    await pane(agent).getByRole("button", { name: "Ask for help" }).click();
    const dialog = agent.getByRole("dialog", { name: "Ask for help" });
    await dialog.getByLabel("Reason").fill("Refund above my limit");
    await dialog.getByRole("button", { name: "Ask for help" }).click();
    await dialog.waitFor({ state: "hidden" });
    await pane(agent).getByText("Needs help: Refund above my limit").waitFor();
    await inboxItem(agent, "helpNeeded", pid).filter({ hasText: "Needs help: Refund above my limit" }).waitFor();

    await pane(agent).getByRole("button", { name: "Help no longer needed" }).click();
    await inboxItem(agent, "helpNeeded", pid).waitFor({ state: "detached" });
    await customer.context.close();
  });

  it("keeps the draft and says why when a message cannot be sent, and sends it once back online", async () => {
    await openLive(agent);
    const customer = await startCustomer();
    const pid = customer.started.conversationPid;
    await openAndJoin(agent, "all", pid);
    const box = pane(agent).getByRole("textbox", { name: "Message" });

    await context.setOffline(true);
    await box.fill("Are you still there?");
    await box.press("Enter");
    const alert = pane(agent).locator("form").getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Brine could not be reached");
    expect(await box.inputValue()).toBe("Are you still there?");

    await context.setOffline(false);
    await box.press("Enter");
    await customerReceives(customer.page, "Are you still there?");
    await alert.waitFor({ state: "detached" });
    await composerEmptied(agent);
    await customer.context.close();
  });
});

describe("external agents", () => {
  it("open the invitation link without an account, join and write; the agent sees it in yellow", async () => {
    await openLive(agent);
    const customer = await startCustomer();
    const pid = customer.started.conversationPid;
    await openAndJoin(agent, "all", pid);
    await agentSays(agent, "Bringing in our courier partner.");

    await pane(agent).getByRole("button", { name: "Invite external agent" }).click();
    const dialog = agent.getByRole("dialog", { name: "Invite an external agent" });
    await dialog.getByLabel("E-mail address").fill("courier@partner.example");
    await dialog.getByLabel("Name").fill("Courier desk");
    await dialog.getByLabel("Note for them").fill("Where is parcel 17?");
    await dialog.getByRole("button", { name: "Create invitation" }).click();
    const link = (await dialog.getByTestId("invitation-link").textContent()) ?? "";
    expect(link).toMatch(/\/external\/.{10,}$/);
    await dialog.getByRole("button", { name: "Done" }).click();

    const externalContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const external = await externalContext.newPage();
    const sessionRequests: string[] = [];
    external.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/v1/auth/")) sessionRequests.push(r.url());
    });
    await external.goto(link);
    await external.getByRole("heading", { level: 1, name: /Conversation with/ }).waitFor();
    expect(external.url()).toBe(link);
    await external.getByText("Bringing in our courier partner.").waitFor();

    await external.getByRole("button", { name: "Join", exact: true }).click();
    await external.getByRole("button", { name: "Leave", exact: true }).waitFor();
    // The agent's header follows who is in the conversation without a reload.
    await pane(agent)
      .getByText(/In the conversation: .*Courier desk/)
      .waitFor();
    const box = external.getByRole("textbox", { name: "Message" });
    await box.fill("The parcel is at the depot, delivery tomorrow.");
    await box.press("Enter");
    await external.locator('[data-participant="EXTERNAL_AGENT"]').filter({ hasText: "at the depot" }).waitFor();

    const seen = turn(agent, "EXTERNAL_AGENT", "The parcel is at the depot, delivery tomorrow.");
    await seen.waitFor();
    const edge = await seen
      .locator("div")
      .first()
      .evaluate((el) => getComputedStyle(el).borderLeftColor);
    expect(edge).toBe("rgb(234, 170, 8)");
    await customerReceives(customer.page, "The parcel is at the depot, delivery tomorrow.");
    expect(sessionRequests).toEqual([]);

    await externalContext.close();
    await customer.context.close();
  });

  it("see a clear page for a link that is not valid", async () => {
    const externalContext = await browser.newContext();
    const external = await externalContext.newPage();
    for (const token of ["not-a-real-invitation-token-at-all", "x"]) {
      await external.goto(`${demo.url}/external/${token}`);
      await external.getByRole("heading", { level: 1, name: "This link is not valid" }).waitFor();
      expect(await external.locator("[data-link-problem]").getAttribute("data-link-problem")).toBe("LINK_INVALID");
    }
    await externalContext.close();
  });
});

describe("live settings", () => {
  it("creates a brand with its embed code, edits it and deletes it", async () => {
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Brands" }).click();
    await agent.waitForURL((u) => u.pathname === "/settings/brands");
    const name = `Shop ${Date.now()}`;
    const form = agent.getByRole("region", { name: "Add a brand" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Allowed origins").fill("https://shop.example.com\nhttp://localhost:8788");
    await form.getByLabel("Opening message").fill("Hi! How can we help?");
    await form.getByRole("button", { name: "Add brand" }).click();

    const secret = agent.getByTestId("secret");
    await secret.waitFor();
    expect((await secret.textContent())?.length).toBeGreaterThan(16);
    await agent.getByRole("button", { name: "I have stored it" }).click();
    await secret.waitFor({ state: "detached" });

    const card = agent.locator("li[data-brand-id]").filter({ has: agent.getByRole("heading", { name }) });
    await card.waitFor();
    const id = await card.getAttribute("data-brand-id");
    const snippet = (await card.locator("pre").textContent()) ?? "";
    expect(snippet).toContain(`<script type="module" src="${demo.url}/widget/universal-chat.js"></script>`);
    expect(snippet).toContain(`<universal-chat accountid="${demo.accountId}" brandid="${id}"></universal-chat>`);
    expect(await card.textContent()).toContain("https://shop.example.com, http://localhost:8788");

    await card.getByRole("button", { name: "Edit" }).click();
    await card.getByLabel("Name").fill(`${name} renamed`);
    await card.getByLabel("Placeholder").fill("Type here");
    await card.getByRole("button", { name: "Save brand" }).click();
    await card.getByRole("heading", { name: `${name} renamed` }).waitFor();
    expect(await card.textContent()).toContain("Type here");

    // A bad origin is refused before it is sent, and the draft stays.
    await card.getByRole("button", { name: "Edit" }).click();
    await card.getByLabel("Allowed origins").fill("shop.example.com/path");
    await card.getByRole("button", { name: "Save brand" }).click();
    await card.getByText("is not an origin").waitFor();
    expect(await card.getByLabel("Allowed origins").inputValue()).toBe("shop.example.com/path");
    await card.getByRole("button", { name: "Cancel" }).click();

    await card.getByRole("button", { name: "Delete" }).click();
    await card.getByRole("button", { name: "Yes, delete" }).click();
    await agent.locator(`li[data-brand-id="${id}"]`).waitFor({ state: "detached" });
    const gone = await apiAs(agent, "GET", `/live/brands/${id}`);
    expect(gone.status).toBe(404);
  });

  it("saves action buttons, which the conversation pane then offers", async () => {
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Action buttons" }).click();
    await agent.waitForURL((u) => u.pathname === "/settings/action-buttons");
    await agent.getByRole("button", { name: "Add button" }).click();
    const rows = agent.getByRole("table", { name: "Action buttons" }).locator("tbody tr");
    const last = rows.last();
    await last.getByRole("textbox", { name: /^Name of button/ }).fill("Refund");
    await agent.getByRole("button", { name: "Save buttons" }).click();
    await last.getByText("Lower-case letters").waitFor();

    await last.getByRole("textbox", { name: /^Name of button/ }).fill("e2e-refund");
    await last.getByRole("textbox", { name: /^Label of button/ }).fill("Refund order");
    await agent.getByRole("button", { name: "Save buttons" }).click();
    await agent.getByText("The action buttons were saved.").waitFor();
    const saved = await apiAs<{ items: { name: string; label: string }[] }>(agent, "GET", "/live/action-buttons");
    expect(saved.body.items.map((b) => b.name)).toContain("e2e-refund");

    await openLive(agent);
    const customer = await startCustomer();
    await inboxItem(agent, "all", customer.started.conversationPid).click();
    await pane(agent).getByRole("button", { name: "Refund order" }).waitFor();
    await customer.context.close();
  });

  it("sets up Your Logic and shows a new secret once", async () => {
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Your Logic" }).click();
    await agent.waitForURL((u) => u.pathname === "/settings/your-logic");
    await agent.getByLabel("Address").fill("http://localhost:9/e2e-your-logic");
    // Off, so the other tests' conversations go to agents.
    await agent.getByRole("checkbox", { name: /Send events to Your Logic/ }).uncheck();
    await agent.getByRole("button", { name: "Save" }).click();
    await agent.getByText("Your Logic was saved.").waitFor();
    // The demo account already has a secret, so saving keeps it; rotating shows the new one once.
    expect(await agent.getByTestId("secret").count()).toBe(0);
    await agent.getByRole("button", { name: "Rotate secret" }).click();
    const secret = await agent.getByTestId("secret").textContent();
    expect(secret).toMatch(/^whsec_/);
    await agent.getByRole("button", { name: "I have stored it" }).click();
    await agent.reload();
    await agent.getByLabel("Address").waitFor();
    expect(await agent.getByLabel("Address").inputValue()).toBe("http://localhost:9/e2e-your-logic");
    expect(await agent.getByTestId("secret").count()).toBe(0);
  });
});
