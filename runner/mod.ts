/**
 * The runner of nbchain: executing one notebook with parameters
 * (`runNotebook`), running directories, bulk parameter sets and pipelines as
 * a DAG (`runPlan`, `runDirectory`, `runPipeline`), and the run directory
 * (`run.json`, `junit.xml`, `index.html`).
 *
 * @example Run a notebook like papermill
 * ```ts ignore
 * import { runNotebook } from "./mod.ts";
 * const result = await runNotebook("report.ipynb", { parameters: { x: 1 }, output: "out.ipynb" });
 * console.log(result.status, result.variables);
 * ```
 * @module
 */
export {
  type NotebookEvent,
  type NotebookResult,
  runNotebook,
  type RunNotebookOptions,
} from "./execute.ts";
export { kernelLanguage, notebookKernelSpec, withInMemoryHistory } from "./kernel_choice.ts";
export { type RunEvent, runPlan, type RunPlanOptions } from "./orchestrate.ts";
export {
  runDirectory,
  type RunDirectoryOptions,
  runPipeline,
  type RunPipelineOptions,
} from "./run.ts";
export {
  type DirectoryPlanOptions,
  expandForeach,
  type InputSource,
  type Plan,
  planDirectory,
  type PlannedTask,
  planPipeline,
} from "./plan.ts";
export {
  loadPipeline,
  type Pipeline,
  PipelineError,
  type PipelineProblem,
  type PipelineTask,
  type TaskOptions,
  type VariableRef,
} from "./pipeline.ts";
export {
  type CliParameterParts,
  coerceCliValue,
  loadParameterSets,
  type LoadParameterSetsOptions,
  mergeCliParameters,
  ParamsError,
} from "./params.ts";
export { discoverNotebooks, type DiscoverOptions } from "./discover.ts";
export type { NameOptions } from "./naming.ts";
export {
  readManifest,
  type RunManifest,
  type TaskError,
  type TaskRecord,
  type TaskStatus,
  type VariableRecord,
  writeManifest,
} from "./manifest.ts";
export { renderJunit } from "./junit.ts";
export { renderRunReport, type RenderRunReportOptions } from "./report_html.ts";
export { type Variable } from "./introspect.ts";
export { UsageError } from "./_usage_error.ts";
export { main } from "./cli_main.ts";
export { VERSION } from "./version.ts";
