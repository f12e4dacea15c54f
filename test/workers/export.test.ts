import { env } from "cloudflare:workers";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, type ExportJob, type ExportStarted, type ExportStatus } from "../../schemas/export";
import { exportJob } from "../../workers/db/schema";
import { EXPORT_LIMITS } from "../../workers/export/limits";
import { DOWNLOAD_LINK_SECONDS, downloadUrl, presignedR2Url, verifyDownload } from "../../workers/export/links";
import { nowSeconds } from "../../workers/lib/time";
import { parseCsv } from "./csv";
import {
  bearer,
  DAY,
  deliverExport,
  download,
  exportAccount,
  exportStatus,
  loadFixture,
  runExportToFiles,
  startExport,
} from "./export-helpers";
import { call, createApiKey, createUser, db, errorCode, signIn } from "./helpers";

const WINDOW = { from: `${DAY}T00:00:00Z`, to: "2024-03-06T00:00:00Z" };

/** Inserts export jobs directly, a few per statement (D1 binds at most 100 values). */
async function insertJobs(rows: (typeof exportJob.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 5)
    await db()
      .insert(exportJob)
      .values(rows.slice(i, i + 5));
}

async function jobCount(accountId: string): Promise<number> {
  const [row] = await db().select({ n: count() }).from(exportJob).where(eq(exportJob.accountId, accountId));
  return row?.n ?? 0;
}

/** An account with the fixture loaded, and its export files for the fixture day. */
async function exportedDay(query: Record<string, string> = WINDOW) {
  const account = await exportAccount();
  await loadFixture(account.apiKey, account.sourceId);
  const result = await runExportToFiles(account.apiKey, account.accountId, query);
  return { ...account, ...result };
}

describe("POST /api/v1/export", () => {
  it("starts an export and answers with its id and the relative status URL of seed 004", async () => {
    const { accountId, apiKey } = await exportAccount();
    const res = await startExport(apiKey, WINDOW);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ExportStarted;
    expect(Object.keys(body)).toEqual(["exportId", "statusUrl"]);
    expect(body.statusUrl).toBe(`api/v1/export/${body.exportId}/status`);
    const status = await exportStatus(apiKey, body.exportId);
    expect(status).toEqual({ exportId: body.exportId, status: "PROCESSING", downloadUrls: {}, error: null });
    expect(await jobCount(accountId)).toBe(1);
  });

  it.each([
    ["from missing", { to: WINDOW.to }, "from"],
    ["to missing", { from: WINDOW.from }, "to"],
    ["from empty", { from: "", to: WINDOW.to }, "from"],
    ["not a date", { from: "yesterday", to: WINDOW.to }, "from"],
    ["no zone", { from: "2024-03-05T00:00:00", to: WINDOW.to }, "from"],
    ["date only", { from: WINDOW.from, to: "2024-03-06" }, "to"],
    ["month 13", { from: "2024-13-05T00:00:00Z", to: WINDOW.to }, "from"],
    ["February 30", { from: "2024-02-29T00:00:00Z", to: "2024-02-30T00:00:00Z" }, "to"],
    ["hour 24", { from: "2024-03-05T24:00:00Z", to: WINDOW.to }, "from"],
    ["offset out of range", { from: "2024-03-05T00:00:00+25:00", to: WINDOW.to }, "from"],
  ])("refuses %s with INVALID_DATE naming the parameter, and starts nothing", async (_, query, parameter) => {
    const { accountId, apiKey } = await exportAccount();
    const res = await startExport(apiKey, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { parameter: string } } };
    expect(body.error.code).toBe("INVALID_DATE");
    expect(body.error.details.parameter).toBe(parameter);
    expect(body.error.message).toContain(parameter);
    expect(await jobCount(accountId)).toBe(0);
  });

  it.each([
    ["from equal to to", { from: WINDOW.from, to: WINDOW.from }],
    ["from after to", { from: WINDOW.to, to: WINDOW.from }],
    ["24 hours and one second", { from: WINDOW.from, to: "2024-03-06T00:00:01Z" }],
    ["24 hours and a millisecond", { from: WINDOW.from, to: "2024-03-06T00:00:00.001Z" }],
    ["25 hours across an offset", { from: "2024-03-05T00:00:00+01:00", to: "2024-03-06T00:00:00Z" }],
  ])("refuses %s with INVALID_DATE_RANGE", async (_, query) => {
    const { accountId, apiKey } = await exportAccount();
    const res = await startExport(apiKey, query);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("INVALID_DATE_RANGE");
    expect(await jobCount(accountId)).toBe(0);
  });

  it.each([
    ["exactly 24 hours", WINDOW],
    ["one second", { from: WINDOW.from, to: "2024-03-05T00:00:01Z" }],
    ["zone offsets", { from: "2024-03-05T01:00:00+01:00", to: "2024-03-05T19:00:00-05:00" }],
    ["an unencoded + read as a space", { from: "2024-03-05T01:00:00 01:00", to: "2024-03-06T01:00:00+0100" }],
    ["fractions and no seconds", { from: "2024-03-05T00:00:00.250Z", to: "2024-03-05T12:30Z" }],
  ])("accepts %s", async (_, query) => {
    const { apiKey } = await exportAccount();
    const res = await startExport(apiKey, query);
    expect(res.status).toBe(200);
  });

  it.each([
    ["", "EMPTY_INCLUDE"],
    [" , ,", "EMPTY_INCLUDE"],
    ["engagement,conversation", "INVALID_INCLUDE"],
    ["engagements", "INVALID_INCLUDE"],
  ])("refuses include=%j with %s", async (include, code) => {
    const { accountId, apiKey } = await exportAccount();
    const res = await startExport(apiKey, { ...WINDOW, include });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    expect(await jobCount(accountId)).toBe(0);
  });

  it("reads include with spaces, any letter case and repeats as the set of names, in file order", async () => {
    const { files, status } = await exportedDay({ ...WINDOW, include: " Turn , ENGAGEMENT,turn" });
    expect(Object.keys(status.downloadUrls)).toEqual(["engagement", "turn"]);
    expect(Object.keys(files)).toEqual(["engagement", "turn"]);
  });

  it("exports every data set when include is absent", async () => {
    const { status } = await exportedDay();
    expect(Object.keys(status.downloadUrls)).toEqual(["engagement", "customer", "turn", "review", "agent"]);
  });

  it.each([
    ["nobody@example.com", "CONTACT_NOT_FOUND"],
    ["", "CONTACT_NOT_FOUND"],
    ["ghost@example.com", "NO_CUSTOMERS_FOR_CONTACT"],
  ])("refuses contact=%j with %s", async (contact, code) => {
    const { accountId, apiKey, sourceId } = await exportAccount();
    await loadFixture(apiKey, sourceId);
    const before = await jobCount(accountId);
    const res = await startExport(apiKey, { ...WINDOW, contact });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
    expect(await jobCount(accountId)).toBe(before);
  });

  it("does not resolve another account's contact", async () => {
    const owner = await exportAccount();
    await loadFixture(owner.apiKey, owner.sourceId);
    const other = await exportAccount();
    const res = await startExport(other.apiKey, { ...WINDOW, contact: "jane@example.com" });
    expect(await errorCode(res)).toBe("CONTACT_NOT_FOUND");
  });

  it("filters to the contact's whole profile through the identity graph", async () => {
    // The phone belongs to c-1 only; c-1 shares an e-mail with c-2, so the profile is both.
    const { files } = await exportedDay({ ...WINDOW, contact: "+420 777-123-456" });
    const engagements = parseCsv(files.engagement ?? "").rows.map((r) => r.external_id);
    expect(engagements).toEqual(["e-1", "e-2"]);
    expect(
      parseCsv(files.customer ?? "")
        .rows.map((r) => r.external_id)
        .sort(),
    ).toEqual(["c-1", "c-2"]);
    expect(parseCsv(files.turn ?? "").rows.map((r) => r.external_id)).toEqual(["t-1", "t-2", "t-3"]);
  });

  it("matches an e-mail contact regardless of letter case", async () => {
    const { files } = await exportedDay({ ...WINDOW, contact: "JANE@Example.com", include: "customer" });
    expect(
      parseCsv(files.customer ?? "")
        .rows.map((r) => r.external_id)
        .sort(),
    ).toEqual(["c-1", "c-2"]);
  });

  it("needs an API key with the export scope", async () => {
    const { accountId } = await exportAccount();
    const ingestOnly = await createApiKey(accountId, ["ingest"]);
    const query = new URLSearchParams(WINDOW);
    const none = await call(`/api/v1/export?${query}`, { method: "POST" });
    expect(none.status).toBe(401);
    const wrong = await call(`/api/v1/export?${query}`, {
      method: "POST",
      headers: bearer(`brn_${"0".repeat(32)}_${"A".repeat(43)}`),
    });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe("INVALID_API_KEY");
    const scoped = await call(`/api/v1/export?${query}`, { method: "POST", headers: bearer(ingestOnly.secret) });
    expect(scoped.status).toBe(403);
    expect(await errorCode(scoped)).toBe("INSUFFICIENT_SCOPE");
    expect(await jobCount(accountId)).toBe(0);
  });

  it("lets signed-in users with export.run start exports, and no one else", async () => {
    const { accountId, admin } = await exportAccount();
    const query = new URLSearchParams(WINDOW);
    const adminClient = await signIn(admin.email);
    const ok = await call(`/api/v1/export?${query}`, { method: "POST", as: adminClient });
    expect(ok.status).toBe(200);
    const withoutCsrf = await call(`/api/v1/export?${query}`, { method: "POST", as: adminClient, csrf: null });
    expect(withoutCsrf.status).toBe(403);
    const agentUser = await createUser(accountId, "agent");
    const agent = await signIn(agentUser.email);
    const refused = await call(`/api/v1/export?${query}`, { method: "POST", as: agent });
    expect(refused.status).toBe(403);
    expect(await jobCount(accountId)).toBe(1);
  });

  it("limits exports per hour with 429 and Retry-After", async () => {
    const { accountId, apiKey } = await exportAccount();
    const now = nowSeconds();
    await insertJobs(
      Array.from({ length: EXPORT_LIMITS.startsPerWindow }, (_, i) => ({
        accountId,
        id: crypto.randomUUID(),
        status: "COMPLETED",
        fromMs: 0,
        toMs: 1000,
        include: ["agent"],
        files: {},
        createdAt: now - 600 + i,
      })),
    );
    const res = await startExport(apiKey, WINDOW);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("TOO_MANY_EXPORTS");
    // The oldest export leaves the window in 3,000 s.
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(2_990);
    expect(retryAfter).toBeLessThanOrEqual(3_000);
    expect(await jobCount(accountId)).toBe(EXPORT_LIMITS.startsPerWindow);
  });

  it("limits exports running at once with 429 and Retry-After", async () => {
    const { accountId, apiKey } = await exportAccount();
    for (let i = 0; i < EXPORT_LIMITS.running; i++) expect((await startExport(apiKey, WINDOW)).status).toBe(200);
    const res = await startExport(apiKey, WINDOW);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("TOO_MANY_RUNNING_EXPORTS");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await jobCount(accountId)).toBe(EXPORT_LIMITS.running);
  });
});

describe("GET /api/v1/export/{exportId}/status", () => {
  it("answers 404 for an unknown id and for another account's export", async () => {
    const owner = await exportAccount();
    const { exportId } = (await (await startExport(owner.apiKey, WINDOW)).json()) as ExportStarted;
    const other = await exportAccount();
    for (const id of [crypto.randomUUID(), exportId]) {
      const res = await call(`/api/v1/export/${id}/status`, { headers: bearer(other.apiKey) });
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe("NOT_FOUND");
    }
  });

  it("answers 400 for an id that is not a UUID", async () => {
    const { apiKey } = await exportAccount();
    const res = await call("/api/v1/export/abc-123/status", { headers: bearer(apiKey) });
    expect(res.status).toBe(400);
  });

  it("needs the export scope", async () => {
    const { accountId, apiKey } = await exportAccount();
    const { exportId } = (await (await startExport(apiKey, WINDOW)).json()) as ExportStarted;
    const ingestOnly = await createApiKey(accountId, ["ingest"]);
    const res = await call(`/api/v1/export/${exportId}/status`, { headers: bearer(ingestOnly.secret) });
    expect(res.status).toBe(403);
  });

  it("reports COMPLETED with one signed link per included file", async () => {
    const { status, exportId } = await exportedDay({ ...WINDOW, include: "agent,engagement" });
    expect(status).toMatchObject({ exportId, status: "COMPLETED", error: null });
    expect(Object.keys(status.downloadUrls)).toEqual(["engagement", "agent"]);
    expect(status.downloadUrls.agent).toMatch(/\/agents\.csv\?expires=\d+&signature=[\w-]+$/);
  });
});

describe("GET /api/v1/export/history", () => {
  it("lists the account's own exports, newest first, in the status shape, at most 100", async () => {
    const { accountId, apiKey } = await exportAccount();
    const other = await exportAccount();
    await startExport(other.apiKey, WINDOW);
    const now = nowSeconds();
    const ids = Array.from({ length: 105 }, () => crypto.randomUUID());
    await insertJobs(
      ids.map((id, i) => ({
        accountId,
        id,
        status: i === 104 ? "FAILED" : "COMPLETED",
        errorMessage: i === 104 ? "It broke." : null,
        fromMs: 0,
        toMs: 1000,
        include: ["agent"],
        files: { agent: { rows: 0, bytes: 10 } },
        createdAt: now - 10_000 + i,
      })),
    );
    const res = await call("/api/v1/export/history", { headers: bearer(apiKey) });
    expect(res.status).toBe(200);
    const history = (await res.json()) as ExportStatus[];
    expect(history).toHaveLength(100);
    expect(history.map((h) => h.exportId)).toEqual(ids.slice(5).reverse());
    expect(history[0]).toEqual({ exportId: ids[104], status: "FAILED", downloadUrls: {}, error: "It broke." });
    expect(Object.keys(history[1]?.downloadUrls ?? {})).toEqual(["agent"]);
  });

  it("needs an export key", async () => {
    const { accountId } = await exportAccount();
    const ingestOnly = await createApiKey(accountId, ["ingest"]);
    expect((await call("/api/v1/export/history", { headers: bearer(ingestOnly.secret) })).status).toBe(403);
    expect((await call("/api/v1/export/history")).status).toBe(401);
  });
});

describe("GET /api/v1/exports (the app's job view)", () => {
  it("pages the account's jobs with progress, rows per file and links", async () => {
    const { apiKey, exportId } = await exportedDay({ ...WINDOW, include: "engagement,turn" });
    const res = await call("/api/v1/exports?limit=1", { headers: bearer(apiKey) });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: ExportJob[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    const [job] = page.items;
    expect(job).toMatchObject({
      exportId,
      status: "COMPLETED",
      from: "2024-03-05T00:00:00.000Z",
      to: "2024-03-06T00:00:00.000Z",
      include: ["engagement", "turn"],
      progress: 1,
      rowsWritten: 6,
      rowsTotal: 6,
      error: null,
    });
    expect(job?.files.map((f) => [f.fileName, f.rows])).toEqual([
      ["engagements.csv", 3],
      ["turns.csv", 3],
    ]);
    expect(job?.files.every((f) => f.downloadUrl && (f.bytes ?? 0) > 0)).toBe(true);
  });

  it("masks the contact filter and keeps other accounts' jobs out", async () => {
    const { accountId, apiKey } = await exportedDay({ ...WINDOW, contact: "jane@example.com", include: "customer" });
    const [job] = (
      (await (await call("/api/v1/exports", { headers: bearer(apiKey) })).json()) as { items: ExportJob[] }
    ).items;
    expect(job?.contact).toBe("j•••@e•••.com");
    const other = await exportAccount();
    const list = (await (await call("/api/v1/exports", { headers: bearer(other.apiKey) })).json()) as {
      items: ExportJob[];
    };
    expect(list.items).toEqual([]);
    const one = await call(`/api/v1/exports/${job?.exportId}`, { headers: bearer(other.apiKey) });
    expect(one.status).toBe(404);
    expect(accountId).not.toBe(other.accountId);
  });

  it("refuses a cursor it did not hand out", async () => {
    const { apiKey } = await exportAccount();
    const res = await call("/api/v1/exports?cursor=nonsense", { headers: bearer(apiKey) });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("INVALID_CURSOR");
  });
});

describe("export files", () => {
  it("hold seed 004's columns in order, for every file", async () => {
    const { files } = await exportedDay();
    for (const [dataset, text] of Object.entries(files)) {
      const header = text.slice(0, text.indexOf("\r\n"));
      expect(header).toBe(EXPORT_COLUMNS[dataset as keyof typeof EXPORT_COLUMNS].map((c) => c.name).join(","));
    }
    // Seed 004's engagement list, spot-checked against the published order.
    const names = EXPORT_COLUMNS.engagement.map((c) => c.name);
    expect(names.slice(0, 4)).toEqual(["pid", "external_id", "name", "link"]);
    expect(names.slice(names.indexOf("attribute_01"), names.indexOf("attribute_04") + 1)).toHaveLength(4);
    expect(names.at(-1)).toBe("understanding");
    expect(EXPORT_COLUMNS.engagement).toHaveLength(80);
    expect(EXPORT_COLUMNS.customer).toHaveLength(11);
    expect(EXPORT_COLUMNS.turn).toHaveLength(21);
    expect(EXPORT_COLUMNS.review).toHaveLength(34);
    expect(EXPORT_COLUMNS.agent).toHaveLength(13);
  });

  it("select engagements starting in [from, to) and the turns, reviews, customers and agents they reference", async () => {
    const { files } = await exportedDay();
    expect(parseCsv(files.engagement ?? "").rows.map((r) => r.external_id)).toEqual(["e-1", "e-2", "e-3"]);
    expect(parseCsv(files.turn ?? "").rows.map((r) => r.external_id)).toEqual(["t-1", "t-2", "t-3"]);
    expect(parseCsv(files.review ?? "").rows.map((r) => r.review_session_id)).toEqual(["sess-1", ""]);
    expect(
      parseCsv(files.customer ?? "")
        .rows.map((r) => r.external_id)
        .sort(),
    ).toEqual(["c-1", "c-2", "c-3"]);
    expect(
      parseCsv(files.agent ?? "")
        .rows.map((r) => r.external_id)
        .sort(),
    ).toEqual(["a-1", "bot-1"]);
  });

  it("write times in ISO 8601 UTC, durations in milliseconds and names of referenced items", async () => {
    const { files } = await exportedDay();
    const [e1] = parseCsv(files.engagement ?? "").rows;
    expect(e1).toMatchObject({
      start_time: "2024-03-05T00:00:00Z",
      end_time: "2024-03-05T00:10:00Z",
      conversation_start_time: "2024-03-05T00:00:00Z",
      conversation_external_id: "conv-1",
      agent_name: "Ann Agent",
      contact_name: 'Jane "JD" Doe, Jr.',
      channel: "Web Chat",
      queue: "Billing",
      team: "Tier 1",
      department: "Care",
      outcome: "Solved",
      outcome_category: "Success",
      campaign: "Spring",
      menu_path: "Main > Billing",
      service: "Mortgage",
      company_contact: "support@cc.example",
      external_agent_name: "Partner Pete",
      source: "Contact center",
      cost: "2.75",
      engagement_time: "540500",
      invitation_time: "3250",
      wait_for_customer_time: "20001",
      total_time: "600000",
      engagement_fact_01: "-1.5",
      engagement_fact_03: "1000000",
      order_agent_engagements: "1",
      total_conversation_agent_engagements: "2",
      attribute_04: "line1\nline2",
    });
    expect(e1?.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    const [t1, t2] = parseCsv(files.turn ?? "").rows;
    expect(t1).toMatchObject({ turn_time_relative_ms: "5000", category: "Greeting", sentiment: "-0.25" });
    expect(t2).toMatchObject({ response_to: t1?.pid, duration: "2500", turn_time_relative_ms: "60000" });
    const [review, customerReview] = parseCsv(files.review ?? "").rows;
    expect(review).toMatchObject({
      reviewer_name: "Quality Quinn",
      question_name: "CSAT",
      answer_name: "Very satisfied",
      answer_reason: "fast",
      verified: "true",
      engagement_start_time: "2024-03-05T00:00:00Z",
      agent_pid: e1?.agent_pid,
      turn_pid: t2?.pid,
    });
    expect(customerReview?.verified).toBe("false");
    const agent = parseCsv(files.agent ?? "").rows.find((r) => r.external_id === "a-1");
    expect(agent).toMatchObject({ hourly_cost: "21.5", team: "Tier 1", department: "Care", manager: "Mia Manager" });
  });

  it("leave unknown values and the AI-scored columns empty", async () => {
    const { files } = await exportedDay();
    const rows = parseCsv(files.engagement ?? "").rows;
    const e3 = rows.find((r) => r.external_id === "e-3");
    expect(e3?.end_time).toBe("");
    expect(e3?.agent_pid).toBe("");
    expect(e3?.cost).toBe("");
    for (const row of rows) {
      for (const ai of ["adaptability", "empathy", "severity", "understanding"]) expect(row[ai]).toBe("");
    }
  });

  it("quote per RFC 4180, keep UTF-8, end records with CRLF and neutralise formula-like text", async () => {
    const { files } = await exportedDay();
    const engagement = files.engagement ?? "";
    expect(engagement).toContain(',"Jane ""JD"" Doe, Jr.",');
    expect(engagement).toContain(",'-2 days,'@home,'+vip,\"line1\nline2\",");
    expect(engagement.split("\r\n").at(-1)).toBe("");
    const agents = files.agent ?? "";
    expect(agents).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const turns = files.turn ?? "";
    expect(turns).toContain(`"'=1+1 Let me check.\r\nOne moment.",'\tindented,`);
    expect(turns).toContain('"Ahoj, účet je špatně"');
    const customers = parseCsv(files.customer ?? "").rows;
    expect(customers.map((c) => c.name)).toContain("Ji-woo 김");
    expect(customers.map((c) => c.name)).toContain("'+1 555 0100 (caller)");
    // Negative numbers are numbers, never neutralised.
    expect(parseCsv(turns).rows[0]?.sentiment).toBe("-0.25");
  });

  it("are served as CSV attachments, with Range support", async () => {
    const { status } = await exportedDay({ ...WINDOW, include: "customer" });
    const link = status.downloadUrls.customer ?? "";
    const res = await download(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="customers.csv"');
    const text = await res.text();
    const part = await download(link, { range: "bytes=0-2" });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe(text.slice(0, 3));
    expect(part.headers.get("content-range")).toBe(`bytes 0-2/${new TextEncoder().encode(text).length}`);
  });

  it("are empty but for the header when nothing starts in the range", async () => {
    const { files, status } = await exportedDay({ from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z" });
    expect(status.status).toBe("COMPLETED");
    for (const [dataset, text] of Object.entries(files)) {
      expect(text).toBe(`${EXPORT_COLUMNS[dataset as keyof typeof EXPORT_COLUMNS].map((c) => c.name).join(",")}\r\n`);
    }
  });
});

describe("download links", () => {
  async function completedExport() {
    const { accountId, status, exportId } = await exportedDay({ ...WINDOW, include: "agent" });
    return { accountId, exportId, link: new URL(status.downloadUrls.agent ?? "") };
  }

  it("work for exactly one hour", async () => {
    const { accountId, exportId } = await completedExport();
    const now = nowSeconds();
    // Made a few seconds less than an hour ago: still valid (a clock tick during the request
    // must not turn "exactly an hour" into "an hour and a second").
    const atLimit = await downloadUrl(
      env,
      "https://brine.test",
      accountId,
      exportId,
      "agent",
      now - DOWNLOAD_LINK_SECONDS + 5,
    );
    expect((await download(atLimit)).status).toBe(200);
    const expired = await downloadUrl(
      env,
      "https://brine.test",
      accountId,
      exportId,
      "agent",
      now - DOWNLOAD_LINK_SECONDS - 2,
    );
    const res = await download(expired);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("DOWNLOAD_LINK_EXPIRED");
  });

  it("expire one hour after they are minted", async () => {
    const minted = 1_700_000_000;
    const link = new URL(
      await downloadUrl(env, "https://brine.test", crypto.randomUUID(), crypto.randomUUID(), "turn", minted),
    );
    const [, , , , , accountId = "", exportId = "", file = ""] = link.pathname.split("/");
    const parts = {
      accountId,
      exportId,
      file,
      expires: link.searchParams.get("expires") ?? "",
      signature: link.searchParams.get("signature") ?? "",
    };
    expect(parts.expires).toBe(String(minted + 3600));
    await expect(verifyDownload(env, parts, minted + 3600)).resolves.toBe("turn");
    await expect(verifyDownload(env, parts, minted + 3601)).rejects.toMatchObject({ code: "DOWNLOAD_LINK_EXPIRED" });
  });

  it.each([
    [
      "a changed signature",
      (u: URL) => u.searchParams.set("signature", `${u.searchParams.get("signature")?.slice(0, -2)}AA`),
    ],
    ["a later expiry", (u: URL) => u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 3600))],
    ["another file", (u: URL) => (u.pathname = u.pathname.replace("agents.csv", "turns.csv"))],
    ["an unknown file", (u: URL) => (u.pathname = u.pathname.replace("agents.csv", "secrets.csv"))],
    [
      "another export",
      (u: URL) => (u.pathname = u.pathname.replace(/[0-9a-f-]{36}\/agents/, `${crypto.randomUUID()}/agents`)),
    ],
    ["no signature", (u: URL) => u.searchParams.delete("signature")],
  ])("refuse %s with 403 and say nothing about the export", async (_, tamper) => {
    const { link, exportId, accountId } = await completedExport();
    tamper(link);
    const res = await download(link.toString());
    expect([400, 403]).toContain(res.status);
    const text = await res.text();
    expect(text).not.toContain(exportId);
    expect(text).not.toContain(accountId);
    if (res.status === 403) expect(JSON.parse(text).error.code).toBe("DOWNLOAD_LINK_INVALID");
  });

  it("are R2 presigned URLs valid one hour when S3 credentials are configured", async () => {
    const url = new URL(
      await presignedR2Url(
        {
          endpoint: "https://0123abcd.r2.cloudflarestorage.com",
          bucket: "brine-files",
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        },
        "export/a/b/turns.csv",
        1_700_000_000,
        "turns.csv",
      ),
    );
    expect(url.origin).toBe("https://0123abcd.r2.cloudflarestorage.com");
    expect(url.pathname).toBe("/brine-files/export/a/b/turns.csv");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20231114T221320Z");
    expect(url.searchParams.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20231114/auto/s3/aws4_request");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("response-content-disposition")).toBe('attachment; filename="turns.csv"');
  });
});

describe("export jobs", () => {
  it("finish once: a redelivered message after completion changes nothing", async () => {
    const { accountId, apiKey, exportId, files } = await exportedDay({ ...WINDOW, include: "engagement" });
    const before = await db().query.exportJob.findFirst({
      where: and(eq(exportJob.accountId, accountId), eq(exportJob.id, exportId)),
    });
    const result = await deliverExport(accountId, exportId);
    expect(result.explicitAcks).toHaveLength(1);
    const after = await db().query.exportJob.findFirst({
      where: and(eq(exportJob.accountId, accountId), eq(exportJob.id, exportId)),
    });
    expect(after).toEqual(before);
    const status = await exportStatus(apiKey, exportId);
    expect(await (await download(status.downloadUrls.engagement ?? "")).text()).toBe(files.engagement);
  });

  it("retry later while another delivery holds the job", async () => {
    const { accountId, apiKey } = await exportAccount();
    const { exportId } = (await (await startExport(apiKey, WINDOW)).json()) as ExportStarted;
    await db()
      .update(exportJob)
      .set({ leaseUntil: nowSeconds() + 60 })
      .where(and(eq(exportJob.accountId, accountId), eq(exportJob.id, exportId)));
    const result = await deliverExport(accountId, exportId);
    expect(result.retryMessages).toHaveLength(1);
    expect((await exportStatus(apiKey, exportId)).status).toBe("PROCESSING");
  });
});
