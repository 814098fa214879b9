/**
 * The base class of the runner's input errors: a bad parameters file, pipeline file, glob or
 * output name. The CLI prints their message without a stack and exits with code 2 (nothing ran).
 * @module
 */

/** An error in what the user gave nbchain (files, options), as opposed to a bug; exit code 2. */
export class UsageError extends Error {
  /** The process exit code the CLI uses for this error. */
  readonly exitCode = 2;

  /** Creates a usage error; `options.cause` keeps the lower error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}
