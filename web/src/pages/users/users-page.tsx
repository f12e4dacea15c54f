import { useModel } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { Role, User } from "../../../../schemas/accounts";
import { Alert } from "../../components/alert/alert";
import { Badge } from "../../components/badge/badge";
import { Button } from "../../components/button/button";
import { Card } from "../../components/card/card";
import { DataTable } from "../../components/data-table/data-table";
import { Field } from "../../components/field/field";
import { Empty, NoAccess, PagedListView } from "../../components/list-state/list-state";
import { Notice } from "../../components/notice/notice";
import { PageHeader } from "../../components/page-header/page-header";
import { formatDate } from "../../lib/format";
import { session } from "../../session";
import { ROLE_LABELS, ROLE_OPTIONS, UsersModel } from "./users-model";
import styles from "./users-page.module.css";

type Users = InstanceType<typeof UsersModel>;

function AddUserForm({ users }: { users: Users }) {
  const draft = users.draft.value;
  const errors = users.addFieldErrors.value;
  return (
    <Card
      title="Add user"
      description="They sign in with this e-mail and password; ask them to keep the password safe."
    >
      <form
        class={styles.addForm}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void users.add();
        }}
      >
        {users.addError.value && <Alert class={styles.formAlert}>{users.addError.value}</Alert>}
        <Field label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              type="text"
              autocomplete="off"
              value={draft.name}
              onInput={(e) => users.editDraft({ name: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="E-mail" error={errors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autocomplete="off"
              spellcheck={false}
              value={draft.email}
              onInput={(e) => users.editDraft({ email: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field label="Role" error={errors.role}>
          {(control) => (
            <select
              {...control}
              value={draft.role}
              onChange={(e) => users.editDraft({ role: e.currentTarget.value as Role })}
            >
              {ROLE_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Initial password" hint="At least 12 characters." error={errors.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              autocomplete="new-password"
              value={draft.password}
              onInput={(e) => users.editDraft({ password: e.currentTarget.value })}
            />
          )}
        </Field>
        <div class={styles.addActions}>
          <Button type="submit" variant="primary" busy={users.adding.value}>
            Add user
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordRow({ users, user }: { users: Users; user: User }) {
  const self = user.id === session.user.value?.id;
  const input = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => input.current?.focus(), []);
  return (
    <tr class={styles.subrow}>
      <td colSpan={6}>
        <form
          class={styles.passwordForm}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void users.savePassword(user);
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") users.closePassword();
          }}
        >
          <Field
            label={`New password for ${user.name}`}
            hint={
              self
                ? "At least 12 characters. You will be signed out and sign in again with it."
                : "At least 12 characters. They are signed out everywhere."
            }
            error={users.passwordError.value}
            class={styles.passwordField}
          >
            {(control) => (
              <input
                {...control}
                type="password"
                autocomplete="new-password"
                ref={input}
                value={users.passwordDraft.value}
                onInput={(e) => users.editPassword(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class={styles.inlineActions}>
            <Button type="submit" variant="primary" size="sm" busy={users.pending.value.has(user.id)}>
              Save password
            </Button>
            <Button size="sm" onClick={() => users.closePassword()}>
              Cancel
            </Button>
          </div>
        </form>
      </td>
    </tr>
  );
}

function UserRow({ users, user }: { users: Users; user: User }) {
  const self = user.id === session.user.value?.id;
  const nameId = `user-${user.id}`;
  const roleDraft = users.roleDrafts.value[user.id];
  const busy = users.pending.value.has(user.id);
  const error = users.rowErrors.value[user.id];
  return (
    <>
      <tr>
        <th scope="row" id={nameId} class={styles.name}>
          {user.name}
          {self && <Badge tone="primary">You</Badge>}
        </th>
        <td class={styles.email}>{user.email}</td>
        <td>
          <div class={styles.roleCell}>
            <select
              class={styles.roleSelect}
              aria-label={`Role of ${user.name}`}
              value={roleDraft ?? user.role}
              disabled={busy}
              onChange={(e) => users.pickRole(user.id, e.currentTarget.value as Role)}
            >
              {ROLE_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            {roleDraft && roleDraft !== user.role && (
              <>
                <Button
                  size="sm"
                  variant="primary"
                  busy={busy}
                  aria-describedby={nameId}
                  onClick={() => users.saveRole(user)}
                >
                  Save role
                </Button>
                <Button size="sm" variant="ghost" disabled={busy} onClick={() => users.cancelRole(user.id)}>
                  Cancel
                </Button>
              </>
            )}
          </div>
        </td>
        <td>{user.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}</td>
        <td class={styles.date}>
          <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
        </td>
        <td>
          <div class={styles.inlineActions}>
            <Button
              size="sm"
              variant={user.disabled ? "secondary" : "danger"}
              disabled={busy}
              aria-describedby={nameId}
              onClick={() => users.setDisabled(user, !user.disabled)}
            >
              {user.disabled ? "Enable" : "Disable"}
            </Button>
            <Button
              size="sm"
              disabled={busy}
              aria-describedby={nameId}
              aria-expanded={users.passwordFor.value === user.id}
              onClick={() =>
                users.passwordFor.value === user.id ? users.closePassword() : users.openPassword(user.id)
              }
            >
              Set password
            </Button>
          </div>
        </td>
      </tr>
      {users.passwordFor.value === user.id && <PasswordRow users={users} user={user} />}
      {error && (
        <tr class={styles.subrow}>
          <td colSpan={6}>
            <Alert>{error}</Alert>
          </td>
        </tr>
      )}
    </>
  );
}

function UsersView() {
  const users = useModel(UsersModel);
  return (
    <div class={styles.page}>
      <PageHeader
        eyebrow="Settings"
        title="Users"
        description="Everyone who can sign in to this account, and what their role lets them do."
      />
      <AddUserForm users={users} />
      <Notice message={users.notice.value} />
      <Card title="All users" flush>
        <PagedListView
          inset
          list={users.list}
          noun="users"
          empty={<Empty title="No users yet">Add the first one with the form above.</Empty>}
        >
          {(items) => (
            <DataTable caption="Users" bare>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <UserRow key={u.id} users={users} user={u} />
                ))}
              </tbody>
            </DataTable>
          )}
        </PagedListView>
      </Card>
    </div>
  );
}

/** `/settings/users`: needs the `users.manage` permission. */
export function UsersPage() {
  if (!session.can("users.manage")) {
    return (
      <div>
        <PageHeader eyebrow="Settings" title="Users" />
        <NoAccess what="users" />
      </div>
    );
  }
  return <UsersView />;
}
