/**
 * Helpers of the runNotebook and CLI integration tests: notebooks built in
 * code, temporary directories, a runNotebook wrapper that proves the kernel
 * process is gone afterwards, and a CLI runner.
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Cell,
  type CodeCell,
  joinMultiline,
  type MarkdownCell,
  newCodeCell,
  newMarkdownCell,
  type Notebook,
} from "../nbformat/mod.ts";
import {
  type NotebookEvent,
  type NotebookResult,
  runNotebook,
  type RunNotebookOptions,
} from "../mod.ts";
import { processAlive, waitFor } from "./_helpers.ts";

/** Where the repository is. */
export const ROOT: string = new URL("..", import.meta.url).pathname;

/** A code cell, optionally tagged. */
export function code(source: string, ...tags: string[]): CodeCell {
  return newCodeCell(source, tags.length > 0 ? { tags } : {});
}

/** A markdown cell, optionally tagged. */
export function md(source: string, ...tags: string[]): MarkdownCell {
  return newMarkdownCell(source, tags.length > 0 ? { tags } : {});
}

/** An nbformat 4.5 notebook for `kernel` (python3 or deno) with ids c0, c1, ... */
export function notebook(cells: Cell[], kernel: "python3" | "deno" = "python3"): Notebook {
  const language = kernel === "deno" ? "typescript" : "python";
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: kernel, display_name: kernel, language },
      language_info: { name: language },
    },
    cells: cells.map((cell, i) => ({ ...cell, id: `c${i}` })),
  };
}

/** A temporary directory removed on dispose. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await mkdtemp(join(tmpdir(), "nbchain-run-test-"));
  return {
    path,
    [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }),
  };
}

/** Writes a notebook as JSON (as a user's file would be). */
export async function saveNotebook(path: string, nb: Notebook): Promise<string> {
  await Deno.writeTextFile(path, JSON.stringify(nb, null, 1) + "\n");
  return path;
}

/** Reads a notebook file as plain JSON. */
export async function loadNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

/** The outcome of {@linkcode run}: the result, every event, and the kernel pid. */
export interface TrackedRun {
  result: NotebookResult;
  events: NotebookEvent[];
  pid: number | undefined;
}

/**
 * runNotebook, recording events and the kernel pid; asserts afterwards that
 * the kernel process is gone (runNotebook must never leave one behind).
 */
export async function run(
  input: string | Notebook,
  options: RunNotebookOptions = {},
): Promise<TrackedRun> {
  const events: NotebookEvent[] = [];
  let pid: number | undefined;
  const result = await runNotebook(input, {
    ...options,
    onEvent: (event) => {
      events.push(event);
      if (event.type === "kernel-ready") pid = event.pid;
      options.onEvent?.(event);
    },
  });
  if (pid !== undefined) {
    const kernelPid = pid;
    await waitFor(() => !processAlive(kernelPid), 5000, `kernel ${kernelPid} to exit`);
  }
  return { result, events, pid };
}

/** The code cells of a notebook. */
export function codeCells(nb: Notebook): CodeCell[] {
  return nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
}

/** The text of a cell's stream outputs of one name. */
export function streamOf(cell: Cell | undefined, name = "stdout"): string {
  assert.ok(cell?.cell_type === "code", "expected a code cell");
  return cell.outputs
    .filter((o) => o.output_type === "stream" && o.name === name)
    .map((o) => joinMultiline((o as { text: string | string[] }).text))
    .join("");
}

/** `metadata.papermill` of a cell or notebook, as a record. */
export function papermillOf(
  holder: { metadata: Record<string, unknown> },
): Record<string, unknown> {
  const pm = holder.metadata.papermill;
  assert.ok(typeof pm === "object" && pm !== null, "expected metadata.papermill");
  return pm as Record<string, unknown>;
}

/** Variable name to value. */
export function valuesOf(result: NotebookResult): Map<string, unknown> {
  return new Map(result.variables.map((v) => [v.name, v.value]));
}

/** The result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A cli.ts ARGS` with the test environment. */
export async function cli(args: string[], options: { cwd?: string } = {}): Promise<CliRun> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  const jupyterPath = Deno.env.get("JUPYTER_PATH");
  if (jupyterPath) env.JUPYTER_PATH = jupyterPath;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli.ts"), ...args],
    cwd: options.cwd ?? ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}
