/**
 * Connecting a ZMTP socket: dial with backoff until the peer has bound its
 * port, then the NULL handshake, all within one deadline.
 * @module
 */
import {
  abortable,
  dialDeno,
  type Dialer,
  dialWithRetry,
  type Endpoint,
  endpointToString,
} from "./_transport.ts";
import { type SocketType, ZmtpError, ZmtpSocket } from "./_zmtp_socket.ts";

/** Options of {@linkcode connectZmtp}. */
export interface ConnectOptions {
  /** Our socket type, announced in READY. */
  type: SocketType;
  /** Identity sent in READY by DEALER and REQ (0 to 255 bytes, not starting with 0x00). */
  identity?: Uint8Array;
  /** Milliseconds for connect retries plus the handshake; default 10000. */
  timeout?: number;
  /** Aborts connecting; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Opens the byte stream; default {@linkcode dialDeno}. */
  dialer?: Dialer;
  /** Largest accepted incoming message in bytes; default 256 MiB. */
  maxMessageSize?: number;
}

const TIMED_OUT = Symbol("timed out");

function validateIdentity(identity: Uint8Array | undefined): void {
  if (identity === undefined || identity.length === 0) return;
  if (identity.length > 255 || identity[0] === 0) {
    throw new TypeError(
      `Invalid ZMTP identity of ${identity.length} bytes: expected at most 255, not starting with 0x00`,
    );
  }
}

/**
 * Connects a ZMTP socket: dials with backoff (5 ms doubling to 200 ms) while the endpoint
 * refuses or does not exist yet, then does the NULL handshake, all within `timeout`.
 *
 * @example Talk to a ROUTER
 * ```ts ignore
 * await using socket = await connectZmtp(
 *   { transport: "tcp", host: "127.0.0.1", port: 5555 },
 *   { type: "DEALER", identity: new TextEncoder().encode("client-1") },
 * );
 * await socket.send([new TextEncoder().encode("hello")]);
 * for await (const frames of socket) {
 *   console.log(frames.length);
 *   break;
 * }
 * ```
 */
export async function connectZmtp(
  endpoint: Endpoint,
  options: ConnectOptions,
): Promise<ZmtpSocket> {
  const { type, identity, signal, dialer = dialDeno, timeout = 10_000 } = options;
  if (type !== "DEALER" && type !== "SUB" && type !== "REQ") {
    throw new TypeError(`Unsupported ZMTP socket type "${String(type)}": use DEALER, SUB or REQ`);
  }
  validateIdentity(identity);
  const max = options.maxMessageSize;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new RangeError(`Invalid maxMessageSize ${max}: expected a non-negative integer`);
  }
  signal?.throwIfAborted();
  const name = endpointToString(endpoint);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMED_OUT), timeout);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let lastError: unknown;
  let dialed = false;
  let socket: ZmtpSocket | undefined;
  try {
    const transport = await dialWithRetry(endpoint, {
      dialer,
      signal: controller.signal,
      onRetry: (error) => lastError = error,
    }).catch((error: unknown) => {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new ZmtpError(`Cannot connect to "${name}"`, { cause: error });
    });
    dialed = true;
    socket = new ZmtpSocket(transport, {
      type,
      name,
      ...(identity === undefined ? {} : { identity }),
      ...(max === undefined ? {} : { maxMessageSize: max }),
    });
    try {
      await abortable(socket.ready, controller.signal);
    } catch (error) {
      if (error instanceof ZmtpError) {
        throw new ZmtpError(`Cannot complete the ZMTP handshake with "${name}"`, { cause: error });
      }
      throw error;
    }
    return socket;
  } catch (error) {
    await socket?.[Symbol.asyncDispose]();
    if (error !== TIMED_OUT) throw error;
    throw dialed
      ? new ZmtpError(`Cannot complete the ZMTP handshake with "${name}" within ${timeout} ms`)
      : new ZmtpError(`Cannot connect to "${name}" within ${timeout} ms`, { cause: lastError });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
