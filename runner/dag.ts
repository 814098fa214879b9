/**
 * Generic DAG helpers over string ids. Edges are given as `needs`: a map from a node to the
 * nodes it needs (its prerequisites), the way pipeline files and plans store them.
 * @module
 */

/** A node's prerequisites: `needs.get(b)` includes `a` when `a` must finish before `b` starts. */
export type Needs = ReadonlyMap<string, readonly string[]>;

/** Thrown by {@linkcode topologicalOrder} when the graph has a cycle (a bug: plans are checked). */
export class CycleError extends Error {
  /** The cycle, first node repeated at the end; each node needs the next. */
  readonly cycle: string[];

  /** Creates the error for a cycle path. */
  constructor(cycle: string[]) {
    super(`Can't order the tasks: they form a cycle ${cycle.join(" -> ")} (each needs the next)`);
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

function checkKnown(nodes: readonly string[], needs: Needs): Map<string, number> {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (index.has(n)) throw new Error(`Can't use the graph: node "${n}" is listed twice`);
    index.set(n, i);
  });
  for (const [node, deps] of needs) {
    if (!index.has(node)) throw new Error(`Can't use the graph: unknown node "${node}"`);
    for (const d of deps) {
      if (!index.has(d)) throw new Error(`Can't use the graph: "${node}" needs unknown "${d}"`);
    }
  }
  return index;
}

/**
 * Orders nodes so that every node comes after what it needs. Stable: among the nodes that are
 * ready, the one listed first in `nodes` goes first, so an already ordered list is unchanged.
 * Throws {@linkcode CycleError} on a cycle.
 *
 * @example
 * ```ts
 * import { topologicalOrder } from "./dag.ts";
 * topologicalOrder(["report", "load", "clean"], new Map([["report", ["clean"]], ["clean", ["load"]]]));
 * // ["load", "clean", "report"]
 * ```
 */
export function topologicalOrder(nodes: readonly string[], needs: Needs): string[] {
  const index = checkKnown(nodes, needs);
  const waiting = nodes.map((n) => new Set(needs.get(n) ?? []).size);
  const dependantsOf = nodes.map((): number[] => []);
  nodes.forEach((n, i) => {
    for (const d of new Set(needs.get(n) ?? [])) dependantsOf[index.get(d)!]!.push(i);
  });
  const heap = new MinHeap();
  waiting.forEach((w, i) => w === 0 && heap.push(i));
  const order: string[] = [];
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    order.push(nodes[i]!);
    for (const j of dependantsOf[i]!) if (--waiting[j]! === 0) heap.push(j);
  }
  if (order.length < nodes.length) throw new CycleError(findCycle(nodes, needs) ?? []);
  return order;
}

/**
 * Finds a cycle, if any: `[a, b, c, a]` where each node needs the next. The search follows
 * `nodes` order and the path starts at its earliest-listed node, so the answer is stable.
 *
 * @example
 * ```ts
 * import { findCycle } from "./dag.ts";
 * findCycle(["a", "b"], new Map([["a", ["b"]], ["b", ["a"]]])); // ["a", "b", "a"]
 * ```
 */
export function findCycle(nodes: readonly string[], needs: Needs): string[] | undefined {
  const index = checkKnown(nodes, needs);
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "open");
    stack.push(node);
    for (const next of needs.get(node) ?? []) {
      const s = state.get(next);
      if (s === "open") {
        const cycle = stack.slice(stack.indexOf(next));
        let start = 0;
        cycle.forEach((n, i) => {
          if (index.get(n)! < index.get(cycle[start]!)!) start = i;
        });
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        return [...rotated, rotated[0]!];
      }
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of nodes) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every node that needs `id`, directly or through others (not `id` itself), in `nodes` order.
 * This is what a failure of `id` skips.
 *
 * @example
 * ```ts
 * import { dependants } from "./dag.ts";
 * dependants("load", ["load", "clean", "report", "other"], new Map([["clean", ["load"]], ["report", ["clean"]]]));
 * // ["clean", "report"]
 * ```
 */
export function dependants(id: string, nodes: readonly string[], needs: Needs): string[] {
  checkKnown(nodes, needs);
  const needers = new Map<string, string[]>();
  for (const [n, deps] of needs) {
    for (const d of deps) needers.set(d, [...(needers.get(d) ?? []), n]);
  }
  const reached = new Set<string>([id]);
  const queue = [id];
  for (let n = queue.pop(); n !== undefined; n = queue.pop()) {
    for (const m of needers.get(n) ?? []) {
      if (!reached.has(m)) {
        reached.add(m);
        queue.push(m);
      }
    }
  }
  return nodes.filter((n) => n !== id && reached.has(n));
}

/** A binary min-heap of numbers. */
class MinHeap {
  #items: number[] = [];

  push(value: number): void {
    const a = this.#items;
    a.push(value);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): number | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
