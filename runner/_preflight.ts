/**
 * Checks made before a run starts: every notebook readable, every kernel
 * found. Bad input is a `UsageError` (exit code 2) before anything runs.
 * @module
 */
import { declaredParameterNames } from "../nbformat/inspect.ts";
import { readNotebook } from "../nbformat/read.ts";
import type { Notebook } from "../nbformat/types.ts";
import { notebookKernelSpec } from "./kernel_choice.ts";
import type { PlannedTask } from "./plan.ts";
import { UsageError } from "./_usage_error.ts";

/**
 * Reads a notebook given as input; a notebook that can't be read or parsed is a usage error
 * (`error: <path>: <what>`, exit code 2), not a bug.
 */
async function readInput(path: string): Promise<Notebook> {
  try {
    return await readNotebook(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`error: ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Names the notebook's parameters cell declares (for directory chaining). Throws a
 * `UsageError` naming the file when the notebook can't be read.
 */
export async function chainNamesOf(notebook: string): Promise<string[]> {
  return declaredParameterNames(await readInput(notebook));
}

/**
 * Checks, before anything runs, that every task's notebook can be read and its kernel found,
 * so bad input ends the run with a `UsageError` (exit code 2) instead of failing some tasks
 * after others ran.
 */
export async function preflight(
  tasks: readonly PlannedTask[],
  options: { kernel?: string },
): Promise<void> {
  const checked = new Set<string>();
  for (const t of tasks) {
    const kernel = options.kernel ?? t.kernel;
    const key = `${t.notebook}\0${kernel ?? ""}`;
    if (checked.has(key)) continue;
    checked.add(key);
    await notebookKernelSpec(await readInput(t.notebook), t.notebook, kernel);
  }
}
