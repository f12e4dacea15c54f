import { MetricError, type SourcePosition } from "./metric-errors";

export type TokenKind =
  | "word"
  | "number"
  | "string"
  | "quoted"
  | "arrow"
  | "("
  | ")"
  | ","
  | "+"
  | "-"
  | "*"
  | "/"
  | "="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "eof";

/** One token: its kind, its text as written (a string's or quoted name's content, unescaped) and where it starts. */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: SourcePosition;
}

/** The path separator users see; `->` is accepted as its ASCII spelling. */
export const PATH_SEPARATOR = "⏵";

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";
const isWordStart = (c: string) => isLetter(c) || c === "_" || c === "%";
const isWordPart = (c: string) => isLetter(c) || isDigit(c) || c === "_" || c === "%" || c === "'" || c === ".";

/**
 * Splits a definition into tokens. Words are letters, digits, `_ % ' .` and inner hyphens
 * (`E-mail`); names made of several words are joined by the parser. `#` starts a comment.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: i - lineStart + 1, offset: i });
  const push = (kind: TokenKind, text: string, pos: SourcePosition) => tokens.push({ kind, text, pos });

  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\u00a0") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const pos = here();
    if (c === '"') {
      i++;
      let text = "";
      for (;;) {
        const d = source[i];
        if (d === undefined || d === "\n")
          throw new MetricError("UNTERMINATED_STRING", "the string is not closed with a double quote", pos);
        if (d === "\\" && (source[i + 1] === '"' || source[i + 1] === "\\")) {
          text += source[i + 1];
          i += 2;
          continue;
        }
        i++;
        if (d === '"') break;
        text += d;
      }
      push("string", text, pos);
      continue;
    }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      const end = source.indexOf(close, i + 1);
      const newline = source.indexOf("\n", i + 1);
      if (end < 0 || (newline >= 0 && newline < end)) {
        throw new MetricError("UNTERMINATED_NAME", `the metric name is not closed with "${close}"`, pos);
      }
      push("quoted", source.slice(i + 1, end).trim(), pos);
      i = end + 1;
      continue;
    }
    if (c === PATH_SEPARATOR) {
      i++;
      push("arrow", PATH_SEPARATOR, pos);
      continue;
    }
    if (c === "-" && source[i + 1] === ">") {
      i += 2;
      push("arrow", "->", pos);
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === "<>" || two === "!=" || two === "<=" || two === ">=") {
      i += 2;
      push(two === "!=" ? "<>" : (two as TokenKind), two, pos);
      continue;
    }
    if ("(),+-*/=<>".includes(c)) {
      i++;
      push(c as TokenKind, c, pos);
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(source[i + 1] ?? ""))) {
      let j = i;
      while (isDigit(source[j] ?? "")) j++;
      if (source[j] === "." && isDigit(source[j + 1] ?? "")) {
        j++;
        while (isDigit(source[j] ?? "")) j++;
      }
      // `24h` and `2nd` are words, not a number followed by a word.
      if (isWordStart(source[j] ?? "")) {
        i = scanWord(source, j);
        push("word", source.slice(pos.offset, i), pos);
      } else {
        i = j;
        push("number", source.slice(pos.offset, i), pos);
      }
      continue;
    }
    if (isWordStart(c)) {
      i = scanWord(source, i);
      push("word", source.slice(pos.offset, i), pos);
      continue;
    }
    throw new MetricError("UNEXPECTED_CHARACTER", `unexpected character "${c}"`, pos);
  }
  tokens.push({ kind: "eof", text: "", pos: here() });
  return tokens;
}

function scanWord(source: string, start: number): number {
  let i = start;
  for (;;) {
    const c = source[i] ?? "";
    if (isWordPart(c)) {
      i++;
      continue;
    }
    // An inner hyphen (`E-mail`, `Built-in`) belongs to the word; `a->b` and `a - b` do not.
    const next = source[i + 1] ?? "";
    if (c === "-" && (isLetter(next) || isDigit(next))) {
      i++;
      continue;
    }
    return i;
  }
}
