/**
 * The commands behind `cli.ts`: `run` (notebook, directory, pipeline),
 * `inspect` and `kernels`. `main()` returns the exit code.
 * @module
 */
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { discoverKernelSpecs, formatKernelSpecs } from "../kernel/mod.ts";
import { inspectParameters } from "../nbformat/inspect.ts";
import { readNotebook } from "../nbformat/read.ts";
import { type CliArgs, HELP, numberOption, parseCliArgs } from "./cli_args.ts";
import { discoverNotebooks } from "./discover.ts";
import { parseNameKeys } from "./naming.ts";
import { type RunEvent, runPlan } from "./orchestrate.ts";
import { chainNamesOf } from "./_preflight.ts";
import { loadParameterSets, mergeCliParameters } from "./params.ts";
import { loadPipeline } from "./pipeline.ts";
import { manifestToJson, readManifest } from "./manifest.ts";
import { type Plan, planDirectory, planPipeline } from "./plan.ts";
import { Progress, summaryTable } from "./_progress.ts";
import { UsageError } from "./_usage_error.ts";
import { VERSION } from "./version.ts";
import { variablesTable } from "./variables_table.ts";

const encoder = new TextEncoder();

function out(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text.endsWith("\n") ? text : text + "\n"));
}

function err(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text.endsWith("\n") ? text : text + "\n"));
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Whether a process exists and is not a zombie (Linux `/proc`; elsewhere assumed gone). */
function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** SIGKILLs each kernel's process group and waits (≤ 1 s) until they are gone. */
async function killGroups(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  const until = Date.now() + 1000;
  while (pids.some(running) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

/** A UTC timestamp usable as a folder name. */
function runStamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
}

async function kind(path: string): Promise<"dir" | "pipeline" | "notebook"> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`error: ${path}: no such file or directory; check the path`);
  }
  if (info.isDirectory()) return "dir";
  return /\.ya?ml$/i.test(path) ? "pipeline" : "notebook";
}

async function buildPlan(
  args: CliArgs,
): Promise<{ plan: Plan; extraOutputs: Record<string, string> }> {
  const [target, second] = args.positionals;
  if (!target) {
    throw new UsageError("error: no target given; run nbchain NOTEBOOK|DIR|PIPELINE.yaml [PARAMS]");
  }
  if (args.positionals.length > 2) {
    throw new UsageError(
      `error: too many arguments (${args.positionals.slice(2).join(" ")}); see nbchain --help`,
    );
  }
  const papermillOut = second !== undefined && /\.ipynb$/i.test(second) ? second : undefined;
  const cliParams = await mergeCliParameters({
    files: args.files,
    yaml: args.yaml,
    params: args.params,
    raw: args.raw,
  });
  const what = await kind(target);
  if (what === "pipeline") {
    if (second !== undefined) {
      throw new UsageError(
        `error: ${second}: a pipeline file takes no PARAMS file; put parameters in the pipeline's "parameters" key or pass -p`,
      );
    }
    const pipeline = await loadPipeline(target);
    pipeline.parameters = { ...pipeline.parameters, ...cliParams };
    return { plan: planPipeline(pipeline), extraOutputs: {} };
  }
  if (papermillOut && what !== "notebook") {
    throw new UsageError(
      `error: ${target}: the papermill form (IN OUT.ipynb) needs a notebook as input`,
    );
  }
  const sets = second !== undefined && !papermillOut
    ? await loadParameterSets(second, { grid: args.flags.has("grid") })
    : [{}];
  const withCli = sets.map((s) => ({ ...s, ...cliParams }));
  const notebooks = what === "dir"
    ? await discoverNotebooks(target, {
      recursive: args.flags.has("recursive"),
      include: args.include,
      exclude: args.exclude,
    })
    : [resolve(target)];
  if (notebooks.length === 0) {
    throw new UsageError(
      `error: ${target}: no notebooks found (.ipynb or percent scripts); check --include/--exclude or --recursive`,
    );
  }
  const plan = planDirectory(notebooks, withCli, {
    chain: !args.flags.has("no-chain"),
    ...(args.values.prepend !== undefined ? { prepend: parseNameKeys(args.values.prepend) } : {}),
    ...(args.values.append !== undefined ? { append: parseNameKeys(args.values.append) } : {}),
  });
  if (!args.flags.has("no-chain")) {
    const declared = new Map<string, string[]>();
    for (const nb of notebooks) declared.set(nb, await chainNamesOf(nb));
    for (const t of plan.tasks) t.chainNames = declared.get(t.notebook) ?? [];
  }
  const extraOutputs: Record<string, string> = {};
  if (papermillOut) extraOutputs[plan.tasks[0]!.id] = resolve(papermillOut);
  return { plan, extraOutputs };
}

async function runCommand(args: CliArgs): Promise<number> {
  const { plan, extraOutputs } = await buildPlan(args);
  const resumeDir = args.values.resume;
  if (resumeDir && args.values.output && resolve(args.values.output) !== resolve(resumeDir)) {
    throw new UsageError(
      `error: --resume ${resumeDir} and -o ${args.values.output} differ; a resumed run writes into the directory it resumes`,
    );
  }
  const previous = resumeDir ? await readManifest(resolve(resumeDir)) : undefined;
  const dir = resolve(resumeDir ?? args.values.output ?? `nbchain-runs/${runStamp()}`);
  const cacheDir = args.flags.has("cache") ? join(dirname(dir), ".nbchain-cache") : undefined;
  const quiet = args.flags.has("quiet");
  const progress = new Progress({
    live: !quiet && Deno.stderr.isTerminal() && !args.flags.has("log-output"),
    logOutput: args.flags.has("log-output"),
    quiet,
  });
  const controller = new AbortController();
  // Kernels running now (task id -> pid, which is also the kernel's process group): a forced
  // exit kills them first, so a second Ctrl-C never leaves a kernel behind either.
  const kernels = new Map<string, number>();
  const trackKernels = (e: RunEvent) => {
    if (e.type === "notebook" && e.event.type === "kernel-ready") kernels.set(e.task, e.event.pid);
    else if (e.type === "task-end" || e.type === "task-retry") kernels.delete(e.task);
  };
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      err("\ninterrupted: stopping kernels and saving partial notebooks (Ctrl-C again to force)");
      controller.abort(new Error("interrupted by the user"));
    } else {
      killGroups([...kernels.values()]).finally(() => Deno.exit(130));
    }
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const jobs = numberOption(args, "jobs", { integer: true });
    const retries = numberOption(args, "retries", { integer: true });
    const timeout = numberOption(args, "timeout");
    const cellTimeout = numberOption(args, "cell-timeout");
    const startTimeout = numberOption(args, "start-timeout");
    const maxOutput = numberOption(args, "max-output", { integer: true });
    const manifest = await runPlan(plan, {
      dir,
      extraOutputs,
      signal: controller.signal,
      failFast: args.flags.has("fail-fast"),
      allowErrors: args.flags.has("allow-errors"),
      reportMode: args.flags.has("report-mode"),
      chain: !args.flags.has("no-chain"),
      onEvent: (e) => {
        trackKernels(e);
        progress.handle(e);
      },
      ...(previous ? { resume: previous } : {}),
      ...(cacheDir ? { cacheDir } : {}),
      ...(args.flags.has("prepare-only") ? { prepareOnly: true } : {}),
      ...(maxOutput !== undefined ? { maxOutputBytes: maxOutput } : {}),
      ...(jobs ? { jobs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(timeout ? { timeout } : {}),
      ...(cellTimeout ? { cellTimeout } : {}),
      ...(startTimeout ? { startTimeout } : {}),
      ...(args.values.kernel ? { kernel: args.values.kernel } : {}),
      ...(args.values.cwd ? { cwd: resolve(args.values.cwd) } : {}),
    });
    progress.stop();
    if (args.flags.has("json")) out(manifestToJson(manifest));
    else if (!quiet) {
      const only = manifest.tasks.length === 1 ? manifest.tasks[0] : undefined;
      if (only && only.variables.length > 0) out(`${variablesTable(only.variables)}\n`);
      out(summaryTable(manifest.tasks));
      out(`\n${manifest.status} in ${manifest.duration?.toFixed(2)}s; report: ${dir}/index.html`);
    }
    return manifest.status === "ok" ? 0 : manifest.status === "interrupted" ? 130 : 1;
  } finally {
    progress.stop();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

async function inspectCommand(args: CliArgs): Promise<number> {
  const path = args.positionals[0];
  if (!path) throw new UsageError("error: inspect needs a notebook; run nbchain inspect NOTEBOOK");
  const params = inspectParameters(await readNotebook(path));
  if (args.flags.has("json")) {
    out(jsonText(params));
  } else if (params.length === 0) {
    out(`${path}: no parameters declared (tag a cell "parameters")`);
  } else {
    const w = Math.max(4, ...params.map((p) => p.name.length));
    const t = Math.max(4, ...params.map((p) => p.type.length));
    const d = Math.max(7, ...params.map((p) => p.default.length));
    out(`${"name".padEnd(w)}  ${"type".padEnd(t)}  ${"default".padEnd(d)}  help`);
    for (const p of params) {
      out(`${p.name.padEnd(w)}  ${p.type.padEnd(t)}  ${p.default.padEnd(d)}  ${p.help}`.trimEnd());
    }
  }
  return 0;
}

async function kernelsCommand(args: CliArgs): Promise<number> {
  const found = await discoverKernelSpecs();
  if (args.flags.has("json")) out(jsonText(found));
  else out(formatKernelSpecs(found.specs, found));
  return 0;
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit
 * code: 0 ok, 1 a task failed, 2 bad input, 130 interrupted.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case "help":
        out(HELP);
        return 0;
      case "version":
        out(`nbchain ${VERSION}`);
        return 0;
      case "inspect":
        return await inspectCommand(args);
      case "kernels":
        return await kernelsCommand(args);
      default:
        return await runCommand(args);
    }
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    if (e instanceof UsageError || e.exitCode === 2 || isInputError(e)) {
      const message = /^error:/.test(e.message) ? e.message : `error: ${e.message}`;
      err(message);
      return 2;
    }
    err(`error: nbchain failed unexpectedly: ${e.message}\n${e.stack ?? ""}`);
    return 1;
  }
}

function isInputError(e: Error): boolean {
  return [
    "NotebookError",
    "NotebookSyntaxError",
    "NotebookVersionError",
    "NotebookFormatError",
    "ParameterError",
    "UnknownKernelError",
  ]
    .includes(e.name);
}
