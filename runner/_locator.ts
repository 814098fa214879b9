/**
 * Finding the line of a value in a parsed YAML document, by path, for error messages. A path
 * that isn't in the document (e.g. a key that came through a `<<` merge) falls back to the
 * nearest enclosing node's line.
 * @module
 */

import { isMap, isPair, isScalar, isSeq } from "yaml";
import type { LineCounter, Pair } from "yaml";

/** A position in a YAML document: a node (possibly absent) and the line to fall back to. */
export class Locator {
  #lineCounter: LineCounter;
  #node: unknown;
  #fallback: number | undefined;

  /** Points at `node` (e.g. `doc.contents`); `fallback` is used when the node has no range. */
  constructor(lineCounter: LineCounter, node: unknown, fallback?: number) {
    this.#lineCounter = lineCounter;
    this.#node = node;
    this.#fallback = fallback;
  }

  /** The 1-based line where this node starts, or the fallback. */
  line(): number | undefined {
    const range = (this.#node as { range?: unknown } | null | undefined)?.range;
    const start = Array.isArray(range) ? range[0] : undefined;
    return typeof start === "number" ? this.#lineCounter.linePos(start).line : this.#fallback;
  }

  #pair(key: string): Pair | undefined {
    if (!isMap(this.#node)) return undefined;
    return this.#node.items.find((p) =>
      isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === key
    );
  }

  /** The line of `key` in this map, or this node's line. */
  keyLine(key: string): number | undefined {
    return new Locator(this.#lineCounter, this.#pair(key)?.key, this.line()).line();
  }

  /** The value of `key` in this map. */
  child(key: string): Locator {
    return new Locator(this.#lineCounter, this.#pair(key)?.value, this.keyLine(key));
  }

  /** Item `index` of this list. */
  item(index: number): Locator {
    const node = isSeq(this.#node) ? this.#node.items[index] : undefined;
    return new Locator(this.#lineCounter, node, this.line());
  }
}
