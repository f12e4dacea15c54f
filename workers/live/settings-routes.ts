import { createRoute } from "@hono/zod-openapi";
import { IdParam, PageQuery, page } from "../../schemas/common";
import { ActionButtons, Brand, BrandInput, BrandPatch, BrandSaved } from "../../schemas/live";
import { requireUser } from "../accounts/auth";
import { dbFor } from "../db/client";
import { notFound } from "../lib/errors";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { router } from "../lib/router";
import {
  actionButtons,
  createBrand,
  deleteBrand,
  getBrand,
  listBrands,
  saveActionButtons,
  updateBrand,
} from "./queries";

const tags = ["Live conversations"];

/** Settings of live conversations: Universal Chat brands and the agents' custom action buttons. */
export const liveSettingsRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/brands",
      tags,
      summary: "Universal Chat brands, oldest first",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { query: PageQuery },
      responses: { 200: json(page(Brand), "A page of brands"), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listBrands(dbFor(c.env, c.var.accountId), c.var.accountId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/brands",
      tags,
      summary: "Create a brand; its identity-signing secret is returned once",
      description:
        "Errors (400): `VALIDATION_FAILED` (for example an allowed origin that is not `scheme://host[:port]`).",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { body: body(BrandInput) },
      responses: { 201: json(BrandSaved, "Created"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const { brand, secret } = await createBrand(c.env, c.var.accountId, c.req.valid("json"));
      return c.json({ ...brand, secret }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/brands/{id}",
      tags,
      summary: "One brand",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { params: IdParam },
      responses: { 200: json(Brand, "The brand"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const brand = await getBrand(dbFor(c.env, c.var.accountId), c.var.accountId, c.req.valid("param").id);
      if (!brand) throw notFound("Brand");
      return c.json(brand, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/brands/{id}",
      tags,
      summary: "Change a brand",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { params: IdParam, body: body(BrandPatch) },
      responses: { 200: json(Brand, "Saved"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const saved = await updateBrand(c.env, c.var.accountId, c.req.valid("param").id, c.req.valid("json"));
      if (!saved) throw notFound("Brand");
      return c.json(saved.brand, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/brands/{id}/rotate-secret",
      tags,
      summary: "A new identity-signing secret (shown once); identities signed with the old one stop verifying",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { params: IdParam },
      responses: { 200: json(BrandSaved, "Rotated"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const saved = await updateBrand(c.env, c.var.accountId, c.req.valid("param").id, {}, true);
      if (!saved) throw notFound("Brand");
      return c.json({ ...saved.brand, secret: saved.secret }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/brands/{id}",
      tags,
      summary: "Delete a brand: its widget stops starting conversations",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      if (!(await deleteBrand(dbFor(c.env, c.var.accountId), c.var.accountId, c.req.valid("param").id))) {
        throw notFound("Brand");
      }
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/action-buttons",
      tags,
      summary: "The custom action buttons agents see in live conversations",
      security: COOKIE_AUTH,
      middleware: [requireUser("liveConversations.handle")] as const,
      responses: { 200: json(ActionButtons, "The buttons, in order"), ...errors(401, 403) },
    }),
    async (c) => c.json({ items: await actionButtons(dbFor(c.env, c.var.accountId), c.var.accountId) }, 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/action-buttons",
      tags,
      summary: "Replace the custom action buttons (at most 20; names unique)",
      security: COOKIE_AUTH,
      middleware: [requireUser("settings.manage")] as const,
      request: { body: body(ActionButtons) },
      responses: { 200: json(ActionButtons, "Saved"), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const db = dbFor(c.env, c.var.accountId);
      await saveActionButtons(db, c.var.accountId, c.req.valid("json").items);
      return c.json({ items: await actionButtons(db, c.var.accountId) }, 200);
    },
  );
