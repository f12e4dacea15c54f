import type { ComponentChildren } from "preact";
import type { PagedList } from "../../lib/paged-list";
import { Alert } from "../alert/alert";
import { Button } from "../button/button";
import { PageHeader } from "../page-header/page-header";
import styles from "./list-state.module.css";

/** A list on its way: a few placeholder rows and a spoken "Loading…". */
export function Loading({ label = "Loading…", rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div class={styles.loading} role="status">
      <span class="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class={styles.skeleton} aria-hidden="true" />
      ))}
    </div>
  );
}

interface EmptyProps {
  title: string;
  children?: ComponentChildren;
  action?: ComponentChildren;
}

/** A list with nothing in it yet, saying what would fill it. */
export function Empty({ title, children, action }: EmptyProps) {
  return (
    <div class={styles.empty}>
      <svg class={styles.emptyIcon} viewBox="0 0 48 48" aria-hidden="true">
        <rect x="8" y="12" width="32" height="26" rx="4" />
        <path d="M8 20h32M16 28h16M16 33h10" />
      </svg>
      <p class={styles.emptyTitle}>{title}</p>
      {children && <p class={styles.emptyText}>{children}</p>}
      {action && <div class={styles.emptyAction}>{action}</div>}
    </div>
  );
}

/** A list that failed to load, with a way to try again. */
export function LoadError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Alert tone="error" title="This could not be loaded">
      <p>{message}</p>
      {onRetry && (
        <Button size="sm" class={styles.retry} onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}

interface PagedListViewProps<T> {
  list: PagedList<T>;
  /** What the list holds, for "Loading API keys…". */
  noun: string;
  /** Shown when the list has no items. */
  empty: ComponentChildren;
  /** Renders the items (usually a table). */
  children: (items: T[]) => ComponentChildren;
  /** Pads the states and "Load more", for a list whose table runs to a flush card's edges. */
  inset?: boolean;
}

/** A paged list in whichever state it is in: loading, failed, empty, or items with "Load more". */
export function PagedListView<T>({ list, noun, empty, children, inset = false }: PagedListViewProps<T>) {
  const pad = inset ? styles.inset : undefined;
  if (list.state.value === "loading") {
    return (
      <div class={pad}>
        <Loading label={`Loading ${noun}…`} />
      </div>
    );
  }
  if (list.state.value === "error") {
    return (
      <div class={pad}>
        <LoadError message={list.error.value ?? ""} onRetry={() => list.reload()} />
      </div>
    );
  }
  const items = list.items.value;
  if (items.length === 0) return <div class={pad}>{empty}</div>;
  const more = list.nextCursor.value !== null || list.moreError.value !== null;
  return (
    <>
      {children(items)}
      {more && (
        <div class={pad}>
          {list.moreError.value && (
            <Alert tone="error" class={styles.moreError}>
              {list.moreError.value}
            </Alert>
          )}
          {list.nextCursor.value && (
            <div class={styles.more}>
              <Button busy={list.loadingMore.value} onClick={() => list.loadMore()}>
                Load more
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}

/** A page the signed-in user's role does not allow. */
export function NoAccess({ what }: { what: string }) {
  return (
    <Empty title={`You cannot manage ${what}`}>
      Your role does not include this. Ask an admin of your account if you need it.
    </Empty>
  );
}

interface ItemStateProps {
  state: string;
  eyebrow: string;
  /** What the page shows, like "Batch"; used in its titles and messages. */
  noun: string;
  /** Where to go when the item does not exist. */
  listHref: string;
  listLabel: string;
  error: string | null;
  onRetry: () => void;
}

/** A one-item page that is not ready yet: not found, failed to load, or loading. */
export function ItemState({ state, eyebrow, noun, listHref, listLabel, error, onRetry }: ItemStateProps) {
  if (state === "missing") {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={`${noun} not found`} />
        <Empty
          title={`There is no such ${noun.toLowerCase()} in this account.`}
          action={<a href={listHref}>{listLabel}</a>}
        />
      </>
    );
  }
  return (
    <>
      <PageHeader eyebrow={eyebrow} title={noun} />
      {state === "error" ? (
        <LoadError message={error ?? ""} onRetry={onRetry} />
      ) : (
        <Loading label={`Loading the ${noun.toLowerCase()}…`} />
      )}
    </>
  );
}
