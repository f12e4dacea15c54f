import { getTableColumns } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../workers/db/schema";
import { columnOf, DATASETS, dataset, ENTITIES } from "../../workers/model/catalog";

const tables = new Map(
  Object.values(schema)
    .filter((t: unknown): t is SQLiteTable => typeof t === "object" && t !== null && "getSQL" in t)
    .map((t) => [(t as unknown as { [k: symbol]: string })[Symbol.for("drizzle:Name")], t]),
);

describe("the model catalog", () => {
  it.each(DATASETS.map((d) => [d.name, d] as const))("%s has unique keys, labels and columns", (_, d) => {
    const keys = d.fields.map((f) => f.key);
    const labels = d.fields.map((f) => f.label);
    const columns = d.fields.map((f) => f.column);
    expect(keys.length - new Set(keys).size).toBe(0);
    expect(labels.length - new Set(labels).size).toBe(0);
    expect(columns.length - new Set(columns).size).toBe(0);
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))("%s maps every field to a drizzle column", (_, d) => {
    const table = tables.get(d.table);
    expect(table, `table ${d.table}`).toBeDefined();
    const columns = new Set(Object.values(getTableColumns(table as SQLiteTable)).map((c) => c.name));
    expect(d.fields.filter((f) => !columns.has(f.column)).map((f) => f.column)).toEqual([]);
  });

  it("has an external key and a PID or reference on every data set", () => {
    for (const d of DATASETS) {
      expect(
        d.fields.some((f) => f.key === d.externalKey || f.key === "turn"),
        d.name,
      ).toBe(true);
    }
  });

  it("gives enumerations non-empty, unique allowed values", () => {
    for (const d of DATASETS) {
      for (const f of d.fields) {
        if (f.kind !== "enumeration") continue;
        expect(f.values.length, `${d.name}.${f.key}`).toBeGreaterThan(0);
        expect(new Set(f.values).size).toBe(f.values.length);
      }
    }
  });

  it("carries the attributes the published metrics name", () => {
    const label = (name: Parameters<typeof dataset>[0], l: string) => dataset(name).fields.find((f) => f.label === l);
    const state = label("agent", "State");
    expect(state?.kind === "enumeration" && state.values).toContain("Active");
    const type = label("engagement", "Type");
    expect(type?.kind === "enumeration" && type.values).toEqual(expect.arrayContaining(["Agent", "Queue"]));
    expect(label("engagement", "Conversation")?.kind).toBe("reference");
    const serviceLevel = label("engagement", "Service Level");
    expect(serviceLevel?.kind === "enumeration" && serviceLevel.values).toContain("Ignore");
  });

  it("names a stored entity kind for every entity field", () => {
    const kinds = new Set(ENTITIES.map((e) => e.kind));
    for (const d of DATASETS) for (const f of d.fields) if (f.kind === "entity") expect(kinds.has(f.entity)).toBe(true);
  });

  it("covers every engagement column of the Export API (seed 004)", () => {
    const exportOnly = new Set([
      "pid",
      "agent_name",
      "contact_pid",
      "contact_name",
      "conversation_id",
      "source",
      "channel",
      "queue",
      "team",
      "department",
      "outcome",
      "outcome_category",
      "campaign",
      "menu_path",
      "service",
      "company_contact",
      "external_agent_name",
    ]);
    const seedColumns = `external_id name link agent_pid conversation_start_time start_time end_time
      conversation_external_id channel_type direction status type outcome_type service_level terminated_by initiated_by
      resolution reason reason_category case_name platform language channel_vendor category priority flow brand
      topic_category topic attribute_01 attribute_02 attribute_03 attribute_04 agent_location agent_role
      agent_organization cost engagement_time focus_time hold_time invitation_time menu_time preparation_time wait_time
      wrap_up_time total_time engagement_fact_01 engagement_fact_02 engagement_fact_03 wait_for_customer_time
      order_agent_engagements total_conversation_agent_engagements adaptability adherence clarity completeness
      customer_satisfaction empathy expressed_satisfaction language_skills persuasion severity understanding`.split(
      /\s+/,
    );
    const columns = new Set(dataset("engagement").fields.map((f) => f.column));
    expect(seedColumns.filter((c) => !exportOnly.has(c) && !columns.has(c))).toEqual([]);
  });
});

describe("columnOf", () => {
  it.each([
    ["wrapUpTime", "wrap_up_time"],
    ["attribute01", "attribute_01"],
    ["engagementFact03", "engagement_fact_03"],
    ["pid", "pid"],
  ])("%s → %s", (key, column) => {
    expect(columnOf(key)).toBe(column);
  });
});
