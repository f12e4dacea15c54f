import { EXPORT_COLUMNS, type ExportDataset } from "../../schemas/export";
import { unneutralise } from "../../workers/export/csv";
import { parseCsv } from "./csv";

// Turns an export's CSV files back into Ingest API files, the way an integrator moving data
// between accounts would. Export columns carry PIDs; the ingest format wants external ids, so
// references go through each file's pid → external_id, and items the export names but does not
// list (entities, services, reviewers, questions, answers) get their name or exported PID as id.

type Row = Record<string, string>;
type Line = Record<string, string | number | boolean>;

const KINDS = new Map(
  (Object.keys(EXPORT_COLUMNS) as ExportDataset[]).flatMap((d) =>
    EXPORT_COLUMNS[d].map((c) => [`${d}.${c.name}`, c.kind]),
  ),
);

/** A CSV cell as an ingest value: text un-neutralised, numbers parsed, empty cells left out. */
function rowsOf(dataset: ExportDataset, text: string | undefined): Row[] {
  if (!text) return [];
  return parseCsv(text).rows.map((row) => {
    const out: Row = {};
    for (const [name, value] of Object.entries(row)) {
      out[name] = KINDS.get(`${dataset}.${name}`) === "text" ? unneutralise(value) : value;
    }
    return out;
  });
}

function put(
  line: Line,
  key: string,
  value: string | undefined,
  as: "text" | "number" | "seconds" | "boolean" = "text",
) {
  if (value === undefined || value === "") return;
  if (as === "number") line[key] = Number(value);
  else if (as === "seconds") line[key] = Number(value) / 1000;
  else if (as === "boolean") line[key] = value === "true";
  else line[key] = value;
}

/** The files of one ingest ZIP holding what the export files hold. */
export function exportToIngest(files: Partial<Record<ExportDataset, string>>): Record<string, Line[]> {
  const engagements = rowsOf("engagement", files.engagement);
  const customers = rowsOf("customer", files.customer);
  const turns = rowsOf("turn", files.turn);
  const reviews = rowsOf("review", files.review);
  const agents = rowsOf("agent", files.agent);
  const externalOf = new Map<string, string>();
  for (const row of [...engagements, ...customers, ...turns, ...agents]) {
    if (row.pid && row.external_id) externalOf.set(row.pid, row.external_id);
  }
  const ref = (pid: string | undefined) => (pid ? externalOf.get(pid) : undefined);
  const entities = new Map<string, Set<string>>();
  const named = (file: string, name: string | undefined) => {
    if (!name) return undefined;
    entities.set(file, (entities.get(file) ?? new Set()).add(name));
    return name;
  };

  const out: Record<string, Line[]> = {};
  out["agent.jsonl"] = agents.map((a) => {
    const line: Line = { externalId: a.external_id ?? "" };
    put(line, "name", a.name);
    put(line, "status", a.status);
    put(line, "type", a.type);
    put(line, "hourlyCost", a.hourly_cost, "number");
    put(line, "engagementCost", a.engagement_cost, "number");
    put(line, "teamExternalId", named("agent_team.jsonl", a.team));
    put(line, "departmentExternalId", named("agent_department.jsonl", a.department));
    for (const key of ["location", "organization", "role", "manager"]) put(line, key, a[key]);
    return line;
  });
  out["customer.jsonl"] = customers.map((c) => {
    const line: Line = { externalId: c.external_id ?? "" };
    for (const key of ["name", "link", "type", "category", "segment", "organization", "region", "country", "state"]) {
      put(line, key, c[key]);
    }
    return line;
  });

  const camel = (column: string) => column.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()).replace(/_/g, "");
  out["engagement.jsonl"] = engagements.map((e) => {
    const line: Line = { externalId: e.external_id ?? "" };
    put(line, "agentExternalId", ref(e.agent_pid));
    put(line, "customerExternalId", ref(e.contact_pid));
    put(line, "externalAgentExternalId", named("external_agent.jsonl", e.external_agent_name));
    put(line, "serviceExternalId", named("service.jsonl", e.service));
    for (const [column, file, key] of [
      ["channel", "engagement_channel.jsonl", "channelExternalId"],
      ["queue", "engagement_queue.jsonl", "queueExternalId"],
      ["team", "engagement_engaged_team.jsonl", "teamExternalId"],
      ["department", "engagement_engaged_department.jsonl", "departmentExternalId"],
      ["outcome", "engagement_outcome.jsonl", "outcomeExternalId"],
      ["outcome_category", "engagement_outcome_category.jsonl", "outcomeCategoryExternalId"],
      ["campaign", "engagement_campaign.jsonl", "campaignExternalId"],
      ["menu_path", "engagement_menu_path.jsonl", "menuPathExternalId"],
      ["company_contact", "engagement_company_contact.jsonl", "companyContactExternalId"],
    ] as const) {
      put(line, key, named(file, e[column]));
    }
    for (const column of EXPORT_COLUMNS.engagement) {
      const value = e[column.name];
      if (column.kind === "time") put(line, camel(column.name), value);
      else if (column.kind === "ms") put(line, camel(column.name), value, "seconds");
      else if (column.kind === "number") put(line, camel(column.name), value, "number");
    }
    for (const column of [
      "name",
      "link",
      "conversation_external_id",
      "channel_type",
      "direction",
      "status",
      "type",
      "outcome_type",
      "service_level",
      "terminated_by",
      "initiated_by",
      "resolution",
      "reason",
      "reason_category",
      "case_name",
      "platform",
      "language",
      "channel_vendor",
      "category",
      "priority",
      "flow",
      "brand",
      "topic_category",
      "topic",
      "attribute_01",
      "attribute_02",
      "attribute_03",
      "attribute_04",
      "agent_location",
      "agent_role",
      "agent_organization",
    ]) {
      put(line, camel(column), e[column]);
    }
    return line;
  });

  out["turn.jsonl"] = turns.map((t) => {
    const line: Line = { externalId: t.external_id ?? "" };
    put(line, "engagementExternalId", ref(t.engagement_pid));
    put(line, "turnTime", t.turn_time);
    put(line, "responseToExternalId", ref(t.response_to));
    put(line, "categoryExternalId", named("turn_category.jsonl", t.category));
    put(line, "duration", t.duration, "seconds");
    for (const key of ["length", "sentiment", "confidence", "quality"]) put(line, key, t[key], "number");
    for (const key of ["participant", "type", "origin", "language_agent", "language_customer", "language_content"]) {
      put(line, camel(key), t[key]);
    }
    return line;
  });
  out["turn_content.jsonl"] = turns
    .filter((t) => t.content || t.content_agent || t.content_customer)
    .map((t) => {
      const line: Line = { turnExternalId: t.external_id ?? "" };
      put(line, "content", t.content);
      put(line, "contentAgent", t.content_agent);
      put(line, "contentCustomer", t.content_customer);
      return line;
    });

  // Reviews have no external id column: the exported PID becomes the id in the new account.
  const reviewers = new Map<string, string>();
  const questions = new Map<string, string>();
  const answers = new Map<string, { externalId: string; name?: string }>();
  out["review.jsonl"] = reviews.map((r) => {
    const line: Line = { externalId: r.pid ?? "" };
    put(line, "engagementExternalId", ref(r.engagement_pid));
    put(line, "turnExternalId", ref(r.turn_pid));
    if (r.reviewer_pid) reviewers.set(r.reviewer_pid, r.reviewer_name ?? "");
    put(line, "reviewerExternalId", r.reviewer_pid);
    if (r.question_pid) questions.set(r.question_pid, r.question_name ?? "");
    put(line, "questionExternalId", r.question_pid);
    if (r.answer_pid) answers.set(r.answer_pid, { externalId: r.answer_pid, name: r.answer_name || undefined });
    put(line, "answerExternalId", r.answer_pid);
    if (r.answer_reason_pid && !answers.has(r.answer_reason_pid)) {
      answers.set(r.answer_reason_pid, { externalId: r.answer_reason_pid });
    }
    put(line, "answerReasonExternalId", r.answer_reason_pid);
    put(line, "answerReasonText", r.answer_reason);
    put(line, "reviewTime", r.review_time);
    put(line, "verified", r.verified, "boolean");
    for (const key of ["confidence", "score", "answer_score", "worst_score", "best_score", "version"]) {
      put(line, camel(key), r[key], "number");
    }
    for (const key of [
      "review_session_id",
      "status",
      "sampling",
      "type",
      "kind",
      "answer_type",
      "comment",
      "comment_translated",
      "comment_language",
      "comment_translated_language",
      "verified_by",
      "verification_comment",
      "form_id",
    ]) {
      put(line, camel(key), r[key]);
    }
    return line;
  });
  out["reviewer.jsonl"] = [...reviewers].map(([externalId, name]) => ({ externalId, name }));
  out["question.jsonl"] = [...questions].map(([externalId, name]) => ({ externalId, name }));
  out["answer.jsonl"] = [...answers.values()].map((a) => (a.name ? { externalId: a.externalId, name: a.name } : a));
  for (const [file, names] of entities) out[file] = [...names].map((name) => ({ externalId: name, name }));
  return out;
}

/** Columns whose values are PIDs, documented to differ between accounts. */
export const ID_COLUMNS: Record<ExportDataset, string[]> = Object.fromEntries(
  (Object.keys(EXPORT_COLUMNS) as ExportDataset[]).map((d) => [
    d,
    EXPORT_COLUMNS[d].filter((c) => c.kind === "id").map((c) => c.name),
  ]),
) as Record<ExportDataset, string[]>;
