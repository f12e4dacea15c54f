#!/usr/bin/env node
// `npm run bench` (or `node bench/dashboard.mjs` alone): the built-in Overview dashboard on
// 1,000,000 engagements against the same numbers from hand-written SQL in better-sqlite3 and in
// DuckDB over the same rows, in one run.
//
//   brine     the dashboard as the browser loads it: every item that is not an engagement list
//             is one POST /api/v1/visualizations/data, all issued at once, with the date filter
//             over the whole 90 days and over the last 30; the wall time until the last answers.
//             Each item is also timed alone.
//   sqlite    the app stopped, better-sqlite3 runs hand-written SQL for every item over a copy of
//             miniflare's D1 SQLite file, one item after the other (SQLite is single-threaded)
//   duckdb    @duckdb/node-api, in memory, runs the same queries in DuckDB's SQL over the same
//             rows, copied in from that file with the appender (the load is timed apart)
//   brine sql Brine's own compiled statements (workers/analytics/metric-compiler.ts, bundled with
//             esbuild) run in better-sqlite3 on the same copy: what the SQL costs without the
//             Worker, D1 and HTTP around it
//
// Every number Brine shows must equal both baselines' (1e-9 relative for fractions), group by
// group; the run fails and names the items that differ. The data: 1,000,000 engagements of about
// 285,000 conversations over 90 days (bots, queues, invitations, agents, transfers, reviews), day
// after day. A sample (BENCH_SAMPLE, default 2 %) goes in through the Ingest API; the rest, which
// would take it about eight minutes, is written into the D1 file with the app stopped, through the
// pipeline's own validateLine and upsertLine run by better-sqlite3 (and checked against the API's
// rows for the sample). BENCH_SCALE=0.05 shrinks the data; BENCH_RUNS sets the timed dashboard and
// baseline runs (default 5; items alone and Brine's SQL take 3); BENCH_KEEP=1 keeps the
// temporary folder (ZIP, app state with the D1 file, its copy).
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { ingestZip } from "../scripts/lib/ingest-client.mjs";
import { rng } from "../scripts/lib/rng.mjs";
import { signIn, startBrine, writeZip } from "./lib/app.mjs";
import { log, median, runLine, writeSection } from "./lib/report.mjs";

const scale = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
/** Runs of each item alone and of Brine's SQL in better-sqlite3, which only explain the dashboard's figure. */
const FEWER_RUNS = Math.min(RUNS, 3);
const ENGAGEMENTS = Math.round(1_000_000 * scale);
/** Engagements (whole conversations) that go through the Ingest API; the rest are written directly. */
const SAMPLE = Math.round(ENGAGEMENTS * Number(process.env.BENCH_SAMPLE ?? 0.02));
const DAY = 86_400;
const DAYS = 90;
/** Monday 3 August 2026, 00:00 UTC: the 90 days are [FROM, TO). */
const FROM = Date.UTC(2026, 7, 3) / 1000;
const TO = FROM + DAYS * DAY;
const RANGES = [
  { key: "90d", label: "all 90 days", from: FROM, to: TO },
  { key: "30d", label: "last 30 days", from: TO - 30 * DAY, to: TO },
];
/** Relative tolerance when comparing fractions; counts must be equal. */
const TOLERANCE = 1e-9;

const work = mkdtempSync(join(tmpdir(), "brine-bench-dashboard-"));
const keep = process.env.BENCH_KEEP === "1";
process.on("exit", () => {
  if (keep) log(`kept the data and app state in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});
const started = performance.now();
const iso = (s) => new Date(Math.round(s) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
const day = (s) => new Date(s * 1000).toISOString().slice(0, 10);
const fmt = (n) => Math.round(n).toLocaleString("en");
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const secs = (s) => `${s.toFixed(s < 10 ? 2 : 1)} s`;
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : fmt(x));
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ───────────── the data ─────────────

const CHANNEL_TYPES = [
  ["CHAT", 0.38],
  ["VOICE", 0.34],
  ["EMAIL", 0.16],
  ["MESSAGING", 0.12],
];
const CHANNELS = {
  CHAT: [
    ["CH-WEB", "Web Chat", 0.7],
    ["CH-APP", "Mobile App Chat", 0.3],
  ],
  VOICE: [
    ["CH-SUPPORT", "Support Line", 0.8],
    ["CH-SALES", "Sales Line", 0.2],
  ],
  EMAIL: [["CH-MAIL", "Help Desk E-mail", 1]],
  MESSAGING: [
    ["CH-WA", "WhatsApp", 0.75],
    ["CH-FB", "Messenger", 0.25],
  ],
};
/** Queue, name, share of contacts, and the reasons that lead there. */
const QUEUES = [
  ["Q-ORD", "Orders", ["order status", "change order", "cancel order"], 0.22],
  ["Q-RET", "Returns & Refunds", ["return item", "refund status", "damaged item"], 0.16],
  ["Q-ACC", "Account Help", ["password reset", "update profile"], 0.12],
  ["Q-SHP", "Shipping", ["late delivery", "change address"], 0.14],
  ["Q-TEC", "Website Support", ["site error", "checkout problem"], 0.08],
  ["Q-VIP", "Gold Members", ["membership", "order status"], 0.06],
  ["Q-BIL", "Billing", ["double charge", "invoice copy"], 0.09],
  ["Q-SAL", "Sales", ["product question", "stock check"], 0.07],
  ["Q-CMP", "Complaints", ["complaint"], 0.04],
  ["Q-INT", "International", ["customs", "international shipping"], 0.02],
];
const TEAMS = [
  ["T-NORTH", "Team North"],
  ["T-SOUTH", "Team South"],
  ["T-EAST", "Team East"],
  ["T-WEST", "Team West"],
  ["T-TIER2", "Tier 2"],
  ["T-SALES", "Sales Desk"],
  ["T-BILL", "Billing Desk"],
  ["T-NIGHT", "Night Shift"],
];
const DEPARTMENTS = [
  ["D-CARE", "Customer Care"],
  ["D-ORDERS", "Order Management"],
  ["D-SALES", "Sales"],
];
const OUTCOMES = [
  ["O-RESOLVED", "Resolved", "OC-DONE", 0.44],
  ["O-REFUND", "Refund Issued", "OC-DONE", 0.13],
  ["O-REPLACE", "Replacement Sent", "OC-DONE", 0.09],
  ["O-INFO", "Information Provided", "OC-DONE", 0.14],
  ["O-SALE", "Sale Made", "OC-DONE", 0.04],
  ["O-CALLBACK", "Callback Scheduled", "OC-FOLLOW", 0.07],
  ["O-ESCALATED", "Escalated", "OC-FOLLOW", 0.05],
  ["O-UNRESOLVED", "Not Resolved", "OC-FAIL", 0.04],
];
const OUTCOME_CATEGORIES = [
  ["OC-DONE", "Done"],
  ["OC-FOLLOW", "Needs Follow-up"],
  ["OC-FAIL", "Failed"],
];
const AGENT_COUNT = 150;
const FIRST = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Filip", "Grace", "Hugo", "Ines", "Jakub", "Kira", "Leo"];
const LAST = ["Novak", "Silva", "Carter", "Horvat", "Meyer", "Costa", "Ward", "Kral", "Lopez", "Berg"];
/** Seconds a queue may keep a customer waiting and still meet the service level. */
const WAIT_TARGET = { CHAT: 30, VOICE: 30, MESSAGING: 120, EMAIL: 4 * 3600 };
const CSAT_SHARE = 0.2;
const REVIEWED_SHARE = 0.06;

/**
 * The data, always the same: the small files (entities, agents, questions, answers, reviewers) as
 * lines, and a generator of conversations, each `{ engagements, reviews }` as Ingest API lines.
 * Conversations come one after another at random times in the 90 days (weekdays and business
 * hours busier); each is a bot and/or a queue, the invitations offered to agents (missed,
 * rejected, revoked, then accepted), the agent engagement, and sometimes a transfer to another
 * queue and agent. Outbound calls and internal consultations are a lone agent engagement. A fifth
 * of the answered conversations get a CSAT answer, and 6 % of agent engagements the Reviewed tag.
 * The last conversation is cut so that there are exactly ENGAGEMENTS engagements.
 */
function makeData() {
  const r = rng(20260803);
  const small = [];
  const write = (name, lines) => small.push([name, lines]);
  const entities = (list) => list.map(([externalId, name]) => ({ externalId, name }));
  write("engagement_queue.jsonl", entities(QUEUES));
  write("engagement_channel.jsonl", entities(Object.values(CHANNELS).flat()));
  write("engagement_engaged_team.jsonl", entities(TEAMS));
  write("agent_team.jsonl", entities(TEAMS));
  write("engagement_engaged_department.jsonl", entities(DEPARTMENTS));
  write("agent_department.jsonl", entities(DEPARTMENTS));
  write("engagement_outcome.jsonl", entities(OUTCOMES));
  write("engagement_outcome_category.jsonl", entities(OUTCOME_CATEGORIES));

  const agents = [];
  for (let i = 0; i < AGENT_COUNT; i++) {
    const team = TEAMS[i % TEAMS.length];
    agents.push({
      externalId: `AG-${String(i + 1).padStart(3, "0")}`,
      name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / 12)) % LAST.length]}`,
      team: team[0],
      department: team[0] === "T-SALES" ? "D-SALES" : i % 3 === 2 ? "D-ORDERS" : "D-CARE",
      location: ["Prague", "Lisbon", "Austin"][i % 3],
      manager: `${FIRST[(i % TEAMS.length) + 4]} ${LAST[i % TEAMS.length]}`,
      hourlyCost: round(18 + r.next() * 14, 2),
      skill: 0.7 + r.next() * 0.6,
      // Full-timers and part-timers: how often an agent is picked.
      weight: r.chance(0.25) ? 0.3 + r.next() * 0.3 : 0.8 + r.next() * 0.4,
    });
  }
  // Agents picked in proportion to their weight, by binary search over the running total.
  const cumulative = [];
  let total = 0;
  for (const a of agents) {
    total += a.weight;
    cumulative.push(total);
  }
  const fastAgent = (not) => {
    for (;;) {
      const x = r.next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (agents[lo] !== not) return agents[lo];
    }
  };
  write("agent.jsonl", [
    ...agents.map((a) => ({
      externalId: a.externalId,
      name: a.name,
      email: `${a.name.toLowerCase().replace(" ", ".")}.${a.externalId.toLowerCase()}@bench.example`,
      status: "Active",
      type: "Human",
      hourlyCost: a.hourlyCost,
      engagementCost: round(a.hourlyCost / 10, 2),
      teamExternalId: a.team,
      departmentExternalId: a.department,
      location: a.location,
      role: "Agent",
      manager: a.manager,
    })),
    { externalId: "BOT-VA", name: "Virtual Assistant", status: "Active", type: "Bot" },
  ]);
  write("question.jsonl", [
    {
      externalId: "CSAT",
      name: "How satisfied were you with our support?",
      type: "Scale",
      answerType: "Number",
      worstScore: 1,
      bestScore: 5,
    },
    { externalId: "Q-REVIEWED", name: "Reviewed", type: "Tag", answerType: "Tag" },
  ]);
  write(
    "answer.jsonl",
    [1, 2, 3, 4, 5].map((score) => ({
      externalId: `CSAT-${score}`,
      questionExternalId: "CSAT",
      name: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"][score - 1],
      score,
      position: score,
    })),
  );
  write("reviewer.jsonl", [
    { externalId: "SURVEY", name: "Post-contact survey", type: "Customer" },
    { externalId: "QA", name: "Quality Team", type: "Human" },
  ]);

  // Busier on weekdays: a table of day weights to draw conversation days from.
  const dayWeights = Array.from({ length: DAYS }, (_, d) => {
    const weekday = new Date((FROM + d * DAY) * 1000).getUTCDay();
    return [d, (weekday === 0 || weekday === 6 ? 0.45 : 1) * (1 + (0.15 * d) / DAYS)];
  });
  const customerCount = Math.max(100, Math.round(ENGAGEMENTS * 0.14));
  let emitted = 0;
  let conversations = 0;
  let reviewSeq = 0;

  /** One conversation on day `d`: its engagements, in order. */
  const makeConversation = (d) => {
    const n = ++conversations;
    const hour = Math.min(22, Math.max(6, Math.round(13 + (r.next() + r.next() + r.next() - 1.5) * 7)));
    const convStart = FROM + d * DAY + hour * 3600 + r.int(0, 3599);
    const channelType = r.weighted(CHANNEL_TYPES)[0];
    const channel = r.weighted(CHANNELS[channelType])[0];
    const direction =
      r.chance(0.01) && channelType !== "EMAIL"
        ? "Internal"
        : channelType === "VOICE" && r.chance(0.09)
          ? "Outbound"
          : "Inbound";
    const queue = r.weighted(QUEUES);
    // A third of conversations are from a customer who got in touch recently.
    const customer = n > 500 && r.chance(0.33) ? Math.max(0, (n % customerCount) - r.int(1, 400)) : n % customerCount;
    const cid = `C${n}`;
    const common = {
      conversationExternalId: cid,
      conversationStartTime: iso(convStart),
      ...(direction === "Internal" ? {} : { customerExternalId: `CU${customer}` }),
      channelType,
      channelExternalId: channel,
      direction,
      status: "Completed",
      language: r.chance(0.9) ? "en" : r.pick(["de", "cs", "pt", "es"]),
      reason: r.pick(queue[2]),
      platform: channelType === "EMAIL" ? "Help Desk" : "Flex",
    };
    const list = [];
    let seq = 0;
    const add = (record) => {
      list.push({ externalId: `${cid}-${++seq}`, ...common, ...record });
      return list.at(-1);
    };
    let t = convStart;
    const agentEngagements = [];

    const agentEngagement = (agent, extra, waited, serviceLevel) => {
      const handle = r.around({ VOICE: 360, CHAT: 540, EMAIL: 420, MESSAGING: 600 }[channelType], 0.6) / agent.skill;
      const hold = channelType === "VOICE" && r.chance(0.3) ? r.around(45, 0.6) : 0;
      const wrapUp = r.around(channelType === "EMAIL" ? 60 : 35, 0.5);
      const prep = channelType === "EMAIL" ? r.around(20, 0.4) : r.around(4, 0.4);
      const outcome = extra.transferring ? OUTCOMES[6] : r.weighted(OUTCOMES);
      const e = add({
        type: "Agent",
        startTime: iso(t),
        endTime: iso(t + prep + handle + hold + wrapUp),
        agentExternalId: agent.externalId,
        teamExternalId: agent.team,
        departmentExternalId: agent.department,
        agentLocation: agent.location,
        agentManager: agent.manager,
        agentRole: "Agent",
        outcomeExternalId: outcome[0],
        outcomeCategoryExternalId: outcome[2],
        outcomeType: extra.transferring ? "Transferred" : "Completed",
        resolution: outcome[2] === "OC-DONE" ? "Resolved" : "Unresolved",
        initiatedBy: direction === "Inbound" ? "Customer" : "Agent",
        terminatedBy: extra.transferring ? "Agent" : r.chance(0.5) ? "Customer" : "Agent",
        preparationTime: round(prep),
        engagementTime: round(handle),
        holdTime: round(hold),
        wrapUpTime: round(wrapUp),
        totalTime: round(prep + handle + hold + wrapUp),
        focusTime: round(handle * 0.85),
        cost: round(((prep + handle + wrapUp) / 3600) * agent.hourlyCost, 2),
        orderAgentEngagements: agentEngagements.length + 1,
        ...(extra.queue ? { queueExternalId: extra.queue } : {}),
        ...(waited === undefined ? {} : { waitTime: round(waited) }),
        ...(serviceLevel ? { serviceLevel } : {}),
      });
      agentEngagements.push(e);
      t += prep + handle + hold + wrapUp;
      return e;
    };

    if (direction !== "Inbound") {
      agentEngagement(fastAgent(), {}, undefined, undefined);
    } else {
      let contained = false;
      if ((channelType === "CHAT" || channelType === "MESSAGING") && r.chance(0.55)) {
        const length = r.around(80, 0.6);
        contained = r.chance(0.2);
        add({
          type: "Bot",
          startTime: iso(t),
          endTime: iso(t + length),
          agentExternalId: "BOT-VA",
          outcomeType: contained ? "Completed" : "Moved",
          resolution: contained ? "Resolved" : "Unknown",
          initiatedBy: "Customer",
          terminatedBy: contained ? "Customer" : "Bot",
          engagementTime: round(length),
          totalTime: round(length),
        });
        t += length;
      }
      let hops = contained ? 0 : r.chance(0.07) ? 2 : 1;
      let currentQueue = queue[0];
      let first = true;
      while (hops-- > 0) {
        const wait =
          channelType === "EMAIL"
            ? r.around(2.5 * 3600, 0.8)
            : r.around({ CHAT: 22, VOICE: 38, MESSAGING: 90 }[channelType], 0.9);
        const target = WAIT_TARGET[channelType];
        let outcomeType = "Accepted";
        if (channelType !== "EMAIL" && first && r.chance(wait > 90 ? 0.35 : 0.04)) outcomeType = "Customer Left";
        else if (channelType === "MESSAGING" && wait > 600 && r.chance(0.5)) outcomeType = "Timed Out";
        else if (r.chance(0.004)) outcomeType = "Canceled";
        const left = outcomeType !== "Accepted";
        const waited = outcomeType === "Customer Left" ? wait * 0.7 : wait;
        const serviceLevel = left && waited < 5 ? "Ignore" : waited <= target ? "Met" : "Missed";
        add({
          type: "Queue",
          startTime: iso(t),
          endTime: iso(t + waited),
          queueExternalId: currentQueue,
          outcomeType,
          initiatedBy: "Customer",
          terminatedBy: outcomeType === "Customer Left" ? "Customer" : "System",
          waitTime: round(waited),
          totalTime: round(waited),
          serviceLevel,
        });
        t += waited;
        first = false;
        if (left) break;
        // Offers to agents: some missed, rejected or revoked before one is accepted.
        let agent = fastAgent();
        const failures = r.chance(0.8) ? 0 : r.chance(0.75) ? 1 : 2;
        for (let k = 0; k <= failures; k++) {
          const result =
            k === failures
              ? "Accepted"
              : r.weighted([
                  ["Missed", 0.6],
                  ["Rejected", 0.3],
                  ["Revoked", 0.1],
                ])[0];
          const offered = result === "Missed" ? 20 : r.around(result === "Accepted" ? 5 : 8, 0.5);
          add({
            type: "Invitation",
            startTime: iso(t),
            endTime: iso(t + offered),
            agentExternalId: agent.externalId,
            queueExternalId: currentQueue,
            teamExternalId: agent.team,
            departmentExternalId: agent.department,
            agentLocation: agent.location,
            outcomeType: result,
            initiatedBy: "System",
            invitationTime: round(offered),
          });
          t += offered;
          if (result !== "Accepted") agent = fastAgent(agent);
        }
        agentEngagement(agent, { queue: currentQueue, transferring: hops > 0 }, waited, serviceLevel);
        if (hops > 0) currentQueue = r.pick(QUEUES.filter((q) => q[0] !== currentQueue))[0];
      }
    }
    for (const e of agentEngagements) e.totalConversationAgentEngagements = agentEngagements.length;
    return { start: convStart, list, agentEngagements, direction };
  };

  /** A conversation's engagements (the last one cut at exactly ENGAGEMENTS) and reviews of those kept. */
  const emit = ({ list, agentEngagements, direction }) => {
    const reviews = [];
    const room = ENGAGEMENTS - emitted;
    const kept = list.slice(0, room);
    emitted += kept.length;
    const keptIds = new Set(kept.map((e) => e.externalId));
    const last = agentEngagements.at(-1);
    if (last && direction === "Inbound" && keptIds.has(last.externalId) && r.chance(CSAT_SHARE)) {
      const base = last.resolution === "Resolved" ? 4.3 : 2.5;
      const penalty = (last.waitTime ?? 0) > 60 ? 0.8 : 0;
      const score = Math.max(1, Math.min(5, Math.round(base - penalty + (r.next() - 0.5) * 2.4)));
      reviews.push({
        externalId: `R${++reviewSeq}`,
        engagementExternalId: last.externalId,
        reviewerExternalId: "SURVEY",
        questionExternalId: "CSAT",
        answerExternalId: `CSAT-${score}`,
        reviewTime: iso(Date.parse(last.endTime) / 1000 + 600),
        kind: "Customer",
        type: "Answer",
        status: "Submitted",
        sampling: "Customer",
        answerType: "Number",
        score,
        answerScore: score,
        worstScore: 1,
        bestScore: 5,
      });
    }
    for (const e of agentEngagements) {
      if (!keptIds.has(e.externalId) || !r.chance(REVIEWED_SHARE)) continue;
      reviews.push({
        externalId: `R${++reviewSeq}`,
        engagementExternalId: e.externalId,
        reviewerExternalId: "QA",
        questionExternalId: "Q-REVIEWED",
        reviewTime: iso(Date.parse(e.endTime) / 1000 + r.int(3600, 5 * DAY)),
        kind: "Manual",
        type: "Tag",
        status: "Approved",
        sampling: r.chance(0.7) ? "Random" : "Focused",
        answerType: "Tag",
      });
    }
    return { engagements: kept, reviews };
  };

  // Day after day, as a contact center's data arrives: each day gets its share of the engagements
  // (by the day's weight), its conversations in order of their start.
  const totalWeight = dayWeights.reduce((sum, [, w]) => sum + w, 0);
  const conversation = function* () {
    let planned = 0;
    let share = 0;
    for (const [d, w] of dayWeights) {
      share += (ENGAGEMENTS * w) / totalWeight;
      const today = [];
      while (planned < Math.round(share)) {
        const c = makeConversation(d);
        planned += c.list.length;
        today.push(c);
      }
      today.sort((a, b) => a.start - b.start);
      for (const c of today) if (emitted < ENGAGEMENTS) yield emit(c);
    }
  };
  return { small, conversations: conversation() };
}

// ───────────── Brine ─────────────

async function call(session, path, body) {
  const response = await fetch(new URL(path, session.url), {
    method: body ? "POST" : "GET",
    headers: {
      cookie: session.cookie,
      ...(body ? { "content-type": "application/json", "x-csrf-token": session.csrf } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The dashboard's items that show numbers (not engagement lists), with their visualizations' specs. */
async function overviewItems(session) {
  const dashboard = await call(session, "/api/v1/dashboards/overview");
  const items = [];
  for (const item of dashboard.items) {
    const v = await call(session, `/api/v1/visualizations/${item.visualizationId}`);
    if (v.spec.type !== "engagements") items.push({ id: item.visualizationId, name: v.name, spec: v.spec });
  }
  return items;
}

const dateValues = (range) => ({ date: { op: "between", from: day(range.from), to: day(range.to) } });

async function loadItem(session, item, range) {
  const t = performance.now();
  const data = await call(session, "/api/v1/visualizations/data", {
    visualizationId: item.id,
    dashboardId: "overview",
    values: dateValues(range),
  });
  return { ms: performance.now() - t, data };
}

/** The whole dashboard as the browser loads it: every item at once; the wall time until the last answers. */
async function loadDashboard(session, items, range) {
  const t = performance.now();
  const results = await Promise.all(items.map((item) => loadItem(session, item, range)));
  return { ms: performance.now() - t, items: results };
}

async function measureBrine(session, items, range, warmUp) {
  if (warmUp) {
    log(`  brine, ${range.label}: warm-up`);
    log(`    ${ms((await loadDashboard(session, items, range)).ms)} ms`);
  }
  const walls = [];
  const slowest = [];
  const inDashboard = items.map(() => []);
  let last;
  for (let run = 0; run < RUNS; run++) {
    last = await loadDashboard(session, items, range);
    walls.push(last.ms);
    for (const [i, x] of last.items.entries()) inDashboard[i].push(x.ms);
    const top = last.items.reduce((a, b) => (b.ms > a.ms ? b : a));
    slowest.push({ ms: top.ms, item: items[last.items.indexOf(top)].id });
    log(`    dashboard run ${run + 1}: ${ms(last.ms)} ms`);
  }
  const alone = [];
  for (const item of items) {
    const times = [];
    for (let run = 0; run < FEWER_RUNS; run++) times.push((await loadItem(session, item, range)).ms);
    alone.push(median(times));
    log(`    ${item.id} alone: ${ms(median(times))} ms`);
  }
  return {
    wall: median(walls),
    walls,
    slowest,
    inDashboard: inDashboard.map(median),
    alone,
    data: last.items.map((x) => x.data),
  };
}

// ───────────── the baselines' SQL ─────────────

/**
 * The hand-written queries: the plainest SQL a person would write for each item, following the
 * metric definitions (workers/analytics/builtin-metrics.ts, docs/metrics.md): counts of rows,
 * distinct conversations, averages over rows with a value, ratios with NULLIF, service level as
 * Met / (Met + Missed) over every engagement with one, CSAT as the answer score of reviews of the
 * question named or identified "CSAT", the date being the engagement's start. Each returns
 * `g0…` (groups), `l0…` (their labels) and `v0…` (values), sorted as the visualization sorts.
 * `dialect.day(column)` is the UTC date of a Unix time; `dialect.real(x)` a float.
 */
function queries(d) {
  const W = "e.account_id = $account AND e.start_time >= $from AND e.start_time < $to";
  const handling = `CASE WHEN e.preparation_time IS NULL AND e.engagement_time IS NULL AND e.wrap_up_time IS NULL THEN NULL
    ELSE COALESCE(e.preparation_time, 0) + COALESCE(e.engagement_time, 0) + COALESCE(e.wrap_up_time, 0) END`;
  const ratio = (a, b) => `${d.real(a)} / NULLIF(${b}, 0)`;
  const csatReviews = `review r
    JOIN engagement e ON e.account_id = r.account_id AND e.pid = r.engagement_pid
    JOIN question q ON q.account_id = r.account_id AND q.pid = r.question_pid
    WHERE r.account_id = $account AND (q.name = 'CSAT' OR q.external_id = 'CSAT')
      AND e.start_time >= $from AND e.start_time < $to`;
  return {
    "headline-engagements": `SELECT COUNT(*) AS v0 FROM engagement e WHERE ${W}`,
    "headline-agent-conversations": `SELECT COUNT(DISTINCT e.conversation_pid) AS v0
      FROM engagement e WHERE ${W} AND e.type = 'Agent'`,
    "headline-average-handling-time": `SELECT AVG(${handling}) AS v0 FROM engagement e WHERE ${W} AND e.type = 'Agent'`,
    "headline-service-level": `SELECT ${ratio(
      "COUNT(*) FILTER (WHERE e.service_level = 'Met')",
      "COUNT(*) FILTER (WHERE e.service_level IN ('Met', 'Missed'))",
    )} AS v0 FROM engagement e WHERE ${W}`,
    "headline-abandonment-rate": `SELECT ${ratio(
      "COUNT(*) FILTER (WHERE e.outcome_type = 'Customer Left')",
      "COUNT(*)",
    )} AS v0 FROM engagement e WHERE ${W} AND e.type = 'Queue'`,
    "headline-average-csat": `SELECT AVG(r.answer_score) AS v0 FROM ${csatReviews}`,
    "engagements-per-day-by-type": `SELECT ${d.day("e.start_time")} AS g0, e.type AS g1, COUNT(*) AS v0
      FROM engagement e WHERE ${W} GROUP BY g0, g1 ORDER BY g0, g1`,
    "engagements-by-channel-type": `SELECT e.channel_type AS g0, COUNT(*) AS v0
      FROM engagement e WHERE ${W} GROUP BY g0 ORDER BY v0 DESC, g0 LIMIT 100`,
    // The rows any of the five metrics reads: queue engagements, engagements with a service level, transfers.
    "queues-table": `SELECT e.queue_pid AS g0, q.name AS l0,
        COUNT(*) FILTER (WHERE e.type = 'Queue') AS v0,
        AVG(e.wait_time) FILTER (WHERE e.type = 'Queue') AS v1,
        ${ratio(
          "COUNT(*) FILTER (WHERE e.type = 'Queue' AND e.outcome_type = 'Customer Left')",
          "COUNT(*) FILTER (WHERE e.type = 'Queue')",
        )} AS v2,
        ${ratio(
          "COUNT(*) FILTER (WHERE e.service_level = 'Met')",
          "COUNT(*) FILTER (WHERE e.service_level IN ('Met', 'Missed'))",
        )} AS v3,
        COUNT(*) FILTER (WHERE e.type = 'Agent' AND e.outcome_type = 'Transferred') AS v4
      FROM engagement e LEFT JOIN entity q ON q.account_id = e.account_id AND q.kind = 'queue' AND q.pid = e.queue_pid
      WHERE ${W} AND (e.type = 'Queue' OR e.service_level IN ('Met', 'Missed')
        OR (e.type = 'Agent' AND e.outcome_type = 'Transferred'))
      GROUP BY e.queue_pid, q.name ORDER BY v0 DESC, g0 LIMIT 100`,
    "agents-table": `WITH a AS (
        SELECT e.agent_pid, COUNT(*) AS n, AVG(${handling}) AS aht,
          COUNT(*) FILTER (WHERE e.outcome_type = 'Transferred') AS transfers,
          COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM review r JOIN question q ON q.account_id = r.account_id AND q.pid = r.question_pid
            WHERE r.account_id = e.account_id AND r.engagement_pid = e.pid AND (q.name = 'Reviewed' OR q.external_id = 'Reviewed'))) AS reviewed
        FROM engagement e WHERE ${W} AND e.type = 'Agent' GROUP BY e.agent_pid),
      c AS (SELECT e.agent_pid, AVG(r.answer_score) AS csat FROM ${csatReviews} GROUP BY e.agent_pid)
      SELECT a.agent_pid AS g0, ag.name AS l0, a.n AS v0, a.aht AS v1, a.transfers AS v2, c.csat AS v3,
        ${ratio("a.reviewed", "a.n")} AS v4
      FROM a LEFT JOIN c ON c.agent_pid IS NOT DISTINCT FROM a.agent_pid
      LEFT JOIN agent ag ON ag.account_id = $account AND ag.pid = a.agent_pid
      ORDER BY v0 DESC, g0 LIMIT 100`,
    "wait-time-per-day": `SELECT ${d.day("e.start_time")} AS g0, AVG(e.wait_time) AS v0,
        AVG(e.wait_time) FILTER (WHERE e.outcome_type IS NULL OR e.outcome_type NOT IN ('Customer Left', 'Timed Out', 'Canceled')) AS v1
      FROM engagement e WHERE ${W} AND e.type = 'Queue' GROUP BY g0 ORDER BY g0`,
  };
}

const SQLITE = { day: (c) => `date(${c}, 'unixepoch')`, real: (x) => `${x} * 1.0` };
const DUCKDB = {
  day: (c) => `strftime(make_timestamp(${c} * 1000000), '%Y-%m-%d')`,
  real: (x) => `CAST(${x} AS DOUBLE)`,
};

/** A baseline's result rows in the shape of Brine's `rows`: groups with value and label, then values. */
function shape(rows, groupCount, valueCount) {
  const num = (v) => (typeof v === "bigint" ? Number(v) : v);
  return rows.map((row) => ({
    groups: Array.from({ length: groupCount }, (_, i) => {
      const value = num(row[`g${i}`] ?? null);
      const label = row[`l${i}`];
      return { value, label: label ?? (value === null ? null : String(value)) };
    }),
    values: Array.from({ length: valueCount }, (_, i) => num(row[`v${i}`] ?? null)),
  }));
}

const groupCount = (spec) => (spec.viewBy ? 1 : 0) + (spec.segmentBy ? 1 : 0);

function runSqlite(db, items, range, accountId) {
  const sql = queries(SQLITE);
  const params = { account: accountId, from: range.from, to: range.to };
  const out = [];
  for (const item of items) {
    const text = sql[item.id];
    if (!text) throw new Error(`no hand-written SQL for ${item.id}`);
    const statement = db.prepare(text);
    statement.all(params); // warm-up
    const times = [];
    let rows;
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      rows = statement.all(params);
      times.push(performance.now() - t);
    }
    out.push({ ms: median(times), rows: shape(rows, groupCount(item.spec), item.spec.metrics.length) });
  }
  return out;
}

/** Copies the account's rows of the tables the queries read into an in-memory DuckDB with the appender. */
async function loadDuckdb(db, accountId) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const tables = {
    engagement: {
      account_id: "VARCHAR",
      pid: "VARCHAR",
      conversation_pid: "VARCHAR",
      agent_pid: "VARCHAR",
      queue_pid: "VARCHAR",
      start_time: "BIGINT",
      type: "VARCHAR",
      channel_type: "VARCHAR",
      outcome_type: "VARCHAR",
      service_level: "VARCHAR",
      wait_time: "DOUBLE",
      preparation_time: "DOUBLE",
      engagement_time: "DOUBLE",
      wrap_up_time: "DOUBLE",
    },
    review: {
      account_id: "VARCHAR",
      pid: "VARCHAR",
      engagement_pid: "VARCHAR",
      question_pid: "VARCHAR",
      answer_score: "DOUBLE",
    },
    question: { account_id: "VARCHAR", pid: "VARCHAR", external_id: "VARCHAR", name: "VARCHAR" },
    entity: { account_id: "VARCHAR", kind: "VARCHAR", pid: "VARCHAR", name: "VARCHAR" },
    agent: { account_id: "VARCHAR", pid: "VARCHAR", name: "VARCHAR" },
  };
  const t = performance.now();
  let rows = 0;
  for (const [table, columns] of Object.entries(tables)) {
    const names = Object.keys(columns);
    await connection.run(`CREATE TABLE ${table} (${names.map((c) => `${c} ${columns[c]}`).join(", ")})`);
    const appender = await connection.createAppender(table);
    const append = names.map((c) => {
      switch (columns[c]) {
        case "BIGINT":
          return (v) => (v === null ? appender.appendNull() : appender.appendBigInt(BigInt(v)));
        case "DOUBLE":
          return (v) => (v === null ? appender.appendNull() : appender.appendDouble(v));
        default:
          return (v) => (v === null ? appender.appendNull() : appender.appendVarchar(String(v)));
      }
    });
    const select = db.prepare(`SELECT ${names.join(", ")} FROM "${table}" WHERE account_id = ?`).raw();
    for (const row of select.iterate(accountId)) {
      for (let i = 0; i < row.length; i++) append[i](row[i]);
      appender.endRow();
      rows++;
    }
    appender.closeSync();
  }
  const settings = (
    await connection.runAndReadAll("SELECT version() AS v, current_setting('threads') AS t")
  ).getRowObjectsJS()[0];
  return {
    connection,
    rows,
    seconds: (performance.now() - t) / 1000,
    version: settings.v,
    threads: Number(settings.t),
  };
}

async function runDuckdb(connection, items, range, accountId) {
  const sql = queries(DUCKDB);
  const out = [];
  for (const item of items) {
    const text = sql[item.id];
    const statement = await connection.prepare(text);
    statement.bind({ account: accountId, from: range.from, to: range.to });
    await statement.runAndReadAll(); // warm-up
    const times = [];
    let rows;
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      rows = (await statement.runAndReadAll()).getRowObjectsJS();
      times.push(performance.now() - t);
    }
    out.push({ ms: median(times), rows: shape(rows, groupCount(item.spec), item.spec.metrics.length) });
  }
  return out;
}

// ───────────── Brine's own code, in Node ─────────────

/**
 * Brine's Ingest API line validation and upsert (workers/ingest/format.ts, writer.ts) and its
 * metric compiler, bundled with esbuild (wrangler's), so this script can load rows exactly as the
 * pipeline writes them and run the SQL the Worker would.
 */
async function loadBrineCode() {
  const { build } = await import("esbuild");
  const root = resolve(import.meta.dirname, "..");
  const result = await build({
    stdin: {
      contents: `export { classifyFile, ENTITY_DATASET, validateLine } from "./workers/ingest/format.ts";
        export { upsertLine } from "./workers/ingest/writer.ts";
        export { compileMetrics } from "./workers/analytics/metric-compiler.ts";
        export { BUILTIN_METRICS, builtinMetricDefinitions } from "./workers/analytics/builtin-metrics.ts";`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
    plugins: [memoizedUuid],
  });
  const path = join(work, "brine-code.mjs");
  writeFileSync(path, result.outputFiles[0].text);
  return import(path);
}

/**
 * `uuid` with v5 memoized for everything but engagements: an engagement line derives a dozen PIDs
 * (agent, queue, team, channel, conversation…), nearly all seen before. Same library, same PIDs.
 */
const memoizedUuid = {
  name: "memoized-uuid",
  setup(build) {
    build.onResolve({ filter: /^uuid$/ }, (args) =>
      args.namespace === "memoized-uuid" ? undefined : { path: "uuid", namespace: "memoized-uuid" },
    );
    build.onLoad({ filter: /.*/, namespace: "memoized-uuid" }, () => ({
      resolveDir: resolve(import.meta.dirname, ".."),
      contents: `import { v4, v5 as uncached } from "uuid";
        const cache = new Map();
        export { v4 };
        export function v5(name, namespace) {
          if (name.includes('"engagement"')) return uncached(name, namespace);
          let pid = cache.get(name);
          if (pid === undefined) {
            pid = uncached(name, namespace);
            cache.set(name, pid);
          }
          return pid;
        }`,
    }));
  },
};

/**
 * Writes Ingest API lines straight into the D1 file (the app stopped): each line goes through
 * the pipeline's own validateLine and upsertLine, and the statement upsertLine builds for D1 (the
 * same SQL, the same values, PIDs derived the same way) is run by better-sqlite3 instead. Only the
 * transport differs: no ZIP, queue, batches of D1 statements, checkpoints or Technical Log.
 */
function directWriter(db, code, accountId, sourceId) {
  const d1 = { prepare: (sql) => ({ bind: (...args) => ({ sql, args }) }) };
  const prepared = new Map();
  const targets = new Map();
  return (file, record) => {
    let target = targets.get(file);
    if (!target) {
      const t = code.classifyFile(file);
      target = t.kind === "dataset" ? { kind: "dataset", dataset: t.dataset } : { kind: "entity", entity: t.entity };
      targets.set(file, target);
    }
    const shape = target.kind === "dataset" ? target.dataset : code.ENTITY_DATASET;
    const result = code.validateLine(shape, record, sourceId);
    if (!result.ok || result.line.findings.length > 0) {
      throw new Error(`${file}: ${JSON.stringify(result.ok ? result.line.findings : result.findings)}`);
    }
    const statement = code.upsertLine(d1, accountId, target, result.line);
    if (!statement.sql) throw new Error(`${file}: ${JSON.stringify(statement)}`);
    let run = prepared.get(statement.sql);
    if (!run) {
      run = db.prepare(statement.sql);
      prepared.set(statement.sql, run);
    }
    run.run(...statement.args);
  };
}

const DATA_TABLES = ["entity", "agent", "question", "answer", "reviewer", "engagement", "review"];

/** A hash of every data row of the account (all columns but updated_at), to show that re-writing lines changes nothing. */
function checksum(db, accountId) {
  const hash = createHash("sha1");
  let rows = 0;
  for (const table of DATA_TABLES) {
    const columns = db
      .prepare("SELECT name FROM pragma_table_info(?)")
      .all(table)
      .map((c) => c.name)
      .filter((c) => c !== "updated_at");
    const select = db
      .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "${table}" WHERE account_id = ? ORDER BY pid`)
      .raw();
    for (const row of select.iterate(accountId)) {
      hash.update(`${table}${JSON.stringify(row)}\n`);
      rows++;
    }
  }
  return { hash: hash.digest("hex"), rows };
}

/** Each item's statement as Brine compiles it for the dashboard's date filter (all its metrics in one). */
function compiledStatements(compiler, item, range, accountId) {
  const metrics = compiler.builtinMetricDefinitions();
  const by = [item.spec.viewBy, item.spec.segmentBy].filter(Boolean);
  const chosen = item.spec.metrics.map((id) => compiler.BUILTIN_METRICS.find((m) => m.id === id));
  const compiled = compiler.compileMetrics(chosen, {
    accountId,
    metrics,
    filters: [{ attribute: "Date", from: day(range.from), to: day(range.to) }],
    by,
  });
  return [{ ...compiled, metric: chosen.map((m) => m.name).join(", ") }];
}

function runCompiledSqlite(db, compiler, items, range, accountId) {
  return items.map((item) => {
    const statements = compiledStatements(compiler, item, range, accountId).map((c) => {
      // D1 takes ?1, ?2, … positionally; better-sqlite3 wants exactly the parameters the SQL uses,
      // so they become named ones (a parameter the compiler allocated but did not use is dropped).
      const sql = c.sql.replace(/\?(\d+)/g, "@p$1");
      const params = Object.fromEntries(
        c.params.map((v, i) => [`p${i + 1}`, v]).filter(([k]) => new RegExp(`@${k}\\b`).test(sql)),
      );
      return { statement: db.prepare(sql), params, sql };
    });
    const once = () => {
      const t = performance.now();
      for (const s of statements) s.statement.all(s.params);
      return performance.now() - t;
    };
    once();
    const times = Array.from({ length: FEWER_RUNS }, once);
    return { ms: median(times), statements };
  });
}

// ───────────── checking ─────────────

function same(a, b) {
  if (a === null || b === null) return a === b;
  if (typeof a !== "number" || typeof b !== "number") return a === b;
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Differences between Brine's rows and a baseline's, group by group (at most a few per item). */
function compare(brine, baseline, item) {
  const problems = [];
  const key = (row) => JSON.stringify(row.groups.map((g) => g.value));
  const theirs = new Map(baseline.map((row) => [key(row), row]));
  const ours = new Map(brine.map((row) => [key(row), row]));
  for (const [k, row] of ours) {
    const other = theirs.get(k);
    if (!other) {
      problems.push(`group ${k} only in Brine (${JSON.stringify(row.values)})`);
      continue;
    }
    row.groups.forEach((g, i) => {
      if (g.label !== other.groups[i].label)
        problems.push(`group ${k}: label "${g.label}" vs "${other.groups[i].label}"`);
    });
    row.values.forEach((v, i) => {
      if (!same(v, other.values[i])) {
        const metric = item.metricNames[i];
        problems.push(`group ${k}, ${metric}: Brine ${v}, baseline ${other.values[i]}`);
      }
    });
  }
  for (const [k, row] of theirs) {
    if (!ours.has(k)) problems.push(`group ${k} missing in Brine (baseline ${JSON.stringify(row.values)})`);
  }
  return problems;
}

// ───────────── the run ─────────────

const code = await loadBrineCode();
const data = makeData();
const stateDir = join(work, "state");

// 1. A sample through the Ingest API: the small files and the first conversations.
const sample = { engagements: [], reviews: [] };
while (sample.engagements.length < SAMPLE) {
  const next = data.conversations.next();
  if (next.done) break;
  sample.engagements.push(...next.value.engagements);
  sample.reviews.push(...next.value.reviews);
}
const sampleFiles = [...data.small, ["engagement.jsonl", sample.engagements], ["review.jsonl", sample.reviews]];
const zip = await writeZip(join(work, "sample.zip"), sampleFiles);
log(
  `ingesting a sample through the Ingest API: ${fmt(zip.records)} records (${fmt(sample.engagements.length)} engagements), ZIP ${mb(zip.size)}`,
);
let brine = await startBrine(stateDir, { BRINE_SKIP_BUILD: "1" });
const { accountId, ingestionSourceId } = brine.demo;
let ingestSeconds;
try {
  const t = performance.now();
  const batch = await ingestZip({
    url: brine.demo.url,
    key: brine.demo.apiKey,
    sourceId: ingestionSourceId,
    path: zip.path,
    size: zip.size,
    pollMs: 250,
  });
  ingestSeconds = (performance.now() - t) / 1000;
  if (batch.status !== "COMPLETED" || batch.loaded !== zip.records) {
    throw new Error(
      `ingest ended ${batch.status} with ${batch.loaded}/${zip.records} loaded, ${batch.rejected} rejected`,
    );
  }
  log(`  COMPLETED in ${secs(ingestSeconds)} (${fmt(zip.records / ingestSeconds)} records/s)`);
} finally {
  await brine.stop();
}

// 2. The rest straight into the D1 file, through the pipeline's own validation and upsert
//    statements. The sample goes through that path again first: it must change no row.
const d1 = d1File(stateDir);
let load;
{
  const db = new Database(d1);
  // A large cache for this connection only: the five indexes of engagement take random UUID keys.
  db.pragma("cache_size = -2000000");
  const write = directWriter(db, code, accountId, ingestionSourceId);
  const before = checksum(db, accountId);
  db.transaction(() => {
    for (const [file, lines] of sampleFiles) for (const line of lines) write(file, line);
  })();
  const after = checksum(db, accountId);
  if (after.hash !== before.hash || after.rows !== before.rows) {
    throw new Error(
      `the direct path wrote the sample differently from the Ingest API (${before.rows} rows ${before.hash}, then ${after.rows} rows ${after.hash})`,
    );
  }
  log(`  the same ${fmt(before.rows)} rows when written directly (checksum ${before.hash.slice(0, 12)})`);
  const t = performance.now();
  let engagements = 0;
  let reviews = 0;
  db.transaction(() => {
    for (const { engagements: e, reviews: r } of data.conversations) {
      for (const line of e) write("engagement.jsonl", line);
      for (const line of r) write("review.jsonl", line);
      engagements += e.length;
      reviews += r.length;
      if (engagements % 100_000 < e.length)
        log(`  direct: ${fmt(engagements + sample.engagements.length)} engagements`);
    }
  })();
  // What the pipeline runs after each batch (workers/ingest/pipeline.ts, refreshStatistics).
  db.exec("PRAGMA optimize");
  db.close();
  load = { engagements, reviews, seconds: (performance.now() - t) / 1000 };
  log(
    `direct: ${fmt(engagements)} engagements and ${fmt(reviews)} reviews in ${secs(load.seconds)} (${fmt((engagements + reviews) / load.seconds)} records/s)`,
  );
}

// 3. Brine on those rows.
const measured = {};
let items;
brine = await startBrine(stateDir, { BRINE_SKIP_BUILD: "1" });
try {
  const session = await signIn(brine.demo.url, brine.demo);
  items = await overviewItems(session);
  log(`overview: ${items.length} items with numbers`);
  for (const range of RANGES) {
    measured[range.key] = {
      load: loadavg()[0],
      brine: await measureBrine(session, items, range, range === RANGES[0]),
    };
  }
  items.forEach((item, i) => {
    item.metricNames = measured["90d"].brine.data[i].columns.filter((c) => c.kind === "metric").map((c) => c.label);
  });
} finally {
  await brine.stop();
}

const copy = join(work, "copy.sqlite");
copyFileSync(d1, copy);
for (const suffix of ["-wal", "-shm"]) if (existsSync(d1 + suffix)) copyFileSync(d1 + suffix, copy + suffix);
const db = new Database(copy, { readonly: true });
const inRange = (range) =>
  db
    .prepare("SELECT COUNT(*) AS n FROM engagement WHERE account_id = ? AND start_time >= ? AND start_time < ?")
    .get(accountId, range.from, range.to).n;
const totalRows = db.prepare("SELECT COUNT(*) AS n FROM engagement WHERE account_id = ?").get(accountId).n;
const reviewRows = db.prepare("SELECT COUNT(*) AS n FROM review WHERE account_id = ?").get(accountId).n;
const conversationRows = db
  .prepare("SELECT COUNT(DISTINCT conversation_pid) AS n FROM engagement WHERE account_id = ?")
  .get(accountId).n;

log("better-sqlite3 on a copy of the D1 file…");
for (const range of RANGES) {
  measured[range.key].rows = inRange(range);
  measured[range.key].sqlite = runSqlite(db, items, range, accountId);
  log(`  ${range.label}: ${ms(measured[range.key].sqlite.reduce((s, x) => s + x.ms, 0))} ms in all`);
}
log("DuckDB…");
const duck = await loadDuckdb(db, accountId);
log(`  loaded ${fmt(duck.rows)} rows in ${secs(duck.seconds)}`);
for (const range of RANGES) {
  measured[range.key].duckdb = await runDuckdb(duck.connection, items, range, accountId);
  log(`  ${range.label}: ${ms(measured[range.key].duckdb.reduce((s, x) => s + x.ms, 0))} ms in all`);
}
duck.connection.closeSync();

log("Brine's compiled SQL in better-sqlite3…");
for (const range of RANGES) {
  measured[range.key].compiled = runCompiledSqlite(db, code, items, range, accountId);
  log(`  ${range.label}: ${ms(measured[range.key].compiled.reduce((s, x) => s + x.ms, 0))} ms in all`);
}

// Correctness: Brine's numbers against both baselines, item by item and group by group.
const problems = [];
for (const range of RANGES) {
  const m = measured[range.key];
  items.forEach((item, i) => {
    for (const [name, baseline] of [
      ["better-sqlite3", m.sqlite[i].rows],
      ["DuckDB", m.duckdb[i].rows],
    ]) {
      const found = compare(m.brine.data[i].rows, baseline, item);
      for (const p of found.slice(0, 5)) problems.push(`${range.label}, ${item.id} vs ${name}: ${p}`);
      if (found.length > 5) problems.push(`${range.label}, ${item.id} vs ${name}: … and ${found.length - 5} more`);
    }
  });
}

// Query plans: the hand-written SQL and Brine's, for Brine's slowest item over the 90 days.
const full = measured["90d"];
const slowestIndex = full.brine.alone.indexOf(Math.max(...full.brine.alone));
const slowestItem = items[slowestIndex];
const plan = (sql, params) =>
  db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(params)
    .map((row) => `${"  ".repeat(Math.max(0, depthOf(row)))}${row.detail}`);
const depths = new Map();
function depthOf(row) {
  const depth = row.parent === 0 ? 0 : (depths.get(row.parent) ?? 0) + 1;
  depths.set(row.id, depth);
  return depth;
}
/** How many times a plan reads engagements by date: searches of engagement_start and full scans of the table. */
const scans = (lines) => lines.filter((l) => /engagement_start|SCAN (e|t\d+)\b/.test(l)).length;
const handPlan = plan(queries(SQLITE)[slowestItem.id], { account: accountId, from: FROM, to: TO });
depths.clear();
const brinePlans = full.compiled
  ? full.compiled[slowestIndex].statements.map((s, i) => {
      depths.clear();
      return {
        metric: i === 0 ? slowestItem.metricNames.join(", ") : `statement ${i + 1}`,
        lines: plan(s.sql, s.params),
      };
    })
  : [];
db.close();
const totalSeconds = (performance.now() - started) / 1000;

// ───────────── the report ─────────────

const sum = (list) => list.reduce((s, x) => s + x.ms, 0);
const lines = [
  "## Overview dashboard: Brine against hand-written SQL in better-sqlite3 and DuckDB",
  "",
  runLine(),
  "",
  "Reproduce: `node bench/dashboard.mjs` (or `npm run bench` for every benchmark; `BENCH_SCALE=0.05`",
  "for a quick run). Leave workers/, schemas/, package.json and dist/ alone meanwhile: wrangler dev",
  `reloads on any change. The whole run took ${secs(totalSeconds)}.`,
  "",
  `Data: ${fmt(totalRows)} engagements of ${fmt(conversationRows)} conversations over ${DAYS} days (${day(FROM)} to ${day(TO - DAY)}, busier on weekdays`,
  "and in business hours): bots on chat and messaging, queues (some abandoned or timed out), invitations",
  "(missed, rejected, revoked, accepted), agent engagements with handling times, outcomes and transfers, outbound calls",
  `and internal consultations; ${AGENT_COUNT} agents in ${TEAMS.length} teams, ${QUEUES.length} queues, ${Object.values(CHANNELS).flat().length} channels of 4 channel types; ${fmt(reviewRows)} reviews`,
  `(a CSAT answer on ${CSAT_SHARE * 100} % of answered conversations, the Reviewed tag on ${REVIEWED_SHARE * 100} % of agent engagements).`,
  "Generated with a seeded RNG, so every run loads the same rows.",
  "",
  `Loading: the Ingest API took a sample, ${fmt(zip.records)} records (entities, agents, questions and the first`,
  `${fmt(sample.engagements.length)} engagements with their reviews) in ${secs(ingestSeconds)}, ${fmt(zip.records / ingestSeconds)} records/s, so all ${fmt(ENGAGEMENTS)} engagements`,
  `and their reviews would take about ${((ENGAGEMENTS + reviewRows) / (zip.records / ingestSeconds) / 60).toFixed(1)} minutes that way. The other ${fmt(load.engagements)} engagements and ${fmt(load.reviews)} reviews were written`,
  "straight into the D1 file with the app stopped: each line through the pipeline's own `validateLine` and",
  "`upsertLine` (the same statements and values, PIDs derived the same way), run by better-sqlite3 in one",
  `transaction (${secs(load.seconds)}). Written again that way, the sample left every row exactly as the API had written it`,
  `(a hash of all columns but \`updated_at\`). D1 file after loading: ${mb(statSync(copy).size)}.`,
  "",
  "- **Brine**: the Overview dashboard as the browser loads it: each of its items that shows numbers is one",
  "  `POST /api/v1/visualizations/data` with the dashboard's date filter (signed in with a session cookie), all",
  "  sent at once; the dashboard time is the wall time until the last one answers (one warm-up load, then",
  `  the median of ${RUNS} loads per date range). "Alone" is each item by itself (median of ${FEWER_RUNS}). The Worker`,
  "  compiles each item's metrics to one statement and runs it on local D1 (workerd + miniflare's SQLite).",
  "- **SQLite**: with the app stopped, better-sqlite3 runs a hand-written query per item (the plainest SQL",
  "  that gives the same numbers: conditional counts and averages over `engagement`, the reviews joined",
  "  for CSAT) on a copy of the same D1 file, same indexes, default settings; one item after the other,",
  `  each the median of ${RUNS} after a warm-up. The dashboard figure is their sum.`,
  `- **DuckDB**: @duckdb/node-api ${duck.version}, in memory, ${duck.threads} threads, the same queries in DuckDB's SQL over the same rows,`,
  `  copied from the D1 file with the appender beforehand (${fmt(duck.rows)} rows of the columns the queries read, ${secs(duck.seconds)}, not counted).`,
  ...(full.compiled
    ? [
        "- **Brine SQL**: the statement Brine's metric compiler produces for each item (all its metrics in one), run",
        `  in better-sqlite3 on the same copy (median of ${FEWER_RUNS}): what Brine's SQL costs without the Worker, D1 and HTTP.`,
      ]
    : []),
  "",
  "The aim is Brine at 1.2× SQLite or better on raw rows.",
  "",
];
for (const range of RANGES) {
  const m = measured[range.key];
  const sqliteSum = sum(m.sqlite);
  const duckSum = sum(m.duckdb);
  const aloneSum = m.brine.alone.reduce((s, x) => s + x, 0);
  const compiledSum = m.compiled ? sum(m.compiled) : null;
  const slowAlone = m.brine.alone.indexOf(Math.max(...m.brine.alone));
  const first = Math.min(...m.brine.inDashboard);
  lines.push(
    `### Date filter: ${range.label} (${fmt(m.rows)} engagements)`,
    "",
    `Load average (1 min) before Brine's runs: ${m.load.toFixed(2)}.`,
    "",
    `| | ms | Brine ÷ SQLite | Brine ÷ DuckDB |`,
    "|---|---|---|---|",
    `| **Brine, whole dashboard** (${items.length} requests at once, median) | ${ms(m.brine.wall)} | **${ratio(m.brine.wall, sqliteSum)}** | **${ratio(m.brine.wall, duckSum)}** |`,
    `| Brine, the items one at a time (sum of medians) | ${ms(aloneSum)} | ${ratio(aloneSum, sqliteSum)} | ${ratio(aloneSum, duckSum)} |`,
    ...(compiledSum === null
      ? []
      : [
          `| Brine's SQL in better-sqlite3 (sum) | ${ms(compiledSum)} | ${ratio(compiledSum, sqliteSum)} | ${ratio(compiledSum, duckSum)} |`,
        ]),
    `| SQLite, hand-written (sum) | ${ms(sqliteSum)} | | |`,
    `| DuckDB, hand-written (sum) | ${ms(duckSum)} | | |`,
    "",
    `Dashboard loads: ${m.brine.walls.map(ms).join(", ")} ms. The slowest single item is \`${items[slowAlone].id}\`: ${ms(m.brine.alone[slowAlone])} ms alone.`,
    `While the dashboard loads, the first item answers after ${ms(first)} ms (median) and the last after ${ms(Math.max(...m.brine.inDashboard))};`,
    "each request's D1 statements wait their turn at the one database behind the other requests', so most items answer",
    `near the end (the last answer of each load: ${m.brine.slowest.map((x) => `${x.item} ${ms(x.ms)}`).join("; ")}).`,
    "",
    `| item | metrics | Brine alone ms | Brine in the dashboard ms | ${compiledSum === null ? "" : "Brine SQL ms | "}SQLite ms | DuckDB ms | Brine ÷ SQLite | Brine ÷ DuckDB |`,
    `|---|---|---|---|${compiledSum === null ? "" : "---|"}---|---|---|---|`,
  );
  items.forEach((item, i) => {
    const alone = m.brine.alone[i];
    lines.push(
      `| \`${item.id}\` | ${item.spec.metrics.length} | ${ms(alone)} | ${ms(m.brine.inDashboard[i])} | ${compiledSum === null ? "" : `${ms(m.compiled[i].ms)} | `}${ms(m.sqlite[i].ms)} | ${ms(m.duckdb[i].ms)} | ${ratio(alone, m.sqlite[i].ms)} | ${ratio(alone, m.duckdb[i].ms)} |`,
    );
  });
  lines.push("");
}
lines.push(
  "### Same numbers?",
  "",
  problems.length === 0
    ? `Yes: for both date ranges, every group and every value of every item is the same in Brine, better-sqlite3 and DuckDB (counts exactly, fractions within ${TOLERANCE} relative; the labels of queues and agents too).`
    : `**No.** ${problems.length} differences (Brine against the baselines):`,
  ...(problems.length === 0 ? [] : ["", ...problems.map((p) => `- ${p}`)]),
  "",
  `### Query plans for the slowest item, \`${slowestItem.id}\``,
  "",
  `\`EXPLAIN QUERY PLAN\` on the copy of the D1 file, with the 90-day filter. The hand-written query reads the date range of`,
  `\`engagement\` ${scans(handPlan)} time(s); Brine's statement reads it ${brinePlans.reduce((n, p) => n + scans(p.lines), 0)} time(s), once per`,
  "pass (the aggregates over the same rows and groups share one). `engagement_start` holds only the account, start time",
  "and PID, so each read that needs another column fetches every row of the range from the table by its rowid. The",
  "hand-written query:",
  "",
  "```",
  ...handPlan,
  "```",
  "",
);
if (brinePlans.length > 0) {
  lines.push("Brine's statement:", "");
  for (const p of brinePlans) lines.push(`${p.metric}:`, "", "```", ...p.lines, "```", "");
}

writeSection("dashboard", lines);
console.log(lines.join("\n"));
if (problems.length > 0) {
  log(`\n${problems.length} differences between Brine and the baselines:`);
  for (const p of problems) log(`  ${p}`);
  process.exit(1);
}

/** The D1 database file of the local state (miniflare keeps D1 as SQLite under v3/d1). */
function d1File(dir) {
  const folder = join(dir, "state", "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".sqlite"))
    .map((f) => join(folder, f));
  files.sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no D1 SQLite file in ${folder}`);
  return files[0];
}
