import { useModel } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { useRoute } from "preact-iso";
import {
  type CustomerProfile,
  JOURNEY_TARGETS,
  type Journey,
  type JourneyConversation,
  type JourneyEngagement,
  type JourneyTargetKind,
  type JourneyTurn,
  type OutlineConversation,
} from "../../../../schemas/journey";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Empty, LoadError, Loading } from "../../components/list-state/list-state";
import { MaskedValue } from "../../components/masked-value/masked-value";
import { PageHeader } from "../../components/page-header/page-header";
import { formatSeconds } from "../../lib/analytics";
import { cx, formatDate, formatDateTime, formatTimeSeconds } from "../../lib/format";
import { session } from "../../session";
import { ActionPane } from "./action-pane";
import styles from "./journey.module.css";
import { JourneyContext } from "./journey-context";
import { ChannelIcon, DirectionIcon } from "./journey-icons";
import {
  conversationElementId,
  engagementElementId,
  JourneyModel,
  type JourneyView,
  revealKey,
  turnElementId,
  turnScope,
} from "./journey-model";

type JourneyMeta = Omit<Journey, "conversations" | "previousCursor" | "nextCursor">;

const PARTICIPANT_CLASS: Record<JourneyTurn["participant"], string | undefined> = {
  CUSTOMER: styles.customer,
  AGENT: styles.agent,
  BOT: styles.bot,
  EXTERNAL_AGENT: styles.external,
  SYSTEM: styles.system,
};

const KIND_NOUNS: Record<JourneyTargetKind, string> = {
  customers: "customer",
  conversations: "conversation",
  engagements: "engagement",
  turns: "turn",
};

/** Who joined with an engagement, as its header says. */
function whoJoined(e: JourneyEngagement): string {
  if (e.type === "Queue") return `Queue ${e.queue?.name ?? ""}`.trim();
  return e.agent?.name ?? e.externalAgent?.name ?? e.queue?.name ?? e.type ?? "Someone";
}

function Profile({ model, profile }: { model: JourneyView; profile: CustomerProfile }) {
  const canReveal = session.can("pii.reveal");
  const revealed = model.revealed.value;
  const busy = model.revealing.value;
  return (
    <div class={styles.profile}>
      <span class={styles.profileName}>
        {profile.name ? (
          <MaskedValue
            masked={profile.name}
            label="name"
            value={revealed[revealKey(profile.id, "name")]}
            canReveal={canReveal}
            busy={busy === revealKey(profile.id, "name")}
            onReveal={() => model.reveal(profile.id, "name")}
          />
        ) : (
          "Unnamed customer"
        )}
      </span>
      <span class={styles.muted}>
        {[profile.externalId && `ID ${profile.externalId}`, profile.source, profile.segment]
          .filter(Boolean)
          .join(" · ")}
      </span>
      {profile.contacts.map((c) => (
        <span key={c.ref} class={styles.contact}>
          <span class={styles.muted}>{c.type}</span>{" "}
          <MaskedValue
            masked={c.value}
            label={c.type.toLowerCase()}
            value={revealed[revealKey(profile.id, "contact", c.ref)]}
            canReveal={canReveal}
            busy={busy === revealKey(profile.id, "contact", c.ref)}
            onReveal={() => model.reveal(profile.id, "contact", c.ref)}
          />
        </span>
      ))}
    </div>
  );
}

/** The customer: the profile the journey opened at, and the others sharing a contact with it. */
function Profiles({ model, journey }: { model: JourneyView; journey: JourneyMeta }) {
  const customer = journey.customer;
  if (!customer) return <p class={styles.muted}>No customer is known for this conversation.</p>;
  const main = customer.profiles.find((p) => p.id === customer.id) ?? customer.profiles[0];
  const linked = customer.profiles.filter((p) => p !== main);
  return (
    <div class={styles.profiles}>
      {main && <Profile model={model} profile={main} />}
      {linked.length > 0 && (
        <details class={styles.linked}>
          <summary>
            {linked.length} more {linked.length === 1 ? "profile shares" : "profiles share"} a contact with this
            customer
          </summary>
          {linked.map((p) => (
            <Profile key={p.id} model={model} profile={p} />
          ))}
        </details>
      )}
      {model.revealError.value && <Alert class={styles.revealError}>{model.revealError.value}</Alert>}
    </div>
  );
}

function Outline({ model }: { model: JourneyView }) {
  const items = model.outline.value;
  const visible = model.visible.value;
  const count = model.journey.value?.conversationCount ?? items.length;
  const pane = useRef<HTMLElement>(null);
  // Keep the bar in sight: when the conversations on screen are scrolled out of this pane, bring them back.
  useEffect(() => {
    const root = pane.current;
    const first = root?.querySelector<HTMLElement>("[data-in-view]");
    if (!root || !first) return;
    const box = root.getBoundingClientRect();
    const item = first.getBoundingClientRect();
    if (item.top < box.top || item.top > box.bottom - 24) root.scrollTop += item.top - box.top - 8;
  }, [visible, items.length]);
  return (
    <nav class={styles.navPane} aria-label="Journey overview" ref={pane}>
      <p class={styles.navCount}>
        {count} {count === 1 ? "conversation" : "conversations"}
      </p>
      {model.outlineState.value === "error" && (
        <LoadError message="The overview could not be loaded." onRetry={() => model.reloadOutline()} />
      )}
      {items.length === 0 && model.outlineState.value === "loading" && <Loading rows={4} />}
      <ol class={styles.navList}>
        {items.map((c: OutlineConversation) => (
          <li
            key={c.id}
            class={cx(styles.navConversation, visible.has(c.id) && styles.inView)}
            data-in-view={visible.has(c.id) ? "true" : undefined}
          >
            <button type="button" class={styles.navConversationButton} onClick={() => model.goTo(c.id)}>
              <DirectionIcon direction={c.direction} />
              <span>{c.startTime ? formatDate(c.startTime) : "Unknown date"}</span>
            </button>
            <ul class={styles.navEngagements}>
              {c.engagements.map((e) => (
                <li key={e.id}>
                  <button
                    type="button"
                    class={styles.navEngagement}
                    onClick={() => model.goTo(c.id, engagementElementId(e.id))}
                  >
                    <ChannelIcon type={e.channelType} human={e.human} />
                    <span class={styles.navLabel}>{e.label}</span>
                    {e.outcome && <span class={styles.navOutcome}>{e.outcome}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function EngagementHeader({
  model,
  engagement,
  target,
}: {
  model: JourneyView;
  engagement: JourneyEngagement;
  target: boolean;
}) {
  const selected = model.selected.value;
  const isSelected = selected?.engagementId === engagement.id && !selected.turnId;
  const names = [...new Set(engagement.reviews.map((r) => r.question ?? r.type ?? "Review"))];
  return (
    <div
      id={engagementElementId(engagement.id)}
      class={cx(styles.engagement, target && styles.target)}
      aria-current={target ? "true" : undefined}
    >
      <button
        type="button"
        class={cx(styles.engagementButton, isSelected && styles.selected)}
        aria-pressed={isSelected}
        onClick={() => model.select({ engagementId: engagement.id, scope: "engagement" })}
      >
        <ChannelIcon type={engagement.channelType} human={engagement.human} />
        <span class={styles.joined}>{whoJoined(engagement)} joined</span>
        <span class={styles.muted}>
          {[
            engagement.type,
            engagement.startTime && formatTimeSeconds(engagement.startTime),
            engagement.outcome?.name ?? engagement.outcomeType,
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
        {engagement.reviews.length > 0 && (
          <span class={styles.reviewBadge}>
            {engagement.reviews.length} {engagement.reviews.length === 1 ? "review" : "reviews"}: {names.join(", ")}
          </span>
        )}
      </button>
      {engagement.recording && (
        // biome-ignore lint/a11y/useMediaCaption: the call's transcript is its turns, shown right below.
        <audio
          class={styles.audio}
          controls
          preload="none"
          src={engagement.recording.url}
          aria-label={`Recording of the call with ${whoJoined(engagement)}`}
        />
      )}
    </div>
  );
}

function Turn({
  model,
  turn,
  target,
  contentVisible,
}: {
  model: JourneyView;
  turn: JourneyTurn;
  target: boolean;
  contentVisible: boolean;
}) {
  const selected = model.selected.value;
  const isSelected = selected?.turnId === turn.id;
  const media = turn.media;
  return (
    <div
      id={turnElementId(turn.id)}
      class={cx(
        styles.turn,
        PARTICIPANT_CLASS[turn.participant],
        turn.grouped && styles.grouped,
        target && styles.target,
      )}
      aria-current={target ? "true" : undefined}
      data-participant={turn.participant}
    >
      <button
        type="button"
        class={cx(styles.turnButton, isSelected && styles.selected)}
        aria-pressed={isSelected}
        onClick={() => model.select({ engagementId: turn.engagementId, turnId: turn.id, scope: turnScope(turn) })}
      >
        {!turn.grouped && (
          <span class={styles.turnHead}>
            <ChannelIcon type={turn.channelType} />
            <span class={styles.participant}>{turn.participantName}</span>
            {turn.time && <span class={styles.muted}>{formatTimeSeconds(turn.time)}</span>}
            {turn.responseSeconds !== null && (
              <span class={styles.response} title="Time since the previous turn of another participant">
                after {formatSeconds(turn.responseSeconds)}
              </span>
            )}
          </span>
        )}
        {turn.content !== null ? (
          <span class={styles.text}>{turn.content}</span>
        ) : (
          <span class={styles.hiddenText}>{contentVisible ? "(no text)" : "•••"}</span>
        )}
      </button>
      {media &&
        (media.type?.startsWith("audio/") ? (
          // biome-ignore lint/a11y/useMediaCaption: the turn's text above is what the clip says.
          <audio class={styles.audio} controls preload="none" src={media.url} aria-label="Audio of this turn" />
        ) : (
          <a class={styles.attachment} href={media.url} target="_blank" rel="noopener noreferrer">
            {media.name ?? "Attachment"}
          </a>
        ))}
    </div>
  );
}

function Conversation({
  model,
  conversation,
  journey,
}: {
  model: JourneyView;
  conversation: JourneyConversation;
  journey: JourneyMeta;
}) {
  const target = journey.target;
  const engagements = new Map(conversation.engagements.map((e) => [e.id, e]));
  const headingId = `${conversationElementId(conversation.id)}-heading`;
  const isTargetConversation = target.kind === "conversations" && target.conversationId === conversation.id;
  return (
    <section
      id={conversationElementId(conversation.id)}
      class={cx(styles.conversation, isTargetConversation && styles.target)}
      aria-labelledby={headingId}
      aria-current={isTargetConversation ? "true" : undefined}
      data-conversation-id={conversation.id}
    >
      <h2 class={styles.conversationHead} id={headingId} tabIndex={-1}>
        <DirectionIcon direction={conversation.direction} />
        <span>{conversation.startTime ? formatDateTime(conversation.startTime) : "Unknown date"}</span>
        <span class={styles.muted}>
          Conversation {conversation.position} of {journey.conversationCount}
        </span>
      </h2>
      {conversation.items.map((item) => {
        if (item.kind === "engagement") {
          const e = engagements.get(item.engagementId);
          return e ? (
            <EngagementHeader
              key={`e-${e.id}`}
              model={model}
              engagement={e}
              target={!target.turnId && target.engagementId === e.id}
            />
          ) : null;
        }
        if (item.kind === "overlap") {
          return (
            <button
              key={`o-${item.conversationId}`}
              type="button"
              class={styles.overlap}
              onClick={() => model.goTo(item.conversationId)}
            >
              Another conversation started{item.time ? ` at ${formatTimeSeconds(item.time)}` : ""} — go to it
            </button>
          );
        }
        return (
          <Turn
            key={item.id}
            model={model}
            turn={item}
            target={target.turnId === item.id}
            contentVisible={journey.contentVisible}
          />
        );
      })}
      {conversation.turnsCut && <p class={styles.muted}>This conversation has more turns than can be shown here.</p>}
    </section>
  );
}

/** The middle pane: conversations in order, loading more as either end scrolls into view. */
function Conversations({ model, journey }: { model: JourneyView; journey: JourneyMeta }) {
  const pane = useRef<HTMLElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ id: string; top: number } | null>(null);
  const conversations = model.conversations.value;

  // Earlier conversations arrive above: keep what the reader was looking at where it was.
  useLayoutEffect(() => {
    const root = pane.current;
    const before = anchor.current;
    if (root && before && conversations[0]?.id !== before.id) {
      const el = document.getElementById(conversationElementId(before.id));
      if (el) root.scrollTop += el.offsetTop - before.top;
    }
    const first = conversations[0];
    const el = first ? document.getElementById(conversationElementId(first.id)) : null;
    anchor.current = first && el ? { id: first.id, top: el.offsetTop } : null;
  }, [conversations]);

  // Which conversations are on screen (the navigation pane's bar), and the ends that load more.
  useEffect(() => {
    const root = pane.current;
    if (!root) return;
    const onScreen = new Set<string>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const id = (entry.target as HTMLElement).dataset.conversationId;
          if (!id) continue;
          if (entry.isIntersecting) onScreen.add(id);
          else onScreen.delete(id);
        }
        model.setVisible(new Set(onScreen));
      },
      { root },
    );
    for (const el of root.querySelectorAll<HTMLElement>("[data-conversation-id]")) observer.observe(el);
    const ends = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          if (entry.target === top.current) void model.loadPrevious();
          if (entry.target === bottom.current) void model.loadNext();
        }
      },
      { root, rootMargin: "400px 0px" },
    );
    if (top.current) ends.observe(top.current);
    if (bottom.current) ends.observe(bottom.current);
    return () => {
      observer.disconnect();
      ends.disconnect();
    };
  }, [conversations]);

  // Scroll to what was asked for, once per request: the target on opening, a jump from the
  // navigation pane (never again when more conversations load).
  const request = model.scrollRequest.value;
  useLayoutEffect(() => {
    const root = pane.current;
    if (!request || !root) return;
    const el = document.getElementById(request.elementId);
    if (!el) return;
    const offset = el.getBoundingClientRect().top - root.getBoundingClientRect().top;
    root.scrollTop += offset - 16;
    if (request.focus) (el.querySelector<HTMLElement>("button, h2") ?? el).focus({ preventScroll: true });
  }, [request?.seq]);

  return (
    <section class={styles.middlePane} aria-label="Conversations" ref={pane}>
      {!journey.contentVisible && (
        <Alert tone="info" class={styles.contentNote}>
          Your role does not include viewing conversation content, so the journey shows who took part and when, without
          what was said.
        </Alert>
      )}
      <div ref={top} class={styles.sentinel} />
      {model.hasPrevious.value && (
        <div class={styles.more}>
          <Button size="sm" busy={model.loadingPrevious.value} onClick={() => model.loadPrevious()}>
            Earlier conversations
          </Button>
        </div>
      )}
      {conversations.length === 0 && <Empty title="No conversations">This customer has no conversations yet.</Empty>}
      {conversations.map((c) => (
        <Conversation key={c.id} model={model} conversation={c} journey={journey} />
      ))}
      {model.pageError.value && <Alert>{model.pageError.value}</Alert>}
      {model.hasNext.value && (
        <div class={styles.more}>
          <Button size="sm" busy={model.loadingNext.value} onClick={() => model.loadNext()}>
            Later conversations
          </Button>
        </div>
      )}
      <div ref={bottom} class={styles.sentinel} />
    </section>
  );
}

function JourneyScreen({ kind, id }: { kind: JourneyTargetKind; id: string }) {
  const model = useModel(() => new JourneyModel(kind, id));
  const state = model.state.value;
  const journey = model.journey.value;
  if (state === "missing") {
    return (
      <>
        <PageHeader eyebrow="Customer journey" title="Not found" />
        <Empty
          title={`There is no such ${KIND_NOUNS[kind]} in this account.`}
          action={<a href="/journey">Find a customer</a>}
        >
          The link may be wrong, or the {KIND_NOUNS[kind]} may belong to another account.
        </Empty>
      </>
    );
  }
  if (state === "error") {
    return (
      <>
        <PageHeader eyebrow="Customer journey" title="Customer journey" />
        <LoadError message={model.error.value ?? ""} onRetry={() => model.reload()} />
      </>
    );
  }
  if (state === "loading" || !journey) {
    return (
      <>
        <PageHeader eyebrow="Customer journey" title="Customer journey" />
        <Loading label="Loading the journey…" />
      </>
    );
  }
  const selected = model.selected.value;
  return (
    <JourneyContext.Provider value={model}>
      <div class={styles.page} data-journey-ready="true">
        <PageHeader eyebrow="Customer journey" title="Customer journey" />
        <Profiles model={model} journey={journey} />
        <div class={styles.panes}>
          <Outline model={model} />
          <Conversations model={model} journey={journey} />
          <aside class={styles.actionPane} aria-label="Action pane">
            {selected ? (
              <ActionPane engagementId={selected.engagementId} turnId={selected.turnId} scope={selected.scope} />
            ) : (
              <p class={styles.muted}>Select an engagement or a turn to see its details and reviews.</p>
            )}
          </aside>
        </div>
      </div>
    </JourneyContext.Provider>
  );
}

/** `/journey/{customers|conversations|engagements|turns}/:id`: the journey, scrolled to and highlighting the target. */
export function JourneyPage() {
  const { params } = useRoute();
  const kind = JOURNEY_TARGETS.find((k) => k === params.kind);
  const id = params.id ?? "";
  if (!kind) {
    return (
      <>
        <PageHeader eyebrow="Customer journey" title="Not found" />
        <Empty title="This is not a journey address." action={<a href="/journey">Find a customer</a>}>
          Journeys open at /journey/customers/…, /journey/conversations/…, /journey/engagements/… or /journey/turns/….
        </Empty>
      </>
    );
  }
  return <JourneyScreen key={`${kind}/${id}`} kind={kind} id={id} />;
}
