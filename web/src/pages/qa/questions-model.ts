import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Question, QuestionInput, QuestionType } from "../../../../schemas/qa";
import { ApiError, api, fieldErrorsOf, isAbort, isNotFound, messageOf } from "../../api";
import { abortedOnDispose, searchableList } from "../../lib/paged-list";

/** `/quality/questions`: the catalog, filtered by type and by part of the name. */
export const QuestionsModel = createModel(() => {
  const { list, search, filter, setSearch, setFilter } = searchableList<Question, QuestionType>(
    "/questions",
    (q) => q.id,
    "type",
  );
  return { list, search, type: filter, setSearch, setType: setFilter };
});

/** An answer as the editor holds it: the score as typed. */
export interface AnswerDraft {
  /** Set for answers the question already has. */
  id?: string;
  /** Tells rows apart while they move. */
  key: string;
  name: string;
  score: string;
}

export interface QuestionDraft {
  name: string;
  type: QuestionType;
  score: string;
  answers: AnswerDraft[];
}

const scoreText = (n: number | null) => (n === null ? "" : String(n));
let keys = 0;
const nextKey = () => `a${++keys}`;

function draftOf(q: Question | null): QuestionDraft {
  if (!q) return { name: "", type: "Tag", score: "", answers: [] };
  return {
    name: q.name,
    type: (q.type as QuestionType) ?? "Tag",
    score: scoreText(q.score),
    answers: q.answers.map((a) => ({ id: a.id, key: a.id, name: a.name, score: scoreText(a.score) })),
  };
}

const EMPTY_SCALE = [1, 2, 3, 4, 5].map((n) => ({ key: nextKey(), name: String(n), score: String(n) }));

/** Parses a typed score: empty is none; anything else must be a number. */
function parseScore(text: string): number | null | undefined {
  const t = text.trim().replace(",", ".");
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** One question as shown and edited: loads it (unless new), saves it, deletes it. */
export const QuestionModel = createModel((id: string | null) => {
  const aborted = abortedOnDispose();
  const question = signal<Question | null>(null);
  const state = signal<"loading" | "ready" | "missing" | "error">(id ? "loading" : "ready");
  const loadError = signal<string | null>(null);
  const draft = signal<QuestionDraft>(draftOf(null));
  const saving = signal(false);
  const deleting = signal(false);
  const error = signal<string | null>(null);
  const fieldErrors = signal<Record<string, string>>({});

  const load = async () => {
    if (!id) return;
    state.value = "loading";
    try {
      const q = await api.get<Question>(`/questions/${id}`, { signal: aborted });
      question.value = q;
      draft.value = draftOf(q);
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      loadError.value = messageOf(e);
      state.value = isNotFound(e) ? "missing" : "error";
    }
  };
  void load();

  const setAnswers = (answers: AnswerDraft[]) => {
    draft.value = { ...draft.peek(), answers };
  };

  /** The request body, or null with field errors set when something typed is not a number. */
  const body = (): QuestionInput | null => {
    const d = draft.peek();
    const errors: Record<string, string> = {};
    const score = parseScore(d.score);
    if (score === undefined) errors.score = "Enter a number, or leave it empty.";
    const answers = d.answers.map((a, i) => {
      const s = parseScore(a.score);
      if (s === undefined) errors[`answers.${i}.score`] = "Enter a number, or leave it empty.";
      return { ...(a.id ? { id: a.id } : {}), name: a.name.trim(), score: s ?? null };
    });
    if (!d.name.trim()) errors.name = "Enter a name.";
    fieldErrors.value = errors;
    if (Object.keys(errors).length > 0) {
      error.value = "Check the highlighted fields.";
      return null;
    }
    const withAnswers = d.type === "Single Choice" || d.type === "Scale";
    return {
      name: d.name.trim(),
      type: d.type,
      score: d.type === "Tag" ? (score ?? null) : null,
      answers: withAnswers ? answers : [],
    };
  };

  return {
    question: question as ReadonlySignal<Question | null>,
    state: state as ReadonlySignal<"loading" | "ready" | "missing" | "error">,
    loadError: loadError as ReadonlySignal<string | null>,
    draft: draft as ReadonlySignal<QuestionDraft>,
    saving: saving as ReadonlySignal<boolean>,
    deleting: deleting as ReadonlySignal<boolean>,
    /** Why the last save or delete failed. */
    error: error as ReadonlySignal<string | null>,
    fieldErrors: fieldErrors as ReadonlySignal<Record<string, string>>,
    hasAnswers: computed(() => draft.value.type === "Single Choice" || draft.value.type === "Scale"),
    load,

    edit(patch: Partial<Omit<QuestionDraft, "answers">>) {
      const d = draft.peek();
      const next = { ...d, ...patch };
      // A new scale starts as 1–5, a new single choice with two empty answers.
      if (patch.type && patch.type !== d.type && d.answers.every((a) => !a.name.trim())) {
        if (patch.type === "Scale") next.answers = EMPTY_SCALE.map((a) => ({ ...a, key: nextKey() }));
        else if (patch.type === "Single Choice")
          next.answers = [
            { key: nextKey(), name: "", score: "" },
            { key: nextKey(), name: "", score: "" },
          ];
        else next.answers = [];
      }
      draft.value = next;
    },
    editAnswer(index: number, patch: Partial<Pick<AnswerDraft, "name" | "score">>) {
      setAnswers(draft.peek().answers.map((a, i) => (i === index ? { ...a, ...patch } : a)));
    },
    addAnswer() {
      setAnswers([...draft.peek().answers, { key: nextKey(), name: "", score: "" }]);
    },
    removeAnswer(index: number) {
      setAnswers(draft.peek().answers.filter((_, i) => i !== index));
    },
    moveAnswer(index: number, by: -1 | 1) {
      const answers = [...draft.peek().answers];
      const [moved] = answers.splice(index, 1);
      if (!moved) return;
      answers.splice(Math.max(0, Math.min(answers.length, index + by)), 0, moved);
      setAnswers(answers);
    },

    /** Creates or replaces the question; the saved one, or null with the reason in `error`. */
    async save(): Promise<Question | null> {
      const input = body();
      if (!input) return null;
      saving.value = true;
      error.value = null;
      try {
        const saved = id
          ? await api.put<Question>(`/questions/${id}`, input)
          : await api.post<Question>("/questions", input);
        question.value = saved;
        draft.value = draftOf(saved);
        return saved;
      } catch (e) {
        fieldErrors.value = fieldErrorsOf(e);
        if (e instanceof ApiError && e.code === "DUPLICATE_QUESTION_NAME") {
          fieldErrors.value = { ...fieldErrors.peek(), name: e.message };
        }
        error.value = messageOf(e);
        return null;
      } finally {
        saving.value = false;
      }
    },

    /** Deletes it; false when refused (QUESTION_IN_USE, QUESTION_IN_FORM), with the reason in `error`. */
    async remove(): Promise<boolean> {
      if (!id) return false;
      deleting.value = true;
      error.value = null;
      try {
        await api.delete(`/questions/${id}`);
        return true;
      } catch (e) {
        error.value = messageOf(e);
        return false;
      } finally {
        deleting.value = false;
      }
    },
  };
});
