/**
 * Planning: turning a pipeline file, or a directory of notebooks × parameter sets, into the list
 * of tasks to run, with their parameters, dependencies and unique output names. Pure: no files,
 * no kernels.
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, extname, relative, sep } from "node:path";
import { topologicalOrder } from "./dag.ts";
import {
  assertUniqueOutputs,
  formatNameValue,
  joinName,
  type NameOptions,
  outputKey,
  safeFileName,
} from "./naming.ts";
import { cartesian } from "./params.ts";
import type { Pipeline, TaskOptions } from "./pipeline.ts";

/** Where a parameter's value comes from at run time. */
export interface InputSource {
  /**
   * The upstream task: a planned task id, or with `fanIn` the pipeline task id (the `group`) of
   * a fanned-out task, whose instances all contribute.
   */
  task: string;
  /** The upstream variable. */
  variable: string;
  /** The upstream is fanned out (matrix or foreach): the value is a list, in instance order. */
  fanIn: boolean;
}

/** One task to run. */
export interface PlannedTask {
  /** Unique id: the pipeline id, `train[lr=0.1]`, `score[0]`, `1_Add`, `1_Add[0]`, ... */
  id: string;
  /** Absolute notebook path. */
  notebook: string;
  /** Static parameters (pipeline < task < matrix/foreach); `inputs` go on top at run time. */
  parameters: Record<string, unknown>;
  /** Planned task ids that must succeed first. */
  needs: string[];
  /** Parameter name -> upstream variable, filled at run time; overrides `parameters`. */
  inputs: Record<string, InputSource>;
  /** Set on a foreach template: expand it with {@linkcode expandForeach} once the list is known. */
  foreach?: { param: string; task: string; variable: string };
  /** Kernelspec name; unset means the notebook's own. */
  kernel?: string;
  /** Whole-notebook timeout, seconds. */
  timeout?: number;
  /** Per-cell timeout, seconds. */
  cellTimeout?: number;
  /** Extra attempts after a failure. */
  retries: number;
  /** Working directory; unset means the notebook's folder. */
  cwd?: string;
  /** Keep running after a cell error. */
  allowErrors: boolean;
  /** File stem in the run directory (`<outputName>.ipynb`, `.html`); unique ignoring case. */
  outputName: string;
  /** Pipeline task id, or parameter-set index in directory mode; for display and fan-in. */
  group?: string;
  /** Directory mode: the names this notebook's parameters cell declares (filled by the caller). */
  chainNames?: string[];
}

/** The tasks to run, dependencies before dependants. */
export interface Plan {
  /** The tasks, in a stable topological order. */
  tasks: PlannedTask[];
}

function taskOptions(own: TaskOptions, defaults: TaskOptions) {
  const kernel = own.kernel ?? defaults.kernel;
  const timeout = own.timeout ?? defaults.timeout;
  const cellTimeout = own.cellTimeout ?? defaults.cellTimeout;
  const cwd = own.cwd ?? defaults.cwd;
  return {
    ...(kernel === undefined ? {} : { kernel }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(cellTimeout === undefined ? {} : { cellTimeout }),
    retries: own.retries ?? defaults.retries ?? 0,
    ...(cwd === undefined ? {} : { cwd }),
    allowErrors: own.allowErrors ?? defaults.allowErrors ?? false,
  };
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** Makes generated output names unique (ignoring case) by suffixing a hash of the task id. */
function uniquify(tasks: PlannedTask[], taken: Set<string> = new Set()): void {
  for (const task of tasks) {
    if (taken.has(outputKey(task.outputName))) {
      task.outputName = safeFileName(`${task.outputName}-${shortHash(task.id)}`);
    }
    taken.add(outputKey(task.outputName));
  }
}

/**
 * Plans a pipeline: tasks in stable topological order (file order where dependencies allow).
 *
 * - `matrix` gives one task per combination (last key varying fastest), with ids like
 *   `train[lr=0.1,seed=1]` and output names like `train-lr=0.1-seed=1`. If two combinations
 *   render alike (`1` and `"1"`), ids fall back to `train[0]`, `train[1]`, ...
 * - Parameters: pipeline `parameters` < task `parameters` < matrix values; `inputs` override all
 *   at run time. Options: the task's own, else `defaults`; retries 0 and allowErrors false.
 * - A task needing a fanned-out task needs all its instances (no pairing by matrix key), and its
 *   `inputs` from it arrive as lists in instance order (`fanIn: true`).
 * - A `foreach` task is one template (its `foreach` set); the executor calls
 *   {@linkcode expandForeach} then {@linkcode applyForeachExpansion} when the upstream is done.
 *   Its dependants' inputs from it are lists (`fanIn: true`), empty if the list was empty.
 * - Output names colliding (ignoring case, or with the run directory's own files) get a short
 *   hash of the task id.
 *
 * @example
 * ```ts ignore
 * const plan = planPipeline(await loadPipeline("pipeline.yaml"));
 * ```
 */
export function planPipeline(p: Pipeline): Plan {
  const byId = new Map(p.tasks.map((t) => [t.id, t]));
  const order = topologicalOrder(
    p.tasks.map((t) => t.id),
    new Map(p.tasks.map((t) => [t.id, t.needs])),
  );
  const instances = new Map<string, string[]>();
  const planned: PlannedTask[] = [];
  for (const id of order) {
    const t = byId.get(id)!;
    const base: PlannedTask = {
      id,
      notebook: t.notebook,
      parameters: { ...p.parameters, ...t.parameters },
      needs: t.needs.flatMap((n) => instances.get(n) ?? []),
      inputs: Object.fromEntries(
        Object.entries(t.inputs).map(([param, ref]) => {
          const up = byId.get(ref.task);
          const fanIn = Boolean(up?.matrix || up?.foreach);
          return [param, { task: ref.task, variable: ref.variable, fanIn }];
        }),
      ),
      ...taskOptions(t, p.defaults),
      outputName: safeFileName(id),
      group: id,
    };
    let tasks: PlannedTask[];
    if (t.foreach) {
      tasks = [{ ...base, foreach: { ...t.foreach } }];
    } else if (t.matrix) {
      const keys = Object.keys(t.matrix);
      const combos = cartesian(keys, keys.map((k) => t.matrix![k]!));
      const pairs = combos.map((c) => keys.map((k) => `${k}=${formatNameValue(c[k])}`));
      let ids = pairs.map((kv) => `${id}[${kv.join(",")}]`);
      const byIndex = new Set(ids).size < ids.length;
      if (byIndex) ids = combos.map((_, i) => `${id}[${i}]`);
      tasks = combos.map((combo, i) => ({
        ...base,
        id: ids[i]!,
        parameters: { ...base.parameters, ...combo },
        outputName: safeFileName(byIndex ? `${id}-${i}` : [id, ...pairs[i]!].join("-")),
        needs: [...base.needs],
        inputs: { ...base.inputs },
      }));
    } else {
      tasks = [base];
    }
    instances.set(id, tasks.map((x) => x.id));
    planned.push(...tasks);
  }
  uniquify(planned);
  assertUniqueOutputs(planned);
  return { tasks: planned };
}

/**
 * Expands a foreach template once its upstream list is known: one task per element, ids
 * `score[0]`, `score[1]`, ..., output names `score-0`, ..., the element as the foreach parameter
 * (over the template's parameters). An empty list gives no task.
 *
 * @example
 * ```ts ignore
 * const instances = expandForeach(template, ["a.csv", "b.csv"]);
 * plan = applyForeachExpansion(plan, template.id, instances);
 * ```
 */
export function expandForeach(template: PlannedTask, values: readonly unknown[]): PlannedTask[] {
  const { foreach, ...rest } = template;
  if (!foreach) throw new Error(`Can't expand task "${template.id}": it has no foreach`);
  return values.map((value, i) => ({
    ...rest,
    id: `${template.id}[${i}]`,
    parameters: { ...template.parameters, [foreach.param]: value },
    needs: [...template.needs],
    inputs: { ...template.inputs },
    outputName: safeFileName(`${template.outputName}-${i}`),
  }));
}

/**
 * Returns a new plan with a foreach template replaced (in place) by its instances: every task
 * that needed the template now needs all instances (none if the list was empty). Instance output
 * names that collide with other tasks' get a short hash.
 */
export function applyForeachExpansion(
  plan: Plan,
  templateId: string,
  instances: readonly PlannedTask[],
): Plan {
  const at = plan.tasks.findIndex((t) => t.id === templateId);
  if (at === -1 || !plan.tasks[at]!.foreach) {
    throw new Error(`Can't expand task "${templateId}": no such foreach template in the plan`);
  }
  const ids = instances.map((t) => t.id);
  const others = plan.tasks.filter((t) => t.id !== templateId).map((t) => ({
    ...t,
    needs: [...new Set(t.needs.flatMap((n) => n === templateId ? ids : [n]))],
  }));
  const added = instances.map((t) => ({ ...t }));
  uniquify(added, new Set(others.map((t) => outputKey(t.outputName))));
  const tasks = [...others.slice(0, at), ...added, ...others.slice(at)];
  assertUniqueOutputs(tasks);
  return { tasks };
}

/**
 * The planned tasks an input reads from, in plan order: the one task, or with `fanIn` every
 * instance of the fanned-out pipeline task (an expanded foreach's instances, or the template
 * itself while it is not yet expanded).
 */
export function inputSources(plan: Plan, source: InputSource): PlannedTask[] {
  return plan.tasks.filter((t) => source.fanIn ? t.group === source.task : t.id === source.task);
}

/** Options of {@linkcode planDirectory}. */
export interface DirectoryPlanOptions extends NameOptions {
  /** Chain each set's notebooks: each needs the previous one (`--no-chain` sets false). */
  chain: boolean;
  /** The directory ids are relative to (default: the notebooks' common folder). */
  root?: string;
  /** Options for every task (from the CLI: `--kernel`, `--timeout`, ...). */
  defaults?: TaskOptions;
}

/**
 * Plans a directory run: for each parameter set (in order), one task per notebook (in the given
 * order, normally `discoverNotebooks`'s natural order).
 *
 * - Ids are the notebook's path relative to `root` without extension (`1_Add`, `sub/2_x`; the
 *   extension is kept when two notebooks share a stem), suffixed `[i]` with several sets:
 *   `1_Add[0]`, `1_Add[1]`. With `prepend`/`append`, the id is millrun's joined name
 *   (`eu-1_Add-0.1`) and must be unique: two tasks with the same name are an error.
 * - Output names: the id made file-safe; with several sets and no naming keys, millrun's default
 *   prepends the set index (`0-1_Add`), which keeps each set's chain together in the folder.
 * - With `chain`, each task needs the previous notebook of the same set only, so a failure ends
 *   that set's chain while the other sets go on. The caller fills `chainNames` and the chained
 *   values at run time.
 * - `group` is the set index as a string. Pass `[{}]` for a run without parameters; an empty
 *   list of sets plans nothing.
 *
 * @example
 * ```ts ignore
 * const notebooks = await discoverNotebooks("analysis");
 * const plan = planDirectory(notebooks, await loadParameterSets("params.yaml"), { chain: true });
 * ```
 */
export function planDirectory(
  notebooks: readonly string[],
  sets: readonly Record<string, unknown>[],
  options: DirectoryPlanOptions,
): Plan {
  const root = options.root ?? commonFolder(notebooks);
  const rel = notebooks.map((n) => relative(root, n).split(sep).join("/"));
  const strip = (r: string) => r.slice(0, r.length - extname(r).length);
  const counts = new Map<string, number>();
  for (const r of rel) {
    counts.set(strip(r).toLowerCase(), (counts.get(strip(r).toLowerCase()) ?? 0) + 1);
  }
  const stems = rel.map((r) => counts.get(strip(r).toLowerCase())! > 1 ? r : strip(r));
  const named = (options.prepend?.length ?? 0) + (options.append?.length ?? 0) > 0;
  const tasks: PlannedTask[] = [];
  sets.forEach((set, i) => {
    let previous: string | undefined;
    notebooks.forEach((notebook, j) => {
      const stem = stems[j]!;
      const id = named ? joinName(stem, set, options) : sets.length === 1 ? stem : `${stem}[${i}]`;
      const outputName = safeFileName(
        named || sets.length === 1 ? id : joinName(stem, {}, { prepend: [String(i)] }),
      );
      tasks.push({
        id,
        notebook,
        parameters: { ...set },
        needs: options.chain && previous !== undefined ? [previous] : [],
        inputs: {},
        ...taskOptions({}, options.defaults ?? {}),
        outputName,
        group: String(i),
      });
      previous = id;
    });
  });
  if (!named) uniquify(tasks);
  assertUniqueOutputs(tasks);
  return { tasks };
}

/** The deepest folder containing every path. */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return "/";
  let folder = dirname(paths[0]!);
  for (const p of paths) {
    while (relative(folder, p).startsWith("..")) folder = dirname(folder);
  }
  return folder;
}
