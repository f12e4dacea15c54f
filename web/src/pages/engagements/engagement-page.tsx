import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import type { EngagementDetail } from "../../../../schemas/engagements";
import { api, messageOf } from "../../api";
import { buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { LoadError, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { ReviewPanel } from "../../components/review-panel/review-panel";
import { formatSeconds } from "../../lib/analytics";
import { formatDateTime } from "../../lib/format";
import { journeyHref } from "../../lib/journey";
import styles from "./engagements.module.css";
import { EngagementTable } from "./engagements-page";

/** `/engagements/:id`: every attribute and fact of one engagement; the journey links here for the details. */
export function EngagementPage() {
  const { params } = useRoute();
  const [detail, setDetail] = useState<EngagementDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    setDetail(null);
    api.get<EngagementDetail>(`/engagements/${params.id}`).then(setDetail, (e) => setError(messageOf(e)));
  };
  useEffect(load, [params.id]);
  // After a review, the counts update without the page blinking.
  const refresh = () => {
    api.get<EngagementDetail>(`/engagements/${params.id}`).then(setDetail, () => {});
  };
  if (error) return <LoadError message={error} onRetry={load} />;
  if (!detail) return <Loading />;
  const fields: [string, string | null][] = [
    ["Started", detail.startTime && formatDateTime(detail.startTime)],
    ["Ended", detail.endTime && formatDateTime(detail.endTime)],
    ["Type", detail.type],
    ["Channel", detail.channel?.name ?? detail.channelType],
    ["Direction", detail.direction],
    ["Queue", detail.queue?.name ?? null],
    ["Agent", detail.agent?.name ?? null],
    ["Engaged team", detail.team?.name ?? null],
    ["Engaged department", detail.department?.name ?? null],
    ["Outcome", detail.outcome?.name ?? detail.outcomeType],
    ["Service level", detail.serviceLevel],
    ["Resolution", detail.resolution],
    ["Terminated by", detail.terminatedBy],
    ["Reason", detail.reason],
    ["Topic", detail.topic],
    ["Language", detail.language],
    ["Source", detail.source],
    ["Turns", String(detail.turns)],
    ["Reviews", String(detail.reviews)],
  ];
  const facts = Object.entries(detail.facts).filter(([, v]) => v !== null);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Engagement"
        title={`${detail.type ?? "Engagement"} ${detail.startTime ? `· ${formatDateTime(detail.startTime)}` : ""}`}
        description={detail.externalId ? `ID in the source: ${detail.externalId}` : undefined}
        actions={
          <a class={buttonClass("primary")} href={journeyHref("engagements", detail.id)}>
            Open in the customer journey
          </a>
        }
      />
      <div class={styles.columns}>
        <Card title="Details">
          <dl class={styles.fields}>
            {fields
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            {detail.link && (
              <div>
                <dt>In the source</dt>
                <dd>
                  <a href={detail.link} rel="noopener noreferrer" target="_blank">
                    Open
                  </a>
                </dd>
              </div>
            )}
          </dl>
        </Card>
        <Card title="Customer">
          {detail.customer ? (
            <>
              <p>{detail.customer.contacts.length ? detail.customer.contacts.join(", ") : "No known contacts."}</p>
              {detail.customer.masked && (
                <p class={styles.muted}>
                  Contacts are masked. With the pii.reveal permission, reveal one in the customer journey.
                </p>
              )}
            </>
          ) : (
            <p class={styles.muted}>No customer recorded.</p>
          )}
          <h3>Facts</h3>
          <dl class={styles.fields}>
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{/time/i.test(k) ? formatSeconds(v ?? 0) : v}</dd>
              </div>
            ))}
          </dl>
        </Card>
      </div>
      <Card title="Review" description="Tag or answer questions about the whole engagement with a form.">
        <ReviewPanel key={detail.id} engagementId={detail.id} scope="engagement" onReviewed={refresh} />
      </Card>
      <Card title="The conversation" description="Every engagement of the same conversation, in order." flush>
        <EngagementTable rows={detail.conversation} caption="Engagements of the conversation" />
      </Card>
    </div>
  );
}
