/**
 * R literals: `NULL`, `TRUE`/`FALSE`, doubles with `NaN`/`Inf`/`-Inf`,
 * strings with escapes, `list(...)` with names for objects.
 * @module
 */

import { hex, type Translator, unrenderable, type ValueNode } from "./_translate_value.ts";

const RESERVED = new Set([
  "if",
  "else",
  "repeat",
  "while",
  "function",
  "for",
  "next",
  "break",
  "TRUE",
  "FALSE",
  "NULL",
  "Inf",
  "NaN",
  "NA",
  "NA_integer_",
  "NA_real_",
  "NA_character_",
  "NA_complex_",
  "in",
  "...",
]);

const IDENTIFIER = /^(?:\p{L}|\.(?![0-9]))[\p{L}\p{N}._]*$/u;
// deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/g;
const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};
const MAX_EXACT = 2n ** 53n;

function rString(text: string, node: ValueNode): string {
  if (text.includes("\0")) {
    unrenderable(node, "contains a NUL character, which R strings cannot hold");
  }
  return `"${
    text.replace(NEEDS_ESCAPE, (ch) => {
      const code = ch.charCodeAt(0);
      return SHORT[ch] ?? (code < 0x80 ? `\\x${hex(code, 2)}` : `\\u{${hex(code, 4)}}`);
    })
  }"`;
}

function literal(node: ValueNode): string {
  switch (node.kind) {
    case "null":
      return "NULL";
    case "boolean":
      return node.value ? "TRUE" : "FALSE";
    case "int":
      if (node.value > MAX_EXACT || node.value < -MAX_EXACT) {
        unrenderable(
          node,
          `is ${node.value}, beyond 2^53; R numbers are doubles and cannot hold it exactly ` +
            "(pass it as a string)",
        );
      }
      return node.value.toString();
    case "float":
      if (Number.isNaN(node.value)) return "NaN";
      if (node.value === Infinity) return "Inf";
      if (node.value === -Infinity) return "-Inf";
      return Object.is(node.value, -0) ? "-0" : String(node.value);
    case "string":
      return rString(node.value, node);
    case "list":
      return `list(${node.items.map(literal).join(", ")})`;
    case "map":
      if (node.entries.length === 0) return "structure(list(), names = character(0))";
      return `list(${
        node.entries.map(([key, value]) => {
          if (key === "") unrenderable(node, "has an empty key, which R list names cannot be");
          return `${rString(key, node)} = ${literal(value)}`;
        }).join(", ")
      })`;
  }
}

/** The R translator. */
export const r: Translator = {
  title: "R",
  comment: "#",
  nameProblem(name) {
    if (!IDENTIFIER.test(name)) return "is not a syntactic R name";
    if (RESERVED.has(name) || /^\.\.[0-9]+$/.test(name)) return "is a reserved word in R";
    return undefined;
  },
  literal,
  assign: (name, node) => `${name} = ${literal(node)}`,
};
