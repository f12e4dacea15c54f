import {
  BLOCK_QUESTION_TYPE,
  type FormBlock,
  type FormInput,
  type ReviewForm,
  type ReviewScope,
} from "../../schemas/qa";
import type { Db } from "../db/client";
import { ApiError, badRequest } from "../lib/errors";
import { isoFromSeconds } from "../lib/time";
import { answersOf, type FormRow, type QuestionRow, questionsByPid } from "./queries";
import { questionViews } from "./questions";

/** Every question PID a form's blocks use, in block order. */
export function blockQuestions(blocks: readonly FormBlock[]): string[] {
  return blocks.flatMap((b) => (b.kind === "tagSet" ? b.questionIds : [b.questionId]));
}

export const parseScopes = (row: Pick<FormRow, "scopes">) => JSON.parse(row.scopes) as ReviewScope[];
export const parseBlocks = (row: Pick<FormRow, "blocks">) => JSON.parse(row.blocks) as FormBlock[];

/** Whether a question is the Reviewed tag the built-in metrics count (by name or external id, as they match). */
export function isReviewedTag(q: Pick<QuestionRow, "name" | "externalId">): boolean {
  return q.name?.trim().toLowerCase() === "reviewed" || q.externalId === "Reviewed";
}

/** Form rows as the API shows them, each with the questions (and answers) its blocks use. */
export async function formViews(db: Db, accountId: string, rows: readonly FormRow[]): Promise<ReviewForm[]> {
  const parsed = rows.map((row) => ({ row, scopes: parseScopes(row), blocks: parseBlocks(row) }));
  const pids = [...new Set(parsed.flatMap((p) => blockQuestions(p.blocks)))];
  const [questions, answers] = await Promise.all([questionsByPid(db, accountId, pids), answersOf(db, accountId, pids)]);
  const views = new Map(questionViews(questions, answers).map((q) => [q.id, q]));
  return parsed.map(({ row, scopes, blocks }) => ({
    id: row.pid,
    name: row.name,
    description: row.description,
    scopes,
    blocks,
    builtIn: row.builtIn,
    questions: [...new Set(blockQuestions(blocks))].flatMap((pid) => {
      const q = views.get(pid);
      return q ? [q] : [];
    }),
    createdBy: row.createdBy,
    createdAt: isoFromSeconds(row.createdAt),
    updatedAt: isoFromSeconds(row.updatedAt),
  }));
}

/**
 * Checks a form's blocks against the account's questions: each exists (404 otherwise), fits its
 * block (a tag set takes tags, a choice a Single Choice, a scale a Scale, a comment a Comment),
 * appears once; the Reviewed tag only in forms for whole engagements.
 */
export async function checkForm(db: Db, accountId: string, input: FormInput): Promise<void> {
  const pids = blockQuestions(input.blocks);
  const seen = new Set<string>();
  for (const pid of pids) {
    if (seen.has(pid)) throw badRequest("DUPLICATE_FORM_QUESTION", `Question ${pid} appears in the form twice.`);
    seen.add(pid);
  }
  const found = new Map((await questionsByPid(db, accountId, pids)).map((q) => [q.pid, q]));
  input.blocks.forEach((block, i) => {
    const want = BLOCK_QUESTION_TYPE[block.kind];
    for (const pid of block.kind === "tagSet" ? block.questionIds : [block.questionId]) {
      const q = found.get(pid);
      if (!q) {
        throw new ApiError(404, "NOT_FOUND", `Question ${pid} (block ${i + 1}) not found.`, {
          details: { field: `blocks.${i}`, id: pid },
        });
      }
      if (q.type !== want) {
        throw badRequest(
          "BLOCK_QUESTION_TYPE",
          `Block ${i + 1} is a ${block.kind} and takes ${want} questions; "${q.name}" is ${q.type ? `a ${q.type}` : "untyped"}.`,
          { field: `blocks.${i}`, id: pid },
        );
      }
      if (isReviewedTag(q) && input.scopes.some((s) => s !== "engagement")) {
        throw badRequest(
          "REVIEWED_TAG_ON_TURN",
          `"${q.name}" marks a whole engagement as reviewed; a form with it may only be used for engagements.`,
          { field: `blocks.${i}`, id: pid },
        );
      }
    }
  });
}
