/**
 * Python literals: plain UTF-8 strings with only the escapes needed, exact
 * ints of any size, `float('nan')` and friends, lists and dicts.
 * @module
 */

import { floatDigits, hex, type Translator, type ValueNode } from "./_translate_value.ts";

const KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
  "__debug__",
]);

const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

// Escaped: the quote, backslash, control characters (C0, DEL, C1), the
// Unicode line and paragraph separators and the byte order mark.
// deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/g;
const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A double-quoted Python string literal for `text` (well-formed). */
export function pythonString(text: string): string {
  return `"${
    text.replace(NEEDS_ESCAPE, (ch) => {
      const code = ch.charCodeAt(0);
      return SHORT[ch] ?? (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
    })
  }"`;
}

function literal(node: ValueNode): string {
  switch (node.kind) {
    case "null":
      return "None";
    case "boolean":
      return node.value ? "True" : "False";
    case "int":
      return node.value.toString();
    case "float":
      if (Number.isNaN(node.value)) return "float('nan')";
      if (node.value === Infinity) return "float('inf')";
      if (node.value === -Infinity) return "float('-inf')";
      return floatDigits(node.value);
    case "string":
      return pythonString(node.value);
    case "list":
      return `[${node.items.map(literal).join(", ")}]`;
    case "map":
      return `{${node.entries.map(([k, v]) => `${pythonString(k)}: ${literal(v)}`).join(", ")}}`;
  }
}

/** The Python translator. */
export const python: Translator = {
  title: "Python",
  comment: "#",
  nameProblem(name) {
    if (!IDENTIFIER.test(name)) return "is not a valid Python identifier";
    if (KEYWORDS.has(name)) return "is a Python keyword";
    if (name.normalize("NFKC") !== name) {
      return `is not in NFKC form; Python would read it as "${name.normalize("NFKC")}"`;
    }
    return undefined;
  },
  literal,
  assign: (name, node) => `${name} = ${literal(node)}`,
};
