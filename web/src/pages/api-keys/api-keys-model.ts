import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { ApiKey, ApiKeyScope, CreatedApiKey } from "../../../../schemas/accounts";
import { api, fieldErrorsOf, messageOf } from "../../api";
import { pagedList } from "../../lib/paged-list";

/** Each scope a key may carry and what it allows; keyed by `ApiKeyScope` so none is forgotten. */
export const SCOPE_HELP: Record<ApiKeyScope, string> = {
  ingest: "Send engagements, turns, reviews and files into Brine.",
  export: "Read data out of Brine in bulk.",
};
export const SCOPE_OPTIONS = Object.keys(SCOPE_HELP) as ApiKeyScope[];

/** The API keys page: the keys, creating one (its secret shown once), and revoking with a confirm step. */
export const ApiKeysModel = createModel(() => {
  const list = pagedList<ApiKey>("/api-keys");

  const name = signal("");
  const scopes = signal<readonly ApiKeyScope[]>(["ingest"]);
  const creating = signal(false);
  const createError = signal<string | null>(null);
  const nameError = signal<string | null>(null);
  const scopesError = signal<string | null>(null);
  const created = signal<CreatedApiKey | null>(null);

  const confirming = signal<string | null>(null);
  const revoking = signal<string | null>(null);
  const rowErrors = signal<Record<string, string>>({});
  const notice = signal<string | null>(null);

  return {
    list,
    name: name as ReadonlySignal<string>,
    scopes: scopes as ReadonlySignal<readonly ApiKeyScope[]>,
    creating: creating as ReadonlySignal<boolean>,
    createError: createError as ReadonlySignal<string | null>,
    nameError: nameError as ReadonlySignal<string | null>,
    scopesError: scopesError as ReadonlySignal<string | null>,
    /** The key just created, with its secret; cleared once the person is done with it. */
    created: created as ReadonlySignal<CreatedApiKey | null>,
    /** The key whose "Revoke?" question is open. */
    confirming: confirming as ReadonlySignal<string | null>,
    revoking: revoking as ReadonlySignal<string | null>,
    rowErrors: rowErrors as ReadonlySignal<Record<string, string>>,
    notice: notice as ReadonlySignal<string | null>,

    setName(value: string) {
      name.value = value;
    },
    toggleScope(scope: ApiKeyScope, on: boolean) {
      const rest = scopes.peek().filter((s) => s !== scope);
      scopes.value = on ? SCOPE_OPTIONS.filter((s) => s === scope || rest.includes(s)) : rest;
    },

    async create(): Promise<boolean> {
      const body = { name: name.peek().trim(), scopes: [...scopes.peek()] };
      nameError.value = body.name ? null : "Name the key after the system that will use it.";
      scopesError.value = body.scopes.length > 0 ? null : "Choose at least one scope.";
      if (nameError.peek() || scopesError.peek()) {
        createError.value = "Check the highlighted fields.";
        return false;
      }
      creating.value = true;
      createError.value = null;
      notice.value = null;
      try {
        const key = await api.post<CreatedApiKey>("/api-keys", body);
        const { secret: _secret, ...listed } = key;
        list.put(listed);
        created.value = key;
        name.value = "";
        scopes.value = ["ingest"];
        return true;
      } catch (e) {
        const fields = fieldErrorsOf(e);
        nameError.value = fields.name ?? null;
        scopesError.value = fields.scopes ?? null;
        createError.value = messageOf(e);
        return false;
      } finally {
        creating.value = false;
      }
    },

    /** Forgets the new key's secret; it cannot be shown again. */
    dismissCreated() {
      created.value = null;
    },

    askRevoke(id: string) {
      confirming.value = id;
      const { [id]: _, ...rest } = rowErrors.peek();
      rowErrors.value = rest;
    },
    cancelRevoke() {
      confirming.value = null;
    },
    async revoke(key: ApiKey) {
      revoking.value = key.id;
      notice.value = null;
      try {
        const revoked = await api.delete<ApiKey>(`/api-keys/${key.id}`);
        list.put(revoked);
        if (created.peek()?.id === key.id) created.value = null;
        notice.value = `“${revoked.name}” was revoked. Requests using it are refused from now on.`;
      } catch (e) {
        rowErrors.value = { ...rowErrors.peek(), [key.id]: messageOf(e) };
      } finally {
        revoking.value = null;
        confirming.value = null;
      }
    },
  };
});
