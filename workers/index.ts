import { JobMessage } from "../schemas/jobs";
import { deleteExpiredSessions } from "./accounts/queries";
import { app } from "./app";
import { directoryDb } from "./db/client";
import type { Bindings } from "./env";
import { requeueStalledExports, runExportJob } from "./export/consumer";
import { expireUploadLinks, runIngestJob } from "./ingest/consumer";
import { refreshStatistics } from "./ingest/pipeline";

export { ConversationRoom } from "./live/conversation";
export { AccountHub } from "./live/hub";

/** The Worker: the Hono app for HTTP, the JOBS queue consumer, and a periodic sweep of expired sessions and upload links and of stalled exports. */
export default {
  fetch: app.fetch,

  async queue(batch, env, _ctx) {
    for (const message of batch.messages) {
      const parsed = JobMessage.safeParse(message.body);
      if (!parsed.success) {
        console.error("dropping malformed job", parsed.error.message);
        message.ack();
        continue;
      }
      switch (parsed.data.kind) {
        case "ingest":
          await runIngestJob(env, message, parsed.data);
          break;
        case "export":
          await runExportJob(env, message, parsed.data);
          break;
      }
    }
  },

  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      Promise.all([
        deleteExpiredSessions(directoryDb(env)),
        expireUploadLinks(env),
        requeueStalledExports(env),
        refreshStatistics(env.DB),
      ]),
    );
  },
} satisfies ExportedHandler<Bindings, unknown>;
