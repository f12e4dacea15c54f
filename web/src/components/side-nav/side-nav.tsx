import type { JSX } from "preact";
import { useLocation } from "preact-iso";
import { session } from "../../session";
import styles from "./side-nav.module.css";

type IconName =
  | "home"
  | "dashboard"
  | "chart"
  | "metric"
  | "model"
  | "log"
  | "users"
  | "key"
  | "source"
  | "export"
  | "docs"
  | "tag"
  | "form"
  | "journey"
  | "eye"
  | "chat"
  | "logic"
  | "brand"
  | "buttons";

const ICON_PATHS: Record<IconName, JSX.Element> = {
  dashboard: (
    <>
      <rect x="3" y="3" width="6" height="8" rx="1" />
      <rect x="11" y="3" width="6" height="5" rx="1" />
      <rect x="11" y="10" width="6" height="7" rx="1" />
      <rect x="3" y="13" width="6" height="4" rx="1" />
    </>
  ),
  chart: <path d="M3 17h14M5 14V9M9 14V5M13 14v-4M17 14V7" />,
  metric: (
    <>
      <path d="M4 15 8 9l3 3 5-7" />
      <path d="M13 5h3v3" />
    </>
  ),
  home: <path d="M3 9.5 10 4l7 5.5V16a1 1 0 0 1-1 1h-3.5v-4.5h-5V17H4a1 1 0 0 1-1-1z" />,
  model: (
    <>
      <rect x="3" y="3" width="6" height="5" rx="1" />
      <rect x="11" y="12" width="6" height="5" rx="1" />
      <rect x="11" y="3" width="6" height="5" rx="1" />
      <path d="M6 8v6.5h5M14 8v4" />
    </>
  ),
  log: (
    <>
      <rect x="3" y="3" width="14" height="14" rx="1.5" />
      <path d="M6 7h1M9 7h5M6 10h1M9 10h5M6 13h1M9 13h3" />
    </>
  ),
  users: (
    <>
      <circle cx="8" cy="7" r="3" />
      <path d="M2.5 17c.5-3 2.8-4.5 5.5-4.5s5 1.5 5.5 4.5M13 4.2a3 3 0 0 1 0 5.6M15 12.8c1.4.6 2.3 2 2.5 4.2" />
    </>
  ),
  key: (
    <>
      <circle cx="6.5" cy="13.5" r="3.5" />
      <path d="m9 11 7.5-7.5M14 6l2 2M12 8l1.5 1.5" />
    </>
  ),
  source: (
    <>
      <ellipse cx="10" cy="5" rx="6" ry="2.5" />
      <path d="M4 5v10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5V5M4 10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5" />
    </>
  ),
  export: (
    <>
      <path d="M10 3v9M6.5 8.5 10 12l3.5-3.5" />
      <path d="M3.5 12.5V16a1 1 0 0 0 1 1h11a1 1 0 0 0 1-1v-3.5" />
    </>
  ),
  tag: (
    <>
      <path d="M3 3.5v5.3a1 1 0 0 0 .3.7l7.7 7.7a1 1 0 0 0 1.4 0l4.6-4.6a1 1 0 0 0 0-1.4L9.3 3.5a1 1 0 0 0-.7-.3H3.5a.5.5 0 0 0-.5.3z" />
      <circle cx="6.5" cy="6.5" r="1.2" />
    </>
  ),
  form: (
    <>
      <rect x="3.5" y="2.5" width="13" height="15" rx="1.5" />
      <path d="m6 7 1 1 2-2M11 7h3M6 12l1 1 2-2M11 12h3" />
    </>
  ),
  journey: (
    <>
      <circle cx="5" cy="5" r="2" />
      <circle cx="15" cy="15" r="2" />
      <path d="M7 5h6.5a2.5 2.5 0 0 1 0 5h-7a2.5 2.5 0 0 0 0 5H13" />
    </>
  ),
  eye: (
    <>
      <path d="M2.5 10s2.7-5 7.5-5 7.5 5 7.5 5-2.7 5-7.5 5-7.5-5-7.5-5z" />
      <circle cx="10" cy="10" r="2.3" />
    </>
  ),
  chat: (
    <>
      <path d="M3.5 4.5h13a1 1 0 0 1 1 1V13a1 1 0 0 1-1 1H9l-3.5 3v-3h-2a1 1 0 0 1-1-1V5.5a1 1 0 0 1 1-1z" />
      <path d="M6.5 8.5h7M6.5 11h4.5" />
    </>
  ),
  logic: (
    <>
      <path d="M7 3.5v4M13 3.5v4M5 7.5h10v2.5a5 5 0 0 1-10 0z" />
      <path d="M10 15v2.5" />
    </>
  ),
  brand: (
    <>
      <path d="M10 3a7 7 0 1 0 0 14c1 0 1.5-.7 1.5-1.5 0-1.2-1-1.5-1-2.5s.8-1.5 2-1.5h1.5A3 3 0 0 0 17 8.5C17 5.5 14 3 10 3z" />
      <circle cx="6.5" cy="9" r="1" />
      <circle cx="9" cy="6" r="1" />
      <circle cx="13" cy="6.5" r="1" />
    </>
  ),
  buttons: (
    <>
      <rect x="3" y="4" width="14" height="5" rx="2.5" />
      <rect x="3" y="11" width="9" height="5" rx="2.5" />
    </>
  ),
  docs: (
    <>
      <path d="M5 2.5h7l4 4V17a.5.5 0 0 1-.5.5h-10A.5.5 0 0 1 5 17z" />
      <path d="M12 2.5v4h4M8 11l-1.5 1.5L8 14M12 11l1.5 1.5L12 14" />
    </>
  ),
};

function Icon({ name }: { name: IconName }) {
  return (
    <svg class={styles.icon} viewBox="0 0 20 20" aria-hidden="true">
      {ICON_PATHS[name]}
    </svg>
  );
}

interface NavLinkProps {
  href: string;
  icon: IconName;
  label: string;
  /** Also current on paths below `href` (the model's data sets, a source's batches). */
  prefix?: boolean;
  onNavigate?: () => void;
}

function NavLink({ href, icon, label, prefix = false, onNavigate }: NavLinkProps) {
  const { path } = useLocation();
  const current = path === href || (prefix && path.startsWith(`${href}/`));
  return (
    <li>
      <a class={styles.link} href={href} aria-current={current ? "page" : undefined} onClick={onNavigate}>
        <Icon name={icon} />
        {label}
      </a>
    </li>
  );
}

/** The app's sections; Settings pages show only to those allowed to use them. */
export function SideNav({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav class={styles.nav} aria-label="Main">
      <ul class={styles.list}>
        <NavLink href="/" icon="home" label="Home" onNavigate={onNavigate} />
        {session.can("liveConversations.handle") && (
          <NavLink href="/live" icon="chat" label="Live conversations" prefix onNavigate={onNavigate} />
        )}
        <NavLink href="/model" icon="model" label="Logical model" prefix onNavigate={onNavigate} />
      </ul>
      <h2 class={styles.group} id="nav-analytics">
        Analytics
      </h2>
      <ul class={styles.list} aria-labelledby="nav-analytics">
        <NavLink href="/dashboards" icon="dashboard" label="Dashboards" prefix onNavigate={onNavigate} />
        <NavLink href="/visualizations" icon="chart" label="Visualizations" prefix onNavigate={onNavigate} />
        <NavLink href="/metrics" icon="metric" label="Metrics" prefix onNavigate={onNavigate} />
        <NavLink href="/journey" icon="journey" label="Journeys" prefix onNavigate={onNavigate} />
      </ul>
      <h2 class={styles.group} id="nav-quality">
        Quality
      </h2>
      <ul class={styles.list} aria-labelledby="nav-quality">
        <NavLink href="/quality/questions" icon="tag" label="Tags & questions" prefix onNavigate={onNavigate} />
        <NavLink href="/quality/forms" icon="form" label="Forms" prefix onNavigate={onNavigate} />
      </ul>
      {session.can("technicalLog.view") && (
        <>
          <h2 class={styles.group} id="nav-data">
            Data
          </h2>
          <ul class={styles.list} aria-labelledby="nav-data">
            <NavLink href="/technical-log" icon="log" label="Technical Log" onNavigate={onNavigate} />
          </ul>
        </>
      )}
      <h2 class={styles.group} id="nav-settings">
        Settings
      </h2>
      <ul class={styles.list} aria-labelledby="nav-settings">
        {session.can("users.manage") && (
          <NavLink href="/settings/users" icon="users" label="Users" onNavigate={onNavigate} />
        )}
        {session.can("apiKeys.manage") && (
          <NavLink href="/settings/api-keys" icon="key" label="API keys" onNavigate={onNavigate} />
        )}
        <NavLink href="/settings/sources" icon="source" label="Sources" prefix onNavigate={onNavigate} />
        {session.can("export.run") && (
          <NavLink href="/settings/exports" icon="export" label="Exports" onNavigate={onNavigate} />
        )}
        {session.can("settings.manage") && (
          <NavLink href="/settings/reveal-log" icon="eye" label="Reveal log" onNavigate={onNavigate} />
        )}
        {session.can("settings.manage") && (
          <>
            <NavLink href="/settings/your-logic" icon="logic" label="Your Logic" onNavigate={onNavigate} />
            <NavLink href="/settings/brands" icon="brand" label="Brands" onNavigate={onNavigate} />
            <NavLink href="/settings/action-buttons" icon="buttons" label="Action buttons" onNavigate={onNavigate} />
          </>
        )}
      </ul>
      <h2 class={styles.group} id="nav-developers">
        Developers
      </h2>
      <ul class={styles.list} aria-labelledby="nav-developers">
        <NavLink href="/docs" icon="docs" label="API docs" onNavigate={onNavigate} />
      </ul>
    </nav>
  );
}
