import { describe, expect, it } from "vitest";
import { csvCell, csvRow, neutralise, unneutralise } from "../../workers/export/csv";
import { parseInclude, parseZonedTime } from "../../workers/export/request";

describe("CSV cells", () => {
  it("leave plain text, numbers and empty values alone", () => {
    expect(csvRow(["abc", 1.5, -2, 0, null, undefined, "Ji-woo 김"])).toBe("abc,1.5,-2,0,,,Ji-woo 김\r\n");
  });

  it("quote commas, quotes, CR and LF and double the quotes", () => {
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
  });

  it.each(["=1+1", "+31 6", "-5", "@SUM(A1)", "\tx", "\rx", "'quoted"])("neutralise %j reversibly", (text) => {
    const cell = neutralise(text);
    expect(cell).toBe(`'${text}`);
    expect(unneutralise(cell)).toBe(text);
  });

  it("never alter numbers, even negative ones", () => {
    expect(csvCell(-0.25)).toBe("-0.25");
    expect(csvCell(Number.NaN)).toBe("");
  });
});

describe("export times", () => {
  it.each([
    ["2024-01-01T00:00:00Z", Date.UTC(2024, 0, 1)],
    ["2024-01-01T01:00:00+01:00", Date.UTC(2024, 0, 1)],
    ["2024-01-01T01:00:00+0100", Date.UTC(2024, 0, 1)],
    ["2023-12-31T19:00:00-05:00", Date.UTC(2024, 0, 1)],
    ["2024-01-01T01:00:00 01:00", Date.UTC(2024, 0, 1)],
    ["2024-01-01T00:00Z", Date.UTC(2024, 0, 1)],
    ["2024-01-01T00:00:00.250z", Date.UTC(2024, 0, 1) + 250],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("read %s", (text, ms) => {
    expect(parseZonedTime(text)).toBe(ms);
  });

  it.each([
    "2024-01-01T00:00:00",
    "2024-01-01",
    "2023-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:60:00Z",
    "2024-01-01T00:00:00+24:00",
    "1704067200",
    "",
  ])("refuse %j", (text) => {
    expect(parseZonedTime(text)).toBeUndefined();
  });
});

describe("include", () => {
  it("defaults to every data set in file order", () => {
    expect(parseInclude(undefined)).toEqual(["engagement", "customer", "turn", "review", "agent"]);
  });

  it("orders, trims, lower-cases and de-duplicates", () => {
    expect(parseInclude("agent, Turn ,TURN,engagement")).toEqual(["engagement", "turn", "agent"]);
  });

  it.each([
    ["", "EMPTY_INCLUDE"],
    [",", "EMPTY_INCLUDE"],
    ["turns", "INVALID_INCLUDE"],
  ])("refuses %j with %s", (text, code) => {
    expect(() => parseInclude(text)).toThrow(expect.objectContaining({ code }));
  });
});
