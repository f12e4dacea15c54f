import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error a client can act on: an HTTP status plus a stable machine code. */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly details: unknown;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(status, { message });
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  readonly headers: Record<string, string> | undefined;
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, { details });
export const unauthenticated = (code: string, message: string) => new ApiError(401, code, message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (what: string) => new ApiError(404, "NOT_FOUND", `${what} not found.`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new ApiError(429, code, message, { headers: { "Retry-After": String(retryAfterSeconds) } });
