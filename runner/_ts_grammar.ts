/**
 * The bits of TypeScript/JavaScript grammar the assignment scanner needs:
 * operator and keyword classes, and where a line break does not end a
 * statement (automatic semicolon insertion).
 * @module
 */
import type { Token } from "./_ts_tokens.ts";

export const ASSIGN_OPS = new Set([
  "=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "**=",
  "<<=",
  ">>=",
  ">>>=",
  "&=",
  "|=",
  "^=",
  "&&=",
  "||=",
  "??=",
]);
export const BINARY_OPS = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "==",
  "!=",
  "===",
  "!==",
  "<",
  "<=",
  ">=",
  "<<",
  ">>",
  ">>>",
  "&",
  "|",
  "^",
  "&&",
  "||",
  "??",
  "?",
  ":",
  ",",
  ".",
  "?.",
  "=>",
];
/**
 * A line cannot end after these (the expression is incomplete). `>` is left
 * out (it usually closes a generic), and so is `!` (a non-null assertion).
 */
export const OPERAND_EXPECTED = new Set([...ASSIGN_OPS, ...BINARY_OPS, "~", "...", "(", "[", "{"]);
export const OPERAND_EXPECTED_WORDS = new Set([
  "new",
  "typeof",
  "void",
  "delete",
  "await",
  "yield",
  "in",
  "of",
  "instanceof",
  "as",
  "satisfies",
  "extends",
  "keyof",
  "case",
]);
/** A line starting with these continues the previous one. */
export const CONTINUATION = new Set([...ASSIGN_OPS, ...BINARY_OPS, ">", "(", "["]);
export const CONTINUATION_WORDS = new Set(["instanceof", "in", "as", "satisfies"]);
export const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await undefined NaN Infinity")
    .split(" "),
);
export const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
export const CLOSERS = new Set([")", "]", "}"]);
export const AFTER_GENERIC = new Set([
  "(",
  ")",
  "]",
  "}",
  ",",
  ";",
  ".",
  "?.",
  "=",
  "==",
  "===",
  "!=",
  "!==",
  ":",
]);
export const IN_GENERIC = new Set([
  ",",
  ".",
  "?",
  ":",
  "|",
  "&",
  "=>",
  "...",
  "-",
  "[",
  "(",
  "{",
  "<",
  ">",
  ">>",
  ">>>",
]);

/** Whether a line break between `prev` and `next` continues the statement (no ASI). */
export function continues(prev: Token, next: Token): boolean {
  if (prev.kind === "punct" && OPERAND_EXPECTED.has(prev.value)) return true;
  if (prev.kind === "ident" && OPERAND_EXPECTED_WORDS.has(prev.value)) return true;
  if (prev.kind === "ident" && ["return", "throw", "break", "continue"].includes(prev.value)) {
    return false;
  }
  if (next.kind === "tpl") return true;
  if (next.kind === "punct" && CONTINUATION.has(next.value)) return true;
  return next.kind === "ident" && CONTINUATION_WORDS.has(next.value);
}
