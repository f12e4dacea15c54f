import { createModel, useModel, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { CustomerSummary } from "../../../../schemas/journey";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { journeyHref } from "../../lib/journey";
import { cursorList } from "../../lib/paged-list";
import styles from "./customers-page.module.css";

const MATCH_LABELS: Record<CustomerSummary["matchedBy"][number], string> = {
  pid: "PID",
  externalId: "ID",
  contact: "Contact",
};

/** The customer search: profiles matching the query in the URL, a page at a time. */
const CustomersModel = createModel((query: string) => {
  const list = cursorList<CustomerSummary>("/customers", { keyOf: (c) => c.id, query: { query } });
  let shown = query;
  return {
    list,
    /** Shows the profiles matching another query (the same one again is left as it is). */
    search(next: string) {
      if (next === shown) return;
      shown = next;
      void list.setQuery({ query: next });
    },
  };
});

function Results({ items, query }: { items: CustomerSummary[]; query: string }) {
  return (
    <DataTable caption={query ? `Customers matching ${query}` : "Customers"} bare>
      <thead>
        <tr>
          <th scope="col">Customer</th>
          <th scope="col">ID</th>
          <th scope="col">Source</th>
          <th scope="col">Contacts</th>
          {query && <th scope="col">Matched by</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id}>
            <td>
              <a class={styles.open} href={journeyHref("customers", c.id)}>
                <span class={styles.masked}>{c.name ?? "Unnamed customer"}</span>
                <span class="visually-hidden"> — open the journey</span>
              </a>
            </td>
            <td class={styles.mono}>{c.externalId ?? "–"}</td>
            <td>{c.source ?? "–"}</td>
            <td>
              {c.contacts.slice(0, 3).map((k) => (
                <span key={k.ref} class={styles.contact}>
                  <span class={styles.muted}>{k.type}</span> <span class={styles.masked}>{k.value}</span>
                </span>
              ))}
              {c.contactCount > 3 && <span class={styles.muted}>+{c.contactCount - 3} more</span>}
            </td>
            {query && <td>{c.matchedBy.map((m) => MATCH_LABELS[m]).join(", ")}</td>}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** `/journey`: find a customer by PID, ID in a source, or an exact contact, and open their journey. */
export function CustomersPage() {
  const { url, query, route } = useLocation();
  const current = query.q?.trim() ?? "";
  const model = useModel(() => new CustomersModel(current));
  const draft = useSignal(current);
  useEffect(() => {
    draft.value = current;
    model.search(current);
  }, [url]);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Customer journey"
        title="Customers"
        description="Find a customer by their ID in a source, their PID, or an exact e-mail address or phone number, and open their journey. Names and contacts stay masked."
      />
      <Card>
        <form
          class={styles.search}
          onSubmit={(event) => {
            event.preventDefault();
            const q = draft.value.trim();
            route(q ? `/journey?q=${encodeURIComponent(q)}` : "/journey");
          }}
        >
          <Field label="Customer ID, PID, e-mail or phone" class={styles.field}>
            {(control) => (
              <input
                {...control}
                type="search"
                autocomplete="off"
                spellcheck={false}
                maxLength={200}
                value={draft.value}
                onInput={(e) => {
                  draft.value = e.currentTarget.value;
                }}
              />
            )}
          </Field>
          <Button type="submit" variant="primary">
            Find
          </Button>
        </form>
      </Card>
      <Card title={current ? "Matching customers" : "All customers"} flush>
        <PagedListView
          list={model.list}
          noun="customers"
          inset
          empty={
            <Empty title={current ? "No customer matches" : "No customers yet"}>
              {current
                ? "Search for a whole ID, PID, e-mail address or phone number, exactly as it was loaded."
                : "Customers arrive with the data you load through the Ingest API."}
            </Empty>
          }
        >
          {(items) => <Results items={items} query={current} />}
        </PagedListView>
      </Card>
    </div>
  );
}
