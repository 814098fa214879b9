/**
 * Ctrl-C: SIGINT to the CLI while a cell runs ends the run with exit code 130, status
 * "interrupted", the partial notebook saved, the pending task skipped, and no kernel left.
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { RunManifest } from "../mod.ts";
import { groupMembers, processAlive, waitFor } from "./_helpers.ts";

const ROOT = resolve(import.meta.dirname!, "..");
const PIPE = join(ROOT, "testdata", "orchestrate", "pipe");

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** The CLI as a running subprocess, its stderr collected as it comes. */
class Cli implements AsyncDisposable {
  readonly dir: string;
  readonly out: string;
  #child: Deno.ChildProcess;
  #stderr = "";
  #reading: Promise<void>;
  #stdout: Promise<string>;
  #exited = false;
  #connectionDirs = new Set<string>();
  /** Kernel pids seen, killed (with their groups) on dispose if still alive. */
  readonly pids = new Set<number>();

  private constructor(dir: string, pipeline: string, args: string[]) {
    this.dir = dir;
    this.out = join(dir, "run");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "cli.ts"), join(PIPE, pipeline), "-o", this.out, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.#child = child;
    this.#reading = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr += chunk;
      }
    })();
    this.#stdout = new Response(child.stdout).text();
  }

  static async start(pipeline: string, ...args: string[]): Promise<Cli> {
    return new Cli(await mkdtemp(join(tmpdir(), "nbchain-interrupt-test-")), pipeline, args);
  }

  get stderr(): string {
    return this.#stderr;
  }

  events(): { event: string; task?: string; pid?: number; step?: number }[] {
    return readText(join(this.out, "events.jsonl")).split("\n").filter((l) => l !== "")
      .map((l) => JSON.parse(l));
  }

  /** Waits for a `TASK | kernel pid N` line and returns N. */
  async printedPid(task: string): Promise<number> {
    const re = new RegExp(`${task} \\| kernel pid (\\d+)`);
    await waitFor(() => re.test(this.#stderr), 30_000, `the kernel pid line of ${task}`);
    const pid = Number(re.exec(this.#stderr)![1]);
    this.pids.add(pid);
    return pid;
  }

  /** The pid of the kernel-ready event of `task` (the kernel's process group). */
  kernelPid(task: string): number {
    const pid = this.events().find((e) => e.event === "kernel-ready" && e.task === task)?.pid;
    assert.ok(pid !== undefined && pid > 0, "the kernel-ready event has the kernel's pid");
    this.pids.add(pid);
    // The kernel's connection-file folder, removed on dispose: a forced exit (second Ctrl-C)
    // can't clean it up itself.
    const argv = readText(`/proc/${pid}/cmdline`).split("\0");
    const file = argv[argv.indexOf("-f") + 1];
    if (argv.includes("-f") && file) this.#connectionDirs.add(dirname(file));
    return pid;
  }

  signal(): void {
    this.#child.kill("SIGINT");
  }

  async exit(): Promise<{ code: number; stdout: string; stderr: string }> {
    const status = await this.#child.status;
    this.#exited = true;
    await this.#reading;
    return { code: status.code, stdout: await this.#stdout, stderr: this.#stderr };
  }

  async manifest(): Promise<RunManifest> {
    return JSON.parse(await readFile(join(this.out, "run.json"), "utf8"));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#exited) {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* already gone */ }
      await this.#child.status;
      await this.#reading.catch(() => {});
      await this.#stdout.catch(() => "");
    }
    for (const pid of this.pids) {
      if (!processAlive(pid)) continue;
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
    }
    for (const dir of [this.dir, ...this.#connectionDirs]) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Asserts that no kernel process of these pids (or their process groups) is left. */
function assertNoKernel(pids: Iterable<number>): void {
  for (const pid of pids) {
    assert.equal(processAlive(pid), false, `kernel ${pid} still alive`);
    assert.deepEqual(groupMembers(pid), [], `processes left in group ${pid}`);
  }
}

Deno.test("cli: Ctrl-C stops the kernels, saves the partial notebook and exits 130", async () => {
  await using cli = await Cli.start("interrupt.yaml", "--log-output");
  // The first task started, printed its kernel's pid, and is inside the long cell.
  const pythonPid = await cli.printedPid("long");
  await waitFor(
    () => cli.events().some((e) => e.event === "cell-start" && e.task === "long" && e.step === 2),
    30_000,
    "the long cell to start",
  );
  const kernelPid = cli.kernelPid("long");
  assert.ok(processAlive(pythonPid), "the kernel runs before Ctrl-C");

  cli.signal();
  const r = await cli.exit();
  assert.equal(r.code, 130, `stderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
  assert.match(r.stderr, /interrupted: stopping kernels/);
  assert.match(r.stdout, /^long\s+interrupted\b/m);
  // No kernel left: neither the pid the notebook printed nor anything in the kernel's group.
  assertNoKernel([pythonPid, kernelPid]);

  const manifest = await cli.manifest();
  assert.equal(manifest.status, "interrupted");
  const [long, later] = manifest.tasks;
  assert.equal(long?.status, "interrupted");
  assert.equal(long?.error?.ename, "Interrupted");
  assert.equal(later?.status, "skipped");
  assert.match(later?.skipped_reason ?? "", /interrupted/);

  // The partial notebook: the first cell's output is kept, the long cell marked as failed.
  const nb = JSON.parse(await readFile(join(cli.out, "long.ipynb"), "utf8"));
  const [first, second] = nb.cells;
  assert.match(JSON.stringify(first.outputs), new RegExp(`kernel pid ${pythonPid}`));
  assert.equal(second.metadata.papermill.exception, true);
  assert.equal(nb.metadata.papermill.exception, true);
});

Deno.test("cli: a second Ctrl-C exits at once and still leaves no kernel", async () => {
  await using cli = await Cli.start("stubborn.yaml", "--log-output");
  const pythonPid = await cli.printedPid("stubborn");
  const kernelPid = cli.kernelPid("stubborn");
  cli.signal();
  // The kernel ignores the interrupt; force while nbchain waits for it.
  await waitFor(() => cli.stderr.includes("Ctrl-C again to force"), 30_000, "the first Ctrl-C");
  cli.signal();
  const r = await cli.exit();
  assert.equal(r.code, 130, `stderr:\n${r.stderr}`);
  assertNoKernel([pythonPid, kernelPid]);
});

Deno.test("cli: Ctrl-C during a retry's backoff makes no further attempt", async () => {
  await using cli = await Cli.start("retry_forever.yaml");
  await waitFor(() => /retry hopeless in/.test(cli.stderr), 30_000, "the first retry");
  cli.kernelPid("hopeless");
  cli.signal();
  const r = await cli.exit();
  assert.equal(r.code, 130, `stderr:\n${r.stderr}`);
  const manifest = await cli.manifest();
  assert.equal(manifest.status, "interrupted");
  const [hopeless] = manifest.tasks;
  assert.equal(hopeless?.attempts, 1);
  assert.equal(hopeless?.status, "failed");
  assert.equal(hopeless?.error?.evalue, "always fails");
  assertNoKernel(cli.pids);
});
