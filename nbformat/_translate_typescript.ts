/**
 * TypeScript and JavaScript literals (`const name = value;`): JSON strings,
 * `123n` bigints, `NaN`/`Infinity`/`-0`, arrays and objects with quoted keys.
 * @module
 */

import type { Translator, ValueNode } from "./_translate_value.ts";

// Reserved words, strict-mode reserved words, and the global constants that
// cannot be redeclared.
const RESERVED = new Set([
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "arguments",
  "eval",
  "undefined",
  "NaN",
  "Infinity",
]);

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

function literal(node: ValueNode): string {
  switch (node.kind) {
    case "null":
      return "null";
    case "boolean":
      return String(node.value);
    case "int":
      return node.bigint ? `${node.value}n` : node.value.toString();
    case "float":
      return Object.is(node.value, -0) ? "-0" : String(node.value);
    case "string":
      return JSON.stringify(node.value);
    case "list":
      return `[${node.items.map(literal).join(", ")}]`;
    case "map":
      return `{${
        node.entries.map(([key, value]) =>
          // A quoted "__proto__" key would set the prototype; a computed one is a property.
          `${key === "__proto__" ? '["__proto__"]' : JSON.stringify(key)}: ${literal(value)}`
        ).join(", ")
      }}`;
  }
}

/** Builds the TypeScript or JavaScript translator. */
function make(title: string): Translator {
  return {
    title,
    comment: "//",
    nameProblem(name) {
      if (!IDENTIFIER.test(name)) return `is not a valid ${title} identifier`;
      if (RESERVED.has(name)) return `is a reserved word in ${title}`;
      return undefined;
    },
    literal,
    assign: (name, node, declaration = "const") => `${declaration} ${name} = ${literal(node)};`,
  };
}

/** The TypeScript translator. */
export const typescript: Translator = make("TypeScript");

/** The JavaScript translator. */
export const javascript: Translator = make("JavaScript");
