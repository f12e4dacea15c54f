#!/usr/bin/env node
// `npm start`: builds the web app, applies migrations to the local D1, runs `wrangler dev`
// offline, makes sure the demo account exists, and prints how to sign in.
//
// Environment:
//   PORT              port to serve on (default 8787)
//   BRINE_STATE_DIR   where local data and demo.json live (default .brine)
//   BRINE_SKIP_BUILD  set to 1 to reuse an existing dist/web (the app and the chat widget)
//   BRINE_DEMO_DATA   set to 0 to skip loading the demo data (benchmarks)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoZips } from "./demo-data.mjs";
import { bar, ingestZip, listBatches } from "./lib/ingest-client.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const stateDir = resolve(root, process.env.BRINE_STATE_DIR ?? ".brine");
const persistDir = join(stateDir, "state");
const demoFile = join(stateDir, "demo.json");
const bin = (name) => join(root, "node_modules", ".bin", name);
// Offline by default: miniflare must not fetch the `Request.cf` placeholder from the internet.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

function step(message) {
  console.log(`\x1b[36m›\x1b[0m ${message}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, CI: "true" } });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(" ")} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}.`);
  process.exit(2);
}
mkdirSync(persistDir, { recursive: true });

// A signing secret of this machine's own, never committed.
const devVars = join(root, ".dev.vars");
if (!existsSync(devVars) || !readFileSync(devVars, "utf8").includes("SIGNING_SECRET=")) {
  step("writing a fresh SIGNING_SECRET to .dev.vars");
  writeFileSync(devVars, `SIGNING_SECRET=${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
}

const built = ["dist/web/index.html", "dist/web/widget/universal-chat.js"].every((f) => existsSync(join(root, f)));
if (process.env.BRINE_SKIP_BUILD !== "1" || !built) {
  // One `vite build` writes the app and the chat widget (vite.config.ts).
  step("building the web app and the chat widget");
  run(bin("vite"), ["build", "--logLevel", "warn"]);
}

step("applying migrations to the local D1");
run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);

// The benchmark passes its own token to reach the local-only bench route.
const bootstrapToken = process.env.BRINE_BOOTSTRAP_TOKEN ?? randomBytes(32).toString("hex");
step(`starting wrangler dev on port ${port}`);
const dev = spawn(
  bin("wrangler"),
  [
    "dev",
    "--local",
    "--port",
    String(port),
    "--ip",
    "localhost",
    "--persist-to",
    persistDir,
    "--var",
    `DEMO_BOOTSTRAP_TOKEN:${bootstrapToken}`,
    "--show-interactive-dev-session=false",
    "--log-level",
    process.env.BRINE_LOG_LEVEL ?? "warn",
  ],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: process.env },
);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    dev.kill(signal);
  });
}
dev.on("exit", (code) => process.exit(stopping ? 0 : (code ?? 1)));

const url = `http://localhost:${port}`;
await waitForServer(`${url}/api/v1/model`);

const previous = existsSync(demoFile) ? JSON.parse(readFileSync(demoFile, "utf8")) : {};
const response = await fetch(`${url}/internal/demo`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-bootstrap-token": bootstrapToken },
  body: JSON.stringify({ password: previous.password, apiKey: previous.apiKey }),
});
if (!response.ok) {
  console.error(`Creating the demo account failed: ${response.status} ${await response.text()}`);
  dev.kill("SIGTERM");
  process.exit(1);
}
const demo = { url, ...(await response.json()) };
writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });

// First start: load the demo data through the Ingest API, exactly as an integrator would.
if (process.env.BRINE_DEMO_DATA !== "0" && (await listBatches(url, demo.apiKey)).items.length === 0) {
  const anchor = Math.floor(Date.now() / 86_400_000) * 86_400;
  step("building the demo data (90 days, two sources)");
  const zips = buildDemoZips({ anchor });
  const sources = { S1: demo.ingestionSourceId, S2: demo.emailSourceId };
  for (const [name, zip] of Object.entries(zips)) {
    const label = name === "S1" ? "chat and voice" : "e-mail desk";
    let last = "";
    const show = (text) => {
      if (text === last) return;
      last = text;
      process.stdout.write(process.stdout.isTTY ? `\r  ${text}\x1b[K` : `  ${text}\n`);
    };
    const batch = await ingestZip({
      url,
      key: demo.apiKey,
      sourceId: sources[name],
      zip,
      onUpload: (sent, total) => show(`uploading ${label} ${bar(sent / total)}`),
      onBatch: (b) => show(`loading ${label} ${bar(b.progress)} ${b.loaded.toLocaleString()} records`),
      pollMs: 1000,
    });
    show(`${label}: ${batch.status}, ${batch.loaded.toLocaleString()} records loaded, ${batch.rejected} rejected`);
    if (process.stdout.isTTY) process.stdout.write("\n");
  }
}

console.log(`
\x1b[1mBrine is running at ${url}\x1b[0m

  Sign in          ${demo.email}
  Password         ${demo.password}
  API key          ${demo.apiKey}
  Source id        ${demo.ingestionSourceId}
  Account id       ${demo.accountId}

  Live chat        run \x1b[1mnpm run example:your-logic\x1b[0m in a second terminal: the example Your Logic bot,
                   and a demo shop with the chat widget at ${demo.yourLogic ? new URL(demo.yourLogic.url).origin : "http://localhost:8788"}/.
                   Agents answer at ${url}/live.

  Saved to ${demoFile}. Press Ctrl+C to stop; your data stays in ${persistDir}.
`);

async function waitForServer(target) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) process.exit(dev.exitCode || 1);
    try {
      const r = await fetch(target);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(`wrangler dev did not answer at ${target} within two minutes.`);
  dev.kill("SIGTERM");
  process.exit(1);
}
