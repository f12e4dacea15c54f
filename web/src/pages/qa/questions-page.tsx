import { useModel } from "@preact/signals";
import { useLocation } from "preact-iso";
import type { Question, QuestionType } from "../../../../schemas/qa";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { QUESTION_TYPE_LABELS, QUESTION_TYPES } from "../../lib/qa";
import { session } from "../../session";
import styles from "./qa.module.css";
import { QuestionsModel } from "./questions-model";

/** "Built-in", the source's name, or "Custom". */
export function OriginBadge({ item }: { item: { builtIn: boolean; source?: { name: string | null } | null } }) {
  if (item.builtIn) return <Badge tone="info">Built-in</Badge>;
  if (item.source) return <Badge>From {item.source.name ?? "a source"}</Badge>;
  return <Badge tone="primary">Custom</Badge>;
}

function answersText(q: Question): string {
  if (q.type === "Tag") return q.score === null ? "Applied or not" : `Applied or not · score ${q.score}`;
  if (q.type === "Comment") return "Free text";
  return q.answers.map((a) => (a.score === null ? a.name : `${a.name} (${a.score})`)).join(" · ") || "No answers";
}

/** `/quality/questions`: every tag and question, with their answers and scores. */
export function QuestionsPage() {
  const model = useModel(QuestionsModel);
  const { route } = useLocation();
  const canManage = session.can("qa.manage");
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Quality"
        title="Tags & questions"
        description="What reviewers answer in review forms: tags, single choices, scales and comments, with their scores. Built-ins (Bookmark, Reviewed, CSAT, Comment) feed the built-in metrics and cannot change."
        actions={
          canManage && (
            <Button variant="primary" onClick={() => route("/quality/questions/new")}>
              New tag or question
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
        <Field label="Type">
          {(control) => (
            <select
              {...control}
              value={model.type.value}
              onChange={(e) => model.setType(e.currentTarget.value as QuestionType | "")}
            >
              <option value="">All types</option>
              {QUESTION_TYPES.map((t) => (
                <option key={t} value={t}>
                  {QUESTION_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Card title="Catalog" flush>
        <PagedListView
          inset
          list={model.list}
          noun="tags and questions"
          empty={<Empty title="Nothing matches">Try another name or type.</Empty>}
        >
          {(items) => (
            <DataTable caption="Tags and questions" bare>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Answers and scores</th>
                  <th scope="col">Origin</th>
                </tr>
              </thead>
              <tbody>
                {items.map((q) => (
                  <tr key={q.id}>
                    <th scope="row" class={styles.name}>
                      <a href={`/quality/questions/${q.id}`}>{q.name || "(no name)"}</a>
                    </th>
                    <td>{q.type ? (QUESTION_TYPE_LABELS[q.type as QuestionType] ?? q.type) : "–"}</td>
                    <td class={styles.answers}>{answersText(q)}</td>
                    <td>
                      <OriginBadge item={q} />
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
