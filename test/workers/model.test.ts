import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ModelCatalog } from "../../schemas/model";
import { DATASETS } from "../../workers/model/catalog";
import { call } from "./helpers";

describe("the logical model in D1", () => {
  it.each(DATASETS.map((d) => [d.name, d] as const))("%s: every catalog field has a column", async (_, dataset) => {
    const { results } = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(dataset.table).all<{
      name: string;
    }>();
    const columns = new Set(results.map((r) => r.name));
    expect(columns.has("account_id")).toBe(true);
    const missing = dataset.fields.map((f) => f.column).filter((c) => !columns.has(c));
    expect(missing).toEqual([]);
  });

  it("leads every index with account_id, except the three sign-in lookups", async () => {
    const { results } = await env.DB.prepare(
      `SELECT m.name AS tbl, il.name AS idx, (SELECT ii.name FROM pragma_index_info(il.name) ii WHERE ii.seqno = 0) AS first
       FROM sqlite_master m, pragma_index_list(m.name) il
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' AND m.name <> 'd1_migrations'`,
    ).all<{ tbl: string; idx: string; first: string }>();
    const offenders = results
      .filter((r) => r.first !== "account_id")
      .map((r) => `${r.tbl}.${r.first}`)
      .sort();
    expect(offenders).toEqual([
      "account.domain",
      "account.id",
      "api_key.id",
      "login_attempt.key",
      "session.token_hash",
      "user.email",
    ]);
  });
});

describe("GET /api/v1/model", () => {
  it("publishes every data set with its fields and the limits", async () => {
    const res = await call("/api/v1/model");
    expect(res.status).toBe(200);
    const catalog = (await res.json()) as ModelCatalog;
    expect(catalog.datasets.map((d) => d.name).sort()).toEqual(DATASETS.map((d) => d.name).sort());
    expect(catalog.limits.attributeChars).toBe(100);
    const engagement = catalog.datasets.find((d) => d.name === "engagement");
    const serviceLevel = engagement?.fields.find((f) => f.label === "Service Level");
    expect(serviceLevel?.values).toContain("Ignore");
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("documents every /api/v1 route", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routes.sort()).toEqual(
      [
        "delete /api-keys/{id}",
        "get /api-keys",
        "get /auth/api-key",
        "get /auth/session",
        "get /export/files/{accountId}/{exportId}/{file}",
        "get /export/history",
        "get /export/{exportId}/status",
        "get /exports",
        "get /exports/{exportId}",
        "post /export",
        "get /ingest/batches",
        "get /ingest/batches/{id}",
        "get /ingest/schema",
        "get /technical-log",
        "post /ingest/upload-url",
        "put /ingest/uploads/{accountId}/{batchId}",
        "get /model",
        "get /metrics",
        "get /metrics/{id}",
        "post /metrics",
        "post /metrics/evaluate",
        "patch /metrics/{id}",
        "delete /metrics/{id}",
        "get /visualizations",
        "post /visualizations",
        "post /visualizations/data",
        "get /visualizations/{id}",
        "patch /visualizations/{id}",
        "delete /visualizations/{id}",
        "put /visualizations/{id}/favorite",
        "delete /visualizations/{id}/favorite",
        "get /dashboards",
        "post /dashboards",
        "get /dashboards/{id}",
        "patch /dashboards/{id}",
        "delete /dashboards/{id}",
        "get /dashboards/{id}/views",
        "post /dashboards/{id}/views",
        "patch /dashboards/{id}/views/{viewId}",
        "delete /dashboards/{id}/views/{viewId}",
        "post /engagements/query",
        "get /engagements/{id}",
        "post /selections",
        "get /selections",
        "get /selections/{id}",
        "get /selections/{id}/engagements",
        "delete /selections/{id}",
        "get /questions",
        "post /questions",
        "get /questions/{id}",
        "put /questions/{id}",
        "delete /questions/{id}",
        "get /review-forms",
        "post /review-forms",
        "get /review-forms/choices",
        "put /review-forms/choices/{scope}",
        "get /review-forms/{id}",
        "put /review-forms/{id}",
        "delete /review-forms/{id}",
        "get /reviews",
        "post /reviews",
        "post /reviews/{id}/withdraw",
        "put /reviews/{id}/feedback",
        "get /journeys/{kind}/{id}",
        "get /journeys/{kind}/{id}/outline",
        "get /journeys/media/{kind}/{id}",
        "get /customers",
        "post /customers/{id}/reveal",
        "get /pii-reveals",
        "get /sources",
        "get /sources/{id}",
        "get /users",
        "get /users/{id}",
        "patch /sources/{id}",
        "patch /users/{id}",
        "post /api-keys",
        "post /auth/sign-in",
        "post /auth/sign-out",
        "post /sources",
        "post /users",
        "get /live/your-logic",
        "put /live/your-logic",
        "post /live/your-logic/accounts/{account}/conversations/{conversation}",
        "get /live/conversations/{conversation}",
        "get /live/inbox",
        "post /live/conversations/{conversation}/join",
        "post /live/conversations/{conversation}/leave",
        "post /live/conversations/{conversation}/complete-engagement",
        "post /live/conversations/{conversation}/needs-help",
        "post /live/conversations/{conversation}/complete",
        "post /live/conversations/{conversation}/messages",
        "post /live/conversations/{conversation}/notes",
        "post /live/conversations/{conversation}/actions",
        "post /live/conversations/{conversation}/invitations",
        "get /live/brands",
        "post /live/brands",
        "get /live/brands/{id}",
        "patch /live/brands/{id}",
        "delete /live/brands/{id}",
        "post /live/brands/{id}/rotate-secret",
        "get /live/action-buttons",
        "put /live/action-buttons",
        "get /live/widget/config",
        "post /live/widget/conversations",
        "post /live/widget/conversations/{conversation}/files",
        "get /live/external/{token}",
        "post /live/external/{token}/join",
        "post /live/external/{token}/leave",
        "post /live/external/{token}/messages",
        "post /live/external/{token}/notes",
        "post /live/external/{token}/actions",
      ].sort(),
    );
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await call("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
