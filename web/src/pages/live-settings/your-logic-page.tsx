import { useModel } from "@preact/signals";
import { MAX_EXPIRY_SECONDS, MIN_EXPIRY_SECONDS } from "../../../../schemas/live";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { Field } from "../../components/field/field";
import { LoadError, Loading, NoAccess } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDateTime } from "../../lib/format";
import { session } from "../../session";
import styles from "./live-settings.module.css";
import { SecretPanel } from "./secret-panel";
import { YourLogicModel } from "./your-logic-model";

const HEADER = {
  eyebrow: "Settings",
  title: "Your Logic",
  description:
    "Your bot or backend: Brine sends it every event of a live conversation, one at a time with the whole conversation, and runs the actions it answers with.",
};

function YourLogicView() {
  const model = useModel(YourLogicModel);
  if (model.state.value === "loading") {
    return (
      <div class={styles.page}>
        <PageHeader {...HEADER} />
        <Loading label="Loading Your Logic settings…" />
      </div>
    );
  }
  if (model.state.value === "error") {
    return (
      <div class={styles.page}>
        <PageHeader {...HEADER} />
        <LoadError message={model.loadError.value ?? ""} onRetry={() => model.reload()} />
      </div>
    );
  }
  const settings = model.settings.value;
  const fields = model.fieldErrors.value;
  const secret = model.secret.value;
  return (
    <div class={styles.page}>
      <PageHeader {...HEADER} />
      {secret && (
        <SecretPanel
          title="Your Logic's shared secret"
          secret={secret}
          use={
            <>
              Brine sends it as <code>Authorization: Bearer &lt;secret&gt;</code> and signs each event with it (
              <code>webhook-signature</code>); Your Logic sends it back when it calls Brine.
            </>
          }
          onDone={() => model.dismissSecret()}
        />
      )}
      <Notice message={model.notice.value} />
      <Card
        title="Endpoint"
        description={
          settings?.configured ? (
            <>
              Secret ending in <code>…{settings.secretHint}</code>
              {settings.updatedAt && <>, saved {formatDateTime(settings.updatedAt)}</>}.
            </>
          ) : (
            "Not set up yet. Saving makes a shared secret, shown once."
          )
        }
      >
        <form
          class={styles.form}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void model.save();
          }}
        >
          {model.error.value && <Alert>{model.error.value}</Alert>}
          <Field
            label="Address"
            hint="https:// (http:// only for localhost). Brine POSTs each event here."
            error={fields.url}
          >
            {(control) => (
              <input
                {...control}
                type="url"
                autocomplete="off"
                maxLength={2048}
                placeholder="https://bot.example.com/brine/events"
                value={model.url.value}
                onInput={(e) => model.setUrl(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="Time to answer (seconds)"
            hint={`From ${MIN_EXPIRY_SECONDS} to ${MAX_EXPIRY_SECONDS}. An event not answered in time sets the conversation to need help and falls back to agents.`}
            error={fields.expirySeconds}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={MIN_EXPIRY_SECONDS}
                max={MAX_EXPIRY_SECONDS}
                step={1}
                value={model.expiry.value}
                onInput={(e) => model.setExpiry(e.currentTarget.value)}
              />
            )}
          </Field>
          <label class={styles.check}>
            <input
              type="checkbox"
              checked={model.enabled.value}
              onChange={(e) => model.setEnabled(e.currentTarget.checked)}
            />
            Send events to Your Logic (new conversations engage it)
          </label>
          <div class={styles.actions}>
            <Button type="submit" variant="primary" busy={model.saving.value === "save"}>
              Save
            </Button>
            {settings?.configured && (
              <Button busy={model.saving.value === "rotate"} onClick={() => model.rotate()}>
                Rotate secret
              </Button>
            )}
          </div>
        </form>
      </Card>
    </div>
  );
}

/** `/settings/your-logic`: needs `settings.manage`. */
export function YourLogicPage() {
  if (!session.can("settings.manage")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="Your Logic" />
        <NoAccess what="Your Logic" />
      </div>
    );
  }
  return <YourLogicView />;
}
