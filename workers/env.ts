import type { ApiKeyScope, Permission, Role } from "../schemas/accounts";

/**
 * Bindings from `wrangler types` (DB, FILES, JOBS, ASSETS, and CONVERSATION: the live
 * conversations' Durable Object namespace, `ConversationRoom`), plus optional secrets: the local-only demo bootstrap token
 * `npm start` passes, and R2's S3 credentials, with which export links are R2 presigned URLs.
 */
export type Bindings = Env & {
  DEMO_BOOTSTRAP_TOKEN?: string;
  /** `https://<account id>.r2.cloudflarestorage.com` */
  R2_S3_ENDPOINT?: string;
  R2_S3_BUCKET?: string;
  R2_S3_ACCESS_KEY_ID?: string;
  R2_S3_SECRET_ACCESS_KEY?: string;
};

/** A signed-in user, resolved from the session cookie. */
export interface UserPrincipal {
  accountId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  sessionTokenHash: string;
}

/** A caller authenticated with an API key. */
export interface ApiKeyPrincipal {
  accountId: string;
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

export type AppEnv = {
  Bindings: Bindings;
  /** `accountId` is set by every authentication middleware, whichever way the caller signed in. */
  Variables: { user: UserPrincipal; apiKey: ApiKeyPrincipal; accountId: string };
};
