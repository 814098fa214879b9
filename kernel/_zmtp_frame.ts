/**
 * ZMTP 3.x wire codec (NULL mechanism): greeting, command and message frames.
 * Pure and synchronous; the parser is fed arbitrary chunks and never buffers more
 * than one frame header plus the configured maximum message size.
 * @module
 */
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  FLAGS_RESERVED,
  GREETING_SIZE,
} from "./_zmtp_wire.ts";

export { DEFAULT_MAX_MESSAGE_SIZE, GREETING_SIZE } from "./_zmtp_wire.ts";
export {
  encodeCommand,
  encodeError,
  encodeGreeting,
  encodeMessage,
  type EncodeMessageOptions,
  encodePong,
  encodeReady,
} from "./_zmtp_encode.ts";

const decoder = new TextDecoder();

/** Malformed or unsupported ZMTP input from a peer. */
export class ZmtpProtocolError extends Error {
  /** Creates the error with a sentence-case message naming what was wrong. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZmtpProtocolError";
  }
}

/** The fields of a validated peer greeting. */
export interface Greeting {
  /** Major version (3 or later). */
  readonly major: number;
  /** Minor version: 0 means ZMTP 3.0, anything else 3.1. */
  readonly minor: number;
  /** Always `"NULL"` once validated. */
  readonly mechanism: string;
  /** The as-server flag (not validated). */
  readonly asServer: boolean;
}

/** A command frame from the peer, decoded by name. */
export type ZmtpCommand =
  /** READY; property names are lowercased (the wire casing is not significant). */
  | { readonly type: "ready"; readonly properties: ReadonlyMap<string, Uint8Array> }
  | { readonly type: "error"; readonly reason: string }
  /** PING; `ttl` is in tenths of a second. */
  | { readonly type: "ping"; readonly ttl: number; readonly context: Uint8Array }
  | { readonly type: "pong"; readonly context: Uint8Array }
  | { readonly type: "subscribe" | "cancel"; readonly topic: Uint8Array }
  | { readonly type: "other"; readonly name: string; readonly data: Uint8Array };

/** Receives what a {@linkcode ZmtpParser} decodes, synchronously and in order. */
export interface ZmtpHandler {
  /** Called once, when the 64-byte greeting is complete and valid. */
  onGreeting(greeting: Greeting): void;
  /** Called for every command frame. */
  onCommand(command: ZmtpCommand): void;
  /** Called for every complete multipart message; the frames are fresh copies. */
  onMessage(frames: Uint8Array[]): void;
}

/** Options of {@linkcode ZmtpParser}. */
export interface ZmtpParserOptions {
  /** Largest accepted message or command, counting frame headers; default 256 MiB. */
  maxMessageSize?: number;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, "0").toUpperCase()}`;
}

/** Checks the greeting bytes in `[from, to)` that can be judged alone. */
function checkGreetingPrefix(bytes: Uint8Array, from: number, to: number): void {
  if (from <= 0 && to > 0 && bytes[0] !== 0xff) {
    throw new ZmtpProtocolError(
      `Invalid ZMTP greeting: signature byte 0 is ${hex(bytes[0]!)}, expected 0xFF`,
    );
  }
  if (from <= 9 && to > 9 && (bytes[9]! & 1) === 0) {
    throw new ZmtpProtocolError(
      `Invalid ZMTP greeting: signature byte 9 is ${hex(bytes[9]!)} (bit 0 clear: ZMTP 1.0 peer)`,
    );
  }
  if (from <= 10 && to > 10 && bytes[10]! < 3) {
    throw new ZmtpProtocolError(
      `Unsupported ZMTP version ${bytes[10]}: this client speaks ZMTP 3.0 and later`,
    );
  }
}

/**
 * Validates a complete 64-byte greeting leniently: signature bytes 0 and 9, major >= 3 and
 * the NULL mechanism. The padding and the as-server flag are never checked.
 */
export function parseGreeting(bytes: Uint8Array): Greeting {
  if (bytes.length < GREETING_SIZE) {
    throw new ZmtpProtocolError(
      `Invalid ZMTP greeting: got ${bytes.length} bytes, expected ${GREETING_SIZE}`,
    );
  }
  checkGreetingPrefix(bytes, 0, GREETING_SIZE);
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  const mechanism = decoder.decode(bytes.subarray(12, end));
  let padded = true;
  for (let i = end; i < 32; i++) if (bytes[i] !== 0) padded = false;
  if (mechanism !== "NULL" || !padded) {
    throw new ZmtpProtocolError(
      `Unsupported ZMTP security mechanism "${mechanism}": only NULL is supported`,
    );
  }
  return { major: bytes[10]!, minor: bytes[11]!, mechanism, asServer: bytes[32] !== 0 };
}

const EMPTY = new Uint8Array(0);
const ST_GREETING = 0;
const ST_FLAGS = 1;
const ST_SIZE = 2;
const ST_BODY = 3;

/**
 * Incremental ZMTP parser. Feed it chunks of any size with {@linkcode ZmtpParser.push};
 * it calls the handler for the greeting, each command and each complete message.
 * A malformed input throws {@linkcode ZmtpProtocolError}; after any throw (also one from
 * the handler) the parser stays failed and rethrows that error.
 */
export class ZmtpParser {
  #handler: ZmtpHandler;
  #max: number;
  #state = ST_GREETING;
  #greeting = new Uint8Array(GREETING_SIZE);
  #greetingLength = 0;
  #flags = 0;
  #size = new Uint8Array(8);
  #sizeLength = 0;
  #sizeNeeded = 0;
  #body = EMPTY;
  #bodySize = 0;
  #bodyLength = 0;
  #frames: Uint8Array[] = [];
  #messageBytes = 0;
  #failure: unknown = undefined;
  #failed = false;

  /** Creates a parser that expects a greeting first. */
  constructor(handler: ZmtpHandler, options?: ZmtpParserOptions) {
    const max = options?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`Invalid maxMessageSize ${max}: expected a non-negative integer`);
    }
    this.#handler = handler;
    this.#max = max;
  }

  /** Parses one chunk; the chunk may be reused by the caller once this returns. */
  push(chunk: Uint8Array): void {
    if (this.#failed) throw this.#failure;
    try {
      this.#parse(chunk);
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      throw error;
    }
  }

  #parse(chunk: Uint8Array): void {
    const length = chunk.length;
    let at = 0;
    while (at < length) {
      switch (this.#state) {
        case ST_GREETING: {
          const from = this.#greetingLength;
          const n = Math.min(GREETING_SIZE - from, length - at);
          this.#greeting.set(chunk.subarray(at, at + n), from);
          at += n;
          this.#greetingLength = from + n;
          checkGreetingPrefix(this.#greeting, from, from + n);
          if (this.#greetingLength === GREETING_SIZE) {
            const greeting = parseGreeting(this.#greeting);
            this.#state = ST_FLAGS;
            this.#handler.onGreeting(greeting);
          }
          break;
        }
        case ST_FLAGS: {
          const flags = chunk[at++]!;
          if ((flags & FLAGS_RESERVED) !== 0) {
            throw new ZmtpProtocolError(
              `Invalid ZMTP frame: flags byte ${hex(flags)} has reserved bits set`,
            );
          }
          if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
            throw new ZmtpProtocolError(
              `Invalid ZMTP frame: flags byte ${hex(flags)} marks a command with MORE`,
            );
          }
          this.#flags = flags;
          if ((flags & FLAG_LONG) === 0) {
            if (at < length) {
              this.#beginBody(chunk[at++]!, 2);
            } else {
              this.#sizeNeeded = 1;
              this.#sizeLength = 0;
              this.#state = ST_SIZE;
            }
          } else {
            this.#sizeNeeded = 8;
            this.#sizeLength = 0;
            this.#state = ST_SIZE;
          }
          break;
        }
        case ST_SIZE: {
          const n = Math.min(this.#sizeNeeded - this.#sizeLength, length - at);
          this.#size.set(chunk.subarray(at, at + n), this.#sizeLength);
          at += n;
          this.#sizeLength += n;
          if (this.#sizeLength === this.#sizeNeeded) {
            if (this.#sizeNeeded === 1) {
              this.#beginBody(this.#size[0]!, 2);
            } else {
              const size = new DataView(this.#size.buffer).getBigUint64(0);
              if (size > BigInt(this.#max)) this.#tooLarge(size);
              this.#beginBody(Number(size), 9);
            }
          }
          break;
        }
        default: {
          const size = this.#bodySize;
          if (this.#bodyLength === 0 && length - at >= size) {
            // The whole body is in this chunk: one copy, no intermediate view.
            const body = chunk.slice(at, at + size);
            at += size;
            this.#endFrame(body);
            break;
          }
          if (this.#bodyLength === 0) this.#body = new Uint8Array(size);
          const n = Math.min(size - this.#bodyLength, length - at);
          this.#body.set(chunk.subarray(at, at + n), this.#bodyLength);
          at += n;
          this.#bodyLength += n;
          if (this.#bodyLength === size) this.#endFrame(this.#body);
        }
      }
    }
  }

  #tooLarge(size: bigint | number): never {
    const command = (this.#flags & FLAG_COMMAND) !== 0;
    const sofar = this.#messageBytes > 0 ? ` after ${this.#messageBytes} bytes of the message` : "";
    throw new ZmtpProtocolError(
      `Invalid ZMTP frame: a ${command ? "command" : "message"} frame of ${size} bytes${sofar} ` +
        `exceeds the limit of ${this.#max} bytes`,
    );
  }

  #beginBody(size: number, headerSize: number): void {
    if ((this.#flags & FLAG_COMMAND) !== 0) {
      if (size + headerSize > this.#max) this.#tooLarge(size);
    } else {
      if (this.#messageBytes + size + headerSize > this.#max) this.#tooLarge(size);
      this.#messageBytes += size + headerSize;
    }
    this.#bodySize = size;
    this.#bodyLength = 0;
    if (size === 0) {
      this.#endFrame(new Uint8Array(0));
    } else {
      this.#state = ST_BODY;
    }
  }

  #endFrame(body: Uint8Array): void {
    this.#body = EMPTY;
    this.#state = ST_FLAGS;
    if ((this.#flags & FLAG_COMMAND) !== 0) {
      this.#handler.onCommand(parseCommand(body));
      return;
    }
    this.#frames.push(body);
    if ((this.#flags & FLAG_MORE) === 0) {
      const frames = this.#frames;
      this.#frames = [];
      this.#messageBytes = 0;
      this.#handler.onMessage(frames);
    }
  }
}

/** Decodes a command body `[name length][name][data]`; the result may view `body`. */
export function parseCommand(body: Uint8Array): ZmtpCommand {
  const nameLength = body[0];
  if (nameLength === undefined || nameLength === 0 || 1 + nameLength > body.length) {
    throw new ZmtpProtocolError(
      `Invalid ZMTP command: a name of ${
        nameLength ?? "no"
      } bytes does not fit a ${body.length}-byte body`,
    );
  }
  const name = decoder.decode(body.subarray(1, 1 + nameLength));
  const data = body.subarray(1 + nameLength);
  switch (name) {
    case "READY":
      return { type: "ready", properties: parseProperties(data) };
    case "ERROR": {
      const reason = data.subarray(1, 1 + (data[0] ?? 0));
      return { type: "error", reason: decoder.decode(reason) };
    }
    case "PING":
      if (data.length < 2) {
        throw new ZmtpProtocolError(
          `Invalid ZMTP PING command: ${data.length} data bytes, expected at least 2`,
        );
      }
      return { type: "ping", ttl: (data[0]! << 8) | data[1]!, context: data.subarray(2) };
    case "PONG":
      return { type: "pong", context: data };
    case "SUBSCRIBE":
      return { type: "subscribe", topic: data };
    case "CANCEL":
      return { type: "cancel", topic: data };
    default:
      return { type: "other", name, data };
  }
}

function parseProperties(data: Uint8Array): Map<string, Uint8Array> {
  const properties = new Map<string, Uint8Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.length) {
    const nameLength = data[at]!;
    const valueAt = at + 1 + nameLength + 4;
    if (nameLength === 0 || valueAt > data.length) {
      throw new ZmtpProtocolError(
        `Invalid ZMTP READY command: property at offset ${at} is truncated or has an empty name`,
      );
    }
    const name = decoder.decode(data.subarray(at + 1, at + 1 + nameLength)).toLowerCase();
    const valueLength = view.getUint32(valueAt - 4);
    if (valueAt + valueLength > data.length) {
      throw new ZmtpProtocolError(
        `Invalid ZMTP READY command: property "${name}" declares ${valueLength} bytes, ` +
          `${data.length - valueAt} remain`,
      );
    }
    properties.set(name, data.subarray(valueAt, valueAt + valueLength));
    at = valueAt + valueLength;
  }
  return properties;
}
