import { action, computed, type ReadonlySignal, signal } from "@preact/signals";
import type { Account, Permission, Session, User } from "../../schemas/accounts";
import { ApiError, api, linkSession, messageOf } from "./api";

/**
 * Where the session stands: still loading, signed in, signed out, or unreadable. When signed
 * out, `notice` says why (if worth saying) and `returnHere` whether signing in should come
 * back to the page the person was on.
 */
export type SessionState =
  | { status: "loading" }
  | { status: "signed-in"; session: Session }
  | { status: "signed-out"; notice: string | null; returnHere: boolean }
  | { status: "error"; message: string };

/**
 * The signed-in user's session: who they are, their account and permissions, and the CSRF
 * token the API client sends on writes. One per page load.
 *
 * Built from signals and `action`s rather than `createModel`, because `can()` is a tracked
 * read that components call while rendering; `createModel` would wrap it as an untracked action.
 */
function createSessionModel() {
  const state = signal<SessionState>({ status: "loading" });
  const current = computed(() => {
    const s = state.value;
    return s.status === "signed-in" ? s.session : null;
  });
  const permissions = computed(() => new Set<Permission>(current.value?.permissions ?? []));
  let loadStarted = false;

  const load = action(async () => {
    loadStarted = true;
    state.value = { status: "loading" };
    try {
      state.value = { status: "signed-in", session: await api.get<Session>("/auth/session") };
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        const notice = error.code === "SESSION_EXPIRED" ? error.message : null;
        state.value = { status: "signed-out", notice, returnHere: true };
      } else {
        state.value = { status: "error", message: messageOf(error) };
      }
    }
  });

  return {
    state: state as ReadonlySignal<SessionState>,
    user: computed<User | null>(() => current.value?.user ?? null),
    account: computed<Account | null>(() => current.value?.account ?? null),
    csrfToken: computed(() => current.value?.csrfToken ?? null),

    /** Whether the signed-in user holds `permission`; tracked, so the UI follows role changes. */
    can(permission: Permission): boolean {
      return permissions.value.has(permission);
    },

    /** Reads the session from the cookie; signed out when there is none. */
    load,

    /** Reads the session unless that has begun (pages reached from an external agent's link start without it). */
    ensureLoaded() {
      if (!loadStarted) void load();
    },

    /** Signs in; throws the API's error (wrong password, disabled, throttled) for the form to show. */
    signIn: action(async (email: string, password: string) => {
      const session = await api.post<Session>("/auth/sign-in", { email, password });
      state.value = { status: "signed-in", session };
    }),

    /** Ends the session on the server, then forgets it here even if the server could not be reached. */
    signOut: action(async () => {
      let notice: string | null = null;
      try {
        await api.post("/auth/sign-out");
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) {
          notice = "You are signed out here, but Brine could not be told. Sign out again later to end the session.";
        }
      }
      state.value = { status: "signed-out", notice, returnHere: false };
    }),

    /** Forgets the session after the API answered 401. */
    expire: action(() => {
      if (state.peek().status !== "signed-in") return;
      state.value = { status: "signed-out", notice: "Your session has ended. Sign in again.", returnHere: true };
    }),
  };
}

export const session = createSessionModel();

linkSession({ csrfToken: () => session.csrfToken.peek(), lost: () => session.expire() });
