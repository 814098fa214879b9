/**
 * Reads scrapbook `glue` outputs (and papermill's legacy `record` outputs)
 * of an executed notebook as variables.
 * @module
 */
import type { JsonValue, Notebook } from "../nbformat/types.ts";
import type { Variable } from "./introspect.ts";

/** `application/scrapbook.scrap.<encoder>+json` holding `{name, data, encoder, version}`. */
const GLUE_MIME = /^application\/scrapbook\.scrap\.(.+)\+json$/;
/** Legacy papermill `application/papermill.record+<encoder>` holding `{<name>: <data>}`. */
const RECORD_MIME = /^application\/papermill\.record\+(.+)$/;
const REPR_LIMIT = 2000;

/**
 * The scraps of a notebook, in output order; a later scrap of the same name
 * replaces an earlier one (as `scrapbook.read_notebook(...).scraps` does).
 * `json` and `text` scraps keep their data; other encoders (pandas parquet,
 * custom) give `{type, repr}`. Display-only glues carry no data and are skipped.
 *
 * @example
 * ```ts
 * import { scrapbookScraps } from "./introspect.ts";
 * import type { Notebook } from "../nbformat/types.ts";
 * const nb: Notebook = {
 *   nbformat: 4, nbformat_minor: 5, metadata: {},
 *   cells: [{
 *     cell_type: "code", source: "sb.glue('n', 3)", metadata: {}, execution_count: 1,
 *     outputs: [{
 *       output_type: "display_data", metadata: { scrapbook: { name: "n", data: true, display: false } },
 *       data: { "application/scrapbook.scrap.json+json": { name: "n", data: 3, encoder: "json", version: 1 } },
 *     }],
 *   }],
 * };
 * scrapbookScraps(nb); // [{ name: "n", operation: 'glue("n", ..., encoder="json")', value: 3, type: "int", cell: 0 }]
 * ```
 */
export function scrapbookScraps(nb: Notebook): Variable[] {
  const scraps = new Map<string, Variable>();
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || !Array.isArray(cell.outputs)) return;
    for (const output of cell.outputs) {
      if (output.output_type !== "display_data" && output.output_type !== "execute_result") {
        continue;
      }
      if (!isRecord(output.data)) continue;
      for (const [mime, payload] of Object.entries(output.data)) {
        const scrap = fromGlue(mime, payload, index) ?? fromRecord(mime, payload, index);
        if (scrap !== null) scraps.set(scrap.name, scrap);
      }
    }
  });
  return [...scraps.values()];
}

function fromGlue(mime: string, payload: JsonValue, cell: number): Variable | null {
  const match = GLUE_MIME.exec(mime);
  if (
    match === null || !isRecord(payload) || typeof payload.name !== "string" || !("data" in payload)
  ) return null;
  const encoder = typeof payload.encoder === "string" ? payload.encoder : match[1]!;
  const { value, type } = decode(encoder, payload.data as JsonValue);
  const operation = `glue(${JSON.stringify(payload.name)}, ..., encoder=${
    JSON.stringify(encoder)
  })`;
  return { name: payload.name, operation, value, type, cell };
}

function fromRecord(mime: string, payload: JsonValue, cell: number): Variable | null {
  const match = RECORD_MIME.exec(mime);
  if (match === null || !isRecord(payload)) return null;
  const [entry] = Object.entries(payload); // papermill stored exactly one name per output
  if (entry === undefined) return null;
  const [name, data] = entry;
  const { value, type } = decode(match[1]!, data as JsonValue);
  return { name, operation: `record(${JSON.stringify(name)}, ...)`, value, type, cell };
}

function decode(encoder: string, data: JsonValue): { value: unknown; type: string } {
  if (encoder === "json") {
    const value = typeof data === "string" ? jsonOrString(data) : data;
    return { value, type: pythonTypeName(value) };
  }
  if (encoder === "text") {
    const text = Array.isArray(data) && data.every((d) => typeof d === "string")
      ? data.join("")
      : data;
    return { value: typeof text === "string" ? text : JSON.stringify(text), type: "str" };
  }
  if (encoder === "pandas" || encoder === "arrow") {
    const size = typeof data === "string" ? `${data.length} base64 characters` : "data";
    const type = "pandas.core.frame.DataFrame";
    return {
      value: { type, repr: `<data frame stored by scrapbook as ${encoder} parquet, ${size}>` },
      type,
    };
  }
  const type = `scrapbook.${encoder}`;
  return { value: { type, repr: (JSON.stringify(data) ?? "").slice(0, REPR_LIMIT) }, type };
}

/**
 * scrapbook's json decoder also accepts a string holding JSON text and
 * returns a plain string otherwise; this mirrors it.
 */
function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pythonTypeName(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "string":
      return "str";
    case "boolean":
      return "bool";
    default:
      return "dict";
  }
}

function isRecord(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
