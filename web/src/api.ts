import type { ErrorBody } from "../../schemas/common";

/** Every API path the app calls lives under this prefix. */
export const API_BASE = "/api/v1";

const SIGN_IN_PATH = "/auth/sign-in";

/** A failed API call: the HTTP status (0 when the server was not reached) and the error body's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds to wait before retrying, from `Retry-After`. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** How the client reaches the current session without importing it. */
interface SessionLink {
  csrfToken(): string | null;
  /** Called when a request answers 401: the session is gone. */
  lost(): void;
}

let sessionLink: SessionLink = { csrfToken: () => null, lost: () => {} };

/** Connects the client to the session model (done once at start-up). */
export function linkSession(link: SessionLink): void {
  sessionLink = link;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Options for one request. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** True for an aborted request, which callers ignore. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** True when what was asked for is not there: unknown, another account's, or not a valid ID. */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.status === 404 || (error.status === 400 && error.code === "VALIDATION_FAILED"))
  );
}

/** A message fit to show a person for any error a request can throw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}

async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const token = sessionLink.csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, "NETWORK", "Brine could not be reached. Check your connection and try again.");
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const failure = await toApiError(response);
  if (response.status === 401 && path !== SIGN_IN_PATH) sessionLink.lost();
  throw failure;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get("retry-after")) || null;
  try {
    const { error } = (await response.json()) as ErrorBody;
    if (typeof error?.code === "string" && typeof error.message === "string") {
      return new ApiError(response.status, error.code, error.message, error.details, retryAfter);
    }
  } catch {
    // Not our JSON error body (for example a proxy's HTML page); fall back to the status.
  }
  const message = response.status >= 500 ? "Something went wrong on our side. Try again." : "The request failed.";
  return new ApiError(response.status, `HTTP_${response.status}`, message, undefined, retryAfter);
}

/** The typed JSON client for Brine's API. Paths are relative to `/api/v1`. */
export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>("GET", path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>("POST", path, body, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>("PUT", path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>("PATCH", path, body, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>("DELETE", path, undefined, options),
};

/** Field-by-field messages from a `VALIDATION_FAILED` error, keyed by the field's path ("email"). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== "VALIDATION_FAILED") return {};
  const details = error.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined;
  const out: Record<string, string> = {};
  for (const issue of details?.issues ?? []) {
    if (typeof issue.path === "string" && typeof issue.message === "string" && !(issue.path in out)) {
      out[issue.path] = issue.message;
    }
  }
  return out;
}
