/**
 * ZMTP 3.x encoders (NULL mechanism): our greeting, command frames and
 * whole messages as one array each (one write on the wire).
 * @module
 */
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, GREETING_SIZE, TWO_POW_32 } from "./_zmtp_wire.ts";

const encoder = new TextEncoder();

const GREETING = (() => {
  const g = new Uint8Array(GREETING_SIZE);
  g[0] = 0xff; // signature; padding as libzmq sends it (00 .. 01)
  g[8] = 0x01;
  g[9] = 0x7f;
  g[10] = 3; // version 3.0
  g[11] = 0;
  g.set(encoder.encode("NULL"), 12);
  return g;
})();

/** Encodes our greeting: ZMTP 3.0, NULL mechanism, as-server 0 (a fresh 64-byte array). */
export function encodeGreeting(): Uint8Array {
  return GREETING.slice();
}

/** Encodes one command frame with body `[name length][name][data]`. */
export function encodeCommand(name: string, data: Uint8Array): Uint8Array {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length === 0 || nameBytes.length > 255) {
    throw new RangeError(`Cannot encode ZMTP command "${name}": the name must be 1 to 255 bytes`);
  }
  const size = 1 + nameBytes.length + data.length;
  const header = size > 255 ? 9 : 2;
  const out = new Uint8Array(header + size);
  writeHeader(out, 0, FLAG_COMMAND, size);
  out[header] = nameBytes.length;
  out.set(nameBytes, header + 1);
  out.set(data, header + 1 + nameBytes.length);
  return out;
}

/**
 * Encodes a READY command; property names keep their exact casing (libzmq matches
 * them case-sensitively), e.g. `{ "Socket-Type": "DEALER", "Identity": new Uint8Array() }`.
 */
export function encodeReady(properties: Readonly<Record<string, string | Uint8Array>>): Uint8Array {
  const parts: [Uint8Array, Uint8Array][] = [];
  let size = 0;
  for (const [name, value] of Object.entries(properties)) {
    const nameBytes = encoder.encode(name);
    if (nameBytes.length === 0 || nameBytes.length > 255) {
      throw new RangeError(`Cannot encode READY property "${name}": name must be 1 to 255 bytes`);
    }
    const valueBytes = typeof value === "string" ? encoder.encode(value) : value;
    parts.push([nameBytes, valueBytes]);
    size += 1 + nameBytes.length + 4 + valueBytes.length;
  }
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  let at = 0;
  for (const [name, value] of parts) {
    data[at] = name.length;
    data.set(name, at + 1);
    at += 1 + name.length;
    view.setUint32(at, value.length);
    data.set(value, at + 4);
    at += 4 + value.length;
  }
  return encodeCommand("READY", data);
}

/** Encodes a PONG that echoes the PING's context. */
export function encodePong(context: Uint8Array): Uint8Array {
  return encodeCommand("PONG", context);
}

/** Encodes an ERROR command (the reason is cut to 255 bytes). */
export function encodeError(reason: string): Uint8Array {
  const text = encoder.encode(reason).subarray(0, 255);
  const data = new Uint8Array(1 + text.length);
  data[0] = text.length;
  data.set(text, 1);
  return encodeCommand("ERROR", data);
}

/** Options of {@linkcode encodeMessage}. */
export interface EncodeMessageOptions {
  /** Prepend an empty delimiter frame (the REQ envelope). */
  emptyDelimiter?: boolean;
}

function writeHeader(out: Uint8Array, at: number, flags: number, size: number): number {
  if (size > 255) {
    out[at] = flags | FLAG_LONG;
    const view = new DataView(out.buffer, out.byteOffset + at + 1, 8);
    view.setUint32(0, Math.floor(size / TWO_POW_32));
    view.setUint32(4, size >>> 0);
    return at + 9;
  }
  out[at] = flags;
  out[at + 1] = size;
  return at + 2;
}

/**
 * Encodes all frames of one message into ONE array (one write on the wire). Frames of
 * up to 255 bytes use the short form, larger ones the 8-byte long form.
 */
export function encodeMessage(
  frames: readonly Uint8Array[],
  options?: EncodeMessageOptions,
): Uint8Array {
  const delimiter = options?.emptyDelimiter === true;
  const count = frames.length;
  if (count === 0 && !delimiter) {
    throw new RangeError("Cannot encode a ZMTP message without frames");
  }
  let total = delimiter ? 2 : 0;
  for (let i = 0; i < count; i++) {
    const length = frames[i]!.length;
    total += (length > 255 ? 9 : 2) + length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  if (delimiter) {
    out[0] = count > 0 ? FLAG_MORE : 0;
    at = 2;
  }
  for (let i = 0; i < count; i++) {
    const frame = frames[i]!;
    at = writeHeader(out, at, i < count - 1 ? FLAG_MORE : 0, frame.length);
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}
