import { useModel } from "@preact/signals";
import { Alert } from "../../components/alert/alert";
import { BrandMark } from "../../components/brand-mark/brand-mark";
import { Button } from "../../components/button/button";
import { Field } from "../../components/field/field";
import { PageHeader } from "../../components/page-header/page-header";
import { session } from "../../session";
import { SignInModel } from "./sign-in-model";
import styles from "./sign-in-page.module.css";

/** E-mail and password; afterwards the app goes to `?next=` or home. */
export function SignInPage() {
  const form = useModel(SignInModel);
  const state = session.state.value;
  const notice = state.status === "signed-out" ? state.notice : null;

  return (
    <div class={styles.page}>
      <aside class={styles.brandPanel}>
        <BrandMark inverted />
        <div class={styles.pitch}>
          <p class={styles.pitchTitle}>Every conversation, understood.</p>
          <p class={styles.pitchText}>
            Contact-center analytics, automated quality assurance and live conversations in one place.
          </p>
        </div>
      </aside>
      <main class={styles.main}>
        <div class={styles.panel}>
          <div class={styles.mobileBrand}>
            <BrandMark />
          </div>
          <PageHeader title="Sign in" description="Welcome back. Sign in with your work e-mail." />
          <form
            class={styles.form}
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              void form.submit();
            }}
          >
            {notice && !form.error.value && <Alert tone="info">{notice}</Alert>}
            {form.error.value && <Alert tone="error">{form.error.value}</Alert>}
            <Field label="E-mail">
              {(control) => (
                <input
                  {...control}
                  type="email"
                  name="email"
                  autocomplete="username"
                  inputMode="email"
                  spellcheck={false}
                  value={form.email.value}
                  onInput={(event) => form.setEmail(event.currentTarget.value)}
                />
              )}
            </Field>
            <Field label="Password">
              {(control) => (
                <input
                  {...control}
                  type="password"
                  name="password"
                  autocomplete="current-password"
                  value={form.password.value}
                  onInput={(event) => form.setPassword(event.currentTarget.value)}
                />
              )}
            </Field>
            <Button type="submit" variant="primary" class={styles.submit} busy={form.submitting.value}>
              Sign in
            </Button>
          </form>
          <p class={styles.help}>Forgot your password? Ask an admin of your account to set a new one.</p>
        </div>
      </main>
    </div>
  );
}
