import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { cx, formatDateTime, formatRelative } from "../../lib/format";
import { type Inbox, type InboxSection, sectionEmpty } from "./inbox-model";
import styles from "./live.module.css";
import type { InboxItem, ParticipantType } from "./live-types";

const WHO_WROTE: Record<ParticipantType, string> = {
  CUSTOMER: "Customer",
  AGENT: "Agent",
  BOT: "Bot",
  EXTERNAL_AGENT: "External agent",
  SYSTEM: "Brine",
};

/** The channel as people say it. */
export function channelLabel(channel: string): string {
  if (channel === "CHAT") return "Chat";
  if (channel === "WHATSAPP") return "WhatsApp";
  return channel;
}

function Item({ item, now, current }: { item: InboxItem; now: number; current: boolean }) {
  const time = item.lastTurn?.time ?? item.updatedTime;
  const agents = item.agents.map((a) => a.name ?? "An agent").join(", ");
  return (
    <li>
      <a
        class={cx(styles.item, current && styles.itemCurrent)}
        href={`/live/${item.conversationPid}`}
        aria-current={current ? "page" : undefined}
        data-conversation-pid={item.conversationPid}
      >
        <span class={styles.itemTop}>
          <span class={styles.itemName}>{item.customerName ?? "Anonymous customer"}</span>
          <time class={styles.itemTime} dateTime={time} title={formatDateTime(time)}>
            {formatRelative(time, now)}
          </time>
        </span>
        <span class={styles.itemMeta}>
          {[channelLabel(item.channel), item.brand].filter(Boolean).join(" · ")}
          {item.status === "COMPLETED" && " · Completed"}
        </span>
        {(item.needsHelp || item.yourLogicWorking) && (
          <span class={styles.itemBadges}>
            {item.needsHelp && (
              <Badge tone="danger">{item.needsHelpReason ? `Needs help: ${item.needsHelpReason}` : "Needs help"}</Badge>
            )}
            {item.yourLogicWorking && <Badge tone="info">Your Logic working</Badge>}
          </span>
        )}
        <span class={styles.itemPreview}>
          {item.lastTurn ? `${WHO_WROTE[item.lastTurn.participantType]}: ${item.lastTurn.content}` : "No messages yet"}
        </span>
        <span class={styles.itemMeta}>
          {agents ? `Joined: ${agents}` : "No agent joined"}
          {item.leftAt && ` · You left ${formatRelative(item.leftAt, now)}`}
        </span>
      </a>
    </li>
  );
}

function Section({ section, now, currentPid }: { section: InboxSection; now: number; currentPid: string | null }) {
  const items = section.items.value;
  const headingId = `inbox-${section.id}`;
  const count = section.state.value === "ready" ? `${items.length}${section.nextCursor.value ? "+" : ""}` : "…";
  return (
    <section class={styles.section} aria-labelledby={headingId} data-section={section.id}>
      <h2 class={styles.sectionTitle} id={headingId}>
        {section.title} <span class={styles.count}>{count}</span>
      </h2>
      {section.state.value === "loading" && <p class={styles.muted}>Loading…</p>}
      {section.error.value && <Alert>{section.error.value}</Alert>}
      {section.state.value === "ready" && items.length === 0 && (
        <p class={styles.sectionEmpty}>{sectionEmpty(section.id)}</p>
      )}
      {items.length > 0 && (
        // biome-ignore lint/a11y/noRedundantRoles: the list role keeps list semantics where CSS removes the markers.
        <ul class={styles.items} role="list">
          {items.map((item) => (
            <Item key={item.conversationPid} item={item} now={now} current={item.conversationPid === currentPid} />
          ))}
        </ul>
      )}
      {section.moreError.value && <Alert>{section.moreError.value}</Alert>}
      {section.nextCursor.value && (
        <Button size="sm" class={styles.showMore} busy={section.loadingMore.value} onClick={() => section.loadMore()}>
          Show more
        </Button>
      )}
    </section>
  );
}

/** The left column: the inbox sections, live. */
export function InboxColumn({ inbox, currentPid }: { inbox: Inbox; currentPid: string | null }) {
  const now = inbox.now.value;
  return (
    <nav class={styles.inbox} aria-label="Live inbox">
      {inbox.connection.value === "reconnecting" && (
        <p class={styles.reconnecting} role="status">
          Reconnecting… the inbox updates again once the connection is back.
        </p>
      )}
      {inbox.sections.value.map((s) => (
        <Section key={s.id} section={s} now={now} currentPid={currentPid} />
      ))}
    </nav>
  );
}
