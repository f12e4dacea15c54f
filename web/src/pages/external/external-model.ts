import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import { api } from "../../api";
import { conversationCore } from "../live/conversation-core";
import type { ExternalView } from "../live/live-types";

/**
 * An external agent's view of the one conversation their link opens. The link's token is the
 * only credential: no Brine session is read or needed, and no CSRF header is sent (api.ts adds
 * one only for a signed-in session).
 */
export const ExternalModel = createModel((token: string) => {
  const base = `/live/external/${encodeURIComponent(token)}`;
  const invitation = signal<ExternalView["invitation"] | null>(null);
  const participant = signal<string | null>(null);
  const buttons = signal<ExternalView["buttons"]>([]);
  const core = conversationCore({
    base,
    load: async (signal) => {
      const view = await api.get<ExternalView>(base, { signal });
      invitation.value = view.invitation;
      participant.value = view.participant;
      buttons.value = view.buttons;
      return view.conversation;
    },
    selfId: () => participant.peek(),
  });
  const isMe = (p: { type: string; id: string }) => p.type === "EXTERNAL_AGENT" && p.id === participant.value;

  return {
    ...core,
    invitation: invitation as ReadonlySignal<ExternalView["invitation"] | null>,
    /** This external agent's participant id, to tell their own turns. */
    participant: participant as ReadonlySignal<string | null>,
    /** Only the account's buttons marked visible to external agents. */
    buttons: buttons as ReadonlySignal<ExternalView["buttons"]>,
    joined: computed(() => (core.conversation.value?.participants ?? []).some((p) => isMe(p) && !p.leftAt)),
    join: () => core.runForState("join", "/join"),
    leave: () => core.runForState("leave", "/leave"),
  };
});

export type ExternalConversation = InstanceType<typeof ExternalModel>;
