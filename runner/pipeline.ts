/**
 * The pipeline file (`*.yaml`/`*.yml`): tasks, their notebooks, dependencies, inputs and fan-out.
 * Every problem is collected and reported at once, with file, line, task and key, before
 * anything runs.
 * @module
 */

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "./_usage_error.ts";
import { isPlainObject, normalizeInts, parseYaml } from "./_yaml.ts";
import { checkGraph } from "./_pipeline_graph.ts";
import {
  type Checker,
  type RawTask,
  readOptions,
  readTask,
  unknownKeys,
  wrongType,
} from "./_pipeline_checks.ts";
import { Locator } from "./_locator.ts";

/** Options a task can set, and `defaults` can set for every task. */
export interface TaskOptions {
  /** Kernelspec name (`kernel`). */
  kernel?: string;
  /** Whole-notebook timeout in seconds (`timeout`). */
  timeout?: number;
  /** Per-cell timeout in seconds (`cell_timeout`). */
  cellTimeout?: number;
  /** Extra attempts after a failure (`retries`). */
  retries?: number;
  /** Working directory, absolute (`cwd`, relative to the pipeline file's folder). */
  cwd?: string;
  /** Keep running cells after an error (`allow_errors`). */
  allowErrors?: boolean;
}

/** A reference to a variable an upstream task produces: `task.variable` in the file. */
export interface VariableRef {
  /** The upstream task id. */
  task: string;
  /** The variable name (any name the introspection reports, e.g. `n_rows`, `result`, `Out[3]`). */
  variable: string;
}

/** One task of a pipeline file, checked and with paths made absolute. */
export interface PipelineTask extends TaskOptions {
  /** Unique id, `[A-Za-z0-9_.-]+`. */
  id: string;
  /** Absolute path of the notebook (it existed when the file was loaded). */
  notebook: string;
  /**
   * Task ids this one runs after, in file order: the explicit `needs`, then the tasks named by
   * `inputs` and `foreach` that `needs` didn't list (they are implied, as Airflow's XComArgs
   * and Ploomber's upstream imply dependencies).
   */
  needs: string[];
  /** Parameter name -> upstream variable, filled at run time; overrides every other value. */
  inputs: Record<string, VariableRef>;
  /** Parameter name -> values: one task instance per combination (Cartesian product). */
  matrix?: Record<string, unknown[]>;
  /** Fan-out over a list an upstream task produces at run time: one instance per element. */
  foreach?: VariableRef & { param: string };
  /** The task's own parameters (override the pipeline's `parameters`). */
  parameters: Record<string, unknown>;
  /** 1-based line of the task in the file. */
  line?: number;
}

/** A loaded pipeline file. */
export interface Pipeline {
  /** Absolute path of the pipeline file. */
  file: string;
  /** Parameters for every task (`parameters`). */
  parameters: Record<string, unknown>;
  /** Options for every task unless the task sets them (`defaults`). */
  defaults: TaskOptions;
  /** The tasks, in file order. */
  tasks: PipelineTask[];
}

/** One problem found in a pipeline file. */
export interface PipelineProblem {
  /** The file as given to {@linkcode loadPipeline}. */
  file: string;
  /** The task id, or `#N` (1-based entry number) when the entry has no usable id. */
  task?: string;
  /** The key, e.g. `needs` or `inputs.rows`. */
  key?: string;
  /** 1-based line in the file. */
  line?: number;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A pipeline file with problems (a usage error: exit code 2, nothing ran). */
export class PipelineError extends UsageError {
  /** Every problem found, in file order. */
  readonly problems: PipelineProblem[];

  /** Creates the error; the message has one line per problem: `file:line: task "x": key "y": ...`. */
  constructor(problems: PipelineProblem[], options?: ErrorOptions) {
    super(problems.map(formatProblem).join("\n"), options);
    this.name = "PipelineError";
    this.problems = problems;
  }
}

/** Formats a problem as `file:line: task "x": key "y": message`. */
export function formatProblem(p: PipelineProblem): string {
  return `${p.file}${p.line === undefined ? "" : `:${p.line}`}: ` +
    (p.task === undefined ? "" : `task "${p.task}": `) +
    (p.key === undefined ? "" : `key "${p.key}": `) + p.message;
}

const TOP_KEYS = ["parameters", "defaults", "tasks"];

/**
 * Reads and checks a pipeline file. Paths (`notebook`, `cwd`) are relative to the file's folder.
 * Throws {@linkcode PipelineError} listing every problem: YAML syntax, unknown keys (with a "did
 * you mean"), wrong types, missing notebooks, unknown or self `needs`, duplicate ids, bad
 * `inputs`/`foreach` references, and cycles (`a -> b -> a`, each task needs the next).
 *
 * Decisions: a task named in `inputs` or `foreach` is added to `needs` if missing; `foreach` takes
 * exactly one parameter and must refer to a task that is not itself fanned out; a task can't have
 * both `matrix` and `foreach`; `foreach` and `inputs` can't set the same parameter.
 *
 * @example
 * ```ts ignore
 * const pipeline = await loadPipeline("pipeline.yaml");
 * for (const task of pipeline.tasks) console.log(task.id, task.needs);
 * ```
 */
export async function loadPipeline(path: string): Promise<Pipeline> {
  const file = resolve(path);
  const dir = dirname(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new PipelineError([{
      file: path,
      message: `can't read the pipeline file (${(cause as Error).message}); check the path`,
    }], { cause });
  }
  const { doc, lineCounter, problems: syntax } = parseYaml(text);
  const first = syntax[0];
  if (first) {
    const more = syntax.length > 1
      ? ` (${syntax.length - 1} more problems may follow from it)`
      : "";
    throw new PipelineError([{
      file: path,
      ...(first.line === undefined ? {} : { line: first.line }),
      message: `invalid YAML: ${first.message}` +
        `${first.col === undefined ? "" : ` at column ${first.col}`}; fix the syntax${more}`,
    }], { cause: first.error });
  }
  const root = normalizeInts(doc.toJS({ maxAliasCount: 1000 }));
  const at = new Locator(lineCounter, doc.contents);
  const checker: Checker = { file: path, dir, problems: [] };
  if (!isPlainObject(root)) {
    throw new PipelineError([{
      file: path,
      message: "expected a map with `tasks` (and optional `parameters`, `defaults`); " +
        "see the pipeline file format in the README",
    }]);
  }
  unknownKeys(checker, root, TOP_KEYS, at, undefined, "");
  let parameters: Record<string, unknown> = {};
  if (root.parameters !== undefined && root.parameters !== null) {
    if (isPlainObject(root.parameters)) parameters = root.parameters;
    else wrongType(checker, at, undefined, "parameters", "a map of name: value", root.parameters);
  }
  let defaults: TaskOptions = {};
  if (root.defaults !== undefined && root.defaults !== null) {
    if (isPlainObject(root.defaults)) {
      const known = ["kernel", "timeout", "cell_timeout", "retries", "cwd", "allow_errors"];
      unknownKeys(checker, root.defaults, known, at.child("defaults"), undefined, "defaults.");
      defaults = await readOptions(
        checker,
        root.defaults,
        at.child("defaults"),
        undefined,
        "defaults.",
      );
    } else wrongType(checker, at, undefined, "defaults", "a map of task options", root.defaults);
  }
  const tasks: PipelineTask[] = [];
  const raws: RawTask[] = [];
  if (!Array.isArray(root.tasks) || root.tasks.length === 0) {
    checker.problems.push({
      file: path,
      key: "tasks",
      ...lineField(at.keyLine("tasks") ?? at.line()),
      message: root.tasks === undefined
        ? "missing; list the tasks under `tasks:`, each with an `id` and a `notebook`"
        : "expected a non-empty list of tasks, each with an `id` and a `notebook`",
    });
  } else {
    const taskList = at.child("tasks");
    for (const [i, entry] of root.tasks.entries()) {
      const raw = await readTask(checker, entry, i, taskList.item(i));
      if (raw) raws.push(raw);
    }
    checkGraph(checker, raws);
    for (const raw of raws) tasks.push(raw.task);
  }
  if (checker.problems.length > 0) {
    throw new PipelineError(
      checker.problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)),
    );
  }
  return { file, parameters, defaults, tasks };
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}
