/**
 * nbchain: run Jupyter notebooks with parameters, in chains, over
 * directories and parameter sets, and as DAG pipelines, speaking the Jupyter
 * protocol to kernels directly.
 *
 * @example Run a notebook with parameters
 * ```ts ignore
 * import { runNotebook } from "jsr:@x/nbchain";
 * const result = await runNotebook("report.ipynb", { parameters: { region: "eu" }, output: "out.ipynb" });
 * console.log(result.status, result.variables.map((v) => v.name));
 * ```
 * @module
 */
export * from "./runner/mod.ts";
export * from "./kernel/mod.ts";
export * from "./nbformat/mod.ts";
