/**
 * The run manifest, `run.json`: what ran, with which parameters, how it ended,
 * and the variables each notebook produced. Written atomically as tasks finish.
 * @module
 */

import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { UsageError } from "./_usage_error.ts";

/** The manifest's file name inside a run directory. */
export const MANIFEST_FILE = "run.json";

/** How a task ended (or where it is while the run goes on). */
export type TaskStatus =
  | "ok"
  | "failed"
  | "timeout"
  | "skipped"
  | "cached"
  | "interrupted"
  | "pending"
  | "running";

/** Every {@linkcode TaskStatus}, in a stable order (used for validation and counts). */
export const TASK_STATUSES: readonly TaskStatus[] = [
  "ok",
  "failed",
  "timeout",
  "skipped",
  "cached",
  "interrupted",
  "pending",
  "running",
];

/** The error that ended a task: the kernel's `ename`/`evalue`, the cell index, a readable message. */
export interface TaskError {
  /** Exception class name, e.g. `ValueError` (or `Timeout`, `KernelDied`). */
  ename: string;
  /** Exception message. */
  evalue: string;
  /** Index of the failing cell in the executed notebook, when known. */
  cell: number | null;
  /** A readable description (ANSI-free traceback or nbchain's own explanation). */
  message: string;
}

/** One top-level assignment (or `Out[n]`/`result`) extracted from an executed notebook. */
export interface VariableRecord {
  /** Variable name. */
  name: string;
  /** The statement that assigned it, e.g. `z = x - y`. */
  operation: string;
  /** The value as JSON when representable, else `{"type": ..., "repr": ...}`. */
  value: unknown;
  /** The kernel language's type name, e.g. `int`. */
  type: string;
  /** Index of the cell that assigned it, when known. */
  cell: number | null;
}

/** One task of a run: a notebook with one parameter set. Paths are relative to the run directory. */
export interface TaskRecord {
  /** Unique task id; also the base name of its output files. */
  id: string;
  /** The input notebook, as given. */
  notebook: string;
  /** The executed notebook, relative to the run directory. */
  output: string;
  /** The rendered notebook, relative to the run directory. */
  html: string;
  /** Kernelspec name used. */
  kernel: string;
  /** Parameters injected into the notebook. */
  parameters: Record<string, unknown>;
  /** Ids of the tasks this one waits for. */
  needs: string[];
  /** How the task ended (or where it is). */
  status: TaskStatus;
  /** Number of attempts made (retries included). */
  attempts: number;
  /** ISO-8601 start time of the last attempt, or null when not started. */
  started: string | null;
  /** ISO-8601 end time, or null when not ended. */
  ended: string | null;
  /** Seconds from start to end, or null. */
  duration: number | null;
  /** The error that ended the task, or null. */
  error: TaskError | null;
  /** Variables extracted after the notebook ran. */
  variables: VariableRecord[];
  /** Why the task was skipped (status `skipped`). */
  skipped_reason?: string;
  /** Content hash used for incremental runs (status `cached` when it matched). */
  cache_key?: string;
}

/** The whole run, as stored in `run.json`. */
export interface RunManifest {
  /** Version of nbchain that wrote the manifest. */
  nbchain: string;
  /** Overall status; `running` while tasks are still going. */
  status: "ok" | "failed" | "interrupted" | "running";
  /** ISO-8601 start time of the run. */
  started: string;
  /** ISO-8601 end time, or null while running. */
  ended: string | null;
  /** Seconds from start to end, or null while running. */
  duration: number | null;
  /** Every task, in execution plan order. */
  tasks: TaskRecord[];
}

/** `run.json` is missing, unreadable or not a manifest; `path` names the file. */
export class ManifestError extends UsageError {
  /** The manifest file that could not be read. */
  readonly path: string;

  /** Creates the error for `path`; `options.cause` keeps the lower error. */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ManifestError";
    this.path = path;
  }
}

/**
 * Serialise a manifest as `run.json` text: JSON indented by 2, a final newline.
 * Bigint values (exact YAML integers) are written as exact JSON integers.
 *
 * @example
 * ```ts
 * import { manifestToJson } from "./manifest.ts";
 * const text = manifestToJson({
 *   nbchain: "0.1.0", status: "ok", started: "2025-01-01T00:00:00.000Z",
 *   ended: null, duration: null, tasks: [],
 * });
 * console.assert(text.endsWith("}\n"));
 * ```
 */
export function manifestToJson(manifest: RunManifest): string {
  return JSON.stringify(manifest, bigintReplacer, 2) + "\n";
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJson(value.toString()) : value;
}

/**
 * Write `DIR/run.json` atomically: the text goes to a temporary file in `dir`,
 * is flushed, then renamed over the manifest, so readers never see half a file.
 * Creates `dir` if needed.
 *
 * @example
 * ```ts
 * import { readManifest, writeManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * await writeManifest(dir, {
 *   nbchain: "0.1.0", status: "running", started: new Date().toISOString(),
 *   ended: null, duration: null, tasks: [],
 * });
 * console.assert((await readManifest(dir)).status === "running");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  const target = join(dir, MANIFEST_FILE);
  const temp = join(dir, `.${MANIFEST_FILE}.${Deno.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, "w", 0o644);
    try {
      await handle.writeFile(manifestToJson(manifest), "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new Error(`Failed to write the run manifest "${target}": ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Read and validate `DIR/run.json`. Throws {@linkcode ManifestError} naming the
 * file when it is missing, not JSON, or not shaped like a manifest.
 *
 * @example
 * ```ts
 * import { ManifestError, readManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * try {
 *   await readManifest(dir);
 * } catch (error) {
 *   console.assert(error instanceof ManifestError);
 * }
 * await Deno.remove(dir);
 * ```
 */
export async function readManifest(dir: string): Promise<RunManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const missing = (error as { code?: unknown }).code === "ENOENT";
    throw new ManifestError(
      path,
      missing
        ? `Failed to read the run manifest "${path}": the file does not exist; is "${dir}" an nbchain run directory?`
        : `Failed to read the run manifest "${path}": ${messageOf(error)}`,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(
      path,
      `Failed to read the run manifest "${path}": it is not valid JSON (${messageOf(error)})`,
      { cause: error },
    );
  }
  const problem = manifestProblem(data);
  if (problem !== null) {
    throw new ManifestError(
      path,
      `Failed to read the run manifest "${path}": ${problem}`,
    );
  }
  return data as RunManifest;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === "string";
const isNumber: Check = (v) => typeof v === "number" && Number.isFinite(v);
const orNull = (check: Check): Check => (v) => v === null || check(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray: Check = (v) => Array.isArray(v) && v.every(isString);

const TASK_FIELDS: [string, Check, string][] = [
  ["id", isString, "a string"],
  ["notebook", isString, "a string"],
  ["output", isString, "a string"],
  ["html", isString, "a string"],
  ["kernel", isString, "a string"],
  ["parameters", isObject, "an object"],
  ["needs", isStringArray, "a list of task ids"],
  ["status", (v) => TASK_STATUSES.includes(v as TaskStatus), `one of ${TASK_STATUSES.join(", ")}`],
  ["attempts", isNumber, "a number"],
  ["started", orNull(isString), "a string or null"],
  ["ended", orNull(isString), "a string or null"],
  ["duration", orNull(isNumber), "a number or null"],
  ["error", orNull(isTaskError), "null or {ename, evalue, cell, message}"],
  ["variables", (v) => Array.isArray(v) && v.every(isVariable), "a list of variable records"],
];

function isTaskError(v: unknown): boolean {
  return isObject(v) && isString(v["ename"]) && isString(v["evalue"]) &&
    orNull(isNumber)(v["cell"]) && isString(v["message"]);
}

function isVariable(v: unknown): boolean {
  return isObject(v) && isString(v["name"]) && isString(v["operation"]) && "value" in v &&
    isString(v["type"]) && orNull(isNumber)(v["cell"]);
}

/** Describe the first way `data` is not a manifest, or null when it is one. */
function manifestProblem(data: unknown): string | null {
  if (!isObject(data)) return "the top level must be an object";
  const statuses = ["ok", "failed", "interrupted", "running"];
  if (!isString(data["nbchain"])) return `"nbchain" must be a version string`;
  if (!statuses.includes(data["status"] as string)) {
    return `"status" must be one of ${statuses.join(", ")}, not ${JSON.stringify(data["status"])}`;
  }
  if (!isString(data["started"])) return `"started" must be an ISO-8601 string`;
  if (!orNull(isString)(data["ended"])) return `"ended" must be a string or null`;
  if (!orNull(isNumber)(data["duration"])) return `"duration" must be a number or null`;
  const tasks = data["tasks"];
  if (!Array.isArray(tasks)) return `"tasks" must be a list`;
  for (const [index, task] of tasks.entries()) {
    if (!isObject(task)) return `task ${index} must be an object`;
    const label = isString(task["id"]) ? `task ${index} ("${task["id"]}")` : `task ${index}`;
    for (const [key, check, expected] of TASK_FIELDS) {
      if (!check(task[key])) return `${label}: "${key}" must be ${expected}`;
    }
    for (const key of ["skipped_reason", "cache_key"]) {
      if (task[key] !== undefined && !isString(task[key])) {
        return `${label}: "${key}" must be a string`;
      }
    }
  }
  return null;
}
