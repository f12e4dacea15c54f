import { useModel } from "@preact/signals";
import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { FormBlock, ReviewForm } from "../../../../schemas/qa";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { Field } from "../../components/field/field";
import { ItemState } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { BLOCK_KINDS, BLOCK_LABELS, BLOCK_TYPES, blockQuestionIds, SCOPE_LABELS, SCOPES } from "../../lib/qa";
import { session } from "../../session";
import { type BlockDraft, FormModel } from "./forms-model";
import { ScopeBadges } from "./forms-page";
import styles from "./qa.module.css";
import { OriginBadge } from "./questions-page";

type Model = InstanceType<typeof FormModel>;

function ReadOnly({ form }: { form: ReviewForm }) {
  const { route } = useLocation();
  const names = new Map(form.questions.map((q) => [q.id, q.name]));
  return (
    <Card
      title="Blocks"
      description={
        form.builtIn
          ? "Built-in forms cannot change; copy one to start your own."
          : "Changing forms needs the qa.manage permission."
      }
      actions={
        session.can("qa.manage") && (
          <Button size="sm" onClick={() => route(`/quality/forms/new?from=${form.id}`)}>
            Copy to new form
          </Button>
        )
      }
    >
      <dl class={styles.details}>
        <div>
          <dt>Used on</dt>
          <dd>
            <ScopeBadges scopes={form.scopes} />
          </dd>
        </div>
        <div>
          <dt>Origin</dt>
          <dd>
            <OriginBadge item={form} />
          </dd>
        </div>
      </dl>
      {form.description && <p>{form.description}</p>}
      <ol class={styles.blockList}>
        {form.blocks.map((b, i) => (
          <li key={i}>
            <strong>{b.label || BLOCK_LABELS[b.kind]}</strong> ({BLOCK_LABELS[b.kind].toLowerCase()}):{" "}
            {blockQuestionIds(b)
              .map((id) => names.get(id) ?? "?")
              .join(", ")}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function BlockEditor({
  model,
  block,
  index,
  count,
}: {
  model: Model;
  block: BlockDraft;
  index: number;
  count: number;
}) {
  const options = model.questions.value.filter((q) => q.type === BLOCK_TYPES[block.kind]);
  const error = model.fieldErrors.value[`blocks.${index}`];
  const title = `Block ${index + 1}: ${BLOCK_LABELS[block.kind]}`;
  return (
    <li class={styles.block} aria-label={title}>
      <div class={styles.blockHeader}>
        <span class={styles.blockTitle}>{title}</span>
        <span class={styles.spacer} />
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Move block ${index + 1} up`}
          disabled={index === 0}
          onClick={() => model.moveBlock(index, -1)}
        >
          ↑
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Move block ${index + 1} down`}
          disabled={index === count - 1}
          onClick={() => model.moveBlock(index, 1)}
        >
          ↓
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Remove block ${index + 1}`}
          onClick={() => model.removeBlock(index)}
        >
          Remove
        </Button>
      </div>
      <Field label={`Label of block ${index + 1}`} hint="Optional; what reviewers see above it.">
        {(control) => (
          <input
            {...control}
            type="text"
            value={block.label ?? ""}
            onInput={(e) => model.editBlock(index, { label: e.currentTarget.value })}
          />
        )}
      </Field>
      {block.kind === "tagSet" ? (
        <fieldset class={styles.fieldset}>
          <legend class={styles.legend}>Tags to toggle</legend>
          {options.length === 0 && <p class={styles.muted}>The account has no tags yet.</p>}
          <div class={styles.checks}>
            {options.map((q) => (
              <label key={q.id} class={styles.check}>
                <input
                  type="checkbox"
                  checked={block.questionIds.includes(q.id)}
                  onChange={(e) => model.toggleTag(index, q.id, e.currentTarget.checked)}
                />
                {q.name}
              </label>
            ))}
          </div>
          {error && <p class={styles.fieldError}>{error}</p>}
        </fieldset>
      ) : (
        <Field label={`Question of block ${index + 1}`} error={error}>
          {(control) => (
            <select
              {...control}
              value={block.questionId}
              onChange={(e) => model.editBlock(index, { questionId: e.currentTarget.value })}
            >
              {!block.questionId && <option value="">Choose…</option>}
              {options.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </li>
  );
}

function Editor({ model, isNew }: { model: Model; isNew: boolean }) {
  const { route } = useLocation();
  const [kind, setKind] = useState<FormBlock["kind"]>("tagSet");
  const [confirming, setConfirming] = useState(false);
  const draft = model.draft.value;
  const errors = model.fieldErrors.value;
  return (
    <Card>
      <form
        class={styles.editor}
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const saved = await model.save();
          if (saved) route(`/quality/forms/${saved.id}`, true);
        }}
      >
        {model.error.value && <Alert>{model.error.value}</Alert>}
        <Field label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={draft.name}
              onInput={(e) => model.edit({ name: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="Description" hint="Optional: when to use it.">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={draft.description}
              onInput={(e) => model.edit({ description: e.currentTarget.value })}
            />
          )}
        </Field>
        <fieldset class={styles.fieldset}>
          <legend class={styles.legend}>Used on</legend>
          <div class={styles.checks}>
            {SCOPES.map((s) => (
              <label key={s} class={styles.check}>
                <input
                  type="checkbox"
                  checked={draft.scopes.includes(s)}
                  onChange={(e) => model.toggleScope(s, e.currentTarget.checked)}
                />
                {SCOPE_LABELS[s]}
              </label>
            ))}
          </div>
          {errors.scopes && <p class={styles.fieldError}>{errors.scopes}</p>}
        </fieldset>
        <fieldset class={styles.fieldset}>
          <legend class={styles.legend}>Blocks</legend>
          {draft.blocks.length > 0 && (
            <ol class={styles.fieldset}>
              {draft.blocks.map((b, i) => (
                <BlockEditor key={b.key} model={model} block={b} index={i} count={draft.blocks.length} />
              ))}
            </ol>
          )}
          {errors.blocks && <p class={styles.fieldError}>{errors.blocks}</p>}
          <div class={styles.addBlock}>
            <Field label="Kind of block">
              {(control) => (
                <select {...control} value={kind} onChange={(e) => setKind(e.currentTarget.value as FormBlock["kind"])}>
                  {BLOCK_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {BLOCK_LABELS[k]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Button onClick={() => model.addBlock(kind)}>Add block</Button>
          </div>
          <p class={styles.muted}>
            Tag sets take tags, single choices and scales take questions of that type, comments take comment questions.
            Create them under <a href="/quality/questions">Tags &amp; questions</a>.
          </p>
        </fieldset>
        <div class={styles.actions}>
          <Button type="submit" variant="primary" busy={model.saving.value}>
            {isNew ? "Create form" : "Save"}
          </Button>
          <Button onClick={() => route("/quality/forms")}>Cancel</Button>
          <span class={styles.spacer} />
          {!isNew &&
            (confirming ? (
              <>
                <span class={styles.muted}>Delete it? Reviews keep the form's id.</span>
                <Button
                  variant="danger"
                  busy={model.deleting.value}
                  onClick={async () => {
                    if (await model.remove()) route("/quality/forms", true);
                    else setConfirming(false);
                  }}
                >
                  Yes, delete
                </Button>
                <Button variant="ghost" onClick={() => setConfirming(false)}>
                  Keep it
                </Button>
              </>
            ) : (
              <Button variant="danger" onClick={() => setConfirming(true)}>
                Delete
              </Button>
            ))}
        </div>
      </form>
    </Card>
  );
}

function FormView({ id, from }: { id: string | null; from: string | null }) {
  const model = useModel(() => new FormModel(id, from));
  const form = model.form.value;
  if (model.state.value !== "ready") {
    return (
      <ItemState
        state={model.state.value}
        eyebrow="Quality · Forms"
        noun="Form"
        listHref="/quality/forms"
        listLabel="All forms"
        error={model.loadError.value}
        onRetry={() => model.load()}
      />
    );
  }
  const editable = session.can("qa.manage") && (form === null || !form.builtIn);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Quality · Forms"
        title={form ? form.name : "New form"}
        description={<a href="/quality/forms">All forms</a>}
      />
      {editable ? <Editor model={model} isNew={!id} /> : form && <ReadOnly form={form} />}
    </div>
  );
}

/** `/quality/forms/new` (`?from=<id>` copies one) and `/quality/forms/:id`: create, view, edit or delete a form. */
export function FormPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = params.id === "new" ? null : (params.id ?? null);
  const from = id ? null : (query.from ?? null);
  return <FormView key={`${id ?? "new"}-${from ?? ""}`} id={id} from={from} />;
}
