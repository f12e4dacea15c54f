import { type Signal, useModel, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { CopyButton } from "../../components/copy-button/copy-button";
import { Dialog } from "../../components/dialog/dialog";
import { Field } from "../../components/field/field";
import { Empty, LoadError, Loading } from "../../components/list-state/list-state";
import { formatDateTime } from "../../lib/format";
import { session } from "../../session";
import { Composer } from "./composer";
import type { ConversationCore } from "./conversation-core";
import { ConversationModel, type ConversationView } from "./conversation-model";
import { channelLabel } from "./inbox";
import styles from "./live.module.css";
import { ENGAGEMENT_OUTCOMES, type EngagementOutcome } from "./live-types";
import { PreviousConversations } from "./previous-conversations";
import { participantName, TurnList } from "./turns";

/** The failure of `action`, shown where that action's control is. */
export function ActionError({ model, actions }: { model: ConversationCore; actions: (action: string) => boolean }) {
  const failure = model.actionError.value;
  if (!failure || !actions(failure.action)) return null;
  return <Alert>{failure.message}</Alert>;
}

/** A dialog's optional reason (up to 200 characters, as the API takes). */
function ReasonField({ reason, hint }: { reason: Signal<string>; hint: string }) {
  return (
    <Field label="Reason" hint={hint}>
      {(control) => (
        <input
          {...control}
          type="text"
          maxLength={200}
          value={reason.value}
          onInput={(e) => {
            reason.value = e.currentTarget.value;
          }}
        />
      )}
    </Field>
  );
}

/** A dialog's failure, Cancel, and its submit button (busy while `action` runs). */
function DialogFooter({
  model,
  action,
  label,
  onCancel,
}: {
  model: ConversationCore;
  action: string;
  label: string;
  onCancel: () => void;
}) {
  return (
    <>
      <ActionError model={model} actions={(a) => a === action} />
      <div class={styles.dialogActions}>
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={model.busy.value === action}>
          {label}
        </Button>
      </div>
    </>
  );
}

/** The conversation's flags and who is in it, as badges and a line. */
export function ConversationFacts({ model }: { model: ConversationCore }) {
  const c = model.conversation.value;
  if (!c) return null;
  const present = c.participants.filter((p) => !p.leftAt && p.type !== "CUSTOMER");
  return (
    <div class={styles.facts}>
      <span class={styles.badges}>
        {c.flags.status === "COMPLETED" ? (
          <Badge tone="neutral">Completed</Badge>
        ) : (
          <Badge tone="success">In progress</Badge>
        )}
        {c.flags.needsHelp && (
          <Badge tone="danger">{c.needsHelpReason ? `Needs help: ${c.needsHelpReason}` : "Needs help"}</Badge>
        )}
        {c.flags.yourLogicWorking && <Badge tone="info">Your Logic working</Badge>}
        {c.flags.fallbackToAgent && <Badge tone="warning">Fallback to agent</Badge>}
        {model.connection.value === "reconnecting" && (
          <span class={styles.reconnecting} role="status">
            Reconnecting…
          </span>
        )}
      </span>
      <span class={styles.muted}>
        {[channelLabel(c.channel), c.brand, `started ${formatDateTime(c.startConversationTime)}`]
          .filter(Boolean)
          .join(" · ")}
        {c.url && (
          <>
            {" · "}
            <a href={c.url} target="_blank" rel="noopener noreferrer">
              {c.url}
            </a>
          </>
        )}
      </span>
      <span class={styles.muted}>
        In the conversation:{" "}
        {present.length > 0
          ? present.map((p) => participantName(c, p.type, p.id, p.name ?? undefined)).join(", ")
          : "no agent"}
      </span>
      {c.invitations.length > 0 && (
        <ul class={styles.invitations} aria-label="Invitations">
          {c.invitations.map((i) => (
            <li key={i.pid}>
              <span class={styles.muted}>
                Invited {i.name ? `${i.name} (${i.contact})` : i.contact}
                {i.by === "YOUR_LOGIC" ? " by Your Logic" : ""}, until {formatDateTime(i.expiresAt)}
              </span>{" "}
              {i.link && <CopyButton text={i.link} label={`Copy the link for ${i.name ?? i.contact}`} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NeedsHelpDialog({ model, open, onClose }: { model: ConversationView; open: boolean; onClose: () => void }) {
  const reason = useSignal("");
  return (
    <Dialog
      open={open}
      title="Ask for help"
      description="The conversation moves to Help needed, where supervisors and other agents see it."
      onClose={onClose}
    >
      <form
        class={styles.dialogForm}
        onSubmit={async (event) => {
          event.preventDefault();
          if (await model.setNeedsHelp(true, reason.peek())) {
            reason.value = "";
            onClose();
          }
        }}
      >
        <ReasonField reason={reason} hint="Optional; shown with the conversation in Help needed." />
        <DialogFooter model={model} action="needsHelp" label="Ask for help" onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function InviteDialog({ model, open, onClose }: { model: ConversationView; open: boolean; onClose: () => void }) {
  const by = useSignal<"email" | "phone">("email");
  const contact = useSignal("");
  const name = useSignal("");
  const note = useSignal("");
  const contactError = useSignal<string | null>(null);
  const created = model.invitation.value;
  const close = () => {
    model.dismissInvitation();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title="Invite an external agent"
      description="They get a link to this conversation that needs no Brine account; it expires."
      onClose={close}
    >
      {created ? (
        <div class={styles.dialogForm}>
          <Alert tone="success" title="Invitation created">
            <p>
              Send this link to {created.invitation.name ?? created.invitation.contact}. It works until{" "}
              {formatDateTime(created.invitation.expiresAt)}.
            </p>
          </Alert>
          <div class={styles.linkRow}>
            <code class={styles.link} data-testid="invitation-link">
              {created.link}
            </code>
            <CopyButton text={created.link} label="Copy invitation link" />
          </div>
          <div class={styles.dialogActions}>
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form
          class={styles.dialogForm}
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const value = contact.peek().trim();
            contactError.value = value
              ? null
              : by.peek() === "email"
                ? "Enter the external agent's e-mail address."
                : "Enter the external agent's phone number.";
            if (!value) return;
            const ok = await model.invite({
              [by.peek()]: value,
              ...(name.peek().trim() ? { name: name.peek().trim() } : {}),
              ...(note.peek().trim() ? { note: note.peek().trim() } : {}),
            });
            if (ok) {
              contact.value = "";
              name.value = "";
              note.value = "";
            }
          }}
        >
          <fieldset class={styles.choice}>
            <legend class={styles.legend}>Reach them by</legend>
            {(["email", "phone"] as const).map((k) => (
              <label key={k} class={styles.choiceItem}>
                <input
                  type="radio"
                  name="invite-by"
                  checked={by.value === k}
                  onChange={() => {
                    by.value = k;
                    contactError.value = null;
                  }}
                />
                {k === "email" ? "E-mail" : "Phone"}
              </label>
            ))}
          </fieldset>
          <Field label={by.value === "email" ? "E-mail address" : "Phone number"} error={contactError.value}>
            {(control) => (
              <input
                {...control}
                type={by.value === "email" ? "email" : "tel"}
                autocomplete="off"
                maxLength={254}
                value={contact.value}
                onInput={(e) => {
                  contact.value = e.currentTarget.value;
                }}
              />
            )}
          </Field>
          <Field label="Name" hint="Optional.">
            {(control) => (
              <input
                {...control}
                type="text"
                maxLength={100}
                value={name.value}
                onInput={(e) => {
                  name.value = e.currentTarget.value;
                }}
              />
            )}
          </Field>
          <Field label="Note for them" hint="Optional; what you need from them.">
            {(control) => (
              <textarea
                {...control}
                rows={3}
                maxLength={4000}
                value={note.value}
                onInput={(e) => {
                  note.value = e.currentTarget.value;
                }}
              />
            )}
          </Field>
          <DialogFooter model={model} action="invite" label="Create invitation" onCancel={close} />
        </form>
      )}
    </Dialog>
  );
}

const OUTCOME_LABELS: Record<EngagementOutcome, string> = {
  RESOLVED: "Resolved",
  UNRESOLVED: "Unresolved",
  TRANSFERRED: "Transferred",
  ABANDONED: "Abandoned",
};

function CompleteEngagementDialog({
  model,
  open,
  onClose,
}: {
  model: ConversationView;
  open: boolean;
  onClose: () => void;
}) {
  const outcome = useSignal<EngagementOutcome>("RESOLVED");
  const reason = useSignal("");
  return (
    <Dialog
      open={open}
      title="Complete my engagement"
      description="You leave the conversation with this outcome; the conversation itself goes on."
      onClose={onClose}
    >
      <form
        class={styles.dialogForm}
        onSubmit={async (event) => {
          event.preventDefault();
          if (await model.completeEngagement(outcome.peek(), reason.peek())) {
            reason.value = "";
            onClose();
          }
        }}
      >
        <Field label="Outcome">
          {(control) => (
            <select
              {...control}
              value={outcome.value}
              onChange={(e) => {
                outcome.value = e.currentTarget.value as EngagementOutcome;
              }}
            >
              {ENGAGEMENT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {OUTCOME_LABELS[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ReasonField reason={reason} hint="Optional, up to 200 characters." />
        <DialogFooter model={model} action="completeEngagement" label="Complete my engagement" onCancel={onClose} />
      </form>
    </Dialog>
  );
}

type DialogName = "help" | "invite" | "completeEngagement" | null;
const TOOLBAR_ACTIONS = (a: string) => a === "join" || a === "leave" || a === "complete" || a.startsWith("action:");

function Toolbar({ model, openDialog }: { model: ConversationView; openDialog: (d: DialogName) => void }) {
  const c = model.conversation.value;
  const confirmComplete = useSignal(false);
  const busy = model.busy.value;
  if (!c) return null;
  const completed = c.flags.status === "COMPLETED";
  const joined = model.joined.value;
  return (
    <div class={styles.toolbarWrap}>
      <div class={styles.toolbar} role="toolbar" aria-label="Conversation actions">
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
          (c.flags.needsHelp ? (
            <Button
              size="sm"
              busy={busy === "needsHelp"}
              onClick={async () => {
                await model.setNeedsHelp(false);
              }}
            >
              Help no longer needed
            </Button>
          ) : (
            <Button size="sm" onClick={() => openDialog("help")}>
              Ask for help
            </Button>
          ))}
        {!completed &&
          model.buttons.value.map((b) => (
            <Button key={b.name} size="sm" busy={busy === `action:${b.name}`} onClick={() => model.runButton(b.name)}>
              {b.label}
            </Button>
          ))}
        {!completed && (
          <Button size="sm" onClick={() => openDialog("invite")}>
            Invite external agent
          </Button>
        )}
        {joined && !completed && (
          <Button size="sm" onClick={() => openDialog("completeEngagement")}>
            Complete my engagement
          </Button>
        )}
        {!completed &&
          (confirmComplete.value ? (
            // biome-ignore lint/a11y/useSemanticElements: a group of two buttons, not a form field set.
            <span class={styles.confirm} role="group" aria-label="Complete the conversation?">
              <span class={styles.confirmText}>Complete the whole conversation?</span>
              <Button
                size="sm"
                variant="danger"
                busy={busy === "complete"}
                onClick={async () => {
                  await model.complete();
                  confirmComplete.value = false;
                }}
              >
                Yes, complete
              </Button>
              <Button size="sm" onClick={() => (confirmComplete.value = false)}>
                No
              </Button>
            </span>
          ) : (
            <Button size="sm" variant="danger" onClick={() => (confirmComplete.value = true)}>
              Complete conversation
            </Button>
          ))}
      </div>
      {model.buttonsError.value && <Alert tone="warning">{model.buttonsError.value}</Alert>}
      <ActionError
        model={model}
        actions={(a) => TOOLBAR_ACTIONS(a) || (a === "needsHelp" && model.conversation.value?.flags.needsHelp === true)}
      />
    </div>
  );
}

function Pane({ model }: { model: ConversationView }) {
  const c = model.conversation.value;
  const dialog = useSignal<DialogName>(null);
  const me = session.user.value?.id;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  if (!c) return null;
  const completed = c.flags.status === "COMPLETED";
  const closeDialog = () => {
    model.clearActionError();
    dialog.value = null;
  };
  return (
    <section class={styles.pane} aria-labelledby="conversation-title" data-conversation-pid={c.pid}>
      <header class={styles.paneHead}>
        <h2 id="conversation-title" class={styles.paneTitle} tabIndex={-1} ref={heading}>
          {c.customer.displayName ?? "Anonymous customer"}
        </h2>
        <ConversationFacts model={model} />
        <Toolbar
          model={model}
          openDialog={(d) => {
            model.clearActionError();
            dialog.value = d;
          }}
        />
      </header>
      <TurnList
        conversation={c}
        typists={model.typists.value}
        isMine={(t) => t.participantType === "AGENT" && t.participant === me}
        before={<PreviousConversations customerPid={c.customer.pid} conversationPid={c.pid} />}
      />
      <Composer
        onSend={(kind, text) => model.send(kind, text)}
        onTyping={(on) => model.typing(on)}
        sending={model.sending.value}
        error={model.sendError.value}
        disabledReason={
          completed
            ? "This conversation is completed."
            : model.joined.value
              ? null
              : "Join the conversation to write in it."
        }
      />
      <NeedsHelpDialog model={model} open={dialog.value === "help"} onClose={closeDialog} />
      <InviteDialog model={model} open={dialog.value === "invite"} onClose={closeDialog} />
      <CompleteEngagementDialog model={model} open={dialog.value === "completeEngagement"} onClose={closeDialog} />
    </section>
  );
}

/** The right side of the Live page: one conversation, live. */
export function ConversationPane({ pid, onChange }: { pid: string; onChange: () => void }) {
  const model = useModel(() => new ConversationModel(pid, onChange));
  const state = model.state.value;
  if (state === "missing") {
    return (
      <section class={styles.pane}>
        <Empty title="There is no such conversation in this account." action={<a href="/live">Back to the inbox</a>}>
          The link may be wrong, or the conversation may belong to another account.
        </Empty>
      </section>
    );
  }
  if (state === "error") {
    return (
      <section class={styles.pane}>
        <LoadError message={model.error.value ?? ""} onRetry={() => model.reload()} />
      </section>
    );
  }
  if (state === "loading") {
    return (
      <section class={styles.pane}>
        <Loading label="Loading the conversation…" />
      </section>
    );
  }
  return <Pane model={model} />;
}
