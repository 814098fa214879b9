/**
 * Python parameter inspection with papermill's semantics
 * (`name[: annotation] = value  # [type: T] help`, multi-line values joined,
 * statements with more than one top-level `=` skipped), on top of a small
 * scanner that knows strings, comments and brackets, so `#` or `=` inside a
 * string do not confuse it.
 * @module
 */

/** One declared parameter (see inspect.ts). */
export interface RawParameter {
  name: string;
  type: string;
  default: string;
  help: string;
}

interface LogicalLine {
  /** Code of each physical line, comments removed. */
  lines: string[];
  /** Comment of the last physical line (without `#`), if any. */
  comment: string | undefined;
  /** Top-level plain `=` positions as [line index, column]. */
  equals: [number, number][];
}

/** Splits Python source into logical lines (brackets, strings and `\` continue a line). */
function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine = { lines: [""], comment: undefined, equals: [] };
  let depth = 0;
  let quote: string | undefined; // "'", '"', "'''" or '"""' while inside a string
  const append = (text: string) => {
    current.lines[current.lines.length - 1] += text;
  };
  const newPhysical = () => {
    current.lines.push("");
    current.comment = undefined;
  };
  const endLogical = () => {
    out.push(current);
    current = { lines: [""], comment: undefined, equals: [] };
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote !== undefined) {
      if (ch === "\\" && i + 1 < source.length) {
        const next = source[i + 1]!;
        if (next === "\n") {
          append("\\");
          newPhysical();
        } else append(ch + next);
        i++;
        continue;
      }
      if (ch === "\n") {
        if (quote.length === 1) quote = undefined; // unterminated: stop at the line end
        if (quote === undefined && depth === 0) endLogical();
        else newPhysical();
        continue;
      }
      if (source.startsWith(quote, i)) {
        append(quote);
        i += quote.length - 1;
        quote = undefined;
        continue;
      }
      append(ch);
      continue;
    }
    switch (ch) {
      case "#": {
        const end = source.indexOf("\n", i);
        const stop = end < 0 ? source.length : end;
        current.comment = source.slice(i + 1, stop);
        i = stop - 1;
        continue;
      }
      case "'":
      case '"':
        quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        append(quote);
        i += quote.length - 1;
        continue;
      case "\\":
        if (source[i + 1] === "\n") {
          newPhysical();
          i++;
          continue;
        }
        break;
      case "(":
      case "[":
      case "{":
        depth++;
        break;
      case ")":
      case "]":
      case "}":
        depth = Math.max(0, depth - 1);
        break;
      case "\n":
        if (depth === 0) endLogical();
        else newPhysical();
        continue;
      case "=": {
        const prev = source[i - 1] ?? "";
        const next = source[i + 1] ?? "";
        if (depth === 0 && next !== "=" && !"=!<>:+-*/%&|^@".includes(prev)) {
          current.equals.push([current.lines.length - 1, current.lines.at(-1)!.length]);
        } else if (next === "=") {
          append("==");
          i++;
          continue;
        }
        break;
      }
    }
    append(ch);
  }
  endLogical();
  return out;
}

const NAME = /^[\p{L}\p{Nl}_][\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]*$/u;

/** Parameters declared in a Python parameters cell, in order. */
export function inspectPython(source: string): RawParameter[] {
  const params: RawParameter[] = [];
  for (const logical of logicalLines(source.replaceAll("\r\n", "\n"))) {
    if (logical.equals.length !== 1) continue;
    const [line, column] = logical.equals[0]!;
    const lhs = [...logical.lines.slice(0, line), logical.lines[line]!.slice(0, column)]
      .map((l) => l.trim()).join("");
    const rhs = [logical.lines[line]!.slice(column + 1), ...logical.lines.slice(line + 1)]
      .map((l) => l.trim()).join("");
    const colon = lhs.indexOf(":");
    const name = (colon < 0 ? lhs : lhs.slice(0, colon)).trim();
    if (!NAME.test(name)) continue;
    const annotation = colon < 0 ? "" : unquote(lhs.slice(colon + 1).trim());
    const { typeComment, help } = splitHelp(logical.comment);
    const value = rhs.trim();
    params.push({
      name,
      type: annotation || typeComment || inferPythonType(value),
      default: value,
      help,
    });
  }
  return params;
}

function unquote(text: string): string {
  const match = /^(['"])(.*)\1$/.exec(text);
  return match ? match[2]!.trim() : text;
}

function splitHelp(comment: string | undefined): { typeComment: string; help: string } {
  const text = (comment ?? "").trim();
  const match = /^type:\s*(\S*)\s*(.*)$/.exec(text);
  return match
    ? { typeComment: match[1]!, help: match[2]!.trim() }
    : { typeComment: "", help: text };
}

const INT = /^[-+]?(?:\d(?:_?\d)*|0[xX](?:_?[\da-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)$/;
const FLOAT =
  /^[-+]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][-+]?\d+)?|\d(?:_?\d)*\.?(?:[eE][-+]?\d+)?)$/;
const FLOAT_CALL = /^float\(\s*(['"])[-+]?(?:nan|inf|infinity)\1\s*\)$/i;

/** Type name of a Python literal's source text, or "unknown". */
export function inferPythonType(value: string): string {
  if (value === "None") return "None";
  if (value === "True" || value === "False") return "bool";
  if (INT.test(value)) return "int";
  if (FLOAT.test(value) || FLOAT_CALL.test(value)) return "float";
  const str = /^([rRuUbBfF]{0,2})(['"])/.exec(value);
  if (str) return /[bB]/.test(str[1]!) ? "bytes" : "str";
  if (value.startsWith("[")) return "list";
  if (value.startsWith("{")) return value === "{}" || value.includes(":") ? "dict" : "set";
  if (value.startsWith("(") && value.endsWith(")")) {
    return value === "()" || value.includes(",") ? "tuple" : "unknown";
  }
  return "unknown";
}
