import { describe, expect, it } from "vitest";
import { MetricError } from "../../workers/analytics/metric-errors";
import { tokenize } from "../../workers/analytics/metric-lexer";

const kinds = (source: string) => tokenize(source).map((t) => t.kind);
const texts = (source: string) => tokenize(source).map((t) => t.text);

function lexError(source: string): MetricError {
  try {
    tokenize(source);
  } catch (error) {
    if (error instanceof MetricError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("the metric lexer", () => {
  it("reads ⏵ and -> as the same path separator", () => {
    expect(kinds("Engagement ⏵ Type")).toEqual(["word", "arrow", "word", "eof"]);
    expect(kinds("Engagement->Type")).toEqual(["word", "arrow", "word", "eof"]);
    expect(kinds("Engagement -> Type")).toEqual(["word", "arrow", "word", "eof"]);
  });

  it("keeps inner hyphens, dots, apostrophes and % in words, but not a spaced minus", () => {
    expect(texts("Agent ⏵ Agent E-mail")).toEqual(["Agent", "⏵", "Agent", "E-mail", ""]);
    expect(texts("Logged-in Time - 5")).toEqual(["Logged-in", "Time", "-", "5", ""]);
    expect(texts("Service Level %")).toEqual(["Service", "Level", "%", ""]);
    expect(texts("Avg. Agent's")).toEqual(["Avg.", "Agent's", ""]);
  });

  it("reads numbers, and a number glued to letters as a word", () => {
    expect(
      tokenize("0.9 .5 42")
        .filter((t) => t.kind === "number")
        .map((t) => t.text),
    ).toEqual(["0.9", ".5", "42"]);
    expect(kinds("90th Percentile")).toEqual(["word", "word", "eof"]);
  });

  it("reads operators, including != as <>", () => {
    expect(kinds("= <> != < <= > >= + - * / ( ) ,")).toEqual([
      "=",
      "<>",
      "<>",
      "<",
      "<=",
      ">",
      ">=",
      "+",
      "-",
      "*",
      "/",
      "(",
      ")",
      ",",
      "eof",
    ]);
  });

  it("reads strings with escaped quotes and backslashes", () => {
    const [token] = tokenize('"say \\"hi\\" \\\\ now"');
    expect(token).toMatchObject({ kind: "string", text: 'say "hi" \\ now' });
  });

  it("reads {…} and […] as quoted metric names", () => {
    expect(tokenize("{Cost / Hour} [Agent Engagements]").slice(0, 2)).toMatchObject([
      { kind: "quoted", text: "Cost / Hour" },
      { kind: "quoted", text: "Agent Engagements" },
    ]);
  });

  it("skips # comments to the end of the line, but not inside strings", () => {
    expect(texts('SELECT # a comment "x"\n COUNT')).toEqual(["SELECT", "COUNT", ""]);
    expect(tokenize('"#not a comment"')[0]?.text).toBe("#not a comment");
  });

  it("gives every token its line and column", () => {
    const tokens = tokenize("SELECT\n  COUNT(Engagement)");
    expect(tokens[1]?.pos).toEqual({ line: 2, column: 3, offset: 9 });
    expect(tokens[3]?.pos).toMatchObject({ line: 2, column: 9 });
  });

  it("refuses unterminated strings and names, and stray characters, with their place", () => {
    expect(lexError('SELECT COUNT(Engagement)\nWHERE Engagement ⏵ Type = "Agent').message).toBe(
      "Line 2, column 27: the string is not closed with a double quote",
    );
    expect(lexError("SELECT {Agent Engagements").metricCode).toBe("UNTERMINATED_NAME");
    const stray = lexError("SELECT COUNT(Engagement) ; 1");
    expect(stray.metricCode).toBe("UNEXPECTED_CHARACTER");
    expect(stray.message).toBe('Line 1, column 26: unexpected character ";"');
  });
});
