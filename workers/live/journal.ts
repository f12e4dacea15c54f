import type { Contact, LiveChannel, LiveEngagementType, LiveTurnType, ParticipantType } from "../../schemas/live";
import { normaliseContact, upsertSql } from "../ingest/writer";

// The conversation object writes its engagements, turns and customer into D1 as they happen,
// as the same rows the ingest pipeline writes, so the journey, analytics and export see them.

/** What live conversations write as the engagement's platform. */
export const LIVE_PLATFORM = "Brine Live Conversations";

const ENGAGEMENT_TYPE: Record<LiveEngagementType, string> = {
  QUEUE: "Queue",
  BOT: "Bot",
  AGENT: "Agent",
  EXTERNAL_AGENT: "External Agent",
};
const CHANNEL_TYPE: Record<LiveChannel, string> = { CHAT: "CHAT", WHATSAPP: "MESSAGING" };
const CHANNEL_VENDOR: Record<LiveChannel, string> = { CHAT: "Universal Chat", WHATSAPP: "WhatsApp" };

export interface JournalConversation {
  accountId: string;
  pid: string;
  startMs: number;
  channel: LiveChannel;
  brand: string | null;
  languageCustomer: string | null;
  customerPid: string;
}

export interface JournalEngagement {
  pid: string;
  type: LiveEngagementType;
  agent: string | null;
  startMs: number;
  endMs: number | null;
  outcome: string | null;
  reason?: string | null;
}

export interface JournalTurn {
  pid: string;
  engagementPid: string;
  timeMs: number;
  type: LiveTurnType;
  participantType: ParticipantType;
  participant: string | null;
  content: string;
  contentCustomer: string;
  languageCustomer: string | null;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function upsert(db: D1Database, table: string, key: string[], row: Record<string, unknown>): D1PreparedStatement {
  const columns = Object.keys(row).filter((c) => !key.includes(c));
  return db.prepare(upsertSql(table, key, columns)).bind(...key.map((k) => row[k]), ...columns.map((c) => row[c]));
}

/** The `engagement` row of one live engagement. */
export function engagementStatement(
  db: D1Database,
  conversation: JournalConversation,
  e: JournalEngagement,
): D1PreparedStatement {
  const total = e.endMs === null ? null : Math.max(0, (e.endMs - e.startMs) / 1000);
  return upsert(db, "engagement", ["account_id", "pid"], {
    account_id: conversation.accountId,
    pid: e.pid,
    source_id: null,
    conversation_pid: conversation.pid,
    customer_pid: conversation.customerPid,
    agent_pid: e.type === "EXTERNAL_AGENT" ? null : e.agent,
    external_agent_pid: e.type === "EXTERNAL_AGENT" ? e.agent : null,
    conversation_start_time: seconds(conversation.startMs),
    start_time: seconds(e.startMs),
    end_time: e.endMs === null ? null : seconds(e.endMs),
    channel_type: CHANNEL_TYPE[conversation.channel],
    channel_vendor: CHANNEL_VENDOR[conversation.channel],
    direction: "Inbound",
    status: e.endMs === null ? "In Progress" : "Completed",
    type: ENGAGEMENT_TYPE[e.type],
    outcome_type: e.outcome,
    reason: e.reason ?? null,
    platform: LIVE_PLATFORM,
    brand: conversation.brand,
    language: conversation.languageCustomer,
    total_time: total,
    wait_time: e.type === "QUEUE" ? total : null,
  });
}

/** The `turn` and `turn_content` rows of one live turn. */
export function turnStatements(
  db: D1Database,
  conversation: JournalConversation,
  t: JournalTurn,
): D1PreparedStatement[] {
  return [
    upsert(db, "turn", ["account_id", "pid"], {
      account_id: conversation.accountId,
      pid: t.pid,
      source_id: null,
      engagement_pid: t.engagementPid,
      turn_time: seconds(t.timeMs),
      participant: t.participantType,
      participant_pid: t.participant,
      type: t.type,
      origin: `live:${conversation.channel.toLowerCase()}`,
      length: t.content.length,
      language_customer: t.languageCustomer,
    }),
    upsert(db, "turn_content", ["account_id", "turn_pid"], {
      account_id: conversation.accountId,
      turn_pid: t.pid,
      content: t.content,
      content_agent: t.content,
      content_customer: t.contentCustomer,
    }),
  ];
}

/** The `customer` row and its `customer_contact` rows (the identity graph). */
export function customerStatements(
  db: D1Database,
  accountId: string,
  customer: { pid: string; displayName: string | null; contacts: Contact[] },
): D1PreparedStatement[] {
  const statements = [
    // A name the channel does not know never blanks one an integrator loaded.
    upsert(db, "customer", ["account_id", "pid"], {
      account_id: accountId,
      pid: customer.pid,
      ...(customer.displayName ? { name: customer.displayName } : {}),
    }),
  ];
  for (const c of customer.contacts) {
    statements.push(
      upsert(db, "customer_contact", ["account_id", "contact", "customer_pid"], {
        account_id: accountId,
        contact: normaliseContact(c.contact),
        customer_pid: customer.pid,
        type: c.type,
      }),
    );
  }
  return statements;
}

/** The `agent` row of a user or an external agent working a live conversation (names for reports and the journey). */
export function agentStatement(
  db: D1Database,
  accountId: string,
  a: { pid: string; name: string | null; external: boolean },
): D1PreparedStatement {
  return upsert(db, "agent", ["account_id", "pid"], {
    account_id: accountId,
    pid: a.pid,
    ...(a.name ? { name: a.name } : {}),
    type: "Human",
    status: "Active",
    ...(a.external ? { role: "External Agent" } : { user_id: a.pid }),
  });
}

/** A user's place in a live conversation: My Conversations while in it, Recently Left after. */
export function participationStatement(
  db: D1Database,
  accountId: string,
  p: { userId: string; conversationPid: string; joinedMs: number; leftMs: number | null },
): D1PreparedStatement {
  return upsert(db, "live_participation", ["account_id", "user_id", "conversation_pid"], {
    account_id: accountId,
    user_id: p.userId,
    conversation_pid: p.conversationPid,
    joined_ms: p.joinedMs,
    left_ms: p.leftMs,
  });
}

export interface InboxRow {
  accountId: string;
  conversationPid: string;
  customerPid: string;
  customerName: string | null;
  channel: string;
  brand: string | null;
  status: string;
  needsHelp: boolean;
  needsHelpReason: string | null;
  yourLogicWorking: boolean;
  lastTurn: { time: string; participantType: string; content: string } | null;
  agents: { id: string; name: string | null }[];
  startMs: number;
  updatedMs: number;
}

/** The conversation's row in the live inbox. */
export function inboxStatement(db: D1Database, r: InboxRow): D1PreparedStatement {
  return upsert(db, "live_inbox", ["account_id", "conversation_pid"], {
    account_id: r.accountId,
    conversation_pid: r.conversationPid,
    customer_pid: r.customerPid,
    customer_name: r.customerName,
    channel: r.channel,
    brand: r.brand,
    status: r.status,
    needs_help: r.needsHelp ? 1 : 0,
    needs_help_reason: r.needsHelpReason,
    your_logic_working: r.yourLogicWorking ? 1 : 0,
    last_turn: r.lastTurn ? JSON.stringify(r.lastTurn) : null,
    agents: JSON.stringify(r.agents),
    start_ms: r.startMs,
    updated_ms: r.updatedMs,
  });
}
