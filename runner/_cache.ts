/**
 * The task cache behind `--cache`: a task whose notebook content, final
 * parameters (upstream values included), kernel and nbchain version hash to a
 * key seen in a successful run is not run again; its executed notebook, HTML
 * and variables are copied from the cache.
 * @module
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { VariableRecord } from "./manifest.ts";

function canonical(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort((
    [a],
    [b],
  ) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/** The cache key of a task. */
export async function cacheKey(
  notebook: string,
  parameters: Record<string, unknown>,
  kernel: string,
  version: string,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(notebook));
  hash.update("\0");
  hash.update(canonical(parameters));
  hash.update("\0");
  hash.update(kernel);
  hash.update("\0");
  hash.update(version);
  return hash.digest("hex");
}

/** A cached successful task. */
export interface CacheEntry {
  /** Variables it produced. */
  variables: VariableRecord[];
  /** Kernel it ran on. */
  kernel: string;
}

/** Looks up `key`; on a hit copies the notebook and HTML to `ipynb` and `html`. */
export async function cacheRestore(
  dir: string,
  key: string,
  ipynb: string,
  html: string,
): Promise<CacheEntry | undefined> {
  const entry = join(dir, key);
  let parsed: CacheEntry;
  try {
    parsed = JSON.parse(await readFile(join(entry, "entry.json"), "utf8")) as CacheEntry;
    await copyFile(join(entry, "notebook.ipynb"), ipynb);
    await copyFile(join(entry, "notebook.html"), html).catch(() => {});
  } catch {
    return undefined;
  }
  return parsed;
}

/** Stores a successful task under `key` (atomically: written aside, then renamed). */
export async function cacheStore(
  dir: string,
  key: string,
  ipynb: string,
  html: string,
  entry: CacheEntry,
): Promise<void> {
  const tmp = join(dir, `.tmp-${key}-${crypto.randomUUID().slice(0, 8)}`);
  await mkdir(tmp, { recursive: true });
  try {
    await copyFile(ipynb, join(tmp, "notebook.ipynb"));
    await copyFile(html, join(tmp, "notebook.html")).catch(() => {});
    await writeFile(
      join(tmp, "entry.json"),
      JSON.stringify(entry, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    await rm(join(dir, key), { recursive: true, force: true });
    await rename(tmp, join(dir, key));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
