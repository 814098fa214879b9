/**
 * TypeScript / JavaScript parameter inspection:
 * `[export] const|let|var name[: Type] = value; // help`, several declarators
 * per statement allowed. A small scanner handles strings, template literals,
 * comments and brackets; statements end at `;` or at a line end outside
 * brackets (unless the line ends with an operator).
 * @module
 */

import type { RawParameter } from "./_inspect_python.ts";

interface Statement {
  /** Code without comments. */
  code: string;
  /** Offsets in `code` of top-level commas. */
  commas: number[];
  /** The `//` comment on the statement's last line, if any. */
  comment: string | undefined;
}

function statements(source: string): Statement[] {
  const out: Statement[] = [];
  let current: Statement = { code: "", commas: [], comment: undefined };
  // Context stack: "(" "[" "{" brackets, "${" a template expression.
  const stack: string[] = [];
  let quote: string | undefined; // "'", '"' or "`"
  let justEnded: Statement | undefined; // ended by ";" on this physical line
  const end = () => {
    if (current.code.trim() !== "") out.push(current);
    justEnded = current;
    current = { code: "", commas: [], comment: undefined };
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote !== undefined) {
      if (ch === "\\" && i + 1 < source.length) {
        current.code += ch + source[i + 1]!;
        i++;
      } else if (ch === quote) {
        current.code += ch;
        quote = undefined;
      } else if (quote === "`" && ch === "$" && source[i + 1] === "{") {
        current.code += "${";
        stack.push("${");
        quote = undefined;
        i++;
      } else if (ch === "\n" && quote !== "`") {
        quote = undefined; // unterminated string: stop at the line end
        i--;
      } else {
        current.code += ch;
      }
      continue;
    }
    if (ch === "/" && source[i + 1] === "/") {
      const stop = source.indexOf("\n", i) < 0 ? source.length : source.indexOf("\n", i);
      const text = source.slice(i + 2, stop);
      if (current.code.trim() === "" && justEnded) justEnded.comment = text;
      else current.comment = text;
      i = stop - 1;
      continue;
    }
    if (ch === "/" && source[i + 1] === "*") {
      const stop = source.indexOf("*/", i + 2);
      i = stop < 0 ? source.length : stop + 1;
      current.code += " ";
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      quote = ch;
      current.code += ch;
      continue;
    }
    if (ch === "(" || ch === "[" || ch === "{") stack.push(ch);
    if (ch === ")" || ch === "]") stack.pop();
    if (ch === "}") {
      if (stack.pop() === "${") {
        current.code += ch;
        quote = "`";
        continue;
      }
    }
    if (ch === "\n" && stack.length > 0) current.comment = undefined;
    if (stack.length === 0) {
      if (ch === ";") {
        end();
        continue;
      }
      if (ch === "\n") {
        justEnded = undefined;
        if (!/(?:[=,+\-*/%&|^?:.([{<>!~]|=>)\s*$/.test(current.code)) end();
        else current.comment = undefined;
        current.code += ch;
        continue;
      }
      if (ch === ",") current.commas.push(current.code.length);
    }
    current.code += ch;
  }
  end();
  return out;
}

const DECLARATION = /^\s*(?:export\s+)?(?:declare\s+)?(const|let|var)\s/;
const DECLARATOR = /^\s*([\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*)\s*(?=[:=!]|$)/u;

/** A top-level declaration keyword. */
export type DeclarationKind = "const" | "let" | "var";

/** Parameters declared in a TypeScript or JavaScript parameters cell, in order. */
export function inspectTypeScript(source: string): RawParameter[] {
  return scanDeclarations(source).map(({ kind: _kind, ...param }) => param);
}

/**
 * The keyword of each top-level declaration in `source` (first one wins).
 * Deno's kernel lets a later cell redeclare a name only with the same keyword.
 */
export function declarationKinds(source: string): Map<string, DeclarationKind> {
  const kinds = new Map<string, DeclarationKind>();
  for (const { name, kind } of scanDeclarations(source)) {
    if (!kinds.has(name)) kinds.set(name, kind);
  }
  return kinds;
}

function scanDeclarations(source: string): (RawParameter & { kind: DeclarationKind })[] {
  const params: (RawParameter & { kind: DeclarationKind })[] = [];
  for (const statement of statements(source.replaceAll("\r\n", "\n"))) {
    const head = DECLARATION.exec(statement.code);
    if (!head) continue;
    const start = head[0].length;
    // Split the declarator list at top-level commas; a piece that does not
    // start like a declarator (e.g. `number>` of `Map<string, number>`) is
    // glued back to the previous one.
    const pieces: string[] = [];
    let from = start;
    for (const comma of [...statement.commas.filter((c) => c > start), statement.code.length]) {
      const piece = statement.code.slice(from, comma);
      if (pieces.length > 0 && !DECLARATOR.test(piece)) pieces[pieces.length - 1] += "," + piece;
      else pieces.push(piece);
      from = comma + 1;
    }
    const help = (statement.comment ?? "").trim();
    for (const piece of pieces) {
      const name = DECLARATOR.exec(piece);
      if (!name) continue;
      const rest = piece.slice(name[0].length);
      const eq = findAssign(rest);
      const annotation = rest.slice(0, eq < 0 ? rest.length : eq).replace(/^!?\s*:?/, "").trim();
      // Multi-line values are joined line by line, as papermill does for Python.
      const value = eq < 0 ? "" : rest.slice(eq + 1).split("\n").map((l) => l.trim()).join("");
      params.push({
        kind: head[1] as DeclarationKind,
        name: name[1]!,
        type: annotation || inferTypeScriptType(value),
        default: value,
        help,
      });
    }
  }
  return params;
}

/** Offset of the `=` that starts the initializer (skipping `=>`, `==` in types). */
function findAssign(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ("([{<".includes(ch)) depth++;
    else if (")]}".includes(ch) || (ch === ">" && text[i - 1] !== "=")) {
      depth = Math.max(0, depth - 1);
    } else if (ch === "=" && depth === 0 && text[i + 1] !== ">" && text[i + 1] !== "=") return i;
  }
  return -1;
}

const NUMBER =
  /^[-+]?(?:\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|0[xXoObB][\da-fA-F_]+|NaN|Infinity)$/;

/** Type name of a TypeScript literal's source text, or "unknown". */
export function inferTypeScriptType(value: string): string {
  const text = value.replace(/\s+as\s+const$/, "").trim();
  if (text === "") return "unknown";
  if (NUMBER.test(text)) return "number";
  if (/^-?\d(?:_?\d)*n$|^0[xXoObB][\da-fA-F_]+n$/.test(text)) return "bigint";
  if (/^['"`]/.test(text)) return "string";
  if (text === "true" || text === "false") return "boolean";
  if (text === "null") return "null";
  if (text === "undefined") return "undefined";
  if (text.startsWith("[")) return "array";
  if (text.startsWith("{")) return "object";
  return "unknown";
}
