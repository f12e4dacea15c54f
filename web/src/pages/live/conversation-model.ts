import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import { api, isAbort, messageOf } from "../../api";
import { abortedOnDispose } from "../../lib/paged-list";
import { session } from "../../session";
import { conversationCore } from "./conversation-core";
import type {
  ActionButton,
  ConversationFlags,
  ConversationState,
  EngagementOutcome,
  InvitationCreated,
  InvitationInput,
} from "./live-types";

/**
 * The agent's pane on one live conversation: the conversation kept current by its socket,
 * and everything an agent does there (join, leave, write, ask for help, the account's action
 * buttons, invite an external agent, complete the engagement or the conversation).
 */
export const ConversationModel = createModel((pid: string, onChange?: () => void) => {
  const aborted = abortedOnDispose();
  const me = session.user.peek()?.id ?? null;
  const base = `/live/conversations/${encodeURIComponent(pid)}`;
  const core = conversationCore({
    base,
    load: (signal) => api.get<ConversationState>(base, { signal }),
    selfId: () => me,
    onChange,
  });
  const buttons = signal<ActionButton[]>([]);
  const buttonsError = signal<string | null>(null);
  const invitation = signal<InvitationCreated | null>(null);

  void (async () => {
    try {
      buttons.value = (await api.get<{ items: ActionButton[] }>("/live/action-buttons", { signal: aborted })).items;
    } catch (e) {
      if (!isAbort(e)) buttonsError.value = `The action buttons could not be loaded: ${messageOf(e)}`;
    }
  })();

  return {
    ...core,
    /** The account's action buttons. */
    buttons: buttons as ReadonlySignal<ActionButton[]>,
    buttonsError: buttonsError as ReadonlySignal<string | null>,
    /** Whether the signed-in agent is in the conversation now. */
    joined: computed(() =>
      (core.conversation.value?.participants ?? []).some((p) => p.type === "AGENT" && p.id === me && !p.leftAt),
    ),
    /** The invitation just made, with its link (shown until the dialog closes). */
    invitation: invitation as ReadonlySignal<InvitationCreated | null>,

    join: () => core.runForState("join", "/join"),
    leave: () => core.runForState("leave", "/leave"),
    complete: () => core.runForState("complete", "/complete"),
    completeEngagement: (outcome: EngagementOutcome, reason: string) =>
      core.runForState("completeEngagement", "/complete-engagement", {
        outcome,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),

    /** Asks for help (with why) or says help is no longer needed. */
    async setNeedsHelp(needsHelp: boolean, reason = ""): Promise<boolean> {
      const text = reason.trim();
      const answer = await core.run<
        ConversationFlags | { flags: ConversationFlags; needsHelpReason?: string | null } | ConversationState
      >("needsHelp", "/needs-help", { needsHelp, ...(text ? { reason: text } : {}) });
      if (!answer) return false;
      // The socket's `flags` frame follows; showing the answer now keeps the header from lagging.
      const flags = "flags" in answer ? answer.flags : answer;
      const why = "needsHelpReason" in answer ? (answer.needsHelpReason ?? null) : needsHelp ? text || null : null;
      core.applyFlags(flags, why);
      return true;
    },

    /** Invites an external agent by e-mail or phone; the link is kept in `invitation` to show. */
    async invite(input: InvitationInput): Promise<boolean> {
      const created = await core.run<InvitationCreated>("invite", "/invitations", input);
      if (created) invitation.value = created;
      return created !== null;
    },

    dismissInvitation() {
      invitation.value = null;
    },
  };
});

export type ConversationView = InstanceType<typeof ConversationModel>;
