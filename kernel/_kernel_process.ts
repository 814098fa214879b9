/**
 * Launching a kernel process from a kernelspec: connection file (0600 in a
 * fresh 0700 dir), reserved ports, argv and env templating, its own process
 * group, drained output with a tail kept for error messages, and termination
 * of the whole group with cleanup of every file.
 * @module
 */

import { join } from "node:path";
import { releaseIpcPorts, releasePorts, reserveIpcPorts, reserveTcpPorts } from "./_ports.ts";
import type { ConnectionInfo } from "./connection.ts";
import { KernelStartError } from "./errors.ts";
import { isDenoKernel, type KernelSpec } from "./kernelspec.ts";

/** Options of {@linkcode launchKernelProcess}. */
export interface LaunchOptions {
  /** Working directory of the kernel (default: this process's). */
  cwd?: string;
  /** Variables added to this process's environment (the spec's `env` goes on top). */
  env?: Record<string, string>;
  /** `"tcp"` on 127.0.0.1 (default) or `"ipc"` Unix sockets. Deno kernels always use tcp. */
  transport?: "tcp" | "ipc";
  /** Terminates the kernel when aborted. */
  signal?: AbortSignal;
}

/** Bytes of stdout and of stderr kept for error messages. */
const TAIL_BYTES = 16 * 1024;
/** Longest Unix socket path we create (macOS allows 103 bytes, Linux 107). */
const MAX_SOCKET_PATH = 103;

/** The last bytes written to a stream. */
class ByteTail {
  #chunks: Uint8Array[] = [];
  #size = 0;

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#chunks.length > 1 && this.#size - this.#chunks[0]!.length >= TAIL_BYTES) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }

  text(maxBytes: number): string {
    const all = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    let start = Math.max(0, all.length - maxBytes);
    while (start < all.length && (all[start]! & 0xc0) === 0x80) start++; // not mid-character
    return new TextDecoder().decode(all.subarray(start));
  }
}

/** `string.Template.safe_substitute`: `$$`, `$name`, `${name}`; unknown names are kept. */
export function safeSubstitute(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\})/gi,
    (match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped !== undefined) return "$";
      const value = values[named ?? braced ?? ""];
      return value ?? match;
    },
  );
}

/** Fills `{name}` placeholders of argv; unknown ones are kept. */
export function substituteArgv(
  argv: readonly string[],
  values: Readonly<Record<string, string | undefined>>,
): string[] {
  return argv.map((arg) =>
    arg.replace(/\{([A-Za-z0-9_]+)\}/g, (match, key: string) => values[key] ?? match)
  );
}

/** `<prefix>` of a resource dir `<prefix>/share/jupyter/kernels/<name>`, if it is one. */
function prefixOfResourceDir(resourceDir: string): string | undefined {
  return /^(.*)[\\/]share[\\/]jupyter[\\/]kernels[\\/][^\\/]+[\\/]?$/.exec(resourceDir)?.[1];
}

/** The kernel's environment: ours + `extra` + the spec's (templated), plus `JPY_PARENT_PID`. */
export function kernelEnv(
  spec: Pick<KernelSpec, "env" | "language">,
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...base, ...extra };
  const values = { ...env };
  for (const [key, value] of Object.entries(spec.env)) env[key] = safeSubstitute(value, values);
  env.JPY_PARENT_PID = String(Deno.pid);
  if (spec.language.toLowerCase() === "python") delete env.PYTHONEXECUTABLE;
  return env;
}

/** Parts of a launched process, handed from {@linkcode launchKernelProcess} to {@linkcode KernelProcess}. */
export interface KernelProcessInit {
  /** The spawned child. */
  child: Deno.ChildProcess;
  /** The spec it was launched from. */
  spec: KernelSpec;
  /** Connection info written to the file. */
  connection: ConnectionInfo;
  /** Path of the connection file. */
  connectionFile: string;
  /** The 0700 dir holding the file (and ipc sockets); removed on terminate. */
  dir: string;
  /** Signal that terminates the process. */
  signal?: AbortSignal | undefined;
}

/**
 * A launched kernel process, leader of its own process group. Dispose it (or
 * call `terminate()`) to stop the group and remove its files.
 */
export class KernelProcess implements AsyncDisposable {
  /** Process id, also the process group id. */
  readonly pid: number;
  /** The spec it was launched from. */
  readonly spec: KernelSpec;
  /** Connection info, as in the connection file. */
  readonly connection: ConnectionInfo;
  /** Path of the connection file (real path). */
  readonly connectionFile: string;
  /** Resolves when the process has exited and its output is read (or 250 ms later). */
  readonly exited: Promise<Deno.CommandStatus>;
  #child: Deno.ChildProcess;
  #dir: string;
  #status: Deno.CommandStatus | undefined;
  #stdout = new ByteTail();
  #stderr = new ByteTail();
  #readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  #drained: Promise<void>;
  #terminating: Promise<void> | undefined;
  #abortSignal: AbortSignal | undefined;
  #onAbort = () => void this.terminate().catch(() => {});

  /** Use {@linkcode launchKernelProcess}. */
  constructor(init: KernelProcessInit) {
    this.#child = init.child;
    this.pid = init.child.pid;
    this.spec = init.spec;
    this.connection = init.connection;
    this.connectionFile = init.connectionFile;
    this.#dir = init.dir;
    this.#drained = Promise.all([
      this.#drain(init.child.stdout, this.#stdout),
      this.#drain(init.child.stderr, this.#stderr),
    ]).then(() => {});
    this.exited = init.child.status.then(async (status) => {
      this.#status = status;
      await this.#settleOutput(250);
      return status;
    });
    this.#abortSignal = init.signal;
    if (init.signal?.aborted) this.#onAbort();
    else init.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  async #drain(stream: ReadableStream<Uint8Array>, tail: ByteTail): Promise<void> {
    const reader = stream.getReader();
    this.#readers.push(reader);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        tail.push(value);
      }
    } catch {
      // Cancelled on terminate, or the pipe broke: nothing more to read.
    } finally {
      reader.releaseLock();
    }
  }

  /** Waits up to `ms` for stdout and stderr to reach their end. */
  async #settleOutput(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.#drained.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exit status, once the process has exited. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#status;
  }

  /** The last `maxBytes` (default 16 KiB) the kernel wrote to stderr. */
  stderrTail(maxBytes: number = TAIL_BYTES): string {
    return this.#stderr.text(maxBytes);
  }

  /** The last `maxBytes` (default 16 KiB) the kernel wrote to stdout. */
  stdoutTail(maxBytes: number = TAIL_BYTES): string {
    return this.#stdout.text(maxBytes);
  }

  /** Sends a signal to the whole process group; a group that is gone is ignored. */
  signal(sig: Deno.Signal): void {
    try {
      if (Deno.build.os === "windows") this.#child.kill(sig);
      else Deno.kill(-this.pid, sig);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new Error(`Failed to send ${sig} to kernel "${this.spec.name}" (pid ${this.pid})`, {
          cause: error,
        });
      }
    }
  }

  /**
   * Stops the process group: SIGTERM, up to `graceMs` (default 2500) for the
   * kernel to exit, then SIGKILL to whatever is left of the group. Then removes
   * the connection file, its dir and any ipc sockets, and releases the ports.
   * Idempotent.
   */
  terminate(options: { graceMs?: number } = {}): Promise<void> {
    this.#terminating ??= this.#terminate(options.graceMs ?? 2500);
    return this.#terminating;
  }

  async #terminate(graceMs: number): Promise<void> {
    this.#abortSignal?.removeEventListener("abort", this.#onAbort);
    try {
      if (this.#status === undefined) {
        this.signal("SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.#child.status,
          new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      this.signal("SIGKILL"); // the leader if still alive, and any child left in the group
      await this.exited;
    } finally {
      try {
        await this.#child.stdin.close();
      } catch {
        // Already closed: the process is gone.
      }
      if (!(await this.#settleOutput(1000))) {
        // Something outside the group still holds the pipes: stop reading.
        await Promise.all(this.#readers.map((r) => r.cancel().catch(() => {})));
        await this.#drained;
      }
      await Deno.remove(this.#dir, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      this.#releasePorts();
    }
  }

  #releasePorts(): void {
    const c = this.connection;
    const ports = [c.shell_port, c.iopub_port, c.stdin_port, c.control_port, c.hb_port];
    if (c.transport === "ipc") releaseIpcPorts(c.ip, ports);
    else releasePorts(ports);
  }

  /** Same as {@linkcode KernelProcess.terminate} with the default grace. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }
}

/** A random 256-bit key as hex. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Why spawning failed, in words. */
function spawnFailure(spec: KernelSpec, exe: string, error: unknown): string {
  const what = `Failed to launch kernel "${spec.name}" (${spec.resourceDir || spec.source})`;
  if (error instanceof Deno.errors.NotFound) {
    const where = /[\\/]/.test(exe) ? "does not exist" : "was not found on PATH";
    return `${what}: executable "${exe}" ${where}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `${what}: executable "${exe}" is not executable`;
  }
  return `${what}: could not start "${exe}": ${(error as Error).message}`;
}

/**
 * Launches a kernel from its spec: ports on 127.0.0.1 (or ipc sockets), a
 * connection file 0600 in a fresh 0700 dir, its own process group. It does
 * not wait for the kernel to be ready.
 *
 * @example
 * ```ts ignore
 * await using kernel = await launchKernelProcess(await resolveKernelSpec("python3"));
 * console.log(kernel.connection.shell_port);
 * ```
 */
export async function launchKernelProcess(
  spec: KernelSpec,
  options: LaunchOptions = {},
): Promise<KernelProcess> {
  const { signal } = options;
  signal?.throwIfAborted();
  const exe = spec.argv[0];
  if (exe === undefined) {
    throw new KernelStartError(`Failed to launch kernel "${spec.name}": its argv is empty`);
  }
  if (options.cwd !== undefined) {
    const info = await Deno.stat(options.cwd).catch(() => undefined);
    if (!info?.isDirectory) {
      throw new KernelStartError(
        `Failed to launch kernel "${spec.name}": working directory "${options.cwd}" does not exist`,
      );
    }
  }
  const transport = isDenoKernel(spec) ? "tcp" : options.transport ?? "tcp";
  const kernelId = crypto.randomUUID();
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "nbchain-" }));
  let ports: number[] = [];
  let ip = "127.0.0.1";
  try {
    await Deno.chmod(dir, 0o700);
    if (transport === "ipc") {
      ip = join(dir, "kernel-ipc");
      if (new TextEncoder().encode(`${ip}-99`).length > MAX_SOCKET_PATH) {
        throw new KernelStartError(
          `Failed to launch kernel "${spec.name}" with ipc: socket path "${ip}-1" is too long; ` +
            "set TMPDIR to a shorter directory or use tcp",
        );
      }
      ports = reserveIpcPorts(ip, 5);
    } else {
      ports = reserveTcpPorts(5, ip);
    }
    const [shell, iopub, stdin, control, hb] = ports as [number, number, number, number, number];
    const connection: ConnectionInfo = {
      transport,
      ip,
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomKey(),
      signature_scheme: "hmac-sha256",
      kernel_name: spec.name,
    };
    const connectionFile = join(dir, `kernel-${kernelId}.json`);
    await Deno.writeTextFile(connectionFile, JSON.stringify(connection, null, 2) + "\n", {
      mode: 0o600,
      createNew: true,
    });
    await Deno.chmod(connectionFile, 0o600);

    const env = kernelEnv(spec, Deno.env.toObject(), options.env);
    const [argv0, ...args] = substituteArgv(spec.argv, {
      connection_file: connectionFile,
      prefix: prefixOfResourceDir(spec.resourceDir) ?? env.CONDA_PREFIX ?? env.VIRTUAL_ENV,
      resource_dir: spec.resourceDir,
      kernel_id: kernelId,
    }) as [string, ...string[]];
    signal?.throwIfAborted();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv0, {
        args,
        env,
        clearEnv: true,
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).spawn();
    } catch (error) {
      throw new KernelStartError(spawnFailure(spec, argv0, error), "", { cause: error });
    }
    return new KernelProcess({ child, spec, connection, connectionFile, dir, signal });
  } catch (error) {
    if (transport === "ipc") releaseIpcPorts(ip, ports);
    else releasePorts(ports);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}
