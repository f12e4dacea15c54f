import { useModel } from "@preact/signals";
import { useRoute } from "preact-iso";
import { NoAccess } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { session } from "../../session";
import { ConversationPane } from "./conversation-pane";
import { InboxColumn } from "./inbox";
import { InboxModel } from "./inbox-model";
import styles from "./live.module.css";

function LiveScreen({ conversation }: { conversation: string | null }) {
  const inbox = useModel(InboxModel);
  return (
    <div class={styles.page}>
      <PageHeader title="Live conversations" />
      <div class={styles.layout}>
        <InboxColumn inbox={inbox} currentPid={conversation} />
        {conversation ? (
          <ConversationPane key={conversation} pid={conversation} onChange={() => inbox.refreshSoon()} />
        ) : (
          <section class={styles.pane} aria-label="Conversation">
            <p class={styles.placeholder}>Choose a conversation from the inbox to see it here and join it.</p>
          </section>
        )}
      </div>
    </div>
  );
}

/** `/live` and `/live/:conversation`: the inbox and one conversation; needs `liveConversations.handle`. */
export function LivePage() {
  const { params } = useRoute();
  if (!session.can("liveConversations.handle")) {
    return (
      <div>
        <PageHeader title="Live conversations" />
        <NoAccess what="live conversations" />
      </div>
    );
  }
  return <LiveScreen conversation={params.conversation ?? null} />;
}
