import { describe, expect, it } from "vitest";
import { DEMO, ensureDemo } from "../../workers/demo/bootstrap";
import { call, db, signIn } from "./helpers";

describe("the demo account", () => {
  it("is created once and keeps working credentials on later runs", async () => {
    const first = await ensureDemo(db(), {});
    await signIn(first.email, first.password);
    const again = await ensureDemo(db(), { password: first.password, apiKey: first.apiKey });
    expect(again).toEqual(first);
    const key = await call("/api/v1/auth/api-key", { headers: { authorization: `Bearer ${again.apiKey}` } });
    expect(await key.json()).toMatchObject({ accountId: first.accountId, scopes: ["ingest", "export"] });
  });

  it("issues a new password and key when the saved ones no longer work", async () => {
    const first = await ensureDemo(db(), {});
    const next = await ensureDemo(db(), { password: "lost", apiKey: "brn_lost" });
    expect(next.accountId).toBe(first.accountId);
    expect(next.ingestionSourceId).toBe(first.ingestionSourceId);
    expect(next.password).not.toBe(first.password);
    expect(next.apiKey).not.toBe(first.apiKey);
    await signIn(DEMO.email, next.password);
  });

  it("has no bootstrap route without the start script's token", async () => {
    const res = await call("/internal/demo", { body: {}, headers: { "x-bootstrap-token": "guess" } });
    expect(res.status).toBe(404);
  });
});
