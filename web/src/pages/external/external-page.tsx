import { useModel } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useRoute } from "preact-iso";
import { BrandMark } from "../../components/brand-mark/brand-mark";
import { Button } from "../../components/button/button";
import { LoadError, Loading } from "../../components/list-state/list-state";
import { formatDateTime } from "../../lib/format";
import { Composer } from "../live/composer";
import { ActionError, ConversationFacts } from "../live/conversation-pane";
import live from "../live/live.module.css";
import { TurnList } from "../live/turns";
import { type ExternalConversation, ExternalModel } from "./external-model";
import styles from "./external-page.module.css";

const LINK_PROBLEMS: Record<string, { title: string; text: string }> = {
  LINK_EXPIRED: {
    title: "This link has expired",
    text: "Invitation links work for a limited time. Ask the person who invited you to send a new one.",
  },
  LINK_INVALID: {
    title: "This link is not valid",
    text: "It may have been copied incompletely. Open the link from the invitation again, or ask for a new one.",
  },
  NOT_FOUND: {
    title: "This invitation was withdrawn",
    text: "The conversation is no longer open to you. Ask the person who invited you if you still need access.",
  },
};

function Frame({ title, children }: { title: string; children: preact.ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · Brine`;
  }, [title]);
  return (
    <div class={styles.frame}>
      <header class={styles.top}>
        <BrandMark inverted />
        <span class={styles.topText}>External agent</span>
      </header>
      <main id="main" class={styles.main}>
        {children}
      </main>
    </div>
  );
}

function Conversation({ model }: { model: ExternalConversation }) {
  const c = model.conversation.value;
  const invitation = model.invitation.value;
  if (!c || !invitation) return null;
  const completed = c.flags.status === "COMPLETED";
  const joined = model.joined.value;
  const busy = model.busy.value;
  return (
    <Frame title="Conversation">
      <div class={styles.intro}>
        <h1 class={styles.title}>Conversation with {c.customer.displayName ?? "a customer"}</h1>
        <p class={live.muted}>
          You were invited{invitation.name ? ` as ${invitation.name}` : ""}. This link works until{" "}
          {formatDateTime(invitation.expiresAt)}.
        </p>
      </div>
      <section class={`${live.pane} ${styles.pane}`} aria-label="Conversation" data-conversation-pid={c.pid}>
        <header class={live.paneHead}>
          <ConversationFacts model={model} />
          <div class={live.toolbar} role="toolbar" aria-label="Conversation actions">
            {!joined && !completed && (
              <Button variant="primary" size="sm" busy={busy === "join"} onClick={() => model.join()}>
                Join
              </Button>
            )}
            {joined && (
              <Button size="sm" busy={busy === "leave"} onClick={() => model.leave()}>
                Leave
              </Button>
            )}
            {!completed &&
              model.buttons.value.map((b) => (
                <Button
                  key={b.name}
                  size="sm"
                  busy={busy === `action:${b.name}`}
                  onClick={() => model.runButton(b.name)}
                >
                  {b.label}
                </Button>
              ))}
          </div>
          <ActionError model={model} actions={() => true} />
        </header>
        <TurnList
          conversation={c}
          typists={model.typists.value}
          isMine={(t) => t.participantType === "EXTERNAL_AGENT" && t.participant === model.participant.value}
        />
        <Composer
          onSend={(kind, text) => model.send(kind, text)}
          onTyping={(on) => model.typing(on)}
          sending={model.sending.value}
          error={model.sendError.value}
          disabledReason={
            completed ? "This conversation is completed." : joined ? null : "Join the conversation to write in it."
          }
        />
      </section>
    </Frame>
  );
}

function ExternalScreen({ token }: { token: string }) {
  const model = useModel(() => new ExternalModel(token));
  const state = model.state.value;
  const raw = model.errorCode.value;
  // A token that is not even shaped like one fails validation: to the person it is an invalid link.
  const code = raw === "VALIDATION_FAILED" ? "LINK_INVALID" : state === "missing" ? "NOT_FOUND" : raw;
  const problem = code ? LINK_PROBLEMS[code] : undefined;
  if (problem && (state === "missing" || state === "error")) {
    return (
      <Frame title={problem.title}>
        <div class={styles.problem} data-link-problem={code}>
          <h1 class={styles.title}>{problem.title}</h1>
          <p>{problem.text}</p>
        </div>
      </Frame>
    );
  }
  if (state === "error") {
    return (
      <Frame title="Conversation">
        <LoadError message={model.error.value ?? ""} onRetry={() => model.reload()} />
      </Frame>
    );
  }
  if (state === "loading") {
    return (
      <Frame title="Conversation">
        <Loading label="Loading the conversation…" />
      </Frame>
    );
  }
  return <Conversation model={model} />;
}

/** `/external/:token`: an external agent's page, opened from an invitation link without a Brine account. */
export function ExternalPage() {
  const { params } = useRoute();
  const token = params.token ?? "";
  return <ExternalScreen key={token} token={token} />;
}
