import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO, EXAMPLE_YOUR_LOGIC, ensureDemo, ensureLiveDemo } from "../../workers/demo/bootstrap";
import { signIdentity } from "../../workers/live/links";
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

  it("sets up live chat for the example Your Logic once, keeping it on later runs", async () => {
    const { accountId } = await ensureDemo(db(), {});
    const live = await ensureLiveDemo(env, accountId, "http://localhost:8787");
    expect(live.yourLogic.url).toBe(`${EXAMPLE_YOUR_LOGIC}/events`);
    expect(live.yourLogic.secret).toMatch(/^whsec_/);
    expect(live.brand.allowedOrigins).toEqual([EXAMPLE_YOUR_LOGIC, "http://localhost:8787"]);
    // Started on another port: the brand also allows the new origin; the secrets stay.
    const again = await ensureLiveDemo(env, accountId, "http://localhost:9000");
    expect(again.yourLogic.secret).toBe(live.yourLogic.secret);
    expect(again.brand).toMatchObject({ id: live.brand.id, secret: live.brand.secret });
    expect(again.brand.allowedOrigins).toContain("http://localhost:9000");
    // The brand secret in demo.json signs identities the widget route accepts.
    const identity = await signIdentity(again.brand.secret, {
      displayName: "Demo",
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const res = await call("/api/v1/live/widget/conversations", {
      body: { accountId, brandId: again.brand.id, identity },
      headers: { origin: EXAMPLE_YOUR_LOGIC },
    });
    expect(res.status).toBe(201);
  });

  it("has no bootstrap route without the start script's token", async () => {
    const res = await call("/internal/demo", { body: {}, headers: { "x-bootstrap-token": "guess" } });
    expect(res.status).toBe(404);
  });
});
