import { createRoute, z } from "@hono/zod-openapi";
import { page } from "../../schemas/common";
import {
  CustomerIdParam,
  CustomerQuery,
  CustomerSummary,
  Journey,
  JourneyOutline,
  JourneyParams,
  JourneyQuery,
  MediaParams,
  OutlineQuery,
  PiiRevealEntry,
  PiiRevealQuery,
  Revealed,
  RevealRequest,
} from "../../schemas/journey";
import { requireUser } from "../accounts/auth";
import { rawDbFor } from "../db/client";
import { badRequest, notFound } from "../lib/errors";
import { isUuid, newPid } from "../lib/ids";
import { maskContact, maskName } from "../lib/mask";
import { body, COOKIE_AUTH, errors, json } from "../lib/openapi";
import { decodeKeyCursor, encodeKeyCursor } from "../lib/paging";
import { router } from "../lib/router";
import { isoFromSeconds, nowSeconds } from "../lib/time";
import { loadJourney, loadOutline, mediaObjectKey } from "./journey";
import { contactsOf, customerPii, insertReveal, listReveals, mediaKeyOf, searchCustomers } from "./queries";

const tags = ["Customer journey"];
const readers = requireUser();

/** The journey: a page of conversations at a customer, conversation, engagement or turn; its outline; recordings. */
export const journeyRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/media/{kind}/{id}",
      tags,
      summary: "An engagement's recording or a turn's attachment, from R2",
      description:
        "Needs `conversations.viewContent`. Supports `Range` (206, or 416 when it cannot be satisfied). " +
        "Objects live under `media/{account id}/{media key}`; 404 when none is stored.",
      security: COOKIE_AUTH,
      middleware: [requireUser("conversations.viewContent")] as const,
      request: { params: MediaParams },
      responses: {
        200: { description: "The file", content: { "application/octet-stream": { schema: z.string() } } },
        206: { description: "The requested range", content: { "application/octet-stream": { schema: z.string() } } },
        ...errors(400, 401, 403, 404),
        416: { description: "The range lies outside the file" },
      },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { kind, id } = c.req.valid("param");
      const media = await mediaKeyOf(rawDbFor(c.env, accountId), accountId, kind, id);
      if (!media) throw notFound(kind === "engagements" ? "Engagement" : "Turn");
      if (!media.key || /^https:\/\//i.test(media.key)) throw notFound("Stored media");
      const key = mediaObjectKey(accountId, media.key);
      const head = await c.env.FILES.head(key);
      if (!head) throw notFound("Stored media");
      const range = parseRange(c.req.header("range"), head.size);
      const headers = new Headers();
      head.writeHttpMetadata(headers);
      if (!headers.has("content-type")) headers.set("content-type", media.type ?? "application/octet-stream");
      headers.set("etag", head.httpEtag);
      headers.set("cache-control", "private, no-store");
      headers.set("accept-ranges", "bytes");
      if (range === "unsatisfiable") {
        headers.set("content-range", `bytes */${head.size}`);
        return new Response(null, { status: 416, headers });
      }
      const object = await c.env.FILES.get(key, range ? { range } : undefined);
      if (!object) throw notFound("Stored media");
      if (range) {
        headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
        headers.set("content-length", String(range.length));
        return new Response(object.body, { status: 206, headers });
      }
      headers.set("content-length", String(head.size));
      return new Response(object.body, { status: 200, headers });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{kind}/{id}",
      tags,
      summary: "A page of a customer's journey, opened at a customer, conversation, engagement or turn",
      description:
        "Conversations oldest first; at a conversation, engagement or turn the page starts at its conversation, and " +
        "`previousCursor`/`nextCursor` page either way (`before`/`after`). Customers sharing a contact are one journey. " +
        "Names and contacts are masked; turn content only with `conversations.viewContent`. " +
        "Errors: 400 `VALIDATION_FAILED` (not a PID, both cursors), `INVALID_CURSOR`; 404 for an unknown id or another account's.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: JourneyParams, query: JourneyQuery },
      responses: { 200: json(Journey, "A page of the journey"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const { kind, id } = c.req.valid("param");
      const query = c.req.valid("query");
      const journey = await loadJourney(c.env, accountId, {
        kind,
        id: id.toLowerCase(),
        limit: query.limit,
        after: query.after,
        before: query.before,
        at: query.at?.toLowerCase(),
        content: user.permissions.has("conversations.viewContent"),
      });
      return c.json(journey, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{kind}/{id}/outline",
      tags,
      summary: "The journey's conversations and engagements for the navigation pane, oldest first",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { params: JourneyParams, query: OutlineQuery },
      responses: { 200: json(JourneyOutline, "A page of the outline"), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { kind, id } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const outline = await loadOutline(rawDbFor(c.env, accountId), accountId, {
        kind,
        id: id.toLowerCase(),
        limit,
        cursor,
      });
      return c.json(outline, 200);
    },
  );

/** A `Range: bytes=…` header against a file of `size` bytes: one range, none, or unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { offset: number; length: number } | undefined | "unsatisfiable" {
  if (!header) return undefined;
  const m = header.trim().match(/^bytes=(\d*)-(\d*)$/);
  // Several ranges or another unit: answer with the whole file, as RFC 9110 allows.
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(m[1]);
  if (start >= size) return "unsatisfiable";
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

const customerTags = ["Customer journey"];

/** Finding customers, and revealing one masked value of one. */
export const customerRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: customerTags,
      summary: "Find customers by PID, ID in a source, or contact (exact), masked",
      description:
        "Every profile whose PID, source ID or one contact (an e-mail in any case, a phone number as stored) equals " +
        "`query`; an empty query lists every profile. Ordered by ID, then PID. Names and contacts are masked.",
      security: COOKIE_AUTH,
      middleware: [readers] as const,
      request: { query: CustomerQuery },
      responses: { 200: json(page(CustomerSummary), "A page of customers"), ...errors(400, 401) },
    }),
    async (c) => {
      const accountId = c.var.accountId;
      const { query, limit, cursor } = c.req.valid("query");
      const raw = rawDbFor(c.env, accountId);
      const rows = await searchCustomers(raw, accountId, {
        query,
        pid: isUuid(query) ? query.toLowerCase() : null,
        after: cursor ? decodeKeyCursor(cursor) : undefined,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const contacts = await contactsOf(
        raw,
        accountId,
        items.map((r) => r.pid),
      );
      const byCustomer = new Map<string, { ref: number; type: string; value: string }[]>();
      for (const contact of contacts) {
        const list = byCustomer.get(contact.customer_pid) ?? [];
        list.push({ ref: list.length, type: contact.type, value: maskContact(contact.contact) });
        byCustomer.set(contact.customer_pid, list);
      }
      const last = items.at(-1);
      return c.json(
        {
          items: items.map(
            (r): CustomerSummary => ({
              id: r.pid,
              externalId: r.external_id,
              source: r.source_name,
              name: r.name ? maskName(r.name) : null,
              segment: r.segment,
              country: r.country,
              contacts: byCustomer.get(r.pid) ?? [],
              contactCount: r.contact_count,
              matchedBy: (r.matched ?? "")
                .split(",")
                .filter((m): m is CustomerSummary["matchedBy"][number] => ["pid", "externalId", "contact"].includes(m)),
            }),
          ),
          nextCursor: rows.length > limit && last ? encodeKeyCursor(last.external_id ?? "", last.pid) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/reveal",
      tags: customerTags,
      summary: "Reveal one masked value of a customer: the name or one contact",
      description:
        "Needs `pii.reveal` (403 `FORBIDDEN` otherwise, nothing recorded). Each reveal is recorded in the reveal log " +
        "(who, which customer, which field and contact, when; never the value). 404 `NOT_FOUND` for an unknown " +
        "customer or contact `ref`.",
      security: COOKIE_AUTH,
      middleware: [requireUser("pii.reveal")] as const,
      request: { params: CustomerIdParam, body: body(RevealRequest) },
      responses: { 200: json(Revealed, "The value"), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { accountId, user } = c.var;
      const id = c.req.valid("param").id.toLowerCase();
      const request = c.req.valid("json");
      const raw = rawDbFor(c.env, accountId);
      const pii = await customerPii(raw, accountId, id);
      if (!pii) throw notFound("Customer");
      let revealed: Revealed;
      if (request.field === "name") {
        revealed = { customerId: id, field: "name", contact: null, value: pii.name };
      } else {
        const ref = request.contact ?? -1;
        const contact = pii.contacts[ref];
        if (!contact) throw notFound("Contact");
        revealed = { customerId: id, field: "contact", contact: { ref, type: contact.type }, value: contact.contact };
      }
      // Nothing is shown, so nothing is recorded, when the customer has no name.
      if (revealed.value !== null) {
        await insertReveal(raw, accountId, {
          id: newPid(),
          userId: user.userId,
          customerPid: id,
          field: request.field,
          contactRef: revealed.contact ? `${revealed.contact.type} #${revealed.contact.ref + 1}` : null,
          at: nowSeconds(),
        });
      }
      return c.json(revealed, 200);
    },
  );

/** The log of every reveal, for admins. */
export const piiRevealRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: customerTags,
    summary: "The reveal log: who revealed which customer's name or contact, newest first",
    description: "Needs `settings.manage` (admins). Filter by `userId` or `customerId`.",
    security: COOKIE_AUTH,
    middleware: [requireUser("settings.manage")] as const,
    request: { query: PiiRevealQuery },
    responses: { 200: json(page(PiiRevealEntry), "A page of the log"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const accountId = c.var.accountId;
    const { limit, cursor, userId, customerId } = c.req.valid("query");
    let before: [number, string] | undefined;
    if (cursor) {
      const [at, id] = decodeKeyCursor(cursor);
      const n = Number(at);
      if (at === "" || !Number.isSafeInteger(n)) {
        throw badRequest("INVALID_CURSOR", "The cursor is not one this API returned.");
      }
      before = [n, id];
    }
    const rows = await listReveals(rawDbFor(c.env, accountId), accountId, {
      userId: userId?.toLowerCase(),
      customerPid: customerId?.toLowerCase(),
      before,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return c.json(
      {
        items: items.map(
          (r): PiiRevealEntry => ({
            id: r.id,
            user: { id: r.user_id, email: r.email, name: r.user_name },
            customer: { id: r.customer_pid, externalId: r.external_id },
            field: r.field === "contact" ? "contact" : "name",
            contactRef: r.contact_ref,
            revealedAt: isoFromSeconds(r.revealed_at),
          }),
        ),
        nextCursor: rows.length > limit && last ? encodeKeyCursor(String(last.revealed_at), last.id) : null,
      },
      200,
    );
  },
);
