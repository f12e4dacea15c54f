import type { JSX } from "preact";
import styles from "./journey.module.css";

const CHANNEL_PATHS: Record<string, JSX.Element> = {
  CHAT: <path d="M3.5 4.5h13v9h-7l-4 3v-3h-2z" />,
  MESSAGING: <path d="M3.5 4.5h13v9h-7l-4 3v-3h-2z" />,
  SMS: <path d="M3.5 4.5h13v9h-7l-4 3v-3h-2z" />,
  SOCIAL: <path d="M3.5 4.5h13v9h-7l-4 3v-3h-2z" />,
  VOICE: (
    <path d="M6.2 3.5 8.4 6a1 1 0 0 1 0 1.3L7.2 8.6a9 9 0 0 0 4.2 4.2l1.3-1.2a1 1 0 0 1 1.3 0l2.5 2.2a1 1 0 0 1 0 1.4l-1.3 1.3c-.8.8-2 1-3 .6A15 15 0 0 1 3 8.9c-.4-1-.2-2.2.6-3l1.3-1.4a1 1 0 0 1 1.3 0z" />
  ),
  VIDEO: <path d="M3 5.5h10v9H3zM13 9l4-2.5v7L13 11z" />,
  EMAIL: <path d="M3 5h14v10H3zM3 5.5l7 5.5 7-5.5" />,
};
const OTHER_CHANNEL = <circle cx="10" cy="10" r="5.5" />;

const CHANNEL_NAMES: Record<string, string> = {
  CHAT: "Chat",
  EMAIL: "E-mail",
  VOICE: "Voice",
  SMS: "SMS",
  MESSAGING: "Messaging",
  SOCIAL: "Social",
  VIDEO: "Video",
  TASK: "Task",
  OTHER: "Other channel",
};

/** A channel's name as people read it. */
export const channelName = (type: string | null) => (type ? (CHANNEL_NAMES[type] ?? type) : "Unknown channel");

/**
 * A channel's icon: full when a person handled the engagement (agent, external agent), empty
 * when it was handled without one (bot, menu, queue). The name is read out.
 */
export function ChannelIcon({ type, human = false }: { type: string | null; human?: boolean }) {
  const label = `${channelName(type)}${human ? ", handled by a person" : ""}`;
  return (
    <svg
      class={human ? styles.iconFull : styles.iconEmpty}
      viewBox="0 0 20 20"
      role="img"
      aria-label={label}
      data-handled={human ? "human" : "automated"}
    >
      <title>{label}</title>
      {CHANNEL_PATHS[type ?? ""] ?? OTHER_CHANNEL}
    </svg>
  );
}

const DIRECTION_PATHS: Record<string, JSX.Element> = {
  Inbound: <path d="M15 5 5.5 14.5M5.5 7.5v7h7" />,
  Outbound: <path d="M5 15 14.5 5.5M7.5 5.5h7v7" />,
  Internal: <path d="M5 8h9l-2.5-2.5M15 12H6l2.5 2.5" />,
};

/** Which way a conversation went: inbound, outbound or internal. */
export function DirectionIcon({ direction }: { direction: string | null }) {
  const label = direction ? `${direction} conversation` : "Conversation";
  return (
    <svg class={styles.iconLine} viewBox="0 0 20 20" role="img" aria-label={label}>
      <title>{label}</title>
      {DIRECTION_PATHS[direction ?? ""] ?? <circle cx="10" cy="10" r="3" />}
    </svg>
  );
}
