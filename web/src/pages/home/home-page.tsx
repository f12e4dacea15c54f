import { Card } from "../../components/card/card";
import { PageHeader } from "../../components/page-header/page-header";
import { session } from "../../session";
import styles from "./home-page.module.css";

interface Destination {
  href: string;
  title: string;
  text: string;
}

function destinations(): Destination[] {
  const list: (Destination | false)[] = [
    {
      href: "/dashboards/overview",
      title: "Dashboards",
      text: "Volume, speed, service level and satisfaction at a glance, one click from the engagements behind every number.",
    },
    {
      href: "/model",
      title: "Logical model",
      text: "The data sets Brine stores — engagements, agents, turns, reviews — and every field in them.",
    },
    session.can("users.manage") && {
      href: "/settings/users",
      title: "Users",
      text: "Invite colleagues, set their roles and disable accounts that should no longer sign in.",
    },
    session.can("apiKeys.manage") && {
      href: "/settings/api-keys",
      title: "API keys",
      text: "Keys that let your systems send data in and take exports out.",
    },
    {
      href: "/settings/sources",
      title: "Sources",
      text: "Where conversations come from: the Ingest API, Twilio Flex, WhatsApp and more, with each upload's batches.",
    },
    session.can("technicalLog.view") && {
      href: "/technical-log",
      title: "Technical Log",
      text: "Every line Brine rejected or corrected while loading data, with its file, line and value.",
    },
    { href: "/docs", title: "API docs", text: "Every endpoint of the Brine API, with the OpenAPI document." },
  ];
  return list.filter((d): d is Destination => d !== false);
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** The landing page: the account at a glance and where to go next. */
export function HomePage() {
  const user = session.user.value;
  const account = session.account.value;
  if (!user || !account) return null;

  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow={account.name}
        title={`Welcome, ${firstName(user.name)}`}
        description="Your contact-center data, its model and its connections, all in one place."
      />

      <div class={styles.top}>
        <Card title="Your account">
          <dl class={styles.facts}>
            <div>
              <dt>Account</dt>
              <dd>{account.name}</dd>
            </div>
            <div>
              <dt>Domain</dt>
              <dd>
                <code>{account.domain}</code>
              </dd>
            </div>
            <div>
              <dt>Region</dt>
              <dd>{account.region.toUpperCase()}</dd>
            </div>
            <div>
              <dt>Your role</dt>
              <dd class={styles.role}>{user.role}</dd>
            </div>
          </dl>
        </Card>

        <Card title="Getting data in" class={styles.gettingStarted}>
          <ol class={styles.steps}>
            <li>
              {session.can("apiKeys.manage") ? (
                <>
                  Create an <a href="/settings/api-keys">API key</a> with the <code>ingest</code> scope.
                </>
              ) : (
                <>
                  Ask an admin for an API key with the <code>ingest</code> scope.
                </>
              )}
            </li>
            <li>
              Add a <a href="/settings/sources">source</a> for the system the data comes from, and copy its ID.
            </li>
            <li>
              Send engagements, turns and reviews shaped like the <a href="/model">logical model</a>, as described in
              the <a href="/docs">API docs</a>.
            </li>
            <li>
              Follow each upload as a batch under its <a href="/settings/sources">source</a>
              {session.can("technicalLog.view") ? (
                <>
                  , and look up rejected lines in the <a href="/technical-log">Technical Log</a>.
                </>
              ) : (
                "."
              )}
            </li>
          </ol>
        </Card>
      </div>

      <h2 class={styles.sectionTitle}>Go to</h2>
      <ul class={styles.grid}>
        {destinations().map((d) => (
          <li key={d.href}>
            <a class={styles.tile} href={d.href}>
              <span class={styles.tileTitle}>
                {d.title}
                <span aria-hidden="true" class={styles.arrow}>
                  →
                </span>
              </span>
              <span class={styles.tileText}>{d.text}</span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
