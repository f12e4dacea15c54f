import { Unzip, type UnzipFile, UnzipInflate } from "fflate";
import type { Bindings } from "../env";
import { sourcePid } from "../lib/ids";

const snake = (key: string) => key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

/** The columns and values the pipeline would write for a bench line, computed the plain way. */
function row(accountId: string, sourceId: string, dataset: string, record: Record<string, unknown>) {
  const names = ["account_id", "pid", "source_id"];
  const values: (string | number | null)[] = [
    accountId,
    sourcePid(accountId, sourceId, dataset, String(record.externalId)),
    sourceId,
  ];
  for (const [key, value] of Object.entries(record)) {
    if (key.endsWith("ExternalId")) {
      const target = key.slice(0, -"ExternalId".length);
      names.push(`${snake(target)}_pid`);
      values.push(sourcePid(accountId, sourceId, target, String(value)));
    } else {
      names.push(snake(key));
      values.push(
        typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)
          ? Date.parse(value) / 1000
          : (value as string | number),
      );
    }
  }
  return [names, values] as const;
}

/**
 * The benchmark's baseline: the same ZIP from R2, unzipped and parsed the same way, written
 * with plain batched INSERTs of the same columns, without validation, upsert, Technical Log
 * or checkpoints. `npm run bench` compares the real pipeline against it.
 */
export async function bareInsert(env: Bindings, accountId: string, sourceId: string, objectKey: string) {
  const object = await env.FILES.get(objectKey);
  if (!object) throw new Error(`no object ${objectKey}`);
  const started = Date.now();
  let rows = 0;
  let pending: D1PreparedStatement[] = [];
  const lines: { dataset: string; text: string }[] = [];
  const unzip = new Unzip((file: UnzipFile) => {
    const dataset = file.name.replace(/\.jsonl$/, "");
    const decoder = new TextDecoder();
    let partial = "";
    file.ondata = (_err, chunk, final) => {
      const text = partial + decoder.decode(chunk, { stream: !final });
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const t of parts) if (t) lines.push({ dataset, text: t });
      if (final && partial) lines.push({ dataset, text: partial });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length > 0) await env.DB.batch(batch);
  };
  const reader = object.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (value) {
      for (let i = 0; i < value.length; i += 8192) {
        unzip.push(value.subarray(i, i + 8192), false);
        for (const { dataset, text } of lines.splice(0)) {
          const [names, values] = row(accountId, sourceId, dataset, JSON.parse(text) as Record<string, unknown>);
          pending.push(
            env.DB.prepare(
              `INSERT INTO "${dataset}" (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
            ).bind(...values),
          );
          rows++;
          if (pending.length >= 400) await flush();
        }
      }
    }
    if (done) break;
  }
  unzip.push(new Uint8Array(0), true);
  await flush();
  return { rows, ms: Date.now() - started };
}
