import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import type { Source } from "../../../../schemas/accounts";
import { api, fieldErrorsOf, messageOf } from "../../api";
import { pagedList } from "../../lib/paged-list";

export type SourceType = Source["type"];

/** Every source type with the name people see; keyed by the type so a new one cannot be forgotten. */
export const SOURCE_TYPE_LABELS: Record<SourceType, string> = {
  "ingest-api": "Ingest API",
  "twilio-flex": "Twilio Flex",
  "live-conversations": "Live conversations",
  whatsapp: "WhatsApp",
  other: "Other",
};
export const SOURCE_TYPE_OPTIONS = Object.keys(SOURCE_TYPE_LABELS) as SourceType[];

/** The sources page: the account's ingestion sources, adding one and renaming. */
export const SourcesModel = createModel(() => {
  const list = pagedList<Source>("/sources");

  const name = signal("");
  const type = signal<SourceType>("ingest-api");
  const adding = signal(false);
  const addError = signal<string | null>(null);
  const nameError = signal<string | null>(null);

  const renaming = signal<string | null>(null);
  const renameDraft = signal("");
  const renameError = signal<string | null>(null);
  const saving = signal(false);
  const notice = signal<string | null>(null);

  return {
    list,
    name: name as ReadonlySignal<string>,
    type: type as ReadonlySignal<SourceType>,
    adding: adding as ReadonlySignal<boolean>,
    addError: addError as ReadonlySignal<string | null>,
    nameError: nameError as ReadonlySignal<string | null>,
    /** The source being renamed, if any. */
    renaming: renaming as ReadonlySignal<string | null>,
    renameDraft: renameDraft as ReadonlySignal<string>,
    renameError: renameError as ReadonlySignal<string | null>,
    saving: saving as ReadonlySignal<boolean>,
    notice: notice as ReadonlySignal<string | null>,

    setName(value: string) {
      name.value = value;
    },
    setType(value: SourceType) {
      type.value = value;
    },

    async add(): Promise<boolean> {
      const body = { name: name.peek().trim(), type: type.peek() };
      nameError.value = body.name ? null : "Name the source, for example after the platform it stands for.";
      addError.value = nameError.peek() ? "Check the highlighted field." : null;
      if (nameError.peek()) return false;
      adding.value = true;
      notice.value = null;
      try {
        const source = await api.post<Source>("/sources", body);
        list.put(source);
        name.value = "";
        notice.value = `“${source.name}” was added. Use its ID when sending data.`;
        return true;
      } catch (e) {
        nameError.value = fieldErrorsOf(e).name ?? null;
        addError.value = messageOf(e);
        return false;
      } finally {
        adding.value = false;
      }
    },

    startRename(source: Source) {
      renaming.value = source.id;
      renameDraft.value = source.name;
      renameError.value = null;
    },
    editRename(value: string) {
      renameDraft.value = value;
    },
    cancelRename() {
      renaming.value = null;
      renameError.value = null;
    },
    async saveRename(source: Source) {
      const newName = renameDraft.peek().trim();
      if (!newName) {
        renameError.value = "Enter a name.";
        return;
      }
      if (newName === source.name) {
        renaming.value = null;
        return;
      }
      saving.value = true;
      renameError.value = null;
      notice.value = null;
      try {
        const renamed = await api.patch<Source>(`/sources/${source.id}`, { name: newName });
        list.put(renamed);
        renaming.value = null;
        notice.value = `Renamed to “${renamed.name}”.`;
      } catch (e) {
        renameError.value = messageOf(e);
      } finally {
        saving.value = false;
      }
    },
  };
});
