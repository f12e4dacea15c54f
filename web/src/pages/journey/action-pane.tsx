import { useContext } from "preact/hooks";
import type { JourneyEngagement, JourneyTurn, ReviewTargetScope } from "../../../../schemas/journey";
import { ReviewPanel } from "../../components/review-panel/review-panel";
import { formatSeconds } from "../../lib/analytics";
import { formatDateTime } from "../../lib/format";
import styles from "./journey.module.css";
import { JourneyContext } from "./journey-context";
import { channelName } from "./journey-icons";

export interface ActionPaneProps {
  engagementId: string;
  turnId?: string;
  scope: ReviewTargetScope;
}

const SCOPE_TITLES: Record<ReviewTargetScope, string> = {
  engagement: "Engagement",
  customerTurn: "Customer turn",
  agentTurn: "Agent turn",
  botTurn: "Bot turn",
};

function Summary({ engagement, turn }: { engagement: JourneyEngagement; turn: JourneyTurn | undefined }) {
  const rows: [string, string | null][] = turn
    ? [
        ["Who", turn.participantName],
        ["When", turn.time && formatDateTime(turn.time)],
        ["Channel", channelName(turn.channelType)],
        ["Response time", turn.responseSeconds === null ? null : formatSeconds(turn.responseSeconds)],
        ["Engagement", `${engagement.type ?? "Engagement"} · ${engagement.label}`],
      ]
    : [
        ["Type", engagement.type],
        ["Handled by", engagement.agent?.name ?? engagement.externalAgent?.name ?? null],
        ["Queue", engagement.queue?.name ?? null],
        ["Channel", engagement.channel?.name ?? channelName(engagement.channelType)],
        ["Started", engagement.startTime && formatDateTime(engagement.startTime)],
        ["Ended", engagement.endTime && formatDateTime(engagement.endTime)],
        ["Outcome", engagement.outcome?.name ?? engagement.outcomeType],
      ];
  return (
    <dl class={styles.summary}>
      {rows
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/**
 * The action pane's target: the selected engagement or turn, its reviews with their feedback,
 * and the review forms allowed for it (ReviewPanel). "Ask" and similar turns come with search.
 */
export function ActionPane({ engagementId, turnId, scope }: ActionPaneProps) {
  const journey = useContext(JourneyContext);
  const conversations = journey?.conversations.value ?? [];
  let engagement: JourneyEngagement | undefined;
  let turn: JourneyTurn | undefined;
  for (const c of conversations) {
    engagement ??= c.engagements.find((e) => e.id === engagementId);
    if (turnId) turn ??= c.items.find((i): i is JourneyTurn => i.kind === "turn" && i.id === turnId);
  }
  if (!engagement) {
    return <p class={styles.muted}>This engagement is no longer loaded. Pick one in the conversations pane.</p>;
  }
  return (
    <div class={styles.actionBody}>
      <h2 class={styles.actionTitle}>{SCOPE_TITLES[scope]}</h2>
      <Summary engagement={engagement} turn={turn} />
      {turn?.content && <blockquote class={styles.quote}>{turn.content}</blockquote>}
      <p>
        <a href={`/engagements/${engagement.id}`}>All details of the engagement</a>
      </p>
      <ReviewPanel
        key={`${engagement.id}:${turnId ?? ""}`}
        engagementId={engagement.id}
        turnId={turnId}
        scope={scope}
      />
    </div>
  );
}
