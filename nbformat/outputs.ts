/**
 * Turns the iopub messages of executing cells into nbformat outputs, as
 * nbclient does with `coalesce_streams` on, with a per-cell size cap.
 * @module
 */
import type {
  CodeCell,
  DisplayDataOutput,
  ErrorOutput,
  ExecuteResultOutput,
  JsonObject,
  JsonValue,
  MimeBundle,
  StreamOutput,
} from "./types.ts";
import { splitLines, StreamText, utf8Length } from "./_stream_text.ts";

/** The part of a Jupyter iopub message that output collection needs. */
export interface IopubOutputMessage {
  /** `header.msg_type`, e.g. `"stream"` or `"display_data"`. */
  msg_type: string;
  /** The message content. */
  content: Record<string, unknown>;
}

/** Options of {@linkcode OutputCollector}. */
export interface OutputCollectorOptions {
  /** Most UTF-8 bytes of text and data one cell's outputs may hold (default 4 MiB). */
  maxCellOutputBytes?: number;
  /** Text of the stderr note added when a cell hits the cap (default names `--max-output`). */
  truncationNote?: (limitBytes: number) => string;
}

/** The default cap on one cell's outputs: 4 MiB. */
export const DEFAULT_MAX_CELL_OUTPUT_BYTES: number = 4 * 1024 * 1024;

/** The default truncation note, e.g. `[nbchain: output truncated after 4 MiB; raise --max-output to keep more]`. */
export function defaultTruncationNote(limitBytes: number): string {
  return `[nbchain: output truncated after ${
    formatSize(limitBytes)
  }; raise --max-output to keep more]\n`;
}

function formatSize(bytes: number): string {
  const trim = (n: number) => String(Math.round(n * 100) / 100);
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** Mime types nbformat splits into lines besides `text/*`. */
const SPLIT_MIMES = new Set(["application/javascript", "image/svg+xml"]);

/**
 * Converts a message's mime bundle to the form nbformat writes: string values
 * of `text/*`, `application/javascript` and `image/svg+xml` become line lists
 * (Python `splitlines(True)`); JSON mimes and everything else stay as given.
 *
 * @example
 * ```ts
 * import { mimeBundleToNotebook } from "./outputs.ts";
 * mimeBundleToNotebook({ "text/plain": "a\nb", "application/json": { x: 1 } });
 * // { "text/plain": ["a\n", "b"], "application/json": { x: 1 } }
 * ```
 */
export function mimeBundleToNotebook(data: Record<string, unknown>): MimeBundle {
  const bundle: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    if (typeof value === "string" && (mime.startsWith("text/") || SPLIT_MIMES.has(mime))) {
      bundle[mime] = splitLines(value);
    } else bundle[mime] = value as JsonValue;
  }
  return bundle;
}

interface OpenStream {
  output: StreamOutput;
  text: StreamText;
}

interface CellState {
  index: number;
  cell: CodeCell;
  bytes: number; // UTF-8 size of the outputs now held (the note excluded)
  truncated: boolean; // hit the cap at least once
  full: boolean; // the note is among the outputs: drop everything until a clear
  dropped: number;
  clearPending: boolean;
  stream: OpenStream | null; // the last output, when it is a stream we may extend
}

type RichOutput = DisplayDataOutput | ExecuteResultOutput;

/**
 * Collects the outputs of one notebook run, cell by cell, into the cells'
 * `outputs` arrays, applying what nbclient applies:
 *
 * - consecutive `stream` messages of one name merge into one output, with
 *   `\r` and `\b` applied (see README design notes);
 * - `clear_output` clears at once, or with `wait` before the next output;
 * - `display_data`/`execute_result` with `transient.display_id` are
 *   remembered across cells; `update_display_data` rewrites every earlier
 *   output with that id and appends nothing; a new output with a known id
 *   rewrites the earlier ones and is appended too;
 * - `transient` is never written.
 *
 * Memory stays bounded: once a cell's outputs would exceed
 * `maxCellOutputBytes`, further output of that cell is counted and dropped
 * and one stderr note says so.
 *
 * @example
 * ```ts
 * import { OutputCollector } from "./outputs.ts";
 * import type { CodeCell } from "./types.ts";
 * const cell: CodeCell = { cell_type: "code", source: "", metadata: {}, execution_count: null, outputs: [] };
 * const collector = new OutputCollector();
 * collector.startCell(0, cell);
 * collector.handle({ msg_type: "stream", content: { name: "stdout", text: "10%\r" } });
 * collector.handle({ msg_type: "stream", content: { name: "stdout", text: "100%\n" } });
 * // cell.outputs: [{ output_type: "stream", name: "stdout", text: ["100%\n"] }]
 * ```
 */
export class OutputCollector {
  #max: number;
  #note: (limitBytes: number) => string;
  #cells = new Map<number, CellState>();
  /** display id -> cell index -> output indexes. */
  #displays = new Map<string, Map<number, number[]>>();
  #current: CellState | null = null;

  /** Creates a collector for one notebook run. */
  constructor(options: OutputCollectorOptions = {}) {
    const max = options.maxCellOutputBytes ?? DEFAULT_MAX_CELL_OUTPUT_BYTES;
    if (!Number.isFinite(max) || max < 0) {
      throw new RangeError(
        `Cannot collect outputs: maxCellOutputBytes is "${max}", not a size in bytes`,
      );
    }
    this.#max = max;
    this.#note = options.truncationNote ?? defaultTruncationNote;
  }

  /** Whether the current cell hit the output cap. */
  get truncated(): boolean {
    return this.#current?.truncated ?? false;
  }

  /** UTF-8 bytes of output the current cell produced beyond the cap (counted, not kept). */
  get droppedBytes(): number {
    return this.#current?.dropped ?? 0;
  }

  /** Starts collecting for a cell: clears its outputs and its pending `clear_output(wait)`. */
  startCell(cellIndex: number, cell: CodeCell): void {
    cell.outputs = [];
    this.#forgetDisplays(cellIndex);
    const state: CellState = {
      index: cellIndex,
      cell,
      bytes: 0,
      truncated: false,
      full: false,
      dropped: 0,
      clearPending: false,
      stream: null,
    };
    this.#cells.set(cellIndex, state);
    this.#current = state;
  }

  /** Applies one iopub message to the notebook; returns true if the notebook changed. */
  handle(msg: IopubOutputMessage): boolean {
    const state = this.#current;
    if (state === null) {
      throw new Error(`Cannot handle a "${msg.msg_type}" message: startCell() was not called`);
    }
    const content = msg.content;
    switch (msg.msg_type) {
      case "stream":
        return this.#stream(state, content);
      case "display_data":
      case "execute_result":
        return this.#rich(state, msg.msg_type, content);
      case "update_display_data": {
        const id = displayId(content);
        const update = richContent(content);
        return id !== null && update !== null &&
          this.#updateDisplays(id, update.data, update.metadata);
      }
      case "error":
        return this.#error(state, content);
      case "clear_output":
        if (content.wait === true) {
          state.clearPending = true;
          return false;
        }
        return this.#clear(state);
      default:
        return false;
    }
  }

  #stream(state: CellState, content: Record<string, unknown>): boolean {
    const name = content.name;
    const text = content.text;
    if ((name !== "stdout" && name !== "stderr") || typeof text !== "string") return false;
    const cleared = this.#applyPendingClear(state);
    if (text.length === 0) return cleared;
    const outputs = state.cell.outputs;
    let open = state.stream;
    const extend = open !== null && open.output.name === name &&
      outputs[outputs.length - 1] === open.output;
    if (state.full || (!extend && state.bytes >= this.#max)) {
      state.dropped += utf8Length(text);
      return this.#markFull(state) || cleared;
    }
    if (open === null || !extend) {
      const streamText = new StreamText();
      open = { output: { output_type: "stream", name, text: streamText.lines }, text: streamText };
      outputs.push(open.output);
      state.stream = open;
    }
    const before = open.text.bytes;
    const complete = open.text.append(text, this.#max - (state.bytes - before));
    const added = open.text.bytes - before;
    state.bytes += added;
    if (!complete) {
      state.dropped += Math.max(0, utf8Length(text) - added);
      if (!extend && open.text.bytes === 0) outputs.pop();
      this.#markFull(state);
    }
    return true;
  }

  #rich(
    state: CellState,
    type: "display_data" | "execute_result",
    content: Record<string, unknown>,
  ): boolean {
    const rich = richContent(content);
    if (rich === null) return false;
    const id = displayId(content);
    let changed = id !== null && this.#updateDisplays(id, rich.data, rich.metadata);
    changed = this.#applyPendingClear(state) || changed;
    const output: RichOutput = type === "execute_result"
      ? {
        output_type: "execute_result",
        execution_count: executionCount(content.execution_count),
        data: mimeBundleToNotebook(rich.data),
        metadata: rich.metadata,
      }
      : {
        output_type: "display_data",
        data: mimeBundleToNotebook(rich.data),
        metadata: rich.metadata,
      };
    if (!this.#admit(state, richBytes(output))) return this.#markFull(state) || changed;
    if (id !== null) this.#recordDisplay(id, state.index, state.cell.outputs.length);
    state.cell.outputs.push(output);
    state.stream = null;
    return true;
  }

  #error(state: CellState, content: Record<string, unknown>): boolean {
    const traceback = Array.isArray(content.traceback)
      ? content.traceback.filter((line): line is string => typeof line === "string")
      : [];
    const output: ErrorOutput = {
      output_type: "error",
      ename: String(content.ename ?? ""),
      evalue: String(content.evalue ?? ""),
      traceback,
    };
    const cleared = this.#applyPendingClear(state);
    const size = utf8Length(output.ename) + utf8Length(output.evalue) +
      traceback.reduce((sum, line) => sum + utf8Length(line), 0);
    if (!this.#admit(state, size)) return this.#markFull(state) || cleared;
    state.cell.outputs.push(output);
    state.stream = null;
    return true;
  }

  /** Reserves `size` bytes in the cell, or counts them as dropped (the caller then calls #markFull). */
  #admit(state: CellState, size: number): boolean {
    if (!state.full && state.bytes + size <= this.#max) {
      state.bytes += size;
      return true;
    }
    state.dropped += size;
    return false;
  }

  /** Marks the cell truncated; adds the note unless present. Returns whether the note was added. */
  #markFull(state: CellState): boolean {
    state.truncated = true;
    if (state.full) return false;
    state.full = true;
    state.stream = null;
    state.cell.outputs.push({
      output_type: "stream",
      name: "stderr",
      text: splitLines(this.#note(this.#max)),
    });
    return true;
  }

  #applyPendingClear(state: CellState): boolean {
    if (!state.clearPending) return false;
    state.clearPending = false;
    return this.#clear(state);
  }

  #clear(state: CellState): boolean {
    const changed = state.cell.outputs.length > 0;
    state.cell.outputs.length = 0;
    state.bytes = 0;
    state.full = false;
    state.stream = null;
    this.#forgetDisplays(state.index);
    return changed;
  }

  #recordDisplay(id: string, cellIndex: number, outputIndex: number): void {
    let cells = this.#displays.get(id);
    if (cells === undefined) this.#displays.set(id, cells = new Map());
    const indexes = cells.get(cellIndex);
    if (indexes === undefined) cells.set(cellIndex, [outputIndex]);
    else indexes.push(outputIndex);
  }

  #forgetDisplays(cellIndex: number): void {
    for (const cells of this.#displays.values()) cells.delete(cellIndex);
  }

  /** Rewrites data and metadata of every recorded output with display id `id`. */
  #updateDisplays(id: string, data: Record<string, unknown>, metadata: JsonObject): boolean {
    const cells = this.#displays.get(id);
    if (cells === undefined) return false;
    let changed = false;
    for (const [cellIndex, indexes] of cells) {
      const state = this.#cells.get(cellIndex);
      if (state === undefined) continue;
      for (const index of indexes) {
        const output = state.cell.outputs[index];
        if (output?.output_type !== "display_data" && output?.output_type !== "execute_result") {
          continue;
        }
        const replacement: RichOutput = { ...output, data: mimeBundleToNotebook(data), metadata };
        const delta = richBytes(replacement) - richBytes(output);
        if (state.bytes + delta > this.#max) {
          state.dropped += Math.max(0, delta);
          changed = this.#markFull(state) || changed;
          continue;
        }
        state.bytes += delta;
        output.data = replacement.data;
        output.metadata = replacement.metadata;
        changed = true;
      }
    }
    return changed;
  }
}

function displayId(content: Record<string, unknown>): string | null {
  const transient = content.transient;
  if (!isObject(transient)) return null;
  const id = transient.display_id;
  return typeof id === "string" && id.length > 0 ? id : null;
}

function richContent(
  content: Record<string, unknown>,
): { data: Record<string, unknown>; metadata: JsonObject } | null {
  const data = content.data;
  if (!isObject(data)) return null;
  const metadata = isObject(content.metadata) ? content.metadata as JsonObject : {};
  return { data, metadata };
}

function executionCount(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** UTF-8 size of a display output's data and metadata. */
function richBytes(output: RichOutput): number {
  let bytes = 0;
  for (const [mime, value] of Object.entries(output.data)) {
    bytes += mime.length;
    if (typeof value === "string") bytes += utf8Length(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      for (const line of value) bytes += utf8Length(line as string);
    } else bytes += utf8Length(JSON.stringify(value) ?? "");
  }
  const metadata = output.metadata;
  if (Object.keys(metadata).length > 0) bytes += utf8Length(JSON.stringify(metadata));
  return bytes;
}
