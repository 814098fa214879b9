/**
 * Which kernel a notebook runs on, and how nbchain launches it: the
 * kernelspec (`--kernel`, else the notebook's), its language for translators
 * and introspection, and ipykernel's in-memory history.
 * @module
 */
import { type KernelSpec, resolveKernelSpec } from "../kernel/mod.ts";
import type { Notebook } from "../nbformat/types.ts";
import { UsageError } from "./_usage_error.ts";

/**
 * ipykernel gets `--HistoryManager.hist_file=:memory:`, as nbclient gives it:
 * a notebook run needs no history database, and parallel kernels sharing one
 * SQLite file lock each other (it also makes the kernel exit faster).
 */
export function withInMemoryHistory(spec: KernelSpec): KernelSpec {
  const isIPyKernel = spec.argv.some((a) => a === "ipykernel_launcher" || a === "ipykernel");
  const set = spec.argv.some((a) => a.startsWith("--HistoryManager.hist_file"));
  return isIPyKernel && !set
    ? { ...spec, argv: [...spec.argv, "--HistoryManager.hist_file=:memory:"] }
    : spec;
}

/** Normalises a kernel language for translators and introspection. */
export function kernelLanguage(spec: KernelSpec, nb: Notebook): string {
  const lang = (spec.language || nb.metadata.language_info?.name || "").toLowerCase();
  return lang === "typescriptreact" ? "typescript" : lang;
}

/** Resolves the notebook's kernelspec: `--kernel`, else `metadata.kernelspec.name`. */
export async function notebookKernelSpec(
  nb: Notebook,
  path: string,
  override?: string,
): Promise<KernelSpec> {
  const name = override ?? nb.metadata.kernelspec?.name;
  if (!name) {
    throw new UsageError(
      `error: ${path}: the notebook names no kernel (metadata.kernelspec.name); pass --kernel NAME`,
    );
  }
  try {
    return await resolveKernelSpec(name);
  } catch (error) {
    throw new UsageError(`error: ${path}: ${(error as Error).message}`, { cause: error });
  }
}
