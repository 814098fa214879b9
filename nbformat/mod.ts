/**
 * The notebook model of nbchain: read and write nbformat 4 notebooks and
 * percent-format scripts, inject parameters as exact literals of the kernel's
 * language (papermill-compatible), and inspect a notebook's declared
 * parameters. Pure: no kernel involved.
 *
 * @example
 * ```ts ignore
 * import { injectParameters, readNotebook, writeNotebook } from "./mod.ts";
 * const nb = await readNotebook("train.ipynb");
 * const out = injectParameters(nb, { lr: 0.01, tags: ["a", "b"] }, { language: "python" });
 * await writeNotebook("train.out.ipynb", out);
 * ```
 * @module
 */

export type * from "./types.ts";
export * from "./errors.ts";
export * from "./cells.ts";
export * from "./read.ts";
export * from "./write.ts";
export * from "./percent.ts";
export * from "./translate.ts";
export * from "./parameters.ts";
export * from "./inspect.ts";
export * from "./outputs.ts";
export * from "./html.ts";
