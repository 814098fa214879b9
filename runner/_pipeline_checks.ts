/**
 * The checks behind `loadPipeline` for each task entry on its own (keys, types, paths).
 * Problems are collected, never thrown; the graph checks are in `_pipeline_graph.ts`.
 * @module
 */

import { stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { describeValue, isPlainObject } from "./_yaml.ts";
import { didYouMean } from "./_suggest.ts";
import type { Locator } from "./_locator.ts";
import type { PipelineProblem, PipelineTask, TaskOptions } from "./pipeline.ts";

/** Where problems are collected. */
export interface Checker {
  file: string;
  dir: string;
  problems: PipelineProblem[];
}

/** A task entry that passed its own checks, with references still to be resolved. */
export interface RawTask {
  label: string;
  id: string | undefined;
  at: Locator;
  task: PipelineTask;
  needs: { name: string; line: number | undefined }[];
  inputs: { param: string; ref: string; line: number | undefined }[];
  foreach: { param: string; ref: string; line: number | undefined } | undefined;
}

const ID = /^[A-Za-z0-9_.-]+$/;
const NOTEBOOK_EXTENSIONS = [".ipynb", ".py", ".ts", ".js", ".r", ".R", ".jl"];
const OPTION_KEYS = ["kernel", "timeout", "cell_timeout", "retries", "cwd", "allow_errors"];
const TASK_KEYS = [
  "id",
  "notebook",
  "needs",
  "inputs",
  "matrix",
  "foreach",
  "parameters",
  ...OPTION_KEYS,
];
/** Keys other tools use, mapped to ours. */
const ALIASES: Record<string, string> = {
  upstream: "needs",
  depends_on: "needs",
  dependencies: "needs",
  requires: "needs",
  after: "needs",
  params: "parameters",
  source: "notebook",
  path: "notebook",
  name: "id",
  grid: "matrix",
  for_each: "foreach",
  execution_timeout: "cell_timeout",
  retry: "retries",
};

function push(
  c: Checker,
  task: string | undefined,
  key: string | undefined,
  line: number | undefined,
  message: string,
): void {
  c.problems.push({
    file: c.file,
    ...(task === undefined ? {} : { task }),
    ...(key === undefined ? {} : { key }),
    ...(line === undefined ? {} : { line }),
    message,
  });
}

function unknownKeys(
  c: Checker,
  obj: Record<string, unknown>,
  allowed: readonly string[],
  at: Locator,
  task: string | undefined,
  prefix: string,
): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const alias = ALIASES[key.toLowerCase().replaceAll("-", "_")];
    const hint = alias !== undefined && allowed.includes(alias)
      ? `; did you mean "${alias}"?`
      : didYouMean(key, allowed) || `; valid keys are ${allowed.join(", ")}`;
    push(c, task, prefix + key, at.keyLine(key), `unknown key${hint}`);
  }
}

function wrongType(
  c: Checker,
  at: Locator,
  task: string | undefined,
  key: string,
  expected: string,
  value: unknown,
  prefix = "",
  hint = "",
): void {
  push(
    c,
    task,
    prefix + key,
    at.child(key).line(),
    `expected ${expected}, got ${describeValue(value)}${hint}`,
  );
}

/** Reads `defaults` or a task's own options. */
export async function readOptions(
  c: Checker,
  obj: Record<string, unknown>,
  at: Locator,
  task: string | undefined,
  prefix = "",
): Promise<TaskOptions> {
  const out: TaskOptions = {};
  const bad = (key: string, expected: string) =>
    wrongType(c, at, task, key, expected, obj[key], prefix);
  const { kernel, timeout, cell_timeout, retries, cwd, allow_errors } = obj;
  if (kernel !== undefined) {
    if (typeof kernel === "string" && kernel !== "") out.kernel = kernel;
    else bad("kernel", "a kernelspec name such as python3");
  }
  const seconds = (key: string, value: unknown): number | undefined => {
    if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
    bad(key, "a number of seconds greater than 0");
    return undefined;
  };
  if (timeout !== undefined) {
    const s = seconds("timeout", timeout);
    if (s !== undefined) out.timeout = s;
  }
  if (cell_timeout !== undefined) {
    const s = seconds("cell_timeout", cell_timeout);
    if (s !== undefined) out.cellTimeout = s;
  }
  if (retries !== undefined) {
    if (typeof retries === "number" && Number.isInteger(retries) && retries >= 0) {
      out.retries = retries;
    } else bad("retries", "a whole number of retries, 0 or more");
  }
  if (allow_errors !== undefined) {
    if (typeof allow_errors === "boolean") out.allowErrors = allow_errors;
    else bad("allow_errors", "true or false");
  }
  if (cwd !== undefined) {
    if (typeof cwd !== "string" || cwd === "") bad("cwd", "a directory path");
    else {
      const path = resolve(c.dir, cwd);
      const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
      if (isDir) out.cwd = path;
      else {
        push(
          c,
          task,
          prefix + "cwd",
          at.child("cwd").line(),
          `directory "${cwd}" does not exist (looked for ${path}); the path is relative to the ` +
            "pipeline file's folder",
        );
      }
    }
  }
  return out;
}

/** Reads a string reference map (`inputs`) or a one-entry one (`foreach`). */
function readRefs(
  c: Checker,
  value: unknown,
  at: Locator,
  label: string,
  key: "inputs" | "foreach",
): { param: string; ref: string; line: number | undefined }[] {
  const example = key === "inputs" ? "{rows: ingest.n_rows}" : "{file: ingest.files}";
  if (!isPlainObject(value)) {
    wrongType(c, at, label, key, `a map of parameter: task.variable, like ${example}`, value);
    return [];
  }
  const entries = Object.entries(value);
  if (key === "foreach" && entries.length !== 1) {
    push(
      c,
      label,
      key,
      at.keyLine(key),
      `expected exactly one parameter, got ${entries.length}; fan out over one list per task ` +
        "(chain tasks to nest fan-outs)",
    );
    return [];
  }
  const out = [];
  for (const [param, ref] of entries) {
    const line = at.child(key).child(param).line();
    if (typeof ref === "string") out.push({ param, ref, line });
    else {
      push(
        c,
        label,
        `${key}.${param}`,
        line,
        `expected "task.variable", got ${describeValue(ref)}; write ${example}`,
      );
    }
  }
  return out;
}

/** Checks one entry of `tasks` on its own. */
export async function readTask(
  c: Checker,
  entry: unknown,
  index: number,
  at: Locator,
): Promise<RawTask | undefined> {
  let label = `#${index + 1}`;
  if (!isPlainObject(entry)) {
    push(
      c,
      label,
      undefined,
      at.line(),
      `expected a map with id and notebook, got ${describeValue(entry)}`,
    );
    return undefined;
  }
  let id: string | undefined;
  if (entry.id === undefined) {
    push(c, label, "id", at.line(), "missing; give the task a unique id such as `train`");
  } else if (typeof entry.id !== "string" || !ID.test(entry.id)) {
    const shown = typeof entry.id === "string" ? `"${entry.id}"` : describeValue(entry.id);
    push(
      c,
      label,
      "id",
      at.child("id").line(),
      `expected letters, digits, "_", "." or "-", got ${shown}`,
    );
  } else {
    id = entry.id;
    label = id;
  }
  unknownKeys(c, entry, TASK_KEYS, at, label, "");
  let notebook = "";
  if (entry.notebook === undefined) {
    push(
      c,
      label,
      "notebook",
      at.line(),
      "missing; give the notebook's path, relative to the pipeline file",
    );
  } else if (typeof entry.notebook !== "string" || entry.notebook === "") {
    wrongType(c, at, label, "notebook", "a path", entry.notebook);
  } else {
    notebook = resolve(c.dir, entry.notebook);
    const info = await stat(notebook).catch(() => undefined);
    const line = at.child("notebook").line();
    if (!info) {
      push(
        c,
        label,
        "notebook",
        line,
        `"${entry.notebook}" does not exist (looked for ${notebook}); the path is relative to the pipeline file's folder`,
      );
    } else if (!info.isFile()) {
      push(c, label, "notebook", line, `"${entry.notebook}" is not a file; give a notebook`);
    } else if (!NOTEBOOK_EXTENSIONS.includes(extname(notebook))) {
      push(
        c,
        label,
        "notebook",
        line,
        `"${entry.notebook}" is not a notebook; use ${NOTEBOOK_EXTENSIONS.join(" ")}`,
      );
    }
  }
  const needs: RawTask["needs"] = [];
  if (entry.needs !== undefined && entry.needs !== null) {
    if (!Array.isArray(entry.needs)) {
      const hint = typeof entry.needs === "string" ? `; write needs: [${entry.needs}]` : "";
      wrongType(c, at, label, "needs", "a list of task ids", entry.needs, "", hint);
    } else {
      entry.needs.forEach((name: unknown, i) => {
        const line = at.child("needs").item(i).line();
        if (typeof name === "string") needs.push({ name, line });
        else push(c, label, "needs", line, `expected a task id, got ${describeValue(name)}`);
      });
    }
  }
  const inputs = entry.inputs === undefined ? [] : readRefs(c, entry.inputs, at, label, "inputs");
  const foreach = entry.foreach === undefined
    ? undefined
    : readRefs(c, entry.foreach, at, label, "foreach")[0];
  let matrix: Record<string, unknown[]> | undefined;
  if (entry.matrix !== undefined) {
    if (!isPlainObject(entry.matrix) || Object.keys(entry.matrix).length === 0) {
      wrongType(
        c,
        at,
        label,
        "matrix",
        "a map of parameter: [values], like {lr: [0.1, 0.01]}",
        entry.matrix,
      );
    } else {
      matrix = {};
      for (const [name, values] of Object.entries(entry.matrix)) {
        const line = at.child("matrix").child(name).line();
        if (!Array.isArray(values)) {
          const hint = `; write ${name}: [${JSON.stringify(values) ?? ""}]`;
          push(
            c,
            label,
            `matrix.${name}`,
            line,
            `expected a list of values, got ${describeValue(values)}${hint}`,
          );
        } else if (values.length === 0) {
          push(
            c,
            label,
            `matrix.${name}`,
            line,
            "the list is empty, so the task would never run; give at least one value",
          );
        } else matrix[name] = values;
      }
    }
    if (entry.foreach !== undefined) {
      push(
        c,
        label,
        "matrix",
        at.keyLine("matrix"),
        "a task can't have both matrix and foreach; split it into two tasks",
      );
    }
  }
  if (foreach && inputs.some((i) => i.param === foreach.param)) {
    push(
      c,
      label,
      `inputs.${foreach.param}`,
      at.keyLine("inputs"),
      `parameter "${foreach.param}" is set by both foreach and inputs; keep one`,
    );
  }
  let parameters: Record<string, unknown> = {};
  if (entry.parameters !== undefined && entry.parameters !== null) {
    if (isPlainObject(entry.parameters)) parameters = entry.parameters;
    else wrongType(c, at, label, "parameters", "a map of name: value", entry.parameters);
  }
  const options = await readOptions(c, entry, at, label);
  const line = at.line();
  const task: PipelineTask = {
    id: id ?? label,
    notebook,
    needs: [],
    inputs: {},
    ...(matrix ? { matrix } : {}),
    parameters,
    ...options,
    ...(line === undefined ? {} : { line }),
  };
  return { label, id, at, task, needs, inputs, foreach };
}

export { push, unknownKeys, wrongType };
