/**
 * A ZMTP 3 client socket (DEALER, SUB or REQ; NULL mechanism) over a {@linkcode Transport}.
 * @module
 */

import type { Transport } from "./_transport.ts";
import {
  encodeGreeting,
  encodeMessage,
  type EncodeMessageOptions,
  encodePong,
  encodeReady,
  type Greeting,
  type ZmtpCommand,
  ZmtpParser,
  ZmtpProtocolError,
} from "./_zmtp_frame.ts";

/** The socket types this client implements. */
export type SocketType = "DEALER" | "SUB" | "REQ";

/** A connection failure, a peer ERROR or a protocol violation; the lower error is the `cause`. */
export class ZmtpError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZmtpError";
  }
}

const ST_HANDSHAKE = 0;
const ST_OPEN = 1;
const ST_CLOSED = 2; // closed by us
const ST_FAILED = 3; // ended by the peer or an error

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const COALESCE_LIMIT = 1024 * 1024;
const REQ_ENVELOPE: EncodeMessageOptions = { emptyDelimiter: true };
const decoder = new TextDecoder();
const ignore = (): void => {};

/**
 * A connected ZMTP socket. Incoming messages are queued from the start (PINGs are answered
 * even when nobody iterates); iterate it once at a time to receive them.
 */
export class ZmtpSocket implements AsyncDisposable, AsyncIterable<Uint8Array[]> {
  /** Our socket type. */
  readonly type: SocketType;
  /** Settles when the connection ends: `undefined` when we closed it, else the error. */
  readonly closed: Promise<Error | undefined>;
  #peerType = "";
  #peerMinor = 0;
  #name: string;
  #transport: Transport;
  #parser: ZmtpParser;
  #state = ST_HANDSHAKE;
  #error: ZmtpError | undefined;
  /** Settles when the peer's READY arrives (rejects if the handshake fails). */
  readonly ready: Promise<void>;
  #handshakeDone!: (error?: Error) => void;
  #resolveClosed!: (error: Error | undefined) => void;
  #pumpDone: Promise<void>;
  #writing = false;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #pendingDone: PromiseWithResolvers<void> | undefined;
  #queue: Uint8Array[][] = [];
  #head = 0;
  #iterating = false;
  #waitResolve: ((result: IteratorResult<Uint8Array[]>) => void) | undefined;
  #waitReject: ((error: Error) => void) | undefined;
  #topics: Uint8Array[] = [];
  #allTopics = false;

  /** Starts the handshake on a connected transport; use {@linkcode connectZmtp} instead. */
  constructor(
    transport: Transport,
    init: { type: SocketType; name: string; identity?: Uint8Array; maxMessageSize?: number },
  ) {
    this.type = init.type;
    this.#name = init.name;
    this.#transport = transport;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.ready = new Promise((resolve, reject) => {
      this.#handshakeDone = (error) => error === undefined ? resolve() : reject(error);
    });
    this.ready.catch(ignore);
    const identity = init.identity ?? new Uint8Array(0);
    const ready = encodeReady(
      init.type === "SUB" ? { "Socket-Type": init.type } : {
        "Socket-Type": init.type,
        "Identity": identity,
      },
    );
    this.#parser = new ZmtpParser({
      onGreeting: (greeting) => this.#onGreeting(greeting, ready),
      onCommand: (command) => this.#onCommand(command),
      onMessage: (frames) => this.#onMessage(frames),
    }, init.maxMessageSize === undefined ? undefined : { maxMessageSize: init.maxMessageSize });
    this.#write(encodeGreeting()).catch(ignore);
    this.#pumpDone = this.#pump();
  }

  /** The peer's announced Socket-Type (e.g. `"ROUTER"`), `""` if it sent none. */
  get peerType(): string {
    return this.#peerType;
  }

  /** The peer's ZMTP minor version: 0 for 3.0, 1 for 3.1. */
  get peerMinor(): number {
    return this.#peerMinor;
  }

  /** Sends one multipart message in one write (REQ prepends the empty delimiter frame). */
  send(frames: readonly Uint8Array[]): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(frames, this.type === "REQ" ? REQ_ENVELOPE : undefined);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === ST_HANDSHAKE) return this.ready.then(() => this.#write(bytes));
    return this.#write(bytes);
  }

  /** SUB only: subscribes to messages whose first frame starts with `topic` (default: all). */
  async subscribe(topic: Uint8Array = new Uint8Array(0)): Promise<void> {
    if (this.type !== "SUB") {
      throw new TypeError(`Cannot subscribe on a "${this.type}" socket: only SUB subscribes`);
    }
    const message = new Uint8Array(1 + topic.length);
    message[0] = 1;
    message.set(topic, 1);
    if (topic.length === 0) this.#allTopics = true;
    else this.#topics.push(topic.slice());
    await this.send([message]);
  }

  /** Iterates received messages in order; one iteration at a time. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array[]> {
    if (this.#iterating) {
      throw new TypeError(`Cannot iterate the socket to "${this.#name}": already being iterated`);
    }
    this.#iterating = true;
    return {
      next: () => this.#next(),
      return: () => {
        this.#endIteration();
        return Promise.resolve(DONE);
      },
    };
  }

  /** Closes the connection; idempotent. Iteration ends after the queued messages. */
  close(): void {
    if (this.#state >= ST_CLOSED) return;
    this.#state = ST_CLOSED;
    this.#transport.close();
    this.#pendingDone?.reject(this.#closedError());
    this.#pendingDone = undefined;
    this.#handshakeDone(new ZmtpError(`Socket to "${this.#name}" was closed`));
    this.#endIteration();
    this.#resolveClosed(undefined);
  }

  /** Closes the connection and waits until its reader has stopped. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#pumpDone;
  }

  #next(): Promise<IteratorResult<Uint8Array[]>> {
    const queue = this.#queue;
    if (this.#head < queue.length) {
      const message = queue[this.#head++]!;
      if (this.#head === queue.length) {
        queue.length = 0;
        this.#head = 0;
      }
      return Promise.resolve({ done: false, value: message });
    }
    if (this.#state === ST_FAILED) {
      this.#iterating = false;
      return Promise.reject(this.#error);
    }
    if (this.#state === ST_CLOSED || !this.#iterating) {
      this.#iterating = false;
      return Promise.resolve(DONE);
    }
    if (this.#waitResolve !== undefined) {
      return Promise.reject(new TypeError("Cannot call next() while a previous call is pending"));
    }
    return new Promise((resolve, reject) => {
      this.#waitResolve = resolve;
      this.#waitReject = reject;
    });
  }

  #endIteration(): void {
    const resolve = this.#waitResolve;
    this.#waitResolve = this.#waitReject = undefined;
    this.#iterating = false;
    resolve?.(DONE);
  }

  async #pump(): Promise<void> {
    try {
      for await (const chunk of this.#transport.readable) {
        this.#parser.push(chunk);
        if (this.#state >= ST_CLOSED) return;
      }
      this.#fail(new ZmtpError(`Connection to "${this.#name}" was closed by the peer`));
    } catch (error) {
      if (error instanceof ZmtpProtocolError) {
        this.#fail(new ZmtpError(`Protocol error from "${this.#name}"`, { cause: error }));
      } else if (error instanceof ZmtpError) {
        this.#fail(error);
      } else {
        this.#fail(new ZmtpError(`Cannot read from "${this.#name}"`, { cause: error }));
      }
    }
  }

  #fail(error: ZmtpError): void {
    if (this.#state >= ST_CLOSED) return;
    this.#state = ST_FAILED;
    this.#error = error;
    this.#transport.close();
    this.#pendingDone?.reject(this.#closedError());
    this.#pendingDone = undefined;
    this.#handshakeDone(error);
    const reject = this.#waitReject;
    if (reject !== undefined) {
      this.#waitResolve = this.#waitReject = undefined;
      this.#iterating = false;
      reject(error);
    }
    this.#resolveClosed(error);
  }

  /**
   * Serialized write. With nothing in flight the bytes go out at once; otherwise they join
   * the pending batch, written (coalesced) as one when the current write ends, and all
   * writes of a batch share one promise.
   */
  #write(bytes: Uint8Array): Promise<void> {
    if (this.#state >= ST_CLOSED) return Promise.reject(this.#closedError());
    if (this.#writing) {
      this.#pending.push(bytes);
      this.#pendingBytes += bytes.length;
      return (this.#pendingDone ??= Promise.withResolvers()).promise;
    }
    this.#writing = true;
    return this.#transport.write(bytes).then(this.#written, this.#writeFailed);
  }

  #written = (): void => {
    const batch = this.#pending;
    const done = this.#pendingDone;
    if (batch.length === 0 || done === undefined || this.#state >= ST_CLOSED) {
      this.#pending = [];
      this.#writing = false;
      return;
    }
    const size = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingDone = undefined;
    this.#writeBatch(batch, size).then(this.#written, this.#writeFailed)
      .then(done.resolve, done.reject);
  };

  #writeFailed = (cause: unknown): never => {
    const error = this.#state >= ST_CLOSED
      ? this.#closedError()
      : new ZmtpError(`Cannot send to "${this.#name}"`, { cause });
    this.#fail(error);
    throw error;
  };

  async #writeBatch(batch: Uint8Array[], size: number): Promise<void> {
    if (batch.length === 1) return await this.#transport.write(batch[0]!);
    if (size <= COALESCE_LIMIT) {
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const part of batch) {
        bytes.set(part, at);
        at += part.length;
      }
      return await this.#transport.write(bytes);
    }
    for (const part of batch) await this.#transport.write(part);
  }

  #closedError(): ZmtpError {
    return new ZmtpError(`Cannot send to "${this.#name}": the socket is closed`, {
      cause: this.#error,
    });
  }

  #onGreeting(greeting: Greeting, ready: Uint8Array): void {
    this.#peerMinor = greeting.minor;
    this.#write(ready).catch(ignore);
  }

  #onCommand(command: ZmtpCommand): void {
    if (command.type === "error") {
      throw new ZmtpError(`Peer "${this.#name}" sent ERROR "${command.reason}"`);
    }
    if (this.#state === ST_HANDSHAKE) {
      if (command.type !== "ready") {
        throw new ZmtpProtocolError(`Expected a READY command, got ${commandName(command)}`);
      }
      const type = command.properties.get("socket-type");
      this.#peerType = type === undefined ? "" : decoder.decode(type);
      this.#state = ST_OPEN;
      this.#handshakeDone();
    } else if (command.type === "ping") {
      this.#write(encodePong(command.context)).catch(ignore);
    } else if (command.type === "ready") {
      throw new ZmtpProtocolError("Unexpected second READY command");
    }
    // SUBSCRIBE, CANCEL, PONG and unknown commands are ignored.
  }

  #onMessage(frames: Uint8Array[]): void {
    if (this.#state === ST_HANDSHAKE) {
      throw new ZmtpProtocolError("Received a message before the peer's READY command");
    }
    if (this.#state !== ST_OPEN) return;
    if (this.type === "REQ") {
      // Like libzmq, a reply without the empty delimiter frame is dropped.
      if (frames.length < 2 || frames[0]!.length !== 0) return;
      frames.shift();
    } else if (this.type === "SUB" && !this.#allTopics && !this.#matches(frames[0]!)) {
      return;
    }
    const resolve = this.#waitResolve;
    if (resolve !== undefined) {
      this.#waitResolve = this.#waitReject = undefined;
      resolve({ done: false, value: frames });
    } else {
      this.#queue.push(frames);
    }
  }

  #matches(frame: Uint8Array): boolean {
    outer: for (const topic of this.#topics) {
      if (topic.length > frame.length) continue;
      for (let i = 0; i < topic.length; i++) if (topic[i] !== frame[i]) continue outer;
      return true;
    }
    return false;
  }
}

function commandName(command: ZmtpCommand): string {
  return command.type === "other" ? `"${command.name}"` : command.type.toUpperCase();
}
