/**
 * `runPlan()`: runs planned tasks as a DAG with at most `jobs` kernels at
 * once, feeding upstream variables into downstream parameters, with retries,
 * timeouts, skip propagation and a run directory of artifacts.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EventLog } from "./_events_log.ts";
import { type NotebookEvent, type NotebookResult, runNotebook } from "./execute.ts";
import { latestValues } from "./introspect.ts";
import { renderJunit } from "./junit.ts";
import { type RunManifest, type TaskRecord, writeManifest } from "./manifest.ts";
import { expandForeach, type Plan, type PlannedTask } from "./plan.ts";
import { renderRunReport } from "./report_html.ts";
import { VERSION } from "./version.ts";
import { cacheKey, cacheRestore, cacheStore } from "./_cache.ts";
import { preflight } from "./_preflight.ts";
import { ancestors, upstreamValues } from "./_inputs.ts";

/** Events of a whole run. */
export type RunEvent =
  | { type: "run-start"; tasks: number; dir: string }
  | { type: "task-start"; task: string; attempt: number; parameters: Record<string, unknown> }
  | { type: "task-end"; task: string; record: TaskRecord }
  | { type: "task-retry"; task: string; attempt: number; reason: string; delay: number }
  /** A foreach task was replaced by one task per element of its list (maybe none). */
  | { type: "task-expand"; task: string; instances: string[] }
  | { type: "notebook"; task: string; event: NotebookEvent }
  | { type: "run-end"; manifest: RunManifest };

/** Options of {@linkcode runPlan}. */
export interface RunPlanOptions {
  /** The run directory. */
  dir: string;
  /** Kernels running at once (default: CPU count). */
  jobs?: number;
  /** Stop starting tasks after the first failure. */
  failFast?: boolean;
  /** Default kernel override. */
  kernel?: string;
  /** Default working directory (default: each notebook's folder). */
  cwd?: string;
  /** Seconds per cell. */
  cellTimeout?: number;
  /** Seconds per notebook. */
  timeout?: number;
  /** Seconds for kernel start. */
  startTimeout?: number;
  /** Retries of a failed task (default: the task's). */
  retries?: number;
  /** Keep executing after cell errors. */
  allowErrors?: boolean;
  /** Hide inputs in outputs. */
  reportMode?: boolean;
  /** Inject parameters and write the notebooks without executing. */
  prepareOnly?: boolean;
  /** Bytes of output kept per cell. */
  maxOutputBytes?: number;
  /** Chain directory notebooks (default true): upstream values feed declared parameters. */
  chain?: boolean;
  /** Extra output paths per task id (the papermill form's OUT). */
  extraOutputs?: Record<string, string>;
  /** Base delay of retry backoff in ms (default 1000, doubling). */
  retryDelay?: number;
  /** Progress events. */
  onEvent?: (event: RunEvent) => void;
  /** Cancels the run (Ctrl-C). */
  signal?: AbortSignal;
  /** A previous manifest of the same run directory: its ok and cached tasks are kept, not re-run. */
  resume?: RunManifest;
  /** A cache directory: tasks with an unchanged content hash are copied from it (`--cache`). */
  cacheDir?: string;
}

const FAILED = new Set(["failed", "timeout", "skipped", "interrupted"]);

function now(): string {
  return new Date().toISOString();
}

function record(task: PlannedTask): TaskRecord {
  return {
    id: task.id,
    notebook: task.notebook,
    output: `${task.outputName}.ipynb`,
    html: `${task.outputName}.html`,
    kernel: task.kernel ?? "",
    parameters: task.parameters,
    needs: [...task.needs],
    status: "pending",
    attempts: 0,
    started: null,
    ended: null,
    duration: null,
    error: null,
    variables: [],
  };
}

/**
 * Runs a plan and writes the run directory: `run.json`, `events.jsonl`,
 * `<task>.ipynb`, `<task>.html`, `junit.xml` and `index.html`.
 * Returns the final manifest; never throws for task failures. Throws a `UsageError` before
 * anything runs (no run directory made) when a notebook can't be read or its kernel found.
 */
export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunManifest> {
  const dir = options.dir;
  await preflight(plan.tasks, options);
  await mkdir(dir, { recursive: true });
  // A resumed run continues its log; a new run in a reused directory starts a fresh one.
  if (!options.resume) await writeFile(join(dir, "events.jsonl"), "");
  const log = new EventLog(join(dir, "events.jsonl"));
  const started = now();
  const tasks: PlannedTask[] = [...plan.tasks];
  const records = new Map<string, TaskRecord>();
  const kept = new Map<string, TaskRecord>();
  for (const r of options.resume?.tasks ?? []) {
    if (r.status === "ok" || r.status === "cached") kept.set(r.id, r);
  }
  const fresh = (t: PlannedTask): TaskRecord => kept.get(t.id) ?? record(t);
  for (const t of tasks) records.set(t.id, fresh(t));
  const manifest: RunManifest = {
    nbchain: VERSION,
    status: "running",
    started,
    ended: null,
    duration: null,
    tasks: [...records.values()],
  };
  const emit = (event: RunEvent) => {
    options.onEvent?.(event);
    if (event.type === "notebook") {
      const e = event.event;
      if (e.type === "output") return;
      log.write({ event: e.type, task: event.task, ...e, type: undefined });
    } else if (event.type === "task-end") {
      const r = event.record;
      log.write({
        event: "task-end",
        task: r.id,
        status: r.status,
        duration: r.duration,
        error: r.error,
      });
    } else if (event.type === "run-end") {
      const m = event.manifest;
      log.write({ event: "run-end", status: m.status, duration: m.duration });
    } else {
      log.write({ event: event.type, ...event, type: undefined });
    }
  };
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    manifest.tasks = tasks.map((t) => records.get(t.id)!);
    const snapshot = structuredClone(manifest);
    saving = saving.then(() => writeManifest(dir, snapshot));
    return saving;
  };
  await save();
  emit({ type: "run-start", tasks: tasks.length, dir });

  const jobs = Math.max(1, options.jobs ?? navigator.hardwareConcurrency ?? 2);
  const executed = new Set<string>(); // tasks that wrote a notebook (not kept: the notebooks)
  const running = new Map<string, Promise<void>>();
  const shutdowns = new Set<Promise<void>>();
  let stopStarting = false;

  const skip = (t: PlannedTask, reason: string, status: "skipped" | "interrupted" = "skipped") => {
    const r = records.get(t.id)!;
    r.status = status;
    r.skipped_reason = reason;
    emit({ type: "task-end", task: t.id, record: r });
  };

  const runTask = async (t: PlannedTask) => {
    const r = records.get(t.id)!;
    r.status = "running";
    r.started = now();
    await save();
    let params: Record<string, unknown> = { ...t.parameters };
    if (options.chain !== false && t.chainNames !== undefined) {
      // Every upstream task, not only the direct ones: a name the previous notebook did not
      // assign still arrives from further up the chain. Plan order is topological, so the
      // latest value wins.
      const declared = new Set(t.chainNames);
      const upstream = ancestors(t, tasks);
      for (const u of tasks) {
        if (!upstream.has(u.id)) continue;
        for (
          const [name, value] of Object.entries(latestValues(records.get(u.id)!.variables))
        ) {
          if (declared.has(name)) params[name] = value;
        }
      }
    }
    const inputs = upstreamValues(t, tasks, records, options.prepareOnly ?? false);
    params = { ...params, ...inputs.values };
    r.parameters = params;
    if (inputs.problem) {
      r.status = "failed";
      r.error = {
        ename: "InputError",
        evalue: inputs.problem,
        cell: null,
        message: inputs.problem,
      };
    }
    const retries = options.retries ?? t.retries;
    const out = join(dir, r.output);
    // A prepared (unexecuted) notebook is never stored in, nor restored from, the cache.
    const key = options.cacheDir && !options.prepareOnly && !inputs.problem
      ? await cacheKey(t.notebook, params, options.kernel ?? t.kernel ?? "", VERSION)
      : undefined;
    if (key) r.cache_key = key;
    const hit = key && options.cacheDir
      ? await cacheRestore(options.cacheDir, key, out, join(dir, r.html))
      : undefined;
    if (hit) {
      r.status = "cached";
      r.kernel = hit.kernel;
      r.variables = hit.variables;
      r.attempts = 0;
    }
    for (let attempt = 1; !hit && !inputs.problem && attempt <= retries + 1; attempt++) {
      r.attempts = attempt;
      emit({ type: "task-start", task: t.id, attempt, parameters: params });
      let result: NotebookResult;
      try {
        const kernel = options.kernel ?? t.kernel;
        const cwd = options.cwd ?? t.cwd;
        const timeout = options.timeout ?? t.timeout;
        const cellTimeout = options.cellTimeout ?? t.cellTimeout;
        result = await runNotebook(t.notebook, {
          // A finished kernel's exit is mostly waiting: free the slot for the next
          // task's kernel meanwhile; every shutdown is awaited before the run ends.
          detachShutdown: (stopped) => {
            shutdowns.add(stopped);
            stopped.finally(() => shutdowns.delete(stopped));
          },
          parameters: params,
          output: out,
          html: join(dir, r.html),
          allowErrors: options.allowErrors || t.allowErrors,
          reportMode: options.reportMode ?? false,
          prepareOnly: options.prepareOnly ?? false,
          ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}),
          ...(kernel ? { kernel } : {}),
          ...(cwd ? { cwd } : {}),
          ...(timeout ? { timeout } : {}),
          ...(cellTimeout ? { cellTimeout } : {}),
          ...(options.startTimeout ? { startTimeout: options.startTimeout } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          onEvent: (event) => emit({ type: "notebook", task: t.id, event }),
        });
      } catch (error) {
        const e = error as Error;
        r.status = "failed";
        r.error = { ename: e.name, evalue: e.message, cell: null, message: e.message };
        break;
      }
      executed.add(t.id);
      r.kernel = result.kernel;
      r.status = result.status;
      r.error = result.error;
      r.variables = result.variables;
      if (result.status === "ok" || result.status === "interrupted" || options.signal?.aborted) {
        break;
      }
      if (attempt <= retries) {
        const delay = (options.retryDelay ?? 1000) * 2 ** (attempt - 1);
        emit({
          type: "task-retry",
          task: t.id,
          attempt: attempt + 1,
          reason: result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status,
          delay,
        });
        // The backoff ends early on Ctrl-C, and an interrupted run makes no further attempt.
        await new Promise<void>((res) => {
          const done = () => {
            clearTimeout(timer);
            options.signal?.removeEventListener("abort", done);
            res();
          };
          const timer = setTimeout(done, delay);
          options.signal?.addEventListener("abort", done, { once: true });
        });
        if (options.signal?.aborted) break;
      }
    }
    if (key && options.cacheDir && r.status === "ok") {
      await mkdir(options.cacheDir, { recursive: true });
      await cacheStore(options.cacheDir, key, out, join(dir, r.html), {
        variables: r.variables,
        kernel: r.kernel,
      }).catch((e) =>
        emit({
          type: "notebook",
          task: t.id,
          event: { type: "warning", message: `Cannot store in the cache: ${(e as Error).message}` },
        })
      );
    }
    if (options.extraOutputs?.[t.id] && (executed.has(t.id) || hit)) {
      await Deno.copyFile(out, options.extraOutputs[t.id]!).catch(() => {});
    }
    r.ended = now();
    r.duration = (Date.parse(r.ended) - Date.parse(r.started!)) / 1000;
    if (r.status !== "ok" && r.status !== "cached" && options.failFast) stopStarting = true;
    emit({ type: "task-end", task: t.id, record: r });
    await save();
  };

  const expand = (template: PlannedTask): string | undefined => {
    const spec = template.foreach!;
    const upstream = records.get(spec.task);
    const value = upstream ? latestValues(upstream.variables)[spec.variable] : undefined;
    if (!Array.isArray(value)) {
      return `foreach needs a list: ${spec.task}.${spec.variable} is ${
        value === undefined ? "not defined" : typeof value
      }`;
    }
    const instances = expandForeach(template, value);
    emit({ type: "task-expand", task: template.id, instances: instances.map((i) => i.id) });
    const at = tasks.indexOf(template);
    tasks.splice(at, 1, ...instances);
    records.delete(template.id);
    for (const inst of instances) records.set(inst.id, fresh(inst));
    for (const t of tasks) {
      if (t.needs.includes(template.id)) {
        t.needs = t.needs.flatMap((n) => (n === template.id ? instances.map((i) => i.id) : [n]));
        records.get(t.id)!.needs = [...t.needs];
      }
    }
    return undefined;
  };

  const settled = (id: string) => {
    const s = records.get(id)?.status;
    return s !== undefined && s !== "pending" && s !== "running";
  };

  while (true) {
    let progressed = false;
    for (const t of [...tasks]) {
      const r = records.get(t.id);
      if (!r || r.status !== "pending" || running.has(t.id)) continue;
      if (options.signal?.aborted) {
        skip(t, "the run was interrupted before this task started", "skipped");
        progressed = true;
        continue;
      }
      const bad = t.needs.find((n) => FAILED.has(records.get(n)?.status ?? ""));
      if (bad) {
        skip(t, `upstream task "${bad}" ${records.get(bad)!.status}`);
        progressed = true;
        continue;
      }
      if (!t.needs.every(settled)) continue;
      if (stopStarting) {
        skip(t, "--fail-fast: an earlier task failed");
        progressed = true;
        continue;
      }
      if (t.foreach) {
        const problem = expand(t);
        if (problem) {
          r.status = "failed";
          r.error = { ename: "ForeachError", evalue: problem, cell: null, message: problem };
          if (options.failFast) stopStarting = true;
          emit({ type: "task-end", task: t.id, record: r });
        }
        progressed = true;
        continue;
      }
      if (running.size >= jobs) continue;
      running.set(t.id, runTask(t).finally(() => running.delete(t.id)));
      progressed = true;
    }
    if (progressed) {
      await save();
      continue;
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  await save();
  const ended = now();
  manifest.tasks = tasks.map((t) => records.get(t.id)!);
  manifest.ended = ended;
  manifest.duration = (Date.parse(ended) - Date.parse(started)) / 1000;
  manifest.status = options.signal?.aborted
    ? "interrupted"
    : manifest.tasks.every((r) => r.status === "ok" || r.status === "cached")
    ? "ok"
    : "failed";
  await saving;
  await writeManifest(dir, manifest);
  await writeFile(join(dir, "junit.xml"), renderJunit(manifest));
  await writeFile(join(dir, "index.html"), renderRunReport(manifest));
  // The reports were written while the last kernels exited; none outlives the run.
  await Promise.allSettled([...shutdowns]);
  emit({ type: "run-end", manifest });
  await log.flush();
  return manifest;
}
