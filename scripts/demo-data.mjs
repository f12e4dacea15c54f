// Builds the demo account's data as Ingest API ZIPs: 90 days of a clothing retailer's
// contact center on chat, e-mail and voice from two sources, with queues, teams, agents,
// invitations, transfers, CSAT reviews, activity, and transcripts from the real ABCD chats.
// Deterministic: the same anchor day and seed always give byte-identical ZIPs.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { strToU8, zipSync } from "fflate";
import { rng } from "./lib/rng.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DAY = 86_400;

/** Picks from `[…, weight]` rows in proportion to their weights. */
function weighted(r, rows) {
  let x = r.next();
  for (const row of rows) {
    x -= row[3];
    if (x <= 0) return row;
  }
  return rows[0];
}

const iso = (seconds) => new Date(Math.round(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const QUEUES = [
  ["Q-ORD", "Orders"],
  ["Q-RET", "Returns & Refunds"],
  ["Q-ACC", "Account Help"],
  ["Q-SHP", "Shipping"],
  ["Q-TEC", "Website Support"],
  ["Q-VIP", "Gold Members"],
];
/** ABCD flows → the queue that handles them. */
const FLOW_QUEUE = {
  product_defect: "Q-RET",
  purchase_dispute: "Q-RET",
  storewide_query: "Q-ORD",
  single_item_query: "Q-ORD",
  order_issue: "Q-ORD",
  account_access: "Q-ACC",
  subscription_inquiry: "Q-ACC",
  shipping_issue: "Q-SHP",
  troubleshoot_site: "Q-TEC",
};
const TEAMS = [
  ["T-NORTH", "Team North"],
  ["T-SOUTH", "Team South"],
  ["T-EAST", "Team East"],
  ["T-WEST", "Team West"],
];
const DEPARTMENTS = [
  ["D-CARE", "Customer Care"],
  ["D-ORDERS", "Order Management"],
];
const LOCATIONS = ["Prague", "Lisbon", "Austin"];
const OUTCOMES = [
  ["O-RESOLVED", "Resolved", "OC-DONE", 0.46],
  ["O-REFUND", "Refund Issued", "OC-DONE", 0.14],
  ["O-REPLACE", "Replacement Sent", "OC-DONE", 0.1],
  ["O-INFO", "Information Provided", "OC-DONE", 0.12],
  ["O-CALLBACK", "Callback Scheduled", "OC-FOLLOW", 0.08],
  ["O-ESCALATED", "Escalated", "OC-FOLLOW", 0.06],
  ["O-UNRESOLVED", "Not Resolved", "OC-FAIL", 0.04],
];
const OUTCOME_CATEGORIES = [
  ["OC-DONE", "Done"],
  ["OC-FOLLOW", "Needs Follow-up"],
  ["OC-FAIL", "Failed"],
];
const CHANNELS = {
  CHAT: ["CH-CHAT", "Web Chat", "S1"],
  VOICE: ["CH-PHONE", "Support Line", "S1"],
  EMAIL: ["CH-MAIL", "Help Desk E-mail", "S2"],
};
const FIRST = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Filip", "Grace", "Hugo", "Ines", "Jakub", "Kira", "Leo"];
const LAST = ["Novak", "Silva", "Carter", "Horvat", "Meyer", "Costa", "Ward", "Kral", "Lopez", "Berg"];

function loadAbcd() {
  return readFileSync(join(root, "data/abcd/conversations.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * Two ZIPs for the demo account: S1 (chat and voice, a Flex-like platform) and S2 (e-mail
 * help desk). `anchor` is the Unix second the 90 days end at (start of the day of first start).
 */
export function buildDemoZips({ anchor, seed = 20261121, days = 90, conversations = 5_600 } = {}) {
  const r = rng(seed);
  const abcd = loadAbcd();
  const files = { S1: {}, S2: {} };
  const add = (source, name, record) => {
    const file = files[source];
    file[name] ??= [];
    file[name].push(JSON.stringify(record));
  };
  const start = anchor - days * DAY;

  for (const source of ["S1", "S2"]) {
    for (const [externalId, name] of QUEUES) add(source, "engagement_queue.jsonl", { externalId, name });
    for (const [externalId, name] of TEAMS) {
      add(source, "engagement_engaged_team.jsonl", { externalId, name });
      add(source, "agent_team.jsonl", { externalId, name });
    }
    for (const [externalId, name] of DEPARTMENTS) {
      add(source, "engagement_engaged_department.jsonl", { externalId, name });
      add(source, "agent_department.jsonl", { externalId, name });
    }
    for (const [externalId, name] of OUTCOMES) add(source, "engagement_outcome.jsonl", { externalId, name });
    for (const [externalId, name] of OUTCOME_CATEGORIES) {
      add(source, "engagement_outcome_category.jsonl", { externalId, name });
    }
  }
  for (const [externalId, name, source] of Object.values(CHANNELS)) {
    add(source, "engagement_channel.jsonl", { externalId, name });
  }

  // Agents work in both systems under the same ids; managers lead each team.
  const agents = [];
  for (let i = 0; i < 28; i++) {
    const team = TEAMS[i % TEAMS.length];
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    agents.push({
      externalId: `AG-${String(i + 1).padStart(3, "0")}`,
      name,
      team: team[0],
      department: i % 3 === 2 ? "D-ORDERS" : "D-CARE",
      location: LOCATIONS[i % LOCATIONS.length],
      manager: `${FIRST[(i % TEAMS.length) + 8]} ${LAST[i % TEAMS.length]}`,
      hourlyCost: round(18 + r.next() * 14, 2),
      skill: 0.7 + r.next() * 0.6,
      status: i === 27 ? "Inactive" : "Active",
    });
  }
  for (const source of ["S1", "S2"]) {
    for (const a of agents) {
      add(source, "agent.jsonl", {
        externalId: a.externalId,
        name: a.name,
        email: `${a.name.toLowerCase().replace(" ", ".")}@demo-retail.example`,
        status: a.status,
        type: "Human",
        hourlyCost: a.hourlyCost,
        engagementCost: round(a.hourlyCost / 10, 2),
        teamExternalId: a.team,
        departmentExternalId: a.department,
        location: a.location,
        organization: "Demo Retail",
        role: "Agent",
        manager: a.manager,
      });
    }
  }
  const activeAgents = agents.filter((a) => a.status === "Active");

  // CSAT: one question, five answers, answered by the customer survey.
  add("S1", "question.jsonl", {
    externalId: "CSAT",
    name: "How satisfied were you with our support?",
    type: "Scale",
    answerType: "Number",
    worstScore: 1,
    bestScore: 5,
  });
  for (let score = 1; score <= 5; score++) {
    add("S1", "answer.jsonl", {
      externalId: `CSAT-${score}`,
      questionExternalId: "CSAT",
      name: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"][score - 1],
      score,
      position: score,
    });
  }
  add("S1", "reviewer.jsonl", { externalId: "SURVEY", name: "Post-contact survey", type: "Customer" });

  // Customers: each has an e-mail and a phone; both sources know them by their own ids, and
  // the shared contacts join their chats, calls and e-mails into one journey.
  const customers = [];
  const customerCount = Math.round(conversations * 0.55);
  for (let i = 0; i < customerCount; i++) {
    const seedConvo = abcd[i % abcd.length].scenario.personal;
    const [first = "alex", last = "doe"] = seedConvo.customer_name.split(" ");
    const suffix = i < abcd.length ? "" : String(i);
    const email = `${first}.${last}${suffix}@mail.example`;
    const phone = `+1${String(2_025_550_000 + i * 7919).slice(-10)}`;
    customers.push({
      key: `CU-${String(i + 1).padStart(5, "0")}`,
      name: `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}${suffix ? ` ${suffix}` : ""}`,
      email,
      phone,
      level: seedConvo.member_level ?? "guest",
      country: r.pick(["US", "US", "US", "CA", "GB", "DE", "CZ"]),
      seen: { S1: false, S2: false },
    });
  }
  const ensureCustomer = (source, c) => {
    if (c.seen[source]) return;
    c.seen[source] = true;
    add(source, "customer.jsonl", {
      externalId: `${source}-${c.key}`,
      name: c.name,
      type: "Customer",
      segment: c.level === "gold" ? "Gold" : c.level === "silver" ? "Silver" : "Standard",
      category: c.level,
      country: c.country,
      region: c.country === "US" || c.country === "CA" ? "North America" : "Europe",
    });
    add(source, "customer_contact.jsonl", {
      contact: c.email,
      type: "Email",
      customerExternalId: `${source}-${c.key}`,
    });
    add(source, "customer_contact.jsonl", {
      contact: c.phone,
      type: "Phone",
      customerExternalId: `${source}-${c.key}`,
    });
  };

  let engagementSeq = 0;
  let turnSeq = 0;
  const nextEngagement = (source) => `${source}-E${String(++engagementSeq).padStart(6, "0")}`;

  for (let n = 0; n < conversations; n++) {
    // Time: weekdays busier, business hours in the customer's day.
    let day;
    do day = r.int(0, days - 1);
    while ([0, 6].includes(new Date((start + day * DAY) * 1000).getUTCDay()) && r.chance(0.55));
    const hour = Math.min(21, Math.max(7, Math.round(13 + (r.next() + r.next() + r.next() - 1.5) * 6)));
    const convStart = start + day * DAY + hour * 3600 + r.int(0, 3599);
    if (convStart >= anchor) continue;

    const channelType = r.next() < 0.5 ? "CHAT" : r.next() < 0.6 ? "VOICE" : "EMAIL";
    const [channelId, , source] = CHANNELS[channelType];
    // Repeat contacts: a third of conversations come from a customer seen recently.
    const customer =
      n > 200 && r.chance(0.33)
        ? customers[r.int(0, Math.min(customers.length - 1, n / 2))]
        : customers[n % customers.length];
    ensureCustomer(source, customer);
    const transcript = abcd[(n * 31 + day) % abcd.length];
    const queue = customer.level === "gold" && r.chance(0.5) ? "Q-VIP" : (FLOW_QUEUE[transcript.flow] ?? "Q-ORD");
    const conversationExternalId = `${source}-CONV-${String(n + 1).padStart(6, "0")}`;
    const common = {
      customerExternalId: `${source}-${customer.key}`,
      conversationExternalId,
      conversationStartTime: iso(convStart),
      channelType,
      channelExternalId: channelId,
      direction: channelType === "VOICE" && r.chance(0.08) ? "Outbound" : "Inbound",
      platform: source === "S1" ? "Flex" : "Help Desk",
      channelVendor: source === "S1" ? "Twilio" : "Demo Mail",
      language: "en",
      brand: "Demo Retail",
      reason: transcript.flow.replaceAll("_", " "),
      reasonCategory: transcript.subflow.replaceAll("_", " "),
      topic: transcript.subflow.replaceAll("_", " "),
    };
    const waitTarget = channelType === "EMAIL" ? 4 * 3600 : 30;
    let t = convStart;
    let hops = r.chance(0.08) ? 2 : 1;
    let currentQueue = queue;
    let order = 0;
    const agentEngagements = [];
    while (hops-- > 0) {
      const wait =
        channelType === "EMAIL" ? r.around(2.5 * 3600, 0.8) : r.around(channelType === "VOICE" ? 38 : 24, 0.9);
      const abandoned = channelType !== "EMAIL" && order === 0 && r.chance(wait > 90 ? 0.35 : 0.04);
      const queueEnd = t + (abandoned ? wait * 0.7 : wait);
      const outcomeType = abandoned ? "Customer Left" : "Accepted";
      add(source, "engagement.jsonl", {
        externalId: nextEngagement(source),
        ...common,
        type: "Queue",
        status: "Completed",
        startTime: iso(t),
        endTime: iso(queueEnd),
        queueExternalId: currentQueue,
        outcomeType,
        initiatedBy: "Customer",
        terminatedBy: abandoned ? "Customer" : "System",
        waitTime: round(queueEnd - t),
        totalTime: round(queueEnd - t),
        serviceLevel: abandoned && queueEnd - t < 5 ? "Ignore" : queueEnd - t <= waitTarget ? "Met" : "Missed",
      });
      if (abandoned) break;
      const waited = queueEnd - t;
      t = queueEnd;
      // Some invitations are missed or rejected before an agent accepts.
      let agent = r.pick(activeAgents);
      if (r.chance(0.11)) {
        const invitation = r.next() < 0.6 ? "Missed" : r.next() < 0.7 ? "Rejected" : "Revoked";
        const invitationTime = invitation === "Missed" ? 30 : r.around(8, 0.5);
        add(source, "engagement.jsonl", {
          externalId: nextEngagement(source),
          ...common,
          type: "Invitation",
          status: "Completed",
          startTime: iso(t - invitationTime),
          endTime: iso(t),
          agentExternalId: agent.externalId,
          queueExternalId: currentQueue,
          teamExternalId: agent.team,
          departmentExternalId: agent.department,
          agentLocation: agent.location,
          outcomeType: invitation,
          invitationTime: round(invitationTime),
        });
        agent = r.pick(activeAgents.filter((a) => a !== agent));
      }
      const handle =
        (channelType === "VOICE"
          ? r.around(360, 0.6)
          : channelType === "CHAT"
            ? r.around(540, 0.6)
            : r.around(420, 0.7)) / agent.skill;
      const hold = channelType === "VOICE" && r.chance(0.3) ? r.around(45, 0.6) : 0;
      const wrapUp = r.around(channelType === "EMAIL" ? 60 : 35, 0.5);
      const prep = channelType === "EMAIL" ? r.around(20, 0.4) : r.around(4, 0.4);
      const transferring = hops > 0;
      const outcome = transferring ? ["O-ESCALATED", "Escalated", "OC-FOLLOW"] : weighted(r, OUTCOMES);
      const engagementExternalId = nextEngagement(source);
      const engStart = t;
      const engEnd = engStart + prep + handle + hold;
      order++;
      const record = {
        externalId: engagementExternalId,
        ...common,
        type: "Agent",
        status: "Completed",
        startTime: iso(engStart),
        endTime: iso(engEnd + wrapUp),
        agentExternalId: agent.externalId,
        queueExternalId: currentQueue,
        teamExternalId: agent.team,
        departmentExternalId: agent.department,
        agentLocation: agent.location,
        agentManager: agent.manager,
        agentOrganization: "Demo Retail",
        agentRole: "Agent",
        outcomeExternalId: outcome[0],
        outcomeCategoryExternalId: outcome[2],
        outcomeType: transferring ? "Transferred" : "Completed",
        resolution: outcome[2] === "OC-DONE" ? "Resolved" : "Unresolved",
        initiatedBy: "Customer",
        terminatedBy: transferring ? "Agent" : r.chance(0.5) ? "Customer" : "Agent",
        preparationTime: round(prep),
        engagementTime: round(handle),
        holdTime: round(hold),
        wrapUpTime: round(wrapUp),
        totalTime: round(prep + handle + hold + wrapUp),
        focusTime: round(handle * 0.85),
        waitTime: round(waited),
        serviceLevel: waited <= waitTarget ? "Met" : "Missed",
        cost: round(((prep + handle + wrapUp) / 3600) * agent.hourlyCost, 2),
        orderAgentEngagements: order,
      };
      agentEngagements.push({ record, agent, engStart, engEnd, handle });
      t = engEnd + wrapUp;
      if (transferring) currentQueue = r.pick(QUEUES.filter((q) => q[0] !== currentQueue))[0];
    }
    for (const e of agentEngagements) {
      e.record.totalConversationAgentEngagements = agentEngagements.length;
      add(source, "engagement.jsonl", e.record);
    }
    const last = agentEngagements.at(-1);
    if (!last) continue;

    // Transcripts: chats replay an ABCD conversation, e-mails its first question and answer.
    if (channelType !== "VOICE") {
      const turns =
        channelType === "CHAT" ? transcript.turns : transcript.turns.filter((x) => x.speaker !== "action").slice(0, 4);
      const owner = agentEngagements[0];
      const span = Math.max(60, owner.handle);
      turns.forEach((turn, i) => {
        const turnExternalId = `${source}-T${String(++turnSeq).padStart(7, "0")}`;
        const time = owner.engStart + (span * (i + 0.5)) / turns.length;
        const participant = turn.speaker === "customer" ? "CUSTOMER" : turn.speaker === "agent" ? "AGENT" : "SYSTEM";
        add(source, "turn.jsonl", {
          externalId: turnExternalId,
          engagementExternalId: owner.record.externalId,
          turnTime: iso(time),
          participant,
          ...(participant === "AGENT" ? { agentExternalId: owner.agent.externalId } : {}),
          type: channelType === "EMAIL" ? "EMAIL" : turn.speaker === "action" ? "ACTION" : "MESSAGE",
          origin: channelType === "EMAIL" ? "Help Desk" : "Web Chat",
          length: turn.text.length,
          languageCustomer: "en",
          languageAgent: "en",
        });
        add(source, "turn_content.jsonl", { turnExternalId, content: turn.text });
      });
    }

    // Transactions: refunds and upsells, tied to the last agent engagement.
    if (last.record.outcomeExternalId === "O-REFUND") {
      const amount = transcript.scenario.product?.amounts?.[0] ?? r.int(20, 120);
      add(source, "transaction.jsonl", {
        externalId: `${last.record.externalId}-TX`,
        engagementExternalId: last.record.externalId,
        time: iso(last.engEnd),
        type: "Refund",
        name: transcript.scenario.product?.names?.[0] ?? "Order",
        currency: "USD",
        revenue: -amount,
        quantity: 1,
      });
    } else if (r.chance(0.05)) {
      add(source, "transaction.jsonl", {
        externalId: `${last.record.externalId}-TX`,
        engagementExternalId: last.record.externalId,
        time: iso(last.engEnd),
        type: "Sale",
        name: "Gold membership upgrade",
        currency: "USD",
        revenue: 49,
        quantity: 1,
      });
    }

    // CSAT: about a third answer the survey; long waits and unresolved outcomes score lower.
    if (source === "S1" && r.chance(0.32)) {
      const base = last.record.resolution === "Resolved" ? 4.4 : 2.6;
      const waitPenalty = last.record.waitTime > 60 ? 0.8 : 0;
      const score = Math.max(1, Math.min(5, Math.round(base - waitPenalty + (r.next() - 0.5) * 2)));
      add(source, "review.jsonl", {
        externalId: `${last.record.externalId}-CSAT`,
        engagementExternalId: last.record.externalId,
        reviewerExternalId: "SURVEY",
        questionExternalId: "CSAT",
        answerExternalId: `CSAT-${score}`,
        reviewTime: iso(last.engEnd + 600),
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
  }

  // Activity: the last 30 days of 15-minute status intervals for every active agent.
  for (let d = 30; d >= 1; d--) {
    const dayStart = anchor - d * DAY;
    if ([0, 6].includes(new Date(dayStart * 1000).getUTCDay())) continue;
    for (const a of activeAgents) {
      const shiftStart = dayStart + (8 + (a.externalId.charCodeAt(5) % 3)) * 3600;
      for (let q = 0; q < 32; q++) {
        const intervalStart = shiftStart + q * 900;
        const lunch = q === 16 || q === 17;
        const busy = lunch ? 0 : Math.round(900 * Math.min(1, Math.max(0, 0.55 + (r.next() - 0.5) * 0.6)));
        const statuses = lunch
          ? [["Lunch", "Break", 900]]
          : [
              ["On Task", "Busy", busy],
              ["Ready", "Available", 900 - busy],
            ];
        for (const [status, statusType, duration] of statuses) {
          if (duration <= 0) continue;
          add("S1", "activity.jsonl", {
            externalId: `${a.externalId}-${intervalStart}-${statusType}`,
            agentExternalId: a.externalId,
            intervalStart: iso(intervalStart),
            status,
            statusType,
            duration,
          });
        }
      }
    }
  }

  const zips = {};
  for (const [source, contents] of Object.entries(files)) {
    const entries = {};
    // Sorted names and a fixed timestamp keep the bytes identical run to run.
    for (const name of Object.keys(contents).sort()) {
      entries[name] = [
        strToU8(`${contents[name].join("\n")}\n`),
        { level: 6, mtime: new Date("2024-01-01T00:00:00Z") },
      ];
    }
    zips[source] = zipSync(entries);
  }
  return zips;
}
