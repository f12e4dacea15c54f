import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import { api, fieldErrorsOf, messageOf } from "../../api";
import { pagedList } from "../../lib/paged-list";
import type { Brand, BrandInput, BrandSaved } from "../live/live-types";

/** A brand's form as typed: origins one per line. */
export interface BrandDraft {
  name: string;
  color: string;
  origins: string;
  openingMessage: string;
  placeholder: string;
}

export const EMPTY_DRAFT: BrandDraft = { name: "", color: "#0f4c5c", origins: "", openingMessage: "", placeholder: "" };

export function draftOf(brand: Brand): BrandDraft {
  return {
    name: brand.name,
    color: brand.color,
    origins: brand.allowedOrigins.join("\n"),
    openingMessage: brand.openingMessage ?? "",
    placeholder: brand.placeholder ?? "",
  };
}

/** The body sent to create or edit a brand: every field, so an edit can clear one. */
type BrandBody = Required<BrandInput>;

function inputOf(draft: BrandDraft): BrandBody {
  return {
    name: draft.name.trim(),
    color: draft.color.trim().toLowerCase(),
    allowedOrigins: draft.origins
      .split("\n")
      .map((o) => o.trim())
      .filter(Boolean),
    openingMessage: draft.openingMessage.trim() || null,
    placeholder: draft.placeholder.trim() || null,
  };
}

/** What is wrong with a draft before asking the server, by field. */
function check(input: BrandBody): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input.name) out.name = "Name the brand (your customers do not see it).";
  if (!/^#[0-9a-f]{6}$/.test(input.color)) out.color = "Use a colour like #0f4c5c.";
  if (input.allowedOrigins.length === 0) out.allowedOrigins = "Enter at least one site address the chat runs on.";
  const bad = input.allowedOrigins.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (bad)
    out.allowedOrigins = `“${bad}” is not an origin: write the scheme and host only, like https://shop.example.com.`;
  return out;
}

/** One form (create, or edit one brand): its draft, errors and whether it is saving. */
function brandForm(initial: BrandDraft) {
  const draft = signal(initial);
  const errors = signal<Record<string, string>>({});
  const error = signal<string | null>(null);
  const saving = signal(false);
  return {
    draft: draft as ReadonlySignal<BrandDraft>,
    errors: errors as ReadonlySignal<Record<string, string>>,
    error: error as ReadonlySignal<string | null>,
    saving: saving as ReadonlySignal<boolean>,
    set(field: keyof BrandDraft, value: string) {
      draft.value = { ...draft.peek(), [field]: value };
    },
    reset(next: BrandDraft) {
      draft.value = next;
      errors.value = {};
      error.value = null;
    },
    /** Checks the draft and runs `send` with it; the draft stays when anything fails. */
    async submit(send: (input: BrandBody) => Promise<void>): Promise<boolean> {
      const input = inputOf(draft.peek());
      errors.value = check(input);
      if (Object.keys(errors.peek()).length > 0) {
        error.value = "Check the highlighted fields.";
        return false;
      }
      saving.value = true;
      error.value = null;
      try {
        await send(input);
        return true;
      } catch (e) {
        errors.value = fieldErrorsOf(e);
        error.value = messageOf(e);
        return false;
      } finally {
        saving.value = false;
      }
    },
  };
}

export type BrandForm = ReturnType<typeof brandForm>;

/** Settings → Brands: the Universal Chat brands, each with its embed snippet and secret. */
export const BrandsModel = createModel(() => {
  const list = pagedList<Brand>("/live/brands");
  const create = brandForm(EMPTY_DRAFT);
  const edit = brandForm(EMPTY_DRAFT);
  const editing = signal<string | null>(null);
  const confirming = signal<string | null>(null);
  const busy = signal<string | null>(null);
  const rowErrors = signal<Record<string, string>>({});
  const secret = signal<{ brand: string; secret: string } | null>(null);
  const notice = signal<string | null>(null);

  const rowError = (id: string, message: string | null) => {
    const { [id]: _, ...rest } = rowErrors.peek();
    rowErrors.value = message ? { ...rest, [id]: message } : rest;
  };
  const keep = (saved: BrandSaved) => {
    const { secret: s, ...brand } = saved;
    list.put(brand);
    return s;
  };

  return {
    list,
    create,
    edit,
    /** The brand whose edit form is open. */
    editing: editing as ReadonlySignal<string | null>,
    /** The brand whose "Delete?" question is open. */
    confirming: confirming as ReadonlySignal<string | null>,
    busy: busy as ReadonlySignal<string | null>,
    rowErrors: rowErrors as ReadonlySignal<Record<string, string>>,
    /** A secret just made (new brand or rotation); shown once. */
    secret: secret as ReadonlySignal<{ brand: string; secret: string } | null>,
    notice: notice as ReadonlySignal<string | null>,

    submitCreate: () =>
      create.submit(async (input) => {
        const saved = await api.post<BrandSaved>("/live/brands", input);
        const made = keep(saved);
        secret.value = made ? { brand: saved.name, secret: made } : null;
        create.reset(EMPTY_DRAFT);
        notice.value = `Brand “${saved.name}” was created.`;
      }),

    startEdit(brand: Brand) {
      edit.reset(draftOf(brand));
      editing.value = brand.id;
      confirming.value = null;
    },
    cancelEdit() {
      editing.value = null;
    },
    submitEdit: (id: string) =>
      edit.submit(async (input) => {
        const saved = await api.patch<Brand | BrandSaved>(`/live/brands/${id}`, input);
        if ("secret" in saved) keep(saved);
        else list.put(saved);
        editing.value = null;
        notice.value = `Brand “${saved.name}” was saved.`;
      }),

    askDelete(id: string) {
      confirming.value = id;
      rowError(id, null);
    },
    cancelDelete() {
      confirming.value = null;
    },
    async remove(brand: Brand) {
      busy.value = `delete:${brand.id}`;
      notice.value = null;
      try {
        await api.delete(`/live/brands/${brand.id}`);
        confirming.value = null;
        if (editing.peek() === brand.id) editing.value = null;
        notice.value = `Brand “${brand.name}” was deleted. Its chat no longer opens on your sites.`;
        await list.reload();
      } catch (e) {
        rowError(brand.id, messageOf(e));
      } finally {
        busy.value = null;
      }
    },

    async rotate(brand: Brand) {
      busy.value = `rotate:${brand.id}`;
      rowError(brand.id, null);
      try {
        const saved = await api.post<BrandSaved>(`/live/brands/${brand.id}/rotate-secret`);
        const made = keep(saved);
        secret.value = made ? { brand: saved.name, secret: made } : null;
      } catch (e) {
        rowError(brand.id, messageOf(e));
      } finally {
        busy.value = null;
      }
    },

    dismissSecret() {
      secret.value = null;
    },
  };
});

export type Brands = InstanceType<typeof BrandsModel>;
