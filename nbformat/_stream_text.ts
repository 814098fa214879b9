/**
 * The text of one stream output, built incrementally from kernel chunks with
 * carriage returns and backspaces applied, stored as nbformat line lists.
 * @module
 */

/** Line boundaries of Python's `str.splitlines()`, which nbformat writers use. */
// deno-lint-ignore no-control-regex -- Python treats these control characters as line ends
const LINE_BOUNDARY = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;
/** Boundaries other than "\n" and "\r" (rare in streams; they force a full split). */
// deno-lint-ignore no-control-regex -- as above
const ODD_BOUNDARY = /[\v\f\x1c-\x1e\x85\u2028\u2029]/;
/** Characters the stream machine treats specially. */
const CONTROL = /[\n\r\b]/g;

/**
 * Splits text into lines keeping their endings, exactly as Python's
 * `str.splitlines(True)` does (the form nbformat writes).
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  LINE_BOUNDARY.lastIndex = 0;
  for (let m = LINE_BOUNDARY.exec(text); m !== null; m = LINE_BOUNDARY.exec(text)) {
    const end = m.index + m[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** UTF-8 length of a string in bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function pushAll(target: string[], items: string[]): void {
  for (const item of items) target.push(item);
}

/** The longest prefix of `text` (whole code points) that fits in `room` UTF-8 bytes. */
function fittingPrefix(text: string, room: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1));
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > room) break;
    bytes += size;
    i += pair ? 2 : 1;
  }
  return text.slice(0, i);
}

/**
 * Stream text with terminal-style control characters applied as they arrive:
 *
 * - `\r` followed by any character but `\n` drops the current line so far
 *   (as nbclient's `.*\r(?=[^\n])` rule does); a trailing `\r` waits for the
 *   next chunk, and `\r\n` is kept as is.
 * - `\b` deletes the character before it on the current line (nothing at the
 *   start of a line).
 *
 * The result does not depend on how the text is split into chunks. `lines`
 * is the nbformat list (Python `splitlines(True)` form) and is kept up to
 * date in place; completed lines are never touched again, so each chunk
 * costs time proportional to its own length.
 */
export class StreamText {
  /** The nbformat `text` list; the same array for the object's whole life. */
  readonly lines: string[] = [];
  #committed = 0; // leading entries of `lines` that are final
  #committedBytes = 0;
  #tail = ""; // the current, unfinished line (never contains "\n")
  #tailBytes = 0;
  #pendingCr = false; // the tail ends with "\r"
  #tailOdd = false; // the tail may contain a rare line boundary

  /** UTF-8 size of the stored text. */
  get bytes(): number {
    return this.#committedBytes + this.#tailBytes;
  }

  /**
   * Appends a chunk, storing at most `maxBytes` in total. Returns false when
   * the chunk was cut short because the limit was reached.
   */
  append(text: string, maxBytes: number): boolean {
    let complete = true;
    let i = 0;
    CONTROL.lastIndex = 0;
    while (i < text.length) {
      CONTROL.lastIndex = i;
      const m = CONTROL.exec(text);
      const end = m === null ? text.length : m.index;
      if (end > i && !this.#appendRun(text.slice(i, end), maxBytes)) {
        complete = false;
        break;
      }
      if (m === null) break;
      const ch = m[0];
      if (ch === "\n") {
        if (this.bytes + 1 > maxBytes) {
          complete = false;
          break;
        }
        this.#commitLine();
      } else if (ch === "\r") {
        if (!this.#appendRun("\r", maxBytes)) {
          complete = false;
          break;
        }
        this.#pendingCr = true;
      } else this.#backspace();
      i = end + 1;
    }
    this.#renderTail();
    return complete;
  }

  #appendRun(run: string, maxBytes: number): boolean {
    if (this.#pendingCr) {
      this.#tail = "";
      this.#tailBytes = 0;
      this.#tailOdd = false;
      this.#pendingCr = false;
    }
    const size = utf8Length(run);
    const room = maxBytes - this.bytes;
    const fits = size <= room;
    const kept = fits ? run : fittingPrefix(run, Math.max(0, room));
    if (kept.length > 0) {
      this.#tail += kept;
      this.#tailBytes += fits ? size : utf8Length(kept);
      if (ODD_BOUNDARY.test(kept)) this.#tailOdd = true;
    }
    return fits;
  }

  #backspace(): void {
    const tail = this.#tail;
    if (tail.length === 0) return;
    const last = tail.charCodeAt(tail.length - 1);
    const width = isLowSurrogate(last) && tail.length >= 2 &&
        tail.charCodeAt(tail.length - 2) >= 0xd800 && tail.charCodeAt(tail.length - 2) <= 0xdbff
      ? 2
      : 1;
    this.#tailBytes -= utf8Length(tail.slice(tail.length - width));
    this.#tail = tail.slice(0, tail.length - width);
    this.#pendingCr = this.#tail.endsWith("\r");
  }

  #commitLine(): void {
    const line = this.#tail + "\n";
    this.lines.length = this.#committed;
    if (this.#tailOdd) pushAll(this.lines, splitLines(line));
    else this.lines.push(line);
    this.#committed = this.lines.length;
    this.#committedBytes += this.#tailBytes + 1;
    this.#tail = "";
    this.#tailBytes = 0;
    this.#tailOdd = false;
    this.#pendingCr = false;
  }

  #renderTail(): void {
    this.lines.length = this.#committed;
    if (this.#tail.length === 0) return;
    if (this.#tailOdd) pushAll(this.lines, splitLines(this.#tail));
    else this.lines.push(this.#tail);
  }
}
