import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "../../schemas/common";
import type {
  CustomerSummary,
  Journey,
  JourneyConversation,
  JourneyOutline,
  JourneyTurn,
  PiiRevealEntry,
  Revealed,
} from "../../schemas/journey";
import { ROLE_PERMISSIONS } from "../../workers/accounts/permissions";
import { type Client, call, createUser, errorCode, signIn } from "./helpers";
import { CUSTOMERS, ENGAGEMENTS, JANE_CONVERSATIONS, loadJourneyFixture, T0, TURNS } from "./journey-fixture";

// The customer journey against a small fixture loaded through the Ingest API. Expected orders,
// groups and response times are worked out by hand from the fixture's arrays (see the comments).

let main: Awaited<ReturnType<typeof loadJourneyFixture>>;
let other: Awaited<ReturnType<typeof loadJourneyFixture>>;
let admin: Client;
let supervisor: Client;
let analyst: Client;
let otherAdmin: Client;

beforeAll(async () => {
  main = await loadJourneyFixture();
  other = await loadJourneyFixture();
  admin = await signIn(main.admin.email);
  supervisor = await signIn((await createUser(main.accountId, "supervisor")).email);
  analyst = await signIn((await createUser(main.accountId, "analyst")).email);
  otherAdmin = await signIn(other.admin.email);
});

async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return (await r.json()) as T;
}

const journey = (as: Client, path: string) => ok<Journey>(call(`/api/v1/journeys/${path}`, { as }));
const turnsOf = (c: JourneyConversation) => c.items.filter((i): i is JourneyTurn => i.kind === "turn");
const byExternal = (id: string) => main.turn(id);
const turnExternalId = (pid: string) => TURNS.find((t) => main.turn(t.externalId) === pid)?.externalId;

/** Every page of a journey, following `nextCursor`. */
async function allPages(as: Client, path: string, limit: number): Promise<Journey[]> {
  const pages: Journey[] = [];
  let cursor: string | null = null;
  do {
    const page: Journey = await journey(as, `${path}?limit=${limit}${cursor ? `&after=${cursor}` : ""}`);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe("GET /api/v1/journeys/customers/{id}", () => {
  it("lists the person's conversations oldest first, joined through a shared contact", async () => {
    const web = await journey(admin, `customers/${main.customer("cust-web")}?limit=50`);
    const phone = await journey(admin, `customers/${main.customer("cust-phone")}?limit=50`);
    const expected = JANE_CONVERSATIONS.map((c) => main.conversation(c));
    expect(web.conversations.map((c) => c.id)).toEqual(expected);
    expect(phone.conversations.map((c) => c.id)).toEqual(expected);
    expect(web.conversationCount).toBe(5);
    expect(web.conversations.map((c) => c.position)).toEqual([1, 2, 3, 4, 5]);
    expect(web.customer?.profiles.map((p) => p.externalId).sort()).toEqual(["cust-phone", "cust-web"]);
    // Omar shares nothing with Jane, and his conversation is not hers.
    expect(web.conversations.map((c) => c.id)).not.toContain(main.conversation("conv-9"));
    const omar = await journey(admin, `customers/${main.customer("cust-other")}`);
    expect(omar.conversations.map((c) => c.id)).toEqual([main.conversation("conv-9")]);
  });

  it("interleaves the turns of a conversation's engagements in time order, with who joined when", async () => {
    const page = await journey(admin, `customers/${main.customer("cust-web")}?limit=1`);
    const conv1 = page.conversations[0];
    expect(conv1?.id).toBe(main.conversation("conv-1"));
    // By time: each engagement's start, its turns, and conv-2 starting at +400 while conv-1 runs to +600.
    const expected = [
      ["engagement", "e1-bot", 0],
      ["turn", "t01", 5],
      ["turn", "t02", 10],
      ["turn", "t03", 40],
      ["turn", "t04", 70],
      ["turn", "t05", 100],
      ["engagement", "e1-queue", 110],
      ["turn", "t06", 115],
      ["engagement", "e1-ann", 180],
      ["turn", "t07", 200],
      ["turn", "t08", 230],
      ["engagement", "e1-bob", 250],
      ["turn", "t09", 260],
      ["turn", "t10", 291],
      ["turn", "t11", 300],
      ["turn", "t12", 320],
      ["turn", "t13", 330],
      ["turn", "t14", 391],
      ["overlap", "conv-2", 400],
    ];
    const shown = conv1?.items.map((i) => {
      const time = i.time ? Date.parse(i.time) / 1000 - T0 : null;
      if (i.kind === "engagement") {
        return [
          "engagement",
          ENGAGEMENTS.find((e) => main.engagement(e.externalId) === i.engagementId)?.externalId,
          time,
        ];
      }
      if (i.kind === "overlap")
        return ["overlap", i.conversationId === main.conversation("conv-2") ? "conv-2" : i.conversationId, time];
      return ["turn", turnExternalId(i.id), time];
    });
    expect(shown).toEqual(expected);
    expect(conv1?.startTime).toBe("2024-05-06T09:00:00Z");
    expect(conv1?.endTime).toBe("2024-05-06T09:10:00Z");
    expect(conv1?.direction).toBe("Inbound");
    // conv-2 starts inside conv-1 but conv-1 does not start inside conv-2: one notice, on conv-1.
    const conv2 = (await journey(admin, `conversations/${main.conversation("conv-2")}?limit=1`)).conversations[0];
    expect(conv2?.items.some((i) => i.kind === "overlap")).toBe(false);
  });

  it("groups a participant's turns in one engagement within a minute, not at 61 seconds", async () => {
    const conv1 = (await journey(admin, `customers/${main.customer("cust-web")}?limit=1`)).conversations[0];
    const grouped = Object.fromEntries(
      turnsOf(conv1 as JourneyConversation).map((t) => [turnExternalId(t.id), t.grouped]),
    );
    // t04 is the customer again 30 s after t03; t14 is Ann again 61 s after t13.
    expect(grouped).toEqual({
      t01: false,
      t02: false,
      t03: false,
      t04: true,
      t05: false,
      t06: false,
      t07: false,
      t08: false,
      t09: false,
      t10: false,
      t11: false,
      t12: false,
      t13: false,
      t14: false,
    });
  });

  it("gives each turn the time since the last turn of another participant; system turns have none", async () => {
    const conv1 = (await journey(admin, `customers/${main.customer("cust-web")}?limit=1`)).conversations[0];
    const times = Object.fromEntries(
      turnsOf(conv1 as JourneyConversation).map((t) => [turnExternalId(t.id), t.responseSeconds]),
    );
    expect(times).toEqual({
      t01: null, // the first to speak
      t02: 5, // bot after the customer's t01
      t03: 30, // after the bot's t02
      t04: 60, // still after t02: t03 is the customer's own
      t05: 30,
      t06: null, // system
      t07: 100, // Ann after the bot's t05, the latest of anyone else
      t08: 30,
      t09: 30, // Bob after the customer's t08
      t10: 31,
      t11: 9,
      t12: 20, // Bob after Ann's t11
      t13: 10,
      t14: 71, // Ann after Bob's t12 (her own t13 does not count)
    });
  });

  it("names agents, bots and external agents, and never the customer", async () => {
    const pages = await allPages(admin, `customers/${main.customer("cust-web")}`, 50);
    const turns = pages.flatMap((p) => p.conversations.flatMap(turnsOf));
    const names = Object.fromEntries(turns.map((t) => [turnExternalId(t.id), t.participantName]));
    expect(names.t01).toBe("Customer");
    expect(names.t02).toBe("Botty");
    expect(names.t06).toBe("System");
    expect(names.t07).toBe("Ann Smith");
    expect(names.t40).toBe("Courier Co");
    expect(names.t30).toBe("Customer");
    expect(turns.find((t) => turnExternalId(t.id) === "t08")?.content).toBe("My invoice is wrong");
    expect(turns.find((t) => turnExternalId(t.id) === "t08")?.channelType).toBe("CHAT");
    const body = JSON.stringify(pages);
    for (const c of CUSTOMERS) {
      expect(body).not.toContain(c.name);
      for (const [contact] of c.contacts) expect(body).not.toContain(contact);
    }
  });

  it("shows engagements with channel, queue or agent, outcome, who handled them and their reviews", async () => {
    const conv1 = (await journey(admin, `customers/${main.customer("cust-web")}?limit=1`)).conversations[0];
    const view = conv1?.engagements.map((e) => [e.type, e.channelType, e.label, e.outcome?.name ?? null, e.human]);
    expect(view).toEqual([
      ["Bot", "CHAT", "Botty", "Moved to agent", false],
      ["Queue", "CHAT", "Billing", null, false],
      ["Agent", "CHAT", "Billing", "Resolved", true], // the queue's name wins over the agent's
      ["Agent", "CHAT", "Bob Lee", null, true],
    ]);
    const ann = conv1?.engagements[2];
    expect(ann?.agent?.name).toBe("Ann Smith");
    expect(ann?.reviews.map((r) => [r.question, r.turnId, r.reviewer, r.kind, r.status, r.comment])).toEqual([
      ["Reviewed", null, "Quinn", "Manual", "Submitted", "Well handled"],
      ["Bookmark", main.turn("t10"), "Quinn", "Manual", "Submitted", "Price complaint"],
    ]);
  });

  it("pages by conversation both ways with cursors", async () => {
    const path = `customers/${main.customer("cust-phone")}`;
    const pages = await allPages(admin, path, 2);
    expect(pages.map((p) => p.conversations.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.conversations.map((c) => c.id))).toEqual(
      JANE_CONVERSATIONS.map((c) => main.conversation(c)),
    );
    expect(pages[0]?.previousCursor).toBeNull();
    expect(pages[2]?.nextCursor).toBeNull();
    const back = await journey(admin, `${path}?limit=2&before=${pages[2]?.previousCursor}`);
    expect(back.conversations.map((c) => c.id)).toEqual(pages[1]?.conversations.map((c) => c.id));
  });
});

describe("GET /api/v1/journeys/{conversations|engagements|turns}/{id}", () => {
  it("opens at the target's conversation, with a cursor back to the earlier ones", async () => {
    const atConv = await journey(admin, `conversations/${main.conversation("conv-3")}?limit=2`);
    expect(atConv.conversations.map((c) => c.id)).toEqual([main.conversation("conv-3"), main.conversation("conv-4")]);
    expect(atConv.target).toMatchObject({ kind: "conversations", conversationId: main.conversation("conv-3") });
    expect(atConv.customer?.id).toBe(main.customer("cust-phone"));
    const earlier = await journey(
      admin,
      `conversations/${main.conversation("conv-3")}?before=${atConv.previousCursor}`,
    );
    expect(earlier.conversations.map((c) => c.id)).toEqual([main.conversation("conv-1"), main.conversation("conv-2")]);
    expect(earlier.previousCursor).toBeNull();

    const atTurn = await journey(admin, `turns/${byExternal("t10")}`);
    expect(atTurn.target).toEqual({
      kind: "turns",
      id: main.turn("t10"),
      conversationId: main.conversation("conv-1"),
      engagementId: main.engagement("e1-ann"),
      turnId: main.turn("t10"),
    });
    expect(atTurn.conversations[0]?.id).toBe(main.conversation("conv-1"));
    expect(atTurn.previousCursor).toBeNull();

    // The navigation pane jumps within the journey it opened at.
    const jump = await journey(admin, `turns/${main.turn("t10")}?limit=1&at=${main.conversation("conv-4")}`);
    expect(jump.conversations.map((c) => c.id)).toEqual([main.conversation("conv-4")]);
    expect(jump.target.turnId).toBe(main.turn("t10"));
    const notHers = await call(`/api/v1/journeys/turns/${main.turn("t10")}?at=${main.conversation("conv-9")}`, {
      as: admin,
    });
    expect(notHers.status).toBe(404);

    const alone = await journey(admin, `engagements/${main.engagement("e5-alone")}`);
    expect(alone.target.conversationId).toBe(main.engagement("e5-alone"));
    expect(alone.conversations.map((c) => c.id)).toEqual([main.engagement("e5-alone")]);
    expect(alone.nextCursor).toBeNull();
    expect(alone.conversationCount).toBe(5);
  });

  it("answers 404 for unknown ids and another account's customer, conversation, engagement or turn", async () => {
    const unknown = crypto.randomUUID();
    for (const kind of ["customers", "conversations", "engagements", "turns"]) {
      const res = await call(`/api/v1/journeys/${kind}/${unknown}`, { as: admin });
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe("NOT_FOUND");
    }
    const ours = [
      `customers/${main.customer("cust-web")}`,
      `conversations/${main.conversation("conv-1")}`,
      `engagements/${main.engagement("e1-ann")}`,
      `turns/${main.turn("t08")}`,
      `customers/${main.customer("cust-web")}/outline`,
    ];
    for (const path of ours) {
      const res = await call(`/api/v1/journeys/${path}`, { as: otherAdmin });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("invoice");
    }
  });

  it("refuses malformed ids, kinds, limits and cursors with 400 and a code", async () => {
    const web = main.customer("cust-web");
    const cases: [string, string][] = [
      ["customers/not-a-pid", "VALIDATION_FAILED"],
      [`people/${web}`, "VALIDATION_FAILED"],
      [`customers/${web}?limit=0`, "VALIDATION_FAILED"],
      [`customers/${web}?limit=51`, "VALIDATION_FAILED"],
      [`customers/${web}?after=nonsense`, "INVALID_CURSOR"],
      [`customers/${web}?before=${btoa(JSON.stringify(["soon", "x"]))}`, "INVALID_CURSOR"],
      [`customers/${web}?after=a&before=b`, "VALIDATION_FAILED"],
      [`customers/${web}?after=a&at=${web}`, "VALIDATION_FAILED"],
      [`customers/${web}?at=conv-1`, "VALIDATION_FAILED"],
      [`customers/${web}/outline?cursor=nonsense`, "INVALID_CURSOR"],
    ];
    for (const [path, code] of cases) {
      const res = await call(`/api/v1/journeys/${path}`, { as: admin });
      expect(res.status, path).toBe(400);
      expect(await errorCode(res), path).toBe(code);
    }
    expect((await call(`/api/v1/journeys/customers/${web}`)).status).toBe(401);
  });
});

describe("GET /api/v1/journeys/{kind}/{id}/outline", () => {
  it("lists every conversation with its engagements for the navigation pane", async () => {
    const outline = await ok<JourneyOutline>(
      call(`/api/v1/journeys/engagements/${main.engagement("e3-mail")}/outline`, { as: admin }),
    );
    expect(outline.conversationCount).toBe(5);
    expect(outline.items.map((c) => c.id)).toEqual(JANE_CONVERSATIONS.map((c) => main.conversation(c)));
    expect(outline.items[0]?.engagements.map((e) => [e.label, e.outcome, e.human])).toEqual([
      ["Botty", "Moved to agent", false],
      ["Billing", null, false],
      ["Billing", "Resolved", true],
      ["Bob Lee", null, true],
    ]);
    expect(outline.items[1]?.direction).toBe("Outbound");
    expect(outline.items[3]?.engagements[0]).toMatchObject({
      type: "External Agent",
      label: "Courier Co",
      human: true,
    });
    const first = await ok<JourneyOutline>(
      call(`/api/v1/journeys/customers/${main.customer("cust-web")}/outline?limit=3`, { as: admin }),
    );
    const rest = await ok<JourneyOutline>(
      call(`/api/v1/journeys/customers/${main.customer("cust-web")}/outline?limit=3&cursor=${first.nextCursor}`, {
        as: admin,
      }),
    );
    expect([...first.items, ...rest.items].map((c) => c.position)).toEqual([1, 2, 3, 4, 5]);
    expect(rest.nextCursor).toBeNull();
  });
});

describe("conversation content", () => {
  const saved = ROLE_PERMISSIONS.analyst;
  afterEach(() => {
    ROLE_PERMISSIONS.analyst = saved;
  });

  it("is left out for users without conversations.viewContent, who still see the journey's structure", async () => {
    ROLE_PERMISSIONS.analyst = saved.filter((p) => p !== "conversations.viewContent");
    const page = await journey(analyst, `turns/${main.turn("t20")}`);
    expect(page.contentVisible).toBe(false);
    const turns = page.conversations.flatMap(turnsOf);
    expect(turns.length).toBeGreaterThan(0);
    expect(turns.every((t) => t.content === null && t.media === null)).toBe(true);
    expect(page.conversations[0]?.engagements[0]?.recording).toBeNull();
    expect(JSON.stringify(page)).not.toContain("invoice");
    const media = await call(`/api/v1/journeys/media/engagements/${main.engagement("e2-call")}`, { as: analyst });
    expect(media.status).toBe(403);
    expect(await errorCode(media)).toBe("FORBIDDEN");
  });

  it("is shown to users with it", async () => {
    const page = await journey(analyst, `turns/${main.turn("t20")}`);
    expect(page.contentVisible).toBe(true);
    expect(page.conversations[0]?.items.find((i) => i.kind === "turn")).toMatchObject({
      content: "Calling about your invoice",
      media: { type: "audio/wav", url: `/api/v1/journeys/media/turns/${main.turn("t20")}` },
    });
  });
});

describe("GET /api/v1/journeys/media/{kind}/{id}", () => {
  const bytes = new Uint8Array(Array.from({ length: 64 }, (_, i) => i));

  it("plays a stored recording with Range support, and answers 404 when nothing is stored", async () => {
    const path = `/api/v1/journeys/media/engagements/${main.engagement("e2-call")}`;
    const before = await journey(admin, `engagements/${main.engagement("e2-call")}`);
    expect(before.conversations[0]?.engagements[0]?.recording).toBeNull();
    expect((await call(path, { as: admin })).status).toBe(404);

    await env.FILES.put(`media/${main.accountId}/recordings/conv-2.wav`, bytes, {
      httpMetadata: { contentType: "audio/wav" },
    });
    const after = await journey(admin, `engagements/${main.engagement("e2-call")}`);
    expect(after.conversations[0]?.engagements[0]?.recording).toEqual({ url: path });

    const whole = await call(path, { as: admin });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);

    const part = await call(path, { as: admin, headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 10-19/64");
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    const tail = await call(path, { as: admin, headers: { range: "bytes=-4" } });
    expect(tail.headers.get("content-range")).toBe("bytes 60-63/64");
    expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([60, 61, 62, 63]);

    const beyond = await call(path, { as: admin, headers: { range: "bytes=64-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */64");

    // The turn's clip has a key but no stored file.
    expect((await call(`/api/v1/journeys/media/turns/${main.turn("t20")}`, { as: admin })).status).toBe(404);
  });

  it("never serves another account's files, even under the same key", async () => {
    await env.FILES.put(`media/${main.accountId}/recordings/conv-2.wav`, bytes);
    const res = await call(`/api/v1/journeys/media/engagements/${main.engagement("e2-call")}`, { as: otherAdmin });
    expect(res.status).toBe(404);
    const theirs = await call(`/api/v1/journeys/media/engagements/${other.engagement("e2-call")}`, { as: otherAdmin });
    expect(theirs.status).toBe(404);
    const bad = await call("/api/v1/journeys/media/engagements/../x", { as: admin });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const malformed = await call("/api/v1/journeys/media/calls/not-a-pid", { as: admin });
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("VALIDATION_FAILED");
  });
});

describe("GET /api/v1/customers", () => {
  const search = (as: Client, query: string, extra = "") =>
    ok<Page<CustomerSummary>>(call(`/api/v1/customers?query=${encodeURIComponent(query)}${extra}`, { as }));

  it("finds profiles by source ID, PID or exact contact, masked", async () => {
    const byId = await search(analyst, "cust-phone");
    expect(byId.items.map((c) => [c.externalId, c.matchedBy])).toEqual([["cust-phone", ["externalId"]]]);
    expect(byId.items[0]?.name).toBe("J••• M••• D•••");
    expect(byId.items[0]?.contacts.map((c) => c.value)).toEqual(["+42•••••••456", "j•••@e•••.com"]);
    expect(byId.items[0]?.contactCount).toBe(2);

    const byEmail = await search(analyst, "JANE.DOE@example.com");
    expect(byEmail.items.map((c) => c.externalId)).toEqual(["cust-phone", "cust-web"]);
    expect(byEmail.items.every((c) => c.matchedBy.includes("contact"))).toBe(true);

    const byPid = await search(analyst, main.customer("cust-other"));
    expect(byPid.items.map((c) => [c.externalId, c.matchedBy])).toEqual([["cust-other", ["pid"]]]);
    expect((await search(analyst, "+420777123456")).items.map((c) => c.externalId)).toEqual(["cust-phone"]);
    expect((await search(analyst, "jane")).items).toEqual([]);
    expect(JSON.stringify(byEmail)).not.toContain("jane.doe@example.com");
  });

  it("lists every profile by ID, a page at a time, and only the account's own", async () => {
    const first = await search(admin, "", "&limit=2");
    expect(first.items.map((c) => c.externalId)).toEqual(["cust-other", "cust-phone"]);
    const second = await search(admin, "", `&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((c) => c.externalId)).toEqual(["cust-web"]);
    expect(second.nextCursor).toBeNull();
    const theirs = await search(otherAdmin, main.customer("cust-web"));
    expect(theirs.items).toEqual([]);
    const bad = await call("/api/v1/customers?cursor=nonsense", { as: admin });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("INVALID_CURSOR");
    const long = await call(`/api/v1/customers?query=${"x".repeat(201)}`, { as: admin });
    expect(await errorCode(long)).toBe("VALIDATION_FAILED");
  });
});

describe("POST /api/v1/customers/{id}/reveal", () => {
  const reveal = (as: Client, id: string, body: unknown) => call(`/api/v1/customers/${id}/reveal`, { as, body });
  const reveals = async (accountId: string) =>
    (
      await env.DB.prepare("SELECT * FROM pii_reveal WHERE account_id = ?1 ORDER BY revealed_at, id")
        .bind(accountId)
        .all<{ user_id: string; customer_pid: string; field: string; contact_ref: string | null }>()
    ).results;

  it("reveals one value to a user with pii.reveal and records who saw what, never the value", async () => {
    const before = (await reveals(main.accountId)).length;
    const web = main.customer("cust-web");
    const journeyPage = await journey(supervisor, `customers/${web}`);
    const profile = journeyPage.customer?.profiles.find((p) => p.id === web);
    const email = profile?.contacts.find((c) => c.type === "Email");
    const shown = await ok<Revealed>(reveal(supervisor, web, { field: "contact", contact: email?.ref }));
    expect(shown).toEqual({
      customerId: web,
      field: "contact",
      contact: { ref: email?.ref, type: "Email" },
      value: "jane.doe@example.com",
    });
    const name = await ok<Revealed>(reveal(supervisor, web, { field: "name" }));
    expect(name.value).toBe("Jane Doe");
    const rows = (await reveals(main.accountId)).slice(before);
    const supervisorId = (await ok<{ user: { id: string } }>(call("/api/v1/auth/session", { as: supervisor }))).user.id;
    // Both in the same second, so compare them in field order.
    const recorded = rows.map((r) => [r.user_id, r.customer_pid, r.field, r.contact_ref]);
    expect(recorded.sort((a, b) => String(a[2]).localeCompare(String(b[2])))).toEqual([
      [supervisorId, web, "contact", `Email #${(email?.ref ?? 0) + 1}`],
      [supervisorId, web, "name", null],
    ]);
    expect(JSON.stringify(rows)).not.toContain("jane");
  });

  it("refuses users without pii.reveal with 403 FORBIDDEN and records nothing", async () => {
    const before = (await reveals(main.accountId)).length;
    const res = await reveal(analyst, main.customer("cust-web"), { field: "name" });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("FORBIDDEN");
    expect(await reveals(main.accountId)).toHaveLength(before);
  });

  it("refuses bad input with 400 and unknown or another account's customers and contacts with 404, recording nothing", async () => {
    const before = (await reveals(main.accountId)).length;
    const web = main.customer("cust-web");
    const cases: [string, unknown, number, string][] = [
      [web, { field: "email" }, 400, "VALIDATION_FAILED"],
      [web, { field: "contact" }, 400, "VALIDATION_FAILED"],
      [web, { field: "contact", contact: -1 }, 400, "VALIDATION_FAILED"],
      ["not-a-pid", { field: "name" }, 400, "VALIDATION_FAILED"],
      [web, { field: "contact", contact: 7 }, 404, "NOT_FOUND"],
      [crypto.randomUUID(), { field: "name" }, 404, "NOT_FOUND"],
      [other.customer("cust-web"), { field: "name" }, 404, "NOT_FOUND"],
    ];
    for (const [id, body, status, code] of cases) {
      const res = await reveal(admin, id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorCode(res)).toBe(code);
    }
    const malformed = await call(`/api/v1/customers/${web}/reveal`, { as: admin, rawBody: "{nope" });
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("MALFORMED_REQUEST");
    const noCsrf = await call(`/api/v1/customers/${web}/reveal`, { as: admin, body: { field: "name" }, csrf: null });
    expect(noCsrf.status).toBe(403);
    expect(await reveals(main.accountId)).toHaveLength(before);
    expect(await reveals(other.accountId)).toHaveLength(0);
  });
});

describe("GET /api/v1/pii-reveals", () => {
  it("lists reveals newest first with the user's e-mail, filtered by user or customer, for admins only", async () => {
    const fresh = await loadJourneyFixture();
    const freshAdmin = await signIn(fresh.admin.email);
    const boss = await createUser(fresh.accountId, "supervisor");
    const bossClient = await signIn(boss.email);
    await ok(
      call(`/api/v1/customers/${fresh.customer("cust-web")}/reveal`, { as: freshAdmin, body: { field: "name" } }),
    );
    await ok(
      call(`/api/v1/customers/${fresh.customer("cust-other")}/reveal`, {
        as: bossClient,
        body: { field: "contact", contact: 0 },
      }),
    );
    await ok(
      call(`/api/v1/customers/${fresh.customer("cust-web")}/reveal`, { as: bossClient, body: { field: "name" } }),
    );

    const all: PiiRevealEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<PiiRevealEntry> = await ok(
        call(`/api/v1/pii-reveals?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { as: freshAdmin }),
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(3);
    const times = all.map((e) => Date.parse(e.revealedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.filter((e) => e.user.email === boss.email)).toHaveLength(2);
    expect(all.find((e) => e.field === "contact")).toMatchObject({
      customer: { id: fresh.customer("cust-other"), externalId: "cust-other" },
      contactRef: "Email #1",
      user: { email: boss.email },
    });

    const byUser = await ok<Page<PiiRevealEntry>>(call(`/api/v1/pii-reveals?userId=${boss.id}`, { as: freshAdmin }));
    expect(byUser.items.map((e) => e.user.id)).toEqual([boss.id, boss.id]);
    const byCustomer = await ok<Page<PiiRevealEntry>>(
      call(`/api/v1/pii-reveals?customerId=${fresh.customer("cust-web")}`, { as: freshAdmin }),
    );
    expect(byCustomer.items).toHaveLength(2);
    expect(byCustomer.items.every((e) => e.customer.id === fresh.customer("cust-web"))).toBe(true);

    const forbidden = await call("/api/v1/pii-reveals", { as: bossClient });
    expect(forbidden.status).toBe(403);
    expect(await errorCode(forbidden)).toBe("FORBIDDEN");
    // Another account's admin sees none of it.
    const theirs = await ok<Page<PiiRevealEntry>>(
      call(`/api/v1/pii-reveals?customerId=${fresh.customer("cust-web")}`, { as: otherAdmin }),
    );
    expect(theirs.items).toEqual([]);
    for (const query of ["cursor=nonsense", "userId=bob", "limit=500"]) {
      const res = await call(`/api/v1/pii-reveals?${query}`, { as: freshAdmin });
      expect(res.status, query).toBe(400);
    }
  });
});
