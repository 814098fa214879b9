/**
 * The graph checks behind `loadPipeline`: duplicate ids, `needs`, `inputs` and `foreach`
 * references, and cycles. Problems are collected, never thrown.
 * @module
 */

import { didYouMean } from "./_suggest.ts";
import { findCycle } from "./dag.ts";
import { type Checker, push, type RawTask } from "./_pipeline_checks.ts";
import type { VariableRef } from "./pipeline.ts";

/** Checks ids, `needs`, `inputs` and `foreach` references and cycles, and fills `needs`/`inputs`. */
export function checkGraph(c: Checker, raws: readonly RawTask[]): void {
  const byId = new Map<string, RawTask>();
  for (const raw of raws) {
    if (raw.id === undefined) continue;
    const first = byId.get(raw.id);
    if (first) {
      const where = first.at.line() === undefined ? "" : ` (first used on line ${first.at.line()})`;
      push(
        c,
        raw.label,
        "id",
        raw.at.child("id").line(),
        `duplicate id${where}; give each task a unique id`,
      );
    } else byId.set(raw.id, raw);
  }
  const ids = [...byId.keys()];
  const resolveRef = (raw: RawTask, key: string, r: { ref: string; line: number | undefined }) => {
    let split = -1;
    for (let i = r.ref.indexOf("."); i !== -1; i = r.ref.indexOf(".", i + 1)) {
      if (byId.has(r.ref.slice(0, i)) && i < r.ref.length - 1) split = i;
    }
    if (split === -1) {
      const dot = r.ref.indexOf(".");
      const example = key.startsWith("foreach") ? "ingest.files" : "ingest.n_rows";
      const message = dot <= 0 || dot === r.ref.length - 1
        ? `expected "task.variable", got "${r.ref}"; write for example ${example}`
        : `"${r.ref}" refers to unknown task "${r.ref.slice(0, dot)}"${
          didYouMean(r.ref.slice(0, dot), ids)
        }`;
      push(c, raw.label, key, r.line, message);
      return undefined;
    }
    const ref: VariableRef = { task: r.ref.slice(0, split), variable: r.ref.slice(split + 1) };
    if (ref.task === raw.id) {
      push(
        c,
        raw.label,
        key,
        r.line,
        `"${r.ref}" refers to the task itself; a task can only read upstream variables`,
      );
      return undefined;
    }
    return ref;
  };
  for (const raw of raws) {
    const needs = raw.task.needs;
    const add = (id: string) => needs.includes(id) || needs.push(id);
    for (const n of raw.needs) {
      if (n.name === raw.id) push(c, raw.label, "needs", n.line, "a task can't need itself");
      else if (!byId.has(n.name)) {
        push(c, raw.label, "needs", n.line, `unknown task "${n.name}"${didYouMean(n.name, ids)}`);
      } else add(n.name);
    }
    for (const input of raw.inputs) {
      const ref = resolveRef(raw, `inputs.${input.param}`, input);
      if (ref) raw.task.inputs[input.param] = ref;
    }
    if (raw.foreach) {
      const ref = resolveRef(raw, `foreach.${raw.foreach.param}`, raw.foreach);
      const upstream = ref && byId.get(ref.task)?.task;
      if (ref && upstream && (upstream.matrix || byId.get(ref.task)?.foreach)) {
        push(
          c,
          raw.label,
          `foreach.${raw.foreach.param}`,
          raw.foreach.line,
          `task "${ref.task}" is fanned out (${
            upstream.matrix ? "matrix" : "foreach"
          }), so "${ref.variable}" has no single value; fan out over a task that runs once`,
        );
      } else if (ref) raw.task.foreach = { param: raw.foreach.param, ...ref };
    }
    for (const ref of Object.values(raw.task.inputs)) add(ref.task);
    if (raw.task.foreach) add(raw.task.foreach.task);
  }
  const graph = new Map(ids.map((id) => [id, byId.get(id)!.task.needs]));
  const cycle = findCycle(ids, graph);
  if (cycle) {
    const raw = byId.get(cycle[0]!)!;
    push(
      c,
      raw.label,
      "needs",
      raw.at.keyLine("needs"),
      `tasks form a cycle ${
        cycle.join(" -> ")
      } (each needs the next, through needs, inputs or foreach); remove one of these dependencies`,
    );
  }
}
