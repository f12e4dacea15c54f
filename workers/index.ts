import { deleteExpiredSessions } from "./accounts/queries";
import { app } from "./app";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";

/** The Worker: the Hono app for HTTP, and a periodic sweep of expired sessions. */
export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(deleteExpiredSessions(directoryDb(env)));
  },
} satisfies ExportedHandler<Bindings>;
