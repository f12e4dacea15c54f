import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import { ApiError, messageOf } from "../../api";
import { session } from "../../session";

/** The sign-in form: what was typed, whether it is on its way, and why it failed. */
export const SignInModel = createModel(() => {
  const email = signal("");
  const password = signal("");
  const submitting = signal(false);
  const error = signal<string | null>(null);

  return {
    email: email as ReadonlySignal<string>,
    password: password as ReadonlySignal<string>,
    submitting: submitting as ReadonlySignal<boolean>,
    error: error as ReadonlySignal<string | null>,

    setEmail(value: string) {
      email.value = value;
    },
    setPassword(value: string) {
      password.value = value;
    },

    /** Signs in; on success the session changes and the app leaves this page. */
    async submit() {
      if (submitting.peek()) return;
      if (!email.peek().trim() || !password.peek()) {
        error.value = "Enter your e-mail and password.";
        return;
      }
      submitting.value = true;
      error.value = null;
      try {
        await session.signIn(email.peek().trim(), password.peek());
      } catch (e) {
        const wait = e instanceof ApiError && e.code === "LOGIN_THROTTLED" && e.retryAfter;
        error.value = wait ? `${messageOf(e)} (about ${Math.ceil(wait / 60)} min)` : messageOf(e);
        submitting.value = false;
      }
    },
  };
});
