import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { apiKeyRoutes, authRoutes, sourceRoutes, userRoutes } from "./accounts/routes";
import { dashboardRoutes } from "./analytics/dashboard-routes";
import { engagementRoutes, selectionRoutes } from "./analytics/engagement-routes";
import { metricRoutes } from "./analytics/routes";
import { visualizationRoutes } from "./analytics/visualization-routes";
import { demoRoutes } from "./demo/routes";
import type { AppEnv } from "./env";
import { exportJobRoutes, exportRoutes } from "./export/routes";
import { ingestRoutes, technicalLogRoutes } from "./ingest/routes";
import { customerRoutes, journeyRoutes, piiRevealRoutes } from "./journey/routes";
import { ApiError } from "./lib/errors";
import { router } from "./lib/router";
import { externalRoutes, mediaRoutes, widgetRoutes } from "./live/public-routes";
import { liveRoutes } from "./live/routes";
import { liveSettingsRoutes } from "./live/settings-routes";
import { modelRoutes } from "./model/routes";
import { formRoutes } from "./qa/form-routes";
import { questionRoutes } from "./qa/question-routes";
import { reviewRoutes } from "./qa/review-routes";

/** JSON bodies of the management APIs stay small; uploads have their own routes and limits. */
const JSON_BODY_LIMIT = 1024 * 1024;

const api = router();
const jsonBodyLimit = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  onError: () => {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");
  },
});
// Uploads stream up to 1 GB and enforce their own limits; so do chat attachments (10 MB).
const OWN_LIMITS = /^\/api\/v1\/(ingest\/uploads\/|live\/widget\/conversations\/[^/]+\/files$)/;
api.use((c, next) => (OWN_LIMITS.test(c.req.path) ? next() : jsonBodyLimit(c, next)));
api.route("/auth", authRoutes);
api.route("/users", userRoutes);
api.route("/api-keys", apiKeyRoutes);
api.route("/sources", sourceRoutes);
api.route("/model", modelRoutes);
api.route("/ingest", ingestRoutes);
api.route("/technical-log", technicalLogRoutes);
api.route("/export", exportRoutes);
api.route("/exports", exportJobRoutes);
api.route("/metrics", metricRoutes);
api.route("/visualizations", visualizationRoutes);
api.route("/dashboards", dashboardRoutes);
api.route("/engagements", engagementRoutes);
api.route("/selections", selectionRoutes);
api.route("/questions", questionRoutes);
api.route("/review-forms", formRoutes);
api.route("/reviews", reviewRoutes);
api.route("/journeys", journeyRoutes);
api.route("/customers", customerRoutes);
api.route("/pii-reveals", piiRevealRoutes);
api.route("/live", liveRoutes);
api.route("/live", liveSettingsRoutes);
api.route("/live/widget", widgetRoutes);
api.route("/live/media", mediaRoutes);
api.route("/live/external", externalRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: "brine_session",
  description: "Session cookie from POST /api/v1/auth/sign-in. Writes also need the `x-csrf-token` header.",
});
api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
  type: "http",
  scheme: "bearer",
  description: "An account API key with the scope the route names (`ingest` or `export`).",
});
api.openAPIRegistry.registerComponent("securitySchemes", "yourLogic", {
  type: "http",
  scheme: "bearer",
  description: "The account's Your Logic shared secret (Settings → Your Logic), on Your Logic's callbacks only.",
});
api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Brine API",
    version: "1",
    description:
      "Contact-center analytics, quality assurance and live conversations. Errors are `{error: {code, message}}`.",
  },
  servers: [{ url: "/api/v1" }],
  tags: [
    { name: "Accounts", description: "Sign-in, users, API keys and ingestion sources." },
    { name: "Logical model", description: "The data sets Brine stores and reports on." },
    { name: "Ingest API", description: "Load data: upload links, ZIP batches, batch status, the Technical Log." },
    {
      name: "Export API",
      description:
        "Raw data as CSV per 24-hour range: start an export, poll its status, download the files (links valid one hour).",
    },
    {
      name: "Live conversations",
      description: "Your Logic settings and callbacks, and live conversations' state (docs/your-logic.md).",
    },
    {
      name: "Analytics",
      description:
        "Metrics in the metric language (docs/metrics.md): the built-ins, the account's own, live evaluation.",
    },
    {
      name: "Quality assurance",
      description: "Tags and questions, review forms, manual reviews and feedback on reviews (docs/qa.md).",
    },
  ],
});

/** The whole HTTP surface: APIs under /api/v1, the local demo bootstrap, and one error path. */
const ownSiteHeaders = secureHeaders();
// Chat attachments and the widget's API are read by other sites (the brands' allowed origins).
const crossSiteHeaders = secureHeaders({ crossOriginResourcePolicy: "cross-origin" });
const CROSS_SITE = /^\/api\/v1\/live\/(media|widget)\//;

export const app = new Hono<AppEnv>()
  .use("/api/*", (c, next) => {
    // A WebSocket handshake's 101 answer comes from the object as it is.
    if (c.req.header("upgrade")?.toLowerCase() === "websocket") return next();
    return CROSS_SITE.test(c.req.path) ? crossSiteHeaders(c, next) : ownSiteHeaders(c, next);
  })
  .route("/api/v1", api)
  .route("/internal", demoRoutes);

app.onError((err, c) => {
  if (err instanceof ApiError) {
    return c.json(
      {
        error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
      },
      err.status,
      err.headers,
    );
  }
  if (err instanceof HTTPException) {
    // Hono's own 4xx (for example malformed JSON) get a stable code too.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 ? "MALFORMED_REQUEST" : `HTTP_${status}`;
    return c.json({ error: { code, message: err.message || "The request could not be processed." } }, status);
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return c.json({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }, 500);
});

app.notFound((c) =>
  c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}.` } }, 404),
);
