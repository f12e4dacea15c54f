import { createModel, type ReadonlySignal, signal, useModel, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { User } from "../../../../schemas/accounts";
import type { Page } from "../../../../schemas/common";
import type { PiiRevealEntry } from "../../../../schemas/journey";
import { api } from "../../api";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, NoAccess, PagedListView } from "../../components/list-state/list-state";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDateTime } from "../../lib/format";
import { journeyHref } from "../../lib/journey";
import { abortedOnDispose, cursorList } from "../../lib/paged-list";
import { session } from "../../session";
import styles from "./reveal-log-page.module.css";

interface LogFilters {
  userId: string;
  customerId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The reveal log for the filters in the URL, and the account's users to filter by. */
const RevealLogModel = createModel((initial: LogFilters) => {
  const aborted = abortedOnDispose();
  const list = cursorList<PiiRevealEntry>("/pii-reveals", { keyOf: (e) => e.id, query: { ...initial } });
  const users = signal<User[]>([]);
  let shown = initial;
  void api.get<Page<User>>("/users?limit=200", { signal: aborted }).then(
    (page) => {
      users.value = page.items;
    },
    () => {
      // Only the user filter's names are missing; the log still works.
    },
  );
  return {
    list,
    users: users as ReadonlySignal<User[]>,
    show(next: LogFilters) {
      if (next.userId === shown.userId && next.customerId === shown.customerId) return;
      shown = next;
      void list.setQuery({ ...next });
    },
  };
});

const fieldLabel = (e: PiiRevealEntry) => (e.field === "name" ? "Name" : `Contact (${e.contactRef ?? "?"})`);

function RevealLog() {
  const { url, query, route } = useLocation();
  const filters: LogFilters = { userId: query.userId ?? "", customerId: query.customerId ?? "" };
  const model = useModel(() => new RevealLogModel(filters));
  const userDraft = useSignal(filters.userId);
  const customerDraft = useSignal(filters.customerId);
  const customerError = useSignal<string | null>(null);
  useEffect(() => {
    userDraft.value = filters.userId;
    customerDraft.value = filters.customerId;
    model.show(filters);
  }, [url]);

  const apply = (event: Event) => {
    event.preventDefault();
    const customerId = customerDraft.value.trim();
    if (customerId && !UUID.test(customerId)) {
      customerError.value = "Enter the customer's PID (a UUID), as the journey shows it.";
      return;
    }
    customerError.value = null;
    const params = new URLSearchParams();
    if (userDraft.value) params.set("userId", userDraft.value);
    if (customerId) params.set("customerId", customerId);
    route(`/settings/reveal-log${params.size ? `?${params}` : ""}`);
  };

  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="Reveal log"
        description="Every time someone revealed a customer's masked name or contact: who, whose, which value and when. The values themselves are never stored here."
      />
      <Card title="Filters">
        <form class={styles.filters} noValidate onSubmit={apply}>
          <Field label="User">
            {(control) => (
              <select
                {...control}
                value={userDraft.value}
                onChange={(e) => {
                  userDraft.value = e.currentTarget.value;
                }}
              >
                <option value="">All users</option>
                {model.users.value.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.email}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Customer PID" error={customerError.value}>
            {(control) => (
              <input
                {...control}
                type="text"
                class={styles.mono}
                autocomplete="off"
                spellcheck={false}
                placeholder="Any customer"
                value={customerDraft.value}
                onInput={(e) => {
                  customerDraft.value = e.currentTarget.value;
                }}
              />
            )}
          </Field>
          <div class={styles.actions}>
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            <Button variant="ghost" onClick={() => route("/settings/reveal-log")}>
              Clear
            </Button>
          </div>
        </form>
      </Card>
      <Card title="Reveals, newest first" flush>
        <PagedListView
          list={model.list}
          noun="reveals"
          inset
          empty={
            <Empty title="No reveals">
              Nobody has revealed a customer's personal data
              {filters.userId || filters.customerId ? " that matches these filters" : " yet"}.
            </Empty>
          }
        >
          {(items) => (
            <DataTable caption="Reveal log" bare>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">User</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Field</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.revealedAt)}</td>
                    <td>{e.user.email ?? e.user.id}</td>
                    <td>
                      <a class={styles.mono} href={journeyHref("customers", e.customer.id)}>
                        {e.customer.externalId ?? e.customer.id}
                      </a>
                    </td>
                    <td>{fieldLabel(e)}</td>
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

/** `/settings/reveal-log`: admins read who revealed which customer's personal data. */
export function RevealLogPage() {
  if (!session.can("settings.manage")) {
    return (
      <>
        <PageHeader eyebrow="Settings" title="Reveal log" />
        <NoAccess what="the reveal log" />
      </>
    );
  }
  return <RevealLog />;
}
