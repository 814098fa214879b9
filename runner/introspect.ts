/**
 * Variables of an executed notebook: the introspection snippet run in the
 * kernel after the last cell, its parsed result, scrapbook `glue` outputs,
 * and the merge that feeds chaining.
 * @module
 */
import type { JsonValue } from "../nbformat/types.ts";
import { pythonIntrospectionCode } from "./_introspect_python.ts";
import { typescriptIntrospectionCode } from "./_introspect_typescript.ts";

export { scrapbookScraps } from "./_scrapbook.ts";

/**
 * A top-level variable of an executed notebook. `value` is JSON-like; a big
 * integer is a `bigint`, NaN and infinities are numbers, and a value that
 * JSON cannot carry is `{type, repr}` (plus `shape` for arrays and frames).
 */
export interface Variable {
  /** The name, or `Out[n]` for a cell's displayed value, or `result` for the last of those. */
  name: string;
  /** Source of the statement that last assigned it. */
  operation: string;
  /** The latest value. */
  value: unknown;
  /** The value's type name in the kernel's language (e.g. `int`, `pandas.core.frame.DataFrame`, `Map`). */
  type: string;
  /** Index of the cell of `operation` in the notebook, or null if unknown. */
  cell: number | null;
}

/** A code cell that ran, as introspection needs it. */
export interface ExecutedCell {
  /** Index in the notebook's cells. */
  index: number;
  /** The source that was executed. */
  source: string;
  /** The kernel's execution count for it (Python reads `Out[n]` with it). */
  executionCount: number | null;
}

/** Options of {@linkcode introspectionCode}. */
export interface IntrospectionOptions {
  /** Largest JSON encoding of one value (default 64 KiB); bigger values become `{type, repr}`. */
  maxValueBytes?: number;
}

/** The marker that starts the snippet's one line of JSON on stdout. */
export const INTROSPECTION_MARKER = "__NBCHAIN_VARS__";

/** Default {@linkcode IntrospectionOptions.maxValueBytes}: 64 KiB. */
export const DEFAULT_MAX_VALUE_BYTES: number = 64 * 1024;

/**
 * Introspection could not be set up or its output could not be read.
 *
 * @example
 * ```ts
 * import { IntrospectionError, parseIntrospectionResult } from "./introspect.ts";
 * try {
 *   parseIntrospectionResult("python", "no marker here");
 * } catch (error) {
 *   if (error instanceof IntrospectionError) console.error(error.message);
 * }
 * ```
 */
export class IntrospectionError extends Error {
  /** The kernel language involved. */
  readonly language: string;

  /** Creates the error; `options.cause` keeps the lower error. */
  constructor(message: string, language: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "IntrospectionError";
    this.language = language;
  }
}

type Flavour = "python" | "typescript";

function flavour(language: string): Flavour | null {
  const lang = language.toLowerCase();
  if (lang === "python" || lang === "python3") return "python";
  if (
    ["typescript", "javascript", "typescriptreact", "javascriptreact", "ts", "js", "tsx", "jsx"]
      .includes(lang)
  ) {
    return "typescript";
  }
  return null;
}

/**
 * Whether {@linkcode introspectionCode} supports a kernel language.
 *
 * @example
 * ```ts
 * import { supportsIntrospection } from "./introspect.ts";
 * supportsIntrospection("python"); // true
 * supportsIntrospection("R"); // false
 * ```
 */
export function supportsIntrospection(language: string): boolean {
  return flavour(language) !== null;
}

/**
 * The code to run in the kernel (`silent: true, store_history: false`) after
 * the notebook: it prints {@linkcode INTROSPECTION_MARKER} and one line of
 * JSON to stdout, and leaves the user's namespace as it was.
 * Throws {@linkcode IntrospectionError} for an unsupported language.
 *
 * @example
 * ```ts
 * import { introspectionCode } from "./introspect.ts";
 * const code = introspectionCode("python", [{ index: 0, source: "x = 1", executionCount: 1 }]);
 * // send `code` with silent=true, store_history=false; collect stdout
 * ```
 */
export function introspectionCode(
  language: string,
  cells: ExecutedCell[],
  options: IntrospectionOptions = {},
): string {
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 0) {
    throw new RangeError(
      `Cannot build the introspection code: maxValueBytes is "${maxValueBytes}", not a size`,
    );
  }
  switch (flavour(language)) {
    case "python":
      return pythonIntrospectionCode(INTROSPECTION_MARKER, {
        cells: cells.map((c) => ({ index: c.index, source: c.source, count: c.executionCount })),
        maxValueBytes,
      });
    case "typescript":
      return typescriptIntrospectionCode(INTROSPECTION_MARKER, cells, maxValueBytes);
    default:
      throw new IntrospectionError(
        `Cannot extract variables: no introspection for kernel language "${language}"; ` +
          `nbchain supports python, typescript and javascript`,
        language,
      );
  }
}

/**
 * Parses the stdout of the introspection snippet. Finds the marker, parses
 * the JSON after it (up to the end of that line), checks its shape and
 * decodes tagged values (`{"$bigint"}` to bigint, `{"$float"}` to NaN,
 * ±Infinity or -0). Throws {@linkcode IntrospectionError} when the marker is
 * missing, the JSON is invalid or malformed, or the snippet reported a failure.
 *
 * @example
 * ```ts
 * import { parseIntrospectionResult } from "./introspect.ts";
 * const vars = parseIntrospectionResult(
 *   "python",
 *   '__NBCHAIN_VARS__{"v": 1, "vars": [{"name": "n", "operation": "n = 2**70", ' +
 *     '"value": {"$bigint": "1180591620717411303424"}, "type": "int", "cell": 0}]}\n',
 * );
 * vars[0]!.value; // 1180591620717411303424n
 * ```
 */
export function parseIntrospectionResult(language: string, output: string): Variable[] {
  const fail = (what: string, cause?: unknown): never => {
    throw new IntrospectionError(
      `Cannot read the variables from the ${language} kernel: ${what}`,
      language,
      cause === undefined ? undefined : { cause },
    );
  };
  const at = output.indexOf(INTROSPECTION_MARKER);
  if (at < 0) {
    const excerpt = output.length > 200 ? `${output.slice(0, 200)}...` : output;
    return fail(
      `its output has no "${INTROSPECTION_MARKER}" line (output: ${JSON.stringify(excerpt)})`,
    );
  }
  const start = at + INTROSPECTION_MARKER.length;
  const newline = output.indexOf("\n", start);
  const text = output.slice(start, newline < 0 ? output.length : newline).trimEnd();
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return fail(
      `the JSON after "${INTROSPECTION_MARKER}" is invalid (${(error as Error).message})`,
      error,
    );
  }
  if (!isRecord(payload) || payload.v !== 1) return fail(`the result is not a version 1 object`);
  if (typeof payload.error === "string") {
    return fail(`the snippet failed in the kernel: ${payload.error}`);
  }
  if (!Array.isArray(payload.vars)) return fail(`the result has no "vars" list`);
  return payload.vars.map((entry: unknown, i: number): Variable => {
    if (
      !isRecord(entry) || typeof entry.name !== "string" || typeof entry.operation !== "string" ||
      typeof entry.type !== "string" || !("value" in entry) ||
      !(entry.cell === null || (typeof entry.cell === "number" && Number.isInteger(entry.cell)))
    ) {
      return fail(
        `entry ${i} is not {name, operation, value, type, cell}: ${
          JSON.stringify(entry).slice(0, 200)
        }`,
      );
    }
    let value: unknown;
    try {
      value = decodeValue(entry.value as JsonValue);
    } catch (error) {
      return fail(`the value of "${entry.name}" is malformed: ${(error as Error).message}`, error);
    }
    return {
      name: entry.name,
      operation: entry.operation,
      value,
      type: entry.type,
      cell: entry.cell,
    };
  });
}

/** Decodes `$bigint`, `$float` and `$object` tags; an unknown `$` tag is an error. */
function decodeValue(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0]!.startsWith("$")) {
    const tag = keys[0]!;
    const body = value[tag];
    if (tag === "$bigint" && typeof body === "string" && /^-?\d+$/.test(body)) return BigInt(body);
    if (tag === "$float" && body === "nan") return NaN;
    if (tag === "$float" && body === "inf") return Infinity;
    if (tag === "$float" && body === "-inf") return -Infinity;
    if (tag === "$float" && body === "-0") return -0;
    if (tag === "$object" && isRecord(body)) {
      return decodeEntries(body as { [key: string]: JsonValue });
    }
    throw new SyntaxError(`unknown or malformed tag ${JSON.stringify(value).slice(0, 100)}`);
  }
  return decodeEntries(value);
}

function decodeEntries(value: { [key: string]: JsonValue }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeValue(v)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges variable lists: a later entry replaces an earlier one of the same
 * name, keeping the position where the name first appeared.
 *
 * @example
 * ```ts
 * import { mergeVariables } from "./introspect.ts";
 * const a = { name: "a", operation: "a = 1", value: 1, type: "int", cell: 0 };
 * const b = { name: "b", operation: "b = 2", value: 2, type: "int", cell: 1 };
 * mergeVariables([a, b], [{ ...a, value: 3 }]); // a (value 3), b
 * ```
 */
export function mergeVariables(...lists: Variable[][]): Variable[] {
  const merged = new Map<string, Variable>();
  for (const list of lists) for (const variable of list) merged.set(variable.name, variable);
  return [...merged.values()];
}

/**
 * Name to latest value, for chaining notebooks.
 *
 * @example
 * ```ts
 * import { latestValues } from "./introspect.ts";
 * latestValues([{ name: "z", operation: "z = x - y", value: 7, type: "int", cell: 3 }]); // { z: 7 }
 * ```
 */
export function latestValues(vars: Variable[]): Record<string, unknown> {
  const values = new Map<string, unknown>();
  for (const v of vars) values.set(v.name, v.value);
  return Object.fromEntries(values);
}
