import { useModel } from "@preact/signals";
import { Alert } from "../../components/alert/alert";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Empty, LoadError, Loading, NoAccess } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { session } from "../../session";
import { ActionButtonsModel, MAX_BUTTONS } from "./action-buttons-model";
import styles from "./live-settings.module.css";

const HEADER = {
  eyebrow: "Settings",
  title: "Action buttons",
  description:
    "Buttons agents see in a live conversation. Pressing one sends its name to Your Logic as an action, which does the work (a refund, a ticket…).",
};

function ActionButtonsView() {
  const model = useModel(ActionButtonsModel);
  if (model.state.value !== "ready") {
    return (
      <div class={styles.page}>
        <PageHeader {...HEADER} />
        {model.state.value === "error" ? (
          <LoadError message={model.loadError.value ?? ""} onRetry={() => model.reload()} />
        ) : (
          <Loading label="Loading the action buttons…" />
        )}
      </div>
    );
  }
  const rows = model.rows.value;
  const errors = model.errors.value;
  return (
    <div class={styles.page}>
      <PageHeader {...HEADER} />
      <Notice message={model.notice.value} />
      <Card title="Buttons" flush>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void model.save();
          }}
        >
          {rows.length === 0 ? (
            <div class={styles.inset}>
              <Empty title="No action buttons">Add one, then save.</Empty>
            </div>
          ) : (
            <DataTable caption="Action buttons" bare align="top">
              <thead>
                <tr>
                  <th scope="col">Name (sent to Your Logic)</th>
                  <th scope="col">Label (on the button)</th>
                  <th scope="col">External agents</th>
                  <th scope="col">
                    <span class="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => {
                  const nameError = errors[`${r.key}.name`];
                  const labelError = errors[`${r.key}.label`];
                  return (
                    <tr key={r.key}>
                      <td>
                        <input
                          type="text"
                          aria-label={`Name of button ${i + 1}`}
                          aria-invalid={nameError ? true : undefined}
                          aria-describedby={nameError ? `button-${r.key}-name-error` : undefined}
                          maxLength={64}
                          value={r.name}
                          onInput={(e) => model.update(r.key, { name: e.currentTarget.value })}
                        />
                        {nameError && (
                          <p id={`button-${r.key}-name-error`} class={styles.fieldError}>
                            {nameError}
                          </p>
                        )}
                      </td>
                      <td>
                        <input
                          type="text"
                          aria-label={`Label of button ${i + 1}`}
                          aria-invalid={labelError ? true : undefined}
                          aria-describedby={labelError ? `button-${r.key}-label-error` : undefined}
                          maxLength={60}
                          value={r.label}
                          onInput={(e) => model.update(r.key, { label: e.currentTarget.value })}
                        />
                        {labelError && (
                          <p id={`button-${r.key}-label-error`} class={styles.fieldError}>
                            {labelError}
                          </p>
                        )}
                      </td>
                      <td>
                        <label class={styles.check}>
                          <input
                            type="checkbox"
                            checked={r.visibleToExternal}
                            onChange={(e) => model.update(r.key, { visibleToExternal: e.currentTarget.checked })}
                          />
                          Visible to external agents
                        </label>
                      </td>
                      <td>
                        <Button size="sm" variant="ghost" onClick={() => model.remove(r.key)}>
                          Remove<span class="visually-hidden"> button {i + 1}</span>
                        </Button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </DataTable>
          )}
          <div class={`${styles.actions} ${styles.inset}`}>
            {model.error.value && <Alert class={styles.fullRow}>{model.error.value}</Alert>}
            <Button onClick={() => model.add()} disabled={rows.length >= MAX_BUTTONS}>
              Add button
            </Button>
            <Button type="submit" variant="primary" busy={model.saving.value}>
              Save buttons
            </Button>
            {rows.length >= MAX_BUTTONS && <span class={styles.muted}>An account has at most {MAX_BUTTONS}.</span>}
          </div>
        </form>
      </Card>
    </div>
  );
}

/** `/settings/action-buttons`: needs `settings.manage`. */
export function ActionButtonsPage() {
  if (!session.can("settings.manage")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="Action buttons" />
        <NoAccess what="action buttons" />
      </div>
    );
  }
  return <ActionButtonsView />;
}
