import { computed, createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { CreateUserBody, Role, UpdateUserBody, User } from "../../../../schemas/accounts";
import { ApiError, api, fieldErrorsOf, messageOf } from "../../api";
import { pagedList } from "../../lib/paged-list";

/** Every role with the name people see; keyed by `Role` so a new role cannot be forgotten. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  supervisor: "Supervisor",
  analyst: "Analyst",
  agent: "Agent",
};
export const ROLE_OPTIONS = Object.keys(ROLE_LABELS) as Role[];

const MIN_PASSWORD = 12;

type NewUserField = keyof CreateUserBody;
const EMPTY_NEW_USER: CreateUserBody = { name: "", email: "", role: "analyst", password: "" };

function checkNewUser(draft: CreateUserBody): Partial<Record<NewUserField, string>> {
  const errors: Partial<Record<NewUserField, string>> = {};
  if (!draft.name.trim()) errors.name = "Enter a name.";
  if (!/^[^\s@]+@[^\s@]+$/.test(draft.email.trim())) errors.email = "Enter an e-mail address like name@example.com.";
  if (draft.password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  return errors;
}

/** The users page: the account's users, adding one, and changing role, status or password per user. */
export const UsersModel = createModel(() => {
  const list = pagedList<User>("/users");

  const draft = signal<CreateUserBody>(EMPTY_NEW_USER);
  const adding = signal(false);
  const addError = signal<string | null>(null);
  const addFieldErrors = signal<Partial<Record<NewUserField, string>>>({});

  const roleDrafts = signal<Record<string, Role>>({});
  const passwordFor = signal<string | null>(null);
  const passwordDraft = signal("");
  const passwordError = signal<string | null>(null);
  const pending = signal<ReadonlySet<string>>(new Set());
  const rowErrors = signal<Record<string, string>>({});
  const notice = signal<string | null>(null);

  const setPending = (id: string, on: boolean) => {
    const next = new Set(pending.peek());
    if (on) next.add(id);
    else next.delete(id);
    pending.value = next;
  };
  const setRowError = (id: string, message: string | null) => {
    const { [id]: _, ...rest } = rowErrors.peek();
    rowErrors.value = message ? { ...rest, [id]: message } : rest;
  };
  const clearRoleDraft = (id: string) => {
    const { [id]: _, ...rest } = roleDrafts.peek();
    roleDrafts.value = rest;
  };

  /** Sends one change; on success the row updates and `done` describes it. */
  const update = async (user: User, patch: UpdateUserBody, done: (u: User) => string): Promise<boolean> => {
    setPending(user.id, true);
    setRowError(user.id, null);
    notice.value = null;
    try {
      const updated = await api.patch<User>(`/users/${user.id}`, patch);
      list.put(updated);
      notice.value = done(updated);
      return true;
    } catch (e) {
      setRowError(user.id, messageOf(e));
      return false;
    } finally {
      setPending(user.id, false);
    }
  };

  return {
    list,
    draft: draft as ReadonlySignal<CreateUserBody>,
    adding: adding as ReadonlySignal<boolean>,
    addError: addError as ReadonlySignal<string | null>,
    addFieldErrors: addFieldErrors as ReadonlySignal<Partial<Record<NewUserField, string>>>,
    roleDrafts: roleDrafts as ReadonlySignal<Record<string, Role>>,
    passwordFor: passwordFor as ReadonlySignal<string | null>,
    passwordDraft: passwordDraft as ReadonlySignal<string>,
    passwordError: passwordError as ReadonlySignal<string | null>,
    pending: pending as ReadonlySignal<ReadonlySet<string>>,
    rowErrors: rowErrors as ReadonlySignal<Record<string, string>>,
    /** The outcome of the last change, announced politely. */
    notice: notice as ReadonlySignal<string | null>,
    hasFieldErrors: computed(() => Object.keys(addFieldErrors.value).length > 0),

    editDraft(patch: Partial<CreateUserBody>) {
      draft.value = { ...draft.peek(), ...patch };
    },

    async add(): Promise<boolean> {
      const body = { ...draft.peek(), name: draft.peek().name.trim(), email: draft.peek().email.trim() };
      const errors = checkNewUser(body);
      addFieldErrors.value = errors;
      addError.value = Object.keys(errors).length > 0 ? "Check the highlighted fields." : null;
      if (addError.peek()) return false;
      adding.value = true;
      notice.value = null;
      try {
        const user = await api.post<User>("/users", body);
        list.put(user);
        draft.value = EMPTY_NEW_USER;
        notice.value = `${user.name} was added as ${ROLE_LABELS[user.role]}.`;
        return true;
      } catch (e) {
        const fields = fieldErrorsOf(e) as Partial<Record<NewUserField, string>>;
        if (e instanceof ApiError && e.code === "EMAIL_TAKEN") fields.email = messageOf(e);
        addFieldErrors.value = fields;
        addError.value = messageOf(e);
        return false;
      } finally {
        adding.value = false;
      }
    },

    pickRole(id: string, role: Role) {
      roleDrafts.value = { ...roleDrafts.peek(), [id]: role };
    },
    cancelRole(id: string) {
      clearRoleDraft(id);
      setRowError(id, null);
    },
    async saveRole(user: User) {
      const role = roleDrafts.peek()[user.id];
      if (!role || role === user.role) {
        clearRoleDraft(user.id);
        return;
      }
      if (await update(user, { role }, (u) => `${u.name} is now ${ROLE_LABELS[u.role]}.`)) clearRoleDraft(user.id);
    },

    async setDisabled(user: User, disabled: boolean) {
      await update(user, { disabled }, (u) =>
        u.disabled ? `${u.name} was disabled and signed out.` : `${u.name} can sign in again.`,
      );
    },

    openPassword(id: string) {
      passwordFor.value = id;
      passwordDraft.value = "";
      passwordError.value = null;
      setRowError(id, null);
    },
    closePassword() {
      passwordFor.value = null;
      passwordDraft.value = "";
      passwordError.value = null;
    },
    editPassword(value: string) {
      passwordDraft.value = value;
    },
    async savePassword(user: User) {
      const password = passwordDraft.peek();
      if (password.length < MIN_PASSWORD) {
        passwordError.value = `Use at least ${MIN_PASSWORD} characters.`;
        return;
      }
      passwordError.value = null;
      if (await update(user, { password }, (u) => `A new password was set for ${u.name}.`)) {
        passwordFor.value = null;
        passwordDraft.value = "";
      }
    },
  };
});
