/**
 * Jupytext percent-format scripts: `# %%` (Python, R, Julia) or `// %%`
 * (TypeScript, JavaScript) cell markers, read as nbformat 4.5 notebooks.
 * @module
 */

import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { readJsonValue } from "./_json.ts";
import { newCellId, newCodeCell, newMarkdownCell, newRawCell } from "./cells.ts";
import { NotebookSyntaxError } from "./errors.ts";
import type {
  Cell,
  CellMetadata,
  JsonValue,
  KernelspecMetadata,
  Notebook,
  NotebookMetadata,
} from "./types.ts";

interface ScriptKind {
  comment: string;
  kernelspec: KernelspecMetadata;
}

const KINDS: Record<string, ScriptKind> = {
  ".py": {
    comment: "#",
    kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
  },
  ".r": { comment: "#", kernelspec: { name: "ir", display_name: "R", language: "R" } },
  ".jl": { comment: "#", kernelspec: { name: "julia", display_name: "Julia", language: "julia" } },
  ".ts": {
    comment: "//",
    kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
  },
  ".js": {
    comment: "//",
    kernelspec: { name: "deno", display_name: "Deno", language: "javascript" },
  },
};

function kindOf(path: string): ScriptKind | undefined {
  return KINDS[extname(path).toLowerCase()];
}

/**
 * Whether `path` has a percent-script extension (`.py .r .R .jl .ts .js`).
 *
 * @example
 * ```ts
 * import { isPercentScript } from "./mod.ts";
 * isPercentScript("train.py"); // true
 * isPercentScript("train.ipynb"); // false
 * ```
 */
export function isPercentScript(path: string): boolean {
  return kindOf(path) !== undefined;
}

/** Options for {@linkcode parsePercent}. */
export interface ParsePercentOptions {
  /** The kernelspec to record, instead of the one from the header or the extension. */
  kernelspec?: KernelspecMetadata;
}

/**
 * Parses a percent-format script into an nbformat 4.5 notebook.
 *
 * - `# %%` starts a code cell, `# %% [markdown]` (or `[md]`) a markdown cell
 *   and `# %% [raw]` a raw cell; markdown and raw lines lose their leading
 *   `# ` (`// ` in TypeScript and JavaScript).
 * - After the marker: an optional title (kept as `metadata.title`), the cell
 *   type, then `key=<JSON>` metadata such as `tags=["parameters"]`.
 * - A leading jupytext header (`# ---` ... `# ---`, YAML in comments) is not a
 *   cell: its `jupyter:` map becomes notebook metadata.
 * - Code before the first marker is a code cell. Blank lines around a cell's
 *   content are dropped.
 * - The kernelspec comes from `options.kernelspec`, else the header, else the
 *   extension: python3 (.py), ir (.r), julia (.jl), deno (.ts, .js).
 *
 * @throws {NotebookSyntaxError} a malformed jupytext header
 * @example
 * ```ts
 * import { parsePercent } from "./mod.ts";
 * const nb = parsePercent('# %% tags=["parameters"]\nx = 1\n\n# %%\nprint(x)\n', "a.py");
 * nb.cells.length; // 2
 * ```
 */
export function parsePercent(
  text: string,
  path: string,
  options: ParsePercentOptions = {},
): Notebook {
  const kind = kindOf(path) ?? KINDS[".py"]!;
  const c = kind.comment;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();

  const header = readHeader(lines, c, path);
  const marker = new RegExp(`^${escapeRegExp(c)}\\s*%%(?:\\s(.*))?$`);
  const cells: Cell[] = [];
  const ids = new Set<string>();
  let current: { head: MarkerInfo | undefined; body: string[] } = {
    head: undefined,
    body: [],
  };
  const flush = () => {
    const cell = buildCell(current.head, trimBlank(current.body), c, ids);
    if (cell) cells.push(cell);
  };
  for (let i = header.end; i < lines.length; i++) {
    const line = lines[i]!;
    const match = marker.exec(line);
    if (!match) {
      current.body.push(line);
      continue;
    }
    flush();
    current = { head: parseMarker(match[1] ?? ""), body: [] };
  }
  flush();

  const metadata: NotebookMetadata = { ...header.metadata };
  const fromHeader = isRecord(metadata.kernelspec) && typeof metadata.kernelspec.name === "string"
    ? metadata.kernelspec
    : undefined;
  const kernelspec = options.kernelspec ?? fromHeader ?? kind.kernelspec;
  metadata.kernelspec = { ...kernelspec };
  if (!metadata.language_info) {
    metadata.language_info = { name: kernelspec.language ?? kind.kernelspec.language ?? "" };
  }
  return { cells, metadata, nbformat: 4, nbformat_minor: 5 };
}

interface MarkerInfo {
  type: "code" | "markdown" | "raw";
  metadata: CellMetadata;
}

function buildCell(
  head: MarkerInfo | undefined,
  body: string[],
  c: string,
  ids: Set<string>,
): Cell | undefined {
  // Text before the first marker becomes a cell only when it has content.
  if (head === undefined && body.length === 0) return undefined;
  const id = newCellId(ids);
  ids.add(id);
  const options = { id, metadata: head?.metadata ?? {} };
  switch (head?.type ?? "code") {
    case "markdown":
      return newMarkdownCell(body.map((l) => uncomment(l, c)).join("\n"), options);
    case "raw":
      return newRawCell(body.map((l) => uncomment(l, c)).join("\n"), options);
    default:
      return newCodeCell(body.join("\n"), options);
  }
}

function uncomment(line: string, c: string): string {
  if (line.startsWith(c + " ")) return line.slice(c.length + 1);
  if (line.startsWith(c)) return line.slice(c.length);
  return line;
}

function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start++;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  return lines.slice(start, end);
}

const CELL_TYPE = /(^|\s)\[(markdown|md|raw)\](?=\s|$)/;
const META_KEY = /(^|\s)([A-Za-z_][\w.-]*)=/g;

function parseMarker(rest: string): MarkerInfo {
  const text = rest.trim();
  let metadata: CellMetadata = {};
  let before = text;
  if (text.startsWith("{")) {
    const json = readJsonValue(text, 0, { whole: true, allowNonFinite: false });
    if (json.ok && isJsonObject(json.value)) return { type: "code", metadata: json.value };
  }
  for (const match of text.matchAll(META_KEY)) {
    const start = match.index + match[1]!.length;
    const parsed = parseKeyValues(text, start);
    if (parsed) {
      metadata = parsed;
      before = text.slice(0, start).trim();
      break;
    }
  }
  let type: MarkerInfo["type"] = "code";
  const typeMatch = CELL_TYPE.exec(before);
  if (typeMatch) {
    type = typeMatch[2] === "raw" ? "raw" : "markdown";
    before =
      (before.slice(0, typeMatch.index) + before.slice(typeMatch.index + typeMatch[0].length))
        .trim();
  }
  if (before !== "") metadata = { title: before, ...metadata };
  return { type, metadata };
}

/** Parses `key=<JSON> key=<JSON> ...` up to the end of `text`, or gives undefined. */
function parseKeyValues(text: string, start: number): CellMetadata | undefined {
  const out: CellMetadata = {};
  const key = /\s*([A-Za-z_][\w.-]*)=/y;
  let pos = start;
  while (pos < text.length) {
    key.lastIndex = pos;
    const match = key.exec(text);
    if (!match) return undefined;
    const value = readJsonValue(text, key.lastIndex, { allowNonFinite: false });
    if (!value.ok) return undefined;
    const next = text[value.end];
    if (next !== undefined && !/\s/.test(next)) return undefined;
    Object.defineProperty(out, match[1]!, {
      value: value.value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    pos = value.end;
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  }
  return out;
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a leading jupytext header; `end` is the first line after it. */
function readHeader(
  lines: string[],
  c: string,
  path: string,
): { end: number; metadata: NotebookMetadata } {
  const fence = `${c} ---`;
  if (lines[0]?.trimEnd() !== fence) return { end: 0, metadata: {} };
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimEnd() === fence) {
      close = i;
      break;
    }
    if (!line.startsWith(c)) break;
  }
  if (close < 0) return { end: 0, metadata: {} };
  const yamlText = lines.slice(1, close).map((l) => uncomment(l, c)).join("\n");
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    const pos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const line = (pos?.line ?? 1) + 1;
    const column = (pos?.col ?? 1) + c.length + 1;
    throw new NotebookSyntaxError(
      `Cannot parse notebook "${path}": invalid YAML in the jupytext header at line ${line}, ` +
        `column ${column}: ${
          String((error as Error).message).split("\n")[0]!.replace(
            / at line \d+, column \d+:?$/,
            "",
          )
        }`,
      path,
      line,
      column,
      { cause: error },
    );
  }
  let end = close + 1;
  while (end < lines.length && lines[end]!.trim() === "") end++;
  const jupyter = isRecord(data) ? data.jupyter : undefined;
  const metadata = isRecord(jupyter)
    ? (JSON.parse(JSON.stringify(jupyter)) as NotebookMetadata)
    : {};
  return { end, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
