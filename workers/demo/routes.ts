import { Hono } from "hono";
import { z } from "zod";
import { directoryDb } from "../db/client";
import type { AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { badRequest, notFound } from "../lib/errors";
import { bareInsert } from "./bench";
import { ensureDemo, ensureLiveDemo } from "./bootstrap";

const DemoBody = z.object({ password: z.string().optional(), apiKey: z.string().optional() });
const BenchBody = z.object({ accountId: z.uuid(), sourceId: z.uuid(), objectKey: z.string().startsWith("ingest/") });

/**
 * Local only: `npm start` calls this once to create or refresh the demo account. It exists
 * only when ENVIRONMENT is "local" and the start script passed a one-time DEMO_BOOTSTRAP_TOKEN.
 */
export const demoRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    const expected = c.env.DEMO_BOOTSTRAP_TOKEN;
    const sent = c.req.header("x-bootstrap-token") ?? "";
    if (c.env.ENVIRONMENT !== "local" || !expected || !(await timingSafeEqual(sent, expected))) {
      throw notFound("Route");
    }
    await next();
  })
  .post("/demo", async (c) => {
    const parsed = DemoBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw badRequest("VALIDATION_FAILED", "Expected {password?, apiKey?}.");
    const demo = await ensureDemo(directoryDb(c.env), parsed.data);
    return c.json({ ...demo, ...(await ensureLiveDemo(c.env, demo.accountId, new URL(c.req.url).origin)) });
  })
  // `npm run bench` only: the plain-insert baseline for the ingest benchmark.
  .post("/bench/bare-insert", async (c) => {
    const parsed = BenchBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw badRequest("VALIDATION_FAILED", "Expected {accountId, sourceId, objectKey}.");
    const { accountId, sourceId, objectKey } = parsed.data;
    return c.json(await bareInsert(c.env, accountId, sourceId, objectKey));
  });
