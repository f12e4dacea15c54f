import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import { api, isAbort, messageOf } from "../../api";
import { abortedOnDispose } from "../../lib/paged-list";
import type { ActionButton } from "../live/live-types";

/** Buttons an account may have. */
export const MAX_BUTTONS = 20;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A row being edited; `key` keeps its inputs when rows above it are removed. */
export interface ButtonRow extends ActionButton {
  key: number;
}

/** What is wrong with each row, by its key and field. */
function check(rows: ButtonRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    if (!NAME.test(r.name)) out[`${r.key}.name`] = "Lower-case letters, digits and dashes (not first), up to 64.";
    else if (seen.has(r.name)) out[`${r.key}.name`] = "Another button has this name.";
    seen.add(r.name);
    if (!r.label.trim()) out[`${r.key}.label`] = "Give the button a label.";
  }
  return out;
}

/** Settings → Action buttons: the buttons agents (and, where allowed, external agents) see in a conversation. */
export const ActionButtonsModel = createModel(() => {
  const aborted = abortedOnDispose();
  const state = signal<"loading" | "ready" | "error">("loading");
  const loadError = signal<string | null>(null);
  const rows = signal<ButtonRow[]>([]);
  const errors = signal<Record<string, string>>({});
  const error = signal<string | null>(null);
  const saving = signal(false);
  const notice = signal<string | null>(null);
  let nextKey = 0;
  const toRows = (items: ActionButton[]) => items.map((b) => ({ ...b, key: nextKey++ }));

  const load = async () => {
    state.value = "loading";
    try {
      const { items } = await api.get<{ items: ActionButton[] }>("/live/action-buttons", { signal: aborted });
      rows.value = toRows(items);
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      loadError.value = messageOf(e);
      state.value = "error";
    }
  };
  void load();

  return {
    state: state as ReadonlySignal<typeof state.value>,
    loadError: loadError as ReadonlySignal<string | null>,
    rows: rows as ReadonlySignal<ButtonRow[]>,
    errors: errors as ReadonlySignal<Record<string, string>>,
    error: error as ReadonlySignal<string | null>,
    saving: saving as ReadonlySignal<boolean>,
    notice: notice as ReadonlySignal<string | null>,
    reload: load,

    add() {
      if (rows.peek().length >= MAX_BUTTONS) return;
      rows.value = [...rows.peek(), { key: nextKey++, name: "", label: "", visibleToExternal: false }];
    },
    update(key: number, change: Partial<ActionButton>) {
      rows.value = rows.peek().map((r) => (r.key === key ? { ...r, ...change } : r));
    },
    remove(key: number) {
      rows.value = rows.peek().filter((r) => r.key !== key);
    },

    async save() {
      const list = rows.peek().map((r) => ({ ...r, name: r.name.trim(), label: r.label.trim() }));
      errors.value = check(list);
      notice.value = null;
      if (Object.keys(errors.peek()).length > 0) {
        error.value = "Check the highlighted fields.";
        return;
      }
      saving.value = true;
      error.value = null;
      try {
        const saved = await api.put<{ items: ActionButton[] }>("/live/action-buttons", {
          items: list.map(({ name, label, visibleToExternal }) => ({ name, label, visibleToExternal })),
        });
        rows.value = toRows(saved.items);
        notice.value = "The action buttons were saved.";
      } catch (e) {
        error.value = messageOf(e);
      } finally {
        saving.value = false;
      }
    },
  };
});
