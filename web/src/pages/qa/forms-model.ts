import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { FormBlock, FormInput, Question, ReviewForm, ReviewScope } from "../../../../schemas/qa";
import { ApiError, api, fieldErrorsOf, isAbort, isNotFound, messageOf } from "../../api";
import { abortedOnDispose, searchableList } from "../../lib/paged-list";
import { allItems, BLOCK_TYPES } from "../../lib/qa";

/** `/quality/forms`: the forms, filtered by where they may be used and by name. */
export const FormsModel = createModel(() => {
  const { list, search, filter, setSearch, setFilter } = searchableList<ReviewForm, ReviewScope>(
    "/review-forms",
    (f) => f.id,
    "scope",
  );
  return { list, search, scope: filter, setSearch, setScope: setFilter };
});

/** A block as the editor holds it, with a key that follows it when it moves. */
export type BlockDraft = FormBlock & { key: string };

export interface FormDraft {
  name: string;
  description: string;
  scopes: ReviewScope[];
  blocks: BlockDraft[];
}

let keys = 0;
const nextKey = () => `b${++keys}`;

function draftOf(form: ReviewForm | null, copy = false): FormDraft {
  if (!form) return { name: "", description: "", scopes: ["engagement"], blocks: [] };
  return {
    name: copy ? `Copy of ${form.name}` : form.name,
    description: form.description,
    scopes: [...form.scopes],
    blocks: form.blocks.map((b) => ({ ...b, key: nextKey() })),
  };
}

/**
 * One form as shown and edited: the form (unless new; `from` starts a new one as a copy), the
 * account's questions to build blocks from, saving and deleting.
 */
export const FormModel = createModel((id: string | null, from: string | null) => {
  const aborted = abortedOnDispose();
  const form = signal<ReviewForm | null>(null);
  const questions = signal<Question[]>([]);
  const state = signal<"loading" | "ready" | "missing" | "error">("loading");
  const loadError = signal<string | null>(null);
  const draft = signal<FormDraft>(draftOf(null));
  const saving = signal(false);
  const deleting = signal(false);
  const error = signal<string | null>(null);
  const fieldErrors = signal<Record<string, string>>({});

  const load = async () => {
    state.value = "loading";
    try {
      const source = id ?? from;
      const [loaded, all] = await Promise.all([
        source ? api.get<ReviewForm>(`/review-forms/${source}`, { signal: aborted }) : Promise.resolve(null),
        allItems<Question>("/questions", { signal: aborted }),
      ]);
      form.value = id ? loaded : null;
      questions.value = all;
      draft.value = draftOf(loaded, !id);
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      loadError.value = messageOf(e);
      state.value = isNotFound(e) ? "missing" : "error";
    }
  };
  void load();

  const setBlocks = (blocks: BlockDraft[]) => {
    draft.value = { ...draft.peek(), blocks };
  };

  const body = (): FormInput | null => {
    const d = draft.peek();
    const errors: Record<string, string> = {};
    if (!d.name.trim()) errors.name = "Enter a name.";
    if (d.scopes.length === 0) errors.scopes = "Choose at least one place the form may be used.";
    if (d.blocks.length === 0) errors.blocks = "Add at least one block.";
    d.blocks.forEach((b, i) => {
      if (b.kind === "tagSet" ? b.questionIds.length === 0 : !b.questionId) {
        errors[`blocks.${i}`] = b.kind === "tagSet" ? "Choose at least one tag." : "Choose a question.";
      }
    });
    fieldErrors.value = errors;
    if (Object.keys(errors).length > 0) {
      error.value = "Check the highlighted fields.";
      return null;
    }
    return {
      name: d.name.trim(),
      description: d.description.trim(),
      scopes: d.scopes,
      blocks: d.blocks.map(({ key: _, ...b }) => {
        const label = b.label?.trim();
        return { ...b, label: label || undefined } as FormBlock;
      }),
    };
  };

  return {
    form: form as ReadonlySignal<ReviewForm | null>,
    questions: questions as ReadonlySignal<Question[]>,
    state: state as ReadonlySignal<"loading" | "ready" | "missing" | "error">,
    loadError: loadError as ReadonlySignal<string | null>,
    draft: draft as ReadonlySignal<FormDraft>,
    saving: saving as ReadonlySignal<boolean>,
    deleting: deleting as ReadonlySignal<boolean>,
    error: error as ReadonlySignal<string | null>,
    fieldErrors: fieldErrors as ReadonlySignal<Record<string, string>>,
    load,

    edit(patch: Partial<Pick<FormDraft, "name" | "description">>) {
      draft.value = { ...draft.peek(), ...patch };
    },
    toggleScope(scope: ReviewScope, on: boolean) {
      const scopes = draft.peek().scopes.filter((s) => s !== scope);
      draft.value = { ...draft.peek(), scopes: on ? [...scopes, scope] : scopes };
    },
    addBlock(kind: FormBlock["kind"]) {
      const first = questions.peek().find((q) => q.type === BLOCK_TYPES[kind]);
      const block: BlockDraft =
        kind === "tagSet"
          ? { kind, key: nextKey(), questionIds: [] }
          : { kind, key: nextKey(), questionId: first?.id ?? "" };
      setBlocks([...draft.peek().blocks, block]);
    },
    editBlock(index: number, patch: Partial<{ label: string; questionId: string }>) {
      setBlocks(draft.peek().blocks.map((b, i) => (i === index ? ({ ...b, ...patch } as BlockDraft) : b)));
    },
    toggleTag(index: number, questionId: string, on: boolean) {
      setBlocks(
        draft.peek().blocks.map((b, i) => {
          if (i !== index || b.kind !== "tagSet") return b;
          const ids = b.questionIds.filter((q) => q !== questionId);
          return { ...b, questionIds: on ? [...ids, questionId] : ids };
        }),
      );
    },
    removeBlock(index: number) {
      setBlocks(draft.peek().blocks.filter((_, i) => i !== index));
    },
    moveBlock(index: number, by: -1 | 1) {
      const blocks = [...draft.peek().blocks];
      const [moved] = blocks.splice(index, 1);
      if (!moved) return;
      blocks.splice(Math.max(0, Math.min(blocks.length, index + by)), 0, moved);
      setBlocks(blocks);
    },

    /** Creates or replaces the form; the saved one, or null with the reason in `error`. */
    async save(): Promise<ReviewForm | null> {
      const input = body();
      if (!input) return null;
      saving.value = true;
      error.value = null;
      try {
        const saved = id
          ? await api.put<ReviewForm>(`/review-forms/${id}`, input)
          : await api.post<ReviewForm>("/review-forms", input);
        form.value = saved;
        return saved;
      } catch (e) {
        const fields = fieldErrorsOf(e);
        if (e instanceof ApiError && e.code === "DUPLICATE_FORM_NAME") fields.name = e.message;
        const at = e instanceof ApiError ? (e.details as { field?: unknown } | undefined)?.field : undefined;
        if (typeof at === "string" && e instanceof ApiError) fields[at] = e.message;
        fieldErrors.value = fields;
        error.value = messageOf(e);
        return null;
      } finally {
        saving.value = false;
      }
    },

    async remove(): Promise<boolean> {
      if (!id) return false;
      deleting.value = true;
      error.value = null;
      try {
        await api.delete(`/review-forms/${id}`);
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
