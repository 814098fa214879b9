/**
 * The value model shared by the parameter translators: a JS value is checked
 * once and turned into a tree of typed nodes, each with its path for errors.
 * @module
 */

/** One checked value. `path` names it in errors, e.g. `x.rows[2]`. */
export type ValueNode =
  | { kind: "null"; path: string }
  | { kind: "boolean"; path: string; value: boolean }
  /** An exact integer: a safe-integer number (`bigint: false`) or a bigint. */
  | { kind: "int"; path: string; value: bigint; bigint: boolean }
  /** Any other number: fractional, beyond 2^53, -0, NaN or infinite. */
  | { kind: "float"; path: string; value: number }
  | { kind: "string"; path: string; value: string }
  | { kind: "list"; path: string; items: ValueNode[] }
  | { kind: "map"; path: string; entries: [string, ValueNode][] };

/** Raised by {@linkcode toNode} and the renderers; translate.ts adds context. */
export class UnrenderableValue extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path} ${problem}`);
  }
}

/** Throws {@linkcode UnrenderableValue} for `node`. */
export function unrenderable(node: { path: string }, problem: string): never {
  throw new UnrenderableValue(node.path, problem);
}

const ACCEPTED = "only null, booleans, numbers, bigints, strings, arrays and plain objects " +
  "can be passed as parameters";

/** Checks `value` and converts it into a {@linkcode ValueNode} tree. */
export function toNode(
  value: unknown,
  path: string,
  ancestors: Set<object> = new Set(),
): ValueNode {
  switch (typeof value) {
    case "boolean":
      return { kind: "boolean", path, value };
    case "number":
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
        return { kind: "int", path, value: BigInt(value), bigint: false };
      }
      return { kind: "float", path, value };
    case "bigint":
      return { kind: "int", path, value, bigint: true };
    case "string":
      checkString(value, path);
      return { kind: "string", path, value };
    case "undefined":
      throw new UnrenderableValue(path, `is undefined; ${ACCEPTED}`);
    case "function":
      throw new UnrenderableValue(path, `is a function; ${ACCEPTED}`);
    case "symbol":
      throw new UnrenderableValue(path, `is a symbol; ${ACCEPTED}`);
  }
  if (value === null) return { kind: "null", path };
  const object = value as object;
  if (ancestors.has(object)) throw new UnrenderableValue(path, "refers back to itself (a cycle)");
  if (object instanceof Date) {
    throw new UnrenderableValue(
      path,
      "is a Date, which has no exact literal in every language; pass date.toISOString() instead",
    );
  }
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items: ValueNode[] = [];
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) {
          throw new UnrenderableValue(`${path}[${i}]`, "is a hole in a sparse array");
        }
        items.push(toNode(object[i], `${path}[${i}]`, ancestors));
      }
      return { kind: "list", path, items };
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object.constructor as { name?: string } | undefined)?.name || "object";
      throw new UnrenderableValue(path, `is a ${name}; ${ACCEPTED}`);
    }
    if (Object.getOwnPropertySymbols(object).length > 0) {
      throw new UnrenderableValue(path, "has symbol keys, which no language can express");
    }
    const entries: [string, ValueNode][] = [];
    for (const [key, item] of Object.entries(object)) {
      const keyPath = `${path}[${JSON.stringify(key)}]`;
      checkString(key, `${keyPath} (its key)`);
      entries.push([key, toNode(item, keyPath, ancestors)]);
    }
    return { kind: "map", path, entries };
  } finally {
    ancestors.delete(object);
  }
}

function checkString(value: string, path: string): void {
  if (value.isWellFormed()) return;
  let index = 0;
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      throw new UnrenderableValue(
        path,
        `contains a lone surrogate (U+${hex(c, 4)} at code point ${index}), ` +
          "which cannot be written to a UTF-8 notebook",
      );
    }
    index++;
  }
}

/** Upper-case hex of `n`, padded to `width` digits. */
export function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, "0");
}

/** The shortest decimal that reads back as `n` (finite), always with a `.` or exponent. */
export function floatDigits(n: number): string {
  if (Object.is(n, -0)) return "-0.0";
  const text = String(n);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** One language's renderer. */
export interface Translator {
  /** Display name, e.g. "Python". */
  readonly title: string;
  /** Line comment prefix. */
  readonly comment: string;
  /** Why `name` cannot be a variable name, or undefined when it can. */
  nameProblem(name: string): string | undefined;
  /** The literal for `node`; throws {@linkcode UnrenderableValue}. */
  literal(node: ValueNode): string;
  /**
   * The statement assigning `node` to `name`; `declaration` is the keyword
   * for languages that declare variables (TypeScript: const, let or var).
   */
  assign(name: string, node: ValueNode, declaration?: string): string;
}
