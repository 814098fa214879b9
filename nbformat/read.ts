/**
 * Reading notebooks: nbformat 4 JSON (4.0 to 4.5) and percent-format scripts.
 * The parsed objects are kept as they are (unknown fields, key order), only
 * checked.
 * @module
 */

import { extname } from "node:path";
import { lineColumn, readJsonValue } from "./_json.ts";
import {
  NotebookError,
  NotebookFormatError,
  NotebookSyntaxError,
  NotebookVersionError,
} from "./errors.ts";
import { isPercentScript, parsePercent } from "./percent.ts";
import type { KernelspecMetadata, Notebook } from "./types.ts";

/** Options for {@linkcode parseNotebook} and {@linkcode readNotebook}. */
export interface ParseNotebookOptions {
  /** For percent scripts: the kernelspec to record instead of the guessed one. */
  kernelspec?: KernelspecMetadata;
}

/** Options for {@linkcode readNotebook}. */
export interface ReadNotebookOptions extends ParseNotebookOptions {
  /** Aborts the read. */
  signal?: AbortSignal;
}

/**
 * Parses notebook text. `path` names the file in errors and decides the
 * format: `.py .r .R .jl .ts .js` are percent scripts, anything else is
 * nbformat JSON.
 *
 * @throws {NotebookSyntaxError} invalid JSON (with line and column)
 * @throws {NotebookVersionError} not nbformat 4
 * @throws {NotebookFormatError} a missing or mistyped field
 * @example
 * ```ts
 * import { parseNotebook } from "./mod.ts";
 * const nb = parseNotebook(
 *   '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}',
 *   "empty.ipynb",
 * );
 * nb.cells.length; // 0
 * ```
 */
export function parseNotebook(
  text: string,
  path: string,
  options: ParseNotebookOptions = {},
): Notebook {
  if (isPercentScript(path)) return parsePercent(text, path, options);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Python's json writes NaN and Infinity; JSON.parse rejects them. The
    // slower reader accepts them and locates real syntax errors exactly.
    const result = readJsonValue(text, 0, { whole: true, allowNonFinite: true });
    if (!result.ok) {
      const { line, column } = lineColumn(text, result.offset);
      throw new NotebookSyntaxError(
        `Cannot parse notebook "${path}": invalid JSON at line ${line}, column ${column}: ${result.detail}`,
        path,
        line,
        column,
        { cause: error },
      );
    }
    data = result.value;
  }
  return checkNotebook(data, path);
}

/**
 * Reads a notebook file (nbformat JSON or percent script, by extension).
 *
 * @throws {NotebookError} the file cannot be read, or any error of {@linkcode parseNotebook}
 * @example
 * ```ts ignore
 * import { readNotebook } from "./mod.ts";
 * const nb = await readNotebook("analysis.ipynb");
 * console.log(nb.cells.length);
 * ```
 */
export async function readNotebook(
  path: string,
  options: ReadNotebookOptions = {},
): Promise<Notebook> {
  const ext = extname(path);
  if (ext !== ".ipynb" && !isPercentScript(path)) {
    throw new NotebookError(
      `Cannot read notebook "${path}": unsupported extension "${ext}"; ` +
        `use .ipynb or a percent script (.py .r .R .jl .ts .js)`,
      path,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const detail = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new NotebookError(`Cannot read notebook "${path}": ${detail}`, path, { cause: error });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new NotebookError(
      `Cannot read notebook "${path}": the file is not valid UTF-8`,
      path,
      { cause: error },
    );
  }
  const parseOptions: ParseNotebookOptions = {};
  if (options.kernelspec) parseOptions.kernelspec = options.kernelspec;
  return parseNotebook(text, path, parseOptions);
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMultiline(value: unknown): boolean {
  return typeof value === "string" ||
    (Array.isArray(value) && value.every((line) => typeof line === "string"));
}

function isCount(value: unknown): boolean {
  return value === null || Number.isInteger(value);
}

function checkNotebook(data: unknown, path: string): Notebook {
  const fail = (what: string, cellIndex?: number): never => {
    throw new NotebookFormatError(`Cannot read notebook "${path}": ${what}`, path, cellIndex);
  };
  if (!isObject(data)) return fail("the top level is not a JSON object");
  const major = data.nbformat;
  if (major === undefined) return fail('there is no "nbformat" field; is this a notebook?');
  if (typeof major !== "number" || !Number.isInteger(major)) {
    return fail(`"nbformat" must be an integer, not ${JSON.stringify(major)}`);
  }
  if (major < 4) {
    throw new NotebookVersionError(
      `Cannot read notebook "${path}": it is nbformat ${major} and nbchain reads nbformat 4; ` +
        `convert it with: jupyter nbconvert --to notebook --nbformat 4 "${path}"`,
      path,
      major,
    );
  }
  if (major > 4) {
    throw new NotebookVersionError(
      `Cannot read notebook "${path}": nbformat ${major} is newer than nbchain supports (4.0 to 4.5)`,
      path,
      major,
    );
  }
  const minor = data.nbformat_minor;
  if (typeof minor !== "number" || !Number.isInteger(minor) || minor < 0) {
    return fail('"nbformat_minor" must be a non-negative integer');
  }
  if (!isObject(data.metadata)) return fail('"metadata" must be a JSON object');
  if (!Array.isArray(data.cells)) return fail('"cells" must be a list');
  data.cells.forEach((cell: unknown, index: number) => {
    const where = `cells[${index}]`;
    if (!isObject(cell)) return fail(`${where} is not a JSON object`, index);
    const type = cell.cell_type;
    if (type === undefined) return fail(`${where} has no "cell_type"`, index);
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      return fail(
        `${where} has unknown cell_type ${
          JSON.stringify(type)
        }; expected "code", "markdown" or "raw"`,
        index,
      );
    }
    if (!("source" in cell)) return fail(`${where} has no "source"`, index);
    if (!isMultiline(cell.source)) {
      return fail(`${where}: "source" must be a string or a list of strings`, index);
    }
    if (!("metadata" in cell)) return fail(`${where} has no "metadata"`, index);
    if (!isObject(cell.metadata)) return fail(`${where}: "metadata" must be a JSON object`, index);
    const tags = cell.metadata.tags;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) {
      return fail(`${where}: "metadata.tags" must be a list of strings`, index);
    }
    if ("id" in cell && typeof cell.id !== "string") {
      return fail(`${where}: "id" must be a string`, index);
    }
    if (type !== "code") return;
    if (!("execution_count" in cell)) return fail(`${where} has no "execution_count"`, index);
    if (!isCount(cell.execution_count)) {
      return fail(`${where}: "execution_count" must be an integer or null`, index);
    }
    if (!Array.isArray(cell.outputs)) return fail(`${where}: "outputs" must be a list`, index);
    cell.outputs.forEach((output: unknown, o: number) => {
      const problem = outputProblem(output);
      if (problem) fail(`${where}.outputs[${o}] ${problem}`, index);
    });
  });
  return data as unknown as Notebook;
}

const OUTPUT_FIELDS: Record<string, Record<string, (value: unknown) => boolean>> = {
  stream: { name: (v) => typeof v === "string", text: isMultiline },
  display_data: { data: isObject, metadata: isObject },
  execute_result: { data: isObject, metadata: isObject, execution_count: isCount },
  error: {
    ename: (v) => typeof v === "string",
    evalue: (v) => typeof v === "string",
    traceback: (v) => Array.isArray(v) && v.every((line) => typeof line === "string"),
  },
};

function outputProblem(output: unknown): string | undefined {
  if (!isObject(output)) return "is not a JSON object";
  const type = output.output_type;
  const fields = typeof type === "string" ? OUTPUT_FIELDS[type] : undefined;
  if (!fields) {
    return `has unknown output_type ${JSON.stringify(type ?? null)}; ` +
      `expected "stream", "display_data", "execute_result" or "error"`;
  }
  for (const [name, valid] of Object.entries(fields)) {
    if (!(name in output)) return `(${type}) has no "${name}"`;
    if (!valid(output[name])) return `(${type}) has an invalid "${name}"`;
  }
  return undefined;
}
