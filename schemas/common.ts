import { z } from "@hono/zod-openapi";

/** Every error response: a stable machine `code` and a human `message`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_FAILED" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Uuid = z.uuid();

export const IdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "6f1c5b52-8f57-4a8b-9a41-0e0d3f1c9b27" }),
});

/** Query for every list: at most `limit` items after the opaque `cursor`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of a list; `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };

/** ISO 8601 time in UTC to the second. */
export const IsoTime = z.iso.datetime().openapi({ example: "2024-01-01T00:00:00Z" });
