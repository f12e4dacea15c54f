import type { z } from "@hono/zod-openapi";
import { ErrorBody } from "../../schemas/common";

/** An OpenAPI JSON response with `schema` as its body. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** A required JSON request body validated by `schema`. */
export function body<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true };
}

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input (`VALIDATION_FAILED` and route-specific codes)",
  401: "Not authenticated",
  403: "Not allowed (`FORBIDDEN`, `CSRF_FAILED`, `INSUFFICIENT_SCOPE`)",
  404: "Not found, or owned by another account",
  409: "Conflicts with existing data",
  429: "Rate limited; see `Retry-After`",
};

/** The error responses a route can give, all with the shared `Error` body. */
export function errors(...statuses: (keyof typeof ERROR_TEXT)[]) {
  return Object.fromEntries(statuses.map((s) => [s, json(ErrorBody, ERROR_TEXT[s] ?? "Error")]));
}

export const COOKIE_AUTH = [{ session: [] }];
export const BEARER_AUTH = [{ apiKey: [] }];
