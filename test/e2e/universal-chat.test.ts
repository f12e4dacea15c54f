import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { ConversationState, LiveTurn } from "../../schemas/live";
import { launchBrowser, signInThroughPage } from "./browser";

// The Universal Chat widget embedded on another website (its own origin, served by a plain Node
// server), talking to Brine; the agent works the conversation through Brine's REST API.

const demo = inject("demo");
let browser: Browser;
let agent: Page;
let site: Server;
let otherSite: Server;
let yourLogic: Server;
let siteOrigin = "";
let otherOrigin = "";
let yourLogicUrl = "";
let brandId = "";
let brandSecret = "";
let context: BrowserContext;
let page: Page;

const BRAND = {
  name: "Widget e2e shop",
  color: "#aa3355",
  openingMessage: "Hi! How can we help?",
  placeholder: "Ask us anything",
};

/** A website that embeds the widget from Brine's origin (with the customer's signed identity, if given). */
function pageHtml(brand: string, identity: string | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body { font: 40px serif; color: rgb(0, 128, 0); } button { background: yellow; }</style>
<script type="module" src="${demo.url}/widget/universal-chat.js"></script></head>
<body><h1>Our shop</h1><universal-chat accountid="${demo.accountId}" brandId="${brand}"${
    identity ? ` identity="${identity}"` : ""
  }></universal-chat></body></html>`;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function siteServer(): Server {
  return createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(pageHtml(query.get("brand") ?? brandId, query.get("identity")));
  });
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

interface YourLogicEvent {
  trigger: { type: string; content?: string; optionId?: string; question?: string };
}
/** Events the fake Your Logic received, and a waiter for the next answer to a question. */
const events: YourLogicEvent[] = [];
let onAnswer: (event: YourLogicEvent) => void = () => {};
const nextAnswer = () => new Promise<YourLogicEvent>((resolve) => (onAnswer = resolve));

/** A real HTTP Your Logic: asks a question when the customer asks for one, and thanks for the answer. */
function yourLogicServer(): Server {
  return createServer(async (req, res) => {
    const event = JSON.parse(await bodyOf(req)) as YourLogicEvent;
    events.push(event);
    let actions: unknown[] = [];
    if (event.trigger.type === "MESSAGE" && event.trigger.content?.includes("size")) {
      actions = [
        {
          type: "QUESTION",
          content: "Which size would you like?",
          options: [
            { id: "small", label: "Small" },
            { id: "large", label: "Large" },
          ],
        },
      ];
    } else if (event.trigger.type === "ANSWER") {
      actions = [{ type: "MESSAGE", content: `${event.trigger.content} it is.` }];
      onAnswer(event);
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ actions }));
  });
}

/** A call to Brine's live API as the signed-in agent (CSRF token from the session). */
async function live<T>(method: string, path: string, body?: unknown): Promise<T> {
  return agent.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch("/api/v1/auth/session")).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1/live${path}`, {
        method,
        headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    { method, path, body },
  ) as Promise<T>;
}

beforeAll(async () => {
  browser = await launchBrowser();
  const agentContext = await browser.newContext();
  agent = await agentContext.newPage();
  await signInThroughPage(agent, demo.url, demo.email, demo.password);
  site = siteServer();
  otherSite = siteServer();
  yourLogic = yourLogicServer();
  [siteOrigin, otherOrigin, yourLogicUrl] = await Promise.all([listen(site), listen(otherSite), listen(yourLogic)]);
  const brand = await live<{ id: string; secret: string }>("POST", "/brands", {
    ...BRAND,
    allowedOrigins: [siteOrigin],
  });
  brandId = brand.id;
  brandSecret = brand.secret;
});

afterAll(async () => {
  await browser?.close();
  for (const server of [site, otherSite, yourLogic]) server?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
});

const launcher = () => page.getByRole("button", { name: /open chat|close chat with/i });
const panel = () => page.getByRole("dialog", { name: `Chat with ${BRAND.name}` });
const log = () => panel().getByRole("log");
const input = () => panel().getByRole("textbox", { name: "Message" });

async function openWidget(): Promise<void> {
  await page.getByRole("button", { name: `Open chat with ${BRAND.name}` }).click();
  await panel().waitFor();
}

/** Sends a message and waits until the server has acknowledged it. */
async function say(text: string): Promise<void> {
  await input().fill(text);
  await input().press("Enter");
  await log().getByText(text, { exact: true }).waitFor();
  await expect.poll(() => log().getByText("Sending…").count()).toBe(0);
}

/** The conversation the widget on `page` keeps in localStorage. */
async function conversationPid(): Promise<string> {
  const pid = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("brine-universal-chat:"));
    return key ? (JSON.parse(localStorage.getItem(key) ?? "{}") as { conversationPid?: string }).conversationPid : null;
  });
  if (!pid) throw new Error("the widget stored no conversation");
  return pid;
}

/** What the site's backend does: sign the customer's identity with the brand secret. */
function signIdentity(identity: object, secret: string): string {
  const body = Buffer.from(JSON.stringify(identity)).toString("base64url");
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

const texts = (turns: LiveTurn[], content: string) => turns.filter((t) => t.content === content).length;

describe("Universal Chat on another website", () => {
  it("opens in the brand's colour, starts the conversation on the first message, and shows the agent's answer", async () => {
    await page.goto(siteOrigin);
    await expect.poll(() => launcher().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(170, 51, 85)");
    // The page's own styles do not reach inside.
    expect(await launcher().evaluate((el) => getComputedStyle(el).fontSize)).not.toBe("40px");
    await openWidget();
    await log().getByText(BRAND.openingMessage).waitFor();
    expect(await input().getAttribute("placeholder")).toBe(BRAND.placeholder);
    await expect.poll(() => input().evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    // Nothing was started by opening.
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);

    await say("Where is my order?");
    const pid = await conversationPid();
    await live("POST", `/conversations/${pid}/join`);
    const state = await live<ConversationState>("GET", `/conversations/${pid}`);
    expect(texts(state.turns, "Where is my order?")).toBe(1);
    await live("POST", `/conversations/${pid}/messages`, { content: "It ships today." });
    // Shown on the others' side in the agents' colour, under the agent's name, and rateable.
    const item = log().locator(".turn").filter({ hasText: "It ships today." });
    await item.waitFor();
    expect(await item.getAttribute("class")).toContain("other agent");
    expect(await item.locator(".name").textContent()).toBe(
      state.participants.find((p) => p.type === "AGENT")?.name ?? "Agent",
    );

    // Escape closes the panel and gives focus back to the button.
    await input().press("Escape");
    await panel().waitFor({ state: "detached" });
    await expect
      .poll(() =>
        page
          .getByRole("button", { name: `Open chat with ${BRAND.name}` })
          .evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement),
      )
      .toBe(true);
  });

  it("shows the agent typing, lets the agent see the customer typing, and records a thumbs up", async () => {
    await page.goto(siteOrigin);
    await openWidget();
    await say("Can you check something?");
    const pid = await conversationPid();
    await live("POST", `/conversations/${pid}/join`);
    // The agent's own socket, in the agent's signed-in page.
    await agent.evaluate(
      (pid) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/api/v1/live/conversations/${pid}/socket`);
          const heard: { type: string; participantType?: string; typing?: boolean }[] = [];
          Object.assign(window, { agentSocket: ws, heard });
          ws.onmessage = (e) => heard.push(JSON.parse(e.data));
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error("the agent socket did not open"));
        }),
      pid,
    );
    await input().pressSequentially("Also");
    await expect
      .poll(() =>
        agent.evaluate(() =>
          (window as unknown as { heard: { type: string; participantType?: string; typing?: boolean }[] }).heard.some(
            (f) => f.type === "typing" && f.participantType === "CUSTOMER" && f.typing === true,
          ),
        ),
      )
      .toBe(true);
    await agent.evaluate(() =>
      (window as unknown as { agentSocket: WebSocket }).agentSocket.send(
        JSON.stringify({ type: "typing", typing: true }),
      ),
    );
    await panel()
      .getByText(/is typing…$/)
      .waitFor();
    await agent.evaluate(() =>
      (window as unknown as { agentSocket: WebSocket }).agentSocket.send(
        JSON.stringify({ type: "message", content: "Checked: all fine." }),
      ),
    );
    const item = log().locator(".turn").filter({ hasText: "Checked: all fine." });
    await item.waitFor();
    // A message ends the agent's typing.
    expect(
      await panel()
        .getByText(/is typing…$/)
        .count(),
    ).toBe(0);

    await item.getByRole("button", { name: "Helpful", exact: true }).click();
    expect(await item.getByRole("button", { name: "Helpful", exact: true }).getAttribute("aria-pressed")).toBe("true");
    await expect
      .poll(async () => {
        const state = await live<ConversationState>("GET", `/conversations/${pid}`);
        return state.turns.find((t) => t.content === "Checked: all fine.")?.review;
      })
      .toBe("UP");
    await agent.evaluate(() => (window as unknown as { agentSocket: WebSocket }).agentSocket.close());
  });

  it("keeps the conversation over a reload, with no message twice", async () => {
    await page.goto(siteOrigin);
    await openWidget();
    await say("First question");
    await say("Second question");
    const pid = await conversationPid();
    await live("POST", `/conversations/${pid}/join`);
    await live("POST", `/conversations/${pid}/messages`, { content: "Answer to both." });
    await log().getByText("Answer to both.").waitFor();

    await page.reload();
    await openWidget();
    await log().getByText("Answer to both.").waitFor();
    expect(await conversationPid()).toBe(pid);
    for (const text of ["First question", "Second question", "Answer to both."]) {
      expect(await log().getByText(text, { exact: true }).count()).toBe(1);
    }
    await say("After the reload");
    const state = await live<ConversationState>("GET", `/conversations/${pid}`);
    expect(texts(state.turns, "First question")).toBe(1);
    expect(texts(state.turns, "After the reload")).toBe(1);

    // A message the server stored but whose acknowledgement never arrived (the page closed first)
    // is still pending after the reload: it goes out again with its clientId and is stored once.
    const delivered = state.turns.find((t) => t.content === "After the reload");
    expect(delivered?.clientId).toBeTruthy();
    await page.evaluate((clientId) => {
      const key = Object.keys(localStorage).find((k) => k.startsWith("brine-universal-chat:")) ?? "";
      const session = JSON.parse(localStorage.getItem(key) ?? "{}");
      session.pending = [{ clientId, content: "After the reload" }];
      localStorage.setItem(key, JSON.stringify(session));
    }, delivered?.clientId);
    await page.reload();
    await openWidget();
    await log().getByText("Answer to both.").waitFor();
    await expect.poll(() => log().getByText("Sending…").count()).toBe(0);
    expect(await log().getByText("After the reload", { exact: true }).count()).toBe(1);
    const after = await live<ConversationState>("GET", `/conversations/${pid}`);
    expect(texts(after.turns, "After the reload")).toBe(1);
    expect(after.turns).toHaveLength(state.turns.length);
  });

  it("delivers a message written while offline exactly once, when the connection is back", async () => {
    await page.goto(siteOrigin);
    await openWidget();
    // Offline before any conversation: the first message starts it when the connection is back.
    await context.setOffline(true);
    await panel()
      .getByText(/you are offline/i)
      .waitFor();
    await input().fill("Before the drop");
    await input().press("Enter");
    await log().getByText("Sending…").waitFor();
    await context.setOffline(false);
    await expect.poll(() => log().getByText("Sending…").count(), { timeout: 20_000 }).toBe(0);
    const pid = await conversationPid();

    await context.setOffline(true);
    await panel()
      .getByText(/you are offline/i)
      .waitFor();
    await input().fill("Written offline");
    await input().press("Enter");
    await log().getByText("Sending…").waitFor();
    await context.setOffline(false);
    await expect.poll(() => log().getByText("Sending…").count(), { timeout: 20_000 }).toBe(0);
    expect(await log().getByText("Written offline", { exact: true }).count()).toBe(1);

    const state = await live<ConversationState>("GET", `/conversations/${pid}`);
    expect(texts(state.turns, "Written offline")).toBe(1);
    expect(texts(state.turns, "Before the drop")).toBe(1);
  });

  it("shows a question's options as buttons, and a click answers it", async () => {
    // The account's own Your Logic (the demo's example bot) comes back afterwards.
    const before = await live<{ url: string | null; enabled: boolean; expirySeconds: number }>("GET", "/your-logic");
    await live("PUT", "/your-logic", { url: `${yourLogicUrl}/events`, enabled: true, expirySeconds: 10 });
    try {
      const answered = nextAnswer();
      await page.goto(siteOrigin);
      await openWidget();
      await say("Which size fits me?");
      const options = panel().getByRole("group", { name: "Answers" });
      await options.getByRole("button", { name: "Large" }).click();
      const event = await answered;
      expect(event.trigger.optionId).toBe("large");
      await log().getByText("Large it is.").waitFor();
      // Answered once: the buttons are disabled, the chosen one pressed.
      expect(await options.getByRole("button", { name: "Small" }).isDisabled()).toBe(true);
      expect(await options.getByRole("button", { name: "Large" }).getAttribute("aria-pressed")).toBe("true");
      expect(events.filter((e) => e.trigger.type === "ANSWER")).toHaveLength(1);
    } finally {
      await live(
        "PUT",
        "/your-logic",
        before.url
          ? { url: before.url, enabled: before.enabled, expirySeconds: before.expirySeconds }
          : { url: `${yourLogicUrl}/events`, enabled: false },
      );
    }
  });

  it("refuses a file over 10 MB before uploading it, and sends a small image", async () => {
    const uploads: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/files")) uploads.push(r.url());
    });
    await page.goto(siteOrigin);
    await openWidget();
    await say("I have a photo");
    const files = panel().locator("input[type=file]");
    await files.setInputFiles({
      name: "scan.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.alloc(11 * 1024 * 1024, 1),
    });
    await panel()
      .getByRole("alert")
      .filter({ hasText: "“scan.pdf” is 11 MB; files up to 10 MB can be sent." })
      .waitFor();
    expect(uploads).toHaveLength(0);

    // A 1×1 PNG goes through and shows as an image from its signed link.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
      "base64",
    );
    await files.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: png });
    const image = log().getByRole("img", { name: "photo.png" });
    await image.waitFor();
    await expect.poll(() => image.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
    expect(uploads).toHaveLength(1);
  });

  it("passes the site's signed identity, and says why a message is not sent when the signature is wrong", async () => {
    const identity = {
      displayName: "Ada Lovelace",
      contacts: [{ contact: "ada@example.com", type: "Email" }],
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    await page.goto(`${siteOrigin}/?identity=${encodeURIComponent(signIdentity(identity, brandSecret))}`);
    await openWidget();
    await say("Hello, it is Ada");
    const state = await live<ConversationState>("GET", `/conversations/${await conversationPid()}`);
    expect(state.customer.displayName).toBe("Ada Lovelace");

    const other = await browser.newContext();
    const forged = await other.newPage();
    try {
      const token = signIdentity({ ...identity, displayName: "Someone else" }, "not the brand secret");
      await forged.goto(`${siteOrigin}/?identity=${encodeURIComponent(token)}`);
      await forged.getByRole("button", { name: `Open chat with ${BRAND.name}` }).click();
      const box = forged.getByRole("textbox", { name: "Message" });
      await box.fill("Let me in");
      await box.press("Enter");
      // Shown next to the message, which stays unsent.
      const item = forged.getByRole("log").locator(".pending").filter({ hasText: "Let me in" });
      await item.getByRole("alert").filter({ hasText: "The customer identity's signature is not valid." }).waitFor();
      expect(await item.getByText("Not sent").count()).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("tells a website whose origin the brand does not allow that chat is unavailable", async () => {
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(otherOrigin);
    await expect.poll(() => errors.some((e) => e.includes("ORIGIN_NOT_ALLOWED"))).toBe(true);
    await page.getByRole("button", { name: /open chat/i }).click();
    await page
      .getByRole("dialog")
      .getByRole("alert")
      .filter({ hasText: "Chat is not available on this website." })
      .waitFor();
    expect(await page.getByRole("dialog").getByRole("textbox").count()).toBe(0);
  });
});

describe("the widget and the Live page together", () => {
  it("a customer on a website and an agent on the Live page talk both ways", async () => {
    // Your Logic off: the conversation waits for an agent.
    const before = await live<{ url: string | null; enabled: boolean }>("GET", "/your-logic");
    await live("PUT", "/your-logic", { url: before.url ?? `${yourLogicUrl}/events`, enabled: false });
    try {
      await page.goto(siteOrigin);
      await openWidget();
      await say("Hello, is anyone there?");
      const pid = await conversationPid();

      // The agent's Live page, in Chromium: the conversation shows in All live conversations without a reload.
      await agent.goto(`${demo.url}/live`);
      const item = agent.locator(`[data-section="all"] a[data-conversation-pid="${pid}"]`);
      await item.click();
      const pane = agent.locator(`section[data-conversation-pid="${pid}"]`);
      await pane.locator('[data-participant="CUSTOMER"]').filter({ hasText: "Hello, is anyone there?" }).waitFor();
      await pane.getByRole("button", { name: "Join", exact: true }).click();
      await pane.getByRole("button", { name: "Leave", exact: true }).waitFor();
      const box = pane.getByRole("textbox", { name: "Message" });
      await box.fill("Hi! Eva here, how can I help?");
      await box.press("Enter");

      await log().getByText("Hi! Eva here, how can I help?").waitFor();
      await say("My parcel has not arrived.");
      await pane.locator('[data-participant="CUSTOMER"]').filter({ hasText: "My parcel has not arrived." }).waitFor();
      // Each message once on both sides.
      expect(await log().getByText("My parcel has not arrived.", { exact: true }).count()).toBe(1);
      expect(await pane.getByText("Hi! Eva here, how can I help?", { exact: true }).count()).toBe(1);
      await pane.getByRole("button", { name: "Leave", exact: true }).click();
    } finally {
      await live("PUT", "/your-logic", { url: before.url ?? `${yourLogicUrl}/events`, enabled: before.enabled });
    }
  });
});
