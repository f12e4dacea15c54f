import type { Dataset, DatasetName, EntityDescription, EntityKind, Field, ReferenceTarget } from "./types";

/** `attribute01` → `attribute_01`, `wrapUpTime` → `wrap_up_time`. */
export function columnOf(key: string): string {
  return key
    .replace(/([A-Z])/g, "_$1")
    .replace(/([a-z])(\d)/g, "$1_$2")
    .toLowerCase();
}

const base = (key: string, label: string, description: string, column = columnOf(key)) => ({
  key,
  column,
  label,
  description,
});
const pid = (label: string): Field => ({
  kind: "pid",
  ...base("pid", `${label} PID`, `Permanent identifier of the ${label.toLowerCase()}; never changes.`),
});
const externalId = (label: string): Field => ({
  kind: "attribute",
  ...base("externalId", `${label} ID`, `ID of the ${label.toLowerCase()} in the source system.`),
});
const source = (): Field => ({
  kind: "attribute",
  ...base("source", "Source", "The connected platform or Ingest API source the item came from.", "source_id"),
});
const attr = (key: string, label: string, description: string, column?: string): Field => ({
  kind: "attribute",
  ...base(key, label, description, column),
});
const text = (key: string, label: string, description: string): Field => ({
  kind: "text",
  ...base(key, label, description),
});
const enumeration = (key: string, label: string, values: readonly string[], description: string): Field => ({
  kind: "enumeration",
  values,
  ...base(key, label, description),
});
const fact = (key: string, label: string, type: "int" | "decimal" | "duration", description: string): Field => ({
  kind: "fact",
  type,
  ...base(key, label, description),
});
const date = (key: string, label: string, description: string): Field => ({
  kind: "date",
  ...base(key, label, description),
});
const flag = (key: string, label: string, description: string): Field => ({
  kind: "flag",
  ...base(key, label, description),
});
const ref = (
  key: string,
  label: string,
  target: ReferenceTarget,
  description: string,
  column = `${columnOf(key)}_pid`,
): Field => ({ kind: "reference", target, ...base(key, label, description, column) });
const entity = (key: string, label: string, kind: EntityKind, description: string): Field => ({
  kind: "entity",
  entity: kind,
  ...base(key, label, description, `${columnOf(key)}_pid`),
});

/** Values shared by several enumerations. */
export const PARTICIPANTS = ["AGENT", "BOT", "CUSTOMER", "EXTERNAL_AGENT", "SYSTEM"] as const;
export const ENGAGEMENT_TYPES = ["Agent", "Bot", "Queue", "Invitation", "Menu", "External Agent", "Technical"] as const;
export const OUTCOME_TYPES = [
  "Completed",
  "Accepted",
  "Moved",
  "Transferred",
  "Deleted",
  "Customer Left",
  "Canceled",
  "Missed",
  "Rejected",
  "Revoked",
  "Timed Out",
] as const;
export const CHANNEL_TYPES = [
  "CHAT",
  "EMAIL",
  "VOICE",
  "SMS",
  "MESSAGING",
  "SOCIAL",
  "VIDEO",
  "TASK",
  "OTHER",
] as const;
const WHO = ["Agent", "Bot", "Customer", "External Agent", "System"] as const;

const activity: Dataset = {
  name: "activity",
  label: "Activity",
  description: "Agent load and status: time one agent spent in one status (AUX code) within one 15-minute interval.",
  table: "activity",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Activity"),
    externalId("Activity"),
    source(),
    ref("agent", "Agent", "agent", "The agent whose time this is."),
    date("intervalStart", "Interval Start", "Start of the 15-minute interval."),
    attr("status", "Status", "The agent status (AUX code) as the platform names it."),
    enumeration(
      "statusType",
      "Status Type",
      ["Available", "Busy", "Break", "Wrap Up", "Training", "Meeting", "Other"],
      "What the status means for occupancy and utilisation.",
    ),
    fact("duration", "Duration", "duration", "Seconds spent in the status within the interval."),
  ],
};

const agent: Dataset = {
  name: "agent",
  label: "Agent",
  description:
    "The person or service that interacts with customers on behalf of the company. Each engagement is associated with one agent.",
  table: "agent",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Agent"),
    externalId("Agent"),
    source(),
    attr("name", "Agent Name", "Name shown in reports and the journey."),
    attr("email", "Agent E-mail", "Work e-mail address."),
    enumeration("status", "State", ["Active", "Inactive"], "Whether the agent currently works for the company."),
    enumeration("type", "Type", ["Human", "Bot", "Technical"], "Human agent, bot, or a technical item."),
    fact("hourlyCost", "Cost per Hour", "decimal", "What an hour of the agent's time costs."),
    fact("engagementCost", "Cost per Engagement", "decimal", "What one engagement of the agent costs."),
    entity("team", "Team", "team", "The team the agent is in now."),
    entity("department", "Department", "department", "The department the agent is in now."),
    attr("location", "Location", "Where the agent works."),
    attr("organization", "Organization", "The organisation employing the agent."),
    enumeration("role", "Role", ["Admin", "Supervisor", "Agent"], "The agent's highest role."),
    attr("manager", "Manager", "Name of the agent's manager."),
  ],
};

const answer: Dataset = {
  name: "answer",
  label: "Answer",
  description: "An allowed answer to a question, with its score.",
  table: "answer",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Answer"),
    externalId("Answer"),
    source(),
    ref("question", "Question", "question", "The question this answers."),
    attr("name", "Answer", "The answer as reviewers see it."),
    fact("score", "Answer Score", "decimal", "Score given when this answer is chosen."),
    fact("position", "Position", "int", "Order among the question's answers."),
  ],
};

const customer: Dataset = {
  name: "customer",
  label: "Customer",
  description:
    "The person the company engages with. All engagements in one conversation should belong to one customer.",
  table: "customer",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Customer"),
    externalId("Customer"),
    source(),
    attr("name", "Customer Name", "Personal data: masked unless the user may reveal it."),
    attr("link", "Link", "Link to the customer in the source system."),
    enumeration("type", "Type", ["Customer", "Prospect", "Partner", "Technical"], "Kind of customer record."),
    attr("category", "Category", "Customer category."),
    attr("segment", "Segment", "Customer segment."),
    attr("organization", "Organization", "The organisation the customer belongs to."),
    attr("region", "Region", "Region of the customer."),
    attr("country", "Country", "Country of the customer."),
    attr("state", "State", "State or province of the customer."),
  ],
};

const customerContact: Dataset = {
  name: "customer_contact",
  label: "Customer Contact",
  description:
    "The identity graph: e-mail addresses, phone numbers and chat ids that join one customer's conversations into one journey. Personal data.",
  table: "customer_contact",
  reportable: false,
  externalKey: "contact",
  requires: ["customerExternalId"],
  fields: [
    attr("contact", "Contact", "E-mail, phone number (E.164) or chat id."),
    enumeration("type", "Contact Type", ["Email", "Phone", "Chat", "WhatsApp", "Other"], "What kind of contact."),
    ref("customer", "Customer", "customer", "The customer profile the contact belongs to."),
    source(),
  ],
};

const engagement: Dataset = {
  name: "engagement",
  label: "Engagement",
  description:
    "One engagement between an agent, bot, queue or menu and a customer. Several engagements make one conversation.",
  table: "engagement",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Engagement"),
    externalId("Engagement"),
    source(),
    attr("name", "Engagement Name", "Name of the engagement."),
    attr("link", "Link", "Link to the engagement in the source system."),
    ref("agent", "Agent", "agent", "The agent (or bot) engaged."),
    ref("customer", "Customer", "customer", "The customer engaged."),
    ref("externalAgent", "External Agent", "external_agent", "The external agent engaged, if any."),
    ref("service", "Service", "service", "The service or product the conversation is about."),
    ref("conversation", "Conversation", "conversation", "The conversation the engagement belongs to."),
    attr("conversationExternalId", "Conversation ID", "ID of the conversation in the source system."),
    date("conversationStartTime", "Conversation Start Time", "When the conversation started."),
    date("startTime", "Start Time", "When the engagement started. Dashboards filter on this date."),
    date("endTime", "End Time", "When the engagement ended."),
    enumeration("channelType", "Channel Type", CHANNEL_TYPES, "Kind of channel."),
    enumeration("direction", "Direction", ["Inbound", "Outbound", "Internal"], "Who started the conversation."),
    enumeration("status", "Status", ["In Progress", "Completed"], "Whether the engagement has ended."),
    enumeration("type", "Type", ENGAGEMENT_TYPES, "Who or what the customer engaged with."),
    enumeration("outcomeType", "Outcome Type", OUTCOME_TYPES, "How the engagement ended."),
    enumeration(
      "serviceLevel",
      "Service Level",
      ["Met", "Missed", "Ignore"],
      "Whether the engagement met the service-level target; Ignore leaves it out of service-level metrics.",
    ),
    enumeration("terminatedBy", "Terminated By", WHO, "Who ended the engagement."),
    enumeration("initiatedBy", "Initiated By", WHO, "Who started the engagement."),
    enumeration("resolution", "Resolution", ["Resolved", "Unresolved", "Unknown"], "Whether the request was resolved."),
    entity("channel", "Channel", "channel", "Channel name, such as Web Chat or Support Line."),
    entity("queue", "Queue", "queue", "Queue the customer waited in."),
    entity("team", "Engaged Team", "team", "Team of the agent when engaged."),
    entity("department", "Engaged Department", "department", "Department of the agent when engaged."),
    entity("outcome", "Outcome", "outcome", "Disposition or wrap-up code."),
    entity("outcomeCategory", "Outcome Category", "outcome_category", "Group of outcomes."),
    entity("campaign", "Campaign", "campaign", "Campaign the engagement belongs to."),
    entity("menuPath", "Menu Path", "menu_path", "Path the customer took through menus."),
    entity(
      "companyContact",
      "Company Contact",
      "company_contact",
      "The company's number or address the customer used.",
    ),
    attr("reason", "Reason", "Why the customer got in touch."),
    attr("reasonCategory", "Reason Category", "Group of reasons."),
    attr("caseName", "Case", "Case, ticket or issue name."),
    attr("platform", "Platform", "The contact-center platform."),
    attr("language", "Language", "Language of the engagement."),
    attr("channelVendor", "Channel Vendor", "Vendor of the channel."),
    attr("category", "Category", "Engagement category."),
    attr("priority", "Priority", "Priority of the engagement."),
    attr("flow", "Flow", "Flow or workflow name."),
    attr("brand", "Brand", "Brand the engagement belongs to."),
    attr("topicCategory", "Topic Category", "Group of topics."),
    attr("topic", "Topic", "Topic discussed."),
    attr("attribute01", "Engagement Attribute 1", "Custom attribute."),
    attr("attribute02", "Engagement Attribute 2", "Custom attribute."),
    attr("attribute03", "Engagement Attribute 3", "Custom attribute."),
    attr("attribute04", "Engagement Attribute 4", "Custom attribute."),
    attr("agentLocation", "Engaged Location", "Location of the agent when engaged."),
    attr("agentRole", "Engaged Role", "Role of the agent when engaged."),
    attr("agentOrganization", "Engaged Organization", "Organisation of the agent when engaged."),
    attr("agentManager", "Engaged Manager", "Manager of the agent when engaged."),
    text("recordingUrl", "Recording", "Location of the voice recording, played in the journey."),
    fact("cost", "Cost", "decimal", "Cost of the engagement."),
    fact("engagementTime", "Engagement Time", "duration", "Time the agent spent engaged."),
    fact("focusTime", "Focus Time", "duration", "Time the agent had the engagement in focus."),
    fact("holdTime", "Hold Time", "duration", "Time the customer was on hold."),
    fact("invitationTime", "Invitation Time", "duration", "Time from invitation to accept, reject or miss."),
    fact("menuTime", "Menu Time", "duration", "Time spent in menus."),
    fact("preparationTime", "Preparation Time", "duration", "Time the agent spent preparing."),
    fact("waitTime", "Wait Time", "duration", "Time the customer waited."),
    fact("wrapUpTime", "Wrap Up Time", "duration", "Time the agent spent in wrap-up."),
    fact("totalTime", "Total Time", "duration", "Whole duration of the engagement."),
    fact("waitForCustomerTime", "Wait for Customer Time", "duration", "Time waiting for the customer to reply."),
    fact("engagementFact01", "Engagement Fact 1", "decimal", "Custom fact."),
    fact("engagementFact02", "Engagement Fact 2", "decimal", "Custom fact."),
    fact("engagementFact03", "Engagement Fact 3", "decimal", "Custom fact."),
    fact(
      "orderAgentEngagements",
      "Order of Agent Engagements",
      "int",
      "Position among the conversation's agent engagements.",
    ),
    fact(
      "totalConversationAgentEngagements",
      "Conversation Agent Engagements",
      "int",
      "Number of agent engagements in the conversation.",
    ),
    ...(
      [
        ["adaptability", "Adaptability"],
        ["adherence", "Adherence"],
        ["clarity", "Clarity"],
        ["completeness", "Completeness"],
        ["customerSatisfaction", "Customer Satisfaction"],
        ["empathy", "Empathy"],
        ["expressedSatisfaction", "Expressed Satisfaction"],
        ["languageSkills", "Language Skills"],
        ["persuasion", "Persuasion"],
        ["severity", "Severity"],
        ["understanding", "Understanding"],
      ] as const
    ).map(([key, label]) =>
      fact(key, label, "decimal", `AI-scored ${label.toLowerCase()}; empty until auto reviews run.`),
    ),
  ],
};

const externalAgent: Dataset = {
  name: "external_agent",
  label: "External Agent",
  description: "A person or organisation outside the company who takes part in conversations.",
  table: "external_agent",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("External Agent"),
    externalId("External Agent"),
    source(),
    attr("name", "External Agent Name", "Name shown in reports and the journey."),
    attr("email", "External Agent E-mail", "Where invitations are sent."),
    attr("organization", "Organization", "The partner organisation."),
  ],
};

const question: Dataset = {
  name: "question",
  label: "Question",
  description: "A question answered in a review. A tag is a question with a single implicit answer.",
  table: "question",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Question"),
    externalId("Question"),
    source(),
    attr("name", "Question", "The question or tag as reviewers see it."),
    enumeration("type", "Question Type", ["Tag", "Single Choice", "Scale", "Comment"], "How it is answered."),
    enumeration("answerType", "Answer Type", ["Tag", "Choice", "Number", "Text"], "Kind of value an answer holds."),
    fact("worstScore", "Worst Score", "decimal", "Lowest possible score."),
    fact("bestScore", "Best Score", "decimal", "Highest possible score."),
    flag("builtIn", "Built-in", "Shipped with Brine (Bookmark, Reviewed, CSAT)."),
  ],
};

const review: Dataset = {
  name: "review",
  label: "Review",
  description:
    "One answer, tag or comment on an engagement or one of its turns, from a reviewer, the customer or an automatic review.",
  table: "review",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Review"),
    externalId("Review"),
    source(),
    ref("engagement", "Engagement", "engagement", "The reviewed engagement."),
    ref("turn", "Turn", "turn", "The reviewed turn, when the review is on a turn."),
    ref("reviewer", "Reviewer", "reviewer", "Who gave the review."),
    ref("question", "Question", "question", "The question answered or tag applied."),
    ref("answer", "Answer", "answer", "The chosen answer."),
    ref("answerReason", "Answer Reason", "answer", "Reason given for the answer."),
    attr("answerReasonText", "Answer Reason Text", "Reason as free text.", "answer_reason"),
    date("reviewTime", "Review Time", "When the review was given."),
    attr("reviewSessionId", "Review Session", "Groups the reviews given in one sitting."),
    enumeration(
      "status",
      "Review Status",
      ["Submitted", "Approved", "Disputed", "Withdrawn"],
      "Where the review stands.",
    ),
    enumeration(
      "sampling",
      "Sampling",
      ["Random", "Focused", "Automatic", "Customer"],
      "How the engagement was chosen.",
    ),
    enumeration("type", "Review Type", ["Tag", "Answer", "Comment", "Score"], "What the review holds."),
    enumeration("kind", "Review Kind", ["Manual", "Automatic", "Customer"], "Who produced it."),
    enumeration("answerType", "Answer Type", ["Tag", "Choice", "Number", "Text"], "Kind of value in the answer."),
    fact("confidence", "Confidence", "decimal", "Confidence of an automatic review, 0 to 1."),
    fact("score", "Score", "decimal", "Score of the review."),
    fact("answerScore", "Answer Score", "decimal", "Score of the chosen answer."),
    fact("worstScore", "Worst Score", "decimal", "Lowest possible score."),
    fact("bestScore", "Best Score", "decimal", "Highest possible score."),
    text("comment", "Comment", "Reviewer's comment."),
    text("commentTranslated", "Translated Comment", "The comment translated to the account language."),
    attr("commentLanguage", "Comment Language", "Language of the comment."),
    attr("commentTranslatedLanguage", "Translated Language", "Language of the translation."),
    flag("verified", "Verified", "Whether someone verified the review."),
    attr("verifiedBy", "Verified By", "Who verified it."),
    text("verificationComment", "Verification Comment", "Why it was approved or disputed."),
    fact("version", "Version", "int", "Version of the review."),
    attr("formId", "Form", "The form the review was given with."),
  ],
};

const reviewer: Dataset = {
  name: "reviewer",
  label: "Reviewer",
  description: "A person or service that provides reviews.",
  table: "reviewer",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Reviewer"),
    externalId("Reviewer"),
    source(),
    attr("name", "Reviewer Name", "Name shown on reviews."),
    enumeration("type", "Reviewer Type", ["Human", "Customer", "AI"], "Who reviews."),
  ],
};

const service: Dataset = {
  name: "service",
  label: "Service",
  description:
    "The service or product primarily associated with a conversation, and the partner on whose behalf it is handled.",
  table: "service",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Service"),
    externalId("Service"),
    source(),
    attr("name", "Service Name", "Name of the service or product."),
    attr("category", "Service Category", "Group of services."),
    attr("partner", "Partner", "Partner on whose behalf the service is provided."),
  ],
};

const transaction: Dataset = {
  name: "transaction",
  label: "Transaction",
  description: "Something that happened during an engagement, with revenue and cost.",
  table: "transaction",
  reportable: true,
  externalKey: "externalId",
  fields: [
    pid("Transaction"),
    externalId("Transaction"),
    source(),
    ref("engagement", "Engagement", "engagement", "The engagement it happened in."),
    ref("service", "Service", "service", "The service or product sold or refunded."),
    date("time", "Transaction Time", "When it happened."),
    attr("type", "Transaction Type", "Sale, refund, upgrade, …"),
    attr("status", "Transaction Status", "Status in the source system."),
    attr("name", "Transaction Name", "What was transacted."),
    attr("currency", "Currency", "ISO 4217 currency of revenue and cost."),
    fact("revenue", "Revenue", "decimal", "Revenue from the transaction."),
    fact("cost", "Transaction Cost", "decimal", "Cost of the transaction."),
    fact("quantity", "Quantity", "decimal", "Number of items."),
  ],
};

const turn: Dataset = {
  name: "turn",
  label: "Turn",
  description:
    "One message, talk, menu step or event within an engagement. Not available for reporting; shown in the customer journey.",
  table: "turn",
  reportable: false,
  externalKey: "externalId",
  fields: [
    pid("Turn"),
    externalId("Turn"),
    source(),
    ref("engagement", "Engagement", "engagement", "The engagement the turn belongs to."),
    date("turnTime", "Turn Time", "When the turn happened."),
    ref("responseTo", "Response To", "turn", "The turn this one answers.", "response_to"),
    enumeration("participant", "Participant", PARTICIPANTS, "Who performed the turn."),
    ref(
      "agent",
      "Agent",
      "agent",
      "The agent or bot who performed the turn (an external agent's turn points at external_agent).",
      "participant_pid",
    ),
    enumeration(
      "type",
      "Turn Type",
      ["MESSAGE", "FILE", "TALK", "MENU_STEP", "ANSWER", "NAVIGATION", "ACTION", "NOTE", "EMAIL", "EVENT"],
      "What kind of turn.",
    ),
    attr("origin", "Origin", "Where the turn came from (channel, API, widget)."),
    entity("category", "Turn Category", "turn_category", "Category of the turn."),
    fact("duration", "Duration", "duration", "Length of a spoken turn."),
    fact("length", "Length", "int", "Characters in the content."),
    fact("sentiment", "Sentiment", "decimal", "Sentiment score, -1 to 1."),
    fact("confidence", "Confidence", "decimal", "Confidence of transcription or detection."),
    fact("quality", "Quality", "decimal", "Quality score."),
    attr("languageAgent", "Agent Language", "Language the agent sees."),
    attr("languageCustomer", "Customer Language", "Language the customer wrote in."),
    attr("languageContent", "Content Language", "Language of the stored content."),
  ],
};

const turnContent: Dataset = {
  name: "turn_content",
  label: "Turn Content",
  description:
    "What was said in a turn. Stored apart from turn metadata and shown only to users allowed to see conversation content.",
  table: "turn_content",
  reportable: false,
  externalKey: "turnExternalId",
  fields: [
    ref("turn", "Turn", "turn", "The turn this content belongs to."),
    text("content", "Content", "Content in the account's content language."),
    text("contentAgent", "Agent Content", "Content as the agent saw it."),
    text("contentCustomer", "Customer Content", "Content as the customer wrote or saw it."),
    attr("mediaName", "Media Name", "File name of an attachment."),
    attr("mediaType", "Media Type", "MIME type of an attachment."),
    text("mediaKey", "Media", "Where the attachment is stored."),
  ],
};

/** Every data set of the logical model, in the order the app lists them. */
export const DATASETS: readonly Dataset[] = [
  engagement,
  agent,
  customer,
  customerContact,
  turn,
  turnContent,
  review,
  question,
  answer,
  reviewer,
  externalAgent,
  service,
  transaction,
  activity,
];

export const ENTITIES: readonly EntityDescription[] = [
  { kind: "queue", label: "Queue", description: "Queue customers wait in.", files: ["engagement_queue"] },
  {
    kind: "team",
    label: "Team",
    description: "Team of agents.",
    files: ["engagement_engaged_team", "agent_team"],
  },
  {
    kind: "department",
    label: "Department",
    description: "Department of agents.",
    files: ["engagement_engaged_department", "agent_department"],
  },
  { kind: "outcome", label: "Outcome", description: "Disposition or wrap-up code.", files: ["engagement_outcome"] },
  {
    kind: "outcome_category",
    label: "Outcome Category",
    description: "Group of outcomes.",
    files: ["engagement_outcome_category"],
  },
  { kind: "channel", label: "Channel", description: "Named channel.", files: ["engagement_channel"] },
  { kind: "campaign", label: "Campaign", description: "Campaign.", files: ["engagement_campaign"] },
  {
    kind: "company_contact",
    label: "Company Contact",
    description: "The company's phone number, address or page used.",
    files: ["engagement_company_contact"],
  },
  { kind: "menu_path", label: "Menu Path", description: "Path through menus.", files: ["engagement_menu_path"] },
  { kind: "turn_category", label: "Turn Category", description: "Category of turns.", files: ["turn_category"] },
];

const byName = new Map(DATASETS.map((d) => [d.name, d]));

/** The data set called `name`; throws for a name outside the catalog. */
export function dataset(name: DatasetName): Dataset {
  const found = byName.get(name);
  if (!found) throw new Error(`unknown data set ${name}`);
  return found;
}
