/**
 * Parses nbchain's command line (papermill-compatible where papermill has
 * the option). Pure: no I/O; errors are `UsageError`s.
 * @module
 */
import { UsageError } from "./_usage_error.ts";

/** Parsed command line. */
export interface CliArgs {
  /** `run` (default), `inspect`, `kernels`, `help` or `version`. */
  command: "run" | "inspect" | "kernels" | "help" | "version";
  /** Positional arguments after the command. */
  positionals: string[];
  /** `-p NAME VALUE` pairs, in order. */
  params: [string, string][];
  /** `-r NAME VALUE` pairs, in order. */
  raw: [string, string][];
  /** `-f FILE` files. */
  files: string[];
  /** `-y YAML` texts. */
  yaml: string[];
  /** `--include` globs. */
  include: string[];
  /** `--exclude` globs. */
  exclude: string[];
  /** Options with one value (`output`, `jobs`, `kernel`, `cwd`, …). */
  values: Partial<Record<ValueOption, string>>;
  /** Flags that were given. */
  flags: Set<FlagOption>;
}

const VALUE_OPTIONS = {
  "-o": "output",
  "--output": "output",
  "--output-dir": "output",
  "-j": "jobs",
  "--jobs": "jobs",
  "-k": "kernel",
  "--kernel": "kernel",
  "--cwd": "cwd",
  "--cell-timeout": "cell-timeout",
  "--execution-timeout": "cell-timeout",
  "--timeout": "timeout",
  "--start-timeout": "start-timeout",
  "--retries": "retries",
  "--prepend": "prepend",
  "--append": "append",
  "--resume": "resume",
  "--max-output": "max-output",
} as const;

/** Names of options taking one value. */
export type ValueOption = (typeof VALUE_OPTIONS)[keyof typeof VALUE_OPTIONS];

const FLAGS = {
  "--allow-errors": "allow-errors",
  "--fail-fast": "fail-fast",
  "--recursive": "recursive",
  "-R": "recursive",
  "--log-output": "log-output",
  "--report-mode": "report-mode",
  "--json": "json",
  "--quiet": "quiet",
  "-q": "quiet",
  "--grid": "grid",
  "--no-chain": "no-chain",
  "--prepare-only": "prepare-only",
  "--cache": "cache",
  "--help": "help",
  "-h": "help",
  "--version": "version",
  "-V": "version",
} as const;

/** Names of flags. */
export type FlagOption = (typeof FLAGS)[keyof typeof FLAGS];

const COMMANDS = new Set(["run", "inspect", "kernels", "help"]);

function takeValue(argv: readonly string[], i: number, option: string, count = 1): string[] {
  const values = argv.slice(i + 1, i + 1 + count);
  if (values.length < count) {
    const what = count === 2 ? "NAME VALUE" : "a value";
    throw new UsageError(`error: option ${option} needs ${what}; see nbchain --help`);
  }
  return values;
}

/**
 * Parses `argv` (without the program name).
 *
 * @example
 * ```ts
 * import { parseCliArgs } from "./cli_args.ts";
 * const a = parseCliArgs(["run", "in.ipynb", "out.ipynb", "-p", "x", "1"]);
 * console.assert(a.params[0]![1] === "1");
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    command: "run",
    positionals: [],
    params: [],
    raw: [],
    files: [],
    yaml: [],
    include: [],
    exclude: [],
    values: {},
    flags: new Set(),
  };
  let i = 0;
  if (argv[0] !== undefined && COMMANDS.has(argv[0])) {
    args.command = argv[0] as CliArgs["command"];
    i = 1;
  }
  let onlyPositionals = false;
  for (; i < argv.length; i++) {
    let arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith("-") || arg === "-") {
      args.positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    let inline: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      return takeValue(argv, i++, arg)[0]!;
    };
    if (
      arg === "-p" || arg === "--parameters" || arg === "-r" || arg === "--parameters_raw" ||
      arg === "--parameters-raw"
    ) {
      const [name, v] = takeValue(argv, i, arg, 2) as [string, string];
      i += 2;
      (arg === "-p" || arg === "--parameters" ? args.params : args.raw).push([name, v]);
    } else if (arg === "-f" || arg === "--parameters_file" || arg === "--parameters-file") {
      args.files.push(value());
    } else if (arg === "-y" || arg === "--parameters_yaml" || arg === "--parameters-yaml") {
      args.yaml.push(value());
    } else if (arg === "--include" || arg === "--include-glob-pattern") {
      args.include.push(value());
    } else if (arg === "--exclude" || arg === "--exclude-glob-pattern") {
      args.exclude.push(value());
    } else if (arg in VALUE_OPTIONS) {
      args.values[VALUE_OPTIONS[arg as keyof typeof VALUE_OPTIONS]] = value();
    } else if (arg in FLAGS) {
      if (inline !== undefined) throw new UsageError(`error: option ${arg} takes no value`);
      args.flags.add(FLAGS[arg as keyof typeof FLAGS]);
    } else {
      const known = [...Object.keys(VALUE_OPTIONS), ...Object.keys(FLAGS)].filter((o) =>
        o.startsWith("--")
      );
      const near = known.find((o) => o.startsWith(arg.slice(0, 5)));
      throw new UsageError(
        `error: unknown option "${arg}"${
          near ? `; did you mean ${near}?` : ""
        } (see nbchain --help)`,
      );
    }
  }
  if (args.flags.has("help")) args.command = "help";
  else if (args.flags.has("version")) args.command = "version";
  return args;
}

/** Parses a non-negative number option, or throws a usage error. */
export function numberOption(
  args: CliArgs,
  name: ValueOption,
  options: { integer?: boolean } = {},
): number | undefined {
  const text = args.values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (options.integer && !Number.isInteger(n))) {
    throw new UsageError(
      `error: --${name} "${text}" is not a valid ${
        options.integer ? "whole number" : "number"
      }; pass e.g. --${name} 10`,
    );
  }
  return n;
}

/** `nbchain --help` text. */
export const HELP = `nbchain: run Jupyter notebooks with parameters, in chains, sweeps and pipelines

Usage:
  nbchain [run] TARGET [PARAMS] [options]   TARGET: notebook, directory or pipeline .yaml
  nbchain run IN.ipynb OUT.ipynb -p x 1     papermill form
  nbchain inspect NOTEBOOK [--json]         declared parameters
  nbchain kernels [--json]                  kernelspecs found

Parameters:
  -p NAME VALUE        parameter, value parsed as a YAML scalar
  -r NAME VALUE        parameter, raw string
  -f FILE              parameters from a YAML/JSON file
  -y YAML              parameters as YAML text
  --grid               PARAMS object of lists: Cartesian product instead of zip

Running:
  -o, --output DIR     run directory (default ./nbchain-runs/<UTC time>)
  -j, --jobs N         kernels at once (default: CPU count)
  -k, --kernel NAME    kernelspec to use
  --cwd DIR            working directory (default: each notebook's folder)
  --cell-timeout S     seconds per cell          --timeout S    seconds per notebook
  --start-timeout S    seconds for kernel start  --retries N    retries of a failed task
  --allow-errors       keep going after cell errors
  --fail-fast          start nothing more after a failure
  --no-chain           directory mode: run notebooks independently
  --recursive, --include GLOB, --exclude GLOB   directory selection
  --prepend KEYS, --append KEYS                 output names (millrun style)
  --prepare-only       inject parameters, do not execute
  --report-mode        hide code inputs
  --max-output BYTES   output kept per cell (default 4 MiB)

Output:
  --log-output         stream kernel output with the task name
  --json               print the run summary as JSON
  -q, --quiet          no progress

Exit codes: 0 ok, 1 a task failed or timed out, 2 bad input, 130 interrupted.
`;
