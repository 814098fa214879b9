/**
 * Provisions what tests, the demo and the bench need, idempotently:
 * a Python venv with pinned packages and a project-local JUPYTER_PATH
 * holding kernelspecs for that venv's ipykernel and for this Deno's kernel.
 *
 * Usage: `deno run -A tools/provision.ts [--bench]`
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/** Pinned packages of the test venv. */
export const TEST_PACKAGES: readonly string[] = [
  "ipykernel==7.4.0",
  "pyzmq==27.3.0",
  "nbformat==5.10.4",
];

/** Pinned packages of the bench venv (papermill and jupyter_client are the peers). */
export const BENCH_PACKAGES: readonly string[] = [
  ...TEST_PACKAGES,
  "papermill==2.7.0",
];

/** Paths of a provisioned environment. */
export interface Provisioned {
  /** The venv's python executable. */
  python: string;
  /** The JUPYTER_PATH entry holding `kernels/python3` and `kernels/deno`. */
  jupyterPath: string;
}

function venvPython(venv: string): string {
  return Deno.build.os === "windows"
    ? join(venv, "Scripts", "python.exe")
    : join(venv, "bin", "python");
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(
      `Cannot run "${cmd} ${args.join(" ")}": exit ${out.code}\n${text.slice(-4000)}`,
    );
  }
}

async function ensureVenv(venv: string, packages: readonly string[]): Promise<string> {
  const python = venvPython(venv);
  const stamp = join(venv, ".nbchain-stamp");
  const want = packages.join("\n");
  if (existsSync(python) && existsSync(stamp) && (await readFile(stamp, "utf8")) === want) {
    return python;
  }
  const base = Deno.env.get("NBCHAIN_PYTHON") ?? "python3";
  console.error(`provision: creating ${venv} with ${packages.join(" ")}`);
  if (!existsSync(python)) await run(base, ["-m", "venv", venv]);
  await run(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", ...packages]);
  await writeFile(stamp, want);
  return python;
}

async function writeSpec(dir: string, spec: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const text = JSON.stringify(spec, null, 2) + "\n";
  const file = join(dir, "kernel.json");
  if (existsSync(file) && (await readFile(file, "utf8")) === text) return;
  await writeFile(file, text);
}

/** Provisions the test venv (or the bench venv) and the kernelspecs. */
export async function provision(options: { bench?: boolean } = {}): Promise<Provisioned> {
  const python = options.bench
    ? await ensureVenv(join(ROOT, ".venv-bench"), BENCH_PACKAGES)
    : await ensureVenv(join(ROOT, ".venv"), TEST_PACKAGES);
  const jupyterPath = join(ROOT, options.bench ? ".jupyter-bench" : ".jupyter");
  await writeSpec(join(jupyterPath, "kernels", "python3"), {
    argv: [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    display_name: "Python 3 (ipykernel)",
    language: "python",
    metadata: { debugger: true },
  });
  await writeSpec(join(jupyterPath, "kernels", "deno"), {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  });
  return { python, jupyterPath };
}

if (import.meta.main) {
  const p = await provision({ bench: Deno.args.includes("--bench") });
  console.log(JSON.stringify(p));
}
