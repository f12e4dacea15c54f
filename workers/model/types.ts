/** Limits the logical model enforces on every value (seed 000 "Logical Model", ARCHITECTURE §4). */
export const LIMITS = {
  /** Attribute and label values longer than this are trimmed with a warning. */
  attributeChars: 100,
  /** Text values (conversation content, comments) are capped at 64 KiB of UTF-8. */
  textBytes: 64 * 1024,
  int32Min: -2_147_483_648,
  int32Max: 2_147_483_647,
  /** Dates are stored to the second and reported at minute granularity. */
  dateGranularitySeconds: 1,
} as const;

export type DatasetName =
  | "activity"
  | "agent"
  | "answer"
  | "customer"
  | "customer_contact"
  | "engagement"
  | "external_agent"
  | "question"
  | "review"
  | "reviewer"
  | "service"
  | "transaction"
  | "turn"
  | "turn_content";

/** Kinds stored in the shared `entity` table. */
export type EntityKind =
  | "queue"
  | "team"
  | "department"
  | "outcome"
  | "outcome_category"
  | "channel"
  | "campaign"
  | "company_contact"
  | "menu_path"
  | "turn_category";

/** Targets a reference may point at: a data set, or a conversation (a PID shared by engagements). */
export type ReferenceTarget = DatasetName | "conversation";

interface FieldBase {
  /** camelCase property name, as in ingest files and API payloads. */
  key: string;
  /** snake_case column in D1. */
  column: string;
  /** Name users see in the app and write in metrics (`Engagement ⏵ Channel Type`). */
  label: string;
  description: string;
}

export interface PidField extends FieldBase {
  kind: "pid";
}
/** A segmentable value up to 100 characters. */
export interface AttributeField extends FieldBase {
  kind: "attribute";
}
/** Free text up to 64 KiB; never used for segmentation. */
export interface TextField extends FieldBase {
  kind: "text";
}
/** An attribute restricted to the listed values; anything else rejects the record. */
export interface EnumerationField extends FieldBase {
  kind: "enumeration";
  values: readonly string[];
}
/** A number: int32, decimal, or a duration in seconds. */
export interface FactField extends FieldBase {
  kind: "fact";
  type: "int" | "decimal" | "duration";
}
/** An ISO 8601 time, stored as Unix seconds. */
export interface DateField extends FieldBase {
  kind: "date";
}
/** A boolean flag. */
export interface FlagField extends FieldBase {
  kind: "flag";
}
/** The PID of another item, resolved from `<key>ExternalId` in ingest files. */
export interface ReferenceField extends FieldBase {
  kind: "reference";
  target: ReferenceTarget;
}
/** The PID of an entity (queue, team, …), resolved from `<key>ExternalId`. */
export interface EntityField extends FieldBase {
  kind: "entity";
  entity: EntityKind;
}

export type Field =
  | PidField
  | AttributeField
  | TextField
  | EnumerationField
  | FactField
  | DateField
  | FlagField
  | ReferenceField
  | EntityField;

export interface Dataset {
  name: DatasetName;
  label: string;
  description: string;
  /** The D1 table holding the items. */
  table: string;
  /** Whether metrics and visualizations may read it (turns and content may not). */
  reportable: boolean;
  /** Property that identifies an item in the source system (required on ingest). */
  externalKey: string;
  /** Other properties an ingest line must carry (for example a contact's customer). */
  requires?: readonly string[];
  fields: readonly Field[];
}

export interface EntityDescription {
  kind: EntityKind;
  label: string;
  description: string;
  /** Ingest file names that carry this entity's ids and names (seed 000, §5.1). */
  files: readonly string[];
}
