/**
 * Julia literals: `nothing`, exact integers (Int128/BigInt literals when
 * large), Float64 with `NaN`/`Inf`/`-Inf`, strings with `$` escaped,
 * `Any[...]` vectors and `Dict{String,Any}(...)`.
 * @module
 */

import { floatDigits, hex, type Translator, type ValueNode } from "./_translate_value.ts";

const KEYWORDS = new Set([
  "baremodule",
  "begin",
  "break",
  "catch",
  "const",
  "continue",
  "do",
  "else",
  "elseif",
  "end",
  "export",
  "false",
  "finally",
  "for",
  "function",
  "global",
  "if",
  "import",
  "let",
  "local",
  "macro",
  "module",
  "quote",
  "return",
  "struct",
  "true",
  "try",
  "using",
  "while",
  "where",
  "in",
  "isa",
]);

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_!]*$/u;
// deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\$\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/g;
const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  $: "\\$",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function juliaString(text: string): string {
  return `"${
    text.replace(NEEDS_ESCAPE, (ch) => {
      const code = ch.charCodeAt(0);
      return SHORT[ch] ?? (code < 0x80 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
    })
  }"`;
}

function literal(node: ValueNode): string {
  switch (node.kind) {
    case "null":
      return "nothing";
    case "boolean":
      return String(node.value);
    case "int":
      return node.value.toString();
    case "float":
      if (Number.isNaN(node.value)) return "NaN";
      if (node.value === Infinity) return "Inf";
      if (node.value === -Infinity) return "-Inf";
      return floatDigits(node.value);
    case "string":
      return juliaString(node.value);
    case "list":
      return `Any[${node.items.map(literal).join(", ")}]`;
    case "map":
      return `Dict{String,Any}(${
        node.entries.map(([k, v]) => `${juliaString(k)} => ${literal(v)}`).join(", ")
      })`;
  }
}

/** The Julia translator. */
export const julia: Translator = {
  title: "Julia",
  comment: "#",
  nameProblem(name) {
    if (!IDENTIFIER.test(name)) return "is not a valid Julia identifier";
    if (KEYWORDS.has(name)) return "is a Julia keyword";
    if (/^_+$/.test(name)) return "is write-only in Julia (all underscores)";
    return undefined;
  },
  literal,
  assign: (name, node) => `${name} = ${literal(node)}`,
};
