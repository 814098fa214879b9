/**
 * One `execute_request` in flight: its iopub messages stream as an async
 * iterable, and it completes only when both the shell `execute_reply` and the
 * iopub `status: idle` for the request have arrived.
 * @module
 */
import { AsyncQueue } from "./_async_queue.ts";
import type { JupyterMessage } from "./message.ts";

/** Content of an `execute_reply`. */
export interface ExecuteReply {
  /** `ok`, `error` or `aborted`. */
  status: "ok" | "error" | "aborted";
  /** The cell's execution count. */
  execution_count: number | null;
  /** Error name, when `status` is `error`. */
  ename?: string;
  /** Error value, when `status` is `error`. */
  evalue?: string;
  /** Traceback lines, when `status` is `error`. */
  traceback?: string[];
  /** Other fields are kept. */
  [key: string]: unknown;
}

/** The outcome of an execution: the reply and its timing messages. */
export interface ExecutionResult {
  /** The `execute_reply` content. */
  reply: ExecuteReply;
  /** The whole `execute_reply` message. */
  replyMessage: JupyterMessage;
  /** Kernel dates of busy, execute_input, reply and idle (nbclient's `metadata.execution`). */
  timing: Record<string, string>;
}

/**
 * An execution in flight. Iterate it for iopub messages (not `status`);
 * await `result` for the reply.
 */
export class Execution implements AsyncIterable<JupyterMessage> {
  /** The request's msg_id. */
  readonly msgId: string;
  /** Resolves once both the reply and the idle status arrived; rejects if the execution failed. */
  readonly result: Promise<ExecutionResult>;
  #queue = new AsyncQueue<JupyterMessage>("an execution's outputs");
  #reply: JupyterMessage | undefined;
  #idle = false;
  #timing: Record<string, string> = {};
  #resolve!: (r: ExecutionResult) => void;
  #reject!: (e: unknown) => void;
  #settled = false;
  #onSettle: (() => void) | undefined;
  #grace: number;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Made by the client; `onSettle` runs once when it completes or fails.
   * `lateOutputGrace` ms after reply and idle, late iopub messages are still
   * taken (Deno's kernel can publish a result after its idle status).
   */
  constructor(msgId: string, onSettle?: () => void, lateOutputGrace = 0) {
    this.msgId = msgId;
    this.#onSettle = onSettle;
    this.#grace = lateOutputGrace;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller that only iterates must not see an unhandled rejection.
    this.result.catch(() => {});
  }

  /** Whether it completed or failed. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Routes an iopub message of this request. */
  handleIopub(msg: JupyterMessage): void {
    if (this.#settled) return;
    const type = msg.header.msg_type;
    if (type === "status") {
      const state = msg.content.execution_state;
      if (state === "busy") this.#timing["iopub.status.busy"] = msg.header.date;
      if (state === "idle") {
        this.#timing["iopub.status.idle"] = msg.header.date;
        this.#idle = true;
        this.#maybeComplete();
      }
      return;
    }
    if (type === "execute_input") this.#timing["iopub.execute_input"] = msg.header.date;
    this.#queue.push(msg);
  }

  /** Routes the shell reply. */
  handleReply(msg: JupyterMessage): void {
    if (this.#settled) return;
    this.#reply = msg;
    this.#timing["shell.execute_reply"] = msg.header.date;
    this.#maybeComplete();
  }

  /** Fails the execution (kernel died, aborted, connection lost). */
  fail(error: unknown): void {
    if (this.#settled) return;
    clearTimeout(this.#graceTimer);
    this.#settled = true;
    this.#queue.fail(error);
    this.#reject(error);
    this.#onSettle?.();
  }

  #maybeComplete(): void {
    if (!this.#reply || !this.#idle || this.#graceTimer !== undefined) return;
    if (this.#grace > 0) {
      this.#graceTimer = setTimeout(() => this.#complete(), this.#grace);
      return;
    }
    this.#complete();
  }

  #complete(): void {
    const reply = this.#reply;
    if (this.#settled || !reply) return;
    this.#settled = true;
    this.#queue.end();
    this.#resolve({
      reply: reply.content as ExecuteReply,
      replyMessage: reply,
      timing: this.#timing,
    });
    this.#onSettle?.();
  }

  /** The iopub messages of this request, until it completes; throws if it fails. */
  [Symbol.asyncIterator](): AsyncIterator<JupyterMessage> {
    return this.#queue[Symbol.asyncIterator]();
  }
}
