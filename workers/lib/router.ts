import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { badRequest } from "./errors";

/** A feature sub-app whose request validation fails through the one error path. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
        const first = issues[0];
        throw badRequest(
          "VALIDATION_FAILED",
          first ? `${first.path || "request"}: ${first.message}` : "The request is not valid.",
          { target: result.target, issues },
        );
      }
    },
  });
}
