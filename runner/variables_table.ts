/**
 * The terminal table of extracted variables: name, operation, value.
 * @module
 */
import type { VariableRecord } from "./manifest.ts";

function valueText(v: VariableRecord): string {
  const value = v.value;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.repr === "string" && typeof o.type === "string" && Object.keys(o).length <= 3) {
      return o.repr;
    }
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ??
    String(value);
}

function cut(text: string, width: number): string {
  const one = text.replace(/\s*\n\s*/g, " ⏎ ");
  return one.length > width ? one.slice(0, width - 1) + "…" : one;
}

/**
 * Formats variables as an aligned table with columns name, operation and value.
 *
 * @example
 * ```ts
 * import { variablesTable } from "./variables_table.ts";
 * const t = variablesTable([{ name: "z", operation: "z = x - y", value: 7, type: "int", cell: 3 }]);
 * console.assert(t.includes("z = x - y"));
 * ```
 */
export function variablesTable(variables: readonly VariableRecord[], width = 100): string {
  if (variables.length === 0) return "(no variables)";
  const rows = variables.map((v) => [v.name, cut(v.operation, 40), valueText(v)]);
  const w0 = Math.max(4, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(9, ...rows.map((r) => r[1]!.length));
  const rest = Math.max(20, width - w0 - w1 - 4);
  const line = (r: string[]) =>
    `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${cut(r[2]!, rest)}`.trimEnd();
  return [
    line(["name", "operation", "value"]),
    line(["-".repeat(w0), "-".repeat(w1), "-----"]),
    ...rows.map(line),
  ]
    .join("\n");
}
