import { useModel } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { Source } from "../../../../schemas/accounts";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button, buttonClass } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { CopyButton } from "../../components/copy-button/copy-button";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDate } from "../../lib/format";
import { session } from "../../session";
import { SOURCE_TYPE_LABELS, SOURCE_TYPE_OPTIONS, SourcesModel, type SourceType } from "./sources-model";
import styles from "./sources-page.module.css";

type Sources = InstanceType<typeof SourcesModel>;

function AddSourceForm({ sources }: { sources: Sources }) {
  return (
    <Card title="Add source" description="A source stands for one system that sends conversations to Brine.">
      <form
        class={styles.addForm}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void sources.add();
        }}
      >
        {sources.addError.value && <Alert class={styles.formAlert}>{sources.addError.value}</Alert>}
        <Field label="Name" error={sources.nameError.value}>
          {(control) => (
            <input
              {...control}
              type="text"
              autocomplete="off"
              maxLength={100}
              value={sources.name.value}
              onInput={(e) => sources.setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Type">
          {(control) => (
            <select
              {...control}
              value={sources.type.value}
              onChange={(e) => sources.setType(e.currentTarget.value as SourceType)}
            >
              {SOURCE_TYPE_OPTIONS.map((t) => (
                <option key={t} value={t}>
                  {SOURCE_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class={styles.addActions}>
          <Button type="submit" variant="primary" busy={sources.adding.value}>
            Add source
          </Button>
        </div>
      </form>
    </Card>
  );
}

function RenameForm({ sources, source }: { sources: Sources; source: Source }) {
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      class={styles.renameForm}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void sources.saveRename(source);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") sources.cancelRename();
      }}
    >
      <Field label={`New name for ${source.name}`} error={sources.renameError.value} class={styles.renameField}>
        {(control) => (
          <input
            {...control}
            ref={input}
            type="text"
            maxLength={100}
            value={sources.renameDraft.value}
            onInput={(e) => sources.editRename(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class={styles.inlineActions}>
        <Button type="submit" size="sm" variant="primary" busy={sources.saving.value}>
          Save
        </Button>
        <Button size="sm" onClick={() => sources.cancelRename()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function SourceRow({ sources, source, canManage }: { sources: Sources; source: Source; canManage: boolean }) {
  const nameId = `source-${source.id}`;
  const renaming = sources.renaming.value === source.id;
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasRenaming = useRef(false);
  useLayoutEffect(() => {
    if (!renaming && wasRenaming.current) renameButton.current?.focus();
    wasRenaming.current = renaming;
  }, [renaming]);

  return (
    <tr>
      <th scope="row" id={nameId} class={styles.name}>
        {renaming ? <RenameForm sources={sources} source={source} /> : source.name}
      </th>
      <td>
        <Badge>{SOURCE_TYPE_LABELS[source.type] ?? source.type}</Badge>
      </td>
      <td>
        <span class={styles.idCell}>
          <code class={styles.id}>{source.id}</code>
          <CopyButton text={source.id} label={`Copy ID of ${source.name}`} variant="ghost" />
        </span>
      </td>
      <td class={styles.nowrap}>
        <time dateTime={source.createdAt}>{formatDate(source.createdAt)}</time>
      </td>
      <td class={styles.actions}>
        {!renaming && (
          <div class={styles.rowActions}>
            <a class={buttonClass("secondary", "sm")} href={`/settings/sources/${source.id}`} aria-describedby={nameId}>
              Batches
            </a>
            {canManage && (
              <Button
                size="sm"
                buttonRef={renameButton}
                aria-describedby={nameId}
                onClick={() => sources.startRename(source)}
              >
                Rename
              </Button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

/** `/settings/sources`: everyone sees the sources and their batches; `sources.manage` may add and rename. */
export function SourcesPage() {
  const sources = useModel(SourcesModel);
  const canManage = session.can("sources.manage");
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="Sources"
        description="Where your conversations come from. Send a source's ID with the data so Brine knows its origin."
      />
      {canManage && <AddSourceForm sources={sources} />}
      <Notice message={sources.notice.value} />
      <Card title="All sources" flush>
        <PagedListView
          inset
          list={sources.list}
          noun="sources"
          empty={
            <Empty title="No sources yet">
              {canManage ? "Add one above for each system that sends data." : "An admin can add them."}
            </Empty>
          }
        >
          {(items) => (
            <DataTable caption="Sources" bare>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">ID</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <SourceRow key={s.id} sources={sources} source={s} canManage={canManage} />
                ))}
              </tbody>
            </DataTable>
          )}
        </PagedListView>
      </Card>
    </div>
  );
}
