/**
 * Bash assignments: strings single-quoted, numbers and booleans as words,
 * arrays as `(a b)`, null as `unset name`. Objects, nested arrays, NUL
 * characters and non-finite numbers have no bash form and are errors.
 * @module
 */

import { type Translator, unrenderable, type ValueNode } from "./_translate_value.ts";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quote(text: string, node: ValueNode): string {
  if (text.includes("\0")) {
    unrenderable(node, "contains a NUL character, which bash variables cannot hold");
  }
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A bash word for `node`; a top-level list becomes an array `(a b)`. */
function literal(node: ValueNode, top = true): string {
  switch (node.kind) {
    case "null":
      return unrenderable(
        node,
        top
          ? "is null; bash has no null value (as a parameter it unsets the variable)"
          : "is null; bash arrays cannot hold null",
      );
    case "boolean":
      return String(node.value);
    case "int":
      return node.value.toString();
    case "float":
      if (!Number.isFinite(node.value)) {
        unrenderable(node, `is ${node.value}, which bash cannot express (it has no floats)`);
      }
      return Object.is(node.value, -0) ? "-0" : String(node.value);
    case "string":
      return quote(node.value, node);
    case "list":
      if (!top) return unrenderable(node, "is a list inside a list; bash arrays cannot nest");
      return `(${node.items.map((item) => literal(item, false)).join(" ")})`;
    case "map":
      return unrenderable(
        node,
        "is an object; bash has no dictionaries (pass it as a JSON string)",
      );
  }
}

/** The bash translator. */
export const bash: Translator = {
  title: "bash",
  comment: "#",
  nameProblem(name) {
    return IDENTIFIER.test(name) ? undefined : "is not a valid bash variable name";
  },
  literal: (node) => literal(node),
  assign: (name, node) => node.kind === "null" ? `unset ${name}` : `${name}=${literal(node)}`,
};
