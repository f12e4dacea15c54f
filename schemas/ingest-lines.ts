import { z } from "zod";
import { ENTITY_DATASET, type LineShape, lineProperties, propertyOf } from "../workers/ingest/format";
import { DATASETS, ENTITIES } from "../workers/model/catalog";
import { LIMITS } from "../workers/model/types";

/**
 * The zod schema of one line of an ingest file, derived from the model catalog. It describes
 * the ideal line; the pipeline is more forgiving (it trims long attributes and ignores
 * non-numeric facts with a warning) as the Ingest API rules say.
 */
export function lineSchema(shape: LineShape) {
  const properties: Record<string, z.ZodType> = {
    sourceId: z.uuid().nullable().optional().describe("Overrides the uploader's ingestion source for this line."),
  };
  for (const field of lineProperties(shape)) {
    let type: z.ZodType;
    switch (field.kind) {
      case "attribute":
        type = z.string().max(LIMITS.attributeChars);
        break;
      case "text":
        type = z.string().describe("Up to 64 KiB of UTF-8.");
        break;
      case "enumeration":
        type = z.enum(field.values as [string, ...string[]]);
        break;
      case "fact":
        type = field.type === "int" ? z.int32() : field.type === "duration" ? z.number().min(0) : z.number();
        break;
      case "date":
        type = z.iso.datetime({ offset: true });
        break;
      case "flag":
        type = z.boolean();
        break;
      default:
        type = z.string().min(1).max(LIMITS.attributeChars);
    }
    const property = propertyOf(field);
    const unit = field.kind === "fact" && field.type === "duration" ? " Seconds." : "";
    const described = type.describe(`${field.label}: ${field.description}${unit}`);
    properties[property] = property === shape.externalKey ? described : described.nullable().optional();
  }
  return z.object(properties);
}

/** Every file name the Ingest API reads, with the JSON Schema of its lines. */
export function ingestFileSchemas(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const dataset of DATASETS) {
    files[`${dataset.name}.jsonl`] = {
      ...z.toJSONSchema(lineSchema(dataset), { io: "input" }),
      title: `${dataset.label} (${dataset.name}.jsonl)`,
      description: dataset.description,
    };
  }
  for (const entity of ENTITIES) {
    for (const file of entity.files) {
      files[`${file}.jsonl`] = {
        ...z.toJSONSchema(lineSchema(ENTITY_DATASET), { io: "input" }),
        title: `${entity.label} (${file}.jsonl)`,
        description: `${entity.description} Referenced by ${referencesTo(entity.kind).join(", ")}.`,
      };
    }
  }
  return files;
}

/** The data-set properties that point at an entity kind, like `engagement.queueExternalId`. */
export function referencesTo(kind: string): string[] {
  return DATASETS.flatMap((d) =>
    d.fields.filter((f) => f.kind === "entity" && f.entity === kind).map((f) => `${d.name}.${propertyOf(f)}`),
  );
}
