/**
 * Library entry points for whole runs: a directory (optionally with bulk
 * parameter sets) or a pipeline file.
 * @module
 */
import { discoverNotebooks, type DiscoverOptions } from "./discover.ts";
import type { RunManifest } from "./manifest.ts";
import { runPlan, type RunPlanOptions } from "./orchestrate.ts";
import { chainNamesOf } from "./_preflight.ts";
import { loadPipeline } from "./pipeline.ts";
import { planDirectory, planPipeline } from "./plan.ts";

/** Options of {@linkcode runDirectory}. */
export interface RunDirectoryOptions extends RunPlanOptions, DiscoverOptions {
  /** Parameter sets (default: one empty set). */
  sets?: Record<string, unknown>[];
  /** Output-name keys (millrun's `--prepend`). */
  prepend?: string[];
  /** Output-name keys (millrun's `--append`). */
  append?: string[];
}

/**
 * Runs every notebook of `dir` in natural order for every parameter set,
 * chaining values within a set unless `chain: false`.
 *
 * @example
 * ```ts ignore
 * const manifest = await runDirectory("./analysis", { dir: "runs/1", sets: [{ x: 1 }, { x: 2 }], jobs: 2 });
 * console.log(manifest.status);
 * ```
 */
export async function runDirectory(
  dir: string,
  options: RunDirectoryOptions,
): Promise<RunManifest> {
  const notebooks = await discoverNotebooks(dir, options);
  const chain = options.chain !== false;
  const plan = planDirectory(notebooks, options.sets ?? [{}], {
    chain,
    ...(options.prepend ? { prepend: options.prepend } : {}),
    ...(options.append ? { append: options.append } : {}),
  });
  if (chain) {
    const declared = new Map<string, string[]>();
    for (const nb of notebooks) declared.set(nb, await chainNamesOf(nb));
    for (const t of plan.tasks) t.chainNames = declared.get(t.notebook) ?? [];
  }
  return await runPlan(plan, options);
}

/** Options of {@linkcode runPipeline}. */
export interface RunPipelineOptions extends RunPlanOptions {
  /** Parameters overriding the file's `parameters`. */
  parameters?: Record<string, unknown>;
}

/**
 * Runs a YAML pipeline file. Throws `PipelineError` (listing every problem)
 * before anything runs when the file is invalid.
 *
 * @example
 * ```ts ignore
 * const manifest = await runPipeline("pipeline.yaml", { dir: "runs/1", jobs: 2 });
 * ```
 */
export async function runPipeline(path: string, options: RunPipelineOptions): Promise<RunManifest> {
  const pipeline = await loadPipeline(path);
  pipeline.parameters = { ...pipeline.parameters, ...(options.parameters ?? {}) };
  return await runPlan(planPipeline(pipeline), options);
}
