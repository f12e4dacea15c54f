import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface Demo {
  url: string;
  email: string;
  password: string;
  apiKey: string;
  ingestionSourceId: string;
  accountId: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    demo: Demo;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "localhost", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Starts Brine the way `npm start` does, on a free port with its own state, and shares the demo sign-in. */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), "brine-e2e-"));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), BRINE_STATE_DIR: stateDir, BRINE_SKIP_BUILD: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const demoFile = join(stateDir, "demo.json");
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(demoFile) && output.includes("Brine is running")) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited with ${child.exitCode}:\n${output}`));
      }
    }, 200);
  });
  project.provide("demo", JSON.parse(readFileSync(demoFile, "utf8")) as Demo);

  return () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    rmSync(stateDir, { recursive: true, force: true });
  };
}
