import { useModel } from "@preact/signals";
import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import type { Question, QuestionType } from "../../../../schemas/qa";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { ItemState } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { QUESTION_TYPE_HELP, QUESTION_TYPE_LABELS, QUESTION_TYPES } from "../../lib/qa";
import { session } from "../../session";
import styles from "./qa.module.css";
import { QuestionModel } from "./questions-model";
import { OriginBadge } from "./questions-page";

type Model = InstanceType<typeof QuestionModel>;

function ReadOnly({ question }: { question: Question }) {
  const why = question.builtIn
    ? "Built-in: the built-in metrics and forms rely on it, so it cannot change."
    : question.source
      ? `Loaded by the source “${question.source.name ?? question.source.id}”: change it there, or the next upload would undo the change.`
      : "Changing it needs the qa.manage permission.";
  return (
    <Card title="Details" description={why}>
      <dl class={styles.details}>
        <div>
          <dt>Type</dt>
          <dd>{question.type ?? "–"}</dd>
        </div>
        <div>
          <dt>Origin</dt>
          <dd>
            <OriginBadge item={question} />
          </dd>
        </div>
        {question.externalId && (
          <div>
            <dt>External ID</dt>
            <dd>{question.externalId}</dd>
          </div>
        )}
        <div>
          <dt>Scores</dt>
          <dd>
            {question.worstScore === null ? "None" : `${question.worstScore} (worst) to ${question.bestScore} (best)`}
          </dd>
        </div>
      </dl>
      {question.answers.length > 0 && (
        <DataTable caption={`Answers of ${question.name}`}>
          <thead>
            <tr>
              <th scope="col">Answer</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {question.answers.map((a) => (
              <tr key={a.id}>
                <td>{a.name}</td>
                <td>{a.score ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}

function AnswersEditor({ model }: { model: Model }) {
  const { answers, type } = model.draft.value;
  const errors = model.fieldErrors.value;
  return (
    <fieldset class={styles.fieldset}>
      <legend class={styles.legend}>Answers</legend>
      <p class={styles.muted}>
        {type === "Scale"
          ? "From the lowest score to the highest; every answer needs a score."
          : "Reviewers pick one. A score is optional."}{" "}
        Answers that reviews chose cannot be deleted, only renamed.
      </p>
      <table class={styles.answerTable}>
        <thead>
          <tr>
            <th scope="col">Answer</th>
            <th scope="col">Score</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {answers.map((a, i) => (
            <tr key={a.key}>
              <td>
                <input
                  type="text"
                  aria-label={`Answer ${i + 1}`}
                  value={a.name}
                  aria-invalid={errors[`answers.${i}.name`] ? true : undefined}
                  onInput={(e) => model.editAnswer(i, { name: e.currentTarget.value })}
                />
                {errors[`answers.${i}.name`] && <p class={styles.fieldError}>{errors[`answers.${i}.name`]}</p>}
              </td>
              <td class={styles.scoreCell}>
                <input
                  type="text"
                  inputMode="decimal"
                  aria-label={`Score of answer ${i + 1}`}
                  value={a.score}
                  aria-invalid={errors[`answers.${i}.score`] ? true : undefined}
                  onInput={(e) => model.editAnswer(i, { score: e.currentTarget.value })}
                />
                {errors[`answers.${i}.score`] && <p class={styles.fieldError}>{errors[`answers.${i}.score`]}</p>}
              </td>
              <td>
                <div class={styles.rowActions}>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move answer ${i + 1} up`}
                    disabled={i === 0}
                    onClick={() => model.moveAnswer(i, -1)}
                  >
                    ↑
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move answer ${i + 1} down`}
                    disabled={i === answers.length - 1}
                    onClick={() => model.moveAnswer(i, 1)}
                  >
                    ↓
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove answer ${i + 1}`}
                    onClick={() => model.removeAnswer(i)}
                  >
                    Remove
                  </Button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <Button size="sm" onClick={() => model.addAnswer()}>
          Add answer
        </Button>
      </div>
    </fieldset>
  );
}

function Editor({ model, isNew }: { model: Model; isNew: boolean }) {
  const { route } = useLocation();
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
          if (saved && isNew) route(`/quality/questions/${saved.id}`, true);
        }}
      >
        {model.error.value && <Alert>{model.error.value}</Alert>}
        <div class={styles.row}>
          <Field
            label="Name"
            error={errors.name}
            hint="Unique in the account; metrics find tags and questions by name."
          >
            {(control) => (
              <input
                {...control}
                type="text"
                value={draft.name}
                onInput={(e) => model.edit({ name: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field
            label="Type"
            hint={isNew ? QUESTION_TYPE_HELP[draft.type] : `${QUESTION_TYPE_HELP[draft.type]} The type is fixed.`}
          >
            {(control) => (
              <select
                {...control}
                value={draft.type}
                disabled={!isNew}
                onChange={(e) => model.edit({ type: e.currentTarget.value as QuestionType })}
              >
                {QUESTION_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {QUESTION_TYPE_LABELS[t]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {draft.type === "Tag" && (
          <Field
            label="Score"
            error={errors.score}
            hint="Optional: what a tagged review scores (say -1 for a bad habit)."
          >
            {(control) => (
              <input
                {...control}
                type="text"
                inputMode="decimal"
                value={draft.score}
                onInput={(e) => model.edit({ score: e.currentTarget.value })}
              />
            )}
          </Field>
        )}
        {model.hasAnswers.value && <AnswersEditor model={model} />}
        <div class={styles.actions}>
          <Button type="submit" variant="primary" busy={model.saving.value}>
            {isNew ? "Create" : "Save"}
          </Button>
          <Button onClick={() => route("/quality/questions")}>Cancel</Button>
          <span class={styles.spacer} />
          {!isNew &&
            (confirming ? (
              <>
                <span class={styles.muted}>Delete it for good?</span>
                <Button
                  variant="danger"
                  busy={model.deleting.value}
                  onClick={async () => {
                    if (await model.remove()) route("/quality/questions", true);
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

function QuestionView({ id }: { id: string | null }) {
  const model = useModel(() => new QuestionModel(id));
  const question = model.question.value;
  if (id && (model.state.value !== "ready" || !question)) {
    return (
      <ItemState
        state={model.state.value}
        eyebrow="Quality · Tags & questions"
        noun="Question"
        listHref="/quality/questions"
        listLabel="All tags and questions"
        error={model.loadError.value}
        onRetry={() => model.load()}
      />
    );
  }
  const editable = session.can("qa.manage") && (question === null || question.editable);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Quality · Tags & questions"
        title={question ? question.name : "New tag or question"}
        description={<a href="/quality/questions">All tags and questions</a>}
      />
      {editable ? <Editor model={model} isNew={!id} /> : question && <ReadOnly question={question} />}
    </div>
  );
}

/** `/quality/questions/new` and `/quality/questions/:id`: create, view, edit or delete one. */
export function QuestionPage() {
  const { params } = useRoute();
  const id = params.id === "new" ? null : (params.id ?? null);
  return <QuestionView key={id ?? "new"} id={id} />;
}
