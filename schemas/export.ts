import { z } from "@hono/zod-openapi";
import { IsoTime, PageQuery } from "./common";

// The Export API exactly as seed 004: query parameters, status values, response shapes and the
// CSV column lists in their order. Brine's own additions (the paged job list and job details the
// app uses) live beside them and never change the seed's shapes.

/** Data sets an export can include, in the order their files are built and listed. */
export const EXPORT_DATASETS = ["engagement", "customer", "turn", "review", "agent"] as const;
export const ExportDataset = z.enum(EXPORT_DATASETS).openapi("ExportDataset");
export type ExportDataset = z.infer<typeof ExportDataset>;

/** The file each data set is written to. */
export const EXPORT_FILE_NAMES: Record<ExportDataset, string> = {
  engagement: "engagements.csv",
  customer: "customers.csv",
  turn: "turns.csv",
  review: "reviews.csv",
  agent: "agents.csv",
};

/** How a column's values are written. */
export type ExportColumnKind = "id" | "text" | "time" | "ms" | "number" | "boolean";
export interface ExportColumn {
  name: string;
  description: string;
  kind: ExportColumnKind;
}

const col = (name: string, kind: ExportColumnKind, description: string): ExportColumn => ({ name, kind, description });
const AI = (name: string, what: string) =>
  col(name, "number", `AI-scored ${what}. Empty until auto reviews have scored the engagement.`);

/** The CSV columns of each file, in seed 004's order. */
export const EXPORT_COLUMNS: Record<ExportDataset, readonly ExportColumn[]> = {
  engagement: [
    col("pid", "id", "Engagement ID"),
    col("external_id", "text", "External system ID"),
    col("name", "text", "Engagement name"),
    col("link", "text", "Link to the engagement"),
    col("agent_pid", "id", "Agent ID"),
    col("agent_name", "text", "Agent name"),
    col("contact_pid", "id", "Customer ID"),
    col("contact_name", "text", "Customer name"),
    col("conversation_start_time", "time", "Start of the conversation"),
    col("start_time", "time", "Start of the engagement"),
    col("end_time", "time", "End of the engagement"),
    col("conversation_id", "id", "Conversation ID"),
    col("conversation_external_id", "text", "External conversation ID"),
    col("channel_type", "text", "Channel type (CHAT, EMAIL, VOICE...)"),
    col("direction", "text", "Inbound / Outbound"),
    col("status", "text", "Engagement status"),
    col("type", "text", "Engagement type"),
    col("outcome_type", "text", "Outcome type"),
    col("service_level", "text", "Service level"),
    col("terminated_by", "text", "Who terminated the engagement"),
    col("initiated_by", "text", "Who initiated the engagement"),
    col("resolution", "text", "Resolution"),
    col("channel", "text", "Channel name"),
    col("queue", "text", "Queue name"),
    col("team", "text", "Team name"),
    col("department", "text", "Department name"),
    col("outcome", "text", "Outcome name"),
    col("outcome_category", "text", "Outcome category"),
    col("reason", "text", "Reason name"),
    col("reason_category", "text", "Reason category"),
    col("case_name", "text", "Case name"),
    col("platform", "text", "Platform name"),
    col("source", "text", "Source name"),
    col("language", "text", "Language"),
    col("channel_vendor", "text", "Channel vendor"),
    col("category", "text", "Category"),
    col("campaign", "text", "Campaign"),
    col("priority", "text", "Priority"),
    col("menu_path", "text", "Menu path"),
    col("flow", "text", "Flow name"),
    col("service", "text", "Service name"),
    col("company_contact", "text", "Company contact name"),
    col("brand", "text", "Brand"),
    col("topic_category", "text", "Topic category"),
    col("topic", "text", "Topic"),
    col("attribute_01", "text", "Custom attribute 1"),
    col("attribute_02", "text", "Custom attribute 2"),
    col("attribute_03", "text", "Custom attribute 3"),
    col("attribute_04", "text", "Custom attribute 4"),
    col("agent_location", "text", "Agent location"),
    col("agent_role", "text", "Agent role"),
    col("agent_organization", "text", "Agent organization"),
    col("external_agent_name", "text", "External agent name"),
    col("cost", "number", "Cost"),
    col("engagement_time", "ms", "Engagement time (ms)"),
    col("focus_time", "ms", "Focus time (ms)"),
    col("hold_time", "ms", "Hold time (ms)"),
    col("invitation_time", "ms", "Invitation time (ms)"),
    col("menu_time", "ms", "Menu time (ms)"),
    col("preparation_time", "ms", "Preparation time (ms)"),
    col("wait_time", "ms", "Wait time (ms)"),
    col("wrap_up_time", "ms", "Wrap-up time (ms)"),
    col("total_time", "ms", "Total time (ms)"),
    col("engagement_fact_01", "number", "Custom fact 1"),
    col("engagement_fact_02", "number", "Custom fact 2"),
    col("engagement_fact_03", "number", "Custom fact 3"),
    col("wait_for_customer_time", "ms", "Wait for customer time (ms)"),
    col("order_agent_engagements", "number", "Order of agent engagements in conversation"),
    col("total_conversation_agent_engagements", "number", "Total agent engagements in conversation"),
    AI("adaptability", "adaptability"),
    AI("adherence", "adherence"),
    AI("clarity", "clarity"),
    AI("completeness", "completeness"),
    AI("customer_satisfaction", "customer satisfaction"),
    AI("empathy", "empathy"),
    AI("expressed_satisfaction", "expressed satisfaction"),
    AI("language_skills", "language skills"),
    AI("persuasion", "persuasion"),
    AI("severity", "severity"),
    AI("understanding", "understanding"),
  ],
  customer: [
    col("pid", "id", "Customer ID"),
    col("external_id", "text", "External system ID"),
    col("name", "text", "Customer name"),
    col("link", "text", "Link to the customer"),
    col("type", "text", "Customer type"),
    col("category", "text", "Category"),
    col("segment", "text", "Segment"),
    col("organization", "text", "Organization"),
    col("region", "text", "Region"),
    col("country", "text", "Country"),
    col("state", "text", "State"),
  ],
  turn: [
    col("pid", "id", "Turn ID"),
    col("engagement_pid", "id", "Parent engagement ID"),
    col("turn_time", "time", "Timestamp of the turn"),
    col("turn_time_relative_ms", "number", "Time relative to engagement start (ms)"),
    col("response_to", "id", "PID of the turn this responds to"),
    col("participant", "text", "AGENT or CUSTOMER"),
    col("type", "text", "Turn type"),
    col("origin", "text", "Origin"),
    col("category", "text", "Turn category"),
    col("duration", "ms", "Duration (ms)"),
    col("length", "number", "Character length"),
    col("sentiment", "number", "Sentiment score"),
    col("confidence", "number", "Confidence score"),
    col("quality", "number", "Quality score"),
    col("external_id", "text", "External ID"),
    col("content", "text", "Turn text content"),
    col("content_agent", "text", "Agent-side content"),
    col("content_customer", "text", "Customer-side content"),
    col("language_agent", "text", "Agent language"),
    col("language_customer", "text", "Customer language"),
    col("language_content", "text", "Content language"),
  ],
  review: [
    col("pid", "id", "Review ID"),
    col("engagement_pid", "id", "Reviewed engagement ID"),
    col("turn_pid", "id", "Reviewed turn ID (if applicable)"),
    col("reviewer_pid", "id", "Reviewer ID"),
    col("reviewer_name", "text", "Reviewer name"),
    col("question_pid", "id", "Question ID"),
    col("question_name", "text", "Question text"),
    col("review_time", "time", "Timestamp"),
    col("review_session_id", "text", "Review session ID"),
    col("status", "text", "Review status"),
    col("sampling", "text", "Sampling method"),
    col("type", "text", "Review type"),
    col("kind", "text", "Review kind"),
    col("answer_pid", "id", "Answer ID"),
    col("answer_name", "text", "Answer text"),
    col("answer_reason_pid", "id", "Answer reason ID"),
    col("answer_reason", "text", "Answer reason text"),
    col("confidence", "number", "Confidence score"),
    col("score", "number", "Score"),
    col("answer_score", "number", "Answer score"),
    col("worst_score", "number", "Worst possible score"),
    col("best_score", "number", "Best possible score"),
    col("comment", "text", "Reviewer comment"),
    col("comment_translated", "text", "Translated comment"),
    col("comment_language", "text", "Comment language"),
    col("comment_translated_language", "text", "Translated language"),
    col("verified", "boolean", "Whether verified"),
    col("verified_by", "text", "Verified by"),
    col("verification_comment", "text", "Verification comment"),
    col("answer_type", "text", "Answer type"),
    col("version", "number", "Version"),
    col("form_id", "text", "Form ID"),
    col("engagement_start_time", "time", "Engagement start time"),
    col("agent_pid", "id", "Agent ID"),
  ],
  agent: [
    col("pid", "id", "Agent ID"),
    col("external_id", "text", "External system ID"),
    col("name", "text", "Agent name"),
    col("status", "text", "Agent status"),
    col("type", "text", "Agent type"),
    col("hourly_cost", "number", "Hourly cost"),
    col("engagement_cost", "number", "Per-engagement cost"),
    col("team", "text", "Team"),
    col("department", "text", "Department"),
    col("location", "text", "Location"),
    col("organization", "text", "Organization"),
    col("role", "text", "Role"),
    col("manager", "text", "Manager name"),
  ],
};

/** The longest range one export may cover (seed 004: 24 hours). */
export const EXPORT_MAX_RANGE_MS = 24 * 60 * 60 * 1000;

/**
 * `POST /api/v1/export` query. Kept as plain optional strings here so the route can answer with
 * seed 004's own error codes (INVALID_DATE_RANGE, INVALID_INCLUDE, …) instead of a generic one.
 */
export const ExportQuery = z.object({
  from: z
    .string()
    .optional()
    .openapi({
      description:
        "Start of the range, inclusive: ISO 8601 with a zone (`Z` or `±hh:mm`), e.g. `2024-01-01T00:00:00Z`. " +
        "Engagements whose start time falls in [from, to) are exported.",
      example: "2024-01-01T00:00:00Z",
    }),
  to: z.string().optional().openapi({
    description: "End of the range, exclusive. At most 24 hours after `from`.",
    example: "2024-01-02T00:00:00Z",
  }),
  include: z
    .string()
    .optional()
    .openapi({
      description:
        "Comma-separated data sets: engagement, customer, turn, review, agent. Default: all. " +
        "Spaces around names and letter case are ignored, repeated names count once; files always come in the order above.",
      example: "engagement,turn",
    }),
  contact: z
    .string()
    .optional()
    .openapi({
      description:
        "E-mail or phone number of one customer. It is resolved through the identity graph to that customer's " +
        "profile, and only that profile's engagements (with their turns, reviews and agents) are exported.",
      example: "jane@example.com",
    }),
});

export const ExportStarted = z
  .object({
    exportId: z.uuid(),
    statusUrl: z.string().openapi({ example: "api/v1/export/a1b2c3d4-0000-4000-8000-000000000000/status" }),
  })
  .openapi("ExportStarted");
export type ExportStarted = z.infer<typeof ExportStarted>;

export const EXPORT_STATUSES = ["PROCESSING", "COMPLETED", "FAILED"] as const;
export const ExportStatusValue = z.enum(EXPORT_STATUSES).openapi("ExportStatusValue");
export type ExportStatusValue = z.infer<typeof ExportStatusValue>;

/** Seed 004's status object: the status route returns one, the history route an array of them. */
export const ExportStatus = z
  .object({
    exportId: z.uuid(),
    status: ExportStatusValue,
    downloadUrls: z.partialRecord(ExportDataset, z.url()).openapi({
      description: "Empty while PROCESSING and after FAILED. Each link is signed and valid for one hour.",
    }),
    error: z.string().nullable(),
  })
  .openapi("ExportStatus");
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ExportIdParam = z.object({
  exportId: z.uuid().openapi({ param: { name: "exportId", in: "path" } }),
});

/** One file of an export job, as the app shows it. */
export const ExportFile = z
  .object({
    dataset: ExportDataset,
    fileName: z.string(),
    rows: z.number().int().nullable().openapi({ description: "Data rows written (the header not counted)." }),
    bytes: z.number().int().nullable(),
    downloadUrl: z.url().nullable().openapi({ description: "Signed, valid one hour; null until the file is ready." }),
  })
  .openapi("ExportFile");

/** Brine's fuller view of an export job (not part of seed 004), for the app and for curious integrators. */
export const ExportJob = z
  .object({
    exportId: z.uuid(),
    status: ExportStatusValue,
    from: IsoTime,
    to: IsoTime,
    include: z.array(ExportDataset),
    contact: z.string().nullable().openapi({ description: "The contact filter, masked." }),
    progress: z.number().min(0).max(1),
    rowsWritten: z.number().int(),
    rowsTotal: z.number().int().nullable(),
    files: z.array(ExportFile),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    requestedBy: z.string().nullable().openapi({ description: "The user's name, or the API key's name." }),
    createdAt: IsoTime,
    startedAt: IsoTime.nullable(),
    finishedAt: IsoTime.nullable(),
  })
  .openapi("ExportJob");
export type ExportJob = z.infer<typeof ExportJob>;

export const ExportJobListQuery = PageQuery;

/** The signed download link's path and query. */
export const ExportDownloadParams = z.object({
  accountId: z.uuid(),
  exportId: z.uuid(),
  file: z.string().openapi({ example: "engagements.csv" }),
});
export const ExportDownloadQuery = z.object({ expires: z.string(), signature: z.string() });
