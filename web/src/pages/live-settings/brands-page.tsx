import { useModel } from "@preact/signals";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CopyButton } from "../../components/copy-button/copy-button";
import { Field } from "../../components/field/field";
import { Empty, NoAccess, PagedListView } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDate } from "../../lib/format";
import { session } from "../../session";
import type { Brand } from "../live/live-types";
import type { BrandDraft, BrandForm, Brands } from "./brands-model";
import { BrandsModel } from "./brands-model";
import styles from "./live-settings.module.css";
import { SecretPanel } from "./secret-panel";

/** The HTML a site adds to show the brand's chat. */
export function embedSnippet(accountId: string, brandId: string): string {
  return [
    `<script type="module" src="${location.origin}/widget/universal-chat.js"></script>`,
    `<universal-chat accountid="${accountId}" brandid="${brandId}"></universal-chat>`,
  ].join("\n");
}

function BrandFields({ form, idPrefix }: { form: BrandForm; idPrefix: string }) {
  const draft = form.draft.value;
  const errors = form.errors.value;
  const bind = (field: keyof BrandDraft) => ({
    value: draft[field],
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => form.set(field, e.currentTarget.value),
  });
  return (
    <div class={styles.brandFields}>
      <Field label="Name" hint="For you; customers do not see it." error={errors.name}>
        {(control) => <input {...control} type="text" maxLength={100} autocomplete="off" {...bind("name")} />}
      </Field>
      <Field label="Colour" hint="The chat's buttons and header, as #rrggbb." error={errors.color}>
        {(control) => (
          <span class={styles.colorRow}>
            <input
              type="color"
              aria-label="Pick the colour"
              id={`${idPrefix}-picker`}
              value={/^#[0-9a-fA-F]{6}$/.test(draft.color) ? draft.color : "#000000"}
              onInput={(e) => form.set("color", e.currentTarget.value)}
            />
            <input {...control} type="text" maxLength={7} {...bind("color")} />
          </span>
        )}
      </Field>
      <Field
        label="Allowed origins"
        class={styles.wide}
        hint="One per line, scheme and host only, like https://shop.example.com. The chat refuses to run on any other site."
        error={errors.allowedOrigins}
      >
        {(control) => <textarea {...control} rows={3} {...bind("origins")} />}
      </Field>
      <Field label="Opening message" hint="Optional; the first thing the chat says." error={errors.openingMessage}>
        {(control) => <textarea {...control} rows={2} maxLength={500} {...bind("openingMessage")} />}
      </Field>
      <Field label="Placeholder" hint="Optional; shown in the empty message box." error={errors.placeholder}>
        {(control) => <input {...control} type="text" maxLength={100} {...bind("placeholder")} />}
      </Field>
    </div>
  );
}

function CreateBrand({ brands }: { brands: Brands }) {
  return (
    <Card title="Add a brand" description="Each brand is one look of the chat, for the sites you list.">
      <form
        class={styles.form}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void brands.submitCreate();
        }}
      >
        {brands.create.error.value && <Alert>{brands.create.error.value}</Alert>}
        <BrandFields form={brands.create} idPrefix="new-brand" />
        <div class={styles.actions}>
          <Button type="submit" variant="primary" busy={brands.create.saving.value}>
            Add brand
          </Button>
        </div>
      </form>
    </Card>
  );
}

function EditBrand({ brands, brand }: { brands: Brands; brand: Brand }) {
  return (
    <form
      class={styles.form}
      noValidate
      aria-label={`Edit ${brand.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void brands.submitEdit(brand.id);
      }}
    >
      {brands.edit.error.value && <Alert>{brands.edit.error.value}</Alert>}
      <BrandFields form={brands.edit} idPrefix={`brand-${brand.id}`} />
      <div class={styles.actions}>
        <Button type="submit" variant="primary" busy={brands.edit.saving.value}>
          Save brand
        </Button>
        <Button onClick={() => brands.cancelEdit()}>Cancel</Button>
      </div>
    </form>
  );
}

function BrandCard({ brands, brand }: { brands: Brands; brand: Brand }) {
  const accountId = session.account.value?.id ?? "";
  const snippet = embedSnippet(accountId, brand.id);
  const editing = brands.editing.value === brand.id;
  const confirming = brands.confirming.value === brand.id;
  const busy = brands.busy.value;
  const error = brands.rowErrors.value[brand.id];
  const nameId = `brand-name-${brand.id}`;
  return (
    <li class={styles.brand} aria-labelledby={nameId} data-brand-id={brand.id}>
      <div class={styles.brandHead}>
        <span class={styles.swatch} style={{ background: brand.color }} aria-hidden="true" />
        <h3 id={nameId} class={styles.brandName}>
          {brand.name}
        </h3>
        <span class={styles.muted}>
          {brand.color} · secret …{brand.secretHint} · added {formatDate(brand.createdAt)}
        </span>
      </div>
      {editing ? (
        <EditBrand brands={brands} brand={brand} />
      ) : (
        <>
          <dl class={styles.brandFacts}>
            <div>
              <dt>Allowed origins</dt>
              <dd>{brand.allowedOrigins.join(", ")}</dd>
            </div>
            <div>
              <dt>Opening message</dt>
              <dd>{brand.openingMessage ?? <span class={styles.muted}>None</span>}</dd>
            </div>
            <div>
              <dt>Placeholder</dt>
              <dd>{brand.placeholder ?? <span class={styles.muted}>Default</span>}</dd>
            </div>
          </dl>
          <div class={styles.snippet}>
            <div class={styles.snippetHead}>
              <span class={styles.snippetTitle}>Embed code</span>
              <CopyButton text={snippet} label={`Copy the embed code of ${brand.name}`} />
            </div>
            <pre class={styles.code}>
              <code>{snippet}</code>
            </pre>
          </div>
          <div class={styles.actions}>
            <Button size="sm" aria-describedby={nameId} onClick={() => brands.startEdit(brand)}>
              Edit
            </Button>
            <Button
              size="sm"
              aria-describedby={nameId}
              busy={busy === `rotate:${brand.id}`}
              onClick={() => brands.rotate(brand)}
            >
              Rotate secret
            </Button>
            {confirming ? (
              // biome-ignore lint/a11y/useSemanticElements: a group of two buttons, not a form field set.
              <span
                class={styles.confirm}
                role="group"
                aria-label={`Delete ${brand.name}?`}
                onKeyDown={(event) => {
                  if (event.key === "Escape") brands.cancelDelete();
                }}
              >
                <span class={styles.confirmText}>Delete “{brand.name}”? Its chat stops working on your sites.</span>
                <Button
                  size="sm"
                  variant="danger"
                  busy={busy === `delete:${brand.id}`}
                  onClick={() => brands.remove(brand)}
                >
                  Yes, delete
                </Button>
                <Button size="sm" onClick={() => brands.cancelDelete()}>
                  No
                </Button>
              </span>
            ) : (
              <Button size="sm" variant="danger" aria-describedby={nameId} onClick={() => brands.askDelete(brand.id)}>
                Delete
              </Button>
            )}
          </div>
        </>
      )}
      {error && <Alert>{error}</Alert>}
    </li>
  );
}

function IdentityNote() {
  return (
    <Card title="Telling Brine who the customer is" level={2}>
      <div class={styles.prose}>
        <p>
          Without more, each chat is an anonymous customer. If your visitors are signed in on your site, sign their
          identity on your server with the brand's secret and give it to the chat, so the conversation joins the
          customer's journey:
        </p>
        <pre class={styles.code}>
          <code>
            {
              'payload  = base64url(JSON {displayName, contacts: [{contact, type}], exp: <unix seconds>})\nidentity = payload + "." + base64url(HMAC-SHA256(brand secret, payload))'
            }
          </code>
        </pre>
        <p>
          Never put the secret in the page itself. The details, with examples, are in{" "}
          <code>docs/universal-chat.md</code>.
        </p>
      </div>
    </Card>
  );
}

function BrandsView() {
  const brands = useModel(BrandsModel);
  const secret = brands.secret.value;
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="Brands"
        description="Universal Chat: the chat your customers open on your websites. Each brand has its colour, texts and the sites it may run on."
      />
      {secret && (
        <SecretPanel
          title={`The secret of “${secret.brand}”`}
          secret={secret.secret}
          use="Your server signs customers' identities with it (see below). Rotating makes a new one and the old one stops working."
          onDone={() => brands.dismissSecret()}
        />
      )}
      <Notice message={brands.notice.value} />
      <CreateBrand brands={brands} />
      <Card title="Your brands" flush>
        <PagedListView
          inset
          list={brands.list}
          noun="brands"
          empty={<Empty title="No brands yet">Add one above to put the chat on your site.</Empty>}
        >
          {(items) => (
            <ul class={styles.brands}>
              {items.map((b) => (
                <BrandCard key={b.id} brands={brands} brand={b} />
              ))}
            </ul>
          )}
        </PagedListView>
      </Card>
      <IdentityNote />
    </div>
  );
}

/** `/settings/brands`: needs `settings.manage`. */
export function BrandsPage() {
  if (!session.can("settings.manage")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="Brands" />
        <NoAccess what="brands" />
      </div>
    );
  }
  return <BrandsView />;
}
