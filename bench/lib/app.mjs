// What the benchmarks share: Brine started locally on a free port with its own state, and the
// memory of its workerd processes read from Linux /proc.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Zip, ZipDeflate } from "fflate";

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "localhost", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * `scripts/start.mjs` without demo data, with local state in `<stateDir>/state` (D1 as SQLite
 * under `v3/d1/`). Resolves once the demo account exists; `stop()` resolves once it has exited.
 */
export async function startBrine(stateDir, env = {}) {
  const port = await freePort();
  const token = randomBytes(32).toString("hex");
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      BRINE_STATE_DIR: stateDir,
      BRINE_DEMO_DATA: "0",
      BRINE_BOOTSTRAP_TOKEN: token,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let output = "";
  // The app's own log, kept beside its state for when a request fails.
  mkdirSync(stateDir, { recursive: true });
  const log = createWriteStream(join(stateDir, "brine.log"), { flags: "a" });
  child.stdout.on("data", (d) => {
    output += d;
    log.write(d);
  });
  while (!output.includes("Brine is running")) {
    if (child.exitCode !== null) throw new Error(`start failed:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const demo = JSON.parse(readFileSync(join(stateDir, "demo.json"), "utf8"));
  const stop = async () => {
    const workerd = workerdPids(child.pid);
    if (child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await exited;
    // wrangler's workerd can outlive it by a moment; the SQLite files are only final once it is gone.
    const deadline = Date.now() + 10_000;
    while (workerd.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const pid of workerd.filter(alive)) process.kill(Number(pid), "SIGKILL");
  };
  return { child, demo, token, stop };
}

function alive(pid) {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of the workerd processes under `rootPid` (wrangler runs the Worker and miniflare's simulators in them). */
export function workerdPids(rootPid) {
  const children = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const ppid = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(pid);
    } catch {}
  }
  const found = [];
  const walk = (pid) => {
    try {
      if (/^Name:\s+workerd/m.test(readFileSync(`/proc/${pid}/status`, "utf8"))) found.push(pid);
    } catch {}
    for (const c of children.get(String(pid)) ?? []) walk(c);
  };
  walk(rootPid);
  return found;
}

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), 0 when the process is gone. */
export function vm(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Resident memory of the workerd processes under `rootPid`, in bytes. */
export function treeRss(rootPid) {
  return workerdPids(rootPid).reduce((sum, pid) => sum + vm(pid, "VmRSS"), 0);
}

/** Resets a process's peak resident memory (VmHWM) to its current size; false when not allowed. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Writes `files` (`[name, lines]` pairs or an object of them) as one ZIP for the Ingest API: its path, size and line count. */
export async function writeZip(path, files) {
  const out = createWriteStream(path);
  const zip = new Zip((err, chunk, final) => {
    if (err) throw err;
    out.write(chunk);
    if (final) out.end();
  });
  let records = 0;
  for (const [name, lines] of Array.isArray(files) || files instanceof Map ? files : Object.entries(files)) {
    const entry = new ZipDeflate(name, { level: 1 });
    zip.add(entry);
    entry.push(Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join("")), true);
    records += lines.length;
  }
  zip.end();
  await new Promise((done) => out.on("finish", done));
  return { path, size: statSync(path).size, records };
}

/** Signs in as the demo user: the session cookie and CSRF token for API calls. */
export async function signIn(url, demo) {
  const response = await fetch(new URL("/api/v1/auth/sign-in", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: demo.email, password: demo.password }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${JSON.stringify(body)}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { url, cookie, csrf: body.csrfToken };
}
