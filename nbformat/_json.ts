/**
 * A small JSON reader used where `JSON.parse` is not enough: it reports the
 * exact offset of a syntax error, accepts the `NaN`, `Infinity` and
 * `-Infinity` tokens Python's json module writes, and can read one value from
 * the middle of a line (percent-format cell metadata).
 * @module
 */

import type { JsonValue } from "./types.ts";

/** Result of {@linkcode readJsonValue}. */
export type JsonReadResult =
  | { ok: true; value: JsonValue; end: number }
  | { ok: false; offset: number; detail: string };

const MAX_DEPTH = 4096;

class JsonFailure {
  constructor(readonly offset: number, readonly detail: string) {}
}

/**
 * Reads one JSON value at `start` of `text`. With `whole`, only whitespace may
 * follow it. Never throws for bad input: errors come back with their offset.
 */
export function readJsonValue(
  text: string,
  start = 0,
  options: { whole?: boolean; allowNonFinite?: boolean } = {},
): JsonReadResult {
  const reader = new Reader(text, start, options.allowNonFinite ?? true);
  try {
    reader.skipSpace();
    const value = reader.value(0);
    if (options.whole) {
      reader.skipSpace();
      if (reader.pos < text.length) {
        return { ok: false, offset: reader.pos, detail: "unexpected text after the JSON value" };
      }
    }
    return { ok: true, value, end: reader.pos };
  } catch (error) {
    if (error instanceof JsonFailure) {
      return { ok: false, offset: error.offset, detail: error.detail };
    }
    throw error;
  }
}

/** Converts a UTF-16 offset into a 1-based line and code-point column. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    // The low half of a surrogate pair does not start a new code point.
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    column++;
  }
  return { line, column };
}

class Reader {
  pos: number;
  readonly #text: string;
  readonly #allowNonFinite: boolean;

  constructor(text: string, start: number, allowNonFinite: boolean) {
    this.#text = text;
    this.pos = start;
    this.#allowNonFinite = allowNonFinite;
  }

  skipSpace(): void {
    const t = this.#text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  #fail(detail: string, offset = this.pos): never {
    throw new JsonFailure(offset, detail);
  }

  #describe(): string {
    if (this.pos >= this.#text.length) return "end of input";
    const cp = this.#text.codePointAt(this.pos) ?? 0;
    return cp < 0x20 ? `character U+${hex4(cp)}` : `'${String.fromCodePoint(cp)}'`;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.#fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const t = this.#text;
    const c = t[this.pos];
    switch (c) {
      case "{":
        return this.#object(depth);
      case "[":
        return this.#array(depth);
      case '"':
        return this.#string();
      case "t":
        return this.#word("true", true);
      case "f":
        return this.#word("false", false);
      case "n":
        return this.#word("null", null);
      case "N":
        if (this.#allowNonFinite) return this.#word("NaN", NaN);
        break;
      case "I":
        if (this.#allowNonFinite) return this.#word("Infinity", Infinity);
        break;
      case "-":
        if (this.#allowNonFinite && t.startsWith("-Infinity", this.pos)) {
          return this.#word("-Infinity", -Infinity);
        }
        return this.#number();
      default:
        if (c !== undefined && c >= "0" && c <= "9") return this.#number();
    }
    return this.#fail(`expected a JSON value but found ${this.#describe()}`);
  }

  #word<T extends JsonValue>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.pos)) {
      this.#fail(`expected a JSON value but found ${this.#describe()}`);
    }
    this.pos += word.length;
    return value;
  }

  #object(depth: number): JsonValue {
    const t = this.#text;
    const result: { [key: string]: JsonValue } = {};
    this.pos++;
    this.skipSpace();
    if (t[this.pos] === "}") {
      this.pos++;
      return result;
    }
    for (;;) {
      if (t[this.pos] !== '"') {
        this.#fail(`expected a double-quoted property name but found ${this.#describe()}`);
      }
      const key = this.#string();
      this.skipSpace();
      if (t[this.pos] !== ":") {
        this.#fail(`expected ':' after a property name but found ${this.#describe()}`);
      }
      this.pos++;
      this.skipSpace();
      const value = this.value(depth + 1);
      if (key === "__proto__") {
        Object.defineProperty(result, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        result[key] = value;
      }
      this.skipSpace();
      const next = t[this.pos];
      if (next === "}") {
        this.pos++;
        return result;
      }
      if (next !== ",") {
        this.#fail(`expected ',' or '}' after a property value but found ${this.#describe()}`);
      }
      this.pos++;
      this.skipSpace();
    }
  }

  #array(depth: number): JsonValue {
    const t = this.#text;
    const result: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (t[this.pos] === "]") {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth + 1));
      this.skipSpace();
      const next = t[this.pos];
      if (next === "]") {
        this.pos++;
        return result;
      }
      if (next !== ",") {
        this.#fail(`expected ',' or ']' after an array element but found ${this.#describe()}`);
      }
      this.pos++;
      this.skipSpace();
    }
  }

  #string(): string {
    const t = this.#text;
    const start = this.pos;
    this.pos++;
    let out = "";
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.#fail("unterminated string", start);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.#fail(`control character U+${hex4(c)} in a string must be escaped`);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunk, this.pos);
      const esc = t[this.pos + 1];
      const simple = esc === undefined ? undefined : ESCAPES[esc];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (esc === "u") {
        const digits = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.#fail("invalid \\u escape in a string");
        out += String.fromCharCode(parseInt(digits, 16));
        this.pos += 6;
      } else {
        this.#fail(`invalid escape '\\${esc ?? ""}' in a string`);
      }
      chunk = this.pos;
    }
  }

  #number(): number {
    const t = this.#text;
    NUMBER.lastIndex = this.pos;
    const text = NUMBER.exec(t)?.[0];
    if (text === undefined) this.#fail("invalid number");
    const after = t[this.pos + text.length];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) {
      this.#fail("invalid number", this.pos + text.length);
    }
    this.pos += text.length;
    return Number(text);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}
