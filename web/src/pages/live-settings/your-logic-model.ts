import { createModel, type ReadonlySignal, signal } from "@preact/signals";
import { DEFAULT_EXPIRY_SECONDS, type YourLogicSettings } from "../../../../schemas/live";
import { api, fieldErrorsOf, isAbort, messageOf } from "../../api";
import { abortedOnDispose } from "../../lib/paged-list";

type Saved = YourLogicSettings & { secret: string | null };

/** Settings → Your Logic: the endpoint, whether it is on, how long it may take, and its shared secret. */
export const YourLogicModel = createModel(() => {
  const aborted = abortedOnDispose();
  const state = signal<"loading" | "ready" | "error">("loading");
  const loadError = signal<string | null>(null);
  const settings = signal<YourLogicSettings | null>(null);
  const url = signal("");
  const enabled = signal(true);
  const expiry = signal(String(DEFAULT_EXPIRY_SECONDS));
  const saving = signal<"save" | "rotate" | null>(null);
  const error = signal<string | null>(null);
  const fieldErrors = signal<Record<string, string>>({});
  const secret = signal<string | null>(null);
  const notice = signal<string | null>(null);

  const show = (s: YourLogicSettings) => {
    settings.value = s;
    url.value = s.url ?? "";
    enabled.value = s.configured ? s.enabled : true;
    expiry.value = String(s.expirySeconds);
  };

  const load = async () => {
    state.value = "loading";
    try {
      show(await api.get<YourLogicSettings>("/live/your-logic", { signal: aborted }));
      state.value = "ready";
    } catch (e) {
      if (isAbort(e)) return;
      loadError.value = messageOf(e);
      state.value = "error";
    }
  };
  void load();

  const save = async (rotate: boolean) => {
    const expirySeconds = Number(expiry.peek());
    const fields: Record<string, string> = {};
    if (!url.peek().trim()) fields.url = "Enter the address Brine sends events to.";
    if (!Number.isInteger(expirySeconds)) fields.expirySeconds = "Enter a whole number of seconds.";
    fieldErrors.value = fields;
    if (Object.keys(fields).length > 0) {
      error.value = "Check the highlighted fields.";
      return;
    }
    saving.value = rotate ? "rotate" : "save";
    error.value = null;
    notice.value = null;
    try {
      const saved = await api.put<Saved>("/live/your-logic", {
        url: url.peek().trim(),
        enabled: enabled.peek(),
        expirySeconds,
        rotateSecret: rotate,
      });
      const { secret: newSecret, ...rest } = saved;
      show(rest);
      secret.value = newSecret;
      notice.value = rotate ? "A new shared secret was made; the old one no longer works." : "Your Logic was saved.";
    } catch (e) {
      fieldErrors.value = fieldErrorsOf(e);
      error.value = messageOf(e);
    } finally {
      saving.value = null;
    }
  };

  return {
    state: state as ReadonlySignal<typeof state.value>,
    loadError: loadError as ReadonlySignal<string | null>,
    settings: settings as ReadonlySignal<YourLogicSettings | null>,
    url: url as ReadonlySignal<string>,
    enabled: enabled as ReadonlySignal<boolean>,
    expiry: expiry as ReadonlySignal<string>,
    saving: saving as ReadonlySignal<"save" | "rotate" | null>,
    error: error as ReadonlySignal<string | null>,
    fieldErrors: fieldErrors as ReadonlySignal<Record<string, string>>,
    /** The shared secret just made; shown once. */
    secret: secret as ReadonlySignal<string | null>,
    notice: notice as ReadonlySignal<string | null>,
    reload: load,
    setUrl(value: string) {
      url.value = value;
    },
    setEnabled(value: boolean) {
      enabled.value = value;
    },
    setExpiry(value: string) {
      expiry.value = value;
    },
    save: () => save(false),
    rotate: () => save(true),
    dismissSecret() {
      secret.value = null;
    },
  };
});
