import { env, exports } from "cloudflare:workers";
import type { Role } from "../../schemas/accounts";
import { addApiKey, addUser, openAccount } from "../../workers/accounts/accounts";
import { directoryDb } from "../../workers/db/client";

export const db = () => directoryDb(env);
export const BASE = "https://brine.test";
export const PASSWORD = "correct horse battery staple";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A fresh account with an admin whose password is PASSWORD. */
export async function createAccount(overrides: { domain?: string } = {}) {
  const domain = overrides.domain ?? unique("acct");
  const { account, admin } = await openAccount(db(), {
    name: `Account ${domain}`,
    domain,
    region: "eu",
    admin: { email: `${unique("admin")}@example.com`, name: "Admin", password: PASSWORD },
  });
  return { account, admin };
}

/** Adds a user with `role` to the account; the password is PASSWORD. */
export async function createUser(accountId: string, role: Role) {
  return addUser(db(), accountId, {
    email: `${unique(role)}@example.com`,
    name: `A ${role}`,
    role,
    password: PASSWORD,
  });
}

export async function createApiKey(accountId: string, scopes: ("ingest" | "export")[] = ["ingest", "export"]) {
  return addApiKey(db(), accountId, { name: "test key", scopes, createdBy: null });
}

export interface Client {
  cookie: string;
  csrfToken: string;
}

type RequestOptions = {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  as?: Client;
  csrf?: string | null;
  headers?: Record<string, string>;
};

/** Sends a request to the Worker, as a signed-in client when `as` is given. */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? (options.body === undefined && options.rawBody === undefined ? "GET" : "POST");
  // Each request comes from its own documentation-range address unless a test picks one, so
  // sign-in throttling by client address never couples unrelated tests.
  const headers: Record<string, string> = {
    "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 254) + 1}`,
    ...options.headers,
  };
  if ((options.body !== undefined || options.rawBody !== undefined) && !headers["content-type"]) {
    headers["content-type"] = "application/json";
  }
  if (options.as) {
    headers.cookie = options.as.cookie;
    const csrf = options.csrf === undefined ? options.as.csrfToken : options.csrf;
    if (csrf !== null && method !== "GET") headers["x-csrf-token"] = csrf;
  }
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    }),
  );
}

/** Signs in through the API and returns the session cookie and CSRF token. */
export async function signIn(email: string, password = PASSWORD): Promise<Client> {
  const res = await call("/api/v1/auth/sign-in", { body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** A fresh account and its signed-in admin. */
export async function adminClient() {
  const { account, admin } = await createAccount();
  return { account, admin, client: await signIn(admin.email) };
}

/** The `{error:{code}}` of a response. */
export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code;
}
