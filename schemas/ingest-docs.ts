import { ENTITY_DATASET, lineProperties, MAX_LINE_BYTES, propertyOf } from "../workers/ingest/format";
import { INGEST_LIMITS, ZIP_LIMITS } from "../workers/ingest/limits";
import { DATASETS, ENTITIES } from "../workers/model/catalog";
import { type Field, LIMITS } from "../workers/model/types";
import { referencesTo } from "./ingest-lines";

function typeOf(field: Field): string {
  switch (field.kind) {
    case "attribute":
      return `text ≤ ${LIMITS.attributeChars}`;
    case "text":
      return "text ≤ 64 KiB";
    case "enumeration":
      return "enumeration";
    case "fact":
      return field.type === "int" ? "integer (int32)" : field.type === "duration" ? "number, seconds" : "number";
    case "date":
      return "ISO 8601 time";
    case "flag":
      return "true / false";
    case "reference":
      return `id of ${field.target.replace("_", " ")}`;
    case "entity":
      return `id of ${field.entity.replace("_", " ")}`;
    case "pid":
      return "PID";
  }
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** docs/ingest-format.md, generated from the model catalog and the pipeline's own limits. */
export function ingestFormatMarkdown(): string {
  const out: string[] = [];
  out.push(
    "# Ingest data format",
    "",
    "_Generated from `schemas/` and the model catalog by `npm run docs`; do not edit by hand._",
    "The same line shapes are served as JSON Schema at `GET /api/v1/ingest/schema`.",
    "",
    "## The batch",
    "",
    `One ZIP (at most ${INGEST_LIMITS.maxBatchBytes / 1e9} GB) holds JSONL files named after what they load:`,
    "",
    "- `{dataset}.jsonl` for the items of a data set, for example `engagement.jsonl`;",
    "- `{dataset}_{entity}.jsonl` for entity ids and names, for example `engagement_queue.jsonl`;",
    "- either may be gzipped as `.jsonl.gz`. Folders inside the ZIP are fine (`data/agent.jsonl`).",
    "",
    "Each line is one JSON object with camelCase properties. References to other items end in",
    "`ExternalId` and hold the id the item has in your system; Brine turns every id into a",
    "permanent UUID (PID) derived from (account, source, data set, id), so an engagement may",
    "arrive before its agent, and uploading the same data again changes nothing.",
    "Any property may be `null` except the line's own id. A `sourceId` property overrides the",
    "ingestion source of the upload for that line.",
    "",
    "## Rules",
    "",
    "| what | result |",
    "|---|---|",
    `| attribute longer than ${LIMITS.attributeChars} characters | trimmed; warning \`ATTRIBUTE_TRIMMED\` |`,
    "| text longer than 64 KiB | trimmed; warning `TEXT_TRIMMED` |",
    '| fact that is not a JSON number (also `"12"` in quotes) | ignored; warning `FACT_NOT_NUMERIC` |',
    "| integer fact outside int32, negative duration | ignored; warning `FACT_OUT_OF_RANGE` / `NEGATIVE_DURATION` |",
    "| enumeration value not in the list (case is forgiven) | line rejected: `UNSUPPORTED_VALUE` |",
    "| time not ISO 8601 with seconds and a zone (`2024-05-01T09:00:00Z`) | line rejected: `INVALID_DATE` |",
    "| missing or empty id | line rejected: `MISSING_EXTERNAL_ID` |",
    "| line that is not JSON, or not an object | line rejected: `MALFORMED_JSON` / `NOT_AN_OBJECT` |",
    `| line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB | line rejected: \`LINE_TOO_LONG\` |`,
    "| unknown property | ignored; warning `UNKNOWN_PROPERTY` |",
    "| unknown file name, nested archive | file skipped; warning `UNKNOWN_FILE` / `NESTED_ARCHIVE` |",
    "| file name with `..` or an absolute path | file refused: `UNSAFE_PATH` |",
    "",
    "Every warning and rejection is written to the Technical Log with the batch, file, line,",
    "property and value (`GET /api/v1/technical-log?batchId=…`). A rejected line never stops the",
    "rest of its file. Upserts are additive: a property present in the line overwrites the stored",
    "value, an absent one keeps it.",
    "",
    "## Limits",
    "",
    `- ${INGEST_LIMITS.batchesPerWindow.toLocaleString("en")} batches and ${INGEST_LIMITS.bytesPerWindow / 1e9} GB per account per 15 minutes (\`429\` with \`Retry-After\`).`,
    `- At most ${ZIP_LIMITS.maxEntries.toLocaleString("en")} files per ZIP and ${ZIP_LIMITS.maxInflatedBytes / 1024 ** 3} GiB inflated; an archive that inflates more than ${ZIP_LIMITS.maxRatio}× is stopped as a zip bomb (\`ZIP_BOMB\`). Inflated bytes are counted, never read from headers.`,
    `- Upload links expire after ${INGEST_LIMITS.linkSeconds / 60} minutes and work once.`,
    "",
    "## Upload",
    "",
    "```sh",
    "curl -X POST https://<brine>/api/v1/ingest/upload-url \\",
    "  -H 'Authorization: Bearer <API key with the ingest scope>' \\",
    "  -H 'Content-Type: application/json' -d '{\"ingestionSourceId\": \"<source id>\"}'",
    '# → {"uploadUrl": "…", "batchId": "…", "expiresAt": "…"}',
    "curl -X PUT '<uploadUrl>' --data-binary @batch.zip",
    "curl https://<brine>/api/v1/ingest/batches/<batchId> -H 'Authorization: Bearer <key>'",
    "```",
    "",
    "Or `npx brine ingest <zip or folder> --url … --key … --source …`, which zips a folder,",
    "uploads with a progress bar and prints the batch's counts and Technical Log.",
    "",
    "## Files",
    "",
  );
  for (const dataset of DATASETS) {
    out.push(`### \`${dataset.name}.jsonl\` — ${dataset.label}`, "", dataset.description, "");
    out.push("| property | type | description |", "|---|---|---|");
    for (const field of lineProperties(dataset)) {
      const property = propertyOf(field);
      const required =
        property === dataset.externalKey || dataset.requires?.includes(property) ? " **(required)**" : "";
      const values = field.kind === "enumeration" ? ` One of: ${field.values.map((v) => `\`${v}\``).join(", ")}.` : "";
      out.push(`| \`${property}\`${required} | ${typeOf(field)} | ${cell(`${field.description}${values}`)} |`);
    }
    out.push("");
  }
  out.push("### Entity files", "", "Every entity file has the same two properties:", "");
  out.push("| property | type | description |", "|---|---|---|");
  for (const field of lineProperties(ENTITY_DATASET)) {
    const required = field.key === ENTITY_DATASET.externalKey ? " **(required)**" : "";
    out.push(`| \`${field.key}\`${required} | ${typeOf(field)} | ${cell(field.description)} |`);
  }
  out.push("", "| file | entity | referenced by |", "|---|---|---|");
  for (const entity of ENTITIES) {
    for (const file of entity.files) {
      out.push(
        `| \`${file}.jsonl\` | ${entity.label} | ${referencesTo(entity.kind)
          .map((r) => `\`${r}\``)
          .join(", ")} |`,
      );
    }
  }
  out.push("");
  return out.join("\n");
}
