/**
 * Parameter injection with papermill's semantics.
 * @module
 */

import { hasTag, isValidCellId, newCellId, newCodeCell, sourceText } from "./cells.ts";
import { type DeclarationKind, declarationKinds } from "./_inspect_typescript.ts";
import { resolveLanguage, type TranslateOptions, translateParameters } from "./translate.ts";
import type { Cell, JsonObject, JsonValue, Notebook } from "./types.ts";

/** Tag of the cell that declares a notebook's parameters. */
export const PARAMETERS_TAG = "parameters";
/** Tag of the cell nbchain (and papermill) inserts with the passed values. */
export const INJECTED_PARAMETERS_TAG = "injected-parameters";
/** Tag of the markdown cells papermill inserts around a failure. */
export const ERROR_CELL_TAG = "papermill-error-cell-tag";

/**
 * Index of the first cell tagged `parameters` (any cell type), or -1.
 *
 * @example
 * ```ts
 * import { parametersCellIndex, parsePercent } from "./mod.ts";
 * const nb = parsePercent('# %%\nimport os\n# %% tags=["parameters"]\nx = 1\n', "a.py");
 * parametersCellIndex(nb); // 1
 * ```
 */
export function parametersCellIndex(nb: Notebook): number {
  return nb.cells.findIndex((cell) => hasTag(cell, PARAMETERS_TAG));
}

/** Options for {@linkcode injectParameters}. */
export interface InjectParametersOptions {
  /** Language to render the values in (see `translateParameters`). */
  language: string;
  /** Kernel name, used when the language is not one nbchain knows. */
  kernelName?: string;
}

/**
 * A copy of `nb` with `params` injected; `nb` is not changed.
 *
 * - The new code cell is tagged `injected-parameters`. An existing cell with
 *   that tag is replaced in place (any further ones are removed); otherwise
 *   the cell goes right after the first cell tagged `parameters` (of any
 *   type); otherwise above the first code cell (at the end when there is none).
 * - Cells tagged `papermill-error-cell-tag` from an earlier failed run are removed.
 * - `metadata.papermill.parameters` records the values (as JSON: numbers that
 *   JSON cannot hold are written as strings, e.g. "NaN", "-Infinity", or a big
 *   integer's digits).
 * - With no parameters (an empty object) nothing is injected: the copy equals `nb`.
 *
 * @throws {ParameterError} a name or value cannot be rendered in `options.language`
 * @example
 * ```ts
 * import { injectParameters, parsePercent, sourceText } from "./mod.ts";
 * const nb = parsePercent('# %% tags=["parameters"]\nx = 1\n# %%\nprint(x)\n', "a.py");
 * const out = injectParameters(nb, { x: 2 }, { language: "python" });
 * sourceText(out.cells[1]!); // "# Parameters\nx = 2\n"
 * ```
 */
export function injectParameters(
  nb: Notebook,
  params: Record<string, unknown>,
  options: InjectParametersOptions,
): Notebook {
  if (Object.keys(params).length === 0) return structuredClone(nb);
  const translateOptions: TranslateOptions = {};
  if (options.kernelName !== undefined) translateOptions.kernelName = options.kernelName;
  const language = resolveLanguage(options.language, options.kernelName);
  if (language === "typescript" || language === "javascript") {
    translateOptions.declarations = declarationsOf(nb);
  }
  const source = translateParameters(options.language, params, translateOptions);
  const out = structuredClone(nb);
  const cells = out.cells.filter((cell) => !hasTag(cell, ERROR_CELL_TAG));

  const taken = new Set<string>();
  for (const cell of cells) if (isValidCellId(cell.id)) taken.add(cell.id);
  const injected = newCodeCell(
    source,
    out.nbformat_minor >= 5
      ? { id: newCellId(taken), tags: [INJECTED_PARAMETERS_TAG] }
      : { tags: [INJECTED_PARAMETERS_TAG] },
  );

  const existing = cells.findIndex((cell) => hasTag(cell, INJECTED_PARAMETERS_TAG));
  if (existing >= 0) {
    const kept: Cell[] = [];
    cells.forEach((cell, index) => {
      if (index === existing) kept.push(injected);
      else if (!hasTag(cell, INJECTED_PARAMETERS_TAG)) kept.push(cell);
    });
    out.cells = kept;
  } else {
    const declared = cells.findIndex((cell) => hasTag(cell, PARAMETERS_TAG));
    let at = declared >= 0 ? declared + 1 : cells.findIndex((cell) => cell.cell_type === "code");
    if (at < 0) at = cells.length;
    cells.splice(at, 0, injected);
    out.cells = cells;
  }

  const papermill = out.metadata.papermill;
  const record = typeof papermill === "object" && papermill !== null && !Array.isArray(papermill)
    ? papermill as JsonObject
    : {};
  record.parameters = toJson(params);
  out.metadata.papermill = record;
  return out;
}

/**
 * Keywords of the names the notebook's code cells declare at top level
 * (parameters cell first), so the injected cell redeclares each one the same
 * way: Deno's kernel rejects `let x` after `const x` and the reverse.
 */
function declarationsOf(nb: Notebook): Record<string, DeclarationKind> {
  const declared = parametersCellIndex(nb);
  const order = declared >= 0 ? [declared, ...nb.cells.keys()] : [...nb.cells.keys()];
  const out: Record<string, DeclarationKind> = {};
  for (const index of order) {
    const cell = nb.cells[index]!;
    if (cell.cell_type !== "code" || hasTag(cell, INJECTED_PARAMETERS_TAG)) continue;
    for (const [name, kind] of declarationKinds(sourceText(cell))) {
      if (!Object.hasOwn(out, name)) {
        Object.defineProperty(out, name, {
          value: kind,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return out;
}

/** JSON form of already-validated parameter values, for metadata. */
function toJson(value: unknown): JsonValue {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (typeof value === "number") {
    if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(toJson);
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value as object)) {
    Object.defineProperty(out, key, {
      value: toJson(item),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}
