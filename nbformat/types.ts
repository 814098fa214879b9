/**
 * The nbformat v4 model (4.0 to 4.5). Unknown fields are kept: every object
 * type is open, so a notebook read and written again loses nothing.
 * @module
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Multi-line text: nbformat allows a string or a list of lines (each ending in "\n" but the last). */
export type MultilineString = string | string[];

/** A mime bundle: mime type to data (text types may be split into lines). */
export type MimeBundle = { [mime: string]: JsonValue };

/** `stream` output. */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
  [key: string]: unknown;
}

/** `display_data` output. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: JsonObject;
  [key: string]: unknown;
}

/** `execute_result` output. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: JsonObject;
  [key: string]: unknown;
}

/** `error` output. */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
  [key: string]: unknown;
}

/** Any output of a code cell. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags`, `papermill`, `execution`, `jupyter` are the fields nbchain reads or writes. */
export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

/** A code cell. */
export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  execution_count: number | null;
  outputs: Output[];
  [key: string]: unknown;
}

/** A markdown cell. */
export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: JsonObject;
  [key: string]: unknown;
}

/** A raw cell. */
export interface RawCell {
  cell_type: "raw";
  id?: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: JsonObject;
  [key: string]: unknown;
}

/** Any cell. */
export type Cell = CodeCell | MarkdownCell | RawCell;

/** `metadata.kernelspec`. */
export interface KernelspecMetadata {
  name: string;
  display_name?: string;
  language?: string;
  [key: string]: unknown;
}

/** `metadata.language_info`. */
export interface LanguageInfo {
  name: string;
  [key: string]: unknown;
}

/** Notebook metadata. */
export interface NotebookMetadata {
  kernelspec?: KernelspecMetadata;
  language_info?: LanguageInfo;
  [key: string]: unknown;
}

/** A notebook, nbformat 4. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
  [key: string]: unknown;
}
