import { useLayoutEffect, useRef } from "preact/hooks";
import { Button } from "../../components/button/button";
import { CopyButton } from "../../components/copy-button/copy-button";
import styles from "./live-settings.module.css";

/** A secret shown once, with a copy button and a reminder that it cannot be shown again. */
export function SecretPanel({
  title,
  secret,
  use,
  onDone,
}: {
  title: string;
  secret: string;
  use: preact.ComponentChildren;
  onDone: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    heading.current?.focus();
  }, [secret]);
  return (
    <section class={styles.secretPanel} aria-labelledby="secret-title">
      <div>
        <h2 id="secret-title" class={styles.secretTitle} tabIndex={-1} ref={heading}>
          {title}
        </h2>
        <p class={styles.secretWarning}>
          <strong>This secret is shown only once.</strong> Copy it now and store it where your server can read it; Brine
          cannot show it again.
        </p>
      </div>
      <div class={styles.secretRow}>
        <code class={styles.secret} data-testid="secret">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" variant="primary" size="md" />
      </div>
      <p class={styles.secretUse}>{use}</p>
      <div>
        <Button onClick={onDone}>I have stored it</Button>
      </div>
    </section>
  );
}
