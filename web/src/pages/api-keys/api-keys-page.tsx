import { useModel } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { ApiKey } from "../../../../schemas/accounts";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CheckboxCard } from "../../components/checkbox-card/checkbox-card";
import { CopyButton } from "../../components/copy-button/copy-button";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, NoAccess, PagedListView } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDate, formatDateTime } from "../../lib/format";
import { session } from "../../session";
import { ApiKeysModel, SCOPE_HELP, SCOPE_OPTIONS } from "./api-keys-model";
import styles from "./api-keys-page.module.css";

type ApiKeys = InstanceType<typeof ApiKeysModel>;

function CreateForm({ keys }: { keys: ApiKeys }) {
  return (
    <Card
      title="Create API key"
      description="Each system that talks to Brine should have its own key, so you can revoke one without stopping the others."
    >
      <form
        class={styles.createForm}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void keys.create();
        }}
      >
        {keys.createError.value && <Alert class={styles.formAlert}>{keys.createError.value}</Alert>}
        <Field label="Name" hint="For example “Twilio Flex production”." error={keys.nameError.value}>
          {(control) => (
            <input
              {...control}
              type="text"
              autocomplete="off"
              maxLength={100}
              value={keys.name.value}
              onInput={(e) => keys.setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <fieldset
          class={styles.scopes}
          aria-describedby={keys.scopesError.value ? "scopes-error" : undefined}
          aria-invalid={keys.scopesError.value ? true : undefined}
        >
          <legend class={styles.legend}>Scopes</legend>
          {SCOPE_OPTIONS.map((scope) => (
            <CheckboxCard
              key={scope}
              id={`scope-${scope}`}
              name="scopes"
              value={scope}
              label={scope}
              help={SCOPE_HELP[scope]}
              code
              checked={keys.scopes.value.includes(scope)}
              onChange={(checked) => keys.toggleScope(scope, checked)}
            />
          ))}
          {keys.scopesError.value && (
            <p id="scopes-error" class={styles.fieldError}>
              {keys.scopesError.value}
            </p>
          )}
        </fieldset>
        <div>
          <Button type="submit" variant="primary" busy={keys.creating.value}>
            Create API key
          </Button>
        </div>
      </form>
    </Card>
  );
}

function CreatedPanel({ keys }: { keys: ApiKeys }) {
  const created = keys.created.value;
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (created) heading.current?.focus();
  }, [created?.id]);
  if (!created) return null;
  return (
    <section class={styles.secretPanel} aria-labelledby="new-key-title">
      <div>
        <h2 id="new-key-title" class={styles.secretTitle} tabIndex={-1} ref={heading}>
          Your new key “{created.name}”
        </h2>
        <p class={styles.secretWarning}>
          <strong>This key is shown only once.</strong> Copy it now and store it in your secret manager; Brine keeps
          only a hash and cannot show it again.
        </p>
      </div>
      <div class={styles.secretRow}>
        <code class={styles.secret}>{created.secret}</code>
        <CopyButton text={created.secret} label="Copy API key" variant="primary" size="md" />
      </div>
      <p class={styles.secretUse}>
        Send it as <code>Authorization: Bearer &lt;key&gt;</code>. Scopes: {created.scopes.join(", ")}.
      </p>
      <div>
        <Button onClick={() => keys.dismissCreated()}>I have stored it</Button>
      </div>
    </section>
  );
}

function RevokeCell({ keys, apiKey, nameId }: { keys: ApiKeys; apiKey: ApiKey; nameId: string }) {
  const confirming = keys.confirming.value === apiKey.id;
  const busy = keys.revoking.value === apiKey.id;
  const revokeButton = useRef<HTMLButtonElement>(null);
  const noButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useLayoutEffect(() => {
    if (confirming) noButton.current?.focus();
    else if (wasConfirming.current) revokeButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (apiKey.revokedAt) return null;
  if (!confirming) {
    return (
      <Button
        buttonRef={revokeButton}
        size="sm"
        variant="danger"
        aria-describedby={nameId}
        onClick={() => keys.askRevoke(apiKey.id)}
      >
        Revoke
      </Button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of two buttons, not a form field set.
    <div
      class={styles.confirm}
      role="group"
      aria-labelledby={`${nameId}-confirm ${nameId}`}
      onKeyDown={(event) => {
        if (event.key === "Escape") keys.cancelRevoke();
      }}
    >
      <span id={`${nameId}-confirm`} class={styles.confirmText}>
        Revoke?
      </span>
      <Button size="sm" variant="danger" busy={busy} onClick={() => keys.revoke(apiKey)}>
        Yes
      </Button>
      <Button buttonRef={noButton} size="sm" disabled={busy} onClick={() => keys.cancelRevoke()}>
        No
      </Button>
    </div>
  );
}

function KeyRow({ keys, apiKey: k }: { keys: ApiKeys; apiKey: ApiKey }) {
  const nameId = `key-${k.id}`;
  const error = keys.rowErrors.value[k.id];
  return (
    <>
      <tr class={k.revokedAt ? styles.revokedRow : undefined}>
        <th scope="row" id={nameId} class={styles.keyName}>
          {k.name}
        </th>
        <td>
          <span class={styles.scopeList}>
            {k.scopes.map((s) => (
              <Badge key={s} tone="primary">
                {s}
              </Badge>
            ))}
          </span>
        </td>
        <td>
          <code class={styles.hint} title="The last characters of the key">
            …{k.hint}
          </code>
        </td>
        <td class={styles.nowrap}>
          <time dateTime={k.createdAt}>{formatDate(k.createdAt)}</time>
        </td>
        <td class={styles.nowrap}>
          {k.lastUsedAt ? (
            <time dateTime={k.lastUsedAt}>{formatDateTime(k.lastUsedAt)}</time>
          ) : (
            <span class={styles.muted}>Never</span>
          )}
        </td>
        <td>
          {k.revokedAt ? (
            <span title={`Revoked ${formatDateTime(k.revokedAt)}`}>
              <Badge tone="danger">Revoked</Badge>
            </span>
          ) : (
            <Badge tone="success">Active</Badge>
          )}
        </td>
        <td class={styles.actions}>
          <RevokeCell keys={keys} apiKey={k} nameId={nameId} />
        </td>
      </tr>
      {error && (
        <tr>
          <td colSpan={7}>
            <Alert>{error}</Alert>
          </td>
        </tr>
      )}
    </>
  );
}

function KeysTable({ keys, items }: { keys: ApiKeys; items: ApiKey[] }) {
  return (
    <DataTable caption="API keys" bare>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Scopes</th>
          <th scope="col">Key</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((k) => (
          <KeyRow key={k.id} keys={keys} apiKey={k} />
        ))}
      </tbody>
    </DataTable>
  );
}

function ApiKeysView() {
  const keys = useModel(ApiKeysModel);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="API keys"
        description="Keys let your systems send data to Brine (ingest) and take it out (export). Treat them like passwords."
      />
      <CreatedPanel keys={keys} />
      <CreateForm keys={keys} />
      <Notice message={keys.notice.value} />
      <Card title="All keys" flush>
        <PagedListView
          inset
          list={keys.list}
          noun="API keys"
          empty={<Empty title="No API keys yet">Create one above to start sending data to Brine.</Empty>}
        >
          {(items) => <KeysTable keys={keys} items={items} />}
        </PagedListView>
      </Card>
    </div>
  );
}

/** `/settings/api-keys`: needs the `apiKeys.manage` permission. */
export function ApiKeysPage() {
  if (!session.can("apiKeys.manage")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="API keys" />
        <NoAccess what="API keys" />
      </div>
    );
  }
  return <ApiKeysView />;
}
