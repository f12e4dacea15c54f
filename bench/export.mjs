#!/usr/bin/env node
// `npm run bench` (or `node bench/export.mjs` alone): the Export API against a `sqlite3` CSV dump
// of the same rows from the same database file, in one run.
//
//   export   POST /api/v1/export for one 24-hour window, all five data sets → the queue consumer in
//            local workerd pages D1 and writes CSV into R2 → COMPLETED; then the files are downloaded
//   dump     the app stopped, the `sqlite3` shell runs the same SELECTs (columns, joins, window,
//            order) over miniflare's D1 SQLite file with `-csv -header`, one file per data set
//
// The data (50,000 engagements with 1,000,000 turns in the window, engagements outside it, customers,
// agents, reviews, transcripts) goes in through the Ingest API first. BENCH_SCALE=0.05 shrinks it;
// BENCH_KEEP=1 keeps the temporary folder (ZIP, app state with the D1 file, both sets of CSV files).
// Transcript text comes from the ABCD chats in data/abcd (MIT, see its README).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Zip, ZipDeflate } from "fflate";
import { ingestZip } from "../scripts/lib/ingest-client.mjs";
import { resetPeak, startBrine, vm, workerdPids } from "./lib/app.mjs";
import { log, runLine, writeSection } from "./lib/report.mjs";

const scale = Number(process.env.BENCH_SCALE ?? 1);
const SIZE = {
  /** Engagements starting inside the window, and their turns. */
  engagements: Math.round(50_000 * scale),
  turns: Math.round(1_000_000 * scale),
  /** Engagements the day before and the day after, 4 turns each, which the export must leave out. */
  outside: Math.round(5_000 * scale),
  customers: Math.max(20, Math.round(4_000 * scale)),
  agents: Math.max(10, Math.round(300 * scale)),
};
/** Every fifth engagement has two reviews: a CSAT score on it and a tag on its second turn. */
const REVIEWED_EVERY = 5;
const FROM = Date.UTC(2026, 9, 1) / 1000;
const TO = FROM + 86_400;
const DATASETS = ["engagement", "customer", "turn", "review", "agent"];
const FILE_NAMES = {
  engagement: "engagements.csv",
  customer: "customers.csv",
  turn: "turns.csv",
  review: "reviews.csv",
  agent: "agents.csv",
};
const SAMPLE_MS = 200;

const work = mkdtempSync(join(tmpdir(), "brine-bench-export-"));
const keep = process.env.BENCH_KEEP === "1";
process.on("exit", () => {
  if (keep) log(`kept the data, D1 file and CSV files in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});
const iso = (s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
const fmt = (n) => Math.round(n).toLocaleString("en");
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const size = (b) =>
  b < 1024 * 1024
    ? `${(b / 1024).toFixed(0)} KB`
    : b < 100 * 1024 * 1024
      ? `${(b / 1024 / 1024).toFixed(1)} MB`
      : mb(b);
const secs = (s) => `${s.toFixed(s < 10 ? 2 : 1)} s`;

/** Customer and agent lines of the ABCD chats, with a few that CSV must quote or neutralise. */
function transcriptLines() {
  const lines = { customer: [], agent: [] };
  for (const text of readFileSync("data/abcd/conversations.jsonl", "utf8").split("\n")) {
    if (!text) continue;
    for (const turn of JSON.parse(text).turns) lines[turn.speaker]?.push(turn.text);
  }
  lines.customer.push(
    'I said "that\'s fine",\nthen the chat closed.',
    "=2+3 is what the invoice says",
    "-- no reply --",
  );
  return lines;
}

/** The engagements: start time, turn count, agent and customer, inside the window first. */
function planEngagements(r) {
  const { engagements: n, turns, outside, customers, agents } = SIZE;
  const base = Math.floor(turns / n);
  const counts = new Array(n).fill(base);
  // Pairs differ by ±d so turn counts vary (base ± 16) while the total stays exact.
  for (let i = 0; i + 1 < n; i += 2) {
    const d = r.int(0, Math.min(base - 1, 16));
    counts[i] += d;
    counts[i + 1] -= d;
  }
  for (let i = 0; i < turns - base * n; i++) counts[i] += 1;
  const plan = [];
  for (let i = 0; i < n; i++) {
    plan.push({
      id: `E${i}`,
      // The first engagement starts exactly at `from`; the rest anywhere in the day, often in the same second.
      start: i === 0 ? FROM : FROM + r.int(0, 86_399),
      turns: counts[i],
      agent: `A${r.int(0, agents - 1)}`,
      customer: `CU${r.int(0, customers - 1)}`,
      reviewed: i % REVIEWED_EVERY === 0,
    });
  }
  for (let j = 0; j < outside; j++) {
    plan.push({
      id: `X${j}`,
      // One starts exactly at `to`, which is outside: the window is [from, to).
      start: j === 0 ? TO : j % 2 ? FROM - r.int(1, 86_400) : TO + r.int(0, 86_399),
      turns: 4,
      // Some customers and agents only have engagements outside the window.
      agent: j % 3 ? `A${r.int(0, agents - 1)}` : `A${agents + (j % 5)}`,
      customer: j % 3 ? `CU${r.int(0, customers - 1)}` : `CU${customers + (j % 200)}`,
      reviewed: j % REVIEWED_EVERY === 0,
    });
  }
  return plan;
}

/** Streams the ZIP for the Ingest API to disk; returns its path, size and record count. */
async function makeZip() {
  const r = rng(20261001);
  const text = transcriptLines();
  const plan = planEngagements(r);
  const path = join(work, "export-bench.zip");
  const out = createWriteStream(path);
  const zip = new Zip((err, chunk, final) => {
    if (err) throw err;
    out.write(chunk);
    if (final) out.end();
  });
  let records = 0;
  const write = (name, lines) => {
    const entry = new ZipDeflate(name, { level: 1 });
    zip.add(entry);
    let buffer = [];
    for (const line of lines) {
      buffer.push(JSON.stringify(line));
      records++;
      if (buffer.length === 5_000) {
        entry.push(Buffer.from(`${buffer.join("\n")}\n`));
        buffer = [];
      }
    }
    entry.push(Buffer.from(buffer.length ? `${buffer.join("\n")}\n` : ""), true);
  };
  const entities = (prefix, names) => names.map((name, i) => ({ externalId: `${prefix}${i}`, name }));
  write("agent_team.jsonl", entities("T", ["Team North", "Team South", "Team East", "Team West"]));
  write("agent_department.jsonl", entities("D", ["Customer Care", "Order Management"]));
  write("engagement_queue.jsonl", entities("Q", ["Orders", "Returns & Refunds", "Account Help", "Shipping"]));
  write("engagement_channel.jsonl", entities("CH", ["Web Chat", "Mobile Chat"]));
  write("turn_category.jsonl", entities("TC", ["Greeting", "Verification", "Resolution"]));
  const FIRST = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Filip", "Grace", "Hugo", "Ines", "Jakub"];
  const LAST = ["Novak", "Silva", "Carter", "Horvat", "Meyer", "Costa", "Ward", "Kral", "Lopez", "Berg"];
  write(
    "agent.jsonl",
    (function* () {
      for (let i = 0; i < SIZE.agents + 5; i++) {
        yield {
          externalId: `A${i}`,
          name: `${r.pick(FIRST)} ${r.pick(LAST)}`,
          status: "Active",
          type: "Human",
          hourlyCost: 30 + (i % 7),
          teamExternalId: `T${i % 4}`,
          departmentExternalId: `D${i % 2}`,
          location: r.pick(["Prague", "Lisbon", "Austin"]),
          role: "Agent",
          manager: "Maria Lopez",
        };
      }
    })(),
  );
  write(
    "customer.jsonl",
    (function* () {
      for (let i = 0; i < SIZE.customers + 200; i++) {
        yield {
          externalId: `CU${i}`,
          name: `${r.pick(FIRST)} ${r.pick(LAST)}`,
          type: "Customer",
          segment: r.pick(["Gold", "Silver", "Bronze"]),
          country: r.pick(["US", "CZ", "PT", "DE"]),
        };
      }
    })(),
  );
  write(
    "engagement.jsonl",
    (function* () {
      for (const [i, e] of plan.entries()) {
        const length = e.turns * 12 + 30;
        yield {
          externalId: e.id,
          conversationExternalId: `C${e.id}`,
          conversationStartTime: iso(e.start - 20),
          startTime: iso(e.start),
          endTime: iso(e.start + length),
          agentExternalId: e.agent,
          customerExternalId: e.customer,
          queueExternalId: `Q${i % 4}`,
          channelExternalId: `CH${i % 2}`,
          teamExternalId: `T${i % 4}`,
          type: "Agent",
          channelType: "CHAT",
          direction: "Inbound",
          status: "Completed",
          outcomeType: "Completed",
          resolution: r.pick(["Resolved", "Resolved", "Unresolved"]),
          topic: r.pick(["Refund, partial", "Order status", "Password reset", "Shipping delay"]),
          language: "en",
          waitTime: r.int(0, 1200) / 10,
          engagementTime: length,
          wrapUpTime: r.int(10, 60),
          totalTime: length + 20,
          cost: r.int(100, 900) / 100,
        };
      }
    })(),
  );
  const turnLines = (content) =>
    function* () {
      for (const e of plan) {
        let time = e.start;
        for (let j = 0; j < e.turns; j++) {
          // Every tenth turn shares its second with the one before, so order falls back to the PID.
          if (j % 10 !== 9) time += r.int(3, 30);
          const customer = j % 2 === 0;
          const id = `${e.id}.${j}`;
          if (content) {
            yield { turnExternalId: id, content: r.pick(customer ? text.customer : text.agent) };
          } else {
            yield {
              externalId: id,
              engagementExternalId: e.id,
              turnTime: iso(time),
              participant: customer ? "CUSTOMER" : "AGENT",
              ...(customer ? {} : { agentExternalId: e.agent }),
              type: "MESSAGE",
              ...(j % 7 === 0 ? { categoryExternalId: `TC${j % 3}` } : {}),
              length: r.int(5, 200),
              sentiment: r.int(-100, 100) / 100,
              languageContent: "en",
            };
          }
        }
      }
    };
  write("turn.jsonl", turnLines(false)());
  write("turn_content.jsonl", turnLines(true)());
  write("reviewer.jsonl", entities("R", ["Quality Team", "Customer", "Auto QA"]));
  write("question.jsonl", [
    {
      externalId: "Q-CSAT",
      name: "How satisfied were you?",
      type: "Scale",
      answerType: "Number",
      worstScore: 1,
      bestScore: 5,
    },
    { externalId: "Q-TAG", name: "Great answer", type: "Tag", answerType: "Tag" },
  ]);
  write(
    "answer.jsonl",
    [1, 2, 3, 4, 5].map((n) => ({
      externalId: `Q-CSAT-${n}`,
      questionExternalId: "Q-CSAT",
      name: `${n}`,
      score: n,
      position: n,
    })),
  );
  write(
    "review.jsonl",
    (function* () {
      for (const e of plan) {
        if (!e.reviewed) continue;
        const n = r.int(1, 5);
        yield {
          externalId: `${e.id}.csat`,
          engagementExternalId: e.id,
          reviewerExternalId: "R1",
          questionExternalId: "Q-CSAT",
          answerExternalId: `Q-CSAT-${n}`,
          reviewTime: iso(e.start + 3_600),
          status: "Submitted",
          sampling: "Customer",
          type: "Score",
          kind: "Customer",
          answerType: "Number",
          score: n,
          worstScore: 1,
          bestScore: 5,
          ...(n < 3 ? { comment: "Slow, and the agent didn't read my order number." } : {}),
        };
        yield {
          externalId: `${e.id}.tag`,
          engagementExternalId: e.id,
          turnExternalId: `${e.id}.1`,
          reviewerExternalId: "R0",
          questionExternalId: "Q-TAG",
          reviewTime: iso(e.start + 7_200),
          status: "Approved",
          sampling: "Random",
          type: "Tag",
          kind: "Manual",
          answerType: "Tag",
          verified: true,
          verifiedBy: "Maria Lopez",
        };
      }
    })(),
  );
  zip.end();
  await new Promise((resolve) => out.on("finish", resolve));
  return { path, size: statSync(path).size, records };
}

/**
 * Counts CSV records (RFC 4180: quoted fields may hold commas, quotes and line breaks), keeps the
 * header and hashes the first column (the PID) of every data row in order, so two files can be
 * compared for the same rows in the same order without parsing every cell.
 */
function csvScanner() {
  const hash = createHash("sha1");
  let records = 0;
  let inQuotes = false;
  let field = 0;
  let first = [];
  let header = [];
  let firstPid = null;
  let lastPid = null;
  const endRecord = () => {
    if (records === 0) header = Buffer.from(header).toString("utf8").replace(/\r$/, "").split(",");
    else {
      const pid = String.fromCharCode(...first);
      hash.update(`${pid}\n`);
      firstPid ??= pid;
      lastPid = pid;
    }
    records++;
    field = 0;
    first = [];
  };
  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (records === 0 && c !== 10) header.push(c);
        if (c === 34) inQuotes = !inQuotes;
        else if (inQuotes) {
          if (field === 0) first.push(c);
        } else if (c === 44) field++;
        else if (c === 10) endRecord();
        else if (c !== 13 && field === 0) first.push(c);
      }
    },
    end() {
      if (field > 0 || first.length > 0) endRecord();
      return { rows: Math.max(0, records - 1), header, firstPid, lastPid, pidHash: hash.digest("hex") };
    },
  };
}

/**
 * What each workerd process under wrangler is: `runtime` runs the Worker with miniflare's D1, R2 and
 * queue simulators (the one wrangler restarts on reload, with the inspector); `proxy` is wrangler
 * dev's own proxy on the app's port.
 */
function role(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr") ? "runtime" : "proxy";
  } catch {
    return "proxy";
  }
}

/**
 * Throws once wrangler has restarted the runtime: it reloads on any change to a file it watches
 * (workers/, schemas/, package.json, dist/web) and the reload drops the queue job in flight.
 */
function checkRuntime(pids) {
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 0);
    } catch {
      throw new Error(
        "wrangler dev reloaded the Worker (a file it watches changed) and dropped the queue job; run again without touching workers/, schemas/, package.json or dist/",
      );
    }
  }
}

function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Samples the VmRSS of the app's workerd processes every SAMPLE_MS; `stop()` gives each one's figures. */
function memorySampler(rootPid) {
  const processes = workerdPids(rootPid).map((pid) => ({
    pid,
    role: role(pid),
    hwmReset: resetPeak(pid),
    before: vm(pid, "VmRSS"),
    cpuBefore: cpuSeconds(pid),
  }));
  for (const p of processes) p.peak = p.before;
  const sample = () => {
    for (const p of processes) p.peak = Math.max(p.peak, vm(p.pid, "VmRSS"));
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return processes
        .map((p) => ({
          role: p.role,
          before: p.before,
          peak: p.peak,
          hwm: p.hwmReset ? vm(p.pid, "VmHWM") : null,
          cpu: cpuSeconds(p.pid) - p.cpuBefore,
        }))
        .sort((x, y) => x.role.localeCompare(y.role) * -1);
    },
  };
}

async function api(url, key, path, init = {}) {
  const response = await fetch(new URL(path, url), {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs one export through the API, timing each phase from the job's progress. */
async function runExport(brine) {
  const { url, apiKey } = brine.demo;
  const memory = memorySampler(brine.child.pid);
  const runtimePids = workerdPids(brine.child.pid).filter((pid) => role(pid) === "runtime");
  const load = loadavg()[0];
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const query = new URLSearchParams({ from: iso(FROM), to: iso(TO), include: DATASETS.join(",") });
  const { exportId } = await api(url, apiKey, `/api/v1/export?${query}`, { method: "POST" });
  const fileDone = {};
  let counted = null;
  let job;
  let lastLog = 0;
  for (;;) {
    checkRuntime(runtimePids);
    job = await api(url, apiKey, `/api/v1/exports/${exportId}`);
    const t = elapsed();
    if (counted === null && job.rowsTotal !== null) counted = t;
    for (const f of job.files) if (f.rows !== null && fileDone[f.dataset] === undefined) fileDone[f.dataset] = t;
    if (job.status !== "PROCESSING") break;
    if (t - lastLog >= 5) {
      lastLog = t;
      log(`  export ${fmt(job.rowsWritten)} / ${job.rowsTotal === null ? "?" : fmt(job.rowsTotal)} rows (${secs(t)})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = elapsed();
  const build = memory.stop();
  if (job.status !== "COMPLETED") throw new Error(`export ended ${job.status}: ${JSON.stringify(job.error)}`);
  log(`  export COMPLETED in ${secs(seconds)}`);

  // The files, as a client gets them: the status route's signed links, served from R2 by the Worker.
  const downloadMemory = memorySampler(brine.child.pid);
  const status = await api(url, apiKey, `/api/v1/export/${exportId}/status`);
  const files = {};
  let previous = counted ?? 0;
  for (const dataset of DATASETS) {
    const path = join(work, `export-${FILE_NAMES[dataset]}`);
    const t = performance.now();
    const response = await fetch(status.downloadUrls[dataset]);
    if (!response.ok) throw new Error(`download of ${dataset} failed: ${response.status}`);
    const scan = csvScanner();
    const out = createWriteStream(path);
    for await (const chunk of response.body) {
      scan.push(chunk);
      if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
    }
    await new Promise((r) => out.end(r));
    const meta = job.files.find((f) => f.dataset === dataset);
    files[dataset] = {
      ...scan.end(),
      jobRows: meta.rows,
      bytes: statSync(path).size,
      jobBytes: meta.bytes,
      // Time between this file's completion and the previous one's, as seen by polling every 250 ms.
      seconds: fileDone[dataset] - previous,
      downloadSeconds: (performance.now() - t) / 1000,
    };
    previous = fileDone[dataset];
  }
  const download = downloadMemory.stop();
  const serverSeconds = Date.parse(job.finishedAt) / 1000 - Date.parse(job.startedAt) / 1000;
  return { exportId, seconds, counted, serverSeconds, files, build, download, load, job };
}

/** The D1 database file of the local state (miniflare keeps D1 as SQLite under v3/d1). */
function d1File(stateDir) {
  const dir = join(stateDir, "state", "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sqlite"))
    .map((f) => join(dir, f));
  files.sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no D1 SQLite file in ${dir}`);
  return files[0];
}

/** The `sqlite3` shell, installed from the Debian archive when missing; null when that fails. */
function ensureSqlite3() {
  const version = () => spawnSync("sqlite3", ["--version"], { encoding: "utf8" });
  let v = version();
  if (v.status === 0) return v.stdout.split(" ")[0];
  log("sqlite3 is missing; installing it with apt-get");
  const install = () => spawnSync("apt-get", ["install", "-y", "-q", "sqlite3"], { stdio: "inherit" }).status === 0;
  if (!install()) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit" });
    install();
  }
  v = version();
  return v.status === 0 ? v.stdout.split(" ")[0] : null;
}

// The same SELECTs as workers/export/datasets.ts, whole window at once instead of page by page:
// keep the column expressions, joins, selection and order in step with that file. The bench
// aliases each column with the export file's header, so a column added there and not here fails.
const isoOf = (column) => `strftime('%Y-%m-%dT%H:%M:%SZ', ${column}, 'unixepoch')`;
const ms = (column) => `CAST(round(${column} * 1000) AS INTEGER)`;
const entityName = (alias, column) =>
  `LEFT JOIN entity ${alias} ON ${alias}.account_id = e.account_id AND ${alias}.pid = e.${column}`;
const COLUMNS = {
  engagement: `
  e.pid, e.external_id, e.name, e.link, e.agent_pid, ag.name, e.customer_pid, cu.name,
  ${isoOf("e.conversation_start_time")}, ${isoOf("e.start_time")}, ${isoOf("e.end_time")},
  e.conversation_pid, e.conversation_external_id,
  e.channel_type, e.direction, e.status, e.type, e.outcome_type, e.service_level, e.terminated_by, e.initiated_by,
  e.resolution, ch.name, qu.name, te.name, de.name, oc.name, ocat.name, e.reason, e.reason_category, e.case_name,
  e.platform, src.name, e.language, e.channel_vendor, e.category, ca.name, e.priority, mp.name, e.flow, sv.name,
  cc.name, e.brand, e.topic_category, e.topic, e.attribute_01, e.attribute_02, e.attribute_03, e.attribute_04,
  e.agent_location, e.agent_role, e.agent_organization, xa.name, e.cost,
  ${["engagement_time", "focus_time", "hold_time", "invitation_time", "menu_time", "preparation_time", "wait_time", "wrap_up_time", "total_time"].map((c) => ms(`e.${c}`)).join(", ")},
  e.engagement_fact_01, e.engagement_fact_02, e.engagement_fact_03, ${ms("e.wait_for_customer_time")},
  e.order_agent_engagements, e.total_conversation_agent_engagements,
  e.adaptability, e.adherence, e.clarity, e.completeness, e.customer_satisfaction, e.empathy,
  e.expressed_satisfaction, e.language_skills, e.persuasion, e.severity, e.understanding`,
  customer:
    "x.pid, x.external_id, x.name, x.link, x.type, x.category, x.segment, x.organization, x.region, x.country, x.state",
  agent: `x.pid, x.external_id, x.name, x.status, x.type, x.hourly_cost, x.engagement_cost, te.name, de.name,
   x.location, x.organization, x.role, x.manager`,
  turn: `x.pid, x.engagement_pid, ${isoOf("x.turn_time")}, (x.turn_time - e.start_time) * 1000, x.response_to,
   x.participant, x.type, x.origin, cat.name, ${ms("x.duration")}, x.length, x.sentiment, x.confidence, x.quality,
   x.external_id, tc.content, tc.content_agent, tc.content_customer,
   x.language_agent, x.language_customer, x.language_content`,
  review: `x.pid, x.engagement_pid, x.turn_pid, x.reviewer_pid, rv.name, x.question_pid, q.name, ${isoOf("x.review_time")},
   x.review_session_id, x.status, x.sampling, x.type, x.kind, x.answer_pid, an.name, x.answer_reason_pid,
   x.answer_reason, x.confidence, x.score, x.answer_score, x.worst_score, x.best_score, x.comment,
   x.comment_translated, x.comment_language, x.comment_translated_language,
   CASE x.verified WHEN 1 THEN 'true' WHEN 0 THEN 'false' END, x.verified_by, x.verification_comment,
   x.answer_type, x.version, x.form_id, ${isoOf("e.start_time")}, e.agent_pid`,
};

/** A SELECT list split at its top-level commas. */
function columnsOf(list) {
  const columns = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (!quoted && depth === 0 && c === ",") {
      columns.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  columns.push(list.slice(start).trim());
  return columns;
}
const ENGAGEMENT_JOINS = `
  LEFT JOIN agent ag ON ag.account_id = e.account_id AND ag.pid = e.agent_pid
  LEFT JOIN customer cu ON cu.account_id = e.account_id AND cu.pid = e.customer_pid
  LEFT JOIN external_agent xa ON xa.account_id = e.account_id AND xa.pid = e.external_agent_pid
  LEFT JOIN service sv ON sv.account_id = e.account_id AND sv.pid = e.service_pid
  LEFT JOIN source src ON src.account_id = e.account_id AND src.id = e.source_id
  ${[
    ["ch", "channel_pid"],
    ["qu", "queue_pid"],
    ["te", "team_pid"],
    ["de", "department_pid"],
    ["oc", "outcome_pid"],
    ["ocat", "outcome_category_pid"],
    ["ca", "campaign_pid"],
    ["mp", "menu_path_pid"],
    ["cc", "company_contact_pid"],
  ]
    .map(([alias, column]) => entityName(alias, column))
    .join("\n  ")}`;

/** The dump's SELECT for a data set, each column named as in the export file's `header`. */
function dumpSql(dataset, accountId, header) {
  const columns = columnsOf(COLUMNS[dataset]);
  if (columns.length !== header.length) {
    throw new Error(
      `${dataset}: the export has ${header.length} columns, the bench's SELECT ${columns.length}; update COLUMNS from workers/export/datasets.ts`,
    );
  }
  if (!/^[0-9a-f-]{36}$/.test(accountId)) throw new Error(`unexpected account id ${accountId}`);
  const select = columns.map((c, i) => `${c} AS "${header[i]}"`).join(", ");
  const selected = `e.account_id = '${accountId}' AND e.start_time >= ${FROM} AND e.start_time < ${TO}`;
  const referenced = (table, reference, joins) =>
    `SELECT ${select} FROM ${table} x ${joins} WHERE x.account_id = '${accountId}'
       AND x.pid IN (SELECT e.${reference} FROM engagement e WHERE ${selected}) ORDER BY x.pid`;
  const children = (table, joins, time) =>
    `SELECT ${select} FROM engagement e JOIN ${table} x ON x.account_id = e.account_id AND x.engagement_pid = e.pid ${joins}
       WHERE ${selected} ORDER BY e.start_time, e.pid, ifnull(x.${time}, 0), x.pid`;
  switch (dataset) {
    case "engagement":
      return `SELECT ${select} FROM engagement e ${ENGAGEMENT_JOINS} WHERE ${selected} ORDER BY e.start_time, e.pid`;
    case "customer":
      return referenced("customer", "customer_pid", "");
    case "agent":
      return referenced(
        "agent",
        "agent_pid",
        `LEFT JOIN entity te ON te.account_id = x.account_id AND te.pid = x.team_pid
         LEFT JOIN entity de ON de.account_id = x.account_id AND de.pid = x.department_pid`,
      );
    case "turn":
      return children(
        "turn",
        `LEFT JOIN turn_content tc ON tc.account_id = x.account_id AND tc.turn_pid = x.pid
         LEFT JOIN entity cat ON cat.account_id = x.account_id AND cat.pid = x.category_pid`,
        "turn_time",
      );
    case "review":
      return children(
        "review",
        `LEFT JOIN reviewer rv ON rv.account_id = x.account_id AND rv.pid = x.reviewer_pid
         LEFT JOIN question q ON q.account_id = x.account_id AND q.pid = x.question_pid
         LEFT JOIN answer an ON an.account_id = x.account_id AND an.pid = x.answer_pid`,
        "review_time",
      );
  }
}

/** Node's better-sqlite3 writing the same CSV, for machines where the sqlite3 shell cannot be installed. */
const BETTER_SQLITE_DUMP = `
import Database from "better-sqlite3";
import { writeFileSync } from "node:fs";
import { rng } from "../scripts/lib/rng.mjs";
const [db, sql, out] = process.argv.slice(1);
const cell = (v) => v === null ? "" : typeof v === "string" && /[",\\r\\n]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : String(v);
const stmt = new Database(db, { readonly: true }).prepare(sql).raw();
let text = stmt.columns().map((c) => c.name).join(",") + "\\r\\n";
const chunks = [];
for (const row of stmt.iterate()) {
  text += row.map(cell).join(",") + "\\r\\n";
  if (text.length > 1 << 20) { chunks.push(text); text = ""; }
}
chunks.push(text);
writeFileSync(out, chunks.join(""));
`;

/** Runs one data set's SELECT as a CSV dump; times it and reads its peak RSS and CPU time. */
async function dump(tool, db, sql, path) {
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const command =
    tool === "sqlite3"
      ? ["sqlite3", ["-bail", "-csv", "-header", db, sql]]
      : [process.execPath, ["--input-type=module", "-e", BETTER_SQLITE_DUMP, db, sql, path]];
  const out = tool === "sqlite3" ? openSync(path, "w") : "ignore";
  const [bin, args] = timeBin ? [timeBin, ["-f", "%M %U %S", ...command.flat()]] : command;
  const t = performance.now();
  const child = spawn(bin, args, { stdio: ["ignore", out, "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  // Without /usr/bin/time, the peak is the last VmHWM read before the process ended.
  let polledPeak = 0;
  const poll = setInterval(() => {
    polledPeak = Math.max(polledPeak, vm(child.pid, "VmHWM"));
  }, 50);
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const seconds = (performance.now() - t) / 1000;
  clearInterval(poll);
  if (typeof out === "number") closeSync(out);
  if (code !== 0) throw new Error(`${tool} dump failed (${code}): ${stderr}`);
  const timed = timeBin ? stderr.trim().split("\n").at(-1).split(" ").map(Number) : null;
  const scan = csvScanner();
  scan.push(readFileSync(path));
  return {
    ...scan.end(),
    seconds,
    bytes: statSync(path).size,
    peak: timed ? timed[0] * 1024 : polledPeak,
    cpu: timed ? timed[1] + timed[2] : null,
  };
}

// ---- the run ----

log(`generating ${fmt(SIZE.engagements)} engagements + ${fmt(SIZE.turns)} turns in the window…`);
const zip = await makeZip();
log(`  ${fmt(zip.records)} records, ZIP ${mb(zip.size)}`);
const stateDir = join(work, "state");
const brine = await startBrine(stateDir, { BRINE_SKIP_BUILD: "1" });
const runtimePids = workerdPids(brine.child.pid).filter((pid) => role(pid) === "runtime");
let result;
try {
  const { url, apiKey, ingestionSourceId } = brine.demo;
  const t = performance.now();
  let lastLog = 0;
  let lastLoaded = -1;
  let lastChange = t;
  let warned = false;
  const batch = await ingestZip({
    url,
    key: apiKey,
    sourceId: ingestionSourceId,
    path: zip.path,
    size: zip.size,
    pollMs: 1_000,
    onBatch: (b) => {
      checkRuntime(runtimePids);
      const now = performance.now();
      if (b.loaded !== lastLoaded) [lastLoaded, lastChange, warned] = [b.loaded, now, false];
      else if (now - lastChange > 60_000 && !warned) {
        warned = true;
        log("  ingest: no progress for a minute; still waiting for the batch");
      }
      const s = (now - t) / 1000;
      if (s - lastLog < 10) return;
      lastLog = s;
      log(`  ingest ${b.status} ${fmt(b.loaded)} / ${fmt(zip.records)} records (${secs(s)})`);
    },
  });
  if (batch.status !== "COMPLETED" || batch.loaded !== zip.records) {
    throw new Error(
      `ingest ended ${batch.status} with ${batch.loaded}/${zip.records} loaded, ${batch.rejected} rejected`,
    );
  }
  log(`  ingest COMPLETED in ${secs((performance.now() - t) / 1000)}`);
  result = await runExport(brine);
} finally {
  await brine.stop();
}

const db = d1File(stateDir);
let tool = process.env.BENCH_DUMP === "better-sqlite3" ? null : ensureSqlite3();
const toolLabel = tool
  ? `sqlite3 ${tool}`
  : process.env.BENCH_DUMP === "better-sqlite3"
    ? "better-sqlite3 in Node (BENCH_DUMP=better-sqlite3)"
    : "better-sqlite3 in Node (the sqlite3 shell could not be installed)";
tool = tool ? "sqlite3" : "better-sqlite3";
log(`dumping with ${toolLabel} from ${db}`);
const dumpLoad = loadavg()[0];
const dumps = {};
for (const dataset of DATASETS) {
  const sql = dumpSql(dataset, brine.demo.accountId, result.files[dataset].header);
  dumps[dataset] = await dump(tool, db, sql, join(work, `dump-${FILE_NAMES[dataset]}`));
  log(`  ${dataset}: ${fmt(dumps[dataset].rows)} rows in ${secs(dumps[dataset].seconds)}`);
}

// Correctness, cheaply: the same header, row count and PIDs in the same order in both files.
const problems = [];
for (const dataset of DATASETS) {
  const e = result.files[dataset];
  const d = dumps[dataset];
  if (e.rows !== e.jobRows) problems.push(`${dataset}: the file has ${e.rows} rows, the job says ${e.jobRows}`);
  if (e.bytes !== e.jobBytes) problems.push(`${dataset}: the file has ${e.bytes} bytes, the job says ${e.jobBytes}`);
  if (e.rows !== d.rows) problems.push(`${dataset}: the export has ${e.rows} rows, the dump ${d.rows}`);
  else if (e.pidHash !== d.pidHash) problems.push(`${dataset}: the same number of rows but other PIDs or order`);
  if (e.header.join(",") !== d.header.join(",")) problems.push(`${dataset}: headers differ`);
}
const expected = { engagement: SIZE.engagements, turn: SIZE.turns };
for (const [dataset, rows] of Object.entries(expected)) {
  if (result.files[dataset].rows !== rows)
    problems.push(`${dataset}: ${result.files[dataset].rows} rows, generated ${rows}`);
}

// ---- the report ----

const sum = (files, key, only = DATASETS) => only.reduce((s, d) => s + files[d][key], 0);
const exportRows = sum(result.files, "rows");
const exportRate = exportRows / result.seconds;
const downloadSeconds = sum(result.files, "downloadSeconds");
const dumpSeconds = sum(dumps, "seconds");
const dumpRate = sum(dumps, "rows") / dumpSeconds;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const runtime = result.build.find((p) => p.role === "runtime");
const runtimePeak = runtime
  ? `${mb(runtime.peak)} (workerd runtime, +${mb(runtime.peak - runtime.before)} over the export)`
  : "";
const cpu = cpus();
const lines = [
  "## Export API: rows per second against a `sqlite3` CSV dump",
  "",
  runLine(),
  "",
  `Reproduce: \`node bench/export.mjs\` (or \`npm run bench\` for every benchmark; \`BENCH_SCALE=0.05\``,
  "for a quick run; leave workers/, schemas/, package.json and dist/ alone meanwhile, since wrangler",
  "dev reloads on any change and drops the queue job in flight). It loads the data through the",
  "Ingest API, then measures:",
  "",
  "- **export**: the product. `POST /api/v1/export` for one 24-hour window with all five data",
  "  sets; the queue consumer in local workerd pages D1 with keyset queries and streams each CSV into",
  "  an R2 multipart upload. Timed from the `POST` to `COMPLETED` (polling the job every 250 ms);",
  "  the files are then downloaded through their signed links.",
  `- **dump**: with the app stopped, ${toolLabel} runs the same SELECTs (columns, joins, window,`,
  "  order) over the same D1 SQLite file with `-csv -header`, one run per data set, written to local",
  "  disk. No paging, no cursor, no upload.",
  "",
  `Data: ${fmt(SIZE.engagements)} engagements with ${fmt(SIZE.turns)} turns (each with its text) starting in the window,`,
  `${fmt(SIZE.outside)} engagements on the days before and after, ${fmt(SIZE.customers + 200)} customers and ${fmt(SIZE.agents + 5)} agents`,
  `(some only outside the window), a CSAT score and a tag on every ${REVIEWED_EVERY}th engagement; ${fmt(zip.records)}`,
  `records, a ${mb(zip.size)} ZIP. D1 file after loading: ${mb(statSync(db).size)}.`,
  `Load average (1 min) when the export started: ${result.load.toFixed(2)}; when the dump started: ${dumpLoad.toFixed(2)} (${cpu.length} cores).`,
  "",
  "| | rows | seconds | rows/s | export ÷ dump | peak memory |",
  "|---|---|---|---|---|---|",
  `| export, \`POST\` to \`COMPLETED\` | ${fmt(exportRows)} | ${result.seconds.toFixed(1)} | ${fmt(exportRate)} | **${ratio(exportRate, dumpRate)}** | ${runtimePeak} |`,
  `| export, job \`startedAt\` to \`finishedAt\` (whole seconds, after counting) | ${fmt(exportRows)} | ${result.serverSeconds} | ${fmt(exportRows / result.serverSeconds)} | ${ratio(exportRows / result.serverSeconds, dumpRate)} | |`,
  `| export and download of the files | ${fmt(exportRows)} | ${(result.seconds + downloadSeconds).toFixed(1)} | ${fmt(exportRows / (result.seconds + downloadSeconds))} | ${ratio(exportRows / (result.seconds + downloadSeconds), dumpRate)} | |`,
  `| dump | ${fmt(sum(dumps, "rows"))} | ${dumpSeconds.toFixed(1)} | ${fmt(dumpRate)} | | ${mb(Math.max(...DATASETS.map((d) => dumps[d].peak)))} (\`${tool}\`) |`,
  "",
  "The aim is an export at 0.8× the dump's rows per second or better.",
  "",
  "Per file. The export's seconds are the time between one file's completion and the previous",
  `one's, as seen by polling every 250 ms (the first file's starts after the job queued and counted its rows, ${secs(result.counted ?? 0)} after the \`POST\`).`,
  "",
  "| file | rows | export bytes | dump bytes | export s | export rows/s | dump s | dump rows/s | export ÷ dump | same rows |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
/** Polling every 250 ms cannot time a file that took less. */
const POLL_RESOLUTION = 0.25;
const fileRow = (label, only) => {
  const rows = sum(result.files, "rows", only);
  const es = sum(result.files, "seconds", only);
  const ds = sum(dumps, "seconds", only);
  const timed = es >= POLL_RESOLUTION;
  const same = only.every((d) => !problems.some((p) => p.startsWith(`${d}:`)));
  return `| ${label} | ${fmt(rows)} | ${size(sum(result.files, "bytes", only))} | ${size(sum(dumps, "bytes", only))} | ${timed ? es.toFixed(2) : "< 0.25"} | ${timed ? fmt(rows / es) : ""} | ${ds.toFixed(2)} | ${fmt(rows / ds)} | ${timed ? ratio(rows / es, rows / ds) : ""} | ${same ? "yes" : "**no**"} |`;
};
for (const dataset of DATASETS) lines.push(fileRow(FILE_NAMES[dataset], [dataset]));
lines.push(fileRow("engagements + turns", ["engagement", "turn"]));
lines.push(
  "",
  '"Same rows": the export file and the dump have the same header, the same number of rows and the',
  "same PIDs in the same order, and the file matches the job's row and byte counts.",
  "",
  "### Memory",
  "",
  `Resident memory (VmRSS) of each local workerd process, sampled every ${SAMPLE_MS} ms, and the kernel's own`,
  "peak (VmHWM, reset before the phase); the dump's is its process's peak from `/usr/bin/time`.",
  "**runtime** is the workerd that runs the Worker with miniflare's D1, R2 and queue simulators: its",
  "rise is what the export costs (SQLite's page cache included). **proxy** is wrangler dev's own",
  "workerd on the app's port, which relays requests to the runtime; it is no part of a deployed",
  "Worker, yet it grows with the size of the export and does not give the memory back, so read the",
  "runtime's figures for the export.",
  "",
  "| phase | process | before | peak | peak − before | VmHWM | CPU seconds |",
  "|---|---|---|---|---|---|---|",
);
for (const [phase, processes] of [
  ["export", result.build],
  ["download", result.download],
]) {
  for (const p of processes) {
    lines.push(
      `| ${phase} | ${p.role} | ${mb(p.before)} | ${mb(p.peak)} | ${mb(p.peak - p.before)} | ${p.hwm === null ? "" : mb(p.hwm)} | ${p.cpu.toFixed(1)} |`,
    );
  }
}
for (const dataset of DATASETS) {
  const d = dumps[dataset];
  lines.push(
    `| dump of ${FILE_NAMES[dataset]} | ${tool} | | ${mb(d.peak)} | | | ${d.cpu === null ? "" : d.cpu.toFixed(1)} |`,
  );
}
if (problems.length > 0) lines.push("", "**Checks failed:**", "", ...problems.map((p) => `- ${p}`));
lines.push("");

writeSection("export", lines);
console.log(lines.join("\n"));
if (problems.length > 0) process.exit(1);
