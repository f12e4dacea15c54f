#!/usr/bin/env node
// `npm run bench` (or `node bench/live.mjs` alone): live conversations through Brine's
// conversation Durable Objects, with Your Logic played by a bot HTTP server in this process that
// checks every event's signature (examples/your-logic/webhooks.mjs) and answers at once with a
// MESSAGE echoing the customer's text. Customers are real Universal Chat sockets. In one run:
//
//   latency     one customer message at a time: socket send → the object stores the turn and
//               POSTs the event → the bot answers synchronously → the bot's turn arrives on the
//               customer's socket; minus the bot's own handling time. Against a direct HTTP round
//               trip from here to the same bot with the same event (freshly signed), p50 and p99
//   throughput  100 conversations × 25 messages each, all sent at once: events per second from
//               the first send to the last echo on the sockets
//   order       100 conversations × 100 messages (10,000 events) in four rounds of 25, each carrying
//               its sequence number: the order the bot received them per conversation and the order
//               the echoes reached each socket; reordered, duplicated and lost must all be 0 (else exit 1)
//
// BENCH_SCALE=0.1 shrinks the conversations (not the messages each); BENCH_RUNS sets the latency
// samples (default 500); BENCH_KEEP=1 keeps the temporary folder. Node 20 has WebSocket only
// behind --experimental-websocket, so without it this script runs itself again with that flag.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

if (typeof WebSocket === "undefined") {
  const flags = ["--experimental-websocket", "--disable-warning=ExperimentalWarning"];
  const run = spawnSync(process.execPath, [...flags, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(run.status ?? 1);
}

const { eventVerifier, signedHeaders } = await import("../examples/your-logic/webhooks.mjs");
const { signIn, startBrine } = await import("./lib/app.mjs");
const { log, runLine, writeSection } = await import("./lib/report.mjs");

const scale = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Math.max(20, Number(process.env.BENCH_RUNS ?? 500));
const WARMUP = 20;
const CONVERSATIONS = Math.max(2, Math.round(100 * scale));
const THROUGHPUT_EACH = 25;
const ORDER_EACH = 100;
/** The order run sends each conversation's 100 in bursts of 25, the next once all echoes are back. */
const ORDER_BURST = 25;
/** Messages per conversation in the latency run: a chat's usual length, so events stay their usual size. */
const LATENCY_EACH = 25;
/** Where the bench's customers say they are; the brand allows it. */
const ORIGIN = "http://localhost:8788";
/** Customers opening their conversation and socket at the same moment. */
const OPEN_AT_ONCE = 10;
/** How long without a single new echo before the rest count as lost (a delivery took 51 s on a loaded machine). */
const STALL_MS = 120_000;

const work = mkdtempSync(join(tmpdir(), "brine-bench-live-"));
const keep = process.env.BENCH_KEEP === "1";
process.on("exit", () => {
  if (keep) log(`kept the app state in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});
const fmt = (n) => Math.round(n).toLocaleString("en");
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : fmt(x));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

// ───────────── the bot ─────────────

/**
 * Your Logic for the bench: verifies each event, records per conversation the sequence numbers of
 * the customer messages in the order they arrive, and answers with `echo <text>` at once.
 */
function benchBot() {
  let secret = "";
  const verify = eventVerifier(() => secret);
  const received = new Map();
  /** `<conversation>/<text>` → the bot's handling time in ms. */
  const handling = new Map();
  const refused = [];
  let lastEvent = null;
  const server = createServer((req, res) => {
    const t0 = performance.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const checked = verify(req.headers, body);
      if (!checked.ok) {
        refused.push(checked.code);
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: checked.code, message: checked.message } }));
        return;
      }
      const event = JSON.parse(body);
      const trigger = event.trigger;
      const actions = [];
      if (trigger.type === "MESSAGE" && trigger.participantType === "CUSTOMER") {
        const conversation = event.conversation.pid;
        const list = received.get(conversation) ?? [];
        list.push(String(trigger.content));
        received.set(conversation, list);
        actions.push({ type: "MESSAGE", content: `echo ${trigger.content}` });
        lastEvent = body;
        handling.set(`${conversation}/${trigger.content}`, performance.now() - t0);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ requestId: event.requestId, actions }));
    });
  });
  return {
    server,
    received,
    handling,
    refused,
    lastEvent: () => lastEvent,
    setSecret: (s) => {
      secret = s;
    },
  };
}

// ───────────── Brine ─────────────

async function api(session, method, path, body) {
  const res = await fetch(new URL(path, session.url), {
    method,
    signal: AbortSignal.timeout(30_000),
    headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A customer in the Universal Chat: starts a conversation as the widget does and keeps its socket.
 * `echoes` holds the bot's turns in arrival order, with the time each arrived.
 */
async function customer(url, accountId, brandId) {
  const res = await fetch(new URL("/api/v1/live/widget/conversations", url), {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ accountId, brandId, url: `${ORIGIN}/bench` }),
  });
  const started = await res.json();
  if (!res.ok) throw new Error(`start a conversation: ${res.status} ${JSON.stringify(started)}`);
  const socketUrl = new URL(`/api/v1/live/widget/conversations/${started.conversationPid}/socket`, url);
  socketUrl.protocol = "ws:";
  socketUrl.searchParams.set("account", accountId);
  socketUrl.searchParams.set("token", started.customerToken);
  const ws = new WebSocket(socketUrl, { headers: { origin: ORIGIN } });
  const echoes = [];
  const errors = [];
  const waiters = new Map();
  let onState;
  const stateArrived = new Promise((resolve, reject) => {
    onState = resolve;
    ws.addEventListener("error", () => reject(new Error("the customer socket failed to open")));
  });
  ws.addEventListener("message", (e) => {
    const at = performance.now();
    const frame = JSON.parse(String(e.data));
    if (frame.type === "state") onState();
    else if (frame.type === "error") errors.push(`${frame.code}: ${frame.message}`);
    else if (frame.type === "turn" && frame.turn.participantType === "BOT") {
      echoes.push({ content: frame.turn.content, at });
      const waiter = waiters.get(frame.turn.content);
      if (waiter) {
        waiters.delete(frame.turn.content);
        waiter(at);
      }
    }
  });
  await stateArrived;
  let sent = 0;
  return {
    conversationPid: started.conversationPid,
    echoes,
    errors,
    /** Sends a message; resolves with [send time, echo arrival time]. */
    say(content) {
      const echoed = new Promise((resolve) => waiters.set(`echo ${content}`, resolve));
      const at = performance.now();
      ws.send(JSON.stringify({ type: "message", content, clientId: `m${++sent}` }));
      return echoed.then((back) => [at, back]);
    },
    /** Sends without waiting. */
    send(content) {
      ws.send(JSON.stringify({ type: "message", content, clientId: `m${++sent}` }));
    },
    close: () => ws.close(),
  };
}

/** Waits until every customer has `each` echoes for `prefix`, or until nothing new arrives for STALL_MS. */
async function allEchoes(customers, prefix, each) {
  const count = () =>
    customers.reduce((n, c) => n + c.echoes.filter((e) => e.content.startsWith(`echo ${prefix}:`)).length, 0);
  let last = -1;
  let lastChange = performance.now();
  let lastLog = performance.now();
  for (;;) {
    const n = count();
    if (n >= customers.length * each) return;
    if (performance.now() - lastLog > 10_000) {
      log(`  ${fmt(n)} of ${fmt(customers.length * each)} echoes`);
      lastLog = performance.now();
    }
    if (n !== last) {
      last = n;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > STALL_MS) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Order and loss of one phase: what the bot received and what reached each socket, against 1..each. */
function audit(customers, bot, prefix, each) {
  const tally = {
    expected: customers.length * each,
    reordered: 0,
    duplicated: 0,
    lost: 0,
    echoReordered: 0,
    echoLost: 0,
  };
  const check = (seqs) => {
    const out = { reordered: 0, duplicated: 0, lost: 0 };
    const seen = new Set();
    let previous = 0;
    for (const s of seqs) {
      if (seen.has(s)) out.duplicated++;
      else if (s < previous) out.reordered++;
      seen.add(s);
      previous = Math.max(previous, s);
    }
    for (let i = 1; i <= each; i++) if (!seen.has(i)) out.lost++;
    return out;
  };
  const seqOf = (text) => Number(text.split(":")[1]);
  for (const c of customers) {
    const atBot = (bot.received.get(c.conversationPid) ?? []).filter((t) => t.startsWith(`${prefix}:`)).map(seqOf);
    const b = check(atBot);
    tally.reordered += b.reordered;
    tally.duplicated += b.duplicated;
    tally.lost += b.lost;
    const atSocket = c.echoes.filter((e) => e.content.startsWith(`echo ${prefix}:`)).map((e) => seqOf(e.content));
    const s = check(atSocket);
    tally.echoReordered += s.reordered + s.duplicated;
    tally.echoLost += s.lost;
  }
  return tally;
}

/** For conversations still missing echoes: what Brine says about them (in flight, queued, needs help). */
async function stuck(session, customers, prefix, each) {
  const echoed = (c) => c.echoes.filter((e) => e.content.startsWith(`echo ${prefix}:`)).length;
  const short = customers.filter((c) => echoed(c) < each);
  const states = await Promise.all(
    short
      .slice(0, 5)
      .map((c) => api(session, "GET", `/api/v1/live/conversations/${c.conversationPid}`).catch((e) => ({ e }))),
  );
  const out = [];
  for (const [i, state] of states.entries()) {
    const c = short[i];
    const got = echoed(c);
    out.push(
      state.e
        ? `${c.conversationPid}: ${got}/${each} echoes; state unreadable (${state.e.message})`
        : `${c.conversationPid}: ${got}/${each} echoes; in flight ${JSON.stringify(state.yourLogic?.inFlight)}, ` +
            `${state.yourLogic?.queued} queued, needs help ${state.flags?.needsHelp} (${state.needsHelpReason})`,
    );
  }
  if (short.length > 5) out.push(`${short.length - 5} more conversations`);
  return out;
}

// ───────────── the run ─────────────

const started = performance.now();
const bot = benchBot();
// Longer than Node's 5 s default: workerd reuses idle connections, and a connection Node closes
// just as an event goes out fails that event as YOUR_LOGIC_UNREACHABLE (Brine does not retry).
bot.server.keepAliveTimeout = 120_000;
await new Promise((r) => bot.server.listen(0, "localhost", r));
const botUrl = `http://localhost:${bot.server.address().port}/events`;
log(`bot listening at ${botUrl}`);

const stateDir = join(work, "app");
const brine = await startBrine(stateDir, { BRINE_SKIP_BUILD: "1" });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log(`${signal}: stopping Brine`);
    brine.stop().then(() => process.exit(130));
  });
}
const url = `http://localhost:${new URL(brine.demo.url).port}`;
const load = loadavg()[0];
let measured;
try {
  const session = await signIn(url, brine.demo);
  // The demo account already has a secret (npm start sets Your Logic up); rotating returns a new one.
  const settings = await api(session, "PUT", "/api/v1/live/your-logic", {
    url: botUrl,
    expirySeconds: 300,
    rotateSecret: true,
  });
  bot.setSecret(settings.secret);
  const brand = await api(session, "POST", "/api/v1/live/brands", {
    name: "Bench shop",
    color: "#2456c7",
    allowedOrigins: [ORIGIN],
  });
  const accountId = brine.demo.accountId;
  /** `n` customers, opened ten at a time (as many sockets opening at once as a busy site sees). */
  const open = async (n) => {
    const opened = [];
    while (opened.length < n) {
      const batch = Math.min(OPEN_AT_ONCE, n - opened.length);
      opened.push(...(await Promise.all(Array.from({ length: batch }, () => customer(url, accountId, brand.id)))));
    }
    return opened;
  };

  log(`latency: ${RUNS} messages one at a time (after ${WARMUP} to warm up)`);
  const solos = [];
  const throughBrine = [];
  const handlingTimes = [];
  for (let i = 1; i <= WARMUP + RUNS; i++) {
    // A new conversation every LATENCY_EACH messages, so the events carry a chat's usual length.
    if ((i - 1) % LATENCY_EACH === 0) solos.push((await open(1))[0]);
    const solo = solos.at(-1);
    const [sent, back] = await solo.say(`L:${i}`);
    if (i % 100 === 0) log(`  ${i} of ${WARMUP + RUNS}`);
    if (i <= WARMUP) continue;
    throughBrine.push(back - sent);
    handlingTimes.push(bot.handling.get(`${solo.conversationPid}/L:${i}`) ?? 0);
  }
  const added = throughBrine.map((t, i) => t - (handlingTimes[i] ?? 0));
  const eventBody = bot.lastEvent();
  const direct = [];
  for (let i = 1; i <= WARMUP + RUNS; i++) {
    const at = performance.now();
    const res = await fetch(botUrl, {
      method: "POST",
      headers: signedHeaders(settings.secret, eventBody),
      body: eventBody,
    });
    await res.text();
    if (!res.ok) throw new Error(`direct round trip: ${res.status}`);
    if (i > WARMUP) direct.push(performance.now() - at);
  }
  for (const c of solos) c.close();

  log(`throughput: ${CONVERSATIONS} conversations × ${THROUGHPUT_EACH} messages`);
  const crowd = await open(CONVERSATIONS);
  const t0 = performance.now();
  for (const c of crowd) for (let i = 1; i <= THROUGHPUT_EACH; i++) c.send(`T:${i}`);
  await allEchoes(crowd, "T", THROUGHPUT_EACH);
  const lastEcho = crowd.map((c) => (c.echoes.at(-1)?.at ?? t0) - t0);
  const throughputMs = Math.max(...lastEcho);
  const throughputAudit = audit(crowd, bot, "T", THROUGHPUT_EACH);
  const throughputStuck = await stuck(session, crowd, "T", THROUGHPUT_EACH);
  for (const c of crowd) c.close();

  log(`order: ${CONVERSATIONS} conversations × ${ORDER_EACH} messages`);
  const ordered = await open(CONVERSATIONS);
  const o0 = performance.now();
  for (let round = 0; round < ORDER_EACH / ORDER_BURST; round++) {
    for (const c of ordered) {
      for (let i = round * ORDER_BURST + 1; i <= (round + 1) * ORDER_BURST; i++) c.send(`O:${i}`);
    }
    await allEchoes(ordered, "O", (round + 1) * ORDER_BURST);
  }
  const orderMs = Math.max(...ordered.map((c) => (c.echoes.at(-1)?.at ?? o0) - o0));
  const orderAudit = audit(ordered, bot, "O", ORDER_EACH);
  const orderStuck = await stuck(session, ordered, "O", ORDER_EACH);
  const socketErrors = [...solos, ...crowd, ...ordered].flatMap((c) => c.errors);
  for (const c of ordered) c.close();

  measured = {
    throughBrine,
    handlingTimes,
    added,
    direct,
    eventBytes: Buffer.byteLength(eventBody ?? ""),
    throughputMs,
    throughputAudit,
    lastEcho,
    orderMs,
    orderAudit,
    stuck: [...throughputStuck, ...orderStuck],
    socketErrors,
  };
} finally {
  await brine.stop();
  bot.server.close();
  bot.server.closeAllConnections();
}

// ───────────── the report ─────────────

const m = measured;
const row = (name, xs) => `| ${name} | ${ms(pct(xs, 50))} ms | ${ms(pct(xs, 99))} ms |`;
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
const throughputEvents = CONVERSATIONS * THROUGHPUT_EACH;
const orderEvents = CONVERSATIONS * ORDER_EACH;
const faults = (a) => a.reordered + a.duplicated + a.lost + a.echoReordered + a.echoLost;
const problems = [
  ...(faults(m.throughputAudit) ? [`throughput phase: ${JSON.stringify(m.throughputAudit)}`] : []),
  ...(faults(m.orderAudit) ? [`order phase: ${JSON.stringify(m.orderAudit)}`] : []),
  ...(bot.refused.length
    ? [`the bot refused ${bot.refused.length} events (${[...new Set(bot.refused)].join(", ")})`]
    : []),
  ...(m.stuck.length ? [`short of echoes after ${STALL_MS / 1000} s without progress: ${m.stuck.join("; ")}`] : []),
  ...(m.socketErrors.length ? [`socket errors: ${[...new Set(m.socketErrors)].slice(0, 5).join("; ")}`] : []),
];
const auditRow = (name, n, a) =>
  `| ${name} | ${fmt(n)} | ${a.reordered} | ${a.duplicated} | ${a.lost} | ${a.echoReordered} | ${a.echoLost} |`;

const lines = [
  "## Live conversations: a message through the conversation object and Your Logic",
  "",
  runLine(),
  "",
  "Reproduce: `node bench/live.mjs` (or `npm run bench`; `BENCH_SCALE=0.1` for a quick check). Brine runs",
  "as `npm start` runs it (`wrangler dev --local`); customers are Universal Chat sockets opened from Node",
  "(`POST /api/v1/live/widget/conversations`, then its socket), and Your Logic is an HTTP server in the",
  "benchmark's process that checks every event's bearer secret and signature and answers at once, in the",
  "response, with a `MESSAGE` echoing the customer's text. One Your Logic event is in flight per",
  `conversation at a time, as Brine sends them. Load average ${load.toFixed(2)} at the start.`,
  "",
  "### Latency of one message",
  "",
  `${fmt(RUNS)} customer messages one after another (after ${WARMUP} to warm up), a new conversation every`,
  `${LATENCY_EACH}: from the socket send to the bot's turn arriving on the same socket. That covers the object`,
  "storing the turn and showing it, building the event (the whole conversation, up to",
  `${2 * LATENCY_EACH} turns here; the last event was ${(m.eventBytes / 1024).toFixed(1)} KiB), signing and`,
  "POSTing it, the bot, and applying its answer. The bot's own handling (reading, verifying, answering) is",
  "measured inside it and subtracted. The direct round trip POSTs that same last event, freshly signed,",
  "from the benchmark to the same bot (keep-alive), so it includes the bot's handling once.",
  "",
  "| | p50 | p99 |",
  "|---|---|---|",
  row("customer socket → Your Logic → customer socket", m.throughBrine),
  row("the bot's own handling (inside it)", m.handlingTimes),
  row("**added by Brine** (the above minus the bot's handling)", m.added),
  row("direct HTTP round trip to the bot", m.direct),
  `| through Brine ÷ direct | ${ratio(pct(m.throughBrine, 50), pct(m.direct, 50))} | ${ratio(pct(m.throughBrine, 99), pct(m.direct, 99))} |`,
  "",
  "### Throughput",
  "",
  `${fmt(CONVERSATIONS)} conversations, each customer sending ${THROUGHPUT_EACH} messages at once (${fmt(throughputEvents)} events):`,
  `${fmt(throughputEvents / (m.throughputMs / 1000))} events per second end to end, from the first send to the last echo`,
  `(${ms(m.throughputMs)} ms). A conversation's last echo came after ${ms(pct(m.lastEcho, 50))} ms at the median and`,
  `${ms(Math.max(...m.lastEcho))} ms at the slowest. Each conversation's events go one at a time, so a conversation`,
  "is bounded by its round trips; conversations run in parallel, each in its own object.",
  "",
  "### Order and loss",
  "",
  `Every message carries its sequence number. The bot records the order it received them per conversation;`,
  "each customer socket records the order the echoes arrived. The throughput run is checked as well.",
  `${fmt(CONVERSATIONS)} conversations × ${ORDER_EACH} messages (${fmt(orderEvents)} events), sent in ${ORDER_EACH / ORDER_BURST} rounds of ${ORDER_BURST} at once per`,
  `conversation, the next round once every echo of the last is back: ${fmt(m.orderMs)} ms, ${fmt(orderEvents / (m.orderMs / 1000))} events per second`,
  "(later rounds carry longer conversations).",
  "",
  "| run | events | reordered at the bot | duplicated at the bot | lost before the bot | echoes out of order | echoes lost |",
  "|---|---|---|---|---|---|---|",
  auditRow(`${CONVERSATIONS} × ${THROUGHPUT_EACH}`, throughputEvents, m.throughputAudit),
  auditRow(`${CONVERSATIONS} × ${ORDER_EACH}`, orderEvents, m.orderAudit),
  "",
  problems.length === 0
    ? `Nothing reordered, duplicated or lost; every event's signature checked out (${fmt(WARMUP + RUNS + throughputEvents + orderEvents)} events).`
    : `Problems: ${problems.join("; ")}`,
  "",
  `Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
];

writeSection("live", lines);
console.log(lines.join("\n"));
if (problems.length > 0) {
  log(`\n${problems.length} problems:`);
  for (const p of problems) log(`  ${p}`);
  process.exit(1);
}
