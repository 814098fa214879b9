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
  /** The output's type. */
  output_type: "stream";
  /** Name. */
  name: "stdout" | "stderr";
  /** The text. */
  text: MultilineString;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** `display_data` output. */
export interface DisplayDataOutput {
  /** The output's type. */
  output_type: "display_data";
  /** Mime type to data. */
  data: MimeBundle;
  /** Metadata. */
  metadata: JsonObject;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** `execute_result` output. */
export interface ExecuteResultOutput {
  /** The output's type. */
  output_type: "execute_result";
  /** Execution count, or null when not run. */
  execution_count: number | null;
  /** Mime type to data. */
  data: MimeBundle;
  /** Metadata. */
  metadata: JsonObject;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** `error` output. */
export interface ErrorOutput {
  /** The output's type. */
  output_type: "error";
  /** Error name. */
  ename: string;
  /** Error value. */
  evalue: string;
  /** Traceback lines (may hold ANSI colours). */
  traceback: string[];
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** Any output of a code cell. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags`, `papermill`, `execution`, `jupyter` are the fields nbchain reads or writes. */
export interface CellMetadata {
  /** Cell tags. */
  tags?: string[];
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** A code cell. */
export interface CodeCell {
  /** The cell's type. */
  cell_type: "code";
  /** Cell id (nbformat 4.5). */
  id?: string;
  /** The cell's source. */
  source: MultilineString;
  /** Metadata. */
  metadata: CellMetadata;
  /** Execution count, or null when not run. */
  execution_count: number | null;
  /** Outputs of the cell. */
  outputs: Output[];
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** A markdown cell. */
export interface MarkdownCell {
  /** The cell's type. */
  cell_type: "markdown";
  /** Cell id (nbformat 4.5). */
  id?: string;
  /** The cell's source. */
  source: MultilineString;
  /** Metadata. */
  metadata: CellMetadata;
  /** Attachments by file name. */
  attachments?: JsonObject;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** A raw cell. */
export interface RawCell {
  /** The cell's type. */
  cell_type: "raw";
  /** Cell id (nbformat 4.5). */
  id?: string;
  /** The cell's source. */
  source: MultilineString;
  /** Metadata. */
  metadata: CellMetadata;
  /** Attachments by file name. */
  attachments?: JsonObject;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** Any cell. */
export type Cell = CodeCell | MarkdownCell | RawCell;

/** `metadata.kernelspec`. */
export interface KernelspecMetadata {
  /** Kernelspec name. */
  name: string;
  /** Display name. */
  display_name?: string;
  /** Language. */
  language?: string;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** `metadata.language_info`. */
export interface LanguageInfo {
  /** Name. */
  name: string;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** Notebook metadata. */
export interface NotebookMetadata {
  /** The kernelspec the notebook runs with. */
  kernelspec?: KernelspecMetadata;
  /** Language information from the kernel. */
  language_info?: LanguageInfo;
  /** Unknown fields are kept. */
  [key: string]: unknown;
}

/** A notebook, nbformat 4. */
export interface Notebook {
  /** Major format version. */
  nbformat: 4;
  /** Minor format version. */
  nbformat_minor: number;
  /** Metadata. */
  metadata: NotebookMetadata;
  /** The cells. */
  cells: Cell[];
  /** Unknown fields are kept. */
  [key: string]: unknown;
}
