/**
 * Shared YAML reading for parameter and pipeline files: YAML 1.2 core schema (so dates stay
 * strings, `yes`/`no` stay strings), merge keys (`<<`), unique keys, and integers kept exact:
 * integers within the safe range become numbers, larger ones bigints.
 * @module
 */

import { LineCounter, parseDocument } from "yaml";
import type { Document, YAMLError } from "yaml";

/** Options given to the `yaml` package by every runner reader. */
export const YAML_OPTIONS = {
  schema: "core",
  version: "1.2",
  intAsBigInt: true,
  merge: true,
  uniqueKeys: true,
  prettyErrors: true,
} as const;

/** A parsed YAML document with its line counter and its problems (errors and tag warnings). */
export interface ParsedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  problems: { line?: number; col?: number; message: string; error: YAMLError }[];
}

/** Parses one YAML (or JSON) document; syntax errors and unresolved tags become `problems`. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const problems: ParsedYaml["problems"] = [];
  const tagWarnings = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  for (const error of [...doc.errors, ...tagWarnings]) {
    const pos = error.linePos?.[0];
    const first = error.message.split("\n")[0] ?? error.message;
    const message = first.replace(/ at line \d+, column \d+:?$/, "");
    problems.push({
      ...(pos ? { line: pos.line, col: pos.col } : {}),
      message: error.code === "TAG_RESOLVE_FAILED"
        ? `${message}; only plain values (strings, numbers, booleans, null, lists, maps) are allowed`
        : message,
      error,
    });
  }
  return { doc, lineCounter, problems };
}

/** Turns bigints that fit a safe integer into numbers, recursively; other values are kept. */
export function normalizeInts(value: unknown): unknown {
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(normalizeInts);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: normalizeInts(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Whether a value is a plain object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Describes a value's YAML type for error messages: "a string", "a list", "null", ... */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "bigint") return "an integer";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return `a ${typeof value}`;
}

/** Describes a value for error messages: scalars as written (`-1`, `"yes"`), else the type. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  return describeType(value);
}
