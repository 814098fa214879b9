/**
 * Notebook-level benchmarks: the nbchain CLI beside papermill (from the bench
 * venv, same kernelspec, same notebooks), both timed as whole processes
 * started from here.
 *
 * - a 3-cell notebook (parameters cell + 2 small compute cells), one `-p`;
 * - a 100-cell notebook of one-line statements;
 * - a sweep of the 3-cell notebook over 64 parameter sets (16 with `quick`):
 *   nbchain `-j 2` in one process, papermill once per set sequentially, and
 *   papermill in two parallel workers each running half the sets in turn.
 *
 * Every process started here carries a unique `NBCHAIN_BENCH_TAG` in its
 * environment, which kernels inherit; at the end any process still carrying it
 * is reported and killed by pid.
 * @module
 */
import { dirname, join } from "node:path";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { ROOT } from "./provision.ts";
import { median, row } from "./_bench_table.ts";

/** Options of {@linkcode benchNotebooks}. */
export interface BenchNotebooksOptions {
  /** The bench venv's python (papermill is beside it). */
  python: string;
  /** Fewer repetitions and a smaller sweep. */
  quick: boolean;
  /** JUPYTER_PATH with the bench kernelspecs; defaults to the environment's. */
  jupyterPath?: string;
}

/** What one timed process did. */
interface Timed {
  /** Wall time from spawn to exit, seconds. */
  seconds: number;
  /** Peak resident set of the process itself (VmHWM, KiB), 0 when not sampled. */
  hwmKib: number;
}

const CLI = join(ROOT, "cli.ts");

function notebook(sources: string[]): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
        language_info: { name: "python" },
      },
      cells: sources.map((source, i) => ({
        cell_type: "code",
        id: `cell-${i}`,
        metadata: i === 0 ? { tags: ["parameters"] } : {},
        execution_count: null,
        outputs: [],
        source,
      })),
    },
    null,
    1,
  ) + "\n";
}

/** The 3-cell notebook: parameters, then two small compute cells. */
const THREE_CELLS = notebook([
  "x = 0",
  "y = [i * x for i in range(1000)]",
  "total = sum(y)\nprint(total)",
]);

/** The 100-cell notebook: a parameters cell and 99 one-line statements. */
const HUNDRED_CELLS = notebook([
  "x = 0",
  ...Array.from({ length: 99 }, (_, i) => `x${i + 1} = ${i + 1} * 2`),
]);

async function readHwm(pid: number): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited, or no /proc
  }
}

class Bench {
  readonly tag: string = crypto.randomUUID();
  readonly #env: Record<string, string>;
  readonly #papermill: string;
  /** papermill runs that failed and were run again (e.g. "Kernel died before replying to kernel_info"). */
  peerFailures = 0;

  constructor(python: string, jupyterPath: string) {
    this.#env = { JUPYTER_PATH: jupyterPath, NBCHAIN_BENCH_TAG: this.tag, NO_COLOR: "1" };
    this.#papermill = join(dirname(python), "papermill");
  }

  /** Runs one process to its end; samples its VmHWM every 20 ms when `sample`. */
  async #timed(cmd: string, args: string[], sample = false): Promise<Timed> {
    const t0 = performance.now();
    const child = new Deno.Command(cmd, {
      args,
      env: this.#env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let hwmKib = 0;
    const timer = sample
      ? setInterval(() => {
        readHwm(child.pid).then((v) => hwmKib = Math.max(hwmKib, v));
      }, 20)
      : undefined;
    const out = await child.output();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    if (!out.success) {
      const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      throw new Error(
        `Cannot run benchmark command "${cmd} ${args.join(" ")}": exit ${out.code}\n${
          text.slice(-3000)
        }`,
      );
    }
    return { seconds, hwmKib };
  }

  /** nbchain, papermill form, one notebook with `-p x VALUE`. */
  nbchainOne(input: string, dir: string, value: number): Promise<Timed> {
    const args = ["run", "-A", CLI, "run", input, join(dir, "out.ipynb"), "-p", "x", String(value)];
    return this.#timed(Deno.execPath(), [...args, "-o", join(dir, "run"), "-q"]);
  }

  /** papermill, one notebook with `-p x VALUE`. */
  papermillOne(input: string, output: string, value: number, sample = false): Promise<Timed> {
    return this.#timed(this.#papermill, [input, output, "-p", "x", String(value)], sample);
  }

  /** nbchain, one process over a PARAMS file with `-j 2`. */
  nbchainSweep(input: string, params: string, dir: string): Promise<Timed> {
    const args = ["run", "-A", CLI, input, params, "-j", "2", "-o", dir, "-q"];
    return this.#timed(Deno.execPath(), args, true);
  }

  /** papermill once per value in turn; returns total wall time and the largest process VmHWM. */
  async papermillLoop(input: string, dir: string, values: number[]): Promise<Timed> {
    const t0 = performance.now();
    let hwmKib = 0;
    for (const v of values) {
      let t: Timed;
      try {
        t = await this.papermillOne(input, join(dir, `${v}.ipynb`), v, true);
      } catch {
        // As a user's loop would: run that set again; the failed attempt's time still counts.
        this.peerFailures++;
        t = await this.papermillOne(input, join(dir, `${v}.ipynb`), v, true);
      }
      hwmKib = Math.max(hwmKib, t.hwmKib);
    }
    return { seconds: (performance.now() - t0) / 1000, hwmKib };
  }

  /** Two papermill loops at once over the two halves of `values`. */
  async papermillParallel(input: string, dir: string, values: number[]): Promise<Timed> {
    const half = Math.ceil(values.length / 2);
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      this.papermillLoop(input, dir, values.slice(0, half)),
      this.papermillLoop(input, dir, values.slice(half)),
    ]);
    return { seconds: (performance.now() - t0) / 1000, hwmKib: Math.max(a.hwmKib, b.hwmKib) };
  }

  /** Pids of live processes carrying this bench's tag (Linux `/proc`; empty elsewhere). */
  async leftovers(): Promise<number[]> {
    const needle = `NBCHAIN_BENCH_TAG=${this.tag}`;
    const pids: number[] = [];
    let entries: string[];
    try {
      entries = await readdir("/proc");
    } catch {
      return pids;
    }
    for (const name of entries) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const environ = await readFile(`/proc/${name}/environ`, "latin1");
        if (environ.split("\0").includes(needle)) pids.push(Number(name));
      } catch { /* gone or not ours */ }
    }
    return pids;
  }
}

function progress(text: string): void {
  console.error(`bench: ${text}`);
}

/** Runs the notebook benchmarks; returns table rows. */
export async function benchNotebooks(options: BenchNotebooksOptions): Promise<string[]> {
  const jupyterPath = options.jupyterPath ?? Deno.env.get("JUPYTER_PATH");
  if (!jupyterPath) {
    throw new Error("Cannot run the notebook benchmarks: JUPYTER_PATH is not set");
  }
  const runs = options.quick ? 2 : 5;
  const sets = options.quick ? 16 : 64;
  const sweeps = options.quick ? 1 : 3;
  const bench = new Bench(options.python, jupyterPath);
  const tmp = await Deno.makeTempDir({ prefix: "nbchain-bench-" });
  const rows: string[] = [];
  try {
    const three = join(tmp, "three_cells.ipynb");
    const hundred = join(tmp, "hundred_cells.ipynb");
    await writeFile(three, THREE_CELLS);
    await writeFile(hundred, HUNDRED_CELLS);
    let n = 0;
    const fresh = async (): Promise<string> => {
      const dir = join(tmp, `r${n++}`);
      await mkdir(dir);
      return dir;
    };

    // Warm-up (not counted): module cache for deno, bytecode cache for python.
    progress("warm-up");
    await bench.nbchainOne(three, await fresh(), 1);
    await bench.papermillOne(three, join(await fresh(), "out.ipynb"), 1);

    for (
      const [label, input, target] of [
        ["3-cell notebook, process wall (median)", three, "<= 0.50 (papermill)"],
        ["100-cell notebook, process wall (median)", hundred, "<= 0.33 (papermill)"],
      ] as const
    ) {
      const ours: number[] = [];
      const peer: number[] = [];
      for (let i = 0; i < runs; i++) {
        progress(`${label}: run ${i + 1}/${runs}`);
        ours.push((await bench.nbchainOne(input, await fresh(), 1)).seconds);
        peer.push((await bench.papermillOne(input, join(await fresh(), "out.ipynb"), 1)).seconds);
      }
      rows.push(row(label, median(ours), median(peer), "s", target));
    }

    const values = Array.from({ length: sets }, (_, i) => i);
    const params = join(tmp, "params.json");
    await writeFile(params, JSON.stringify(values.map((x) => ({ x }))));
    const ours: Timed[] = [];
    const seq: Timed[] = [];
    const par: Timed[] = [];
    for (let i = 0; i < sweeps; i++) {
      const dirs = [await fresh(), await fresh(), await fresh()] as const;
      progress(`sweep of ${sets}: run ${i + 1}/${sweeps} (nbchain)`);
      ours.push(await bench.nbchainSweep(three, params, dirs[0]));
      const written = (await readdir(dirs[0])).filter((f) => f.endsWith(".ipynb")).length;
      if (written !== sets) {
        throw new Error(
          `Cannot trust the nbchain sweep: it wrote ${written} notebooks, not ${sets}`,
        );
      }
      progress(`sweep of ${sets}: run ${i + 1}/${sweeps} (papermill sequential)`);
      seq.push(await bench.papermillLoop(three, dirs[1], values));
      progress(`sweep of ${sets}: run ${i + 1}/${sweeps} (papermill 2 workers)`);
      par.push(await bench.papermillParallel(three, dirs[2], values));
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
    const oursS = median(ours.map((t) => t.seconds));
    rows.push(
      row(
        `sweep ${sets} sets -j 2 vs papermill seq`,
        oursS,
        median(seq.map((t) => t.seconds)),
        "s",
        "<= 0.25 (papermill, 1 at a time)",
      ),
      row(
        `sweep ${sets} sets -j 2 vs papermill x2`,
        oursS,
        median(par.map((t) => t.seconds)),
        "s",
        "<= 0.50 (papermill, 2 workers)",
      ),
    );
    const oursHwm = Math.max(...ours.map((t) => t.hwmKib));
    const peerHwm = Math.max(...seq.map((t) => t.hwmKib), ...par.map((t) => t.hwmKib));
    if (oursHwm > 0 && peerHwm > 0) {
      rows.push(
        row(
          "peak RSS, sweep driver process",
          oursHwm / 1024,
          peerHwm / 1024,
          "MiB",
          "info (1 papermill process; kernels excluded)",
        ),
      );
    }
    if (bench.peerFailures > 0) {
      rows.push(
        `note: ${bench.peerFailures} papermill run(s) failed in the sweep and were run again`,
      );
    }
  } finally {
    const left = await bench.leftovers();
    for (const pid of left) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* already gone */ }
    }
    if (left.length > 0) {
      rows.push(`warning: ${left.length} process(es) outlived the notebook bench, killed: ${left}`);
    }
    await rm(tmp, { recursive: true, force: true });
  }
  return rows;
}
