import { z } from "@hono/zod-openapi";
import { IsoTime } from "./common";

export const ROLES = ["admin", "supervisor", "analyst", "agent"] as const;
export const Role = z.enum(ROLES).openapi("Role");
export type Role = z.infer<typeof Role>;

/** Everything a role may grant. Names follow the product's own (`liveConversations.viewAll`). */
export const PERMISSIONS = [
  "liveConversations.viewAll",
  "liveConversations.handle",
  "conversations.viewContent",
  "pii.reveal",
  "reviews.write",
  "qa.manage",
  "visualizations.edit",
  "dashboards.edit",
  "metrics.edit",
  "export.run",
  "technicalLog.view",
  "settings.manage",
  "users.manage",
  "apiKeys.manage",
  "sources.manage",
] as const;
export const Permission = z.enum(PERMISSIONS).openapi("Permission");
export type Permission = z.infer<typeof Permission>;

export const API_KEY_SCOPES = ["ingest", "export"] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES).openapi("ApiKeyScope");
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

// Trimmed and lower-cased before it is checked, so " Ann@Example.com " is ann@example.com.
const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const Name = z.string().trim().min(1).max(100);

export const SignInBody = z
  .object({ email: z.string().trim().max(254), password: z.string().max(1024) })
  .openapi("SignInBody");

export const Account = z
  .object({ id: z.uuid(), name: z.string(), domain: z.string(), region: z.string() })
  .openapi("Account");
export type Account = z.infer<typeof Account>;

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: Role,
    disabled: z.boolean(),
    createdAt: IsoTime,
  })
  .openapi("User");
export type User = z.infer<typeof User>;

/** The signed-in user, their account and permissions, and the CSRF token for writes. */
export const Session = z
  .object({
    user: User,
    account: Account,
    permissions: z.array(Permission),
    csrfToken: z.string(),
  })
  .openapi("Session");
export type Session = z.infer<typeof Session>;

export const CreateUserBody = z
  .object({ email: Email, name: Name, role: Role, password: z.string().min(12).max(1024) })
  .openapi("CreateUserBody");
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({
    name: Name.optional(),
    role: Role.optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(12).max(1024).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change." })
  .openapi("UpdateUserBody");
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const ApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    hint: z.string().openapi({ description: "Last characters of the key, to recognise it." }),
    scopes: z.array(ApiKeyScope),
    createdAt: IsoTime,
    lastUsedAt: IsoTime.nullable(),
    revokedAt: IsoTime.nullable(),
  })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyBody = z
  .object({ name: Name, scopes: z.array(ApiKeyScope).min(1).max(API_KEY_SCOPES.length) })
  .openapi("CreateApiKeyBody");
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** A new key: `secret` is shown this once and never again. */
export const CreatedApiKey = ApiKey.extend({ secret: z.string() }).openapi("CreatedApiKey");
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const SOURCE_TYPES = ["ingest-api", "twilio-flex", "live-conversations", "whatsapp", "other"] as const;
export const Source = z
  .object({ id: z.uuid(), name: z.string(), type: z.enum(SOURCE_TYPES), createdAt: IsoTime })
  .openapi("Source");
export type Source = z.infer<typeof Source>;

export const CreateSourceBody = z
  .object({ name: Name, type: z.enum(SOURCE_TYPES).default("ingest-api") })
  .openapi("CreateSourceBody");
export type CreateSourceBody = z.infer<typeof CreateSourceBody>;

export const UpdateSourceBody = z.object({ name: Name }).openapi("UpdateSourceBody");

/** What an API key is: its account and scopes. */
export const ApiKeyIdentity = z
  .object({ accountId: z.uuid(), keyId: z.uuid(), scopes: z.array(ApiKeyScope) })
  .openapi("ApiKeyIdentity");
