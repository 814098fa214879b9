/**
 * Jupyter data directories in jupyter_core's order, as a pure function of an
 * environment record, an OS and a home directory, plus a small impure wrapper
 * that reads them from the running process.
 * @module
 */

import { homedir } from "node:os";
import { posix, win32 } from "node:path";

/** A directory searched for kernelspecs, with the reason it is searched. */
export interface SearchDir {
  /** Absolute path of a `kernels` directory. */
  path: string;
  /** Which search location it comes from, e.g. `"JUPYTER_PATH"`, `"user"`, `"env (VIRTUAL_ENV)"`. */
  source: string;
}

/** Inputs of {@linkcode kernelSearchDirs}. */
export interface JupyterPathsInput {
  /** Environment variables. */
  env: Readonly<Record<string, string>>;
  /** Operating system, as in `Deno.build.os`. */
  os: typeof Deno.build.os;
  /** Home directory of the user. */
  home: string;
  /** Absolute path of the `python3` found on `PATH`, if any; its prefix is an env location. */
  python3OnPath?: string | undefined;
}

/** Values jupyter_core's `envset` reads as false. */
const FALSY = new Set(["no", "n", "false", "off", "0", "0.0"]);

/** Whether a variable is set to a true value, with jupyter_core's `envset` semantics. */
function envset(env: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const value = env[name];
  return value === undefined ? undefined : !FALSY.has(value.toLowerCase());
}

/** The prefix of an executable in `<prefix>/bin/python3` (or `<prefix>\python.exe` on Windows). */
export function prefixOfExecutable(executable: string, os: typeof Deno.build.os): string {
  const path = os === "windows" ? win32 : posix;
  const dir = path.dirname(executable);
  if (os === "windows") {
    return path.basename(dir).toLowerCase() === "scripts" ? path.dirname(dir) : dir;
  }
  return path.dirname(dir);
}

/**
 * Whether env locations go before the user location: `JUPYTER_PREFER_ENV_PATH`
 * when set, else true inside a virtualenv or a non-base conda env (jupyter_core's default).
 */
function preferEnv(env: Readonly<Record<string, string>>): boolean {
  const explicit = envset(env, "JUPYTER_PREFER_ENV_PATH");
  if (explicit !== undefined) return explicit;
  if (env.VIRTUAL_ENV) return true;
  return Boolean(env.CONDA_PREFIX) && (env.CONDA_DEFAULT_ENV ?? "base") !== "base";
}

/**
 * Kernelspec search directories, highest priority first, without duplicates:
 * `$JUPYTER_PATH` entries, user data dir, env prefixes (`$VIRTUAL_ENV`,
 * `$CONDA_PREFIX`, the prefix of `python3` on `PATH`), system dirs, then
 * `~/.ipython/kernels`. Env dirs come before the user dir when
 * `JUPYTER_PREFER_ENV_PATH` is true (or, unset, inside a venv or non-base conda env).
 */
export function kernelSearchDirs(input: JupyterPathsInput): SearchDir[] {
  const { env, os, home } = input;
  const path = os === "windows" ? win32 : posix;
  const dataDirs: SearchDir[] = [];

  for (const entry of (env.JUPYTER_PATH ?? "").split(path.delimiter)) {
    if (entry !== "") dataDirs.push({ path: entry, source: "JUPYTER_PATH" });
  }

  let userDir: string;
  if (env.JUPYTER_DATA_DIR) userDir = env.JUPYTER_DATA_DIR;
  else if (os === "darwin") userDir = path.join(home, "Library", "Jupyter");
  else if (os === "windows") {
    userDir = env.APPDATA ? path.join(env.APPDATA, "jupyter") : path.join(home, ".jupyter", "data");
  } else {
    userDir = path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
  }
  const user: SearchDir = { path: userDir, source: "user" };

  const envDirs: SearchDir[] = [];
  if (env.VIRTUAL_ENV) {
    envDirs.push({
      path: path.join(env.VIRTUAL_ENV, "share", "jupyter"),
      source: "env (VIRTUAL_ENV)",
    });
  }
  if (env.CONDA_PREFIX) {
    envDirs.push({
      path: path.join(env.CONDA_PREFIX, "share", "jupyter"),
      source: "env (CONDA_PREFIX)",
    });
  }
  if (input.python3OnPath) {
    const prefix = prefixOfExecutable(input.python3OnPath, os);
    envDirs.push({ path: path.join(prefix, "share", "jupyter"), source: "env (python3 on PATH)" });
  }

  if (preferEnv(env)) dataDirs.push(...envDirs, user);
  else dataDirs.push(user, ...envDirs);

  if (os === "windows") {
    if (env.PROGRAMDATA && envset(env, "JUPYTER_USE_PROGRAMDATA")) {
      dataDirs.push({ path: path.join(env.PROGRAMDATA, "jupyter"), source: "system" });
    }
  } else {
    dataDirs.push({ path: "/usr/local/share/jupyter", source: "system" });
    dataDirs.push({ path: "/usr/share/jupyter", source: "system" });
  }

  const dirs = dataDirs.map((d) => ({ path: path.join(d.path, "kernels"), source: d.source }));
  dirs.push({ path: path.join(home, ".ipython", "kernels"), source: "ipython" });

  const seen = new Set<string>();
  return dirs.filter((d) => {
    const key = path.normalize(d.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The home directory named by `env` (`HOME`, or `USERPROFILE` on Windows), else the OS's. */
export function homeOf(env: Readonly<Record<string, string>>, os: typeof Deno.build.os): string {
  return (os === "windows" ? env.USERPROFILE : env.HOME) || homedir();
}

/** Finds an executable on the `PATH` of `env`; undefined when absent. */
export async function whichExecutable(
  name: string,
  env: Readonly<Record<string, string>>,
  os: typeof Deno.build.os = Deno.build.os,
): Promise<string | undefined> {
  const path = os === "windows" ? win32 : posix;
  const names = os === "windows" ? [`${name}.exe`, name] : [name];
  for (const dir of (env.PATH ?? env.Path ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    for (const candidate of names) {
      const full = path.resolve(dir, candidate);
      try {
        const info = await Deno.stat(full);
        if (info.isFile && (os === "windows" || ((info.mode ?? 0) & 0o111) !== 0)) return full;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined;
}

/** {@linkcode kernelSearchDirs} for an env record (default: this process's), on this OS. */
export async function currentKernelSearchDirs(
  env: Readonly<Record<string, string>> = Deno.env.toObject(),
): Promise<SearchDir[]> {
  const os = Deno.build.os;
  return kernelSearchDirs({
    env,
    os,
    home: homeOf(env, os),
    python3OnPath: await whichExecutable("python3", env, os),
  });
}
