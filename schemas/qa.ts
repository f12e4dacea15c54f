import { z } from "@hono/zod-openapi";
import { IsoTime, PageQuery } from "./common";

// Quality assurance: the catalog of tags and questions, review forms built from them, the form
// each user last chose per scope, manual reviews of engagements and turns, and feedback on
// reviews. Rules and error codes: docs/qa.md.

const Id = z.uuid();

// ───────────── tags and questions ─────────────

export const QUESTION_TYPES = ["Tag", "Single Choice", "Scale", "Comment"] as const;
export const QuestionType = z.enum(QUESTION_TYPES).openapi("QuestionType", {
  description:
    "`Tag`: applied or not, no answers (optionally a score). `Single Choice`: one of its answers. " +
    "`Scale`: one of its answers, ordered by score (1–5, say). `Comment`: free text.",
});
export type QuestionType = z.infer<typeof QuestionType>;

/** The Answer Type (catalog enumeration) each question type gives its reviews. */
export const ANSWER_TYPE_OF: Record<QuestionType, "Tag" | "Choice" | "Number" | "Text"> = {
  Tag: "Tag",
  "Single Choice": "Choice",
  Scale: "Number",
  Comment: "Text",
};

/** At most this many answers per question. */
export const MAX_ANSWERS = 20;

export const Answer = z
  .object({
    id: Id,
    externalId: z.string().nullable(),
    name: z.string(),
    score: z.number().nullable(),
    position: z.number().int(),
  })
  .openapi("Answer");
export type Answer = z.infer<typeof Answer>;

export const Question = z
  .object({
    id: Id,
    externalId: z.string().nullable().openapi({ description: "Built-ins: `Bookmark`, `Reviewed`, `CSAT`, `Comment`." }),
    name: z.string(),
    type: z.string().nullable().openapi({ description: "One of QuestionType; data from a source may leave it empty." }),
    answerType: z.string().nullable(),
    worstScore: z.number().nullable(),
    bestScore: z.number().nullable(),
    score: z.number().nullable().openapi({ description: "A tag's score (its worst and best score); null otherwise." }),
    builtIn: z.boolean(),
    source: z
      .object({ id: z.string(), name: z.string().nullable() })
      .nullable()
      .openapi({ description: "The source that loaded it; such questions change only through that source." }),
    editable: z.boolean().openapi({ description: "False for built-ins and questions from a source." }),
    answers: z.array(Answer).openapi({ description: "In position order; empty for tags and comments." }),
    updatedAt: IsoTime,
  })
  .openapi("Question");
export type Question = z.infer<typeof Question>;

const Name = z.string().trim().min(1).max(100);

export const AnswerInput = z
  .object({
    id: Id.optional().openapi({ description: "An existing answer of this question to keep; omit for a new one." }),
    name: Name,
    score: z.number().finite().min(-1_000_000).max(1_000_000).nullable().default(null),
  })
  .openapi("AnswerInput");

export const QuestionInput = z
  .object({
    name: Name.openapi({
      description: "Unique in the account whatever the letter case (metrics find questions by name).",
    }),
    type: QuestionType.openapi({ description: "Fixed once the question exists." }),
    score: z
      .number()
      .finite()
      .min(-1_000_000)
      .max(1_000_000)
      .nullable()
      .default(null)
      .openapi({ description: "Tags only: the score a tagged review gets." }),
    answers: z
      .array(AnswerInput)
      .max(MAX_ANSWERS)
      .default([])
      .openapi({
        description:
          "Single Choice: 2 or more, distinct names. Scale: 2 or more, each with a score, in ascending score order. " +
          "Tags and comments: none. Answers left out are deleted (refused while reviews use them).",
      }),
  })
  .openapi("QuestionInput");
export type QuestionInput = z.infer<typeof QuestionInput>;

export const QuestionListQuery = PageQuery.extend({
  type: QuestionType.optional(),
  q: z.string().trim().max(100).optional().openapi({ description: "Part of the name, any case." }),
});

// ───────────── forms ─────────────

export const REVIEW_SCOPES = ["engagement", "customerTurn", "agentTurn", "botTurn"] as const;
export const ReviewScope = z.enum(REVIEW_SCOPES).openapi("ReviewScope", {
  description: "Where a form may be used: the whole engagement, or a customer's, an agent's or a bot's turn.",
});
export type ReviewScope = z.infer<typeof ReviewScope>;

const Label = z.string().trim().max(100).optional();

export const FormBlock = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("tagSet"),
      label: Label,
      questionIds: z.array(Id).min(1).max(50).openapi({ description: "Tags to toggle." }),
    }),
    z.object({ kind: z.literal("choice"), label: Label, questionId: Id.openapi({ description: "A Single Choice." }) }),
    z.object({ kind: z.literal("scale"), label: Label, questionId: Id.openapi({ description: "A Scale." }) }),
    z.object({ kind: z.literal("comment"), label: Label, questionId: Id.openapi({ description: "A Comment." }) }),
  ])
  .openapi("FormBlock");
export type FormBlock = z.infer<typeof FormBlock>;

/** The question type each kind of block takes. */
export const BLOCK_QUESTION_TYPE: Record<FormBlock["kind"], QuestionType> = {
  tagSet: "Tag",
  choice: "Single Choice",
  scale: "Scale",
  comment: "Comment",
};

export const FormInput = z
  .object({
    name: Name.openapi({ description: "Unique in the account whatever the letter case." }),
    description: z.string().trim().max(500).default(""),
    scopes: z
      .array(ReviewScope)
      .min(1)
      .max(REVIEW_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, "Each scope may be listed once."),
    blocks: z.array(FormBlock).min(1).max(30),
  })
  .openapi("FormInput");
export type FormInput = z.infer<typeof FormInput>;

export const ReviewForm = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string(),
    scopes: z.array(ReviewScope),
    blocks: z.array(FormBlock),
    builtIn: z.boolean(),
    questions: z
      .array(Question)
      .openapi({ description: "Every question the blocks use, with its answers, to render the form." }),
    createdBy: z.string().nullable(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  })
  .openapi("ReviewForm");
export type ReviewForm = z.infer<typeof ReviewForm>;

export const FormListQuery = PageQuery.extend({
  scope: ReviewScope.optional().openapi({ description: "Only forms allowed there." }),
  q: z.string().trim().max(100).optional(),
});

export const FormChoices = z.record(ReviewScope, Id.nullable()).openapi("FormChoices", {
  description: "The form the user last chose per scope; null when none (or it was deleted or no longer fits).",
});
export type FormChoices = Record<ReviewScope, string | null>;

export const ScopeParam = z.object({
  scope: ReviewScope.openapi({ param: { name: "scope", in: "path" } }),
});

export const FormChoiceInput = z.object({ formId: Id }).openapi("FormChoiceInput");

// ───────────── reviews ─────────────

export const ReviewAnswerInput = z
  .object({
    questionId: Id,
    answerId: Id.optional().openapi({ description: "Single Choice and Scale: the chosen answer (required)." }),
    tagged: z.boolean().optional().openapi({ description: "Tags: true or left out (a tag is applied by sending it)." }),
    comment: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .optional()
      .openapi({ description: "Comment questions: the text (required). Others: an optional remark." }),
  })
  .openapi("ReviewAnswerInput");
export type ReviewAnswerInput = z.infer<typeof ReviewAnswerInput>;

export const ReviewSubmission = z
  .object({
    engagementId: Id,
    turnId: Id.nullish().openapi({ description: "Review one turn of the engagement rather than all of it." }),
    formId: Id,
    submissionId: Id.openapi({
      description: "A UUID the client makes once per submission; sending it again creates nothing new.",
    }),
    answers: z.array(ReviewAnswerInput).min(1).max(100),
  })
  .openapi("ReviewSubmission");
export type ReviewSubmission = z.infer<typeof ReviewSubmission>;

export const VERDICTS = ["approve", "dispute", "correct", "incorrect", "unclear"] as const;
export const Verdict = z.enum(VERDICTS).openapi("Verdict", {
  description: "`approve`/`dispute` a manual review; `correct`/`incorrect`/`unclear` an automatic one.",
});
export type Verdict = z.infer<typeof Verdict>;

export const ReviewItem = z
  .object({
    id: Id,
    engagementId: z.string().nullable(),
    turnId: z.string().nullable(),
    form: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    submissionId: z.string().nullable(),
    question: z.object({ id: z.string(), name: z.string().nullable(), type: z.string().nullable() }).nullable(),
    answer: z.object({ id: z.string(), name: z.string().nullable(), score: z.number().nullable() }).nullable(),
    reviewer: z.object({ id: z.string(), name: z.string().nullable(), type: z.string().nullable() }).nullable(),
    mine: z.boolean().openapi({ description: "Given by the signed-in user." }),
    kind: z.string().nullable(),
    type: z.string().nullable(),
    status: z.string().nullable(),
    comment: z.string().nullable(),
    answerScore: z.number().nullable(),
    worstScore: z.number().nullable(),
    bestScore: z.number().nullable(),
    confidence: z.number().nullable(),
    reviewTime: IsoTime.nullable(),
    verified: z.boolean().nullable(),
    verifiedBy: z.string().nullable(),
    verificationComment: z.string().nullable(),
    myFeedback: z
      .object({ verdict: Verdict, comment: z.string().nullable(), updatedAt: IsoTime })
      .nullable()
      .openapi({ description: "The signed-in user's feedback on it." }),
    verdicts: z.array(Verdict).openapi({ description: "The feedback the signed-in user may give it now." }),
    canWithdraw: z.boolean(),
  })
  .openapi("ReviewItem");
export type ReviewItem = z.infer<typeof ReviewItem>;

export const SubmissionResult = z
  .object({
    submissionId: Id,
    created: z.boolean().openapi({ description: "False when this submission was already saved (nothing new)." }),
    reviews: z.array(ReviewItem),
  })
  .openapi("SubmissionResult");
export type SubmissionResult = z.infer<typeof SubmissionResult>;

export const ReviewListQuery = PageQuery.extend({
  engagementId: Id,
  turnId: Id.optional().openapi({ description: "That turn's reviews; without it, the engagement's own." }),
  includeTurns: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Without turnId: the reviews of its turns too." }),
  includeWithdrawn: z.enum(["true", "false"]).optional(),
});

export const FeedbackInput = z
  .object({ verdict: Verdict, comment: z.string().trim().max(2000).nullish() })
  .openapi("FeedbackInput");
export type FeedbackInput = z.infer<typeof FeedbackInput>;
