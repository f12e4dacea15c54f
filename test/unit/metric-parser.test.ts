import { describe, expect, it } from "vitest";
import { metricNames } from "../../workers/analytics/metric-compiler";
import { METRIC_LIMITS, MetricError } from "../../workers/analytics/metric-errors";
import { type AtomNode, type CondNode, parseMetric, type SelectNode } from "../../workers/analytics/metric-parser";

const NAMES = metricNames(
  new Map([
    ["Agent Engagements", ""],
    ["Agent Conversations", ""],
    ["Agent Engagements Tagged as Reviewed", ""],
    ["Service Level %", ""],
    ["Cost / Hour", ""],
    ["Time in Queue", ""],
  ]),
);

const parse = (source: string) => parseMetric(source, { metrics: NAMES });

function parseError(source: string): MetricError {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof MetricError) return error;
    throw error;
  }
  throw new Error(`expected an error for ${source}`);
}

const atom = (cond: CondNode | undefined): AtomNode => {
  if (cond?.kind !== "atom") throw new Error("not an atom");
  return cond;
};

describe("parsing the published definitions", () => {
  it('SELECT COUNT(Agent) WHERE Agent ⏵ State IN ("Active")', () => {
    const tree = parse('SELECT COUNT(Agent) WHERE Agent ⏵ State IN ("Active")');
    expect(tree.expr).toMatchObject({ kind: "aggregate", fn: "COUNT", arg: { kind: "rows", path: { text: "Agent" } } });
    expect(atom(tree.where)).toMatchObject({ op: "in", values: ["Active"], path: { text: "Agent ⏵ State" } });
  });

  it("SELECT COUNT(Engagement ⏵ Conversation) counts distinct conversations", () => {
    const tree = parse('SELECT COUNT(Engagement ⏵ Conversation) WHERE Engagement ⏵ Type IN ("Agent")');
    expect(tree.expr).toMatchObject({
      kind: "aggregate",
      arg: { kind: "distinct", path: { text: "Engagement ⏵ Conversation" } },
    });
  });

  it("SELECT AVG(SELECT Agent Conversations BY Customer) nests a SELECT with BY", () => {
    const tree = parse("SELECT AVG(SELECT Agent Conversations BY Customer)");
    expect(tree.expr).toMatchObject({
      kind: "aggregate",
      fn: "AVG",
      arg: {
        kind: "nested",
        select: { expr: { kind: "metric", name: "Agent Conversations" }, by: [{ kind: "dataset", text: "Customer" }] },
      },
    });
  });

  it("resolves metric names with spaces by the longest match", () => {
    const tree = parse("SELECT Agent Engagements Tagged as Reviewed / Agent Engagements");
    expect(tree.expr).toMatchObject({
      kind: "binary",
      op: "/",
      left: { kind: "metric", name: "Agent Engagements Tagged as Reviewed" },
      right: { kind: "metric", name: "Agent Engagements" },
    });
    const filtered = parse('SELECT Agent Engagements WHERE Engagement ⏵ Service Level IN ("Ignore")');
    expect(filtered.expr).toMatchObject({ kind: "metric", name: "Agent Engagements" });
    expect(atom(filtered.where).path.text).toBe("Engagement ⏵ Service Level");
  });

  it("accepts names containing keywords, and quoted names with any character", () => {
    expect(parse("SELECT Time in Queue * 2").expr).toMatchObject({ left: { name: "Time in Queue" } });
    expect(parse("SELECT {Cost / Hour} + [service level %]").expr).toMatchObject({
      left: { name: "Cost / Hour" },
      right: { name: "Service Level %" },
    });
  });
});

describe("syntax", () => {
  it("is case-insensitive for keywords and labels", () => {
    const tree = parse('select count(engagement) where ENGAGEMENT ⏵ service level = "Met"');
    expect(atom(tree.where).path.text).toBe("Engagement ⏵ Service Level");
  });

  it("reads -> like ⏵, and skips comments", () => {
    const a = parse('SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent"');
    const b = parse('# agent engagements\nSELECT COUNT(Engagement) # count\nWHERE Engagement->Type = "Agent" # done');
    expect(atom(b.where)).toMatchObject({ path: { kind: "field", text: atom(a.where).path.text }, values: ["Agent"] });
  });

  it("gives * and / precedence over + and -, and honours parentheses and unary minus", () => {
    const tree = parse("SELECT 1 + 2 * -3 - (4 - 5) / 6");
    expect(tree.expr).toMatchObject({
      op: "-",
      left: { op: "+", left: { value: 1 }, right: { op: "*", left: { value: 2 }, right: { kind: "negate" } } },
      right: { op: "/", left: { op: "-" }, right: { value: 6 } },
    });
  });

  it("gives AND precedence over OR, and NOT over both", () => {
    const tree = parse(
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "Agent" OR NOT Engagement ⏵ Type = "Bot" AND Engagement ⏵ Wait Time > 10',
    );
    expect(tree.where).toMatchObject({ kind: "or", right: { kind: "and", left: { kind: "not" } } });
  });

  it("parses every comparison, NOT IN, and negative numbers", () => {
    const ops = ["=", "<>", "<", "<=", ">", ">="].map(
      (op) => atom(parse(`SELECT COUNT(Engagement) WHERE Engagement ⏵ Wait Time ${op} -5`).where).op,
    );
    expect(ops).toEqual(["=", "<>", "<", "<=", ">", ">="]);
    const notIn = atom(parse('SELECT COUNT(Engagement) WHERE Engagement ⏵ Type NOT IN ("Bot", "Queue")').where);
    expect(notIn).toMatchObject({ op: "not in", values: ["Bot", "Queue"] });
  });

  it("reads dates as ISO strings or Unix seconds", () => {
    const tree = parse('SELECT COUNT(Engagement) WHERE Engagement ⏵ Start Time >= "2024-03-05"');
    expect(atom(tree.where).values).toEqual([Date.UTC(2024, 2, 5) / 1000]);
  });

  it("parses WITH PARENT FILTER, WITH PF EXCEPT and WITHOUT PARENT FILTER", () => {
    expect(parse("SELECT Agent Engagements WITH PARENT FILTER").parent).toEqual({ mode: "with", except: [] });
    const except = parse("SELECT Agent Engagements WITH PF EXCEPT Engagement ⏵ Queue, Agent ⏵ Team").parent;
    expect(except.mode === "with" && except.except.map((p) => p.text)).toEqual(["Engagement ⏵ Queue", "Agent ⏵ Team"]);
    expect(parse("SELECT Agent Engagements WITHOUT PARENT FILTER").parent.mode).toBe("without");
  });

  it("parses PERCENTILE's fraction and an aggregate's data set", () => {
    expect(parse("SELECT PERCENTILE(Engagement ⏵ Wait Time, 0.9)").expr).toMatchObject({
      fn: "PERCENTILE",
      fraction: 0.9,
    });
    expect(parse("SELECT SUM(Agent ⏵ Cost per Engagement, Engagement)").expr).toMatchObject({
      over: { text: "Engagement" },
    });
    expect(parse("SELECT PERCENTILE(SELECT Agent Engagements BY Agent, 0.5)").expr).toMatchObject({ fraction: 0.5 });
  });

  it("parses arithmetic over facts inside an aggregate", () => {
    const tree = parse(
      "SELECT AVG(Engagement ⏵ Preparation Time + Engagement ⏵ Engagement Time + Engagement ⏵ Wrap Up Time)",
    );
    expect(tree.expr).toMatchObject({ arg: { kind: "facts", expr: { kind: "binary", op: "+" } } });
  });

  it("matches the longest field label, even one containing a keyword", () => {
    const tree = parse('SELECT COUNT(Engagement) WHERE Engagement ⏵ Terminated By IN ("Agent")');
    expect(atom(tree.where).path.text).toBe("Engagement ⏵ Terminated By");
  });

  it("parses a sub-SELECT in parentheses as an inline metric", () => {
    const tree = parse("SELECT (SELECT COUNT(Review) WHERE Review ⏵ Answer Score >= 4) / COUNT(Review)");
    expect(tree.expr).toMatchObject({ left: { kind: "select" }, right: { kind: "aggregate" } });
  });
});

describe("errors name the line and column", () => {
  const cases: [string, string, string][] = [
    [
      'SELECT COUNT(Engagement)\nWHERE Engagement ⏵ Colour = "red"',
      "UNKNOWN_ATTRIBUTE",
      'Line 2, column 7: unknown attribute "Engagement ⏵ Colour"',
    ],
    ["SELECT COUNT(Engagment)", "UNKNOWN_DATASET", 'Line 1, column 14: unknown data set "Engagment"'],
    [
      'SELECT COUNT(Engagement) WHERE Engagment ⏵ Type = "x"',
      "UNKNOWN_DATASET",
      'Line 1, column 32: unknown data set "Engagment"',
    ],
    ["SELECT Agent Engagement WHERE 1", "UNKNOWN_METRIC", 'Line 1, column 8: unknown metric "Agent Engagement"'],
    ["SELECT {No Such Metric}", "UNKNOWN_METRIC", 'Line 1, column 8: unknown metric "No Such Metric"'],
    ["SELECT COUNT(Engagement", "SYNTAX_ERROR", 'Line 1, column 24: expected ")" but found the end'],
    ["COUNT(Engagement)", "SYNTAX_ERROR", 'Line 1, column 1: expected SELECT but found "COUNT"'],
    ["", "SYNTAX_ERROR", "Line 1, column 1: expected SELECT but found the end"],
    [
      "SELECT COUNT(Engagement) Agent",
      "SYNTAX_ERROR",
      'Line 1, column 26: expected the end of the definition but found "Agent"',
    ],
    [
      "SELECT COUNT(Engagement) WHERE Engagement ⏵ Type",
      "SYNTAX_ERROR",
      "Line 1, column 49: expected =, <>, IN, NOT IN, <, <=, > or >= after Engagement ⏵ Type but found the end",
    ],
    [
      "SELECT COUNT(Engagement) WHERE Engagement ⏵ Type IN ()",
      "SYNTAX_ERROR",
      'Line 1, column 54: expected a value: a "string" or a number but found ")"',
    ],
    [
      "SELECT SUM(Engagement ⏵ Type)",
      "TYPE_ERROR",
      'Line 1, column 12: SUM needs a fact; "Engagement ⏵ Type" is an attribute (count it with COUNT(Engagement ⏵ Type))',
    ],
    [
      "SELECT AVG(Engagement)",
      "TYPE_ERROR",
      'Line 1, column 12: AVG needs a fact such as Engagement ⏵ Wait Time; "Engagement" is a data set (count it with COUNT)',
    ],
    [
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type < "Agent"',
      "TYPE_ERROR",
      'Line 1, column 32: "Engagement ⏵ Type" is an attribute and cannot be compared with "<"; use = or IN (only facts and dates compare with <, <=, >, >=)',
    ],
    [
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Wait Time = "long"',
      "TYPE_ERROR",
      'Line 1, column 57: "Engagement ⏵ Wait Time" is a fact and compares with numbers, not strings',
    ],
    [
      "SELECT Engagement ⏵ Wait Time",
      "TYPE_ERROR",
      'Line 1, column 8: "Engagement ⏵ Wait Time" is a fact, not a metric: aggregate it, for example SUM(Engagement ⏵ Wait Time)',
    ],
    [
      "SELECT Engagement",
      "TYPE_ERROR",
      'Line 1, column 8: "Engagement" is a data set, not a metric: count it with COUNT(Engagement)',
    ],
    ["SELECT COUNT(Turn)", "NOT_REPORTABLE", "Line 1, column 14: Turn is not available for reporting"],
    [
      "SELECT COUNT(Engagement ⏵ Recording)",
      "TYPE_ERROR",
      'Line 1, column 14: "Engagement ⏵ Recording" is free text and cannot be counted',
    ],
    [
      "SELECT PERCENTILE(Engagement ⏵ Wait Time, 1.5)",
      "INVALID_VALUE",
      "Line 1, column 43: the percentile must be from 0 to 1, like 0.9; found 1.5",
    ],
    [
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Start Time > "yesterday"',
      "INVALID_VALUE",
      'Line 1, column 58: "yesterday" is not a date; write "2024-03-05" or "2024-03-05T08:00:00Z"',
    ],
    [
      "SELECT AVG(SELECT Agent Conversations)",
      "SYNTAX_ERROR",
      "Line 1, column 12: AVG over a metric needs BY: AVG(SELECT … BY Customer) computes the metric per customer first",
    ],
    [
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Type = "A" WHERE Engagement ⏵ Type = "B"',
      "DUPLICATE_CLAUSE",
      "Line 1, column 56: a SELECT has at most one WHERE",
    ],
    [
      'SELECT COUNT(Engagement) WHERE Engagement ⏵ Agent ⏵ Team = "x"',
      "SYNTAX_ERROR",
      "Line 1, column 51: a path has two parts, Data set ⏵ Field; write the field on its own data set, like Agent ⏵ Team",
    ],
  ];

  it.each(cases)("%s", (source, code, message) => {
    const error = parseError(source);
    expect(error.metricCode).toBe(code);
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
  });

  it(`caps IN lists at ${METRIC_LIMITS.inListValues} values`, () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `"v${i}"`).join(", ");
    expect(() => parse(`SELECT COUNT(Engagement) WHERE Engagement ⏵ Topic IN (${values(1000)})`)).not.toThrow();
    const error = parseError(`SELECT COUNT(Engagement) WHERE Engagement ⏵ Topic IN (${values(1001)})`);
    expect(error.metricCode).toBe("IN_LIST_TOO_LONG");
    expect(error.message).toMatch(/^Line 1, column 55: an IN list may have at most 1000 values$/);
  });

  it("refuses nesting and operator counts SQLite could not take", () => {
    const deep = parseError(`SELECT ${"(".repeat(40)}1${")".repeat(40)}`);
    expect(deep.metricCode).toBe("TOO_COMPLEX");
    expect(deep.message).toBe("Line 1, column 41: parentheses, NOT and signs nest at most 32 deep");
    expect(() => parse(`SELECT ${"(".repeat(30)}1${")".repeat(30)}`)).not.toThrow();
    expect(parseError(`SELECT 1${" + 1".repeat(201)}`).metricCode).toBe("TOO_COMPLEX");
    expect(() => parse(`SELECT 1${" + 1".repeat(200)}`)).not.toThrow();
  });

  it("refuses definitions over the size cap", () => {
    expect(parseError(`SELECT 1${" ".repeat(METRIC_LIMITS.definitionChars)}`).metricCode).toBe("TOO_COMPLEX");
  });
});

it("keeps the published definitions' trees free of positions from other lines", () => {
  const tree: SelectNode = parse('SELECT\n  COUNT(Engagement)\nWHERE\n  Engagement ⏵ Type = "Agent"');
  expect(tree.expr.pos).toMatchObject({ line: 2, column: 3 });
  expect(atom(tree.where).pos).toMatchObject({ line: 4, column: 3 });
});
