import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Conventions
// - Every account-owned table has `account_id`, and it leads every index and primary key.
//   The only indexes not led by it are the three sign-in lookups (user e-mail, session
//   token hash, API key id), which run before the account is known.
// - Times are Unix seconds (INTEGER), durations are seconds (REAL), per ARCHITECTURE §4.
// - Data-set items have a `pid` (UUID): v5 from (account, source, data set, external id)
//   when they come from a source, v4 when born in Brine.
// - References to entities (queue, team, …) hold the entity's PID.

const accountId = () => text("account_id").notNull();
const pid = () => text("pid").notNull();
const sourceId = () => text("source_id");
const externalId = () => text("external_id");
const updatedAt = () => integer("updated_at").notNull().default(sql`(unixepoch())`);
const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch())`);

// ───────────────────────────── accounts and access ─────────────────────────────

/** A tenant: one contact center, identified by its domain, living in one region. */
export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    domain: text("domain").notNull(),
    region: text("region").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("account_domain").on(t.domain)],
);

/** A person who signs in to Brine; the role carries the permissions. */
export const user = sqliteTable(
  "user",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    passwordHash: text("password_hash").notNull(),
    disabledAt: integer("disabled_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    // Sign-in looks a user up by e-mail before it knows the account.
    uniqueIndex("user_email").on(t.email),
  ],
);

/** A signed-in browser session; only the SHA-256 of the cookie token is stored. */
export const session = sqliteTable(
  "session",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: accountId(),
    userId: text("user_id").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("session_user").on(t.accountId, t.userId)],
);

/** Failed sign-ins per throttle key (e-mail or client address) in the current window. */
export const loginAttempt = sqliteTable("login_attempt", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: integer("window_start").notNull(),
});

/** An account's API key; the secret is shown once and only its SHA-256 is kept. */
export const apiKey = sqliteTable(
  "api_key",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    secretHash: text("secret_hash").notNull(),
    hint: text("hint").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    // Bearer authentication finds the key by id before it knows the account.
    uniqueIndex("api_key_id").on(t.id),
  ],
);

/** An ingestion source: a connected platform or an Ingest API integration. */
export const source = sqliteTable(
  "source",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("source_name").on(t.accountId, t.name)],
);

/** Ingest and connector warnings and errors, readable by users and through the API. */
export const technicalLog = sqliteTable(
  "technical_log",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    time: integer("time").notNull(),
    level: text("level").notNull(),
    code: text("code").notNull(),
    message: text("message").notNull(),
    sourceId: sourceId(),
    batchId: text("batch_id"),
    file: text("file"),
    line: integer("line"),
    property: text("property"),
    value: text("value"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("technical_log_time").on(t.accountId, t.time),
    index("technical_log_batch").on(t.accountId, t.batchId, t.line),
  ],
);

// ───────────────────────────── the logical model ─────────────────────────────

/** Entities (queue, team, department, outcome, channel, …): one attribute, two labels. */
export const entity = sqliteTable(
  "entity",
  {
    accountId: accountId(),
    kind: text("kind").notNull(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] }), index("entity_kind_name").on(t.accountId, t.kind, t.name)],
);

/** The person the company engages with; contacts live in customer_contact. */
export const customer = sqliteTable(
  "customer",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    link: text("link"),
    type: text("type"),
    category: text("category"),
    segment: text("segment"),
    organization: text("organization"),
    region: text("region"),
    country: text("country"),
    state: text("state"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    // The journey's customer search finds a profile by its ID in a source.
    index("customer_external").on(t.accountId, t.externalId, t.pid),
  ],
);

/** The identity graph: e-mails, phones and chat ids that belong to one customer profile. */
export const customerContact = sqliteTable(
  "customer_contact",
  {
    accountId: accountId(),
    contact: text("contact").notNull(),
    type: text("type").notNull(),
    customerPid: text("customer_pid").notNull(),
    sourceId: sourceId(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.contact, t.customerPid] }),
    index("customer_contact_customer").on(t.accountId, t.customerPid),
  ],
);

/** A person or service that interacts with customers on behalf of the company. */
export const agent = sqliteTable(
  "agent",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    email: text("email"),
    status: text("status"),
    type: text("type"),
    hourlyCost: real("hourly_cost"),
    engagementCost: real("engagement_cost"),
    teamPid: text("team_pid"),
    departmentPid: text("department_pid"),
    location: text("location"),
    organization: text("organization"),
    role: text("role"),
    manager: text("manager"),
    userId: text("user_id"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] })],
);

/** A person or organisation outside the company who takes part in conversations. */
export const externalAgent = sqliteTable(
  "external_agent",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    email: text("email"),
    organization: text("organization"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] })],
);

/** The service or product a conversation is primarily about. */
export const service = sqliteTable(
  "service",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    category: text("category"),
    partner: text("partner"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] })],
);

/**
 * One engagement between a participant (agent, bot, queue, menu, …) and a customer.
 * Wide on purpose: analytics scans it, so every attribute and fact is a column.
 */
export const engagement = sqliteTable(
  "engagement",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    link: text("link"),
    // references
    agentPid: text("agent_pid"),
    customerPid: text("customer_pid"),
    externalAgentPid: text("external_agent_pid"),
    servicePid: text("service_pid"),
    conversationPid: text("conversation_pid"),
    conversationExternalId: text("conversation_external_id"),
    // dates
    conversationStartTime: integer("conversation_start_time"),
    startTime: integer("start_time"),
    endTime: integer("end_time"),
    // enumerations
    channelType: text("channel_type"),
    direction: text("direction"),
    status: text("status"),
    type: text("type"),
    outcomeType: text("outcome_type"),
    serviceLevel: text("service_level"),
    terminatedBy: text("terminated_by"),
    initiatedBy: text("initiated_by"),
    resolution: text("resolution"),
    // entities
    channelPid: text("channel_pid"),
    queuePid: text("queue_pid"),
    teamPid: text("team_pid"),
    departmentPid: text("department_pid"),
    outcomePid: text("outcome_pid"),
    outcomeCategoryPid: text("outcome_category_pid"),
    campaignPid: text("campaign_pid"),
    menuPathPid: text("menu_path_pid"),
    companyContactPid: text("company_contact_pid"),
    // attributes
    reason: text("reason"),
    reasonCategory: text("reason_category"),
    caseName: text("case_name"),
    platform: text("platform"),
    language: text("language"),
    channelVendor: text("channel_vendor"),
    category: text("category"),
    priority: text("priority"),
    flow: text("flow"),
    brand: text("brand"),
    topicCategory: text("topic_category"),
    topic: text("topic"),
    attribute01: text("attribute_01"),
    attribute02: text("attribute_02"),
    attribute03: text("attribute_03"),
    attribute04: text("attribute_04"),
    agentLocation: text("agent_location"),
    agentRole: text("agent_role"),
    agentOrganization: text("agent_organization"),
    agentManager: text("agent_manager"),
    recordingUrl: text("recording_url"),
    // facts (durations in seconds)
    cost: real("cost"),
    engagementTime: real("engagement_time"),
    focusTime: real("focus_time"),
    holdTime: real("hold_time"),
    invitationTime: real("invitation_time"),
    menuTime: real("menu_time"),
    preparationTime: real("preparation_time"),
    waitTime: real("wait_time"),
    wrapUpTime: real("wrap_up_time"),
    totalTime: real("total_time"),
    waitForCustomerTime: real("wait_for_customer_time"),
    engagementFact01: real("engagement_fact_01"),
    engagementFact02: real("engagement_fact_02"),
    engagementFact03: real("engagement_fact_03"),
    orderAgentEngagements: integer("order_agent_engagements"),
    totalConversationAgentEngagements: integer("total_conversation_agent_engagements"),
    // AI scores, filled by auto reviews
    adaptability: real("adaptability"),
    adherence: real("adherence"),
    clarity: real("clarity"),
    completeness: real("completeness"),
    customerSatisfaction: real("customer_satisfaction"),
    empathy: real("empathy"),
    expressedSatisfaction: real("expressed_satisfaction"),
    languageSkills: real("language_skills"),
    persuasion: real("persuasion"),
    severity: real("severity"),
    understanding: real("understanding"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    // pid too, so exports and lists walk a time range in a stable order without sorting.
    index("engagement_start").on(t.accountId, t.startTime, t.pid),
    index("engagement_customer").on(t.accountId, t.customerPid, t.startTime),
    index("engagement_conversation").on(t.accountId, t.conversationPid, t.startTime),
    index("engagement_agent").on(t.accountId, t.agentPid, t.startTime),
  ],
);

/** Turn metadata: one message, talk, menu step or event. Its text lives in turn_content. */
export const turn = sqliteTable(
  "turn",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    engagementPid: text("engagement_pid"),
    turnTime: integer("turn_time"),
    responseTo: text("response_to"),
    participant: text("participant"),
    participantPid: text("participant_pid"),
    type: text("type"),
    origin: text("origin"),
    categoryPid: text("category_pid"),
    duration: real("duration"),
    length: integer("length"),
    sentiment: real("sentiment"),
    confidence: real("confidence"),
    quality: real("quality"),
    languageAgent: text("language_agent"),
    languageCustomer: text("language_customer"),
    languageContent: text("language_content"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    index("turn_engagement").on(t.accountId, t.engagementPid, t.turnTime, t.pid),
  ],
);

/** What was said in a turn, kept apart so no report ever reads conversation content. */
export const turnContent = sqliteTable(
  "turn_content",
  {
    accountId: accountId(),
    turnPid: text("turn_pid").notNull(),
    content: text("content"),
    contentAgent: text("content_agent"),
    contentCustomer: text("content_customer"),
    mediaName: text("media_name"),
    mediaType: text("media_type"),
    mediaKey: text("media_key"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.turnPid] })],
);

/** A question or a tag (a tag is a question with one implicit answer). */
export const question = sqliteTable(
  "question",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    type: text("type"),
    answerType: text("answer_type"),
    worstScore: real("worst_score"),
    bestScore: real("best_score"),
    builtIn: integer("built_in", { mode: "boolean" }).notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] })],
);

/** An allowed answer to a question, with its score. */
export const answer = sqliteTable(
  "answer",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    questionPid: text("question_pid"),
    name: text("name"),
    score: real("score"),
    position: integer("position"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    index("answer_question").on(t.accountId, t.questionPid, t.position),
  ],
);

/** A person or service that provides reviews (a user, a customer survey, the AI). */
export const reviewer = sqliteTable(
  "reviewer",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    name: text("name"),
    type: text("type"),
    userId: text("user_id"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] })],
);

/** One answer, tag or comment on an engagement or one of its turns. */
export const review = sqliteTable(
  "review",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    engagementPid: text("engagement_pid"),
    turnPid: text("turn_pid"),
    reviewerPid: text("reviewer_pid"),
    questionPid: text("question_pid"),
    answerPid: text("answer_pid"),
    answerReasonPid: text("answer_reason_pid"),
    answerReason: text("answer_reason"),
    reviewTime: integer("review_time"),
    reviewSessionId: text("review_session_id"),
    status: text("status"),
    sampling: text("sampling"),
    type: text("type"),
    kind: text("kind"),
    answerType: text("answer_type"),
    confidence: real("confidence"),
    score: real("score"),
    answerScore: real("answer_score"),
    worstScore: real("worst_score"),
    bestScore: real("best_score"),
    comment: text("comment"),
    commentTranslated: text("comment_translated"),
    commentLanguage: text("comment_language"),
    commentTranslatedLanguage: text("comment_translated_language"),
    verified: integer("verified", { mode: "boolean" }),
    verifiedBy: text("verified_by"),
    verificationComment: text("verification_comment"),
    version: integer("version"),
    formId: text("form_id"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    index("review_engagement").on(t.accountId, t.engagementPid),
    index("review_time").on(t.accountId, t.reviewTime),
    // CSAT, tags and coverage filter reviews by question: this lets SQLite start from them.
    index("review_question").on(t.accountId, t.questionPid, t.engagementPid),
  ],
);

/** Something that happened in an engagement with revenue and cost attached. */
export const transaction = sqliteTable(
  "transaction",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    engagementPid: text("engagement_pid"),
    servicePid: text("service_pid"),
    time: integer("time"),
    type: text("type"),
    status: text("status"),
    name: text("name"),
    currency: text("currency"),
    revenue: real("revenue"),
    cost: real("cost"),
    quantity: real("quantity"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    index("transaction_engagement").on(t.accountId, t.engagementPid),
    index("transaction_time").on(t.accountId, t.time),
  ],
);

/** Time one agent spent in one status (AUX code) within one 15-minute interval. */
export const activity = sqliteTable(
  "activity",
  {
    accountId: accountId(),
    pid: pid(),
    sourceId: sourceId(),
    externalId: externalId(),
    agentPid: text("agent_pid"),
    intervalStart: integer("interval_start"),
    status: text("status"),
    statusType: text("status_type"),
    duration: real("duration"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.pid] }),
    index("activity_interval").on(t.accountId, t.intervalStart, t.agentPid),
  ],
);

// ───────────────────────────── ingest ─────────────────────────────

/** One uploaded ZIP and its processing: status, progress, counts and resume checkpoint. */
export const ingestBatch = sqliteTable(
  "ingest_batch",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    sourceId: text("source_id").notNull(),
    status: text("status").notNull(),
    objectKey: text("object_key").notNull(),
    bytes: integer("bytes"),
    uploadExpiresAt: integer("upload_expires_at").notNull(),
    uploadedAt: integer("uploaded_at"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    /** Compressed bytes read so far, for progress. */
    bytesRead: integer("bytes_read").notNull().default(0),
    /** Resume point: ZIP entry index and the last line written in it. */
    checkpointEntry: integer("checkpoint_entry").notNull().default(0),
    checkpointLine: integer("checkpoint_line").notNull().default(0),
    loaded: integer("loaded").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    warned: integer("warned").notNull().default(0),
    logEntries: integer("log_entries").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    leaseUntil: integer("lease_until"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("ingest_batch_created").on(t.accountId, t.createdAt),
    index("ingest_batch_source").on(t.accountId, t.sourceId, t.createdAt),
  ],
);

/** Per-file counts of one batch. */
export const ingestBatchFile = sqliteTable(
  "ingest_batch_file",
  {
    accountId: accountId(),
    batchId: text("batch_id").notNull(),
    entry: integer("entry").notNull(),
    name: text("name").notNull(),
    target: text("target"),
    status: text("status").notNull(),
    lines: integer("lines").notNull().default(0),
    loaded: integer("loaded").notNull().default(0),
    rejected: integer("rejected").notNull().default(0),
    warned: integer("warned").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.batchId, t.entry] })],
);

// ───────────────────────────── export ─────────────────────────────

/**
 * One Export API job: its request, status and progress, and the checkpoint of the file being
 * written (multipart upload, parts so far, row cursor and the bytes not yet in a part).
 */
export const exportJob = sqliteTable(
  "export_job",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    status: text("status").notNull(),
    /** The range in Unix milliseconds: [from, to). */
    fromMs: integer("from_ms").notNull(),
    toMs: integer("to_ms").notNull(),
    include: text("include", { mode: "json" }).$type<string[]>().notNull(),
    contact: text("contact"),
    /** Customer profiles `contact` resolved to; null when the export is not filtered. */
    customerPids: text("customer_pids", { mode: "json" }).$type<string[]>(),
    requestedBy: text("requested_by"),
    rowsTotal: integer("rows_total"),
    rowsWritten: integer("rows_written").notNull().default(0),
    /** Per finished file: rows and bytes. */
    files: text("files", { mode: "json" }).$type<Record<string, { rows: number; bytes: number }>>().notNull(),
    /** Index into `include` of the file being written. */
    fileIndex: integer("file_index").notNull().default(0),
    uploadId: text("upload_id"),
    parts: text("parts", { mode: "json" }).$type<{ partNumber: number; etag: string }[]>(),
    cursor: text("cursor", { mode: "json" }).$type<unknown>(),
    /** Base64 of the bytes after the last uploaded part. */
    carry: text("carry"),
    fileRows: integer("file_rows").notNull().default(0),
    fileBytes: integer("file_bytes").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    leaseUntil: integer("lease_until"),
    createdAt: createdAt(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("export_job_created").on(t.accountId, t.createdAt),
    index("export_job_status").on(t.accountId, t.status, t.updatedAt),
  ],
);

// ───────────────────────────── analytics ─────────────────────────────

/** An account's own metric, written in the metric language (docs/metrics.md); built-ins live in code. */
export const metric = sqliteTable(
  "metric",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** The name as the language compares names (trimmed, spaces collapsed, lower case). */
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    definition: text("definition").notNull(),
    format: text("format").notNull(),
    /** The user who created it. */
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), uniqueIndex("metric_name_key").on(t.accountId, t.nameKey)],
);

/** A visualization an account's users made; built-ins live in code (workers/analytics/builtin-visualizations.ts). */
export const visualization = sqliteTable(
  "visualization",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** The name as names compare (trimmed, spaces collapsed, lower case), for search and order. */
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    /** The VisualizationSpec as JSON. */
    spec: text("spec").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("visualization_name").on(t.accountId, t.nameKey, t.id)],
);

/** A user's favorite visualization (built-in or custom). */
export const visualizationFavorite = sqliteTable(
  "visualization_favorite",
  {
    accountId: accountId(),
    userId: text("user_id").notNull(),
    visualizationId: text("visualization_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId, t.visualizationId] })],
);

/** A dashboard an account's users made or copied; built-ins live in code. */
export const dashboard = sqliteTable(
  "dashboard",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    /** Filters and items (DashboardLayout) as JSON. */
    layout: text("layout").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("dashboard_name").on(t.accountId, t.nameKey, t.id)],
);

/** A user's saved filter values on a dashboard; never visible to other users. */
export const dashboardView = sqliteTable(
  "dashboard_view",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    dashboardId: text("dashboard_id").notNull(),
    name: text("name").notNull(),
    /** FilterValues as JSON. */
    filters: text("filters").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("dashboard_view_user").on(t.accountId, t.userId, t.dashboardId),
  ],
);

/** Engagements saved from a list ("Save engagements as selection"), as they matched then. */
export const selection = sqliteTable(
  "selection",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** The EngagementQuery as JSON. */
    query: text("query").notNull(),
    engagements: integer("engagements").notNull(),
    truncated: integer("truncated", { mode: "boolean" }).notNull().default(false),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("selection_created").on(t.accountId, t.createdAt, t.id)],
);

/** One engagement of a selection, in list order. */
export const selectionEngagement = sqliteTable(
  "selection_engagement",
  {
    accountId: accountId(),
    selectionId: text("selection_id").notNull(),
    position: integer("position").notNull(),
    engagementPid: text("engagement_pid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.selectionId, t.position] })],
);

// ───────────────────────────── journey and quality assurance ─────────────────────────────

/**
 * A review form: blocks (a tag set, a single-choice question, a scale, a comment) over the
 * account's questions, and the places it may be used (engagement, customer/agent/bot turn).
 */
export const reviewForm = sqliteTable(
  "review_form",
  {
    accountId: accountId(),
    pid: pid(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    /** ReviewScope[] as JSON: where the form may be used. */
    scopes: text("scopes").notNull(),
    /** FormBlock[] as JSON. */
    blocks: text("blocks").notNull(),
    builtIn: integer("built_in", { mode: "boolean" }).notNull().default(false),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.pid] }), uniqueIndex("review_form_name").on(t.accountId, t.nameKey)],
);

/** The form a user last chose for one scope (engagement, customer, agent or bot turn). */
export const reviewFormChoice = sqliteTable(
  "review_form_choice",
  {
    accountId: accountId(),
    userId: text("user_id").notNull(),
    scope: text("scope").notNull(),
    formPid: text("form_pid").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId, t.scope] })],
);

/**
 * A user's feedback on a review: approve or dispute a human review; correct, incorrect or
 * unclear for an automatic one (training data for auto reviews). One per user and review.
 */
export const reviewFeedback = sqliteTable(
  "review_feedback",
  {
    accountId: accountId(),
    reviewPid: text("review_pid").notNull(),
    userId: text("user_id").notNull(),
    verdict: text("verdict").notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.reviewPid, t.userId] }),
    index("review_feedback_verdict").on(t.accountId, t.verdict, t.createdAt),
  ],
);

/** Every reveal of a customer's personal data: who saw what, when. Admins read it; nobody edits it. */
export const piiReveal = sqliteTable(
  "pii_reveal",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    customerPid: text("customer_pid").notNull(),
    /** `name` or `contact`. */
    field: text("field").notNull(),
    /** For a contact: which one (its type and position, never its value). */
    contactRef: text("contact_ref"),
    revealedAt: integer("revealed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("pii_reveal_time").on(t.accountId, t.revealedAt, t.id),
    index("pii_reveal_customer").on(t.accountId, t.customerPid, t.revealedAt),
    // The reveal log filtered by user, newest first.
    index("pii_reveal_user").on(t.accountId, t.userId, t.revealedAt, t.id),
  ],
);

// ───────────────────────────── live conversations ─────────────────────────────

/**
 * An account's Your Logic: the one endpoint events go to and the shared secret, sealed with
 * AES-GCM under SIGNING_SECRET (Brine must send it back, so it cannot be a hash).
 */
export const yourLogic = sqliteTable("your_logic", {
  accountId: accountId().primaryKey(),
  url: text("url").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  expirySeconds: integer("expiry_seconds").notNull().default(20),
  secretSealed: text("secret_sealed").notNull(),
  secretHint: text("secret_hint").notNull(),
  updatedBy: text("updated_by"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A Universal Chat brand: how the widget looks, which origins may embed it, and the secret the
 * site's backend signs customer identities with (sealed like Your Logic's: Brine verifies with it).
 */
export const liveBrand = sqliteTable(
  "live_brand",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    color: text("color").notNull(),
    /** JSON array of origins (`https://shop.example.com`). */
    allowedOrigins: text("allowed_origins").notNull(),
    openingMessage: text("opening_message"),
    placeholder: text("placeholder"),
    secretSealed: text("secret_sealed").notNull(),
    secretHint: text("secret_hint").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.id] }), index("live_brand_created").on(t.accountId, t.createdAt, t.id)],
);

/** The custom buttons agents press in a live conversation; pressing one sends Your Logic an ACTION event. */
export const liveActionButton = sqliteTable(
  "live_action_button",
  {
    accountId: accountId(),
    name: text("name").notNull(),
    label: text("label").notNull(),
    visibleToExternal: integer("visible_to_external", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.name] })],
);

/**
 * The live inbox: one row per live conversation, kept current by its conversation object, so
 * the Live page's sections are plain indexed reads (ARCHITECTURE §6). Times are milliseconds.
 */
export const liveInbox = sqliteTable(
  "live_inbox",
  {
    accountId: accountId(),
    conversationPid: text("conversation_pid").notNull(),
    customerPid: text("customer_pid").notNull(),
    customerName: text("customer_name"),
    channel: text("channel").notNull(),
    brand: text("brand"),
    status: text("status").notNull(),
    needsHelp: integer("needs_help", { mode: "boolean" }).notNull(),
    needsHelpReason: text("needs_help_reason"),
    yourLogicWorking: integer("your_logic_working", { mode: "boolean" }).notNull(),
    /** JSON `{time, participantType, content}` of the newest customer-visible turn. */
    lastTurn: text("last_turn"),
    /** JSON array of the agents joined now: `[{id, name}]`. */
    agents: text("agents").notNull(),
    startMs: integer("start_ms").notNull(),
    updatedMs: integer("updated_ms").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.conversationPid] }),
    index("live_inbox_status").on(t.accountId, t.status, t.updatedMs, t.conversationPid),
    index("live_inbox_help").on(t.accountId, t.needsHelp, t.status, t.updatedMs, t.conversationPid),
  ],
);

/** Who is or was in a live conversation: My Conversations (not left) and Recently Left. Times are milliseconds. */
export const liveParticipation = sqliteTable(
  "live_participation",
  {
    accountId: accountId(),
    userId: text("user_id").notNull(),
    conversationPid: text("conversation_pid").notNull(),
    joinedMs: integer("joined_ms").notNull(),
    leftMs: integer("left_ms"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.userId, t.conversationPid] }),
    index("live_participation_left").on(t.accountId, t.userId, t.leftMs, t.conversationPid),
  ],
);

/**
 * An external agent's invitation to one conversation. The link carries a signed token naming
 * this row; the row can be revoked, and the token stops working when it expires.
 */
export const liveInvitation = sqliteTable(
  "live_invitation",
  {
    accountId: accountId(),
    id: text("id").notNull(),
    conversationPid: text("conversation_pid").notNull(),
    contact: text("contact").notNull(),
    contactType: text("contact_type").notNull(),
    name: text("name"),
    note: text("note"),
    invitedBy: text("invited_by").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.id] }),
    index("live_invitation_conversation").on(t.accountId, t.conversationPid, t.createdAt),
  ],
);
