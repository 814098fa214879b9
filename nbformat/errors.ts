/**
 * Errors of the notebook model layer. All are input errors (a bad notebook,
 * a value that cannot be rendered), never bugs.
 * @module
 */

/**
 * A notebook could not be read, parsed or written. `path` is the file as given.
 *
 * @example
 * ```ts
 * import { NotebookError, parseNotebook } from "./mod.ts";
 * try {
 *   parseNotebook("{}", "x.ipynb");
 * } catch (error) {
 *   if (error instanceof NotebookError) console.error(error.path, error.message);
 * }
 * ```
 */
export class NotebookError extends Error {
  /** The notebook file the error is about. */
  readonly path: string;

  /** Creates the error; `options.cause` keeps the lower error. */
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotebookError";
    this.path = path;
  }
}

/**
 * The notebook text is not valid JSON (or a percent script's marker line is
 * malformed). `line` and `column` are 1-based; columns count code points.
 *
 * @example
 * ```ts
 * import { NotebookSyntaxError, parseNotebook } from "./mod.ts";
 * try {
 *   parseNotebook('{"cells": [}', "x.ipynb");
 * } catch (error) {
 *   if (error instanceof NotebookSyntaxError) console.error(error.line, error.column);
 * }
 * ```
 */
export class NotebookSyntaxError extends NotebookError {
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column (in code points) of the error. */
  readonly column: number;

  /** Creates the error at `line`:`column` of `path`. */
  constructor(
    message: string,
    path: string,
    line: number,
    column: number,
    options?: ErrorOptions,
  ) {
    super(message, path, options);
    this.name = "NotebookSyntaxError";
    this.line = line;
    this.column = column;
  }
}

/**
 * The notebook is not nbformat 4 (for example an nbformat 3 notebook).
 *
 * @example
 * ```ts
 * import { NotebookVersionError, parseNotebook } from "./mod.ts";
 * try {
 *   parseNotebook('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "old.ipynb");
 * } catch (error) {
 *   if (error instanceof NotebookVersionError) console.error(error.nbformat);
 * }
 * ```
 */
export class NotebookVersionError extends NotebookError {
  /** The major version the file declares. */
  readonly nbformat: number;

  /** Creates the error for a file declaring `nbformat`. */
  constructor(message: string, path: string, nbformat: number, options?: ErrorOptions) {
    super(message, path, options);
    this.name = "NotebookVersionError";
    this.nbformat = nbformat;
  }
}

/**
 * The notebook is valid JSON but not a valid nbformat 4 document: a required
 * field is missing or has the wrong type. `cellIndex` (0-based) is set when the
 * problem is inside a cell.
 *
 * @example
 * ```ts
 * import { NotebookFormatError, parseNotebook } from "./mod.ts";
 * const text = '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{}]}';
 * try {
 *   parseNotebook(text, "x.ipynb");
 * } catch (error) {
 *   if (error instanceof NotebookFormatError) console.error(error.cellIndex);
 * }
 * ```
 */
export class NotebookFormatError extends NotebookError {
  /** Index of the offending cell, when the problem is inside a cell. */
  readonly cellIndex: number | undefined;

  /** Creates the error; pass `cellIndex` when a cell is at fault. */
  constructor(message: string, path: string, cellIndex?: number, options?: ErrorOptions) {
    super(message, path, options);
    this.name = "NotebookFormatError";
    this.cellIndex = cellIndex;
  }
}

/**
 * A parameter cannot be rendered as a literal of the kernel's language (an
 * invalid name, a value the language cannot express), or the language is not
 * supported.
 *
 * @example
 * ```ts
 * import { ParameterError, translateParameters } from "./mod.ts";
 * try {
 *   translateParameters("python", { "not valid": 1 });
 * } catch (error) {
 *   if (error instanceof ParameterError) console.error(error.parameter);
 * }
 * ```
 */
export class ParameterError extends Error {
  /** The parameter at fault, or `undefined` when the language itself is unsupported. */
  readonly parameter: string | undefined;
  /** The language the value was rendered for, as given. */
  readonly language: string;

  /** Creates the error for `parameter` rendered as `language`. */
  constructor(
    message: string,
    language: string,
    parameter?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ParameterError";
    this.language = language;
    this.parameter = parameter;
  }
}
