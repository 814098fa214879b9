/**
 * `startKernel()` and `Kernel`: a launched kernel process with a connected
 * client, readiness, interrupt, shutdown, and death detection (process exit
 * and heartbeat) that fails pending executions promptly.
 * @module
 */
import { type KernelProcess, launchKernelProcess, type LaunchOptions } from "./_kernel_process.ts";
import { type ExecuteOptions, KernelClient } from "./client.ts";
import { KernelDiedError, KernelStartError } from "./errors.ts";
import type { Execution } from "./execution.ts";
import { isDenoKernel, type KernelSpec, resolveKernelSpec } from "./kernelspec.ts";

/** Deno's kernel may publish `execute_result` just after `status: idle`. */
const DENO_LATE_OUTPUT_MS = 25;

/** Options of {@linkcode startKernel}. */
export interface StartKernelOptions {
  /** Working directory of the kernel (default: this process's). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** `tcp` (default) or `ipc` (Unix sockets; not for Deno's kernel). */
  transport?: "tcp" | "ipc";
  /** Ms until the kernel must be ready (default 60 000). */
  startTimeout?: number;
  /** Relaunches with new ports when the kernel dies while starting (default 2). */
  relaunches?: number;
  /** Heartbeat period in ms (default 1000); 0 turns the heartbeat off. */
  heartbeatInterval?: number;
  /** Consecutive missed heartbeats that mean death (default 10). */
  heartbeatMisses?: number;
  /** Called once the kernel process is spawned, while it boots (idle time for the caller). */
  onLaunched?: (process: KernelProcess) => void;
  /** Aborts the start, and later shuts the kernel down. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Kernel.execute}. */
export interface KernelExecuteOptions extends ExecuteOptions {
  /** Aborting interrupts the kernel and fails the execution with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Kernel.shutdown}. */
export interface ShutdownOptions {
  /** Ms to wait for a clean exit after `shutdown_request` (default 1000). */
  graceMs?: number;
}

function stderrSuffix(stderr: string): string {
  const tail = stderr.trim().split("\n").slice(-15).join("\n");
  return tail ? `\n--- kernel stderr (last lines) ---\n${tail}` : "";
}

/**
 * A running kernel. Dispose it (or call `shutdown()`) to stop the process and
 * its children and remove its files.
 *
 * @example Start a kernel by name and run a cell
 * ```ts ignore
 * await using kernel = await startKernel("python3");
 * const exec = kernel.execute("print('hi')");
 * for await (const msg of exec) console.log(msg.content);
 * console.log((await exec.result).reply.status);
 * ```
 */
export class Kernel implements AsyncDisposable {
  /** The kernelspec it was started from. */
  readonly spec: KernelSpec;
  /** The process. */
  readonly process: KernelProcess;
  /** The connected client. */
  readonly client: KernelClient;
  /** The `kernel_info_reply` content. */
  readonly info: Record<string, unknown>;
  #death: KernelDiedError | undefined;
  #shutdown: Promise<void> | undefined;
  #hbTimer: ReturnType<typeof setTimeout> | undefined;
  #deathListeners = new Set<(e: KernelDiedError) => void>();

  /** Use {@linkcode startKernel}. */
  constructor(
    spec: KernelSpec,
    process: KernelProcess,
    client: KernelClient,
    info: Record<string, unknown>,
    heartbeat: { interval: number; misses: number },
  ) {
    this.spec = spec;
    this.process = process;
    this.client = client;
    this.info = info;
    process.exited.then((status) => {
      if (this.#shutdown) return;
      const how = status.signal
        ? `was killed by ${status.signal}`
        : `exited with code ${status.code}`;
      this.#die(
        new KernelDiedError(
          `Kernel "${spec.name}" (pid ${process.pid}) ${how}${stderrSuffix(process.stderrTail())}`,
          {
            exitCode: status.code,
            exitSignal: status.signal ?? null,
            stderr: process.stderrTail(),
          },
        ),
      );
    });
    client.onConnectionLost((lost) => {
      // A socket closes when the process dies: wait a moment for the exit
      // status so the error says why; else report the lost connection.
      const wait = new Promise((r) => setTimeout(r, 1000));
      Promise.race([process.exited, wait]).then(() => {
        if (process.exitStatus === undefined && !this.#shutdown) client.fail(lost);
      });
    });
    if (heartbeat.interval > 0) this.#startHeartbeat(heartbeat.interval, heartbeat.misses);
  }

  #startHeartbeat(interval: number, misses: number): void {
    let missed = 0;
    const tick = async () => {
      if (this.#death || this.#shutdown) return;
      const ok = await this.client.beat(interval);
      if (this.#death || this.#shutdown) return;
      missed = ok ? 0 : missed + 1;
      if (missed >= misses) {
        this.#die(
          new KernelDiedError(
            `Kernel "${this.spec.name}" (pid ${this.process.pid}) stopped answering its heartbeat for ${
              (misses * interval) / 1000
            } s`,
            { stderr: this.process.stderrTail() },
          ),
        );
        return;
      }
      this.#hbTimer = setTimeout(tick, ok ? interval : 0);
    };
    this.#hbTimer = setTimeout(tick, interval);
  }

  #die(error: KernelDiedError): void {
    if (this.#death) return;
    this.#death = error;
    clearTimeout(this.#hbTimer);
    this.client.fail(error);
    for (const listener of this.#deathListeners) listener(error);
  }

  /** The language of the kernel (`language_info.name`, else the spec's). */
  get language(): string {
    const li = this.info.language_info as { name?: unknown } | undefined;
    return typeof li?.name === "string" ? li.name : this.spec.language;
  }

  /** Why the kernel died, if it did. */
  get death(): KernelDiedError | undefined {
    return this.#death;
  }

  /** Calls `listener` once if the kernel dies; returns a function that unsubscribes. */
  onDeath(listener: (error: KernelDiedError) => void): () => void {
    if (this.#death) {
      listener(this.#death);
      return () => {};
    }
    this.#deathListeners.add(listener);
    return () => this.#deathListeners.delete(listener);
  }

  /** Runs `code`; see {@linkcode KernelClient.execute}. Fails promptly if the kernel dies. */
  execute(code: string, options: KernelExecuteOptions = {}): Execution {
    const { signal, ...rest } = options;
    if (isDenoKernel(this.spec) && rest.lateOutputGrace === undefined) {
      rest.lateOutputGrace = DENO_LATE_OUTPUT_MS;
    }
    const execution = this.client.execute(code, rest);
    if (signal) {
      const onAbort = () => {
        this.interrupt().catch(() => {});
        execution.fail(signal.reason);
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        execution.result.finally(() => signal.removeEventListener("abort", onAbort)).catch(
          () => {},
        );
      }
    }
    return execution;
  }

  /** Interrupts the running code, by signal or by message as the spec says. */
  async interrupt(): Promise<void> {
    if (this.#death || this.#shutdown) return;
    if (this.spec.interruptMode === "message") {
      await this.client.request("control", "interrupt_request", {}, { timeout: 5000 });
    } else {
      this.process.signal("SIGINT");
    }
  }

  /**
   * Shuts down: `shutdown_request` on control, then SIGTERM, then SIGKILL to
   * the whole process group; files removed. Idempotent.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.#shutdown) return this.#shutdown;
    clearTimeout(this.#hbTimer);
    this.#shutdown = (async () => {
      const grace = options.graceMs ?? 1000;
      if (!this.#death && this.process.exitStatus === undefined) {
        try {
          await this.client.request("control", "shutdown_request", { restart: false }, {
            timeout: Math.min(grace, 1000),
          });
        } catch {
          // No reply: the signals below take over.
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.process.exited,
          new Promise((r) => (timer = setTimeout(r, grace))),
        ]);
        clearTimeout(timer);
      }
      await this.client.close();
      await this.process.terminate({ graceMs: 1000 });
    })();
    return this.#shutdown;
  }

  /** Same as {@linkcode Kernel.shutdown}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * Starts a kernel by kernelspec name (or spec) and waits until it is ready:
 * a `kernel_info` reply and a first iopub message, within `startTimeout`.
 * A kernel that dies while starting is relaunched on new ports; the error of
 * the last attempt carries the tail of its stderr.
 */
export async function startKernel(
  nameOrSpec: string | KernelSpec,
  options: StartKernelOptions = {},
): Promise<Kernel> {
  const spec = typeof nameOrSpec === "string" ? await resolveKernelSpec(nameOrSpec) : nameOrSpec;
  const timeout = options.startTimeout ?? 60_000;
  const deadline = Date.now() + timeout;
  const attempts = 1 + (options.relaunches ?? 2);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts && Date.now() < deadline; attempt++) {
    options.signal?.throwIfAborted();
    const launch: LaunchOptions = {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
    };
    const proc = await launchKernelProcess(spec, launch);
    options.onLaunched?.(proc);
    const attemptAbort = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, attemptAbort.signal])
      : attemptAbort.signal;
    let exited = false;
    proc.exited.then(() => {
      exited = true;
      attemptAbort.abort(new Error("kernel exited"));
    });
    let client: KernelClient | undefined;
    try {
      client = await KernelClient.connect(proc.connection, {
        timeout: Math.max(1, deadline - Date.now()),
        signal,
      });
      const info = await client.waitForReady({
        timeout: Math.max(1, deadline - Date.now()),
        signal,
      });
      const kernel = new Kernel(spec, proc, client, info, {
        interval: options.heartbeatInterval ?? 1000,
        misses: options.heartbeatMisses ?? 10,
      });
      options.signal?.addEventListener("abort", () => kernel.shutdown(), { once: true });
      return kernel;
    } catch (error) {
      // Read before terminating: after terminate() the process has always exited.
      const diedWhileStarting = exited;
      await client?.close();
      await proc.terminate({ graceMs: 500 });
      if (options.signal?.aborted) throw options.signal.reason;
      if (diedWhileStarting) {
        const status = proc.exitStatus;
        lastError = new KernelStartError(
          `Kernel "${spec.name}" exited while starting (code ${
            status?.code ?? "?"
          }); attempt ${attempt} of ${attempts}${stderrSuffix(proc.stderrTail())}`,
          proc.stderrTail(),
          { cause: error },
        );
        continue;
      }
      throw new KernelStartError(
        `Cannot start kernel "${spec.name}": ${
          (error as Error).message
        }; raise --start-timeout if it is slow to start${stderrSuffix(proc.stderrTail())}`,
        proc.stderrTail(),
        { cause: error },
      );
    }
  }
  throw lastError ??
    new KernelStartError(`Cannot start kernel "${spec.name}" within ${timeout} ms`);
}
