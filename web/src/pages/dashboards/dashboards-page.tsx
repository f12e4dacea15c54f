import { createModel, useModel } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { Dashboard } from "../../../../schemas/dashboards";
import type { Selection } from "../../../../schemas/engagements";
import { messageOf } from "../../api";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { LoadError, Loading } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDateTime, formatNumber } from "../../lib/format";
import { allPages, pagedList } from "../../lib/paged-list";
import styles from "./dashboards.module.css";

const SelectionsModel = createModel(() => ({ list: pagedList<Selection>("/selections", 20) }));

/** `/dashboards`: the built-in and the account's dashboards, and saved selections of engagements. */
export function DashboardsPage() {
  const [dashboards, setDashboards] = useState<Dashboard[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { list: selections } = useModel(SelectionsModel);
  const load = () => {
    setError(null);
    allPages<Dashboard>("/dashboards").then(setDashboards, (e) => setError(messageOf(e)));
  };
  useEffect(load, []);
  return (
    <div class={styles.page}>
      <PageHeader
        title="Dashboards"
        description="Built-in dashboards for every area of the contact center, and your own copies. Click any bold number to see the engagements behind it."
      />
      {error && <LoadError message={error} onRetry={load} />}
      {!dashboards && !error && <Loading />}
      {dashboards && (
        <ul class={styles.cards}>
          {dashboards.map((d) => (
            <li key={d.id}>
              <a class={styles.cardLink} href={`/dashboards/${d.id}`}>
                <span class={styles.cardTitle}>{d.name}</span>
                <Badge tone={d.builtIn ? "neutral" : "info"}>{d.builtIn ? "Built-in" : "Custom"}</Badge>
                <span class={styles.muted}>{d.description}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <Card title="Saved selections" description="Engagements saved from a list, as they matched when saved.">
        {selections.state.value === "ready" && selections.items.value.length === 0 ? (
          <p class={styles.muted}>No selections yet: use “Save engagements as selection” on a list of engagements.</p>
        ) : (
          <ul class={styles.selectionList}>
            {selections.items.value.map((s) => (
              <li key={s.id}>
                <a href={`/engagements?selection=${s.id}`}>{s.name}</a>{" "}
                <span class={styles.muted}>
                  {formatNumber(s.engagements)} engagements · {formatDateTime(s.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {selections.nextCursor.value && (
          <Button size="sm" variant="ghost" busy={selections.loadingMore.value} onClick={() => selections.loadMore()}>
            More selections
          </Button>
        )}
      </Card>
    </div>
  );
}
