/**
 * `runNotebook()`: executes one notebook with parameters, papermill-style,
 * writing the output notebook progressively and extracting variables.
 * @module
 */
import { dirname, resolve } from "node:path";
import { writeFile } from "node:fs/promises";
import { type Kernel, type KernelSpec, startKernel } from "../kernel/mod.ts";
// Specific modules, not nbformat/mod.ts: the HTML renderer (marked, highlight.js) is
// loaded in the background while the kernel starts, off the start-up path.
import { hasTag, sourceText } from "../nbformat/cells.ts";
import { injectParameters } from "../nbformat/parameters.ts";
import { OutputCollector } from "../nbformat/outputs.ts";
import { readNotebook } from "../nbformat/read.ts";
import type { Notebook } from "../nbformat/types.ts";
import { writeNotebook } from "../nbformat/write.ts";
import {
  type ExecutedCell,
  introspectionCode,
  mergeVariables,
  parseIntrospectionResult,
  scrapbookScraps,
  type Variable,
} from "./introspect.ts";
import {
  initCellMetadata,
  insertErrorCells,
  markCellEnded,
  markCellStarted,
  removeErrorCells,
  secondsBetween,
} from "./_papermill.ts";
import { ThrottledSaver } from "./_saver.ts";
import { kernelLanguage, notebookKernelSpec, withInMemoryHistory } from "./kernel_choice.ts";

import { executeCell, toTaskError } from "./_execute_cell.ts";
import { UsageError } from "./_usage_error.ts";
import { VERSION } from "./version.ts";
import type { TaskError } from "./manifest.ts";

let htmlModule: Promise<typeof import("../nbformat/html.ts")> | undefined;
function loadHtml(): Promise<typeof import("../nbformat/html.ts")> {
  return htmlModule ??= import("../nbformat/html.ts");
}

/** Progress events of one notebook run. */
export type NotebookEvent =
  | { type: "kernel-ready"; kernel: string; pid: number; seconds: number }
  | { type: "cell-start"; cell: number; step: number; steps: number }
  | {
    type: "cell-end";
    cell: number;
    step: number;
    steps: number;
    status: "ok" | "error" | "timeout";
    seconds: number;
  }
  | { type: "output"; cell: number; stream: "stdout" | "stderr"; text: string }
  | { type: "warning"; message: string };

/** Options of {@linkcode runNotebook}. */
export interface RunNotebookOptions {
  /** Parameters to inject. */
  parameters?: Record<string, unknown>;
  /** Kernelspec name, overriding the notebook's. */
  kernel?: string;
  /** Working directory of the kernel (default: the notebook's folder). */
  cwd?: string;
  /** Where to write the executed notebook (progressively). */
  output?: string;
  /** Where to write the HTML rendering. */
  html?: string;
  /** Seconds for the kernel to become ready (default 60). */
  startTimeout?: number;
  /** Seconds per cell (default: none). */
  cellTimeout?: number;
  /** Seconds for the whole notebook (default: none). */
  timeout?: number;
  /** Keep going after a cell error. */
  allowErrors?: boolean;
  /** Hide code inputs (`metadata.jupyter.source_hidden`). */
  reportMode?: boolean;
  /** Inject parameters and write the output without executing. */
  prepareOnly?: boolean;
  /** Bytes of output kept per cell (default 4 MiB). */
  maxOutputBytes?: number;
  /** Ms between progressive saves (default 3000). */
  saveInterval?: number;
  /** Extract variables after the run (default true). */
  variables?: boolean;
  /** Progress events. */
  onEvent?: (event: NotebookEvent) => void;
  /**
   * Return as soon as the notebook is done, handing over the kernel's
   * (graceful) shutdown instead of waiting for it; the caller must await it.
   */
  detachShutdown?: (stopped: Promise<void>) => void;
  /** Cancels the run: the kernel is interrupted and stopped, the partial notebook saved. */
  signal?: AbortSignal;
}

/** Outcome of {@linkcode runNotebook}. */
export interface NotebookResult {
  /** `ok`, `failed` (a cell error or a dead kernel), `timeout` or `interrupted`. */
  status: "ok" | "failed" | "timeout" | "interrupted";
  /** The executed notebook. */
  notebook: Notebook;
  /** The first error, if any. */
  error: TaskError | null;
  /** Extracted variables (assignments, `Out[n]`, `result`, scrapbook scraps). */
  variables: Variable[];
  /** Kernelspec name used. */
  kernel: string;
  /** ISO start time. */
  started: string;
  /** ISO end time. */
  ended: string;
  /** Seconds. */
  duration: number;
}

/**
 * Runs a notebook (an `.ipynb` path, a percent-format script, or a parsed
 * {@linkcode Notebook}) with parameters, like `papermill IN OUT -p x 1`.
 *
 * Never throws for failures inside the notebook: those come back as the
 * result's `status` and `error`, with the partial notebook saved. Bad input
 * is rejected before anything runs: an unreadable notebook with the
 * nbformat `NotebookError` (a `NotebookSyntaxError` has the line and column,
 * a `NotebookVersionError` the version), an unknown kernel or a parameter
 * that cannot be expressed with a `UsageError` (`error: <file>: ...`).
 *
 * @example
 * ```ts ignore
 * const result = await runNotebook("report.ipynb", { parameters: { x: 1 }, output: "out.ipynb" });
 * console.log(result.status, result.variables);
 * ```
 */
export async function runNotebook(
  input: string | Notebook,
  options: RunNotebookOptions = {},
): Promise<NotebookResult> {
  const path = typeof input === "string" ? resolve(input) : "<notebook>";
  const source = typeof input === "string" ? await readNotebook(path) : structuredClone(input);
  const spec = await notebookKernelSpec(source, path, options.kernel);
  const language = kernelLanguage(spec, source);
  const params = options.parameters ?? {};
  let nb: Notebook;
  try {
    nb = Object.keys(params).length > 0
      ? injectParameters(source, params, { language, kernelName: spec.name })
      : source;
  } catch (error) {
    throw new UsageError(`error: ${path}: ${(error as Error).message}`, { cause: error });
  }
  return await new NotebookRun(nb, path, spec, language, options).run();
}

class NotebookRun {
  #nb: Notebook;
  #path: string;
  #spec: KernelSpec;
  #language: string;
  #o: RunNotebookOptions;
  #saver: ThrottledSaver | undefined;
  #started = new Date().toISOString();

  constructor(
    nb: Notebook,
    path: string,
    spec: KernelSpec,
    language: string,
    o: RunNotebookOptions,
  ) {
    this.#nb = nb;
    this.#path = path;
    this.#spec = spec;
    this.#language = language;
    this.#o = o;
  }

  #emit(event: NotebookEvent): void {
    this.#o.onEvent?.(event);
  }

  #prepare(): void {
    const nb = this.#nb;
    removeErrorCells(nb);
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      cell.outputs = [];
      cell.execution_count = null;
      delete cell.metadata.execution;
      if (this.#o.reportMode) {
        const jupyter = (cell.metadata.jupyter ?? {}) as Record<string, unknown>;
        cell.metadata.jupyter = { ...jupyter, source_hidden: true };
      }
    }
    initCellMetadata(nb);
    // injectParameters recorded the values as JSON (bigints, NaN and
    // infinities made writable); without parameters nothing was injected.
    const injected = nb.metadata.papermill as Record<string, unknown> | undefined;
    const parameters = Object.keys(this.#o.parameters ?? {}).length > 0
      ? injected?.parameters ?? {}
      : {};
    nb.metadata.papermill = {
      default_parameters: {},
      parameters: parameters as never,
      environment_variables: {},
      version: `nbchain ${VERSION}`,
      input_path: this.#path,
      output_path: this.#o.output ? resolve(this.#o.output) : null,
      start_time: this.#started,
      end_time: null,
      duration: null,
      exception: null,
    };
    if (this.#o.output) {
      const out = this.#o.output;
      this.#saver = new ThrottledSaver(() => writeNotebook(out, nb), this.#o.saveInterval ?? 3000);
    }
  }

  async #finish(
    status: NotebookResult["status"],
    error: TaskError | null,
    variables: Variable[],
  ): Promise<NotebookResult> {
    const ended = new Date().toISOString();
    const pm = this.#nb.metadata.papermill as Record<string, unknown>;
    pm.end_time = ended;
    pm.duration = secondsBetween(this.#started, ended);
    pm.exception = status === "ok" ? null : true;
    await this.#saver?.flush();
    if (this.#o.html) {
      const { renderNotebookHtml } = await loadHtml();
      await writeFile(
        this.#o.html,
        renderNotebookHtml(this.#nb, { reportMode: this.#o.reportMode ?? false }),
      );
    }
    return {
      status,
      notebook: this.#nb,
      error,
      variables,
      kernel: this.#spec.name,
      started: this.#started,
      ended,
      duration: secondsBetween(this.#started, ended),
    };
  }

  async run(): Promise<NotebookResult> {
    this.#prepare();
    if (this.#o.prepareOnly) return await this.#finish("ok", null, []);
    const o = this.#o;
    const deadline = o.timeout ? Date.now() + o.timeout * 1000 : Infinity;
    const t0 = performance.now();
    let kernel: Kernel;
    // The run's signal cancels the start only: startKernel shuts a kernel down
    // when its signal fires later, but a cancelled run must first interrupt
    // the running cell and save (see #executeCell).
    const starting = new AbortController();
    const cancelStart = () => starting.abort(o.signal?.reason);
    if (o.signal?.aborted) cancelStart();
    else o.signal?.addEventListener("abort", cancelStart, { once: true });
    try {
      kernel = await startKernel(withInMemoryHistory(this.#spec), {
        // Module evaluation runs on this thread: do it while the kernel boots.
        ...(o.html ? { onLaunched: () => void loadHtml().catch(() => {}) } : {}),
        cwd: o.cwd ?? (this.#path.startsWith("<") ? Deno.cwd() : dirname(this.#path)),
        startTimeout: (o.startTimeout ?? 60) * 1000,
        signal: starting.signal,
      });
    } catch (error) {
      if (o.signal?.aborted) {
        return await this.#finish(
          "interrupted",
          toTaskError("Interrupted", "cancelled while starting the kernel", null),
          [],
        );
      }
      const e = error as Error;
      return await this.#finish("failed", toTaskError(e.name, e.message, null), []);
    } finally {
      o.signal?.removeEventListener("abort", cancelStart);
    }
    let stopped: Promise<void> | undefined;
    try {
      this.#emit({
        type: "kernel-ready",
        kernel: this.#spec.name,
        pid: kernel.process.pid,
        seconds: (performance.now() - t0) / 1000,
      });
      const li = kernel.info.language_info;
      if (li && typeof li === "object") this.#nb.metadata.language_info = li as never;
      const outcome = await this.#executeCells(kernel, deadline);
      let variables: Variable[] = scrapbookScraps(this.#nb);
      if (
        o.variables !== false && !kernel.death && outcome.status !== "timeout" &&
        outcome.status !== "interrupted"
      ) {
        variables = mergeVariables(await this.#introspect(kernel, outcome.executed), variables);
      }
      // Nothing more to run: the kernel exits while the notebook and HTML are written.
      stopped = kernel.shutdown();
      return await this.#finish(outcome.status, outcome.error, variables);
    } finally {
      stopped ??= kernel.shutdown();
      if (this.#o.detachShutdown) this.#o.detachShutdown(stopped);
      else await stopped;
    }
  }

  async #introspect(kernel: Kernel, executed: ExecutedCell[]): Promise<Variable[]> {
    let code: string;
    try {
      code = introspectionCode(this.#language, executed);
    } catch (error) {
      this.#emit({
        type: "warning",
        message: `Variables not extracted: ${(error as Error).message}`,
      });
      return [];
    }
    let stdout = "";
    try {
      const exec = kernel.execute(code, { silent: true, storeHistory: false, stopOnError: false });
      for await (const msg of exec) {
        if (msg.header.msg_type === "stream" && msg.content.name === "stdout") {
          stdout += String(msg.content.text ?? "");
        }
      }
      await exec.result;
      return parseIntrospectionResult(this.#language, stdout);
    } catch (error) {
      this.#emit({
        type: "warning",
        message: `Variables not extracted: ${(error as Error).message}`,
      });
      return [];
    }
  }

  async #executeCells(
    kernel: Kernel,
    deadline: number,
  ): Promise<
    { status: NotebookResult["status"]; error: TaskError | null; executed: ExecutedCell[] }
  > {
    const nb = this.#nb;
    const o = this.#o;
    const collector = new OutputCollector(
      o.maxOutputBytes ? { maxCellOutputBytes: o.maxOutputBytes } : {},
    );
    const steps =
      nb.cells.filter((c) => c.cell_type === "code" && !hasTag(c, "skip-execution")).length;
    const executed: ExecutedCell[] = [];
    let step = 0;
    for (let index = 0; index < nb.cells.length; index++) {
      const cell = nb.cells[index]!;
      if (cell.cell_type !== "code" || hasTag(cell, "skip-execution")) {
        markCellEnded(cell, new Date().toISOString(), false);
        continue;
      }
      if (o.signal?.aborted) {
        return {
          status: "interrupted",
          error: toTaskError("Interrupted", "the run was cancelled", index),
          executed,
        };
      }
      step++;
      const code = sourceText(cell);
      const begun = new Date().toISOString();
      markCellStarted(cell, begun);
      this.#emit({ type: "cell-start", cell: index, step, steps });
      collector.startCell(index, cell);
      const outcome = await executeCell(cell, index, code, {
        kernel,
        collector,
        deadline,
        allowErrors: o.allowErrors ?? false,
        ...(o.cellTimeout ? { cellTimeout: o.cellTimeout } : {}),
        ...(o.timeout ? { timeout: o.timeout } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        onChange: () => this.#saver?.touch(),
        onOutput: (stream, text) => this.#emit({ type: "output", cell: index, stream, text }),
      });
      const ended = new Date().toISOString();
      markCellEnded(cell, ended, outcome.kind !== "ok");
      if (outcome.kind === "timeout") {
        (cell.metadata.papermill as Record<string, unknown>).timed_out = true;
      }
      this.#emit({
        type: "cell-end",
        cell: index,
        step,
        steps,
        status: outcome.kind === "ok" ? "ok" : outcome.kind === "timeout" ? "timeout" : "error",
        seconds: secondsBetween(begun, ended),
      });
      this.#saver?.touch();
      if (cell.execution_count !== null) {
        executed.push({ index, source: code, executionCount: cell.execution_count });
      }
      if (!("error" in outcome)) {
        if (outcome.kind === "exit") break;
        continue;
      }
      const allowed = outcome.kind === "error" && !kernel.death &&
        (o.allowErrors || hasTag(cell, "raises-exception"));
      if (allowed) continue;
      if (outcome.kind === "error") {
        insertErrorCells(nb, index, cell.execution_count);
        // The banners go above the failing cell: report its index in the output notebook.
        outcome.error.cell = nb.cells.indexOf(cell);
      }
      const status = outcome.kind === "timeout"
        ? "timeout"
        : outcome.kind === "interrupted"
        ? "interrupted"
        : "failed";
      return { status, error: outcome.error, executed };
    }
    return { status: "ok", error: null, executed };
  }
}
