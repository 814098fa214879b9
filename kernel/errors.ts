/**
 * Errors of the kernel layer. Each names the failed action and keeps the
 * lower error as `cause`.
 * @module
 */

/** Base class of kernel errors. */
export class KernelError extends Error {
  /** Makes a kernel error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelError";
  }
}

/** The kernel process exited, or stopped answering its heartbeat. */
export class KernelDiedError extends KernelError {
  /** Exit code, when the process exited. */
  readonly exitCode: number | null;
  /** Signal that ended the process, when there was one. */
  readonly exitSignal: string | null;
  /** The last lines the kernel wrote to stderr. */
  readonly stderr: string;

  /** Makes the error. */
  constructor(
    message: string,
    details: { exitCode?: number | null; exitSignal?: string | null; stderr?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "KernelDiedError";
    this.exitCode = details.exitCode ?? null;
    this.exitSignal = details.exitSignal ?? null;
    this.stderr = details.stderr ?? "";
  }
}

/** The kernel did not become ready, or exited while starting. */
export class KernelStartError extends KernelError {
  /** The last lines the kernel wrote to stderr. */
  readonly stderr: string;

  /** Makes the error. */
  constructor(message: string, stderr = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelStartError";
    this.stderr = stderr;
  }
}

/** A request to the kernel got no answer in time. */
export class KernelTimeoutError extends KernelError {
  /** Makes the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelTimeoutError";
  }
}

/** The connection to the kernel failed (protocol error, peer closed a socket). */
export class KernelConnectionError extends KernelError {
  /** Makes the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelConnectionError";
  }
}
