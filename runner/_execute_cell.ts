/**
 * Runs one code cell under its limits: the per-cell and whole-notebook
 * timeouts and the run's abort signal. On a limit the kernel is interrupted,
 * and killed if the cell does not stop within 5 s.
 * @module
 */
import { type Kernel, KernelDiedError } from "../kernel/mod.ts";
import type { CodeCell, OutputCollector } from "../nbformat/mod.ts";
import type { TaskError } from "./manifest.ts";
import { executionTiming } from "./_papermill.ts";

/** What a cell needs from its run. */
export interface CellContext {
  /** The kernel. */
  kernel: Kernel;
  /** Collects the cell's outputs. */
  collector: OutputCollector;
  /** Epoch ms by which the whole notebook must end (Infinity for none). */
  deadline: number;
  /** Keep going after errors (sent as `stop_on_error: false`). */
  allowErrors: boolean;
  /** Seconds for this cell. */
  cellTimeout?: number;
  /** Seconds for the whole notebook (for the message). */
  timeout?: number;
  /** The run's cancel signal. */
  signal?: AbortSignal;
  /** The notebook changed (an output arrived). */
  onChange(): void;
  /** A stream message arrived. */
  onOutput(stream: "stdout" | "stderr", text: string): void;
}

/** How a cell ended. */
export type CellOutcome =
  | { kind: "ok" | "exit" }
  | { kind: "error" | "timeout" | "interrupted"; error: TaskError };

/** Makes a task error. */
export function toTaskError(
  ename: string,
  evalue: string,
  cell: number | null,
  message?: string,
): TaskError {
  return { ename, evalue, cell, message: message ?? `${ename}: ${evalue}` };
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Executes `code` as cell `index`, filling `cell`'s outputs, count and timing. */
export async function executeCell(
  cell: CodeCell,
  index: number,
  code: string,
  o: CellContext,
): Promise<CellOutcome> {
  const { kernel, collector, deadline } = o;
  const exec = kernel.execute(code, { stopOnError: !o.allowErrors });
  const consume = (async () => {
    for await (const msg of exec) {
      if (msg.header.msg_type === "execute_input") continue;
      if (collector.handle({ msg_type: msg.header.msg_type, content: msg.content })) {
        o.onChange();
      }
      if (msg.header.msg_type === "stream") {
        const stream = msg.content.name === "stderr" ? "stderr" : "stdout";
        o.onOutput(stream, String(msg.content.text ?? ""));
      }
    }
  })();
  consume.catch(() => {});
  const cellLimit = o.cellTimeout ? Date.now() + o.cellTimeout * 1000 : Infinity;
  const limit = Math.min(cellLimit, deadline);
  const limitKind = limit === cellLimit && o.cellTimeout ? "cell" : "notebook";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"timeout" | "abort">((resolve) => {
    if (limit !== Infinity) {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, limit - Date.now()));
    }
    if (o.signal) {
      onAbort = () => resolve("abort");
      if (o.signal.aborted) onAbort();
      else o.signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  try {
    const first = await Promise.race([
      exec.result.then(() => "done" as const, () => "done" as const),
      stop,
    ]);
    if (first !== "done") {
      // Interrupt, give it a moment to stop, else kill the kernel.
      await kernel.interrupt().catch(() => {});
      let grace: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([
        exec.result.then(() => true, () => true),
        new Promise<boolean>((r) => grace = setTimeout(() => r(false), 5000)),
      ]);
      clearTimeout(grace);
      if (!settled) await kernel.shutdown({ graceMs: 0 });
      await consume.catch(() => {});
      if (first === "abort") {
        return {
          kind: "interrupted",
          error: toTaskError("Interrupted", "the run was cancelled while this cell ran", index),
        };
      }
      const seconds = limitKind === "cell" ? o.cellTimeout : o.timeout;
      const evalue = `A cell timed out while it was being executed, after ${seconds} seconds (${
        limitKind === "cell" ? "--cell-timeout" : "--timeout"
      }); it was ${settled ? "interrupted" : "stopped by killing the kernel"}`;
      cell.outputs.push({
        output_type: "error",
        ename: "CellTimeoutError",
        evalue,
        traceback: [evalue],
      });
      return { kind: "timeout", error: toTaskError("CellTimeoutError", evalue, index) };
    }
    await consume.catch(() => {});
    const { reply, timing } = await exec.result;
    cell.execution_count = reply.execution_count ?? null;
    executionTiming(cell, timing);
    if (reply.status === "ok") return { kind: "ok" };
    const ename = reply.ename ?? "Error";
    const evalue = reply.evalue ?? "";
    if (ename === "SystemExit" && (evalue === "" || evalue === "0")) return { kind: "exit" };
    const trace = (reply.traceback ?? []).join("\n").replace(ANSI, "");
    return {
      kind: "error",
      error: toTaskError(ename, evalue, index, trace || `${ename}: ${evalue}`),
    };
  } catch (error) {
    await consume.catch(() => {});
    const e = error as Error;
    if (e instanceof KernelDiedError) {
      cell.outputs.push({
        output_type: "error",
        ename: "DeadKernelError",
        evalue: e.message,
        traceback: [e.message],
      });
      return { kind: "error", error: toTaskError("DeadKernelError", e.message, index) };
    }
    cell.outputs.push({
      output_type: "error",
      ename: e.name,
      evalue: e.message,
      traceback: [e.message],
    });
    return { kind: "error", error: toTaskError(e.name, e.message, index) };
  } finally {
    clearTimeout(timer);
    if (onAbort) o.signal?.removeEventListener("abort", onAbort);
  }
}
