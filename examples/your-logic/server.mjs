#!/usr/bin/env node
// An example Your Logic for Brine: an FAQ bot with a menu, and a demo shop page with the
// Universal Chat widget. Plain Node 20, no dependencies. See README.md beside this file.
//
//   npm run example:your-logic               answers in the event's response (synchronously)
//   npm run example:your-logic -- --callback answers 202 at once, then POSTs the answer back
//
// Environment:
//   PORT               where to listen (default 8788; 0 picks a free port)
//   BRINE_URL          Brine's address (default: `url` in .brine/demo.json, else http://localhost:8787)
//   YOUR_LOGIC_SECRET  the account's Your Logic shared secret (default: .brine/demo.json yourLogic.secret)
//   ANSWER_MODE        `sync` (default) or `callback`
//   BRINE_STATE_DIR    where `npm start` keeps demo.json (default .brine, as for npm start)
import { createHmac } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decide } from "./bot.mjs";
import { eventVerifier, signedHeaders } from "./webhooks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Bytes of an event the bot reads at most (an event carries up to 500 turns). */
const MAX_EVENT_BYTES = 5 * 1024 * 1024;

/** `.brine/demo.json` as `npm start` wrote it, re-read when it changes; null when there is none. */
function demoFile(path) {
  let cached = { mtimeMs: -1, value: null };
  return () => {
    if (!existsSync(path)) return null;
    const { mtimeMs } = statSync(path);
    if (mtimeMs !== cached.mtimeMs) {
      try {
        cached = { mtimeMs, value: JSON.parse(readFileSync(path, "utf8")) };
      } catch {
        cached = { mtimeMs, value: null };
      }
    }
    return cached.value;
  };
}

/** The configuration from the environment, the command line and demo.json. Exits with advice when there is no secret. */
function configure() {
  const demoPath = join(resolve(root, process.env.BRINE_STATE_DIR ?? ".brine"), "demo.json");
  const demo = demoFile(demoPath);
  const port = Number(process.env.PORT ?? 8788);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got ${process.env.PORT}.`);
  const mode = process.argv.includes("--callback") ? "callback" : (process.env.ANSWER_MODE ?? "sync");
  if (mode !== "sync" && mode !== "callback") fail(`ANSWER_MODE must be sync or callback, got ${mode}.`);
  const secret = () => process.env.YOUR_LOGIC_SECRET || demo()?.yourLogic?.secret || "";
  if (!secret()) {
    fail(
      [
        "No Your Logic shared secret.",
        `  Looked for YOUR_LOGIC_SECRET and for yourLogic.secret in ${demoPath}.`,
        "  Either start Brine with `npm start` first (it writes that file with the demo account's secret),",
        "  or set YOUR_LOGIC_SECRET to the secret Brine showed when you saved Your Logic",
        "  (Settings → Your Logic, or PUT /api/v1/live/your-logic; save with rotateSecret to get a new one).",
      ].join("\n"),
    );
  }
  return {
    port,
    mode,
    secret,
    brineUrl: () => (process.env.BRINE_URL || demo()?.url || "http://localhost:8787").replace(/\/+$/, ""),
    brand: () => demo()?.brand ?? null,
    demoPath,
  };
}

function fail(text) {
  console.error(text);
  process.exit(1);
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const type = typeof body === "string" ? "text/html; charset=utf-8" : "application/json";
  res.writeHead(status, { ...(text ? { "content-type": type } : {}), ...headers });
  res.end(text);
}

const error = (res, status, code, message) => send(res, status, { error: { code, message } });

/** The request body as text; null when it is larger than `limit` bytes. */
async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const base64url = (buf) => Buffer.from(buf).toString("base64url");

/**
 * A signed customer identity for the widget, as a shop's backend makes it:
 * `<base64url(JSON)>.<base64url(HMAC-SHA-256(brand secret, first part))>`.
 */
export function signIdentity(brandSecret, identity) {
  const payload = base64url(JSON.stringify(identity));
  return `${payload}.${base64url(createHmac("sha256", brandSecret).update(payload).digest())}`;
}

/** The demo customer the shop page signs in; the identity is valid for ten minutes. */
function demoIdentity() {
  return {
    displayName: "Adam Novak",
    contacts: [{ contact: "adam.novak@example.com", type: "Email" }],
    custom: { tier: "gold", orderId: "A-1001" },
    exp: Math.floor(Date.now() / 1000) + 600,
  };
}

const html = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** The demo shop page with the widget, signed in as the demo customer when `signedIn` and the brand secret is known. */
function shopPage(config, signedIn) {
  const brand = config.brand();
  const brineUrl = config.brineUrl();
  const identity = signedIn && brand?.secret ? signIdentity(brand.secret, demoIdentity()) : null;
  const widget = brand
    ? `<script type="module" src="${html(brineUrl)}/widget/universal-chat.js"></script>
    <universal-chat accountid="${html(brand.accountId)}" brandid="${html(brand.id)}"${identity ? ` identity="${html(identity)}"` : ""}></universal-chat>`
    : `<p role="alert" class="warn">No demo brand in <code>${html(config.demoPath)}</code>, so there is no chat here.
    Start Brine with <code>npm start</code> (it writes the demo brand there), then reload this page.</p>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Brine Outfitters — a demo shop with Brine's chat</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
      header, main { max-width: 52rem; margin: 0 auto; padding: 1rem 1.5rem; }
      header { display: flex; justify-content: space-between; align-items: center; }
      .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; padding: 0; }
      .products li { list-style: none; background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 2px #0002; }
      .warn { background: #fff4d6; padding: 1rem; border-radius: 8px; }
      a { color: #2456c7; }
    </style>
  </head>
  <body>
    <header>
      <h1>Brine Outfitters</h1>
      <nav aria-label="Account">${
        signedIn
          ? 'Signed in as Adam Novak · <a href="/">Sign out</a>'
          : `<a href="/?signed-in=1">Sign in as Adam Novak</a>${brand?.secret ? "" : " (needs the brand secret in demo.json)"}`
      }</nav>
    </header>
    <main>
      <p>A made-up shop to try Brine's live conversations. Open the chat and write “hi”: the example Your
      Logic on this server answers with a menu; “Talk to a person” hands the chat to an agent in Brine.
      ${signedIn ? "The chat knows who you are: this page passed it a signed identity (see <a href='/identity'>/identity</a>)." : ""}</p>
      <h2>New this week</h2>
      <ul class="products">
        <li><h3>Linen shirt</h3><p>$49 · white, sand, navy</p></li>
        <li><h3>Wool jumper</h3><p>$89 · charcoal, oat</p></li>
        <li><h3>Canvas tote</h3><p>$25 · natural</p></li>
      </ul>
    </main>
    ${widget}
  </body>
</html>
`;
}

/** Calls Brine back with an answer (callback mode); logs what Brine made of it. */
async function callBack(config, event, answer) {
  const url = `${config.brineUrl()}/api/v1/live/your-logic/accounts/${event.accountId}/conversations/${event.conversation?.pid}`;
  const body = JSON.stringify(answer);
  try {
    const res = await fetch(url, { method: "POST", headers: signedHeaders(config.secret(), body), body });
    const text = await res.text();
    if (!res.ok) console.error(`  callback for ${event.requestId}: HTTP ${res.status} ${text}`);
    return { status: res.status, body: text };
  } catch (err) {
    console.error(
      `  callback for ${event.requestId} failed: ${err.message} (is Brine running at ${config.brineUrl()}?)`,
    );
    return { status: 0, body: String(err) };
  }
}

/** One line per event, so the loop can be followed in the terminal. */
function logEvent(event, answer, mode) {
  const t = event.trigger ?? {};
  const what = t.content ? ` “${String(t.content).slice(0, 60)}”` : t.action ? ` ${t.action}` : "";
  const actions = answer.actions.map((a) => a.type).join(", ") || "nothing (silent)";
  console.log(
    `← ${t.type} from ${t.participantType}${what}  → ${actions}${mode === "callback" ? " (by callback)" : ""}`,
  );
}

/** The HTTP server: POST events (any path; /events by convention), GET / the shop, GET /identity. */
export function createBotServer(config) {
  const verify = eventVerifier(config.secret);
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (req.method === "GET" && url.pathname === "/") {
        return send(res, 200, shopPage(config, url.searchParams.get("signed-in") === "1"));
      }
      if (req.method === "GET" && url.pathname === "/identity") {
        const brand = config.brand();
        if (!brand?.secret) {
          return error(
            res,
            404,
            "NO_BRAND_SECRET",
            `No brand.secret in ${config.demoPath}; start Brine with npm start.`,
          );
        }
        const identity = demoIdentity();
        return send(res, 200, {
          identity: signIdentity(brand.secret, identity),
          payload: identity,
          how: "base64url(JSON payload) + '.' + base64url(HMAC-SHA-256(brand secret, that first part)); sign it on your server, never in the browser",
        });
      }
      if (req.method !== "POST") return error(res, 404, "NOT_FOUND", "POST events here; GET / is the demo shop.");
      const body = await readBody(req, MAX_EVENT_BYTES);
      if (body === null) return error(res, 413, "TOO_LARGE", "The event is larger than 5 MB.");
      const checked = verify(req.headers, body);
      if (!checked.ok) {
        console.error(`✗ refused an event: ${checked.code} (${checked.message})`);
        return error(res, 401, checked.code, checked.message);
      }
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        return error(res, 400, "MALFORMED_EVENT", "The event is not JSON.");
      }
      const answer = decide(event);
      logEvent(event, answer, config.mode);
      if (config.mode === "callback") {
        send(res, 202);
        await callBack(config, event, answer);
        return;
      }
      return send(res, 200, answer);
    } catch (err) {
      console.error(err);
      if (!res.headersSent) error(res, 500, "INTERNAL", "The example bot failed; see its terminal.");
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = configure();
  const server = createBotServer(config);
  server.listen(config.port, "localhost", () => {
    const { port } = server.address();
    const brand = config.brand();
    console.log(`Example Your Logic listening on http://localhost:${port}
  Events        POST http://localhost:${port}/events   (set this as Your Logic's URL in Brine)
  Answers       ${config.mode === "callback" ? `by callback to ${config.brineUrl()}` : "in the event's response"}
  Demo shop     http://localhost:${port}/${brand ? "" : `   (no demo brand in ${config.demoPath} yet: the page says what to do)`}
  Identity      http://localhost:${port}/identity`);
  });
  for (const signal of ["SIGINT", "SIGTERM"])
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
}
