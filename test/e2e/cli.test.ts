import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const demo = inject("demo");
const folder = mkdtempSync(join(tmpdir(), "brine-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("npx brine ingest", () => {
  it("zips a folder, uploads it, and prints the counts and the Technical Log", async () => {
    writeFileSync(
      join(folder, "engagement.jsonl"),
      [
        JSON.stringify({ externalId: "CLI-1", type: "Agent", startTime: "2026-01-05T10:00:00Z" }),
        "{oops",
        JSON.stringify({ externalId: "CLI-2", type: "Spaceship" }),
      ].join("\n"),
    );
    writeFileSync(join(folder, "agent.jsonl"), JSON.stringify({ externalId: "CLI-A", name: "Cli Agent" }));
    writeFileSync(join(folder, "readme.txt"), "not zipped: only .jsonl files are");
    const { stdout } = await run(process.execPath, [
      "scripts/brine.mjs",
      "ingest",
      folder,
      "--url",
      demo.url,
      "--key",
      demo.apiKey,
      "--source",
      demo.ingestionSourceId,
    ]);
    expect(stdout).toMatch(/Batch [0-9a-f-]{36}: COMPLETED_WITH_ERRORS/);
    expect(stdout).toContain("loaded 2, rejected 2");
    expect(stdout).toMatch(/engagement\.jsonl\s+DONE\s+1 loaded, 2 rejected/);
    expect(stdout).toMatch(/ERROR\s+MALFORMED_JSON\s+engagement\.jsonl:2/);
    expect(stdout).toMatch(/ERROR\s+UNSUPPORTED_VALUE\s+engagement\.jsonl:3 type="Spaceship"/);
    expect(stdout).not.toContain("readme.txt");
  });

  it("exits with a usage message and code 2 when arguments are missing", async () => {
    const failed = await run(process.execPath, ["scripts/brine.mjs", "ingest"]).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("Usage: brine ingest");
  });

  it("reports a refused key with the API's code and exit code 1", async () => {
    const failed = await run(process.execPath, [
      "scripts/brine.mjs",
      "ingest",
      folder,
      "--url",
      demo.url,
      "--key",
      "brn_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "--source",
      demo.ingestionSourceId,
    ]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("INVALID_API_KEY");
  });
});
