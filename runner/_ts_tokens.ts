/**
 * A small TypeScript/JavaScript tokenizer for the assignment scanner: it
 * knows strings, template literals (with nested `${}` code), comments,
 * regular expression literals, numbers, identifiers and punctuators, and
 * records whether a line break precedes each token (for ASI).
 * @module
 */

/** Token kinds. Keywords are `ident` tokens. */
export type TokenKind = "ident" | "num" | "str" | "tpl" | "regex" | "punct" | "eof";

/** One token: `value` is its source text, `[start, end)` its offsets. */
export interface Token {
  kind: TokenKind;
  value: string;
  start: number;
  end: number;
  /** A line break (or a comment containing one) comes before this token. */
  nl: boolean;
}

const PUNCTUATORS = [
  ">>>=",
  "...",
  "===",
  "!==",
  "**=",
  "<<=",
  ">>=",
  ">>>",
  "&&=",
  "||=",
  "??=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
];

const IDENT = /[$_\p{ID_Start}][$\u200c\u200d\p{ID_Continue}]*/uy;
const NUMBER =
  /(?:0[xXbBoO][\da-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;
const WORDS_BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
  "extends",
]);
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** Splits source text into tokens; the last token is always `eof`. Never throws. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  lex(source, 0, tokens, false);
  return tokens;
}

/**
 * Lexes from `pos`. With `inTemplate`, stops after the `}` that closes a
 * template substitution and returns the offset after it. Tokens are only
 * collected at the top level (`into` non-null).
 */
function lex(src: string, pos: number, into: Token[] | null, inTemplate: boolean): number {
  let i = pos;
  let nl = false;
  let depth = 0;
  let prev: Token | null = null;
  const push = (kind: TokenKind, start: number, end: number) => {
    const token: Token = { kind, value: src.slice(start, end), start, end, nl };
    prev = token;
    nl = false;
    into?.push(token);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (LINE_BREAK.test(c)) {
      nl = true;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && !LINE_BREAK.test(src[i]!)) i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const close = src.indexOf("*/", i + 2);
      const end = close < 0 ? src.length : close + 2;
      if (LINE_BREAK.test(src.slice(i, end))) nl = true;
      i = end;
      continue;
    }
    if (c === "#" && i === 0 && src[1] === "!") {
      while (i < src.length && !LINE_BREAK.test(src[i]!)) i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      push("str", start, i = scanString(src, i));
    } else if (c === "`") {
      push("tpl", start, i = scanTemplate(src, i));
    } else if (/\d/.test(c) || (c === "." && /\d/.test(src[i + 1] ?? ""))) {
      push("num", start, i = Math.max(matchEnd(NUMBER, src, i), i + 1));
    } else if (matchEnd(IDENT, src, i) > i) {
      push("ident", start, i = matchEnd(IDENT, src, i));
    } else if (c === "#" && matchEnd(IDENT, src, i + 1) > i + 1) {
      push("ident", start, i = matchEnd(IDENT, src, i + 1));
    } else if (c === "/" && regexAllowed(prev)) {
      push("regex", start, i = scanRegex(src, i));
    } else {
      const p = PUNCTUATORS.find((q) => src.startsWith(q, i)) ?? c;
      i += p.length;
      if (inTemplate) {
        if (p === "{") depth++;
        else if (p === "}") {
          if (depth === 0) return i;
          depth--;
        }
      }
      push("punct", start, i);
    }
  }
  if (into !== null) {
    into.push({ kind: "eof", value: "", start: src.length, end: src.length, nl: true });
  }
  return src.length;
}

/** End offset of a sticky regex match at `i`, or -1. */
function matchEnd(re: RegExp, src: string, i: number): number {
  re.lastIndex = i;
  return re.test(src) ? re.lastIndex : -1;
}

function regexAllowed(prev: Token | null): boolean {
  if (prev === null) return true;
  if (prev.kind === "ident") return WORDS_BEFORE_REGEX.has(prev.value);
  if (prev.kind !== "punct") return false;
  return ![")", "]", "}", "++", "--"].includes(prev.value);
}

function scanString(src: string, i: number): number {
  const quote = src[i];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j]!;
    if (c === "\\") j += 2;
    else if (c === quote) return j + 1;
    else if (c === "\n" || c === "\r") return j; // unterminated: stop at the line end
    else j++;
  }
  return src.length;
}

function scanTemplate(src: string, i: number): number {
  let j = i + 1;
  while (j < src.length) {
    const c = src[j]!;
    if (c === "\\") j += 2;
    else if (c === "`") return j + 1;
    else if (c === "$" && src[j + 1] === "{") j = lex(src, j + 2, null, true);
    else j++;
  }
  return src.length;
}

function scanRegex(src: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < src.length) {
    const c = src[j]!;
    if (c === "\\") j += 2;
    else if (LINE_BREAK.test(c)) return j;
    else if (c === "[" || c === "]") {
      inClass = c === "[";
      j++;
    } else if (c === "/" && !inClass) {
      j++;
      while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
      return j;
    } else j++;
  }
  return src.length;
}
