/**
 * papermill- and nbclient-compatible metadata and error cells.
 * @module
 */
import { hasTag } from "../nbformat/cells.ts";
import { ERROR_CELL_TAG } from "../nbformat/parameters.ts";
import type { Cell, CodeCell, MarkdownCell, Notebook } from "../nbformat/types.ts";

/** Removes error banner cells of an earlier failed run, as papermill does on every run. */
export function removeErrorCells(nb: Notebook): void {
  nb.cells = nb.cells.filter((cell) => !hasTag(cell, ERROR_CELL_TAG));
}

const BANNER_STYLE =
  'style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;"';

/** Seconds between two ISO dates. */
export function secondsBetween(start: string, end: string): number {
  return (Date.parse(end) - Date.parse(start)) / 1000;
}

/** Sets `metadata.papermill` of every cell to pending and ensures `metadata.tags`. */
export function initCellMetadata(nb: Notebook): void {
  for (const cell of nb.cells) {
    cell.metadata.tags ??= [];
    cell.metadata.papermill = {
      exception: null,
      start_time: null,
      end_time: null,
      duration: null,
      status: "pending",
    };
  }
}

/** Marks a cell started. */
export function markCellStarted(cell: Cell, when: string): void {
  cell.metadata.papermill = {
    exception: null,
    start_time: when,
    end_time: null,
    duration: null,
    status: "running",
  };
}

/** Marks a cell finished, `failed` or `completed`. */
export function markCellEnded(cell: Cell, when: string, failed: boolean): void {
  const pm = (cell.metadata.papermill ?? {}) as Record<string, unknown>;
  const start = typeof pm.start_time === "string" ? pm.start_time : when;
  cell.metadata.papermill = {
    exception: failed,
    start_time: start,
    end_time: when,
    duration: secondsBetween(start, when),
    status: failed ? "failed" : "completed",
  };
}

function markdown(source: string): MarkdownCell {
  return { cell_type: "markdown", metadata: { tags: [ERROR_CELL_TAG] }, source };
}

/**
 * Inserts papermill's two error banners: one at the top, one right before
 * the failing cell. Returns nothing; the notebook is changed in place.
 */
export function insertErrorCells(
  nb: Notebook,
  failingIndex: number,
  executionCount: number | null,
): void {
  const withIds = nb.nbformat_minor >= 5;
  const top = markdown(
    `<span ${BANNER_STYLE}>An Exception was encountered at '<a href="#papermill-error-cell">In [${
      executionCount ?? " "
    }]</a>'.</span>`,
  );
  const here = markdown(
    `<span id="papermill-error-cell" ${BANNER_STYLE}>Execution using papermill encountered an exception here and stopped:</span>`,
  );
  if (withIds) {
    top.id = `papermill-error-top-${crypto.randomUUID().slice(0, 8)}`;
    here.id = `papermill-error-${crypto.randomUUID().slice(0, 8)}`;
  }
  nb.cells.splice(failingIndex, 0, here);
  nb.cells.splice(0, 0, top);
}

/** nbclient's timing keys, in the format it writes. */
export function executionTiming(cell: CodeCell, timing: Record<string, string>): void {
  const out: Record<string, string> = {};
  for (
    const key of [
      "iopub.status.busy",
      "iopub.execute_input",
      "shell.execute_reply",
      "iopub.status.idle",
    ]
  ) {
    const v = timing[key];
    if (v) out[key] = v;
  }
  cell.metadata.execution = out;
}
