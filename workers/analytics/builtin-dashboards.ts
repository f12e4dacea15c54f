import type { DashboardFilter, DashboardItem } from "../../schemas/dashboards";
import type { VisualizationSpec, VisualizationType } from "../../schemas/visualizations";
import { BUILTIN_METRICS } from "./builtin-metrics";

// The visualizations and dashboards every account has (seed 000, "Built-in Dashboards"). They
// are read-only; "Save as new" and "Copy" give editable ones. Each names its metrics by the
// built-in metric's name, resolved to its id here, so a renamed metric fails at start-up.

export interface BuiltinVisualization {
  id: string;
  name: string;
  description: string;
  spec: VisualizationSpec;
}

export interface BuiltinDashboard {
  id: string;
  name: string;
  description: string;
  filters: DashboardFilter[];
  items: DashboardItem[];
}

const METRIC_IDS = new Map(BUILTIN_METRICS.map((m) => [m.name, m.id]));

function metricId(name: string): string {
  const id = METRIC_IDS.get(name);
  if (!id) throw new Error(`built-in visualization names an unknown metric: ${name}`);
  return id;
}

type By = { attribute: string; granularity?: "hour" | "day" | "week" | "month" };
const DAY: By = { attribute: "Date", granularity: "day" };

function viz(
  id: string,
  name: string,
  type: VisualizationType,
  metrics: string[],
  options: {
    description: string;
    viewBy?: By;
    segmentBy?: By;
    sort?: VisualizationSpec["sort"];
    limit?: number;
    filters?: VisualizationSpec["filters"];
  },
): BuiltinVisualization {
  return {
    id,
    name,
    description: options.description,
    spec: {
      type,
      metrics: metrics.map(metricId),
      viewBy: options.viewBy ?? null,
      segmentBy: options.segmentBy ?? null,
      filters: options.filters ?? [],
      sort: options.sort ?? null,
      limit: options.limit ?? 100,
    },
  };
}

const byValueDesc = (metric = 0): VisualizationSpec["sort"] => ({ by: "metric", metric, direction: "desc" });

export const BUILTIN_VISUALIZATIONS: readonly BuiltinVisualization[] = [
  // Headlines
  viz("headline-engagements", "Engagements", "headline", ["Engagements"], {
    description: "Every engagement in the period.",
  }),
  viz("headline-agent-conversations", "Agent Conversations", "headline", ["Agent Conversations"], {
    description: "Conversations with at least one agent engagement.",
  }),
  viz("headline-average-handling-time", "Average Handling Time", "headline", ["Average Handling Time"], {
    description: "Preparation + engagement + wrap-up, averaged over agent engagements.",
  }),
  viz("headline-average-speed-of-answer", "Average Speed of Answer", "headline", ["Average Speed of Answer"], {
    description: "How long answered customers waited.",
  }),
  viz("headline-service-level", "Service Level %", "headline", ["Service Level %"], {
    description: "Share of the engagements measured against a service-level target that met it.",
  }),
  viz("headline-abandonment-rate", "Abandonment Rate", "headline", ["Abandonment Rate"], {
    description: "Share of queue engagements where the customer left.",
  }),
  viz("headline-average-csat", "Average CSAT", "headline", ["Average CSAT"], {
    description: "Average CSAT answer in reviews.",
  }),
  viz("headline-reviewed-coverage", "Reviewed Coverage %", "headline", ["Reviewed Coverage %"], {
    description: "Share of agent engagements tagged as reviewed.",
  }),
  viz("headline-customers", "Customers", "headline", ["Customers"], {
    description: "Distinct customers engaged.",
  }),
  viz("headline-repeat-contact-rate", "Repeat Contact Rate", "headline", ["Repeat Contact Rate"], {
    description: "Share of conversations whose customer came back within 7 days.",
  }),
  viz("headline-first-contact-resolution", "First Contact Resolution %", "headline", ["First Contact Resolution %"], {
    description: "Share of conversations resolved without a repeat contact.",
  }),
  viz("headline-active-agents", "Active Agents", "headline", ["Active Agents"], {
    description: "Agents with at least one engagement.",
  }),
  // Trends
  viz("engagements-per-day-by-type", "Engagements per Day by Type", "column", ["Engagements"], {
    description: "Daily engagements split by who or what handled them.",
    viewBy: DAY,
    segmentBy: { attribute: "Engagement ⏵ Type" },
  }),
  viz("wait-time-per-day", "Average Wait Time per Day", "line", ["Average Wait Time", "Average Speed of Answer"], {
    description: "How long customers waited, day by day.",
    viewBy: DAY,
  }),
  viz("service-level-per-day", "Service Level per Day", "area", ["Service Level %"], {
    description: "Daily share of queue engagements within the target.",
    viewBy: DAY,
  }),
  viz("agent-engagements-per-hour", "Agent Engagements per Hour", "column", ["Agent Engagements"], {
    description: "When agents are busiest, hour by hour.",
    viewBy: { attribute: "Date", granularity: "hour" },
  }),
  viz("customers-per-week", "Customers per Week", "line", ["Customers", "Repeat Contacts"], {
    description: "Distinct customers and repeat contacts, week by week.",
    viewBy: { attribute: "Date", granularity: "week" },
  }),
  viz("csat-per-week", "CSAT per Week", "line", ["Average CSAT"], {
    description: "Average CSAT answer, week by week.",
    viewBy: { attribute: "Date", granularity: "week" },
  }),
  // Breakdowns
  viz("engagements-by-channel-type", "Engagements by Channel Type", "donut", ["Engagements"], {
    description: "Voice, chat, e-mail and messaging.",
    viewBy: { attribute: "Engagement ⏵ Channel Type" },
    sort: byValueDesc(),
  }),
  viz("engagements-by-direction", "Engagements by Direction", "bar", ["Engagements"], {
    description: "Inbound, outbound and internal engagements.",
    viewBy: { attribute: "Engagement ⏵ Direction" },
    sort: byValueDesc(),
  }),
  viz("agent-engagements-by-outcome", "Agent Engagements by Outcome", "bar", ["Agent Engagements"], {
    description: "Dispositions chosen at wrap-up.",
    viewBy: { attribute: "Engagement ⏵ Outcome" },
    sort: byValueDesc(),
    limit: 20,
  }),
  viz(
    "queues-table",
    "Queue Performance",
    "table",
    ["Queue Engagements", "Average Wait Time", "Abandonment Rate", "Service Level %", "Transfers"],
    {
      description: "Waiting, abandonment and service level per queue.",
      viewBy: { attribute: "Engagement ⏵ Queue" },
      sort: byValueDesc(),
    },
  ),
  viz("wait-time-by-queue", "Average Wait Time by Queue", "bar", ["Average Wait Time"], {
    description: "Which queues keep customers waiting.",
    viewBy: { attribute: "Engagement ⏵ Queue" },
    sort: byValueDesc(),
  }),
  viz(
    "agents-table",
    "Agent Performance",
    "table",
    ["Agent Engagements", "Average Handling Time", "Transfers", "Average CSAT", "Reviewed Coverage %"],
    {
      description: "Volume, handling time and quality per agent.",
      viewBy: { attribute: "Engagement ⏵ Agent" },
      sort: byValueDesc(),
    },
  ),
  viz("agent-engagements-by-team", "Agent Engagements by Team", "column", ["Agent Engagements"], {
    description: "Agent engagements per engaged team, split by channel type.",
    viewBy: { attribute: "Engagement ⏵ Engaged Team" },
    segmentBy: { attribute: "Engagement ⏵ Channel Type" },
  }),
  viz(
    "invitations-table",
    "Invitations by Agent",
    "table",
    [
      "Invitations",
      "Accepted Invitations",
      "Missed Invitations",
      "Rejected Invitations",
      "Revoked Invitations",
      "Invitation Acceptance Rate",
    ],
    {
      description: "Offers to agents and how they were answered.",
      viewBy: { attribute: "Engagement ⏵ Agent" },
      sort: byValueDesc(),
    },
  ),
  viz("occupancy-by-agent", "Occupancy by Agent", "table", ["Logged-in Time", "Occupancy %", "Utilisation %"], {
    description: "From agent activity: time logged in, and the share of it spent busy or handling.",
    viewBy: { attribute: "Agent" },
    sort: byValueDesc(),
  }),
  viz(
    "channels-table",
    "Channel Performance",
    "table",
    ["Engagements", "Agent Engagements", "Average Handling Time", "Average Wait Time", "Cost per Engagement"],
    {
      description: "Volume, handling, waiting and cost per channel.",
      viewBy: { attribute: "Engagement ⏵ Channel" },
      sort: byValueDesc(),
    },
  ),
  viz("handling-time-by-channel-type", "Average Handling Time by Channel Type", "column", ["Average Handling Time"], {
    description: "How long agents spend per engagement on each kind of channel.",
    viewBy: { attribute: "Engagement ⏵ Channel Type" },
  }),
  viz(
    "quality-by-team",
    "Quality by Team",
    "table",
    ["Agent Engagements", "Reviewed Coverage %", "Average CSAT", "CSAT %", "Tags Applied"],
    {
      description: "Review coverage, CSAT and tags per engaged team.",
      viewBy: { attribute: "Engagement ⏵ Engaged Team" },
      sort: byValueDesc(),
    },
  ),
  viz("csat-by-agent", "Average CSAT by Agent", "bar", ["Average CSAT"], {
    description: "Agents by their average CSAT answer.",
    viewBy: { attribute: "Engagement ⏵ Agent" },
    sort: byValueDesc(),
    limit: 20,
  }),
  viz(
    "repeat-contacts-by-reason",
    "Repeat Contacts by Reason",
    "table",
    ["Conversations", "Repeat Contacts", "Repeat Contact Rate", "First Contact Resolution %"],
    {
      description: "Which reasons bring customers back within 7 days.",
      viewBy: { attribute: "Engagement ⏵ Reason" },
      sort: byValueDesc(),
      limit: 50,
    },
  ),
  viz("recent-engagements", "Recent Engagements", "engagements", [], {
    description: "The engagements behind the dashboard, newest first.",
  }),
];

/** The filters of most dashboards, in the seed's order. */
const STANDARD_FILTERS: DashboardFilter[] = [
  {
    key: "date",
    label: "Date",
    attribute: "Date",
    default: { op: "between", relative: "last30Days" },
    hidden: false,
    locked: false,
  },
  ...(
    [
      ["source", "Source", "Engagement ⏵ Source"],
      ["location", "Location", "Engagement ⏵ Engaged Location"],
      ["direction", "Direction", "Engagement ⏵ Direction"],
      ["channel", "Channel", "Engagement ⏵ Channel"],
      ["department", "Engaged Department", "Engagement ⏵ Engaged Department"],
      ["queue", "Queue", "Engagement ⏵ Queue"],
      ["team", "Engaged Team", "Engagement ⏵ Engaged Team"],
      ["agent", "Agent", "Engagement ⏵ Agent"],
      ["outcome", "Outcome", "Engagement ⏵ Outcome"],
    ] as const
  ).map(([key, label, attribute]) => ({ key, label, attribute, default: null, hidden: false, locked: false })),
];

const item = (
  visualizationId: string,
  width: number,
  drill: DashboardItem["drill"] = { kind: "engagements" },
): DashboardItem => ({ visualizationId, width, drill });

const toAgents: DashboardItem["drill"] = { kind: "dashboard", dashboardId: "agents" };
const toQueues: DashboardItem["drill"] = { kind: "dashboard", dashboardId: "queues" };

export const BUILTIN_DASHBOARDS: readonly BuiltinDashboard[] = [
  {
    id: "overview",
    name: "Overview",
    description: "The contact center at a glance: volume, speed, service level and satisfaction.",
    filters: STANDARD_FILTERS,
    items: [
      item("headline-engagements", 2),
      item("headline-agent-conversations", 2),
      item("headline-average-handling-time", 2),
      item("headline-service-level", 2),
      item("headline-abandonment-rate", 2),
      item("headline-average-csat", 2),
      item("engagements-per-day-by-type", 8),
      item("engagements-by-channel-type", 4),
      item("queues-table", 6, toQueues),
      item("agents-table", 6, toAgents),
      item("wait-time-per-day", 12),
    ],
  },
  {
    id: "agents",
    name: "Agents",
    description: "Agent volume, handling time, invitations, occupancy and quality.",
    filters: STANDARD_FILTERS,
    items: [
      item("headline-active-agents", 3),
      item("headline-average-handling-time", 3),
      item("headline-average-csat", 3),
      item("headline-reviewed-coverage", 3),
      item("agents-table", 12),
      item("agent-engagements-by-team", 6),
      item("agent-engagements-per-hour", 6),
      item("invitations-table", 12),
      item("occupancy-by-agent", 12),
    ],
  },
  {
    id: "queues",
    name: "Queues",
    description: "Where customers wait, how long, and how many give up.",
    filters: STANDARD_FILTERS,
    items: [
      item("headline-average-speed-of-answer", 4),
      item("headline-service-level", 4),
      item("headline-abandonment-rate", 4),
      item("queues-table", 12),
      item("wait-time-by-queue", 6),
      item("service-level-per-day", 6),
    ],
  },
  {
    id: "channels",
    name: "Channels",
    description: "Volume, handling time and cost per channel.",
    filters: STANDARD_FILTERS,
    items: [
      item("engagements-by-channel-type", 4),
      item("handling-time-by-channel-type", 8),
      item("channels-table", 12),
      item("engagements-by-direction", 6),
      item("agent-engagements-by-outcome", 6),
    ],
  },
  {
    id: "quality",
    name: "Quality",
    description: "Reviews of agent engagements: coverage, CSAT and tags.",
    filters: [
      ...STANDARD_FILTERS,
      {
        key: "agentOnly",
        label: "Engagement Type",
        attribute: "Engagement ⏵ Type",
        default: { op: "in", values: ["Agent"] },
        hidden: false,
        locked: true,
      },
    ],
    items: [
      item("headline-reviewed-coverage", 4),
      item("headline-average-csat", 4),
      item("headline-agent-conversations", 4),
      item("quality-by-team", 12),
      item("csat-by-agent", 6, toAgents),
      item("csat-per-week", 6),
      item("recent-engagements", 12),
    ],
  },
  {
    id: "customers",
    name: "Customers",
    description: "Who gets in touch, how often they come back, and why.",
    filters: [
      ...STANDARD_FILTERS,
      {
        key: "external",
        label: "External conversations",
        attribute: "Engagement ⏵ Direction",
        default: { op: "notIn", values: ["Internal"] },
        hidden: true,
        locked: true,
      },
    ],
    items: [
      item("headline-customers", 4),
      item("headline-repeat-contact-rate", 4),
      item("headline-first-contact-resolution", 4),
      item("customers-per-week", 6),
      item("repeat-contacts-by-reason", 6),
      item("recent-engagements", 12),
    ],
  },
];

export const BUILTIN_VISUALIZATION_BY_ID = new Map(BUILTIN_VISUALIZATIONS.map((v) => [v.id, v]));
export const BUILTIN_DASHBOARD_BY_ID = new Map(BUILTIN_DASHBOARDS.map((d) => [d.id, d]));
