/**
 * Small helpers over cells: source text, tags, new cells and cell ids.
 * @module
 */

import type {
  Cell,
  CellMetadata,
  CodeCell,
  JsonObject,
  MarkdownCell,
  MultilineString,
  RawCell,
} from "./types.ts";

/**
 * Joins nbformat multi-line text (a string or a list of lines) into one string.
 *
 * @example
 * ```ts
 * import { joinMultiline } from "./mod.ts";
 * joinMultiline(["a\n", "b"]); // "a\nb"
 * ```
 */
export function joinMultiline(value: MultilineString): string {
  return typeof value === "string" ? value : value.join("");
}

/**
 * Splits text into nbformat's list form: every line keeps its "\n" except the
 * last; empty text gives an empty list.
 *
 * @example
 * ```ts
 * import { splitMultiline } from "./mod.ts";
 * splitMultiline("a\nb\n"); // ["a\n", "b\n"]
 * ```
 */
export function splitMultiline(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/**
 * The cell's source as one string.
 *
 * @example
 * ```ts
 * import { newCodeCell, sourceText } from "./mod.ts";
 * sourceText(newCodeCell(["x = 1\n", "y = 2"])); // "x = 1\ny = 2"
 * ```
 */
export function sourceText(cell: Cell): string {
  return joinMultiline(cell.source);
}

/**
 * Replaces the cell's source in place, keeping its style: a string source
 * stays a string, a list source stays a list of lines.
 *
 * @example
 * ```ts
 * import { newCodeCell, setSource } from "./mod.ts";
 * const cell = newCodeCell(["x = 1\n"]);
 * setSource(cell, "x = 2\ny = 3");
 * cell.source; // ["x = 2\n", "y = 3"]
 * ```
 */
export function setSource(cell: Cell, text: string): void {
  cell.source = Array.isArray(cell.source) ? splitMultiline(text) : text;
}

/**
 * The cell's tags (`metadata.tags`); an empty list when there are none.
 *
 * @example
 * ```ts
 * import { cellTags, newCodeCell } from "./mod.ts";
 * cellTags(newCodeCell("x = 1", { tags: ["parameters"] })); // ["parameters"]
 * ```
 */
export function cellTags(cell: Cell): string[] {
  const tags: unknown = cell.metadata?.tags;
  if (!Array.isArray(tags)) return [];
  return tags.filter((tag): tag is string => typeof tag === "string");
}

/**
 * Whether the cell carries `tag` in `metadata.tags`.
 *
 * @example
 * ```ts
 * import { hasTag, newCodeCell } from "./mod.ts";
 * hasTag(newCodeCell("x = 1", { tags: ["parameters"] }), "parameters"); // true
 * ```
 */
export function hasTag(cell: Cell, tag: string): boolean {
  return cellTags(cell).includes(tag);
}

/** Options for {@linkcode newCodeCell} and {@linkcode newMarkdownCell}. */
export interface NewCellOptions {
  /** Cell id (nbformat 4.5); omitted when not given. See {@linkcode newCellId}. */
  id?: string;
  /** Metadata to start from (copied). */
  metadata?: CellMetadata;
  /** Tags, stored in `metadata.tags`. */
  tags?: string[];
}

function metadataOf(options: NewCellOptions): CellMetadata {
  const metadata: CellMetadata = { ...options.metadata };
  if (options.tags !== undefined) metadata.tags = [...options.tags];
  return metadata;
}

/**
 * A new code cell (no outputs, not executed). Keys are in nbformat's order.
 *
 * @example
 * ```ts
 * import { newCellId, newCodeCell } from "./mod.ts";
 * const cell = newCodeCell("print(1)", { id: newCellId(), tags: ["setup"] });
 * ```
 */
export function newCodeCell(source: MultilineString, options: NewCellOptions = {}): CodeCell {
  const cell: CodeCell = {
    cell_type: "code",
    execution_count: null,
    metadata: metadataOf(options),
    outputs: [],
    source: typeof source === "string" ? source : [...source],
  };
  return options.id === undefined ? cell : withId(cell, options.id);
}

/**
 * A new markdown cell.
 *
 * @example
 * ```ts
 * import { newMarkdownCell } from "./mod.ts";
 * const cell = newMarkdownCell("# Title");
 * ```
 */
export function newMarkdownCell(
  source: MultilineString,
  options: NewCellOptions = {},
): MarkdownCell {
  const cell: MarkdownCell = {
    cell_type: "markdown",
    metadata: metadataOf(options),
    source: typeof source === "string" ? source : [...source],
  };
  return options.id === undefined ? cell : withId(cell, options.id);
}

/**
 * A new raw cell.
 *
 * @example
 * ```ts
 * import { newRawCell } from "./mod.ts";
 * const cell = newRawCell("---\ntitle: x\n---");
 * ```
 */
export function newRawCell(source: MultilineString, options: NewCellOptions = {}): RawCell {
  const cell: RawCell = {
    cell_type: "raw",
    metadata: metadataOf(options),
    source: typeof source === "string" ? source : [...source],
  };
  return options.id === undefined ? cell : withId(cell, options.id);
}

const CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Whether `id` is a valid nbformat 4.5 cell id (1 to 64 of `a-zA-Z0-9-_`).
 *
 * @example
 * ```ts
 * import { isValidCellId } from "./mod.ts";
 * isValidCellId("a1b2-c3"); // true
 * isValidCellId("has space"); // false
 * ```
 */
export function isValidCellId(id: unknown): id is string {
  return typeof id === "string" && CELL_ID.test(id);
}

/**
 * A fresh random cell id, 8 hex digits like nbformat's, not in `taken`.
 *
 * @example
 * ```ts
 * import { newCellId } from "./mod.ts";
 * const id = newCellId(new Set(["deadbeef"]));
 * ```
 */
export function newCellId(taken?: ReadonlySet<string>): string {
  for (;;) {
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
    if (!taken?.has(id)) return id;
  }
}

/**
 * A copy of `cell` with `id` set. A missing id is placed where nbformat's
 * sorted layout puts it (before the first key that sorts after "id"); an
 * existing one keeps its place.
 *
 * @example
 * ```ts
 * import { newCodeCell, withId } from "./mod.ts";
 * Object.keys(withId(newCodeCell("1"), "abc"));
 * // ["cell_type", "execution_count", "id", "metadata", "outputs", "source"]
 * ```
 */
export function withId<T extends Cell>(cell: T, id: string): T {
  if ("id" in cell) return { ...cell, id };
  const out: JsonObject = {};
  let placed = false;
  for (const [key, value] of Object.entries(cell)) {
    if (!placed && key > "id") {
      out.id = id;
      placed = true;
    }
    Object.defineProperty(out, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  if (!placed) out.id = id;
  return out as unknown as T;
}
