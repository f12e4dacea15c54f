import { z } from "zod";

/** Every message on the JOBS queue. */
export const JobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ingest"), accountId: z.uuid(), batchId: z.uuid() }),
  z.object({ kind: z.literal("export"), accountId: z.uuid(), exportId: z.uuid() }),
]);
export type JobMessage = z.infer<typeof JobMessage>;
