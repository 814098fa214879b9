/**
 * Finding the notebooks of a directory TARGET, in natural order.
 * @module
 */

import { open, readdir, stat } from "node:fs/promises";
import { extname, join, matchesGlob, resolve } from "node:path";
import { UsageError } from "./_usage_error.ts";

/** A directory TARGET that can't be listed (a usage error: exit code 2, nothing ran). */
export class DiscoverError extends UsageError {
  /** Creates the error; the message is `error: DIR: WHAT; HOW TO FIX`. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DiscoverError";
  }
}

/** Options of {@linkcode discoverNotebooks}. */
export interface DiscoverOptions {
  /** Descend into subdirectories (default: only the directory itself). */
  recursive?: boolean;
  /** Keep only notebooks matching one of these globs (default: every notebook). */
  include?: string[];
  /** Drop notebooks (and prune directories) matching one of these globs. */
  exclude?: string[];
}

/** Extensions that are always notebooks. */
const ALWAYS = new Set([".ipynb", ".r", ".R", ".jl"]);
/** Percent-format scripts that count only with a cell marker line, and that marker. */
const MARKED: Record<string, RegExp> = {
  ".py": /^#\s*%%/m,
  ".ts": /^\/\/\s*%%/m,
  ".js": /^\/\/\s*%%/m,
};
/** Directory names never descended into (besides hidden ones). */
const SKIPPED_DIRS = new Set(["nbchain-runs", "node_modules", "__pycache__"]);
/** How much of a script is read to look for a cell marker. */
const MARKER_SCAN_BYTES = 1 << 20;

/**
 * Lists the notebooks of a directory, as absolute paths in natural order.
 *
 * - Notebooks are `.ipynb`, `.r`, `.R` and `.jl` files, and `.py`/`.ts`/`.js` percent scripts:
 *   those count only when a line starts with `# %%` (Python) or `// %%` (TS/JS) in their first
 *   MiB, so helper modules next to notebooks are left alone.
 * - Natural order compares path segments one by one, digit runs by value: `2_x` before `10_x`,
 *   and `1_prep/a.ipynb` before `2_train.ipynb`. Ties are broken case-insensitively, then by
 *   code point, so the order never depends on the locale or the file system.
 * - Hidden files and directories (`.name`, which covers `.ipynb_checkpoints`), `nbchain-runs`,
 *   `node_modules` and `__pycache__` are skipped. Symlinked files are followed; symlinked
 *   directories are not descended into (no loops).
 * - Globs (`node:path` `matchesGlob`) apply to the path relative to `dir` with `/` separators;
 *   a glob without `/` applies to the file name at any depth (like `.gitignore` and millrun's
 *   `rglob`), so `--exclude "draft*"` works with `--recursive`. An excluded directory is pruned.
 *   Note: Deno's `matchesGlob` needs env read permission (`__MINIMATCH_TESTING_PLATFORM__`).
 * - No notebook found is not an error here: the result is empty and the caller decides.
 *
 * @example
 * ```ts ignore
 * const notebooks = await discoverNotebooks("analysis", { recursive: true, exclude: ["scratch*"] });
 * ```
 */
export async function discoverNotebooks(
  dir: string,
  options: DiscoverOptions = {},
): Promise<string[]> {
  const root = resolve(dir);
  try {
    const info = await stat(root);
    if (!info.isDirectory()) {
      throw new DiscoverError(
        `error: ${dir}: not a directory; give a directory of notebooks, a notebook or a pipeline file`,
      );
    }
  } catch (cause) {
    if (cause instanceof DiscoverError) throw cause;
    throw new DiscoverError(
      `error: ${dir}: can't read the directory (${(cause as Error).message}); check the path`,
      { cause },
    );
  }
  const include = options.include ?? [];
  const exclude = options.exclude ?? [];
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch((cause) => {
      throw new DiscoverError(
        `error: ${
          join(dir, rel)
        }: can't list the directory (${cause.message}); check its permissions`,
        { cause },
      );
    });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        isFile = await stat(join(root, relPath)).then((s) => s.isFile(), () => false);
      }
      if (entry.isDirectory()) {
        if (!options.recursive || SKIPPED_DIRS.has(entry.name)) continue;
        if (matchesAny(relPath, exclude)) continue;
        await walk(relPath);
      } else if (isFile && await isNotebook(join(root, relPath))) {
        if (include.length > 0 && !matchesAny(relPath, include)) continue;
        if (matchesAny(relPath, exclude)) continue;
        found.push(relPath);
      }
    }
  };
  await walk("");
  return found.sort(comparePaths).map((rel) => join(root, rel));
}

/** Whether a relative path (with `/`) matches any glob; a glob without `/` matches the name. */
function matchesAny(relPath: string, globs: readonly string[]): boolean {
  const name = relPath.slice(relPath.lastIndexOf("/") + 1);
  return globs.some((g) => matchesGlob(g.includes("/") ? relPath : name, g));
}

/** Whether a file is a notebook by extension (and cell marker for `.py/.ts/.js`). */
async function isNotebook(path: string): Promise<boolean> {
  const ext = extname(path);
  if (ALWAYS.has(ext)) return true;
  const marker = MARKED[ext];
  if (!marker) return false;
  const file = await open(path, "r");
  try {
    const buffer = new Uint8Array(MARKER_SCAN_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return marker.test(new TextDecoder().decode(buffer.subarray(0, bytesRead)));
  } finally {
    await file.close();
  }
}

/**
 * Compares two relative paths (with `/`) in natural order, segment by segment.
 *
 * @example
 * ```ts
 * import { comparePaths } from "./discover.ts";
 * ["10_b.ipynb", "2_a.ipynb"].sort(comparePaths); // ["2_a.ipynb", "10_b.ipynb"]
 * ```
 */
export function comparePaths(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = compareNatural(as[i]!, bs[i]!);
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

/**
 * Compares two names in natural order: digit runs by numeric value (`2` < `10`), other text
 * case-insensitively; remaining ties (`01` and `1`, `A` and `a`) by code point, so the order is total.
 */
export function compareNatural(a: string, b: string): number {
  const ac = a.match(/\d+|\D+/g) ?? [];
  const bc = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ac.length, bc.length); i++) {
    const x = ac[i]!;
    const y = bc[i]!;
    const xDigit = /^\d/.test(x);
    const yDigit = /^\d/.test(y);
    if (xDigit && yDigit) {
      const xs = x.replace(/^0+(?=\d)/, "");
      const ys = y.replace(/^0+(?=\d)/, "");
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else if (xDigit !== yDigit) {
      return xDigit ? -1 : 1;
    } else {
      const xl = x.toLowerCase();
      const yl = y.toLowerCase();
      if (xl !== yl) return xl < yl ? -1 : 1;
    }
  }
  if (ac.length !== bc.length) return ac.length - bc.length;
  return a === b ? 0 : a < b ? -1 : 1;
}
