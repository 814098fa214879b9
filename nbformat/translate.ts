/**
 * Parameter values rendered as exact literals of the kernel's language.
 * @module
 */

import { bash } from "./_translate_bash.ts";
import { julia } from "./_translate_julia.ts";
import { python } from "./_translate_python.ts";
import { r } from "./_translate_r.ts";
import { javascript, typescript } from "./_translate_typescript.ts";
import { toNode, type Translator, UnrenderableValue } from "./_translate_value.ts";
import { ParameterError } from "./errors.ts";
import type { Notebook } from "./types.ts";

/** A language nbchain can render parameters for. */
export type ParameterLanguage = "python" | "r" | "julia" | "bash" | "typescript" | "javascript";

const TRANSLATORS: Record<ParameterLanguage, Translator> = {
  python,
  r,
  julia,
  bash,
  typescript,
  javascript,
};

const ALIASES: Record<string, ParameterLanguage> = {
  python: "python",
  python3: "python",
  ipython: "python",
  ipython3: "python",
  r: "r",
  julia: "julia",
  bash: "bash",
  sh: "bash",
  shell: "bash",
  typescript: "typescript",
  typescriptreact: "typescript",
  ts: "typescript",
  javascript: "javascript",
  javascriptreact: "javascript",
  js: "javascript",
};

/** The language names {@linkcode translateParameters} accepts (case-insensitive). */
export const SUPPORTED_LANGUAGES: readonly string[] = Object.freeze([
  "python",
  "r",
  "julia",
  "bash",
  "sh",
  "typescript",
  "typescriptreact",
  "javascript",
]);

// Kernel names whose language is known even when the notebook does not say.
const KERNEL_PREFIXES: [RegExp, ParameterLanguage][] = [
  [/^python/, "python"],
  [/^ir$/, "r"],
  [/^julia/, "julia"],
  [/^bash$/, "bash"],
  [/^deno$/, "typescript"],
];

/** Options for {@linkcode translateParameters} and {@linkcode resolveLanguage}. */
export interface TranslateOptions {
  /** Kernel name, used when `language` is not one nbchain knows (e.g. `ir`, `julia-1.10`). */
  kernelName?: string;
  /** The comment text of the first line; default "Parameters". */
  header?: string;
  /**
   * TypeScript/JavaScript: the keyword to declare each name with (default
   * `const`). Deno's kernel lets a cell redeclare a name only with the keyword
   * it was first declared with, so match the notebook's own declarations.
   */
  declarations?: Readonly<Record<string, "const" | "let" | "var">>;
}

/**
 * Maps a language name (or, failing that, a kernel name) to a supported language.
 *
 * @throws {ParameterError} neither is supported; the message lists the supported names
 * @example
 * ```ts
 * import { resolveLanguage } from "./mod.ts";
 * resolveLanguage("TypeScriptReact"); // "typescript"
 * resolveLanguage("", "julia-1.10"); // "julia"
 * ```
 */
export function resolveLanguage(language: string, kernelName?: string): ParameterLanguage {
  const known = ALIASES[language.trim().toLowerCase()];
  if (known) return known;
  const kernel = kernelName?.trim().toLowerCase() ?? "";
  for (const [pattern, lang] of KERNEL_PREFIXES) if (pattern.test(kernel)) return lang;
  const kernelNote = kernelName ? ` (kernel "${kernelName}")` : "";
  throw new ParameterError(
    `Cannot render parameters for language "${language}"${kernelNote}: not supported; ` +
      `supported languages are ${SUPPORTED_LANGUAGES.join(", ")}`,
    language,
  );
}

/**
 * The notebook's language as recorded in its metadata: `language_info.name`,
 * else `kernelspec.language`; `undefined` when neither is set.
 *
 * @example
 * ```ts
 * import { notebookLanguage, parsePercent } from "./mod.ts";
 * notebookLanguage(parsePercent("x = 1\n", "a.py")); // "python"
 * ```
 */
export function notebookLanguage(nb: Notebook): string | undefined {
  const info = nb.metadata.language_info?.name;
  if (typeof info === "string" && info !== "") return info;
  const spec = nb.metadata.kernelspec?.language;
  return typeof spec === "string" && spec !== "" ? spec : undefined;
}

function renderError(
  translator: Translator,
  language: string,
  name: string,
  error: unknown,
): ParameterError {
  const detail = error instanceof UnrenderableValue ? error.message : String(error);
  return new ParameterError(
    `Cannot render parameter "${name}" as ${translator.title}: ${detail}`,
    language,
    name,
    { cause: error },
  );
}

/**
 * The source of an injected parameters cell: a comment header, then one
 * assignment per parameter (in the object's key order), each line ending in
 * "\n". Every value is an exact literal; anything that cannot be expressed is
 * a {@linkcode ParameterError} naming the parameter, never a guess.
 *
 * Numbers: safe integers are integers; other numbers (fractions, -0, NaN,
 * infinities, integers beyond 2^53) are floats. Pass a `bigint` for an exact
 * large integer.
 *
 * @throws {ParameterError} unsupported language, invalid name, or a value with no literal
 * @example
 * ```ts
 * import { translateParameters } from "./mod.ts";
 * translateParameters("python", { msg: 'say "hi"', n: 2n ** 70n, x: NaN });
 * // '# Parameters\nmsg = "say \\"hi\\""\nn = 1180591620717411303424\nx = float(\'nan\')\n'
 * translateParameters("typescript", { n: 2n ** 70n });
 * // "// Parameters\nconst n = 1180591620717411303424n;\n"
 * ```
 */
export function translateParameters(
  language: string,
  params: Record<string, unknown>,
  options: TranslateOptions = {},
): string {
  const translator = TRANSLATORS[resolveLanguage(language, options.kernelName)];
  const header = options.header ?? "Parameters";
  if (/[\r\n]/.test(header)) {
    throw new ParameterError(
      `Cannot use parameters header ${JSON.stringify(header)}: it spans lines`,
      language,
    );
  }
  let out = `${translator.comment} ${header}\n`;
  for (const [name, value] of Object.entries(params)) {
    const problem = translator.nameProblem(name);
    if (problem) {
      throw new ParameterError(
        `Cannot render parameter "${name}" as ${translator.title}: the name ${problem}`,
        language,
        name,
      );
    }
    try {
      const declaration = Object.hasOwn(options.declarations ?? {}, name)
        ? options.declarations?.[name]
        : undefined;
      if (declaration !== undefined && !["const", "let", "var"].includes(declaration)) {
        throw new ParameterError(
          `Cannot declare parameter "${name}" with ${JSON.stringify(declaration)}: ` +
            `use "const", "let" or "var"`,
          language,
          name,
        );
      }
      out += `${translator.assign(name, toNode(value, name), declaration)}\n`;
    } catch (error) {
      throw renderError(translator, language, name, error);
    }
  }
  return out;
}

/**
 * One value as a literal of `language` (no assignment); `name` is used in errors.
 *
 * @throws {ParameterError} unsupported language or a value with no literal
 * @example
 * ```ts
 * import { translateValue } from "./mod.ts";
 * translateValue("r", { a: [1, null] }); // 'list("a" = list(1, NULL))'
 * ```
 */
export function translateValue(language: string, value: unknown, name = "value"): string {
  const translator = TRANSLATORS[resolveLanguage(language)];
  try {
    return translator.literal(toNode(value, name));
  } catch (error) {
    throw renderError(translator, language, name, error);
  }
}
