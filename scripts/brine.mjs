#!/usr/bin/env node
// The Brine command line for integrators.
//
//   npx brine ingest <zip|folder> [--url URL] [--key API_KEY] [--source SOURCE_ID]
//
// A folder's *.jsonl and *.jsonl.gz files are zipped first (streamed to a temporary file).
// Defaults come from BRINE_URL, BRINE_API_KEY and BRINE_SOURCE_ID, then from .brine/demo.json.
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { bar, batchLog, ingestZip } from "./lib/ingest-client.mjs";

const USAGE = "Usage: brine ingest <zip|folder> [--url URL] [--key API_KEY] [--source SOURCE_ID]";

function fail(message, code = 2) {
  console.error(message);
  process.exit(code);
}

function defaults() {
  const file = resolve(process.env.BRINE_STATE_DIR ?? ".brine", "demo.json");
  const demo = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  return {
    url: process.env.BRINE_URL ?? demo.url,
    key: process.env.BRINE_API_KEY ?? demo.apiKey,
    source: process.env.BRINE_SOURCE_ID ?? demo.ingestionSourceId,
  };
}

/** Streams a folder's JSONL files into a ZIP on disk; returns its path and size. */
async function zipFolder(folder) {
  const names = readdirSync(folder)
    .filter((n) => /\.jsonl(\.gz)?$/.test(n))
    .sort();
  if (names.length === 0) fail(`${folder} holds no .jsonl or .jsonl.gz files.`);
  const dir = mkdtempSync(join(tmpdir(), "brine-"));
  const path = join(dir, `${basename(resolve(folder))}.zip`);
  const out = createWriteStream(path);
  await new Promise((done, reject) => {
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(err);
      out.write(chunk);
      if (final) out.end(done);
    });
    (async () => {
      for (const name of names) {
        const entry = name.endsWith(".gz") ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
        zip.add(entry);
        const { createReadStream } = await import("node:fs");
        for await (const chunk of createReadStream(join(folder, name), { highWaterMark: 1024 * 1024 })) {
          entry.push(chunk);
        }
        entry.push(new Uint8Array(0), true);
      }
      zip.end();
    })().catch(reject);
  });
  return { path, size: statSync(path).size, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function ingest(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { url: { type: "string" }, key: { type: "string" }, source: { type: "string" } },
  });
  const target = positionals[0];
  if (!target) fail(USAGE);
  if (!existsSync(target)) fail(`${target} does not exist.`);
  const d = defaults();
  const url = values.url ?? d.url;
  const key = values.key ?? d.key;
  const source = values.source ?? d.source;
  if (!url || !key || !source) fail(`Missing --url, --key or --source (and no .brine/demo.json).\n${USAGE}`);

  const zipped = statSync(target).isDirectory() ? await zipFolder(target) : null;
  const path = zipped?.path ?? target;
  const size = zipped?.size ?? statSync(target).size;
  const tty = process.stderr.isTTY;
  let last = "";
  const show = (text) => {
    if (text === last) return;
    last = text;
    process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
  };
  try {
    const batch = await ingestZip({
      url,
      key,
      sourceId: source,
      path,
      size,
      onUpload: (sent, total) => show(`uploading  ${bar(sent / total)} ${(sent / 1e6).toFixed(1)} MB`),
      onBatch: (b) =>
        show(`${b.status.toLowerCase().padEnd(10)} ${bar(b.progress)} ${b.loaded} loaded, ${b.rejected} rejected`),
    });
    if (tty) process.stderr.write("\n");
    console.log(`Batch ${batch.batchId}: ${batch.status}`);
    console.log(`  loaded ${batch.loaded}, rejected ${batch.rejected}, with warnings ${batch.warned}`);
    if (batch.error) console.log(`  error ${batch.error.code}: ${batch.error.message}`);
    for (const f of batch.files) {
      console.log(
        `  ${f.name.padEnd(36)} ${f.status.padEnd(9)} ${f.loaded} loaded, ${f.rejected} rejected, ${f.warned} warned`,
      );
    }
    const log = await batchLog(url, key, batch.batchId, 200);
    if (log.length > 0) {
      console.log("Technical Log:");
      for (const e of log.reverse()) {
        const where = [e.file, e.line].filter((x) => x !== null).join(":");
        const what = e.property ? ` ${e.property}=${JSON.stringify(e.value)}` : "";
        console.log(`  ${e.level.padEnd(7)} ${e.code.padEnd(20)} ${where}${what} — ${e.message}`);
      }
    }
    process.exit(batch.status === "FAILED" ? 1 : 0);
  } catch (e) {
    fail(e.message, 1);
  } finally {
    zipped?.cleanup();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === "ingest") await ingest(rest);
else fail(USAGE);
