import { useModel } from "@preact/signals";
import { Badge } from "../../components/badge/badge";
import { buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { Empty, LoadError, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { cx } from "../../lib/format";
import { ApiDocsModel, type Endpoint, OPENAPI_URL } from "./api-docs-model";
import styles from "./api-docs-page.module.css";

const AUTH_LABELS: Record<string, string> = { session: "Session", apiKey: "API key" };

/** Shows `{id}` path parameters apart from the literal segments. */
function PathText({ path }: { path: string }) {
  return (
    <code class={styles.path}>
      {path.split(/(\{[^}]+\})/).map((part, i) =>
        part.startsWith("{") ? (
          <span key={i} class={styles.param}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </code>
  );
}

function EndpointRow({ endpoint }: { endpoint: Endpoint }) {
  return (
    <li class={styles.endpoint}>
      <span class={cx(styles.method, styles[endpoint.method])}>{endpoint.method.toUpperCase()}</span>
      <span class={styles.endpointMain}>
        <PathText path={endpoint.path} />
        <span class={styles.summary}>
          {endpoint.summary}
          {endpoint.deprecated && " (deprecated)"}
        </span>
      </span>
      <span class={styles.auth}>
        {endpoint.auth.length === 0 ? (
          <Badge>Public</Badge>
        ) : (
          endpoint.auth.map((a) => (
            <Badge key={a} tone="primary">
              {AUTH_LABELS[a] ?? a}
            </Badge>
          ))
        )}
      </span>
    </li>
  );
}

/** `/docs`: the endpoints of the Brine API, from its OpenAPI document. */
export function ApiDocsPage() {
  const docs = useModel(ApiDocsModel);
  const groups = docs.groups.value;
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Developers"
        title="API docs"
        description="Everything the app does goes through the same API your systems can use."
        actions={
          <a class={buttonClass("secondary")} href={OPENAPI_URL}>
            OpenAPI document (JSON)
          </a>
        }
      />
      <Card title="Authentication">
        <ul class={styles.introList}>
          <li>
            <strong>Session</strong>: the browser signs in with <code>POST /api/v1/auth/sign-in</code> and sends the
            cookie; every write also carries the <code>x-csrf-token</code> header from the session.
          </li>
          <li>
            <strong>API key</strong>: systems send <code>Authorization: Bearer &lt;key&gt;</code> with a key from{" "}
            <a href="/settings/api-keys">API keys</a>.
          </li>
          <li>
            Errors always look like <code>{'{"error": {"code", "message"}}'}</code>, with a stable <code>code</code>.
          </li>
        </ul>
      </Card>
      {docs.state.value === "loading" && <Loading label="Loading the API description…" rows={4} />}
      {docs.state.value === "error" && <LoadError message={docs.error.value ?? ""} onRetry={() => docs.reload()} />}
      {docs.state.value === "ready" && groups.length === 0 && (
        <Empty title="No endpoints">The OpenAPI document lists no operations.</Empty>
      )}
      {groups.map((group) => (
        <Card
          key={group.tag}
          title={group.tag}
          description={`${group.endpoints.length} endpoint${group.endpoints.length === 1 ? "" : "s"}`}
        >
          <ul class={styles.endpoints}>
            {group.endpoints.map((e) => (
              <EndpointRow key={`${e.method} ${e.path}`} endpoint={e} />
            ))}
          </ul>
        </Card>
      ))}
    </div>
  );
}
