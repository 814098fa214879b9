/**
 * Output names of tasks in the run directory: millrun's `--prepend/--append` naming, names made
 * safe for every common file system, and a collision check before anything runs.
 * @module
 */

import { createHash } from "node:crypto";
import { UsageError } from "./_usage_error.ts";

/** Two tasks would write the same file (a usage error: exit code 2, nothing ran). */
export class OutputNameError extends UsageError {
  /** The two task ids that collide. */
  readonly tasks: [string, string];

  /**
   * Creates the error for two tasks and the file stem they share; `set` (a parameter-set index)
   * is shown when both tasks have the same id.
   */
  constructor(
    first: { id: string; set?: string | undefined },
    second: { id: string; set?: string | undefined },
    stem: string,
  ) {
    const same = first.id === second.id;
    const label = (t: { id: string; set?: string | undefined }) =>
      same && t.set !== undefined ? `"${t.id}" (parameter set ${t.set})` : `"${t.id}"`;
    super(
      `error: tasks ${label(first)} and ${
        label(second)
      } would both write "${stem}.ipynb" in the run ` +
        "directory (names are compared ignoring case, as on macOS and Windows); use --prepend " +
        "or --append with a parameter that differs between them, or rename a notebook",
    );
    this.name = "OutputNameError";
    this.tasks = [first.id, second.id];
  }
}

/** Options naming a task's output after its parameters, as millrun's `--prepend/--append`. */
export interface NameOptions {
  /** Keys (parameter names or literal words) joined before the stem. */
  prepend?: readonly string[];
  /** Keys (parameter names or literal words) joined after the stem. */
  append?: readonly string[];
}

/**
 * Splits a `--prepend`/`--append` value into keys: comma-separated, trimmed, empty ones dropped.
 *
 * @example
 * ```ts
 * import { parseNameKeys } from "./naming.ts";
 * parseNameKeys("region, lr,,v2"); // ["region", "lr", "v2"]
 * ```
 */
export function parseNameKeys(text: string): string[] {
  return text.split(",").map((k) => k.trim()).filter((k) => k !== "");
}

/** Renders a parameter value for a name: strings as is, other scalars as text, else JSON. */
export function formatNameValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") {
    return JSON.stringify(value, (_, v) => typeof v === "bigint" ? v.toString() : v) ?? "";
  }
  return String(value);
}

/**
 * Joins prepend keys, the stem and append keys with `-` (millrun's `prepend-stem-append`). A key
 * naming a parameter is replaced by its value; any other key is kept as a literal word. The result
 * is not yet file-safe: it is what the user sees as a task id.
 *
 * @example
 * ```ts
 * import { joinName } from "./naming.ts";
 * joinName("train", { region: "eu", lr: 0.1 }, { prepend: ["region"], append: ["lr", "v2"] });
 * // "eu-train-0.1-v2"
 * ```
 */
export function joinName(
  stem: string,
  parameters: Readonly<Record<string, unknown>>,
  options: NameOptions = {},
): string {
  const word = (key: string) =>
    Object.hasOwn(parameters, key) ? formatNameValue(parameters[key]) : key;
  return [...(options.prepend ?? []).map(word), stem, ...(options.append ?? []).map(word)].join(
    "-",
  );
}

/**
 * The file stem of a task's outputs (`<stem>.ipynb`, `<stem>.html`): {@linkcode joinName} made
 * safe by {@linkcode safeFileName}.
 *
 * @example
 * ```ts
 * import { taskOutputName } from "./naming.ts";
 * taskOutputName("report", { city: "São Paulo/SP" }, { append: ["city"] }); // "report-São_Paulo_SP"
 * ```
 */
export function taskOutputName(
  stem: string,
  parameters: Readonly<Record<string, unknown>>,
  options: NameOptions = {},
): string {
  return safeFileName(joinName(stem, parameters, options));
}

/** Default byte limit of a file stem: leaves room for extensions and temp suffixes under 255. */
export const MAX_NAME_BYTES = 150;
/** Stems of the run directory's own files (index.html, run.json, ...), which tasks must not take. */
const RUN_DIR_STEMS = new Set(["index", "run", "events", "junit"]);
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$/i;

/**
 * Makes a name safe as a file stem on Linux, macOS and Windows:
 * - NFC-normalised; every run of characters other than letters, digits, marks and `. _ - = + , @`
 *   (so slashes, control characters, spaces, quotes, brackets, `:*?<>|`) becomes one `_`;
 * - a leading `.` or `-` (hidden file, option-like) and trailing `.` become `_`;
 * - Windows reserved names (`CON`, `nul.txt`, `COM1`, ...) and the run directory's own stems
 *   (`index`, `run`, `events`, `junit`) get a `_` suffix; the empty name becomes `_`;
 * - longer than `maxBytes` UTF-8 bytes: cut at a character boundary and suffixed with `-` and 8
 *   hex digits of the SHA-256 of the original name, so truncated names stay distinct.
 *
 * @example
 * ```ts
 * import { safeFileName } from "./naming.ts";
 * safeFileName("train[lr=0.1]"); // "train_lr=0.1_"
 * safeFileName("../etc/passwd"); // "__etc_passwd"
 * ```
 */
export function safeFileName(name: string, options: { maxBytes?: number } = {}): string {
  const maxBytes = Math.max(options.maxBytes ?? MAX_NAME_BYTES, 16);
  let safe = name.normalize("NFC").replace(/[^\p{L}\p{N}\p{M}._=+,@-]+/gu, "_");
  safe = safe.replace(/^[.-]+/, "_").replace(/\.+$/, "_");
  if (safe === "") safe = "_";
  if (RESERVED.test(safe) || RUN_DIR_STEMS.has(safe.toLowerCase())) safe += "_";
  const encoder = new TextEncoder();
  if (encoder.encode(safe).length <= maxBytes) return safe;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  let cut = "";
  let bytes = 0;
  for (const ch of safe) {
    const size = encoder.encode(ch).length;
    if (bytes + size > maxBytes - 9) break;
    cut += ch;
    bytes += size;
  }
  return `${cut}-${hash}`;
}

/** The collision key of an output stem: NFC and lower case, as case-insensitive file systems. */
export function outputKey(outputName: string): string {
  return outputName.normalize("NFC").toLowerCase();
}

/**
 * Throws {@linkcode OutputNameError} naming the first two tasks that would write the same file,
 * comparing `outputName`s ignoring case. Call it on the whole plan before anything runs. When
 * both tasks have the same id (directory mode, `--prepend` keys that don't tell sets apart), their
 * `group` is shown as the parameter set.
 *
 * @example
 * ```ts
 * import { assertUniqueOutputs } from "./naming.ts";
 * assertUniqueOutputs([{ id: "a", outputName: "a" }, { id: "b", outputName: "b" }]); // ok
 * ```
 */
export function assertUniqueOutputs(
  tasks: readonly { readonly id: string; readonly outputName: string; readonly group?: string }[],
): void {
  const seen = new Map<string, { id: string; set?: string | undefined }>();
  for (const task of tasks) {
    const key = outputKey(task.outputName);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new OutputNameError(first, { id: task.id, set: task.group }, task.outputName);
    }
    seen.set(key, { id: task.id, set: task.group });
  }
}
