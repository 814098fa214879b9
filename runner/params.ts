/**
 * Parameter input: PARAMS files (one or many parameter sets), papermill's `-p/-r/-f/-y` options.
 *
 * Values are read as YAML 1.2 (a JSON superset): dates stay strings (as papermill's
 * `NoDatesSafeLoader`), integers beyond 2^53 stay exact as `bigint`, and `yes`/`no` stay strings.
 * @module
 */

import { readFile } from "node:fs/promises";
import { UsageError } from "./_usage_error.ts";
import { describeType, isPlainObject, normalizeInts, parseYaml } from "./_yaml.ts";
import { Locator } from "./_locator.ts";

/** A bad parameters file or `-p/-y/-f` value (a usage error: exit code 2, nothing ran). */
export class ParamsError extends UsageError {
  /** The file (or option, e.g. `-y`) the problem is in. */
  readonly file: string;
  /** The 1-based line of the problem, when known. */
  readonly line: number | undefined;

  /** Creates the error; the message is `error: FILE[:LINE[:COL]]: WHAT; HOW TO FIX`. */
  constructor(
    file: string,
    what: string,
    options?: ErrorOptions & { line?: number | undefined; col?: number | undefined },
  ) {
    const where = options?.line === undefined
      ? file
      : options.col === undefined
      ? `${file}:${options.line}`
      : `${file}:${options.line}:${options.col}`;
    super(`error: ${where}: ${what}`, options);
    this.name = "ParamsError";
    this.file = file;
    this.line = options?.line;
  }
}

/** Options of {@linkcode loadParameterSets}. */
export interface LoadParameterSetsOptions {
  /** Expand an object of lists as a Cartesian product instead of zipping it. */
  grid?: boolean;
}

/**
 * Reads a PARAMS file (JSON or YAML, told apart by content) into parameter sets.
 *
 * - An object is one set. An empty object is one empty set.
 * - A list of objects is one set per entry, in order.
 * - An object whose values are lists is zipped into sets (the lists must have equal lengths);
 *   with `grid: true` it is the Cartesian product, last key varying fastest (as
 *   `itertools.product` and Ploomber's `grid`).
 * - An object mixing lists and scalars: the scalars are repeated in every set and only the lists
 *   are zipped (or crossed). So a list-valued parameter can't be given in the object form: write
 *   a list of one object instead (`- {layers: [64, 32]}`). `grid` only affects this form.
 *
 * Errors are {@linkcode ParamsError}s naming the file and line, with a hint how to fix it.
 *
 * @example
 * ```ts ignore
 * // params.yaml: {region: eu, lr: [0.1, 0.01]}
 * const sets = await loadParameterSets("params.yaml");
 * // [{region: "eu", lr: 0.1}, {region: "eu", lr: 0.01}]
 * ```
 */
export async function loadParameterSets(
  path: string,
  options: LoadParameterSetsOptions = {},
): Promise<Record<string, unknown>[]> {
  const name = path;
  const text = await readText(path, name);
  const { doc, lineCounter, problems } = parseYaml(text);
  const at = new Locator(lineCounter, doc.contents);
  const problem = problems[0];
  if (problem) {
    throw new ParamsError(name, `invalid YAML/JSON: ${problem.message}; fix the syntax`, {
      line: problem.line,
      col: problem.col,
      cause: problem.error,
    });
  }
  const value = normalizeInts(doc.toJS({ maxAliasCount: 1000 }));
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new ParamsError(name, "the list is empty; write at least one parameter set");
    }
    return value.map((entry, i) => {
      if (!isPlainObject(entry)) {
        throw new ParamsError(
          name,
          `list entry ${i + 1} is ${describeType(entry)}, expected an object of parameters; ` +
            "write each set as {name: value}",
          { line: at.item(i).line() },
        );
      }
      return entry;
    });
  }
  if (!isPlainObject(value)) {
    throw new ParamsError(
      name,
      `the file holds ${describeType(value)}, expected an object of parameters or a list of ` +
        "them; write {name: value} or [{name: value}, ...]",
      { line: at.line() },
    );
  }
  const listKeys = Object.keys(value).filter((k) => Array.isArray(value[k]));
  if (listKeys.length === 0) return [value];
  const lists = listKeys.map((k) => value[k] as unknown[]);
  const empty = listKeys.find((_, i) => lists[i]!.length === 0);
  if (empty !== undefined) {
    throw new ParamsError(
      name,
      `the list "${empty}" is empty, so there is no parameter set to run; give it at least one ` +
        "value, or write a list of one object if the parameter itself is a list",
      { line: at.keyLine(empty) },
    );
  }
  const scalars = Object.fromEntries(Object.entries(value).filter(([k]) => !listKeys.includes(k)));
  if (options.grid) {
    return cartesian(listKeys, lists).map((combo) => ({ ...scalars, ...combo }));
  }
  const lengths = lists.map((l) => l.length);
  if (new Set(lengths).size > 1) {
    const described = listKeys.map((k, i) => `"${k}" has ${lengths[i]}`).join(", ");
    throw new ParamsError(
      name,
      `lists must have equal lengths to be zipped into parameter sets, but ${described}; ` +
        "make them the same length, or pass --grid for every combination",
      { line: at.keyLine(listKeys[0]!) },
    );
  }
  return Array.from({ length: lengths[0]! }, (_, i) => {
    const set: Record<string, unknown> = { ...scalars };
    listKeys.forEach((k, j) => (set[k] = lists[j]![i]));
    return set;
  });
}

/** Every combination of the lists' values, last key varying fastest. */
export function cartesian(
  keys: readonly string[],
  lists: readonly (readonly unknown[])[],
): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  keys.forEach((key, i) => {
    out = out.flatMap((partial) => lists[i]!.map((v) => ({ ...partial, [key]: v })));
  });
  return out;
}

const DIGITS = String.raw`\d+(?:_\d+)*`;
const INT = new RegExp(`^[-+]?${DIGITS}$`);
const HEX = /^[-+]?0x[0-9a-fA-F]+$/;
const OCT = /^[-+]?0o[0-7]+$/;
const FLOAT = new RegExp(
  `^[-+]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][-+]?${DIGITS})?$`,
);
const INF = /^([-+]?)\.?(?:inf|infinity)$/i;
const NAN = /^[-+]?\.?nan$/i;

/**
 * Coerces a `-p NAME VALUE` value: a YAML scalar, with papermill's extras.
 *
 * - `true/True/TRUE`, `false/...` → boolean (YAML); `null/Null/NULL/~` and papermill's `None` → null.
 * - Integers (`42`, `-7`, `007`, YAML's `0x1f` and `0o17`, Python's `1_000`) → number, or
 *   `bigint` beyond 2^53 so they stay exact.
 * - Floats (`1.5`, `.5`, `1e3`) and `nan`/`inf`/`-inf`/`Infinity` in YAML (`.nan`, `.inf`) or
 *   Python spelling, any case → number.
 * - A single- or double-quoted YAML scalar (`'"42"'`) → the string inside (so a string that
 *   looks like a number can be forced).
 * - Anything else is the string itself, byte for byte: no trimming, and `[1, 2]` or `a: b` stay
 *   strings (use `-y` for lists and maps, as in papermill). The empty string stays `""`
 *   (papermill), where YAML would read null. `yes/no/on/off` stay strings (YAML 1.2, papermill).
 *
 * @example
 * ```ts
 * import { coerceCliValue } from "./params.ts";
 * coerceCliValue("0.1"); // 0.1
 * coerceCliValue("None"); // null
 * coerceCliValue("12345678901234567890"); // 12345678901234567890n
 * coerceCliValue("eu"); // "eu"
 * ```
 */
export function coerceCliValue(text: string): unknown {
  switch (text) {
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    case "null":
    case "Null":
    case "NULL":
    case "~":
    case "None":
      return null;
  }
  if (INT.test(text)) return exactInt(BigInt(text.replaceAll("_", "")));
  if (HEX.test(text) || OCT.test(text)) {
    const negative = text.startsWith("-");
    const n = BigInt(text.replace(/^[-+]/, ""));
    return exactInt(negative ? -n : n);
  }
  if (FLOAT.test(text)) return Number(text.replaceAll("_", ""));
  const inf = INF.exec(text);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  if (/^(?:"[^]*"|'[^]*')$/.test(text)) {
    const { doc, problems } = parseYaml(text);
    const value = doc.contents?.toJSON();
    if (problems.length === 0 && typeof value === "string") return value;
  }
  return text;
}

function exactInt(n: bigint): number | bigint {
  const asNumber = Number(n);
  return Number.isSafeInteger(asNumber) ? asNumber : n;
}

/** The parameter options of the CLI, each in command-line order. */
export interface CliParameterParts {
  /** `-f FILE`: YAML/JSON files holding one object each. */
  files?: string[];
  /** `-y YAML`: YAML text holding an object. */
  yaml?: string[];
  /** `-p NAME VALUE`: values coerced by {@linkcode coerceCliValue}. */
  params?: [string, string][];
  /** `-r NAME VALUE`: values kept as strings. */
  raw?: [string, string][];
}

/**
 * Merges the CLI's parameter options in papermill's fixed order, whatever their order in argv:
 * `-f` files, then `-y`, then `-p`, then `-r`; later ones win (a shallow merge, as papermill's
 * `dict.update`). An empty file or `-y ""` adds nothing.
 *
 * @example
 * ```ts
 * import { mergeCliParameters } from "./params.ts";
 * const p = await mergeCliParameters({ yaml: ["{x: 1, y: 2}"], params: [["x", "3"]], raw: [["y", "4"]] });
 * // { x: 3, y: "4" }
 * ```
 */
export async function mergeCliParameters(
  parts: CliParameterParts,
): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  for (const file of parts.files ?? []) {
    Object.assign(merged, parseObject(await readText(file, file), file));
  }
  for (const text of parts.yaml ?? []) {
    Object.assign(merged, parseObject(text, "-y"));
  }
  for (const [name, value] of parts.params ?? []) merged[name] = coerceCliValue(value);
  for (const [name, value] of parts.raw ?? []) merged[name] = value;
  return merged;
}

function parseObject(text: string, where: string): Record<string, unknown> {
  const { doc, problems } = parseYaml(text);
  const problem = problems[0];
  if (problem) {
    throw new ParamsError(where, `invalid YAML: ${problem.message}; fix the syntax`, {
      line: problem.line,
      col: problem.col,
      cause: problem.error,
    });
  }
  const value = normalizeInts(doc.toJS({ maxAliasCount: 1000 }));
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new ParamsError(
      where,
      `expected an object of parameters, got ${describeType(value)}; write {name: value}`,
    );
  }
  return value;
}

async function readText(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const what = code === "ENOENT"
      ? "the parameters file does not exist; check the path"
      : code === "EISDIR"
      ? "the parameters path is a directory; give a .json or .yaml file"
      : `can't read the parameters file (${(cause as Error).message}); check its permissions`;
    throw new ParamsError(name, what, { cause });
  }
}
