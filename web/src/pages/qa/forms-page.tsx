import { useModel } from "@preact/signals";
import { useLocation } from "preact-iso";
import type { ReviewForm, ReviewScope } from "../../../../schemas/qa";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { BLOCK_LABELS, blockQuestionIds, SCOPE_LABELS, SCOPES } from "../../lib/qa";
import { session } from "../../session";
import { FormsModel } from "./forms-model";
import styles from "./qa.module.css";
import { OriginBadge } from "./questions-page";

/** "Tag set: Bookmark, Reviewed · Scale: CSAT". */
export function blocksText(form: ReviewForm): string {
  const names = new Map(form.questions.map((q) => [q.id, q.name]));
  return form.blocks
    .map(
      (b) =>
        `${b.label || BLOCK_LABELS[b.kind]}: ${blockQuestionIds(b)
          .map((id) => names.get(id) ?? "?")
          .join(", ")}`,
    )
    .join(" · ");
}

export function ScopeBadges({ scopes }: { scopes: readonly ReviewScope[] }) {
  return (
    <span class={styles.badges}>
      {scopes.map((s) => (
        <Badge key={s}>{SCOPE_LABELS[s]}</Badge>
      ))}
    </span>
  );
}

/** `/quality/forms`: the review forms and where each may be used. */
export function FormsPage() {
  const model = useModel(FormsModel);
  const { route } = useLocation();
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Quality"
        title="Forms"
        description="Review forms are built from blocks (tag sets, single choices, scales, comments) and say where reviewers may use them: on the whole engagement, or on customer, agent or bot turns."
        actions={
          session.can("qa.manage") && (
            <Button variant="primary" onClick={() => route("/quality/forms/new")}>
              New form
            </Button>
          )
        }
      />
      <div class={styles.filters}>
        <Field label="Search">
          {(control) => (
            <input
              {...control}
              type="search"
              value={model.search.value}
              placeholder="Part of the name"
              onInput={(e) => model.setSearch(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Used on">
          {(control) => (
            <select
              {...control}
              value={model.scope.value}
              onChange={(e) => model.setScope(e.currentTarget.value as ReviewScope | "")}
            >
              <option value="">Anywhere</option>
              {SCOPES.map((s) => (
                <option key={s} value={s}>
                  {SCOPE_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Card title="Forms" flush>
        <PagedListView
          inset
          list={model.list}
          noun="forms"
          empty={<Empty title="No forms match">Try another name or place.</Empty>}
        >
          {(items) => (
            <DataTable caption="Review forms" bare>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Used on</th>
                  <th scope="col">Blocks</th>
                  <th scope="col">Origin</th>
                </tr>
              </thead>
              <tbody>
                {items.map((f) => (
                  <tr key={f.id}>
                    <th scope="row" class={styles.name}>
                      <a href={`/quality/forms/${f.id}`}>{f.name}</a>
                    </th>
                    <td>
                      <ScopeBadges scopes={f.scopes} />
                    </td>
                    <td class={styles.answers}>{blocksText(f)}</td>
                    <td>
                      <OriginBadge item={f} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </PagedListView>
      </Card>
    </div>
  );
}
