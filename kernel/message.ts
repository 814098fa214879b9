/**
 * The Jupyter wire codec: `[ids…] <IDS|MSG> signature header parent metadata
 * content [buffers…]`, signed with HMAC-SHA256 over the exact bytes sent and
 * verified in constant time. A message with a bad signature is dropped and
 * counted, never returned.
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** A message header (protocol 5.x). */
export interface MessageHeader {
  /** Unique id of this message. */
  msg_id: string;
  /** Session id of the sender. */
  session: string;
  /** User name of the sender. */
  username: string;
  /** ISO 8601 date with timezone. */
  date: string;
  /** The message type, e.g. `execute_request`. */
  msg_type: string;
  /** Protocol version. */
  version: string;
  /** Other fields are kept. */
  [key: string]: unknown;
}

/** A decoded Jupyter message. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** Routing identities that preceded the delimiter (topic frames on iopub). */
  identities: Uint8Array[];
  /** The header. */
  header: MessageHeader;
  /** The header of the request this message answers, or `{}`. */
  parent_header: Partial<MessageHeader>;
  /** Metadata. */
  metadata: Record<string, unknown>;
  /** Content. */
  content: C;
  /** Extra binary buffers. */
  buffers: Uint8Array[];
}

/** What {@linkcode MessageCodec.encode} needs; the header is made by the codec. */
export interface OutgoingMessage {
  /** Message type. */
  msgType: string;
  /** Content. */
  content: Record<string, unknown>;
  /** Parent header, when replying. */
  parent?: Partial<MessageHeader>;
  /** Metadata. */
  metadata?: Record<string, unknown>;
  /** Binary buffers. */
  buffers?: Uint8Array[];
  /** Identities to put before the delimiter. */
  identities?: Uint8Array[];
}

/** Options of {@linkcode MessageCodec}. */
export interface MessageCodecOptions {
  /** Session id of this client (default: a fresh UUID). */
  session?: string;
  /** User name in headers (default `"nbchain"`). */
  username?: string;
  /** `signature_scheme` of the connection file (only `hmac-sha256` is supported). */
  signatureScheme?: string;
}

/** Protocol version nbchain announces. */
export const PROTOCOL_VERSION = "5.4";

const DELIMITER = new TextEncoder().encode("<IDS|MSG>");
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isDelimiter(frame: Uint8Array): boolean {
  if (frame.length !== DELIMITER.length) return false;
  for (let i = 0; i < frame.length; i++) if (frame[i] !== DELIMITER[i]) return false;
  return true;
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/**
 * Encodes and decodes signed Jupyter messages for one connection.
 *
 * @example Round trip
 * ```ts
 * import { MessageCodec } from "./message.ts";
 * const codec = new MessageCodec("secret");
 * const frames = codec.encode({ msgType: "kernel_info_request", content: {} });
 * const msg = codec.decode(frames);
 * if (msg?.header.msg_type !== "kernel_info_request") throw new Error("round trip failed");
 * ```
 */
export class MessageCodec {
  #key: Uint8Array;
  #session: string;
  #username: string;
  #badSignatures = 0;
  #malformed = 0;

  /** Makes a codec for `key` (the connection file's `key`, used as UTF-8 bytes). */
  constructor(key: string, options: MessageCodecOptions = {}) {
    const scheme = options.signatureScheme ?? "hmac-sha256";
    if (scheme !== "hmac-sha256") {
      throw new Error(
        `Cannot sign messages with scheme "${scheme}": only "hmac-sha256" is supported`,
      );
    }
    this.#key = encoder.encode(key);
    this.#session = options.session ?? randomUUID();
    this.#username = options.username ?? "nbchain";
  }

  /** This client's session id. */
  get session(): string {
    return this.#session;
  }

  /** How many incoming messages were dropped for a bad signature. */
  get badSignatures(): number {
    return this.#badSignatures;
  }

  /** How many incoming messages were dropped as malformed (no delimiter, bad JSON). */
  get malformed(): number {
    return this.#malformed;
  }

  /** A fresh header of type `msgType`. */
  header(msgType: string): MessageHeader {
    return {
      msg_id: randomUUID(),
      session: this.#session,
      username: this.#username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    };
  }

  #sign(parts: Uint8Array[]): Uint8Array {
    if (this.#key.length === 0) return EMPTY;
    const hmac = createHmac("sha256", this.#key);
    for (const p of parts) hmac.update(p);
    return encoder.encode(hmac.digest("hex"));
  }

  /** Encodes a message as frames; returns them with the header that was made. */
  encodeWithHeader(msg: OutgoingMessage): { frames: Uint8Array[]; header: MessageHeader } {
    const header = this.header(msg.msgType);
    const parts = [
      encoder.encode(JSON.stringify(header)),
      encoder.encode(JSON.stringify(msg.parent ?? {})),
      encoder.encode(JSON.stringify(msg.metadata ?? {})),
      encoder.encode(JSON.stringify(msg.content)),
    ];
    const frames = [
      ...(msg.identities ?? []),
      DELIMITER,
      this.#sign(parts),
      ...parts,
      ...(msg.buffers ?? []),
    ];
    return { frames, header };
  }

  /** Encodes a message as the frames of one multipart ZeroMQ message. */
  encode(msg: OutgoingMessage): Uint8Array[] {
    return this.encodeWithHeader(msg).frames;
  }

  /**
   * Decodes frames; returns `undefined` (and counts it) for a message with a
   * bad signature or a malformed layout. Never throws.
   */
  decode(frames: readonly Uint8Array[]): JupyterMessage | undefined {
    let d = -1;
    for (let i = 0; i < frames.length; i++) {
      if (isDelimiter(frames[i]!)) {
        d = i;
        break;
      }
    }
    if (d < 0 || frames.length < d + 6) {
      this.#malformed++;
      return undefined;
    }
    const parts = frames.slice(d + 2, d + 6);
    if (this.#key.length > 0) {
      const expected = this.#sign(parts);
      const got = frames[d + 1]!;
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
        this.#badSignatures++;
        return undefined;
      }
    }
    const [header, parent, metadata, content] = parts.map(parseObject);
    if (!header || !parent || !metadata || !content || typeof header.msg_type !== "string") {
      this.#malformed++;
      return undefined;
    }
    return {
      identities: frames.slice(0, d),
      header: header as MessageHeader,
      parent_header: parent as Partial<MessageHeader>,
      metadata,
      content,
      buffers: frames.slice(d + 6),
    };
  }
}
