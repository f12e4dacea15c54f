import { useModel } from "@preact/signals";
import { useId } from "preact/hooks";
import type { FormBlock, Question, ReviewItem, ReviewScope } from "../../../../schemas/qa";
import { formatDateTime } from "../../lib/format";
import { BLOCK_LABELS, SCOPE_LABELS, VERDICT_LABELS } from "../../lib/qa";
import { session } from "../../session";
import { Alert } from "../alert/alert";
import { Badge, type BadgeTone } from "../badge/badge";
import { Button } from "../button/button";
import { Empty, LoadError, Loading, PagedListView } from "../list-state/list-state";
import { Notice } from "../notice/notice";
import styles from "./review-panel.module.css";
import { ReviewPanelModel } from "./review-panel-model";

type Model = InstanceType<typeof ReviewPanelModel>;

export interface ReviewPanelProps {
  engagementId: string;
  /** Review this turn of the engagement rather than the whole engagement. */
  turnId?: string;
  /** Where the review happens; only forms allowed there are offered. */
  scope: ReviewScope;
  /** Called after reviews were saved (a submission or "Mark engagement reviewed"). */
  onReviewed?: () => void;
}

const STATUS_TONES: Record<string, BadgeTone> = {
  Submitted: "neutral",
  Approved: "success",
  Disputed: "warning",
  Withdrawn: "danger",
};

function ReviewRow({ model, review }: { model: Model; review: ReviewItem }) {
  const busy = model.pending.value.has(review.id);
  const error = model.rowErrors.value[review.id];
  const what = review.question?.name ?? "Review";
  const value = review.answer?.name ?? (review.type === "Tag" ? "Tagged" : null);
  return (
    <li class={styles.review} aria-label={`${what} by ${review.reviewer?.name ?? "unknown"}`}>
      <div class={styles.reviewHead}>
        <span class={styles.reviewWhat}>{what}</span>
        {value && <span class={styles.reviewValue}>{value}</span>}
        {review.answerScore !== null && value !== String(review.answerScore) && (
          <span class={styles.muted}>score {review.answerScore}</span>
        )}
        <span class={styles.spacer} />
        <Badge tone={review.kind === "Automatic" ? "info" : review.kind === "Customer" ? "primary" : "neutral"}>
          {review.kind ?? "Review"}
        </Badge>
        {review.status && review.status !== "Submitted" && (
          <Badge tone={STATUS_TONES[review.status] ?? "neutral"}>{review.status}</Badge>
        )}
      </div>
      {review.comment && <p class={styles.comment}>{review.comment}</p>}
      <p class={styles.muted}>
        {review.mine ? "You" : (review.reviewer?.name ?? "Unknown reviewer")}
        {review.reviewTime && ` · ${formatDateTime(review.reviewTime)}`}
        {review.form?.name && ` · ${review.form.name}`}
        {review.confidence !== null && ` · confidence ${Math.round(review.confidence * 100)} %`}
        {review.verifiedBy && ` · ${review.status === "Disputed" ? "disputed" : "approved"} by ${review.verifiedBy}`}
      </p>
      {(review.verdicts.length > 0 || review.canWithdraw) && (
        <div class={styles.reviewActions}>
          {review.verdicts.map((v) => (
            <Button
              key={v}
              size="sm"
              variant={review.myFeedback?.verdict === v ? "primary" : "secondary"}
              aria-pressed={review.myFeedback?.verdict === v}
              disabled={busy}
              aria-label={`${VERDICT_LABELS[v]}: ${what}`}
              onClick={() => model.feedback(review, v)}
            >
              {VERDICT_LABELS[v]}
            </Button>
          ))}
          {review.canWithdraw && (
            <Button
              size="sm"
              variant="ghost"
              busy={busy}
              aria-label={`Withdraw: ${what}`}
              onClick={() => model.withdraw(review)}
            >
              Withdraw
            </Button>
          )}
        </div>
      )}
      {error && <Alert>{error}</Alert>}
    </li>
  );
}

function BlockInput({ model, block, questions }: { model: Model; block: FormBlock; questions: Map<string, Question> }) {
  const id = useId();
  const draft = model.draft.value;
  if (block.kind === "tagSet") {
    return (
      <fieldset class={styles.block}>
        <legend class={styles.legend}>{block.label || BLOCK_LABELS.tagSet}</legend>
        <div class={styles.tags}>
          {block.questionIds.map((qid) => {
            const q = questions.get(qid);
            if (!q) return null;
            return (
              <label key={qid} class={styles.tag}>
                <input
                  type="checkbox"
                  checked={draft[qid]?.tagged ?? false}
                  onChange={(e) => model.setAnswer(qid, { tagged: e.currentTarget.checked })}
                />
                {q.name}
              </label>
            );
          })}
        </div>
      </fieldset>
    );
  }
  const q = questions.get(block.questionId);
  if (!q) return null;
  if (block.kind === "comment") {
    return (
      <div class={styles.block}>
        <label class={styles.legend} for={id}>
          {block.label || q.name}
        </label>
        <textarea
          id={id}
          rows={3}
          value={draft[q.id]?.comment ?? ""}
          onInput={(e) => model.setAnswer(q.id, { comment: e.currentTarget.value })}
        />
      </div>
    );
  }
  return (
    <fieldset class={styles.block}>
      <legend class={styles.legend}>
        {block.label && block.label !== q.name ? `${block.label}: ${q.name}` : q.name}
      </legend>
      <div class={block.kind === "scale" ? styles.scale : styles.choices}>
        {q.answers.map((a) => (
          <label key={a.id} class={block.kind === "scale" ? styles.scalePoint : styles.choice}>
            <input
              type="radio"
              name={`${id}-${q.id}`}
              value={a.id}
              checked={draft[q.id]?.answerId === a.id}
              onChange={() => model.setAnswer(q.id, { answerId: a.id })}
            />
            {a.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function FormPicker({ model, scope, onReviewed }: { model: Model; scope: ReviewScope; onReviewed?: () => void }) {
  const id = useId();
  if (model.formsState.value === "loading") return <Loading label="Loading forms…" rows={2} />;
  if (model.formsState.value === "error") {
    return <LoadError message={model.formsError.value ?? ""} onRetry={() => model.loadForms()} />;
  }
  const forms = model.forms.value;
  const form = model.selected.value;
  if (forms.length === 0 || !form) {
    return (
      <p class={styles.muted}>
        No form may be used on a {SCOPE_LABELS[scope].toLowerCase()}. Admins add forms under Quality → Forms.
      </p>
    );
  }
  const questions = new Map(form.questions.map((q) => [q.id, q]));
  return (
    <form
      class={styles.form}
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        if (await model.submit()) onReviewed?.();
      }}
    >
      <div class={styles.block}>
        <label class={styles.legend} for={id}>
          Form
        </label>
        <select id={id} value={form.id} onChange={(e) => model.pickForm(e.currentTarget.value)}>
          {forms.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        {form.description && <p class={styles.muted}>{form.description}</p>}
      </div>
      {form.blocks.map((b, i) => (
        <BlockInput key={`${form.id}-${i}`} model={model} block={b} questions={questions} />
      ))}
      {model.submitError.value && <Alert>{model.submitError.value}</Alert>}
      <div>
        <Button type="submit" variant="primary" busy={model.submitting.value}>
          Submit review
        </Button>
      </div>
    </form>
  );
}

/**
 * Reviews of one engagement or turn: the list with feedback (approve/dispute others' manual
 * reviews; correct/incorrect/unclear automatic ones; withdraw your own), a form picker limited to
 * the scope and preselected with the user's last choice, the form's blocks, Submit, and a
 * one-click "Mark engagement reviewed".
 */
export function ReviewPanel({ engagementId, turnId, scope, onReviewed }: ReviewPanelProps) {
  const model = useModel(() => new ReviewPanelModel(engagementId, turnId ?? null, scope));
  const canWrite = session.can("reviews.write");
  const reviewed = model.reviewed.value;
  return (
    <div class={styles.panel}>
      {canWrite && (
        <div class={styles.reviewedBar}>
          {reviewed ? (
            <span class={styles.reviewedDone}>
              <Badge tone="success">Reviewed</Badge>
              {reviewed.by ? ` by ${reviewed.by}` : ""}
            </span>
          ) : (
            <Button
              variant="secondary"
              busy={model.marking.value}
              disabled={!model.canMarkReviewed.value}
              onClick={async () => {
                if (await model.markReviewed()) onReviewed?.();
              }}
            >
              Mark engagement reviewed
            </Button>
          )}
        </div>
      )}
      <Notice message={model.notice.value} />
      <section aria-label="Reviews" class={styles.section}>
        <h3 class={styles.heading}>Reviews</h3>
        <PagedListView
          list={model.reviews}
          noun="reviews"
          empty={<Empty title="No reviews yet">{canWrite ? "Use a form below to add the first." : undefined}</Empty>}
        >
          {(items) => (
            <ul class={styles.reviews}>
              {items.map((r) => (
                <ReviewRow key={r.id} model={model} review={r} />
              ))}
            </ul>
          )}
        </PagedListView>
      </section>
      {canWrite ? (
        <section aria-label="Add a review" class={styles.section}>
          <h3 class={styles.heading}>Add a review</h3>
          <FormPicker model={model} scope={scope} onReviewed={onReviewed} />
        </section>
      ) : (
        <p class={styles.muted}>Reviewing needs the reviews.write permission.</p>
      )}
    </div>
  );
}
