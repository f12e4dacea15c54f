#!/usr/bin/env node
// `npm run bench`: the Ingest API pipeline against two baselines on the same rows, in one run.
//
//   pipeline      upload → queue consumer → unzip → validate → upsert (the product), in local workerd
//   bare D1       the same ZIP from R2, unzipped and parsed, plain batched INSERTs of the same
//                 columns into the same D1 tables (no validation, upsert, log or checkpoint)
//   better-sqlite3 the same rows, a prepared INSERT per shape, one transaction, in Node
//
// Sizes: a small and a full batch (BENCH_SCALE=0.1 shrinks both), so memory growth shows.
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Unzip, UnzipInflate, Zip, ZipDeflate } from "fflate";
import { ingestZip } from "../scripts/lib/ingest-client.mjs";
import { startBrine, treeRss } from "./lib/app.mjs";
import { runLine, writeSection } from "./lib/report.mjs";

const scale = Number(process.env.BENCH_SCALE ?? 1);
const SIZES = [
  { engagements: Math.round(10_000 * scale), turns: Math.round(100_000 * scale) },
  { engagements: Math.round(100_000 * scale), turns: Math.round(1_000_000 * scale) },
];
const work = mkdtempSync(join(tmpdir(), "brine-bench-"));
const iso = (s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Streams a ZIP of engagement.jsonl and turn.jsonl to disk. */
async function makeZip({ engagements, turns }) {
  const path = join(work, `bench-${engagements}.zip`);
  const out = createWriteStream(path);
  const zip = new Zip((err, chunk, final) => {
    if (err) throw err;
    out.write(chunk);
    if (final) out.end();
  });
  const write = (name, count, line) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    let buffer = [];
    for (let i = 0; i < count; i++) {
      buffer.push(line(i));
      if (buffer.length === 5_000 || i === count - 1) {
        entry.push(Buffer.from(`${buffer.join("\n")}\n`), i === count - 1);
        buffer = [];
      }
    }
  };
  const t0 = 1_700_000_000;
  write("engagement.jsonl", engagements, (i) =>
    JSON.stringify({
      externalId: `E${i}`,
      conversationExternalId: `C${i >> 1}`,
      agentExternalId: `A${i % 250}`,
      customerExternalId: `CU${i % 40_000}`,
      startTime: iso(t0 + i * 7),
      endTime: iso(t0 + i * 7 + 300),
      type: "Agent",
      channelType: "CHAT",
      direction: "Inbound",
      waitTime: (i % 90) + 0.5,
      engagementTime: 200 + (i % 400),
      wrapUpTime: 20 + (i % 30),
    }),
  );
  const perEngagement = Math.max(1, Math.round(turns / engagements));
  write("turn.jsonl", turns, (i) =>
    JSON.stringify({
      externalId: `T${i}`,
      engagementExternalId: `E${Math.floor(i / perEngagement)}`,
      turnTime: iso(t0 + Math.floor(i / perEngagement) * 7 + (i % perEngagement) * 10),
      participant: i % 2 ? "AGENT" : "CUSTOMER",
      type: "MESSAGE",
      length: 20 + (i % 180),
    }),
  );
  zip.end();
  await new Promise((r) => out.on("finish", r));
  return { path, size: statSync(path).size, rows: engagements + turns };
}

async function measure(rootPid, run) {
  const before = treeRss(rootPid);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(rootPid));
  }, 100);
  const t = performance.now();
  const result = await run();
  const seconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  return { seconds, before, peak, result };
}

function betterSqlite(zipPath) {
  const db = new Database(join(work, `sqlite-${randomUUID()}.db`));
  db.pragma("journal_mode = WAL");
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const sql of readFileSync(join("migrations", file), "utf8").split("--> statement-breakpoint")) {
      if (sql.trim()) db.exec(sql);
    }
  }
  const accountId = randomUUID();
  const statements = new Map();
  const snake = (k) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  let rows = 0;
  return new Promise((resolve, reject) => {
    const t = performance.now();
    db.exec("BEGIN");
    const unzip = new Unzip((file) => {
      const table = file.name.replace(/\.jsonl$/, "");
      const decoder = new TextDecoder();
      let partial = "";
      file.ondata = (err, chunk, final) => {
        if (err) return reject(err);
        const lines = (partial + decoder.decode(chunk, { stream: !final })).split("\n");
        partial = lines.pop() ?? "";
        if (final && partial) lines.push(partial);
        for (const text of lines) {
          if (!text) continue;
          const record = JSON.parse(text);
          const names = ["account_id", "pid", "source_id"];
          const values = [accountId, randomUUID(), accountId];
          for (const [k, v] of Object.entries(record)) {
            if (k.endsWith("ExternalId")) {
              names.push(`${snake(k.slice(0, -10))}_pid`);
              values.push(`${k}:${v}`);
            } else {
              names.push(snake(k));
              values.push(typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) / 1000 : v);
            }
          }
          const key = `${table}:${names.join(",")}`;
          let stmt = statements.get(key);
          if (!stmt) {
            stmt = db.prepare(`INSERT INTO "${table}" (${names.join(",")}) VALUES (${names.map(() => "?").join(",")})`);
            statements.set(key, stmt);
          }
          stmt.run(values);
          rows++;
        }
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    const stream = createReadStream(zipPath, { highWaterMark: 64 * 1024 });
    stream.on("data", (chunk) => unzip.push(chunk));
    stream.on("end", () => {
      unzip.push(new Uint8Array(0), true);
      db.exec("COMMIT");
      db.close();
      resolve({ rows, seconds: (performance.now() - t) / 1000 });
    });
    stream.on("error", reject);
  });
}

const fmt = (n) => Math.round(n).toLocaleString("en");
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const results = [];
const brine = await startBrine(join(work, "state"));
try {
  for (const size of SIZES) {
    process.stderr.write(`generating ${fmt(size.engagements)} engagements + ${fmt(size.turns)} turns… `);
    const zip = await makeZip(size);
    process.stderr.write(`${mb(zip.size)}\n`);
    const { url, apiKey, ingestionSourceId } = brine.demo;
    const pipeline = await measure(brine.child.pid, () =>
      ingestZip({ url, key: apiKey, sourceId: ingestionSourceId, path: zip.path, size: zip.size, pollMs: 250 }),
    );
    if (pipeline.result.status !== "COMPLETED" || pipeline.result.loaded !== zip.rows) {
      throw new Error(`pipeline ended ${pipeline.result.status} with ${pipeline.result.loaded}/${zip.rows}`);
    }
    process.stderr.write(`  pipeline ${pipeline.seconds.toFixed(1)} s\n`);
    const objectKey = `ingest/${brine.demo.accountId}/${pipeline.result.batchId}.zip`;
    const bare = await measure(brine.child.pid, async () => {
      const res = await fetch(`${url}/internal/bench/bare-insert`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-bootstrap-token": brine.token },
        body: JSON.stringify({ accountId: randomUUID(), sourceId: ingestionSourceId, objectKey }),
      });
      if (!res.ok) throw new Error(`bare insert failed: ${res.status} ${await res.text()}`);
      return res.json();
    });
    process.stderr.write(`  bare D1 ${bare.seconds.toFixed(1)} s\n`);
    const sqlite = await betterSqlite(zip.path);
    process.stderr.write(`  better-sqlite3 ${sqlite.seconds.toFixed(1)} s\n`);
    results.push({ size, zip, pipeline, bare, sqlite });
  }
} finally {
  await brine.stop();
}

const lines = [
  "## Ingest API: records per second through the whole pipeline",
  "",
  runLine(),
  "",
  "The same ZIP of engagement and turn lines goes through three paths:",
  "",
  "- **pipeline**: the product. `POST upload-url`, `PUT` of the ZIP, then the queue consumer in",
  "  local workerd streams it from R2, unzips, validates every line against the model catalog,",
  "  upserts in D1 batches with the checkpoint, and reports. Timed from the upload request to",
  "  `COMPLETED`, polling every 250 ms.",
  "- **bare D1**: the same ZIP from R2 in the same workerd, unzipped and parsed, written with plain",
  "  batched `INSERT`s of the same columns into the same tables (no validation, upsert, Technical",
  "  Log or checkpoint).",
  "- **better-sqlite3**: the same rows into the same schema with a prepared statement per shape in",
  "  one transaction, in Node, reading the same ZIP.",
  "",
  "| rows (engagements + turns) | ZIP | pipeline rec/s | bare D1 rec/s | better-sqlite3 rec/s | pipeline ÷ bare D1 | pipeline ÷ better-sqlite3 |",
  "|---|---|---|---|---|---|---|",
];
for (const r of results) {
  const p = r.zip.rows / r.pipeline.seconds;
  const b = r.bare.result.rows / r.bare.seconds;
  const s = r.sqlite.rows / r.sqlite.seconds;
  lines.push(
    `| ${fmt(r.size.engagements)} + ${fmt(r.size.turns)} | ${mb(r.zip.size)} | ${fmt(p)} | ${fmt(b)} | ${fmt(s)} | ${(p / b).toFixed(2)}× | ${(p / s).toFixed(2)}× |`,
  );
}
lines.push(
  "",
  "### Memory",
  "",
  "Resident memory of the local workerd processes (the Worker and miniflare's D1, R2 and queue",
  "simulators together; Linux `/proc`, sampled every 100 ms). The bare insert writes the same",
  "rows into the same D1, so the difference between the two peaks is what the pipeline itself",
  "adds.",
  "",
  "| rows | before the pipeline | pipeline peak | before the bare insert | bare insert peak | pipeline peak − bare peak |",
  "|---|---|---|---|---|---|",
);
for (const r of results) {
  lines.push(
    `| ${fmt(r.zip.rows)} | ${mb(r.pipeline.before)} | ${mb(r.pipeline.peak)} | ${mb(r.bare.before)} | ${mb(r.bare.peak)} | ${mb(r.pipeline.peak - r.bare.peak)} |`,
  );
}
const [small, big] = results;
if (small && big) {
  const growth = (r) => r.pipeline.peak - r.pipeline.before;
  lines.push(
    "",
    `For ${Math.round(big.zip.rows / small.zip.rows)}× the rows, the pipeline's rise above its starting point went from ${mb(growth(small))} to ${mb(growth(big))}.`,
    "The pipeline streams: it holds at most one flush (1,000 lines) and one 8 KiB push of",
    "inflated data. Compare its peak with the bare insert's to see how much of the growth is",
    "the local D1 simulator holding the data it was given.",
  );
}
lines.push("");
writeSection("ingest", lines);
console.log(lines.join("\n"));
rmSync(work, { recursive: true, force: true });
