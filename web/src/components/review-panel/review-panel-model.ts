import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type {
  FormChoices,
  ReviewAnswerInput,
  ReviewForm,
  ReviewItem,
  ReviewScope,
  SubmissionResult,
  Verdict,
} from "../../../../schemas/qa";
import { api, isAbort, messageOf } from "../../api";
import { abortedOnDispose, cursorList } from "../../lib/paged-list";
import { allItems, reviewedForm } from "../../lib/qa";

/** What the reviewer has filled in so far, per question. */
export interface AnswerDraft {
  tagged?: boolean;
  answerId?: string;
  comment?: string;
}

/**
 * The review panel of one target (an engagement or one of its turns): its reviews with
 * feedback and withdraw, the forms allowed there with the user's remembered choice, the chosen
 * form's answers as drafted, submitting them, and marking the engagement reviewed.
 */
export const ReviewPanelModel = createModel((engagementId: string, turnId: string | null, scope: ReviewScope) => {
  const aborted = abortedOnDispose();
  const forms = signal<ReviewForm[]>([]);
  /** Forms allowed on the engagement, for "Mark engagement reviewed". */
  const engagementForms = signal<ReviewForm[]>([]);
  const formsState = signal<"loading" | "ready" | "error">("loading");
  const formsError = signal<string | null>(null);
  const selectedId = signal<string | null>(null);
  const draft = signal<Record<string, AnswerDraft>>({});
  const submitting = signal(false);
  const submitError = signal<string | null>(null);
  const notice = signal<string | null>(null);
  const pending = signal<ReadonlySet<string>>(new Set());
  const rowErrors = signal<Record<string, string>>({});
  const reviewed = signal<{ by: string | null } | null>(null);
  const marking = signal(false);
  // One id per submission, kept until it is saved, so a retry after a lost answer saves nothing twice.
  let submissionId = crypto.randomUUID();

  const query = { engagementId, ...(turnId ? { turnId } : {}) };
  const reviews = cursorList<ReviewItem>("/reviews", { keyOf: (r) => r.id, pageSize: 20, query });

  /** Whether the engagement carries a Reviewed tag that was not withdrawn. */
  const loadReviewed = async () => {
    try {
      const own = await allItems<ReviewItem>(`/reviews?engagementId=${engagementId}`, { signal: aborted }, 400);
      const tag = own.find(
        (r) => r.question && r.question.type === "Tag" && r.question.name?.toLowerCase() === "reviewed",
      );
      reviewed.value = tag ? { by: tag.reviewer?.name ?? null } : null;
    } catch (e) {
      if (!isAbort(e)) reviewed.value = null;
    }
  };

  const loadForms = async () => {
    formsState.value = "loading";
    try {
      const [allowed, onEngagement, choices] = await Promise.all([
        allItems<ReviewForm>(`/review-forms?scope=${scope}`, { signal: aborted }),
        scope === "engagement"
          ? Promise.resolve(null)
          : allItems<ReviewForm>("/review-forms?scope=engagement", { signal: aborted }),
        api.get<FormChoices>("/review-forms/choices", { signal: aborted }),
      ]);
      forms.value = allowed;
      engagementForms.value = onEngagement ?? allowed;
      const chosen = choices[scope];
      selectedId.value = allowed.find((f) => f.id === chosen)?.id ?? allowed[0]?.id ?? null;
      formsState.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      formsError.value = messageOf(e);
      formsState.value = "error";
    }
  };
  void loadForms();
  void loadReviewed();

  const setPending = (id: string, on: boolean) => {
    const next = new Set(pending.peek());
    if (on) next.add(id);
    else next.delete(id);
    pending.value = next;
  };
  const setRowError = (id: string, message: string | null) => {
    const { [id]: _, ...rest } = rowErrors.peek();
    rowErrors.value = message ? { ...rest, [id]: message } : rest;
  };

  const selected = computed(() => forms.value.find((f) => f.id === selectedId.value) ?? null);

  /** The answers the draft holds for the chosen form, in block order. */
  const answers = (): ReviewAnswerInput[] => {
    const form = selected.peek();
    if (!form) return [];
    const d = draft.peek();
    const out: ReviewAnswerInput[] = [];
    for (const block of form.blocks) {
      const ids = block.kind === "tagSet" ? block.questionIds : [block.questionId];
      for (const questionId of ids) {
        const a = d[questionId];
        if (!a) continue;
        if (block.kind === "tagSet" && a.tagged) out.push({ questionId });
        else if ((block.kind === "choice" || block.kind === "scale") && a.answerId)
          out.push({ questionId, answerId: a.answerId });
        else if (block.kind === "comment" && a.comment?.trim()) out.push({ questionId, comment: a.comment.trim() });
      }
    }
    return out;
  };

  const afterSaving = async (count: number) => {
    notice.value = `Saved ${count} review${count === 1 ? "" : "s"}.`;
    await Promise.all([reviews.refresh().catch(() => undefined), loadReviewed()]);
  };

  return {
    reviews,
    forms: forms as ReadonlySignal<ReviewForm[]>,
    formsState: formsState as ReadonlySignal<"loading" | "ready" | "error">,
    formsError: formsError as ReadonlySignal<string | null>,
    selected,
    draft: draft as ReadonlySignal<Record<string, AnswerDraft>>,
    submitting: submitting as ReadonlySignal<boolean>,
    submitError: submitError as ReadonlySignal<string | null>,
    /** The outcome of the last action, announced politely. */
    notice: notice as ReadonlySignal<string | null>,
    pending: pending as ReadonlySignal<ReadonlySet<string>>,
    rowErrors: rowErrors as ReadonlySignal<Record<string, string>>,
    /** Set when the engagement is tagged Reviewed. */
    reviewed: reviewed as ReadonlySignal<{ by: string | null } | null>,
    marking: marking as ReadonlySignal<boolean>,
    canMarkReviewed: computed(() => reviewedForm(engagementForms.value) !== null),
    loadForms,

    /** Shows another form and remembers it as the user's choice for this scope. */
    pickForm(id: string) {
      selectedId.value = id;
      draft.value = {};
      submitError.value = null;
      api.put(`/review-forms/choices/${scope}`, { formId: id }).catch(() => {
        // Remembering is a convenience; the form is still chosen here.
      });
    },
    setAnswer(questionId: string, patch: AnswerDraft) {
      draft.value = { ...draft.peek(), [questionId]: { ...draft.peek()[questionId], ...patch } };
    },

    /** Saves the drafted answers with the chosen form. */
    async submit(): Promise<boolean> {
      const form = selected.peek();
      const list = answers();
      if (!form) return false;
      if (list.length === 0) {
        submitError.value = "Toggle a tag, pick an answer or write a comment first.";
        return false;
      }
      submitting.value = true;
      submitError.value = null;
      notice.value = null;
      try {
        const result = await api.post<SubmissionResult>("/reviews", {
          engagementId,
          turnId,
          formId: form.id,
          submissionId,
          answers: list,
        });
        submissionId = crypto.randomUUID();
        draft.value = {};
        await afterSaving(result.reviews.length);
        return true;
      } catch (e) {
        submitError.value = messageOf(e);
        return false;
      } finally {
        submitting.value = false;
      }
    },

    /** Tags the whole engagement Reviewed in one click. */
    async markReviewed(): Promise<boolean> {
      const target = reviewedForm(engagementForms.peek());
      if (!target) return false;
      marking.value = true;
      submitError.value = null;
      notice.value = null;
      try {
        await api.post<SubmissionResult>("/reviews", {
          engagementId,
          formId: target.form.id,
          submissionId: crypto.randomUUID(),
          answers: [{ questionId: target.questionId }],
        });
        notice.value = "The engagement is marked reviewed.";
        await Promise.all([reviews.refresh().catch(() => undefined), loadReviewed()]);
        return true;
      } catch (e) {
        submitError.value = messageOf(e);
        return false;
      } finally {
        marking.value = false;
      }
    },

    async withdraw(review: ReviewItem): Promise<boolean> {
      setPending(review.id, true);
      setRowError(review.id, null);
      notice.value = null;
      try {
        await api.post<ReviewItem>(`/reviews/${review.id}/withdraw`);
        notice.value = `Your review “${review.question?.name ?? "review"}” was withdrawn.`;
        await Promise.all([reviews.reload(), loadReviewed()]);
        return true;
      } catch (e) {
        setRowError(review.id, messageOf(e));
        return false;
      } finally {
        setPending(review.id, false);
      }
    },

    async feedback(review: ReviewItem, verdict: Verdict): Promise<boolean> {
      setPending(review.id, true);
      setRowError(review.id, null);
      notice.value = null;
      try {
        reviews.put(await api.put<ReviewItem>(`/reviews/${review.id}/feedback`, { verdict }));
        return true;
      } catch (e) {
        setRowError(review.id, messageOf(e));
        return false;
      } finally {
        setPending(review.id, false);
      }
    },
  };
});
