/**
 * Kernelspec discovery in jupyter_client's order (see `_jupyter_paths.ts`),
 * with the native ipykernel fallback for `python3`.
 * @module
 */

import { basename, join } from "node:path";
import { currentKernelSearchDirs, type SearchDir, whichExecutable } from "./_jupyter_paths.ts";
import { KernelError } from "./errors.ts";

export type { SearchDir } from "./_jupyter_paths.ts";

/** A kernelspec: how to launch one kind of kernel. */
export interface KernelSpec {
  /** Kernel name (lowercased directory name), e.g. `"python3"`. */
  name: string;
  /** Human name from `display_name`. */
  displayName: string;
  /** Language from `language`, e.g. `"python"`. */
  language: string;
  /** Command line with `{connection_file}`-style placeholders. */
  argv: string[];
  /** Extra environment variables, may contain `${VAR}` references. */
  env: Record<string, string>;
  /** How to interrupt: a SIGINT (`"signal"`) or an `interrupt_request` (`"message"`). Deno kernels are always `"message"`. */
  interruptMode: "signal" | "message";
  /** The `metadata` object of kernel.json. */
  metadata: Record<string, unknown>;
  /** Directory holding kernel.json (and logos). */
  resourceDir: string;
  /** Which search location found it, e.g. `"JUPYTER_PATH"`, `"user"`, `"env (VIRTUAL_ENV)"`, `"system"`, `"native ipykernel of /usr/bin/python3"`. */
  source: string;
  /** Resource dirs of valid specs with the same name lower in priority. */
  shadowed: string[];
}

/** A kernel.json that could not be used; discovery skips it and goes on. */
export interface KernelSpecProblem {
  /** Kernel directory name as found on disk. */
  name: string;
  /** Path of the kernel.json (or of the directory that could not be listed). */
  path: string;
  /** Search location, as in {@linkcode KernelSpec.source}. */
  source: string;
  /** What is wrong, in a sentence. */
  message: string;
}

/** Result of {@linkcode discoverKernelSpecs}. */
export interface KernelSpecDiscovery {
  /** Usable specs, one per name (the first found wins), sorted by name. */
  specs: KernelSpec[];
  /** Skipped kernel.json files and unreadable directories. */
  problems: KernelSpecProblem[];
  /** Directories searched, highest priority first. */
  searched: SearchDir[];
}

/** Options of {@linkcode findKernelSpecs} and {@linkcode resolveKernelSpec}. */
export interface FindKernelSpecsOptions {
  /** Environment to read search paths from (default: this process's). */
  env?: Record<string, string>;
  /** Aborts the search. */
  signal?: AbortSignal;
}

/** No kernelspec has the requested name. A usage error: the fix is to install or name another kernel. */
export class UnknownKernelError extends KernelError {
  /** The requested kernel name. */
  readonly kernelName: string;
  /** Names of the kernels that exist. */
  readonly available: string[];

  /** Makes the error. */
  constructor(kernelName: string, available: string[], options?: ErrorOptions) {
    const list = available.length > 0
      ? `available kernels: ${available.map((n) => `"${n}"`).join(", ")}`
      : "no kernels are installed";
    super(
      `Failed to find kernel "${kernelName}": ${list}. ` +
        `Pick one of those, install it (e.g. "python3 -m ipykernel install --user --name ${kernelName}" ` +
        `or "deno jupyter --install"), or add its data dir to JUPYTER_PATH; "nbchain kernels" lists what is found.`,
      options,
    );
    this.name = "UnknownKernelError";
    this.kernelName = kernelName;
    this.available = available;
  }
}

const VALID_NAME = /^[a-z0-9._-]+$/;

/** Whether a plain object (not an array or null). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a spec launches Deno's kernel: a `deno` executable with
 * `jupyter --kernel` arguments or a TypeScript/JavaScript language.
 */
export function isDenoKernel(spec: Pick<KernelSpec, "argv" | "language">): boolean {
  const exe = spec.argv[0];
  if (exe === undefined || !/^deno(\.exe)?$/i.test(basename(exe.replaceAll("\\", "/")))) {
    return false;
  }
  const kernelArgs = spec.argv.includes("jupyter") && spec.argv.includes("--kernel");
  return kernelArgs || /^(typescript|javascript)/i.test(spec.language);
}

/**
 * Validates a parsed kernel.json. Returns the spec, or a sentence saying what is wrong.
 */
export function parseKernelJson(
  json: unknown,
  where: { name: string; resourceDir: string; source: string },
): KernelSpec | string {
  if (!isRecord(json)) return "kernel.json is not a JSON object";
  const { argv, display_name, language, env, interrupt_mode, metadata } = json;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
    return '"argv" must be a non-empty array of strings';
  }
  if (display_name !== undefined && typeof display_name !== "string") {
    return '"display_name" must be a string';
  }
  if (language !== undefined && typeof language !== "string") return '"language" must be a string';
  if (
    env !== undefined && (!isRecord(env) || !Object.values(env).every((v) => typeof v === "string"))
  ) {
    return '"env" must be an object of strings';
  }
  if (interrupt_mode !== undefined && interrupt_mode !== "signal" && interrupt_mode !== "message") {
    return `"interrupt_mode" must be "signal" or "message", not ${JSON.stringify(interrupt_mode)}`;
  }
  if (metadata !== undefined && !isRecord(metadata)) return '"metadata" must be an object';
  const spec: KernelSpec = {
    name: where.name,
    displayName: display_name ?? where.name,
    language: language ?? "",
    argv: [...(argv as string[])],
    env: { ...(env as Record<string, string> | undefined) },
    interruptMode: interrupt_mode ?? "signal",
    metadata: { ...metadata },
    resourceDir: where.resourceDir,
    source: where.source,
    shadowed: [],
  };
  if (isDenoKernel(spec)) spec.interruptMode = "message";
  return spec;
}

/** One kernel directory found on disk, before name checks. */
interface Candidate {
  dirName: string;
  resourceDir: string;
  source: string;
}

/** Lists the subdirectories of one search dir; a missing dir yields nothing. */
async function listKernelDirs(
  dir: SearchDir,
  problems: KernelSpecProblem[],
): Promise<Candidate[]> {
  const found: Candidate[] = [];
  try {
    for await (const entry of Deno.readDir(dir.path)) {
      if (entry.isDirectory || entry.isSymlink) {
        found.push({
          dirName: entry.name,
          resourceDir: join(dir.path, entry.name),
          source: dir.source,
        });
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) && !(error instanceof Deno.errors.NotADirectory)) {
      problems.push({
        name: "",
        path: dir.path,
        source: dir.source,
        message: `Failed to list kernel directory: ${(error as Error).message}`,
      });
    }
  }
  return found.sort((a, b) => (a.dirName < b.dirName ? -1 : a.dirName > b.dirName ? 1 : 0));
}

/** Reads and validates one candidate; undefined when it holds no kernel.json. */
async function loadCandidate(
  c: Candidate,
  problems: KernelSpecProblem[],
): Promise<KernelSpec | undefined> {
  const file = join(c.resourceDir, "kernel.json");
  const problem = (message: string) => {
    problems.push({ name: c.dirName, path: file, source: c.source, message });
    return undefined;
  };
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    return problem(`Failed to read kernel.json: ${(error as Error).message}`);
  }
  const name = c.dirName.toLowerCase();
  if (!VALID_NAME.test(name)) {
    return problem(`Kernel name "${c.dirName}" is not valid: it must match ^[a-z0-9._-]+$`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(`Failed to parse kernel.json: ${(error as Error).message}`);
  }
  const spec = parseKernelJson(json, { name, resourceDir: c.resourceDir, source: c.source });
  return typeof spec === "string" ? problem(`Invalid kernel.json: ${spec}`) : spec;
}

/** Finds the python whose ipykernel would be the native spec, and probes it (one subprocess). */
export async function probeNativePython(
  env: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<KernelSpec | undefined> {
  const win = Deno.build.os === "windows";
  const inPrefix = (prefix: string) =>
    win ? join(prefix, "python.exe") : join(prefix, "bin", "python");
  const candidates = [
    env.VIRTUAL_ENV
      ? (win ? join(env.VIRTUAL_ENV, "Scripts", "python.exe") : inPrefix(env.VIRTUAL_ENV))
      : undefined,
    env.CONDA_PREFIX ? inPrefix(env.CONDA_PREFIX) : undefined,
  ];
  let python: string | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      if ((await Deno.stat(candidate)).isFile) {
        python = candidate;
        break;
      }
    } catch {
      // Not there; try the next one.
    }
  }
  python ??= await whichExecutable("python3", env);
  if (python === undefined) return undefined;
  const script = "import sys, os, json, importlib.util as u\n" +
    's = u.find_spec("ipykernel")\n' +
    'ok = s is not None and u.find_spec("ipykernel_launcher") is not None\n' +
    'res = os.path.join(os.path.dirname(s.origin), "resources") if ok and s.origin else ""\n' +
    'print(json.dumps({"executable": sys.executable, "resources": res} if ok else None))';
  let stdout: Uint8Array;
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", script],
      env: { ...env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      ...(signal ? { signal } : {}),
    }).output();
    if (!out.success) return undefined;
    stdout = out.stdout;
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
  // The last line is ours; a sitecustomize may have printed before it.
  const last = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  let result: unknown;
  try {
    result = JSON.parse(last);
  } catch {
    return undefined;
  }
  if (!isRecord(result) || typeof result.executable !== "string" || result.executable === "") {
    return undefined;
  }
  return {
    name: "python3",
    displayName: "Python 3 (ipykernel)",
    language: "python",
    argv: [result.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    env: {},
    interruptMode: "signal",
    metadata: { debugger: true },
    resourceDir: typeof result.resources === "string" ? result.resources : "",
    source: `native ipykernel of ${python}`,
    shadowed: [],
  };
}

/** Discovery with a switch for the native python probe. */
async function discover(
  options: FindKernelSpecsOptions,
  native: boolean,
): Promise<KernelSpecDiscovery> {
  const { signal } = options;
  signal?.throwIfAborted();
  const env = options.env ?? Deno.env.toObject();
  const searched = await currentKernelSearchDirs(env);
  const problems: KernelSpecProblem[] = [];
  const byName = new Map<string, KernelSpec>();
  for (const dir of searched) {
    signal?.throwIfAborted();
    for (const candidate of await listKernelDirs(dir, problems)) {
      const spec = await loadCandidate(candidate, problems);
      if (spec === undefined) continue;
      const first = byName.get(spec.name);
      if (first === undefined) byName.set(spec.name, spec);
      else if (first.resourceDir !== spec.resourceDir) first.shadowed.push(spec.resourceDir);
    }
  }
  if (native && !byName.has("python3")) {
    const spec = await probeNativePython(env, signal);
    if (spec) byName.set("python3", spec);
  }
  signal?.throwIfAborted();
  const specs = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { specs, problems, searched };
}

/**
 * Finds all kernelspecs with the problems met on the way and the dirs searched.
 *
 * @example
 * ```ts ignore
 * const { specs, problems } = await discoverKernelSpecs();
 * ```
 */
export function discoverKernelSpecs(
  options: FindKernelSpecsOptions = {},
): Promise<KernelSpecDiscovery> {
  return discover(options, true);
}

/**
 * Finds all kernelspecs, first match per name winning; invalid ones are skipped
 * (see {@linkcode discoverKernelSpecs} for the list of problems).
 *
 * @example
 * ```ts ignore
 * const names = (await findKernelSpecs()).map((s) => s.name);
 * ```
 */
export async function findKernelSpecs(options: FindKernelSpecsOptions = {}): Promise<KernelSpec[]> {
  return (await discover(options, true)).specs;
}

/**
 * Finds the kernelspec called `name` (case-insensitive).
 * Throws {@linkcode UnknownKernelError} listing the available names when there is none.
 *
 * @example
 * ```ts ignore
 * const spec = await resolveKernelSpec("python3");
 * console.log(spec.argv);
 * ```
 */
export async function resolveKernelSpec(
  name: string,
  options: FindKernelSpecsOptions = {},
): Promise<KernelSpec> {
  const wanted = name.toLowerCase();
  const found = await discover(options, wanted === "python3");
  const spec = found.specs.find((s) => s.name === wanted);
  if (spec) return spec;
  const available = found.specs.map((s) => s.name);
  if (wanted !== "python3" && !available.includes("python3")) {
    const env = options.env ?? Deno.env.toObject();
    if (await probeNativePython(env, options.signal)) available.push("python3");
    available.sort();
  }
  throw new UnknownKernelError(name, available);
}

/** Options of {@linkcode formatKernelSpecs}. */
export interface FormatKernelSpecsOptions {
  /** Problems to list after the table. */
  problems?: readonly KernelSpecProblem[];
  /** Searched dirs, listed when no spec was found. */
  searched?: readonly SearchDir[];
}

/**
 * The human table of `nbchain kernels`: name, language, source and resource
 * dir, with shadowed dirs and problems below.
 *
 * @example
 * ```ts ignore
 * const { specs, problems, searched } = await discoverKernelSpecs();
 * console.log(formatKernelSpecs(specs, { problems, searched }));
 * ```
 */
export function formatKernelSpecs(
  specs: readonly KernelSpec[],
  options: FormatKernelSpecsOptions = {},
): string {
  const lines: string[] = [];
  if (specs.length === 0) {
    lines.push("No kernels found.");
    if (options.searched?.length) {
      lines.push("Searched:", ...options.searched.map((d) => `  ${d.path} (${d.source})`));
    }
    lines.push(
      'Install one with "python3 -m pip install ipykernel" or "deno jupyter --install", ' +
        "or set JUPYTER_PATH.",
    );
  } else {
    const rows = [
      ["NAME", "LANGUAGE", "SOURCE", "RESOURCE DIR"],
      ...specs.map((s) => [s.name, s.language || "-", s.source, s.resourceDir || "-"]),
    ];
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    const indent = " ".repeat(widths[0]! + 2);
    rows.forEach((row, i) => {
      lines.push(row.map((cell, j) => j < 3 ? cell.padEnd(widths[j]!) : cell).join("  ").trimEnd());
      for (const dir of specs[i - 1]?.shadowed ?? []) lines.push(`${indent}shadows ${dir}`);
    });
  }
  const problems = options.problems ?? [];
  if (problems.length > 0) {
    lines.push("", "Skipped:");
    for (const p of problems) lines.push(`  ${p.path} (${p.source}): ${p.message}`);
  }
  return lines.join("\n") + "\n";
}
