import { REPEAT_CONTACT_DAYS } from "./metric-catalog";

/** How a metric's value is shown: percentages are ratios (0.25 is 25 %), durations are seconds. */
export type MetricFormat = "number" | "percent" | "duration" | "currency";

/** A metric every account has, written in the metric language (docs/metrics.md). */
export interface BuiltinMetric {
  id: string;
  name: string;
  description: string;
  definition: string;
  format: MetricFormat;
}

type Entry = [name: string, format: MetricFormat, description: string, definition: string];

const AGENT = 'Engagement ⏵ Type = "Agent"';
const HANDLING = "Engagement ⏵ Preparation Time + Engagement ⏵ Engagement Time + Engagement ⏵ Wrap Up Time";
// A withdrawn review (its reviewer took it back) stays in the data but counts nowhere.
const COUNTED = 'Review ⏵ Review Status <> "Withdrawn"';
const CSAT = `Review ⏵ Question IN ("CSAT") AND ${COUNTED}`;

const ENTRIES: Entry[] = [
  // Volumes
  ["Engagements", "number", "All engagements of every type.", "SELECT COUNT(Engagement)"],
  ["Agent Engagements", "number", "Engagements handled by an agent.", `SELECT COUNT(Engagement) WHERE ${AGENT}`],
  [
    "Bot Engagements",
    "number",
    "Engagements handled by a bot.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Bot"',
  ],
  [
    "Queue Engagements",
    "number",
    "Times a customer waited in a queue.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Queue"',
  ],
  [
    "Invitations",
    "number",
    "Invitations offered to agents.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Invitation"',
  ],
  [
    "Menu Engagements",
    "number",
    "Engagements in menus (IVR, chat menus).",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Menu"',
  ],
  [
    "External Agent Engagements",
    "number",
    "Engagements handled by external agents.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "External Agent"',
  ],
  ["Conversations", "number", "Conversations with at least one engagement.", "SELECT COUNT(Engagement ⏵ Conversation)"],
  [
    "Agent Conversations",
    "number",
    "Conversations with at least one agent engagement.",
    `SELECT COUNT(Engagement ⏵ Conversation) WHERE ${AGENT}`,
  ],
  // Handling time
  [
    "Handling Time",
    "duration",
    "Preparation, engagement and wrap-up time of agent engagements, in total.",
    `SELECT SUM(${HANDLING}) WHERE ${AGENT}`,
  ],
  [
    "Average Handling Time",
    "duration",
    "Preparation + engagement + wrap-up time per agent engagement.",
    `SELECT AVG(${HANDLING}) WHERE ${AGENT}`,
  ],
  [
    "Average Engagement Time",
    "duration",
    "Time agents spent engaged, per agent engagement.",
    `SELECT AVG(Engagement ⏵ Engagement Time) WHERE ${AGENT}`,
  ],
  [
    "Average Wrap Up Time",
    "duration",
    "Wrap-up time per agent engagement that had one.",
    `SELECT AVG(Engagement ⏵ Wrap Up Time) WHERE ${AGENT}`,
  ],
  [
    "Average Hold Time",
    "duration",
    "Hold time per agent engagement that recorded one.",
    `SELECT AVG(Engagement ⏵ Hold Time) WHERE ${AGENT}`,
  ],
  // Waiting
  [
    "Wait Time",
    "duration",
    "Time customers waited in queues, in total.",
    'SELECT SUM(Engagement ⏵ Wait Time) WHERE Engagement ⏵ Type = "Queue"',
  ],
  [
    "Average Wait Time",
    "duration",
    "Wait per queue engagement, answered or not.",
    'SELECT AVG(Engagement ⏵ Wait Time) WHERE Engagement ⏵ Type = "Queue"',
  ],
  [
    "Average Speed of Answer",
    "duration",
    "Wait per queue engagement that reached an agent (not abandoned, timed out or canceled).",
    'SELECT AVG(Engagement ⏵ Wait Time) WHERE Engagement ⏵ Type = "Queue" AND Engagement ⏵ Outcome Type NOT IN ("Customer Left", "Timed Out", "Canceled")',
  ],
  [
    "Longest Wait Time",
    "duration",
    "The longest wait in a queue.",
    'SELECT MAX(Engagement ⏵ Wait Time) WHERE Engagement ⏵ Type = "Queue"',
  ],
  [
    "Median Wait Time",
    "duration",
    "Half of the queue engagements waited less than this.",
    'SELECT MEDIAN(Engagement ⏵ Wait Time) WHERE Engagement ⏵ Type = "Queue"',
  ],
  [
    "90th Percentile Wait Time",
    "duration",
    "Nine in ten queue engagements waited less than this.",
    'SELECT PERCENTILE(Engagement ⏵ Wait Time, 0.9) WHERE Engagement ⏵ Type = "Queue"',
  ],
  // Abandonment
  [
    "Abandoned Engagements",
    "number",
    "Queue engagements the customer left before an agent answered.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Queue" AND Engagement ⏵ Outcome Type = "Customer Left"',
  ],
  [
    "Abandonment Rate",
    "percent",
    "Share of queue engagements abandoned.",
    "SELECT Abandoned Engagements / Queue Engagements",
  ],
  // Service level
  [
    "Service Level Met",
    "number",
    "Engagements that met the service-level target.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Service Level = "Met"',
  ],
  [
    "Service Level Missed",
    "number",
    "Engagements that missed the service-level target.",
    'SELECT COUNT(Engagement) WHERE Engagement ⏵ Service Level = "Missed"',
  ],
  [
    "Service Level %",
    "percent",
    "Met / (met + missed); engagements marked Ignore are left out.",
    "SELECT Service Level Met / (Service Level Met + Service Level Missed)",
  ],
  // Transfers
  [
    "Transfers",
    "number",
    "Agent engagements that ended in a transfer.",
    `SELECT COUNT(Engagement) WHERE ${AGENT} AND Engagement ⏵ Outcome Type = "Transferred"`,
  ],
  ["Transfer Rate", "percent", "Share of agent engagements transferred.", "SELECT Transfers / Agent Engagements"],
  // Invitations
  [
    "Missed Invitations",
    "number",
    "Invitations the agent did not answer in time.",
    'SELECT Invitations WHERE Engagement ⏵ Outcome Type = "Missed"',
  ],
  [
    "Rejected Invitations",
    "number",
    "Invitations the agent declined.",
    'SELECT Invitations WHERE Engagement ⏵ Outcome Type = "Rejected"',
  ],
  [
    "Revoked Invitations",
    "number",
    "Invitations withdrawn before the agent answered.",
    'SELECT Invitations WHERE Engagement ⏵ Outcome Type = "Revoked"',
  ],
  [
    "Accepted Invitations",
    "number",
    "Invitations the agent accepted.",
    'SELECT Invitations WHERE Engagement ⏵ Outcome Type = "Accepted"',
  ],
  [
    "Invitation Acceptance Rate",
    "percent",
    "Share of invitations accepted.",
    "SELECT Accepted Invitations / Invitations",
  ],
  // Customer satisfaction
  ["CSAT Responses", "number", "Answers to the CSAT question.", `SELECT COUNT(Review) WHERE ${CSAT}`],
  ["Average CSAT", "number", "Average score of the CSAT answers.", `SELECT AVG(Review ⏵ Answer Score) WHERE ${CSAT}`],
  [
    "CSAT %",
    "percent",
    "Share of CSAT answers scoring 4 or more (of 5).",
    `SELECT (SELECT COUNT(Review) WHERE ${CSAT} AND Review ⏵ Answer Score >= 4) / CSAT Responses`,
  ],
  // Quality assurance
  [
    "Agent Engagements Tagged as Reviewed",
    "number",
    "Agent engagements with the built-in Reviewed tag.",
    `SELECT COUNT(Engagement) WHERE ${AGENT} AND Review ⏵ Question IN ("Reviewed") AND ${COUNTED}`,
  ],
  [
    "Reviewed Coverage %",
    "percent",
    "Share of agent engagements tagged Reviewed.",
    "SELECT Agent Engagements Tagged as Reviewed / Agent Engagements",
  ],
  [
    "Manually Reviewed Engagements",
    "number",
    "Agent engagements with at least one manual review.",
    `SELECT COUNT(Engagement) WHERE ${AGENT} AND Review ⏵ Review Kind = "Manual" AND ${COUNTED}`,
  ],
  [
    "Tags Applied",
    "number",
    "Tags given to engagements and turns.",
    `SELECT COUNT(Review) WHERE Question ⏵ Question Type = "Tag" AND ${COUNTED}`,
  ],
  [
    "Tagged Engagements",
    "number",
    "Engagements with at least one tag.",
    `SELECT COUNT(Engagement) WHERE Question ⏵ Question Type = "Tag" AND ${COUNTED}`,
  ],
  [
    "Bookmarked Engagements",
    "number",
    "Engagements with the built-in Bookmark tag.",
    `SELECT COUNT(Engagement) WHERE Review ⏵ Question IN ("Bookmark") AND ${COUNTED}`,
  ],
  // Agent activity
  ["Logged-in Time", "duration", "Time agents spent in any status.", "SELECT SUM(Activity ⏵ Duration)"],
  [
    "Available Time",
    "duration",
    "Time agents were ready for work and idle.",
    'SELECT SUM(Activity ⏵ Duration) WHERE Activity ⏵ Status Type = "Available"',
  ],
  [
    "Busy Time",
    "duration",
    "Time agents were handling work.",
    'SELECT SUM(Activity ⏵ Duration) WHERE Activity ⏵ Status Type = "Busy"',
  ],
  [
    "Wrap Up Status Time",
    "duration",
    "Time agents spent in a wrap-up status.",
    'SELECT SUM(Activity ⏵ Duration) WHERE Activity ⏵ Status Type = "Wrap Up"',
  ],
  [
    "Occupancy %",
    "percent",
    "Handling (busy + wrap-up) time over the time agents were available or handling.",
    "SELECT (Busy Time + Wrap Up Status Time) / (Available Time + Busy Time + Wrap Up Status Time)",
  ],
  [
    "Utilisation %",
    "percent",
    "Handling (busy + wrap-up) time over all logged-in time, breaks included.",
    "SELECT (Busy Time + Wrap Up Status Time) / Logged-in Time",
  ],
  // Cost and revenue
  ["Engagement Cost", "currency", "Cost recorded on engagements.", "SELECT SUM(Engagement ⏵ Cost)"],
  ["Cost per Engagement", "currency", "Engagement cost per engagement.", "SELECT Engagement Cost / Engagements"],
  [
    "Agent Engagement Cost",
    "currency",
    "Each agent engagement at its agent's cost per engagement.",
    `SELECT SUM(Agent ⏵ Cost per Engagement, Engagement) WHERE ${AGENT}`,
  ],
  [
    "Staffing Cost",
    "currency",
    "Logged-in time at each agent's cost per hour.",
    "SELECT SUM(Agent ⏵ Cost per Hour * Activity ⏵ Duration) / 3600",
  ],
  ["Cost per Hour", "currency", "Staffing cost per logged-in hour.", "SELECT Staffing Cost / (Logged-in Time / 3600)"],
  [
    "Staffing Cost per Agent Engagement",
    "currency",
    "Staffing cost per agent engagement.",
    "SELECT Staffing Cost / Agent Engagements",
  ],
  ["Transactions", "number", "Sales, refunds and other transactions.", "SELECT COUNT(Transaction)"],
  ["Revenue", "currency", "Revenue from transactions (refunds are negative).", "SELECT SUM(Transaction ⏵ Revenue)"],
  [
    "Net Revenue",
    "currency",
    "Revenue less the transactions' own cost.",
    "SELECT Revenue - SUM(Transaction ⏵ Transaction Cost)",
  ],
  ["Revenue per Agent Engagement", "currency", "Revenue per agent engagement.", "SELECT Revenue / Agent Engagements"],
  // Repeat contacts and resolution
  [
    "Repeat Contacts",
    "number",
    `Agent conversations of customers who had another conversation in the ${REPEAT_CONTACT_DAYS} days before.`,
    `SELECT COUNT(Engagement ⏵ Conversation) WHERE ${AGENT} AND Engagement ⏵ Repeat Contact = "Yes"`,
  ],
  [
    "Repeat Contact Rate",
    "percent",
    "Share of agent conversations that are repeat contacts.",
    "SELECT Repeat Contacts / Agent Conversations",
  ],
  [
    "First Contact Resolutions",
    "number",
    `Agent conversations resolved with no other conversation of the customer in the next ${REPEAT_CONTACT_DAYS} days.`,
    `SELECT COUNT(Engagement ⏵ Conversation) WHERE ${AGENT} AND Engagement ⏵ Resolution = "Resolved" AND Engagement ⏵ Contacted Again = "No"`,
  ],
  [
    "First Contact Resolution %",
    "percent",
    "Share of agent conversations resolved on first contact.",
    "SELECT First Contact Resolutions / Agent Conversations",
  ],
  // Customers and agents
  ["Customers", "number", "Customers with at least one engagement.", "SELECT COUNT(Engagement ⏵ Customer)"],
  [
    "Active Agents",
    "number",
    "Agents who handled at least one agent engagement.",
    `SELECT COUNT(Engagement ⏵ Agent) WHERE ${AGENT}`,
  ],
  [
    "Agents in Active State",
    "number",
    "Agents whose state is Active, whether or not they handled anything.",
    'SELECT COUNT(Agent) WHERE Agent ⏵ State IN ("Active")',
  ],
  [
    "Agent Engagements per Active Agent",
    "number",
    "Agent engagements per agent who handled any.",
    "SELECT Agent Engagements / Active Agents",
  ],
  [
    "Agent Conversations per Customer",
    "number",
    "Average over customers of their agent conversations.",
    "SELECT AVG(SELECT Agent Conversations BY Customer)",
  ],
];

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/%/g, " percent")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The built-in metrics, in the order the app lists them. */
export const BUILTIN_METRICS: readonly BuiltinMetric[] = ENTRIES.map(([name, format, description, definition]) => ({
  id: slug(name),
  name,
  description,
  definition,
  format,
}));

/** Name → definition of every built-in, for `MetricContext.metrics`. */
export function builtinMetricDefinitions(): Map<string, string> {
  return new Map(BUILTIN_METRICS.map((m) => [m.name, m.definition]));
}
