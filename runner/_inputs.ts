/**
 * Where a task's inputs come from: upstream variables by `inputs`, and the
 * tasks it depends on transitively (for directory chaining).
 * @module
 */
import { latestValues } from "./introspect.ts";
import type { TaskRecord } from "./manifest.ts";
import type { PlannedTask } from "./plan.ts";

/**
 * Values of a task's `inputs`, or why one can't be had: the upstream produced no such
 * variable (a typo the pipeline file can't reveal before the run). When preparing only,
 * nothing ran upstream, so such inputs are left out and the notebook keeps its defaults.
 */
export function upstreamValues(
  t: PlannedTask,
  tasks: readonly PlannedTask[],
  records: ReadonlyMap<string, TaskRecord>,
  prepareOnly: boolean,
): { values: Record<string, unknown>; problem?: string } {
  const values: Record<string, unknown> = {};
  for (const [param, input] of Object.entries(t.inputs)) {
    const sources = tasks.filter((u) =>
      input.fanIn ? (u.group ?? u.id) === input.task || u.id === input.task : u.id === input.task
    );
    const found: unknown[] = [];
    for (const u of sources) {
      const produced = latestValues(records.get(u.id)?.variables ?? []);
      if (!Object.hasOwn(produced, input.variable)) break;
      found.push(produced[input.variable]);
    }
    if (found.length === sources.length && (input.fanIn || found.length === 1)) {
      values[param] = input.fanIn ? found : found[0];
      continue;
    }
    if (prepareOnly) continue;
    const u = sources[found.length];
    const names = Object.keys(
      latestValues(records.get(u?.id ?? "")?.variables ?? []),
    );
    return {
      values,
      problem: `input "${param}" <- ${input.task}.${input.variable}: task "${
        u?.id ?? input.task
      }" produced no variable "${input.variable}"; ${
        names.length > 0 ? `its variables are ${names.join(", ")}` : "it produced no variables"
      }`,
    };
  }
  return { values };
}

/** Every task `t` depends on, directly or not. */
export function ancestors(t: PlannedTask, tasks: readonly PlannedTask[]): Set<string> {
  const seen = new Set<string>();
  const byId = new Map(tasks.map((u) => [u.id, u]));
  const stack = [...t.needs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  return seen;
}
