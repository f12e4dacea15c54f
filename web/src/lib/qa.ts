import type { Page } from "../../../schemas/common";
import type { FormBlock, Question, QuestionType, ReviewForm, ReviewScope, Verdict } from "../../../schemas/qa";
import { api, type RequestOptions } from "../api";

// What the Quality pages and the review panel share: how scopes, question types, blocks and
// verdicts are named, and reading whole lists.

export const SCOPE_LABELS: Record<ReviewScope, string> = {
  engagement: "Engagement",
  customerTurn: "Customer turn",
  agentTurn: "Agent turn",
  botTurn: "Bot turn",
};
export const SCOPES = Object.keys(SCOPE_LABELS) as ReviewScope[];

export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  Tag: "Tag",
  "Single Choice": "Single choice",
  Scale: "Scale",
  Comment: "Comment",
};
export const QUESTION_TYPES = Object.keys(QUESTION_TYPE_LABELS) as QuestionType[];

export const QUESTION_TYPE_HELP: Record<QuestionType, string> = {
  Tag: "Applied or not, like a label. It may carry a score.",
  "Single Choice": "Reviewers pick one of its answers; answers may have scores.",
  Scale: "Reviewers pick one answer on an ordered scale, lowest score first (1–5, say).",
  Comment: "Reviewers write free text.",
};

export const BLOCK_LABELS: Record<FormBlock["kind"], string> = {
  tagSet: "Tag set",
  choice: "Single choice",
  scale: "Scale",
  comment: "Comment",
};
export const BLOCK_KINDS = Object.keys(BLOCK_LABELS) as FormBlock["kind"][];

/** The question type each kind of block takes. */
export const BLOCK_TYPES: Record<FormBlock["kind"], QuestionType> = {
  tagSet: "Tag",
  choice: "Single Choice",
  scale: "Scale",
  comment: "Comment",
};

export const VERDICT_LABELS: Record<Verdict, string> = {
  approve: "Approve",
  dispute: "Dispute",
  correct: "Correct",
  incorrect: "Incorrect",
  unclear: "Unclear",
};

/** Every item of a paged list (at most `max`), for pickers that need the whole catalog. */
export async function allItems<T>(path: string, options: RequestOptions = {}, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const url = `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: Page<T> = await api.get<Page<T>>(url, options);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

/** The question ids a block uses. */
export function blockQuestionIds(block: FormBlock): string[] {
  return block.kind === "tagSet" ? block.questionIds : [block.questionId];
}

/** Whether a question is the Reviewed tag that marks a whole engagement reviewed. */
export function isReviewedTag(q: Pick<Question, "name" | "externalId" | "type">): boolean {
  return q.type === "Tag" && (q.externalId === "Reviewed" || q.name.trim().toLowerCase() === "reviewed");
}

/** The form to mark an engagement reviewed with: one allowed on engagements holding the Reviewed tag, built-ins first. */
export function reviewedForm(forms: readonly ReviewForm[]): { form: ReviewForm; questionId: string } | null {
  const sorted = [...forms].sort((a, b) => Number(b.builtIn) - Number(a.builtIn));
  for (const form of sorted) {
    if (!form.scopes.includes("engagement")) continue;
    const q = form.questions.find(isReviewedTag);
    if (q) return { form, questionId: q.id };
  }
  return null;
}
