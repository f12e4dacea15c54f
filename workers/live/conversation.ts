import { DurableObject } from "cloudflare:workers";
import {
  type ActionResult,
  type AnswerResult,
  ClientFrame,
  type Contact,
  type ConversationFlags,
  type ConversationState,
  type CustomData,
  DEFAULT_INVITATION_HOURS,
  EVENT_TURNS,
  type LiveChannel,
  type LiveEngagement,
  type LiveEngagementType,
  type LiveTurn,
  type LiveTurnType,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_CHARS,
  MAX_URL_CHARS,
  type ParticipantType,
  type QuestionOption,
  type ServerFrame,
  StartConversation,
  YourLogicAction,
  type YourLogicAnswer,
} from "../../schemas/live";
import { signingSecret } from "../accounts/auth";
import { dbFor, rawDbFor } from "../db/client";
import type { Bindings } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { newPid } from "../lib/ids";
import { maskContact } from "../lib/mask";
import { notifyInbox } from "./hub";
import {
  agentStatement,
  customerStatements,
  engagementStatement,
  inboxStatement,
  type JournalConversation,
  participationStatement,
  turnStatements,
} from "./journal";
import { externalLink, signMediaLink } from "./links";
import { accountPlace, actionButtons, insertInvitation, newToken, yourLogicTarget } from "./queries";
import { customFits, deliverEvent } from "./your-logic";

/** Every RPC method answers this: the value, or a stable code and a message (errors do not survive RPC intact). */
export type LiveResult<T> = { ok: true; value: T } | { ok: false; code: LiveErrorCode; message: string };

export type LiveErrorCode =
  | "VALIDATION_FAILED"
  | "NOT_STARTED"
  | "ALREADY_STARTED"
  | "ACCOUNT_NOT_FOUND"
  | "CUSTOM_DATA_TOO_LARGE"
  | "MESSAGE_TOO_LONG"
  | "CONVERSATION_COMPLETED"
  | "NOT_A_PARTICIPANT"
  | "ALREADY_JOINED"
  | "ENGAGEMENT_NOT_FOUND"
  | "QUESTION_NOT_FOUND"
  | "REQUEST_NOT_FOUND"
  | "REQUEST_EXPIRED"
  | "REQUEST_ALREADY_ANSWERED"
  | "WEBHOOK_REPLAYED"
  | "UNKNOWN_ACTION"
  | "TURN_NOT_FOUND"
  | "INVALID_TOKEN"
  | "INVITATION_FAILED";

/** Who sockets belong to: set by the Worker (the only caller that can reach the object). */
type SocketAttachment =
  | { role: "customer" }
  | { role: "agent"; agent: string; name: string | null }
  | { role: "external"; agent: string; name: string | null };

/** Someone working the conversation for the company: a user (AGENT) or an invited external agent. */
export interface Worker {
  agent: string;
  name?: string | null;
  external?: boolean;
}

/** The participant id of an external agent: their invitation's PID, marked. */
export const externalParticipant = (invitationPid: string) => `ext:${invitationPid}`;

/** Words that, alone, do not reopen a completed conversation: greetings, thanks, goodbyes. */
const SILENT = new RegExp(
  "^(hi|hello|hey|ok|okay|k|thanks|thank you|thank you very much|thanks a lot|many thanks|thx|ty|cheers|great|perfect|" +
    "bye|goodbye|bye bye|have a nice day|you too|👍|🙏|😊|🙂|❤️)[\\s!.,?]*$",
  "iu",
);

/** Whether a customer message after completion is only courtesy. */
export function isSilentMessage(content: string): boolean {
  return SILENT.test(content.trim().replace(/\s+/g, " "));
}

const SYNC_RETRY_MS = 5_000;
/** How long a conversation object trusts its copy of the account's Your Logic settings. */
const TARGET_TTL_MS = 10_000;
/** How long replayed callback webhook ids are remembered. */
const WEBHOOK_MEMORY_MS = 24 * 60 * 60 * 1000;

const iso = (ms: number) => new Date(ms).toISOString();

interface ConversationRow extends Record<string, SqlStorageValue> {
  account_id: string;
  pid: string;
  start_ms: number;
  channel: string;
  brand: string | null;
  url: string | null;
  language_customer: string | null;
  customer_pid: string;
  customer_name: string | null;
  customer_contacts: string;
  customer_custom: string;
  custom: string;
  status: string;
  needs_help: number;
  needs_help_reason: string | null;
  engage_your_logic: number;
  fallback_to_agent: number;
  customer_token_hash: string;
  domain: string;
  region: string;
  last_customer_ms: number;
  last_agent_ms: number;
  customer_rev: number;
  customer_synced_rev: number;
  origin: string | null;
}

interface EngagementRow extends Record<string, SqlStorageValue> {
  pid: string;
  type: string;
  agent: string | null;
  start_ms: number;
  end_ms: number | null;
  outcome: string | null;
  agent_name: string | null;
  reason: string | null;
}

interface TurnRow extends Record<string, SqlStorageValue> {
  seq: number;
  pid: string;
  engagement_pid: string;
  time_ms: number;
  type: string;
  participant_type: string;
  participant: string | null;
  content: string;
  content_customer: string;
  language_customer: string | null;
  status: string;
  options: string | null;
  external_id: string | null;
  participant_name: string | null;
  client_id: string | null;
  file_key: string | null;
  file_name: string | null;
  file_mime: string | null;
  file_size: number | null;
  review: string | null;
}

interface OutboxRow extends Record<string, SqlStorageValue> {
  seq: number;
  request_id: string;
  trigger: string;
  trigger_ms: number;
  state: string;
  sent_ms: number | null;
  expires_ms: number | null;
}

/** A Your Logic trigger (seed 003), before `requestId` and context are added. */
type Trigger = { time: string; type: string; participantType: ParticipantType } & Record<string, unknown>;

const fail = (code: LiveErrorCode, message: string): { ok: false; code: LiveErrorCode; message: string } => ({
  ok: false,
  code,
  message,
});
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/**
 * One live conversation, the single point of order for it: its turns, engagements,
 * participants and flags live in this object's SQLite storage; it holds the customer's and the
 * agents' hibernating sockets; it sends Your Logic one event at a time (the next leaves when the
 * previous is answered or expired, the alarm being the clock) and applies the answers; and it
 * writes its engagements and turns to D1 as they happen. Named `<account id>/<conversation pid>`.
 */
export class ConversationRoom extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS conversation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        account_id TEXT NOT NULL, pid TEXT NOT NULL, start_ms INTEGER NOT NULL, channel TEXT NOT NULL,
        brand TEXT, url TEXT, language_customer TEXT,
        customer_pid TEXT NOT NULL, customer_name TEXT, customer_contacts TEXT NOT NULL, customer_custom TEXT NOT NULL,
        custom TEXT NOT NULL, status TEXT NOT NULL, needs_help INTEGER NOT NULL, needs_help_reason TEXT,
        engage_your_logic INTEGER NOT NULL, fallback_to_agent INTEGER NOT NULL, customer_token_hash TEXT NOT NULL,
        domain TEXT NOT NULL, region TEXT NOT NULL,
        last_customer_ms INTEGER NOT NULL DEFAULT 0, last_agent_ms INTEGER NOT NULL DEFAULT 0,
        customer_rev INTEGER NOT NULL DEFAULT 1, customer_synced_rev INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS engagement (
        pid TEXT PRIMARY KEY, type TEXT NOT NULL, agent TEXT, start_ms INTEGER NOT NULL, end_ms INTEGER, outcome TEXT,
        rev INTEGER NOT NULL DEFAULT 1, synced_rev INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS turn (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, pid TEXT NOT NULL UNIQUE, engagement_pid TEXT NOT NULL,
        time_ms INTEGER NOT NULL, type TEXT NOT NULL, participant_type TEXT NOT NULL, participant TEXT,
        content TEXT NOT NULL, content_customer TEXT NOT NULL, language_customer TEXT, status TEXT NOT NULL,
        options TEXT, external_id TEXT, rev INTEGER NOT NULL DEFAULT 1, synced_rev INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS participant (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, joined_ms INTEGER NOT NULL, left_ms INTEGER
      );
      CREATE TABLE IF NOT EXISTS invite (
        pid TEXT PRIMARY KEY, contact TEXT NOT NULL, contact_type TEXT NOT NULL, name TEXT, note TEXT,
        time_ms INTEGER NOT NULL, by TEXT NOT NULL, expires_ms INTEGER NOT NULL, link TEXT
      );
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL UNIQUE, trigger TEXT NOT NULL,
        trigger_ms INTEGER NOT NULL, state TEXT NOT NULL, sent_ms INTEGER, expires_ms INTEGER, result TEXT
      );
      CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq);
      CREATE TABLE IF NOT EXISTS seen_webhook (id TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    // Columns added after the first release: added in place, so objects made before keep their state.
    const added: [string, string, string][] = [
      ["conversation", "origin", "TEXT"],
      ["engagement", "agent_name", "TEXT"],
      ["engagement", "reason", "TEXT"],
      ["participant", "name", "TEXT"],
      ["participant", "rev", "INTEGER NOT NULL DEFAULT 1"],
      ["participant", "synced_rev", "INTEGER NOT NULL DEFAULT 0"],
      ["turn", "participant_name", "TEXT"],
      ["turn", "client_id", "TEXT"],
      ["turn", "file_key", "TEXT"],
      ["turn", "file_name", "TEXT"],
      ["turn", "file_mime", "TEXT"],
      ["turn", "file_size", "INTEGER"],
      ["turn", "review", "TEXT"],
    ];
    for (const [table, column, type] of added) {
      const has = this.sql
        .exec<{ name: string }>(`PRAGMA table_info(${table})`)
        .toArray()
        .some((c) => c.name === column);
      if (!has) this.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    this.sql.exec("CREATE INDEX IF NOT EXISTS turn_client ON turn (client_id)");
  }

  // ───────────────────────────── RPC ─────────────────────────────

  /**
   * Starts the conversation: the customer, channel and brand, a queue engagement (or a bot one
   * when Your Logic is engaged). Returns the state and the customer's socket token (shown once).
   * Fails with VALIDATION_FAILED, CUSTOM_DATA_TOO_LARGE (customer or conversation custom data over
   * 1 kB; nothing is stored), ACCOUNT_NOT_FOUND, or ALREADY_STARTED.
   */
  async start(input: StartConversation): Promise<LiveResult<{ state: ConversationState; customerToken: string }>> {
    const parsed = StartConversation.safeParse(input);
    if (!parsed.success) return fail("VALIDATION_FAILED", parsed.error.issues[0]?.message ?? "Invalid conversation.");
    const data = parsed.data;
    if (!customFits(data.customer.custom) || !customFits(data.custom)) {
      return fail("CUSTOM_DATA_TOO_LARGE", "Custom data is limited to 1 kB of JSON.");
    }
    if (this.row()) return fail("ALREADY_STARTED", "This conversation has already started.");
    const db = dbFor(this.env, data.accountId);
    const [place, target] = await Promise.all([
      accountPlace(db, data.accountId),
      yourLogicTarget(this.env, data.accountId),
    ]);
    if (!place) return fail("ACCOUNT_NOT_FOUND", "No such account.");
    if (this.row()) return fail("ALREADY_STARTED", "This conversation has already started.");
    const engage = data.engageYourLogic ?? Boolean(target?.enabled);
    const token = newToken();
    const tokenHash = await sha256Hex(token);
    if (this.row()) return fail("ALREADY_STARTED", "This conversation has already started.");
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO conversation (id, account_id, pid, start_ms, channel, brand, url, language_customer, customer_pid,
           customer_name, customer_contacts, customer_custom, custom, status, needs_help, engage_your_logic,
           fallback_to_agent, customer_token_hash, domain, region, origin)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'IN_PROGRESS', 0, ?, 0, ?, ?, ?, ?)`,
        data.accountId,
        data.conversationPid,
        now,
        data.channel,
        data.brand ?? null,
        data.url?.slice(0, MAX_URL_CHARS) ?? null,
        data.languageCustomer ?? null,
        data.customer.pid ?? newPid(),
        data.customer.displayName ?? null,
        JSON.stringify(data.customer.contacts),
        JSON.stringify(data.customer.custom ?? {}),
        JSON.stringify(data.custom ?? {}),
        engage ? 1 : 0,
        tokenHash,
        place.domain,
        place.region,
        data.origin ?? null,
      );
      this.sql.exec("INSERT INTO participant (id, type, joined_ms) VALUES ('customer', 'CUSTOMER', ?)", now);
      if (data.brandId) this.setMeta("brand_id", data.brandId);
      this.openEngagement(engage ? "BOT" : "QUEUE", null, now);
    });
    await this.afterChange();
    return ok({ state: this.snapshot(), customerToken: token });
  }

  /**
   * A customer's message. After completion, greetings and thanks are recorded silently; anything
   * else reopens the conversation. Fails with NOT_STARTED or MESSAGE_TOO_LONG.
   */
  async customerMessage(input: {
    content: string;
    languageCustomer?: string;
    clientId?: string;
  }): Promise<LiveResult<LiveTurn>> {
    const row = this.row();
    if (!row) return notStarted();
    const content = input.content.trim();
    if (content.length === 0) return fail("VALIDATION_FAILED", "A message needs content.");
    if (content.length > MAX_MESSAGE_CHARS) return tooLong();
    const earlier = this.byClientId("CUSTOMER", null, input.clientId);
    if (earlier) return ok(earlier);
    const now = Date.now();
    let silent = false;
    if (row.status === "COMPLETED") {
      silent = isSilentMessage(content);
      if (!silent) this.reopen(row, now);
    }
    this.sql.exec("UPDATE conversation SET last_customer_ms = ?", now);
    const turn = this.addTurn({
      type: "MESSAGE",
      participantType: "CUSTOMER",
      participant: null,
      content,
      languageCustomer: input.languageCustomer ?? row.language_customer,
      clientId: input.clientId,
      now,
    });
    this.broadcast({ type: "turn", turn, ...(input.clientId ? { clientId: input.clientId } : {}) });
    if (!silent) {
      this.enqueue({
        time: turn.time,
        type: "MESSAGE",
        participantType: "CUSTOMER",
        content,
        contentCustomer: content,
        ...(turn.languageCustomer ? { languageCustomer: turn.languageCustomer } : {}),
        turn: turn.pid,
      });
    }
    await this.afterChange();
    return ok(turn);
  }

  /** The customer picks an option of a question. Fails with NOT_STARTED, CONVERSATION_COMPLETED or QUESTION_NOT_FOUND. */
  async customerAnswer(input: { turnPid: string; optionId: string }): Promise<LiveResult<LiveTurn>> {
    const row = this.row();
    if (!row) return notStarted();
    if (row.status === "COMPLETED") return completed();
    const question = this.sql
      .exec<TurnRow>("SELECT * FROM turn WHERE pid = ? AND options IS NOT NULL", input.turnPid)
      .toArray()[0];
    const option = question
      ? (JSON.parse(question.options ?? "[]") as QuestionOption[]).find((o) => o.id === input.optionId)
      : undefined;
    if (!question || !option) return fail("QUESTION_NOT_FOUND", "No such question or option.");
    const now = Date.now();
    this.sql.exec("UPDATE conversation SET last_customer_ms = ?", now);
    const turn = this.addTurn({
      type: "ANSWER",
      participantType: "CUSTOMER",
      participant: null,
      content: option.label,
      externalId: question.external_id ?? undefined,
      now,
    });
    this.broadcast({ type: "turn", turn });
    this.enqueue({
      time: turn.time,
      type: "ANSWER",
      participantType: "CUSTOMER",
      question: question.pid,
      ...(question.external_id ? { externalID: question.external_id } : {}),
      optionId: option.id,
      content: option.label,
      turn: turn.pid,
    });
    if (option.technicalId) {
      this.enqueue({
        time: turn.time,
        type: "MENU_STEP",
        participantType: "CUSTOMER",
        technicalID: option.technicalId,
      });
    }
    await this.afterChange();
    return ok(turn);
  }

  /**
   * A file the customer sent (already stored in R2 under `file.key`): a FILE turn, and Your Logic
   * hears FILE with a media link valid 24 hours. Fails with NOT_STARTED or CONVERSATION_COMPLETED.
   */
  async customerFile(file: {
    key: string;
    name: string;
    mimeType: string;
    size: number;
  }): Promise<LiveResult<LiveTurn>> {
    const row = this.row();
    if (!row) return notStarted();
    if (row.status === "COMPLETED") return completed();
    const now = Date.now();
    this.sql.exec("UPDATE conversation SET last_customer_ms = ?", now);
    const turn = await this.withLinks(
      this.addTurn({ type: "FILE", participantType: "CUSTOMER", participant: null, content: file.name, file, now }),
    );
    this.broadcast({ type: "turn", turn });
    this.enqueue({
      time: turn.time,
      type: "FILE",
      participantType: "CUSTOMER",
      mediaName: file.name,
      mimeType: file.mimeType,
      fileKey: file.key,
      turn: turn.pid,
    });
    await this.afterChange();
    return ok(turn);
  }

  /** The customer went to another page: the URL (trimmed to 2048) is kept and Your Logic hears NAVIGATION. */
  async customerNavigation(input: { url: string }): Promise<LiveResult<{ url: string }>> {
    const row = this.row();
    if (!row) return notStarted();
    const url = input.url.trim().slice(0, MAX_URL_CHARS);
    if (!/^https?:\/\//i.test(url)) return fail("VALIDATION_FAILED", "url: an http(s) address.");
    const now = Date.now();
    this.sql.exec("UPDATE conversation SET url = ?, last_customer_ms = ?", url, now);
    this.enqueue({ time: iso(now), type: "NAVIGATION", participantType: "CUSTOMER", lastVisitedUrl: url });
    await this.afterChange();
    return ok({ url });
  }

  /**
   * The customer's thumbs up or down on a bot's or an agent's turn: kept on the turn, and Your
   * Logic hears REVIEW. Fails with NOT_STARTED or TURN_NOT_FOUND.
   */
  async customerReview(input: {
    turnPid: string;
    value: "UP" | "DOWN";
    reason?: string;
  }): Promise<LiveResult<LiveTurn>> {
    if (!this.row()) return notStarted();
    const target = this.sql
      .exec<TurnRow>(
        "SELECT * FROM turn WHERE pid = ? AND participant_type IN ('BOT', 'AGENT', 'EXTERNAL_AGENT') AND type <> 'NOTE'",
        input.turnPid,
      )
      .toArray()[0];
    if (!target) return fail("TURN_NOT_FOUND", "No such message from the company in this conversation.");
    const now = Date.now();
    this.sql.exec("UPDATE turn SET review = ?, rev = rev + 1 WHERE pid = ?", input.value, input.turnPid);
    this.sql.exec("UPDATE conversation SET last_customer_ms = ?", now);
    const turn = await this.withLinks(
      turnView(this.sql.exec<TurnRow>("SELECT * FROM turn WHERE pid = ?", input.turnPid).one()),
    );
    this.broadcast({ type: "turn", turn });
    const name = input.value === "UP" ? "Thumbs Up" : "Thumbs Down";
    this.enqueue({
      time: iso(now),
      type: "REVIEW",
      participantType: "CUSTOMER",
      reviewType: "Customer",
      questionName: "Thumbs Up/Down",
      answerName: name,
      ...(input.reason ? { reviewReason: input.reason } : {}),
      turn: input.turnPid,
    });
    await this.afterChange();
    return ok(turn);
  }

  /** Someone is typing: told to the others, never stored. */
  typing(input: { from: SocketAttachment; typing: boolean }): void {
    const frame: ServerFrame =
      input.from.role === "customer"
        ? { type: "typing", participantType: "CUSTOMER", typing: input.typing }
        : {
            type: "typing",
            participantType: input.from.role === "external" ? "EXTERNAL_AGENT" : "AGENT",
            participant: input.from.name ?? input.from.agent,
            typing: input.typing,
          };
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (!a || sameSocketOwner(a, input.from)) continue;
      try {
        ws.send(text);
      } catch {
        // closing
      }
    }
  }

  /**
   * An agent (or an external agent, for buttons visible to them) pressed a custom action button:
   * an EVENT turn for the record, and Your Logic hears ACTION. Fails with NOT_STARTED or UNKNOWN_ACTION.
   */
  async pressAction(input: Worker & { action: string }): Promise<LiveResult<{ action: string }>> {
    const row = this.row();
    if (!row) return notStarted();
    const buttons = await actionButtons(dbFor(this.env, row.account_id), row.account_id);
    const button = buttons.find((b) => b.name === input.action && (!input.external || b.visibleToExternal));
    if (!button) return fail("UNKNOWN_ACTION", `No action button named ${JSON.stringify(input.action)}.`);
    const now = Date.now();
    const participantType: ParticipantType = input.external ? "EXTERNAL_AGENT" : "AGENT";
    this.sql.exec("UPDATE conversation SET last_agent_ms = ?", now);
    const turn = this.addTurn({
      type: "EVENT",
      participantType,
      participant: input.agent,
      participantName: input.name ?? null,
      content: `Pressed “${button.label}” (${button.name})`,
      now,
    });
    this.broadcast({ type: "turn", turn });
    this.enqueue({ time: turn.time, type: "ACTION", participantType, agent: input.agent, action: button.name });
    await this.afterChange();
    return ok({ action: button.name });
  }

  /**
   * Invites an external agent by e-mail or phone: a D1 invitation and a signed link to this
   * conversation only, expiring after `expiresInHours`. The link is returned and noted for agents.
   */
  async invite(input: {
    by: string;
    byName?: string | null;
    contact: string;
    contactType: "Email" | "Phone";
    name?: string;
    note?: string;
    expiresInHours: number;
  }): Promise<LiveResult<{ pid: string; link: string; expiresAt: string }>> {
    const row = this.row();
    if (!row) return notStarted();
    if (row.status === "COMPLETED") return completed();
    const pid = newPid();
    const now = Date.now();
    this.sql.exec(
      "INSERT INTO invite (pid, contact, contact_type, name, note, time_ms, by, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      pid,
      input.contact,
      input.contactType,
      input.name ?? null,
      input.note ?? null,
      now,
      input.byName ?? input.by,
      now + input.expiresInHours * 3600_000,
    );
    await this.afterChange();
    const invite = this.sql
      .exec<{ link: string | null; expires_ms: number }>("SELECT link, expires_ms FROM invite WHERE pid = ?", pid)
      .one();
    if (!invite.link) return fail("INVITATION_FAILED", "The invitation could not be saved; try again.");
    return ok({ pid, link: invite.link, expiresAt: iso(invite.expires_ms) });
  }

  /** An agent's message to the customer. Fails with NOT_STARTED, MESSAGE_TOO_LONG, CONVERSATION_COMPLETED or NOT_A_PARTICIPANT (join first). */
  async agentMessage(input: Worker & { content: string; clientId?: string }): Promise<LiveResult<LiveTurn>> {
    const row = this.row();
    if (!row) return notStarted();
    const content = input.content.trim();
    if (content.length === 0) return fail("VALIDATION_FAILED", "A message needs content.");
    if (content.length > MAX_MESSAGE_CHARS) return tooLong();
    const participantType: ParticipantType = input.external ? "EXTERNAL_AGENT" : "AGENT";
    const earlier = this.byClientId(participantType, input.agent, input.clientId);
    if (earlier) return ok(earlier);
    if (row.status === "COMPLETED") return completed();
    if (!this.isJoined(input.agent))
      return fail("NOT_A_PARTICIPANT", "Join the conversation before writing to the customer.");
    const now = Date.now();
    this.sql.exec("UPDATE conversation SET last_agent_ms = ?", now);
    const turn = this.addTurn({
      type: "MESSAGE",
      participantType,
      participant: input.agent,
      participantName: input.name ?? null,
      content,
      clientId: input.clientId,
      now,
    });
    this.broadcast({ type: "turn", turn, ...(input.clientId ? { clientId: input.clientId } : {}) });
    this.enqueue({
      time: turn.time,
      type: "MESSAGE",
      participantType,
      agent: input.agent,
      content,
      turn: turn.pid,
    });
    await this.afterChange();
    return ok(turn);
  }

  /** An internal note, seen by agents and Your Logic, never by the customer. Fails with NOT_STARTED or MESSAGE_TOO_LONG. */
  async agentNote(input: Worker & { content: string; clientId?: string }): Promise<LiveResult<LiveTurn>> {
    if (!this.row()) return notStarted();
    const content = input.content.trim();
    if (content.length === 0) return fail("VALIDATION_FAILED", "A note needs content.");
    if (content.length > MAX_MESSAGE_CHARS) return tooLong();
    const participantType: ParticipantType = input.external ? "EXTERNAL_AGENT" : "AGENT";
    const earlier = this.byClientId(participantType, input.agent, input.clientId);
    if (earlier) return ok(earlier);
    const now = Date.now();
    this.sql.exec("UPDATE conversation SET last_agent_ms = ?", now);
    const turn = this.addTurn({
      type: "NOTE",
      participantType,
      participant: input.agent,
      participantName: input.name ?? null,
      content,
      clientId: input.clientId,
      now,
    });
    this.broadcast({ type: "turn", turn, ...(input.clientId ? { clientId: input.clientId } : {}) });
    await this.afterChange();
    return ok(turn);
  }

  /**
   * An agent joins: the queue engagement ends, an agent engagement starts, needs help clears.
   * Fails with NOT_STARTED, CONVERSATION_COMPLETED or ALREADY_JOINED.
   */
  async agentJoin(input: Worker): Promise<LiveResult<ConversationState>> {
    const row = this.row();
    if (!row) return notStarted();
    if (row.status === "COMPLETED") return completed();
    if (this.isJoined(input.agent)) return fail("ALREADY_JOINED", "The agent is already in the conversation.");
    const now = Date.now();
    const type = input.external ? "EXTERNAL_AGENT" : "AGENT";
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO participant (id, type, name, joined_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET joined_ms = excluded.joined_ms, left_ms = NULL, name = excluded.name,
           rev = rev + 1`,
        input.agent,
        type,
        input.name ?? null,
        now,
      );
      this.closeEngagements("QUEUE", now, "Completed");
      this.openEngagement(type, input.agent, now, input.name ?? null);
      this.sql.exec("UPDATE conversation SET needs_help = 0, needs_help_reason = NULL, last_agent_ms = ?", now);
    });
    this.enqueue(this.updateTrigger(now, input.external ? "EXTERNAL_AGENT_JOINED" : "AGENT_JOINED", input.agent, type));
    this.broadcastFlags();
    await this.afterChange();
    return ok(this.snapshot());
  }

  /**
   * An agent leaves: their engagement ends (outcome Moved). With nobody left to answer, a queue
   * engagement opens again. Fails with NOT_STARTED or NOT_A_PARTICIPANT.
   */
  async agentLeave(input: Worker): Promise<LiveResult<ConversationState>> {
    return this.endAgent(input, "Moved", null, input.external ? "EXTERNAL_AGENT_LEFT" : "AGENT_LEFT");
  }

  /**
   * An agent considers their engagement done (outcome Completed) and leaves; Your Logic hears
   * ENGAGEMENT_COMPLETED and may take over. Fails with NOT_STARTED or NOT_A_PARTICIPANT.
   */
  async completeEngagement(
    input: Worker & { outcome?: string; reason?: string },
  ): Promise<LiveResult<ConversationState>> {
    return this.endAgent(input, input.outcome ?? "Completed", input.reason ?? null, null);
  }

  /** An agent asks for help, or says it is no longer needed. Fails with NOT_STARTED. */
  async setNeedsHelp(input: {
    agent: string;
    participantType?: ParticipantType;
    needsHelp: boolean;
    reason?: string;
  }): Promise<LiveResult<ConversationFlags>> {
    if (!this.row()) return notStarted();
    const now = Date.now();
    this.sql.exec(
      "UPDATE conversation SET needs_help = ?, needs_help_reason = ?, last_agent_ms = ?",
      input.needsHelp ? 1 : 0,
      input.needsHelp ? (input.reason ?? "AGENT_ASKED") : null,
      now,
    );
    const current = this.row();
    if (input.needsHelp && current?.status === "IN_PROGRESS" && !this.hasOpen("AGENT") && !this.hasOpen("QUEUE")) {
      this.openEngagement("QUEUE", null, now);
    }
    this.enqueue(
      this.updateTrigger(
        now,
        input.needsHelp ? "HELP_REQUESTED" : "HELP_NOT_NEEDED",
        input.agent,
        input.participantType,
      ),
    );
    this.broadcastFlags();
    await this.afterChange();
    return ok(this.flags());
  }

  /**
   * Completes the conversation: every open engagement ends and Your Logic hears
   * CONVERSATION_COMPLETED. Completing a completed conversation changes nothing. Fails with NOT_STARTED.
   */
  async completeConversation(input: {
    by: "AGENT" | "CUSTOMER" | "BOT";
    agent?: string;
  }): Promise<LiveResult<ConversationState>> {
    const row = this.row();
    if (!row) return notStarted();
    if (row.status !== "COMPLETED") {
      this.completeNow(input.by, input.agent ?? null, Date.now());
      await this.afterChange();
    }
    return ok(this.snapshot());
  }

  /**
   * Whether `token` is this conversation's customer token (constant time), and the brand it came
   * through. Fails with NOT_STARTED or INVALID_TOKEN.
   */
  async checkCustomer(token: string): Promise<LiveResult<{ brandId: string | null }>> {
    const row = this.row();
    if (!row) return notStarted();
    if (!(await timingSafeEqual(await sha256Hex(token), row.customer_token_hash))) {
      return fail("INVALID_TOKEN", "The customer token is not valid for this conversation.");
    }
    return ok({ brandId: this.meta("brand_id") ?? null });
  }

  /** The whole conversation as agents see it. Fails with NOT_STARTED. */
  async read(): Promise<LiveResult<ConversationState>> {
    if (!this.row()) return notStarted();
    return ok(await this.withLinks(this.snapshot()));
  }

  /**
   * Your Logic's answer by callback (the route has checked the secret). Runs `control` and the
   * actions in order. Fails with NOT_STARTED, REQUEST_NOT_FOUND, REQUEST_EXPIRED,
   * REQUEST_ALREADY_ANSWERED, WEBHOOK_REPLAYED (a `webhook-id` seen before) or
   * CUSTOM_DATA_TOO_LARGE (nothing applied; the event stays open until it expires).
   */
  async answer(input: {
    requestId: string;
    answer: YourLogicAnswer;
    webhookId?: string;
  }): Promise<LiveResult<AnswerResult>> {
    if (!this.row()) return notStarted();
    const now = Date.now();
    if (input.webhookId) {
      this.sql.exec("DELETE FROM seen_webhook WHERE seen_ms < ?", now - WEBHOOK_MEMORY_MS);
      const seen = this.sql.exec("SELECT 1 FROM seen_webhook WHERE id = ?", input.webhookId).toArray()[0];
      if (seen) return fail("WEBHOOK_REPLAYED", "This webhook id was already delivered.");
    }
    const event = this.sql.exec<OutboxRow>("SELECT * FROM outbox WHERE request_id = ?", input.requestId).toArray()[0];
    if (!event) return fail("REQUEST_NOT_FOUND", "No event with this requestId in this conversation.");
    if (event.state === "EXPIRED" || event.state === "FAILED") {
      return fail("REQUEST_EXPIRED", "The event expired or failed before this answer arrived.");
    }
    if (event.state !== "SENT") return fail("REQUEST_ALREADY_ANSWERED", "This event has already been answered.");
    if (!customFits(input.answer.customer?.custom) || !customFits(input.answer.conversation?.custom)) {
      return fail("CUSTOM_DATA_TOO_LARGE", "Custom data is limited to 1 kB of JSON.");
    }
    // Remembered only once accepted, so a refused delivery can be retried under the same id.
    if (input.webhookId) this.sql.exec("INSERT INTO seen_webhook (id, seen_ms) VALUES (?, ?)", input.webhookId, now);
    const results = this.resolve(event, input.answer, now);
    await this.afterChange();
    return ok({ requestId: input.requestId, results });
  }

  // ───────────────────────────── sockets ─────────────────────────────

  /**
   * Accepts a hibernating WebSocket. The Worker sets `x-live-role` (`customer` with
   * `x-live-token`, or `agent` with `x-live-agent`); nothing else can reach the object.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const row = this.row();
    if (!row) return new Response("Conversation not found", { status: 404 });
    const role = request.headers.get("x-live-role");
    let attachment: SocketAttachment;
    if (role === "customer") {
      const token = request.headers.get("x-live-token") ?? "";
      if (!(await timingSafeEqual(await sha256Hex(token), row.customer_token_hash))) {
        return new Response("Invalid customer token", { status: 401 });
      }
      attachment = { role: "customer" };
    } else if ((role === "agent" || role === "external") && request.headers.get("x-live-agent")) {
      attachment = {
        role,
        agent: request.headers.get("x-live-agent") ?? "",
        name: decodeURIComponent(request.headers.get("x-live-name") ?? "") || null,
      };
    } else {
      return new Response("Unknown participant", { status: 401 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(
      server,
      attachment.role === "customer" ? ["customer"] : ["agent", `agent:${attachment.agent}`],
    );
    server.serializeAttachment(attachment);
    server.send(JSON.stringify(await this.stateFrame(attachment)));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** One frame from a socket: parsed with safeParse; a bad one gets an `error` frame and changes nothing. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = ws.deserializeAttachment() as SocketAttachment | null;
    if (!attachment) return;
    const size = typeof message === "string" ? new TextEncoder().encode(message).length : message.byteLength;
    if (size > MAX_FRAME_BYTES)
      return send(ws, errorFrame("FRAME_TOO_LARGE", `Frames are limited to ${MAX_FRAME_BYTES} bytes.`));
    if (typeof message !== "string") return send(ws, errorFrame("MALFORMED_FRAME", "Frames are JSON text."));
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return send(ws, errorFrame("MALFORMED_FRAME", "Frames are JSON text."));
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.code === "too_big" && issue.path[0] === "content")
        return send(ws, errorFrame("MESSAGE_TOO_LONG", tooLong().message));
      return send(
        ws,
        errorFrame("INVALID_FRAME", issue ? `${issue.path.join(".") || "frame"}: ${issue.message}` : "Invalid frame."),
      );
    }
    const frame = parsed.data;
    if (frame.type === "ping") return send(ws, { type: "pong" });
    if (frame.type === "typing") return this.typing({ from: attachment, typing: frame.typing });
    const clientId = "clientId" in frame ? frame.clientId : undefined;
    // A repeated message or note (the client reconnected before seeing its acknowledgement) is
    // answered with the turn already stored under its clientId, checked before anything awaits.
    if (clientId && (frame.type === "message" || frame.type === "note")) {
      const earlier =
        attachment.role === "customer"
          ? this.byClientId("CUSTOMER", null, clientId)
          : this.byClientId(attachment.role === "external" ? "EXTERNAL_AGENT" : "AGENT", attachment.agent, clientId);
      if (earlier) return send(ws, { type: "turn", turn: await this.withLinks(earlier), clientId });
    }
    let result: LiveResult<unknown>;
    if (attachment.role === "customer") {
      switch (frame.type) {
        case "message": {
          // A new message is acknowledged by its broadcast, which carries the clientId.
          result = await this.customerMessage({ content: frame.content, clientId });
          break;
        }
        case "answer":
          result = await this.customerAnswer(frame);
          break;
        case "navigation":
          result = await this.customerNavigation(frame);
          break;
        case "review":
          result = await this.customerReview(frame);
          break;
        default:
          result = fail("VALIDATION_FAILED", `Customers cannot send ${frame.type} frames.`);
      }
    } else {
      const worker: Worker = {
        agent: attachment.agent,
        name: attachment.name,
        external: attachment.role === "external",
      };
      switch (frame.type) {
        case "message":
          result = await this.agentMessage({ ...worker, content: frame.content, clientId });
          break;
        case "note":
          result = await this.agentNote({ ...worker, content: frame.content, clientId });
          break;
        case "action":
          result = await this.pressAction({ ...worker, action: frame.action });
          break;
        default:
          result = fail("VALIDATION_FAILED", `Agents cannot send ${frame.type} frames.`);
      }
    }
    if (!result.ok) send(ws, errorFrame(result.code, result.message, clientId));
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }

  // ───────────────────────────── the alarm: Your Logic's clock, D1 retries ─────────────────────────────

  /** Expires the event in flight when its time is up, retries D1 writes, and sends the next event. */
  override async alarm(): Promise<void> {
    if (!this.row()) return;
    const purpose = this.meta("alarm");
    const inFlight = this.inFlight();
    if (inFlight && (purpose === `expiry:${inFlight.request_id}` || (inFlight.expires_ms ?? 0) <= Date.now())) {
      this.failEvent(inFlight.request_id, "EXPIRED", "YOUR_LOGIC_TIMEOUT", "Your Logic did not answer in time.");
    }
    await this.afterChange();
  }

  // ───────────────────────────── Your Logic ─────────────────────────────

  /** Queues an event for Your Logic when the conversation engages it. */
  private enqueue(trigger: Trigger): void {
    if (this.row()?.engage_your_logic !== 1) return;
    this.sql.exec(
      "INSERT INTO outbox (request_id, trigger, trigger_ms, state) VALUES (?, ?, ?, 'QUEUED')",
      crypto.randomUUID(),
      JSON.stringify(trigger),
      Date.parse(trigger.time),
    );
  }

  private inFlight(): OutboxRow | undefined {
    return this.sql.exec<OutboxRow>("SELECT * FROM outbox WHERE state = 'SENT' ORDER BY seq LIMIT 1").toArray()[0];
  }

  private nextQueued(): OutboxRow | undefined {
    return this.sql.exec<OutboxRow>("SELECT * FROM outbox WHERE state = 'QUEUED' ORDER BY seq LIMIT 1").toArray()[0];
  }

  /**
   * Sends the next queued event unless one is in flight. Checking and marking happen with no
   * await between, so two callers can never send two events; the HTTP call runs in the
   * background and its answer is applied only if the event is still the one in flight.
   */
  private async pump(): Promise<void> {
    if (this.inFlight() || !this.nextQueued()) return;
    const row = this.row();
    if (!row) return;
    const target = await this.target(row.account_id);
    if (this.inFlight()) return;
    const next = this.nextQueued();
    if (!next) return;
    if (!target?.enabled) {
      this.failEvent(next.request_id, "FAILED", "YOUR_LOGIC_NOT_CONFIGURED", "The account has no enabled Your Logic.", {
        sent: true,
      });
      return this.pump();
    }
    const now = Date.now();
    const expires = now + target.expirySeconds * 1000;
    this.sql.exec(
      "UPDATE outbox SET state = 'SENT', sent_ms = ?, expires_ms = ? WHERE seq = ?",
      now,
      expires,
      next.seq,
    );
    await this.scheduleAlarm();
    this.broadcastFlags();
    const body = JSON.stringify(await this.event(next, now, expires));
    const requestId = next.request_id;
    this.ctx.waitUntil(
      (async () => {
        const delivery = await deliverEvent(target, requestId, body, expires);
        const event = this.inFlight();
        if (!event || event.request_id !== requestId) return;
        if (delivery.kind === "waiting") return;
        if (delivery.kind === "failed") this.failEvent(requestId, "FAILED", delivery.code, delivery.message);
        else this.resolve(event, delivery.answer, Date.now());
        await this.afterChange();
      })().catch((err) => console.error("your logic delivery", err)),
    );
  }

  /** Ends the event in flight without an answer: needs help, fallback to agent, and the conversation goes on. */
  private failEvent(
    requestId: string,
    state: "EXPIRED" | "FAILED",
    code: string,
    message: string,
    options: { sent?: boolean } = {},
  ): void {
    const now = Date.now();
    this.sql.exec(
      `UPDATE outbox SET state = ?, result = ?, sent_ms = COALESCE(sent_ms, ?) WHERE request_id = ? AND state IN ('SENT', 'QUEUED')`,
      state,
      JSON.stringify({ code, message }),
      options.sent ? now : null,
      requestId,
    );
    this.fallBack(code, now);
  }

  /** Your Logic cannot be relied on: the conversation needs help and falls back to agents. */
  private fallBack(reason: string, now: number): void {
    const row = this.row();
    if (!row) return;
    this.sql.exec("UPDATE conversation SET needs_help = 1, needs_help_reason = ?, fallback_to_agent = 1", reason);
    if (row.status === "IN_PROGRESS" && !this.hasOpen("AGENT") && !this.hasOpen("QUEUE")) {
      this.openEngagement("QUEUE", null, now);
    }
    this.broadcastFlags();
  }

  /** Applies an answer to the event in flight: control, custom data, then the actions in order. */
  private resolve(event: OutboxRow, answer: YourLogicAnswer, now: number): ActionResult[] {
    const row = this.row();
    if (!row) return [];
    const sentMs = event.sent_ms ?? now;
    const control = answer.control ?? {};
    const ignored =
      (control.ignoreOnCustomerAction && row.last_customer_ms > sentMs) ||
      (control.ignoreOnAgentAction && row.last_agent_ms > sentMs);
    const results: ActionResult[] = [];
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "UPDATE outbox SET state = 'ANSWERED', result = ? WHERE seq = ?",
        JSON.stringify(answer).slice(0, 100_000),
        event.seq,
      );
      if (control.skipToLatest) {
        this.sql.exec(
          "UPDATE outbox SET state = 'SKIPPED' WHERE state = 'QUEUED' AND seq < (SELECT MAX(seq) FROM outbox WHERE state = 'QUEUED')",
        );
      }
      if (control.skipToTime) {
        this.sql.exec(
          "UPDATE outbox SET state = 'SKIPPED' WHERE state = 'QUEUED' AND trigger_ms < ?",
          Date.parse(control.skipToTime),
        );
      }
      if (row.fallback_to_agent === 1) this.sql.exec("UPDATE conversation SET fallback_to_agent = 0");
      if (ignored) {
        answer.actions.forEach((a, index) => {
          results.push({ index, type: a.type, status: "IGNORED", code: "IGNORED_AFTER_NEWER_ACTION" });
        });
        return;
      }
      if (answer.customer?.displayName !== undefined || answer.customer?.custom !== undefined) {
        this.sql.exec(
          `UPDATE conversation SET customer_name = COALESCE(?, customer_name), customer_custom = COALESCE(?, customer_custom),
             customer_rev = customer_rev + 1`,
          answer.customer.displayName ?? null,
          answer.customer.custom === undefined ? null : JSON.stringify(answer.customer.custom),
        );
      }
      if (answer.conversation?.custom !== undefined) {
        this.sql.exec("UPDATE conversation SET custom = ?", JSON.stringify(answer.conversation.custom));
      }
      let failed = false;
      answer.actions.forEach((raw, index) => {
        if (failed) {
          results.push({ index, type: raw.type, status: "SKIPPED", code: "SKIPPED_AFTER_FAILURE" });
          return;
        }
        const outcome = this.runAction(raw, now);
        if (outcome.ok) {
          results.push({ index, type: raw.type, status: "APPLIED" });
        } else {
          failed = true;
          results.push({ index, type: raw.type, status: "FAILED", code: outcome.code, message: outcome.message });
        }
      });
      if (failed) {
        const first = results.find((r) => r.status === "FAILED");
        this.sql.exec("UPDATE conversation SET needs_help = 1, needs_help_reason = ?", first?.code ?? "ACTION_FAILED");
      }
    });
    this.broadcastFlags();
    return results;
  }

  /** One action of an answer. Unknown types and bad fields fail with a code; nothing else is lost. */
  private runAction(raw: { type: string }, now: number): { ok: true } | { ok: false; code: string; message: string } {
    const parsed = YourLogicAction.safeParse(raw);
    if (!parsed.success) {
      const known = YourLogicAction.options.some((o) => o.shape.type.value === raw.type);
      const issue = parsed.error.issues[0];
      return known
        ? {
            ok: false,
            code: "INVALID_ACTION",
            message: issue ? `${issue.path.join(".")}: ${issue.message}` : "Invalid action.",
          }
        : { ok: false, code: "UNKNOWN_ACTION_TYPE", message: `Unknown action type ${JSON.stringify(raw.type)}.` };
    }
    const action = parsed.data;
    const row = this.row();
    if (!row) return { ok: false, code: "NOT_STARTED", message: "The conversation has not started." };
    const needsOpen = action.type === "MESSAGE" || action.type === "QUESTION";
    if (needsOpen && row.status === "COMPLETED") {
      return { ok: false, code: "CONVERSATION_COMPLETED", message: "The conversation is completed." };
    }
    switch (action.type) {
      case "MESSAGE": {
        const turn = this.addTurn({
          type: "MESSAGE",
          participantType: "BOT",
          participant: null,
          content: action.content,
          contentCustomer: action.contentCustomer,
          languageCustomer: action.languageCustomer ?? row.language_customer,
          now,
        });
        this.broadcast({ type: "turn", turn });
        return { ok: true };
      }
      case "QUESTION": {
        const turn = this.addTurn({
          type: "MESSAGE",
          participantType: "BOT",
          participant: null,
          content: action.content,
          options: action.options,
          externalId: action.externalId,
          now,
        });
        this.broadcast({ type: "turn", turn });
        return { ok: true };
      }
      case "NOTE": {
        const turn = this.addTurn({
          type: "NOTE",
          participantType: "BOT",
          participant: null,
          content: action.content,
          now,
        });
        this.broadcast({ type: "turn", turn });
        return { ok: true };
      }
      case "NEEDS_HELP": {
        this.sql.exec(
          "UPDATE conversation SET needs_help = ?, needs_help_reason = ?",
          action.needsHelp ? 1 : 0,
          action.needsHelp ? (action.reason ?? "YOUR_LOGIC_ASKED") : null,
        );
        if (action.needsHelp && row.status === "IN_PROGRESS" && !this.hasOpen("AGENT") && !this.hasOpen("QUEUE")) {
          this.openEngagement("QUEUE", null, now);
        }
        return { ok: true };
      }
      case "INVITE_EXTERNAL_AGENT": {
        // The D1 invitation and the signed link are made right after (finishInvites, in afterChange).
        this.sql.exec(
          "INSERT INTO invite (pid, contact, contact_type, name, note, time_ms, by, expires_ms) VALUES (?, ?, ?, ?, ?, ?, 'YOUR_LOGIC', ?)",
          newPid(),
          action.email ?? action.phone ?? "",
          action.email ? "Email" : "Phone",
          action.name ?? null,
          action.note ?? null,
          now,
          now + (action.expiresInHours ?? DEFAULT_INVITATION_HOURS) * 3600_000,
        );
        return { ok: true };
      }
      case "COMPLETE_CONVERSATION": {
        if (row.status !== "COMPLETED") this.completeNow("BOT", null, now);
        return { ok: true };
      }
    }
  }

  /** The event for one queued trigger: the trigger plus the whole context as it is now (seed 003). */
  private async event(next: OutboxRow, now: number, expires: number): Promise<Record<string, unknown>> {
    const state = await this.withLinks(this.snapshot());
    const trigger = JSON.parse(next.trigger) as Trigger;
    if (typeof trigger.fileKey === "string") {
      const { fileKey, ...rest } = trigger;
      Object.assign(trigger, rest, { mediaLink: await this.mediaLink(fileKey) });
      delete trigger.fileKey;
    }
    const turns = state.turns.slice(-EVENT_TURNS).map((t) => ({
      time: t.time,
      engagementPid: t.engagementPid,
      type: t.type,
      participantType: t.participantType,
      ...(t.participant ? { agent: t.participant } : {}),
      content: t.content,
      contentCustomer: t.contentCustomer,
      ...(t.languageCustomer ? { languageCustomer: t.languageCustomer } : {}),
      contentAgent: t.content,
      status: t.status,
      ...(t.options ? { options: t.options } : {}),
      ...(t.externalId ? { externalId: t.externalId } : {}),
      ...(t.file ? { mediaName: t.file.name, mimeType: t.file.mimeType, mediaLink: t.file.url } : {}),
      ...(t.review ? { review: t.review } : {}),
      id: t.pid,
      pid: t.pid,
    }));
    return {
      requestId: next.request_id,
      time: iso(now),
      expires: iso(expires),
      trigger,
      accountId: state.accountId,
      domain: this.row()?.domain,
      region: this.row()?.region,
      ...(state.url ? { url: state.url } : {}),
      customer: {
        pid: state.customer.pid,
        displayName: state.customer.displayName,
        contacts: state.customer.contacts,
        custom: state.customer.custom,
      },
      conversation: {
        pid: state.pid,
        startConversationTime: state.startConversationTime,
        needsHelp: state.flags.needsHelp,
        status: state.flags.status,
        fallbackToAgent: state.flags.fallbackToAgent,
        platform: state.channel === "WHATSAPP" ? "WHATSAPP" : "UNIVERSAL_CHAT",
        direction: "INBOUND",
        ...(state.languageCustomer ? { languageCustomer: state.languageCustomer } : {}),
        ...(state.url ? { url: state.url, lastVisitedUrl: state.url } : {}),
        ...(state.brand ? { brand: state.brand } : {}),
        custom: state.custom,
      },
      engagements: state.engagements.map((e) => ({
        pid: e.pid,
        time: e.time,
        ...(e.agent ? { agent: e.agent } : {}),
        ...(e.agentName ? { name: e.agentName } : {}),
        type: e.type,
        status: e.status,
        ...(e.outcome ? { outcomeType: e.outcome } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
      })),
      turns,
    };
  }

  private updateTrigger(
    now: number,
    change: string,
    agent: string,
    participantType: ParticipantType = "AGENT",
  ): Trigger {
    const flags = this.flags();
    return {
      time: iso(now),
      type: "CONVERSATION_UPDATE",
      participantType,
      agent,
      change,
      conversation: { status: flags.status, needsHelp: flags.needsHelp },
    };
  }

  // ───────────────────────────── state changes ─────────────────────────────

  private endAgent(
    worker: Worker,
    outcome: string,
    reason: string | null,
    change: string | null,
  ): Promise<LiveResult<ConversationState>> {
    const row = this.row();
    const agent = worker.agent;
    if (!row) return Promise.resolve(notStarted());
    if (!this.isJoined(agent))
      return Promise.resolve(fail("NOT_A_PARTICIPANT", "The agent is not in the conversation."));
    const now = Date.now();
    const type = worker.external ? "EXTERNAL_AGENT" : "AGENT";
    const open = this.sql
      .exec<EngagementRow>("SELECT * FROM engagement WHERE type = ? AND agent = ? AND end_ms IS NULL", type, agent)
      .toArray();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE participant SET left_ms = ?, rev = rev + 1 WHERE id = ?", now, agent);
      this.sql.exec(
        "UPDATE engagement SET end_ms = ?, outcome = ?, reason = ?, rev = rev + 1 WHERE type = ? AND agent = ? AND end_ms IS NULL",
        now,
        outcome,
        reason,
        type,
        agent,
      );
      this.sql.exec("UPDATE conversation SET last_agent_ms = ?", now);
      const current = this.row();
      const nobody = !this.hasOpen("AGENT") && !this.hasOpen("EXTERNAL_AGENT") && !this.hasOpen("QUEUE");
      if (
        current?.status === "IN_PROGRESS" &&
        nobody &&
        (current.engage_your_logic === 0 || current.fallback_to_agent === 1)
      ) {
        this.openEngagement("QUEUE", null, now);
      }
    });
    if (change) this.enqueue(this.updateTrigger(now, change, agent, type));
    for (const e of open) {
      this.enqueue({
        time: iso(now),
        type: "ENGAGEMENT_COMPLETED",
        participantType: type,
        agent,
        engagement: {
          pid: e.pid,
          time: iso(e.start_ms),
          agent,
          ...(e.agent_name ? { name: e.agent_name } : {}),
          type,
          status: "COMPLETED",
          outcomeType: outcome,
          ...(reason ? { reason } : {}),
        },
      });
    }
    this.broadcastFlags();
    return this.afterChange().then(() => ok(this.snapshot()));
  }

  private completeNow(by: "AGENT" | "CUSTOMER" | "BOT", agent: string | null, now: number): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE conversation SET status = 'COMPLETED', needs_help = 0, needs_help_reason = NULL");
      this.sql.exec("UPDATE engagement SET end_ms = ?, outcome = 'Completed', rev = rev + 1 WHERE end_ms IS NULL", now);
      // Everyone working it is done with it: it leaves My Conversations for Recently Left.
      this.sql.exec(
        "UPDATE participant SET left_ms = ?, rev = rev + 1 WHERE type IN ('AGENT', 'EXTERNAL_AGENT') AND left_ms IS NULL",
        now,
      );
    });
    const row = this.row();
    this.enqueue({
      time: iso(now),
      type: "CONVERSATION_COMPLETED",
      participantType: by,
      ...(agent ? { agent } : {}),
      conversationPid: row?.pid,
    });
    this.broadcastFlags();
  }

  /** A real (not courtesy) customer message after completion opens the conversation again. */
  private reopen(row: ConversationRow, now: number): void {
    const bot = row.engage_your_logic === 1 && row.fallback_to_agent === 0;
    this.sql.exec(
      "UPDATE conversation SET status = 'IN_PROGRESS', needs_help = ?, needs_help_reason = ?",
      bot ? 0 : 1,
      bot ? null : "REOPENED",
    );
    this.openEngagement(bot ? "BOT" : "QUEUE", null, now);
    this.broadcastFlags();
  }

  private openEngagement(
    type: LiveEngagementType,
    agent: string | null,
    now: number,
    name: string | null = null,
  ): string {
    const pid = newPid();
    this.sql.exec(
      "INSERT INTO engagement (pid, type, agent, agent_name, start_ms) VALUES (?, ?, ?, ?, ?)",
      pid,
      type,
      agent,
      name,
      now,
    );
    return pid;
  }

  private closeEngagements(type: LiveEngagementType, now: number, outcome: string): void {
    this.sql.exec(
      "UPDATE engagement SET end_ms = ?, outcome = ?, rev = rev + 1 WHERE type = ? AND end_ms IS NULL",
      now,
      outcome,
      type,
    );
  }

  private hasOpen(type: LiveEngagementType): boolean {
    return (
      this.sql.exec("SELECT 1 FROM engagement WHERE type = ? AND end_ms IS NULL LIMIT 1", type).toArray().length > 0
    );
  }

  private isJoined(agent: string): boolean {
    return (
      this.sql
        .exec(
          "SELECT 1 FROM participant WHERE id = ? AND type IN ('AGENT', 'EXTERNAL_AGENT') AND left_ms IS NULL",
          agent,
        )
        .toArray().length > 0
    );
  }

  /** The engagement a new turn belongs to: the agent's own, the open bot one (opened if needed), or the newest. */
  private engagementFor(participantType: ParticipantType, participant: string | null, now: number): string {
    const one = (sql: string, ...args: SqlStorageValue[]) =>
      this.sql.exec<{ pid: string }>(sql, ...args).toArray()[0]?.pid;
    if ((participantType === "AGENT" || participantType === "EXTERNAL_AGENT") && participant) {
      const own = one(
        "SELECT pid FROM engagement WHERE type = ? AND agent = ? ORDER BY end_ms IS NULL DESC, start_ms DESC LIMIT 1",
        participantType,
        participant,
      );
      if (own) return own;
    }
    if (participantType === "BOT") {
      const bot = one(
        "SELECT pid FROM engagement WHERE type = 'BOT' AND end_ms IS NULL ORDER BY start_ms DESC LIMIT 1",
      );
      if (bot) return bot;
      if (this.row()?.status === "IN_PROGRESS") return this.openEngagement("BOT", null, now);
    }
    return (
      one("SELECT pid FROM engagement WHERE end_ms IS NULL ORDER BY start_ms DESC, rowid DESC LIMIT 1") ??
      one("SELECT pid FROM engagement ORDER BY start_ms DESC, rowid DESC LIMIT 1") ??
      this.openEngagement("QUEUE", null, now)
    );
  }

  private addTurn(t: {
    type: LiveTurnType;
    participantType: ParticipantType;
    participant: string | null;
    content: string;
    contentCustomer?: string;
    languageCustomer?: string | null;
    options?: QuestionOption[];
    externalId?: string;
    participantName?: string | null;
    clientId?: string;
    file?: { key: string; name: string; mimeType: string; size: number };
    now: number;
  }): LiveTurn {
    const pid = newPid();
    const engagementPid = this.engagementFor(t.participantType, t.participant, t.now);
    const status = t.participantType === "CUSTOMER" ? "RECEIVED" : "SENT";
    this.sql.exec(
      `INSERT INTO turn (pid, engagement_pid, time_ms, type, participant_type, participant, content, content_customer,
         language_customer, status, options, external_id, participant_name, client_id, file_key, file_name, file_mime,
         file_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      pid,
      engagementPid,
      t.now,
      t.type,
      t.participantType,
      t.participant,
      t.content,
      t.contentCustomer ?? t.content,
      t.languageCustomer ?? null,
      status,
      t.options ? JSON.stringify(t.options) : null,
      t.externalId ?? null,
      t.participantName ?? null,
      t.clientId ?? null,
      t.file?.key ?? null,
      t.file?.name ?? null,
      t.file?.mimeType ?? null,
      t.file?.size ?? null,
    );
    return turnView(this.sql.exec<TurnRow>("SELECT * FROM turn WHERE pid = ?", pid).one());
  }

  /** After any change: sync D1, send the next Your Logic event, set the alarm. */
  private async afterChange(): Promise<void> {
    await this.finishInvites();
    // The next event leaves before the D1 write: it is built from this object's own state, and
    // Your Logic should not wait on D1 (bench/live.mjs measures the difference).
    await this.pump();
    await this.sync();
    await this.scheduleAlarm();
  }

  /** The account's Your Logic, read from D1 (and decrypted) at most every TARGET_TTL_MS. */
  private async target(accountId: string) {
    const now = Date.now();
    if (!this.cachedTarget || this.cachedTarget.until < now) {
      const value = await yourLogicTarget(this.env, accountId).catch(() => null);
      this.cachedTarget = { value, until: now + TARGET_TTL_MS };
    }
    return this.cachedTarget.value;
  }

  private cachedTarget: { value: Awaited<ReturnType<typeof yourLogicTarget>>; until: number } | null = null;

  /**
   * Invitations without a link yet (an agent's, or Your Logic's INVITE_EXTERNAL_AGENT): the D1
   * row an external agent's link is checked against, the signed link, and a note for agents with it.
   */
  private async finishInvites(): Promise<void> {
    const row = this.row();
    if (!row) return;
    const pending = this.sql
      .exec<{
        pid: string;
        contact: string;
        contact_type: string;
        name: string | null;
        note: string | null;
        by: string;
        expires_ms: number;
      }>("SELECT * FROM invite WHERE link IS NULL ORDER BY time_ms")
      .toArray();
    for (const invite of pending) {
      try {
        await insertInvitation(dbFor(this.env, row.account_id), {
          accountId: row.account_id,
          id: invite.pid,
          conversationPid: row.pid,
          contact: invite.contact,
          contactType: invite.contact_type,
          name: invite.name,
          note: invite.note,
          invitedBy: invite.by,
          expiresAt: Math.floor(invite.expires_ms / 1000),
        });
      } catch (err) {
        console.error("live conversation: invitation write failed, will retry", err);
        this.setMeta("sync_failed", "1");
        continue;
      }
      const link = await externalLink(signingSecret(this.env), row.origin ?? "", {
        accountId: row.account_id,
        conversationPid: row.pid,
        invitationPid: invite.pid,
        expiresAt: Math.floor(invite.expires_ms / 1000),
      });
      this.sql.exec("UPDATE invite SET link = ? WHERE pid = ?", link, invite.pid);
      const who = invite.name ? `${invite.name} (${invite.contact})` : invite.contact;
      const turn = this.addTurn({
        type: "NOTE",
        participantType: invite.by === "YOUR_LOGIC" ? "BOT" : "SYSTEM",
        participant: null,
        // The link is a credential: it is in the invitations agents read, never in a turn (turns go to D1 and exports).
        content:
          `External agent invited: ${who}, until ${iso(invite.expires_ms)}.` + (invite.note ? `\n${invite.note}` : ""),
        now: Date.now(),
      });
      this.broadcast({ type: "turn", turn });
    }
  }

  /** The alarm is Your Logic's clock (the in-flight event's expiry) and retries D1 writes and sends. */
  private async scheduleAlarm(): Promise<void> {
    const inFlight = this.inFlight();
    if (inFlight?.expires_ms) {
      this.setMeta("alarm", `expiry:${inFlight.request_id}`);
      await this.ctx.storage.setAlarm(inFlight.expires_ms);
      return;
    }
    if (this.meta("sync_failed") === "1" || this.nextQueued()) {
      this.setMeta("alarm", "retry");
      await this.ctx.storage.setAlarm(Date.now() + SYNC_RETRY_MS);
      return;
    }
    this.setMeta("alarm", "");
    await this.ctx.storage.deleteAlarm();
  }

  /**
   * Writes what changed since the last sync to D1, one write at a time: a call during a write waits
   * for it and for one more that takes everything new since. Without this, a burst of N messages
   * started N writes at once, each re-sending every row not yet marked synced, and every Your Logic
   * event of the burst waited behind that D1 backlog (bench/live.mjs: no event left for minutes at
   * 100 conversations × 100 messages).
   */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce();
        } while (this.syncAgain);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** The D1 write in progress, and whether something changed while it ran. */
  private syncing: Promise<void> | null = null;
  private syncAgain = false;

  /** One write of what changed since the last sync to D1; on failure the alarm retries. */
  private async syncOnce(): Promise<void> {
    const row = this.row();
    if (!row) return;
    const db = rawDbFor(this.env, row.account_id);
    const conversation: JournalConversation = {
      accountId: row.account_id,
      pid: row.pid,
      startMs: row.start_ms,
      channel: row.channel as LiveChannel,
      brand: row.brand,
      languageCustomer: row.language_customer,
      customerPid: row.customer_pid,
    };
    const engagements = this.sql
      .exec<EngagementRow & { rev: number }>("SELECT * FROM engagement WHERE rev > synced_rev")
      .toArray();
    const turns = this.sql.exec<TurnRow & { rev: number }>("SELECT * FROM turn WHERE rev > synced_rev").toArray();
    const participants = this.sql
      .exec<{ id: string; type: string; name: string | null; joined_ms: number; left_ms: number | null; rev: number }>(
        "SELECT * FROM participant WHERE rev > synced_rev AND type IN ('AGENT', 'EXTERNAL_AGENT')",
      )
      .toArray();
    const customerRev = row.customer_rev;
    const statements: D1PreparedStatement[] = [];
    for (const p of participants) {
      statements.push(
        agentStatement(db, row.account_id, {
          pid: p.type === "AGENT" ? p.id : p.id.replace(/^ext:/, ""),
          name: p.name,
          external: p.type === "EXTERNAL_AGENT",
        }),
      );
      if (p.type === "AGENT") {
        statements.push(
          participationStatement(db, row.account_id, {
            userId: p.id,
            conversationPid: row.pid,
            joinedMs: p.joined_ms,
            leftMs: p.left_ms,
          }),
        );
      }
    }
    if (customerRev > row.customer_synced_rev) {
      statements.push(
        ...customerStatements(db, row.account_id, {
          pid: row.customer_pid,
          displayName: row.customer_name,
          contacts: JSON.parse(row.customer_contacts) as Contact[],
        }),
      );
    }
    for (const e of engagements) {
      statements.push(
        engagementStatement(db, conversation, {
          pid: e.pid,
          type: e.type as LiveEngagementType,
          agent: e.type === "EXTERNAL_AGENT" ? (e.agent ?? "").replace(/^ext:/, "") : e.agent,
          startMs: e.start_ms,
          endMs: e.end_ms,
          outcome: e.outcome,
          reason: e.reason,
        }),
      );
    }
    for (const t of turns) {
      statements.push(
        ...turnStatements(db, conversation, {
          pid: t.pid,
          engagementPid: t.engagement_pid,
          timeMs: t.time_ms,
          type: t.type as LiveTurnType,
          participantType: t.participant_type as ParticipantType,
          participant: t.participant,
          content: t.content,
          contentCustomer: t.content_customer,
          languageCustomer: t.language_customer,
        }),
      );
    }
    // The inbox row is cheap and always current (flags such as Your Logic working change without rows).
    statements.push(inboxStatement(db, this.inboxRow(row)));
    try {
      await db.batch(statements);
    } catch (err) {
      console.error("live conversation: D1 write failed, will retry", err);
      this.setMeta("sync_failed", "1");
      return;
    }
    this.ctx.waitUntil(notifyInbox(this.env, row.account_id, row.pid).catch(() => {}));
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE conversation SET customer_synced_rev = MAX(customer_synced_rev, ?)", customerRev);
      for (const e of engagements) {
        this.sql.exec("UPDATE engagement SET synced_rev = MAX(synced_rev, ?) WHERE pid = ?", e.rev, e.pid);
      }
      for (const t of turns) {
        this.sql.exec("UPDATE turn SET synced_rev = MAX(synced_rev, ?) WHERE pid = ?", t.rev, t.pid);
      }
      for (const p of participants) {
        this.sql.exec("UPDATE participant SET synced_rev = MAX(synced_rev, ?) WHERE id = ?", p.rev, p.id);
      }
      this.setMeta("sync_failed", "0");
    });
  }

  // ───────────────────────────── reading ─────────────────────────────

  private row(): ConversationRow | undefined {
    return this.sql.exec<ConversationRow>("SELECT * FROM conversation WHERE id = 1").toArray()[0];
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  private flags(): ConversationFlags {
    const row = this.row();
    return {
      status: (row?.status ?? "IN_PROGRESS") as ConversationFlags["status"],
      needsHelp: row?.needs_help === 1,
      yourLogicWorking: this.inFlight() !== undefined,
      engageYourLogic: row?.engage_your_logic === 1,
      fallbackToAgent: row?.fallback_to_agent === 1,
    };
  }

  private snapshot(): ConversationState {
    const row = this.row();
    if (!row) throw new Error("conversation not started");
    const inFlight = this.inFlight();
    const queued = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'QUEUED'").one().n;
    return {
      accountId: row.account_id,
      pid: row.pid,
      startConversationTime: iso(row.start_ms),
      channel: row.channel as LiveChannel,
      brand: row.brand,
      url: row.url,
      languageCustomer: row.language_customer,
      flags: this.flags(),
      needsHelpReason: row.needs_help_reason,
      customer: {
        pid: row.customer_pid,
        displayName: row.customer_name,
        contacts: JSON.parse(row.customer_contacts) as Contact[],
        custom: JSON.parse(row.customer_custom) as CustomData,
      },
      custom: JSON.parse(row.custom) as CustomData,
      engagements: this.sql
        .exec<EngagementRow>("SELECT * FROM engagement ORDER BY start_ms, rowid")
        .toArray()
        .map(
          (e): LiveEngagement => ({
            pid: e.pid,
            time: iso(e.start_ms),
            endTime: e.end_ms === null ? null : iso(e.end_ms),
            type: e.type as LiveEngagementType,
            status: e.end_ms === null ? "IN_PROGRESS" : "COMPLETED",
            ...(e.agent ? { agent: e.agent } : {}),
            ...(e.agent_name ? { agentName: e.agent_name } : {}),
            ...(e.outcome ? { outcome: e.outcome } : {}),
            ...(e.reason ? { reason: e.reason } : {}),
          }),
        ),
      turns: this.sql.exec<TurnRow>("SELECT * FROM turn ORDER BY seq").toArray().map(turnView),
      participants: this.sql
        .exec<{ id: string; type: string; name: string | null; joined_ms: number; left_ms: number | null }>(
          "SELECT * FROM participant ORDER BY joined_ms, id",
        )
        .toArray()
        .map((p) => ({
          id: p.id,
          type: p.type as ParticipantType,
          name: p.name,
          joinedAt: iso(p.joined_ms),
          leftAt: p.left_ms === null ? null : iso(p.left_ms),
        })),
      invitations: this.sql
        .exec<{
          pid: string;
          contact: string;
          contact_type: string;
          name: string | null;
          time_ms: number;
          by: string;
          expires_ms: number;
          link: string | null;
        }>("SELECT * FROM invite ORDER BY time_ms")
        .toArray()
        .map((i) => ({
          pid: i.pid,
          contact: i.contact,
          contactType: i.contact_type as "Email" | "Phone",
          name: i.name,
          time: iso(i.time_ms),
          expiresAt: iso(i.expires_ms),
          by: i.by,
          link: i.link,
        })),
      yourLogic: {
        inFlight: inFlight
          ? {
              requestId: inFlight.request_id,
              trigger: (JSON.parse(inFlight.trigger) as Trigger).type,
              expires: iso(inFlight.expires_ms ?? 0),
            }
          : null,
        queued,
      },
    };
  }

  /** The state a socket gets on connect; customers never see notes, events or Your Logic's internals. */
  private async stateFrame(attachment: SocketAttachment): Promise<ServerFrame> {
    const state = await this.withLinks(this.snapshot());
    if (attachment.role === "agent") return { type: "state", conversation: state };
    if (attachment.role === "external") return { type: "state", conversation: externalView(state) };
    return { type: "state", conversation: customerView(state) };
  }

  /** The file turns' links, signed now (valid 24 hours). */
  private async withLinks<T extends ConversationState | LiveTurn>(value: T): Promise<T> {
    const turns: LiveTurn[] = "turns" in value ? value.turns : [value as LiveTurn];
    for (const t of turns) {
      if (!t.file) continue;
      const key = this.sql.exec<{ file_key: string }>("SELECT file_key FROM turn WHERE pid = ?", t.pid).one().file_key;
      t.file.url = await this.mediaLink(key);
    }
    return value;
  }

  private async mediaLink(key: string): Promise<string> {
    const row = this.row();
    return signMediaLink(signingSecret(this.env), row?.origin ?? "", row?.account_id ?? "", key);
  }

  /** A turn made before under the same client id by the same participant (a re-sent frame). */
  private byClientId(participantType: ParticipantType, participant: string | null, clientId?: string): LiveTurn | null {
    if (!clientId) return null;
    const row = this.sql
      .exec<TurnRow>(
        "SELECT * FROM turn WHERE client_id = ? AND participant_type = ? AND COALESCE(participant, '') = ? LIMIT 1",
        clientId,
        participantType,
        participant ?? "",
      )
      .toArray()[0];
    return row ? turnView(row) : null;
  }

  /** The conversation's row in the live inbox (D1). */
  private inboxRow(row: ConversationRow) {
    const last = this.sql
      .exec<TurnRow>("SELECT * FROM turn WHERE type NOT IN ('NOTE', 'EVENT') ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    const agents = this.sql
      .exec<{ id: string; name: string | null }>(
        "SELECT id, name FROM participant WHERE type IN ('AGENT', 'EXTERNAL_AGENT') AND left_ms IS NULL ORDER BY joined_ms",
      )
      .toArray();
    return {
      accountId: row.account_id,
      conversationPid: row.pid,
      customerPid: row.customer_pid,
      customerName: row.customer_name,
      channel: row.channel,
      brand: row.brand,
      status: row.status,
      needsHelp: row.needs_help === 1,
      needsHelpReason: row.needs_help_reason,
      yourLogicWorking: this.inFlight() !== undefined,
      lastTurn: last
        ? { time: iso(last.time_ms), participantType: last.participant_type, content: last.content.slice(0, 200) }
        : null,
      agents: agents.map((a) => ({ id: a.id, name: a.name })),
      startMs: row.start_ms,
      updatedMs: Date.now(),
    };
  }

  private broadcast(frame: ServerFrame): void {
    const text = JSON.stringify(frame);
    const internal = frame.type === "turn" && (frame.turn.type === "NOTE" || frame.turn.type === "EVENT");
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      if (internal && attachment?.role === "customer") continue;
      try {
        ws.send(text);
      } catch {
        // A socket closing as we send; its close handler cleans up.
      }
    }
  }

  private broadcastFlags(): void {
    if (this.ctx.getWebSockets().length === 0) return;
    this.broadcast({ type: "flags", flags: this.flags(), needsHelpReason: this.row()?.needs_help_reason ?? null });
  }
}

function turnView(t: TurnRow): LiveTurn {
  return {
    pid: t.pid,
    time: iso(t.time_ms),
    engagementPid: t.engagement_pid,
    type: t.type as LiveTurnType,
    participantType: t.participant_type as ParticipantType,
    ...(t.participant ? { participant: t.participant } : {}),
    content: t.content,
    contentCustomer: t.content_customer,
    ...(t.language_customer ? { languageCustomer: t.language_customer } : {}),
    status: t.status,
    ...(t.options ? { options: JSON.parse(t.options) as QuestionOption[] } : {}),
    ...(t.external_id ? { externalId: t.external_id } : {}),
    ...(t.participant_name ? { participantName: t.participant_name } : {}),
    ...(t.client_id ? { clientId: t.client_id } : {}),
    ...(t.file_key
      ? {
          file: {
            name: t.file_name ?? "file",
            mimeType: t.file_mime ?? "application/octet-stream",
            size: t.file_size ?? 0,
            url: "",
          },
        }
      : {}),
    ...(t.review ? { review: t.review as "UP" | "DOWN" } : {}),
  };
}

/** What the customer may see of the conversation: no notes, events, invitations or Your Logic internals. */
export function customerView(state: ConversationState): ConversationState {
  return {
    ...state,
    turns: state.turns.filter((t) => t.type !== "NOTE" && t.type !== "EVENT"),
    participants: state.participants.map((p) => (p.type === "EXTERNAL_AGENT" ? { ...p, id: "external" } : p)),
    invitations: [],
    yourLogic: { inFlight: null, queued: 0 },
  };
}

/** What an external agent may see: no invitation links, the customer's contacts masked. */
export function externalView(state: ConversationState): ConversationState {
  return {
    ...state,
    customer: {
      ...state.customer,
      contacts: state.customer.contacts.map((x) => ({ ...x, contact: maskContact(x.contact) })),
    },
    invitations: [],
  };
}

function sameSocketOwner(a: SocketAttachment, b: SocketAttachment): boolean {
  if (a.role === "customer" || b.role === "customer") return a.role === b.role;
  return a.agent === b.agent;
}

function send(ws: WebSocket, frame: ServerFrame): void {
  ws.send(JSON.stringify(frame));
}

function errorFrame(code: string, message: string, clientId?: string): ServerFrame {
  return { type: "error", code, message, ...(clientId ? { clientId } : {}) };
}

function notStarted() {
  return fail("NOT_STARTED", "This conversation has not started.");
}

function completed() {
  return fail("CONVERSATION_COMPLETED", "The conversation is completed.");
}

function tooLong() {
  return fail("MESSAGE_TOO_LONG", `Messages are limited to ${MAX_MESSAGE_CHARS} characters.`);
}

/** The object of one conversation: named by account and conversation PID, so no account reaches another's. */
export function conversationStub(env: Bindings, accountId: string, conversationPid: string) {
  return env.CONVERSATION.get(env.CONVERSATION.idFromName(`${accountId}/${conversationPid}`));
}
