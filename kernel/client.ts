/**
 * `KernelClient`: the Jupyter channels of one kernel over ZMTP. Routes every
 * incoming message to the request it answers by `parent_header.msg_id`.
 * It knows nothing of processes: {@linkcode Kernel} adds those.
 * @module
 */
import type { Dialer } from "./_transport.ts";
import { connectZmtp } from "./_zmtp_connect.ts";
import type { ZmtpSocket } from "./_zmtp_socket.ts";
import { channelEndpoint, type ChannelName, type ConnectionInfo } from "./connection.ts";
import { KernelConnectionError, KernelTimeoutError } from "./errors.ts";
import { Execution } from "./execution.ts";
import { type JupyterMessage, MessageCodec } from "./message.ts";

/** An `input_request` from the kernel. */
export interface InputRequest {
  /** The prompt text. */
  prompt: string;
  /** Whether the input is a password. */
  password: boolean;
}

/** Options of {@linkcode KernelClient.execute}. */
export interface ExecuteOptions {
  /** Run without broadcasting outputs or counting (default false). */
  silent?: boolean;
  /** Store in history and count (default: `!silent`). */
  storeHistory?: boolean;
  /** Abort queued requests after an error (default true). */
  stopOnError?: boolean;
  /** Expressions evaluated after the code. */
  userExpressions?: Record<string, string>;
  /** Ms to keep taking iopub messages after reply and idle (default 0). */
  lateOutputGrace?: number;
  /** Answers `input()`; without it the kernel is told stdin is not allowed. */
  onInput?: (request: InputRequest) => string | Promise<string>;
}

/** Options of {@linkcode KernelClient.connect}. */
export interface KernelClientOptions {
  /** Ms to wait for the kernel to bind its ports and handshake (default 30 000). */
  timeout?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Session id (default: a fresh UUID); shell and stdin use it as their identity. */
  session?: string;
  /** Transport seam for tests. */
  dialer?: Dialer;
}

interface Pending {
  onReply(msg: JupyterMessage): void;
  onIopub?(msg: JupyterMessage): void;
  onInput?(msg: JupyterMessage): void;
  fail(error: unknown): void;
}

type Channel = Exclude<ChannelName, "hb">;
const encoder = new TextEncoder();

/**
 * A connected Jupyter client.
 *
 * @example Run code on a kernel whose connection info you have
 * ```ts ignore
 * await using client = await KernelClient.connect(info);
 * const exec = client.execute("print(1)");
 * for await (const msg of exec) console.log(msg.header.msg_type, msg.content);
 * const { reply } = await exec.result;
 * ```
 */
export class KernelClient implements AsyncDisposable {
  readonly #codec: MessageCodec;
  readonly #sockets: Record<Channel, ZmtpSocket>;
  readonly #hb: ZmtpSocket;
  readonly #pending = new Map<string, Pending>();
  readonly #iopubListeners = new Set<(msg: JupyterMessage) => void>();
  #failure: Error | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #hbSeq = 0;
  #hbWaiter: { id: string; resolve: (ok: boolean) => void } | undefined;
  #onLost: ((error: Error) => void) | undefined;

  private constructor(
    codec: MessageCodec,
    sockets: Record<Channel, ZmtpSocket>,
    hb: ZmtpSocket,
  ) {
    this.#codec = codec;
    this.#sockets = sockets;
    this.#hb = hb;
    for (const channel of ["shell", "control", "stdin", "iopub"] as const) {
      this.#pump(channel, sockets[channel]);
    }
    this.#pumpHeartbeat();
  }

  /** Connects all five channels of the kernel described by `info`. */
  static async connect(
    info: ConnectionInfo,
    options: KernelClientOptions = {},
  ): Promise<KernelClient> {
    const codec = new MessageCodec(info.key, {
      signatureScheme: info.signature_scheme,
      ...(options.session ? { session: options.session } : {}),
    });
    const identity = encoder.encode(codec.session);
    const common = {
      timeout: options.timeout ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.dialer ? { dialer: options.dialer } : {}),
    };
    const results = await Promise.allSettled([
      connectZmtp(channelEndpoint(info, "shell"), { ...common, type: "DEALER", identity }),
      connectZmtp(channelEndpoint(info, "control"), { ...common, type: "DEALER", identity }),
      connectZmtp(channelEndpoint(info, "stdin"), { ...common, type: "DEALER", identity }),
      connectZmtp(channelEndpoint(info, "iopub"), { ...common, type: "SUB" }),
      connectZmtp(channelEndpoint(info, "hb"), { ...common, type: "REQ" }),
    ]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      for (const r of results) if (r.status === "fulfilled") r.value.close();
      throw new KernelConnectionError(
        `Cannot connect to kernel "${info.kernel_name}": ${(failed.reason as Error)?.message}`,
        { cause: failed.reason },
      );
    }
    const [shell, control, stdin, iopub, hb] = results.map((r) =>
      (r as PromiseFulfilledResult<ZmtpSocket>).value
    ) as [ZmtpSocket, ZmtpSocket, ZmtpSocket, ZmtpSocket, ZmtpSocket];
    await iopub.subscribe();
    return new KernelClient(codec, { shell, control, stdin, iopub }, hb);
  }

  /** This client's session id. */
  get session(): string {
    return this.#codec.session;
  }

  /** Incoming messages dropped for a bad signature. */
  get badSignatures(): number {
    return this.#codec.badSignatures;
  }

  /** The error that broke this client, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Decides what a lost channel means (by default the client fails at once).
   * A process owner uses it to report the kernel's death instead.
   */
  onConnectionLost(handler: (error: Error) => void): void {
    this.#onLost = handler;
  }

  /** Listens to every valid iopub message; returns a function that stops listening. */
  onIopub(listener: (msg: JupyterMessage) => void): () => void {
    this.#iopubListeners.add(listener);
    return () => this.#iopubListeners.delete(listener);
  }

  #pump(channel: Channel, socket: ZmtpSocket): void {
    (async () => {
      try {
        for await (const frames of socket) {
          const msg = this.#codec.decode(frames);
          if (msg) this.#dispatch(channel, msg);
        }
      } catch (error) {
        if (this.#closing || this.#failure) return;
        const lost = new KernelConnectionError(`Lost the ${channel} channel of the kernel`, {
          cause: error,
        });
        if (this.#onLost) this.#onLost(lost);
        else this.fail(lost);
      }
    })();
  }

  #pumpHeartbeat(): void {
    (async () => {
      try {
        for await (const frames of this.#hb) {
          const text = new TextDecoder().decode(frames[frames.length - 1]);
          const waiter = this.#hbWaiter;
          if (waiter && waiter.id === text) {
            this.#hbWaiter = undefined;
            waiter.resolve(true);
          }
        }
      } catch {
        // A broken heartbeat socket shows up as missed beats.
      }
    })();
  }

  #dispatch(channel: Channel, msg: JupyterMessage): void {
    const parent = msg.parent_header.msg_id;
    const pending = parent === undefined ? undefined : this.#pending.get(parent);
    if (channel === "iopub") {
      for (const listener of this.#iopubListeners) listener(msg);
      pending?.onIopub?.(msg);
    } else if (channel === "stdin") {
      if (msg.header.msg_type === "input_request") {
        if (pending?.onInput) pending.onInput(msg);
        else this.#answerInput(msg, "");
      }
    } else {
      pending?.onReply(msg);
    }
  }

  #answerInput(request: JupyterMessage, value: string): void {
    this.#send("stdin", "input_reply", { value }, request.header).catch(() => {});
  }

  async #send(
    channel: Channel,
    msgType: string,
    content: Record<string, unknown>,
    parent?: JupyterMessage["header"],
  ): Promise<string> {
    if (this.#failure) throw this.#failure;
    const { frames, header } = this.#codec.encodeWithHeader({
      msgType,
      content,
      ...(parent ? { parent } : {}),
    });
    await this.#sockets[channel].send(frames);
    return header.msg_id;
  }

  /**
   * Sends `code` for execution. The returned {@linkcode Execution} streams
   * the request's iopub messages and completes when both its reply and its
   * idle status have arrived.
   */
  execute(code: string, options: ExecuteOptions = {}): Execution {
    const silent = options.silent ?? false;
    const { frames, header } = this.#codec.encodeWithHeader({
      msgType: "execute_request",
      content: {
        code,
        silent,
        store_history: options.storeHistory ?? !silent,
        user_expressions: options.userExpressions ?? {},
        allow_stdin: options.onInput !== undefined,
        stop_on_error: options.stopOnError ?? true,
      },
    });
    const id = header.msg_id;
    const execution = new Execution(id, () => this.#pending.delete(id), options.lateOutputGrace);
    if (this.#failure) {
      execution.fail(this.#failure);
      return execution;
    }
    const onInput = options.onInput;
    this.#pending.set(id, {
      onReply: (m) => execution.handleReply(m),
      onIopub: (m) => execution.handleIopub(m),
      ...(onInput
        ? {
          onInput: (m: JupyterMessage) => {
            const request = {
              prompt: String(m.content.prompt ?? ""),
              password: Boolean(m.content.password),
            };
            Promise.resolve()
              .then(() => onInput(request))
              .then((value) => this.#answerInput(m, value), () => this.#answerInput(m, ""));
          },
        }
        : {}),
      fail: (e) => execution.fail(e),
    });
    this.#sockets.shell.send(frames).catch((e) => execution.fail(e));
    return execution;
  }

  /**
   * Sends a request on shell or control and resolves with its reply
   * (not waiting for the idle status).
   */
  async request(
    channel: "shell" | "control",
    msgType: string,
    content: Record<string, unknown> = {},
    options: { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<JupyterMessage> {
    if (this.#failure) throw this.#failure;
    const { frames, header } = this.#codec.encodeWithHeader({ msgType, content });
    const id = header.msg_id;
    const signal = options.signal;
    signal?.throwIfAborted();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<JupyterMessage>((resolve, reject) => {
        this.#pending.set(id, { onReply: resolve, fail: reject });
        if (options.timeout !== undefined) {
          timer = setTimeout(() =>
            reject(
              new KernelTimeoutError(
                `Timed out after ${options.timeout} ms waiting for the reply to ${msgType}`,
              ),
            ), options.timeout);
        }
        if (signal) {
          onAbort = () => reject(signal.reason);
          signal.addEventListener("abort", onAbort, { once: true });
        }
        this.#sockets[channel].send(frames).catch(reject);
      });
    } finally {
      this.#pending.delete(id);
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Sends one heartbeat and resolves whether it came back within `timeout` ms. */
  beat(timeout = 1000): Promise<boolean> {
    if (this.#failure || this.#hbWaiter) return Promise.resolve(false);
    const id = `ping-${++this.#hbSeq}`;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        if (this.#hbWaiter?.id === id) this.#hbWaiter = undefined;
        resolve(false);
      }, timeout);
      this.#hbWaiter = {
        id,
        resolve: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      this.#hb.send([encoder.encode(id)]).catch(() => {});
    });
  }

  /**
   * Waits until the kernel answers `kernel_info_request` on shell and has
   * published on iopub (so our subscription is live). Returns the reply content.
   */
  async waitForReady(
    options: { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (options.timeout ?? 60_000);
    let sawIopub = false;
    let markIopub!: () => void;
    const iopub = new Promise<void>((resolve) => (markIopub = resolve));
    const stop = this.onIopub(() => {
      sawIopub = true;
      markIopub();
    });
    try {
      let info: Record<string, unknown> | undefined;
      while (true) {
        options.signal?.throwIfAborted();
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new KernelTimeoutError(
            `Kernel did not become ready within ${options.timeout ?? 60_000} ms (${
              info ? "no iopub message arrived" : "no kernel_info reply"
            })`,
          );
        }
        try {
          const reply = await this.request("shell", "kernel_info_request", {}, {
            timeout: Math.min(1000, left),
            ...(options.signal ? { signal: options.signal } : {}),
          });
          info = reply.content;
        } catch (error) {
          if (!(error instanceof KernelTimeoutError)) throw error;
          continue;
        }
        if (!sawIopub) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([iopub, new Promise((r) => (timer = setTimeout(r, 500)))]);
          clearTimeout(timer);
        }
        if (sawIopub) return info;
      }
    } finally {
      stop();
    }
  }

  /** Fails every pending request with `error` and refuses new ones. */
  fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    for (const pending of this.#pending.values()) pending.fail(error);
    this.#pending.clear();
    this.#hbWaiter?.resolve(false);
    this.#hbWaiter = undefined;
  }

  /** Closes every socket; pending requests fail. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    this.fail(new KernelConnectionError("The kernel client was closed"));
    for (const s of [...Object.values(this.#sockets), this.#hb]) s.close();
    this.#closed = Promise.all([...Object.values(this.#sockets), this.#hb].map((s) => s.closed))
      .then(() => {});
    return this.#closed;
  }

  /** Same as {@linkcode KernelClient.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
