/**
 * Byte transports for ZMTP: TCP and Unix sockets. The only module that calls
 * `Deno.connect`, so tests can swap in an in-memory {@linkcode Transport}.
 * @module
 */

/** Where a ZMTP socket connects: a TCP host and port, or a Unix socket path (ipc). */
export type Endpoint =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string };

/** A connected byte stream. */
export interface Transport {
  /**
   * The received chunks, ending when the peer closes the connection or after `close()`.
   * A chunk is only valid until the next one is requested (its buffer may be reused).
   * Iterate it once.
   */
  readonly readable: AsyncIterable<Uint8Array>;
  /** Writes all of `bytes`; callers serialize writes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the connection; idempotent. */
  close(): void;
}

/** Opens a transport to an endpoint. */
export type Dialer = (endpoint: Endpoint) => Promise<Transport>;

/** Formats an endpoint as a ZeroMQ address: `tcp://127.0.0.1:5555` or `ipc:///path`. */
export function endpointToString(e: Endpoint): string {
  if (e.transport === "ipc") return `ipc://${e.path}`;
  const host = e.host.includes(":") ? `[${e.host}]` : e.host;
  return `tcp://${host}:${e.port}`;
}

const READ_BUFFER_SIZE = 32 * 1024;

class DenoTransport implements Transport {
  readonly readable: AsyncIterable<Uint8Array>;
  #conn: Deno.Conn;
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.readable = this.#read();
  }

  async *#read(): AsyncGenerator<Uint8Array, void, undefined> {
    const buffer = new Uint8Array(READ_BUFFER_SIZE);
    while (!this.#closed) {
      let n: number | null;
      try {
        n = await this.#conn.read(buffer);
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
      if (n === null) return;
      yield buffer.subarray(0, n);
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      at += await this.#conn.write(at === 0 ? bytes : bytes.subarray(at));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime: nothing left to release.
    }
  }
}

/** Connects with `Deno.connect`: TCP with TCP_NODELAY, or a Unix stream socket for ipc. */
export const dialDeno: Dialer = async function dialDeno(endpoint: Endpoint): Promise<Transport> {
  if (endpoint.transport === "ipc") {
    return new DenoTransport(await Deno.connect({ transport: "unix", path: endpoint.path }));
  }
  const conn = await Deno.connect({
    transport: "tcp",
    hostname: endpoint.host,
    port: endpoint.port,
  });
  conn.setNoDelay(true);
  return new DenoTransport(conn);
};

/** Options of {@linkcode dialWithRetry}. */
export interface DialWithRetryOptions {
  /** Opens one connection. */
  dialer: Dialer;
  /** Stops retrying; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Called with each retryable failure before the next attempt. */
  onRetry?: (error: unknown) => void;
}

/** Whether a failed dial may succeed later: refused (nobody bound yet), or no socket file. */
function isRetryable(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.ConnectionAborted;
}

/**
 * Dials until it succeeds, retrying refused or missing endpoints with backoff (5 ms doubling
 * to 200 ms) until `signal` aborts. Other errors reject at once.
 */
export async function dialWithRetry(
  endpoint: Endpoint,
  options: DialWithRetryOptions,
): Promise<Transport> {
  const { dialer, signal, onRetry } = options;
  for (let delay = 5;; delay = Math.min(delay * 2, 200)) {
    signal.throwIfAborted();
    try {
      return await abortable(dialer(endpoint), signal, (late) => late.close());
    } catch (error) {
      if (signal.aborted || !isRetryable(error)) throw error;
      onRetry?.(error);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await abortable(new Promise<void>((resolve) => timer = setTimeout(resolve, delay)), signal)
      .finally(() => clearTimeout(timer));
  }
}

/**
 * Settles like `promise`, or rejects with the signal's reason when it aborts first;
 * `late` then receives a value that arrives after all (to release it).
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  late?: (value: T) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener("abort", onAbort);
      if (aborted) late?.(value);
      else resolve(value);
    }, (error: unknown) => {
      signal.removeEventListener("abort", onAbort);
      if (!aborted) reject(error);
    });
  });
}
