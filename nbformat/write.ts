/**
 * Writing notebooks as nbformat does: JSON indented by one space, non-ASCII
 * kept, a trailing newline, keys in the model's order. Files are replaced
 * atomically.
 * @module
 */

import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { isValidCellId, newCellId, withId } from "./cells.ts";
import { NotebookError } from "./errors.ts";
import type { Notebook } from "./types.ts";

/**
 * `nb` itself when its cells need no ids (nbformat below 4.5) or all have
 * valid unique ones; otherwise a copy where missing, invalid or duplicate ids
 * (the later duplicates) are replaced by fresh ones. `nb` is not changed.
 *
 * @example
 * ```ts
 * import { ensureCellIds, newCodeCell } from "./mod.ts";
 * const nb = ensureCellIds({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [newCodeCell("1")] });
 * typeof nb.cells[0]!.id; // "string"
 * ```
 */
export function ensureCellIds(nb: Notebook): Notebook {
  if (nb.nbformat_minor < 5) return nb;
  const seen = new Set<string>();
  const needsId: boolean[] = nb.cells.map((cell) => {
    if (!isValidCellId(cell.id) || seen.has(cell.id)) return true;
    seen.add(cell.id);
    return false;
  });
  if (!needsId.includes(true)) return nb;
  const cells = nb.cells.map((cell, index) => {
    if (!needsId[index]) return cell;
    const id = newCellId(seen);
    seen.add(id);
    return withId(cell, id);
  });
  return { ...nb, cells };
}

/**
 * The notebook as nbformat writes it: JSON with an indent of one space,
 * non-ASCII characters as they are, a trailing newline. Keys keep the model's
 * order; sources keep their form (string or list). For nbformat 4.5 every
 * cell gets a valid unique id (see {@linkcode ensureCellIds}).
 *
 * Numbers are written as JavaScript prints them: `1.0` read from a file comes
 * back as `1`, and NaN or infinities (which JSON lacks) as `null`.
 *
 * @example
 * ```ts
 * import { serializeNotebook } from "./mod.ts";
 * serializeNotebook({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [] });
 * // '{\n "nbformat": 4,\n "nbformat_minor": 4,\n "metadata": {},\n "cells": []\n}\n'
 * ```
 */
export function serializeNotebook(nb: Notebook): string {
  return `${JSON.stringify(ensureCellIds(nb), null, 1)}\n`;
}

/** Options for {@linkcode writeNotebook}. */
export interface WriteNotebookOptions {
  /** Aborts the write; the target is then left as it was. */
  signal?: AbortSignal;
}

/**
 * Writes `nb` to `path` atomically: the text goes to a temporary file in the
 * same folder, which then replaces `path` (an existing file's permissions are
 * kept). Readers see the old or the new notebook, never a partial one.
 *
 * @throws {NotebookError} the file cannot be written
 * @example
 * ```ts ignore
 * import { readNotebook, writeNotebook } from "./mod.ts";
 * const nb = await readNotebook("in.ipynb");
 * await writeNotebook("out.ipynb", nb);
 * ```
 */
export async function writeNotebook(
  path: string,
  nb: Notebook,
  options: WriteNotebookOptions = {},
): Promise<void> {
  const text = serializeNotebook(nb);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    let mode: number | undefined;
    try {
      mode = (await Deno.stat(path)).mode ?? undefined;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const writeOptions: Deno.WriteFileOptions = { createNew: true };
    if (options.signal) writeOptions.signal = options.signal;
    if (mode !== undefined) writeOptions.mode = mode & 0o7777;
    await Deno.writeTextFile(temp, text, writeOptions);
    // writeFile's mode is filtered by the umask; chmod makes it exact.
    if (mode !== undefined && Deno.build.os !== "windows") await Deno.chmod(temp, mode & 0o7777);
    options.signal?.throwIfAborted();
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    if (options.signal?.aborted) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new NotebookError(`Cannot write notebook "${path}": ${detail}`, path, { cause: error });
  }
}
