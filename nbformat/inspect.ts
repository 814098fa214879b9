/**
 * What a notebook's `parameters` cell declares: names, types, defaults, help.
 * @module
 */

import { inspectPython } from "./_inspect_python.ts";
import { inspectTypeScript } from "./_inspect_typescript.ts";
import { sourceText } from "./cells.ts";
import { parametersCellIndex } from "./parameters.ts";
import { notebookLanguage, type ParameterLanguage, resolveLanguage } from "./translate.ts";
import type { Notebook } from "./types.ts";

/** One parameter declared in a notebook's `parameters` cell. */
export interface ParameterInfo {
  /** Variable name. */
  name: string;
  /**
   * The annotation (or Python `# type: T` comment) when there is one, else the
   * type inferred from the default's literal: Python `int float str bytes bool
   * None list dict set tuple`, TypeScript `number bigint string boolean null
   * undefined array object`, R `logical numeric character NULL list`, Julia
   * `Bool Int64 Float64 String Nothing Vector Dict`, bash `string`; "unknown" otherwise.
   */
  type: string;
  /** Source text of the default value (multi-line values joined, papermill style). */
  default: string;
  /** The comment after the assignment, if any. */
  help: string;
}

/** Options for {@linkcode inspectParameters}. */
export interface InspectOptions {
  /** The notebook's language; default from its metadata (Python when absent). */
  language?: string;
}

function languageOf(nb: Notebook, options: InspectOptions): ParameterLanguage {
  const language = options.language ?? notebookLanguage(nb);
  const kernelName = nb.metadata.kernelspec?.name;
  if (language === undefined) {
    try {
      return resolveLanguage("", kernelName);
    } catch {
      return "python"; // papermill's assumption for notebooks without a language
    }
  }
  return resolveLanguage(language, kernelName);
}

/**
 * The parameters the first cell tagged `parameters` declares, in order. Only a
 * code cell declares anything; no such cell gives an empty list. Python and
 * TypeScript/JavaScript follow papermill's rules (`name[: T] = value  # help`,
 * `const name[: T] = value; // help`); R, Julia and bash read one
 * `name = value` (`<-` in R, `name=value` in bash) per line.
 *
 * @throws {ParameterError} the notebook's language is not supported
 * @example
 * ```ts
 * import { inspectParameters, parsePercent } from "./mod.ts";
 * const nb = parsePercent('# %% tags=["parameters"]\nrate: float = 0.5  # learning rate\n', "a.py");
 * inspectParameters(nb);
 * // [{ name: "rate", type: "float", default: "0.5", help: "learning rate" }]
 * ```
 */
export function inspectParameters(nb: Notebook, options: InspectOptions = {}): ParameterInfo[] {
  const index = parametersCellIndex(nb);
  const cell = nb.cells[index];
  if (cell === undefined || cell.cell_type !== "code") return [];
  const language = languageOf(nb, options);
  const source = sourceText(cell);
  switch (language) {
    case "python":
      return inspectPython(source);
    case "typescript":
    case "javascript":
      return inspectTypeScript(source);
    default:
      return inspectLines(source, language);
  }
}

/**
 * Names declared by the `parameters` cell (see {@linkcode inspectParameters}),
 * without duplicates.
 *
 * @example
 * ```ts
 * import { declaredParameterNames, parsePercent } from "./mod.ts";
 * const nb = parsePercent('// %% tags=["parameters"]\nconst a = 1, b = "x";\n', "a.ts");
 * declaredParameterNames(nb); // ["a", "b"]
 * ```
 */
export function declaredParameterNames(nb: Notebook, options: InspectOptions = {}): string[] {
  return [...new Set(inspectParameters(nb, options).map((p) => p.name))];
}

const LINE_PATTERNS: Record<"r" | "julia" | "bash", RegExp> = {
  r: /^\s*((?:\p{L}|\.(?![0-9]))[\p{L}\p{N}._]*)\s*(?:<-|=(?!=))\s*(.*)$/u,
  julia: /^\s*(?:const\s+)?([\p{L}_][\p{L}\p{N}_!]*)\s*(?:::\s*([^=]+?))?\s*=(?!=)\s*(.*)$/u,
  bash: /^\s*(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/,
};

function inspectLines(source: string, language: "r" | "julia" | "bash"): ParameterInfo[] {
  const params: ParameterInfo[] = [];
  for (const line of source.split(/\r?\n/)) {
    const match = LINE_PATTERNS[language].exec(line);
    if (!match) continue;
    const annotation = language === "julia" ? (match[2] ?? "").trim() : "";
    const rest = (language === "julia" ? match[3] : match[2]) ?? "";
    const { code, comment } = splitComment(rest);
    const value = code.trim();
    params.push({
      name: match[1]!,
      type: annotation || inferType(value, language),
      default: value,
      help: comment.trim(),
    });
  }
  return params;
}

/** Splits `code # comment` at the first `#` outside quotes. */
function splitComment(text: string): { code: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") return { code: text.slice(0, i), comment: text.slice(i + 1) };
  }
  return { code: text, comment: "" };
}

function inferType(value: string, language: "r" | "julia" | "bash"): string {
  const number = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(value);
  const quoted = /^["']/.test(value);
  switch (language) {
    case "r":
      if (value === "TRUE" || value === "FALSE") return "logical";
      if (number || /^-?(?:Inf|NaN)$/.test(value)) return "numeric";
      if (quoted) return "character";
      if (value === "NULL") return "NULL";
      return /^(?:list|c)\(/.test(value) ? "list" : "unknown";
    case "julia":
      if (value === "true" || value === "false") return "Bool";
      if (/^[-+]?\d+$/.test(value)) return "Int64";
      if (number || /^-?(?:Inf|NaN)$/.test(value)) return "Float64";
      if (value.startsWith('"')) return "String";
      if (value === "nothing") return "Nothing";
      if (/^(?:\w+)?\[/.test(value)) return "Vector";
      return /^Dict\b/.test(value) ? "Dict" : "unknown";
    case "bash":
      return "string";
  }
}
