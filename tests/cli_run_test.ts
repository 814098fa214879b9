/**
 * The CLI as a subprocess against real kernels: bad pipeline files (exit 2, nothing run), a
 * failing task (partial notebook, skipped dependants, summary, exit 1), what people see
 * (timestamped lines, --log-output, summary table, --json), --fail-fast, --resume and --cache.
 * @module
 */
import assert from "node:assert/strict";
import {
  eventsOf,
  exists,
  FIXTURES,
  manifestOf,
  runCli,
  shown,
  task,
  tempDir,
  variable,
} from "./_orchestrate_helpers.ts";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunManifest } from "../mod.ts";

const PIPE = join(FIXTURES, "pipe");

Deno.test("cli: bad pipeline files are exit 2 naming file, task and key, with nothing run", async () => {
  const cases: [string, RegExp[]][] = [
    ["unknown_key.yaml", [/task "ingest"/, /key "upstream"/, /unknown key; did you mean "needs"/]],
    ["missing_notebook.yaml", [/task "ingest"/, /key "notebook"/, /nope\.py" does not exist/]],
    ["unknown_needs.yaml", [/task "train"/, /key "needs"/, /unknown task "ingset"/, /"ingest"/]],
    ["cycle.yaml", [/task "[abc]"/, /key "needs"/, /cycle ([abc]) -> [abc] -> [abc] -> \1\b/]],
    ["bad_inputs.yaml", [/task "train"/, /key "inputs\.rows"/, /expected "task\.variable"/]],
  ];
  await using tmp = await tempDir();
  for (const [file, patterns] of cases) {
    const out = join(tmp.path, file);
    const r = await runCli([join(FIXTURES, "bad", file), "-o", out]);
    assert.equal(r.code, 2, `${file}: ${shown(r)}`);
    const first = r.stderr.split("\n")[0]!;
    assert.match(first, new RegExp(`^error: .*${file.replace(".", "\\.")}:\\d+: `), first);
    for (const p of patterns) assert.match(r.stderr, p, `${file}: ${r.stderr}`);
    assert.equal(r.stdout, "", file);
    assert.equal(await exists(out), false, `${file}: no run directory`);
  }
  // A kernel that doesn't exist is found before any task runs (ingest, first, never started).
  const out = join(tmp.path, "unknown_kernel");
  const r = await runCli([join(FIXTURES, "bad", "unknown_kernel.yaml"), "-o", out]);
  assert.equal(r.code, 2, shown(r));
  assert.match(r.stderr.split("\n")[0]!, /^error: .*train\.py: .*"nosuchkernel".*"python3"/);
  assert.equal(await exists(out), false, "no run directory");
});

Deno.test("cli: a failure keeps the partial notebook, skips dependants, runs the rest, exit 1", async () => {
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const r = await runCli([join(PIPE, "fail.yaml"), "-o", out, "-j", "2", "--log-output"]);
  assert.equal(r.code, 1, shown(r));

  // Non-TTY: plain timestamped lines on stderr, kernel output prefixed with the task name.
  const lines = r.stderr.trimEnd().split("\n");
  for (const line of lines) assert.match(line, /^\[\d\d:\d\d:\d\d\] /, line);
  assert.ok(lines.some((l) => l.endsWith("] boom | before the error")), r.stderr);
  assert.ok(lines.some((l) => l.endsWith("] alone | hello!")), r.stderr);

  // The closing summary table on stdout: task, status, duration, error.
  const table = r.stdout.split("\n");
  assert.match(table[0]!, /^task\s+status\s+duration\s+error$/);
  const row = (id: string) => table.find((l) => l.startsWith(`${id} `)) ?? "";
  assert.match(row("boom"), /^boom\s+failed\s+\d+\.\d\ds\s+ValueError: boom on purpose$/);
  assert.match(row("after"), /^after\s+skipped\s+-\s+upstream task "boom" failed$/);
  assert.match(row("alone"), /^alone\s+ok\s+\d+\.\d\ds$/);
  assert.match(r.stdout, /^failed in /m);

  // run.json: every outcome, with the error.
  const m = await manifestOf(out);
  assert.equal(m.status, "failed");
  const boom = task(m, "boom");
  assert.equal(boom.status, "failed");
  assert.equal(boom.error?.ename, "ValueError");
  assert.equal(boom.error?.evalue, "boom on purpose");
  assert.match(boom.error?.message ?? "", /raise ValueError\("boom on purpose"\)/);
  assert.equal(variable(boom, "partial"), 1);
  assert.equal(task(m, "after").status, "skipped");
  assert.equal(task(m, "after").skipped_reason, 'upstream task "boom" failed');
  assert.equal(task(m, "alone").status, "ok");

  // The partial notebook: the first cell's output, the error, the last cell never run.
  const nb = JSON.parse(await readFile(join(out, boom.output), "utf8"));
  const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
  assert.match(JSON.stringify(code[0].outputs), /before the error/);
  assert.equal(code[1].outputs[0].output_type, "error");
  assert.equal(code[1].outputs[0].ename, "ValueError");
  assert.equal(code[2].execution_count, null);
  assert.deepEqual(code[2].outputs, []);
  assert.equal(await exists(join(out, "boom.html")), true);
  assert.equal(await exists(join(out, "after.ipynb")), false);
});

Deno.test("cli: --fail-fast stops starting tasks; --json prints only the manifest on stdout", async () => {
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const r = await runCli([join(PIPE, "fail.yaml"), "-o", out, "-j", "1", "--fail-fast", "--json"]);
  assert.equal(r.code, 1, shown(r));
  const printed = JSON.parse(r.stdout) as RunManifest;
  assert.deepEqual(printed, await manifestOf(out));
  assert.deepEqual(printed.tasks.map((t) => [t.id, t.status]), [
    ["boom", "failed"],
    ["after", "skipped"],
    ["alone", "skipped"],
  ]);
  assert.match(task(printed, "alone").skipped_reason ?? "", /--fail-fast/);
  assert.equal(await exists(join(out, "alone.ipynb")), false);
});

Deno.test("cli: --resume re-runs only the tasks that did not succeed", async () => {
  await using tmp = await tempDir("pipe");
  const out = join(tmp.path, "run");
  const file = join(tmp.path, "resume.yaml");
  const first = await runCli([file, "-o", out, "-q"]);
  assert.equal(first.code, 1, shown(first));
  const before = await manifestOf(out);
  assert.equal(task(before, "first").status, "ok");
  assert.equal(task(before, "second").status, "failed");
  const firstMtime = (await stat(join(out, "first.ipynb"))).mtimeMs;

  await writeFile(join(tmp.path, "fixed.flag"), "");
  const second = await runCli([file, "--resume", out, "-q"]);
  assert.equal(second.code, 0, shown(second));
  const after = await manifestOf(out);
  assert.equal(after.status, "ok");
  assert.deepEqual(task(after, "first"), task(before, "first"));
  assert.equal((await stat(join(out, "first.ipynb"))).mtimeMs, firstMtime);
  const fixed = task(after, "second");
  assert.equal(fixed.status, "ok");
  assert.equal(fixed.attempts, 1);
  assert.equal(fixed.parameters.rows, 20, "the kept task's variables still feed inputs");
  assert.equal(variable(fixed, "doubled"), 40);
  const starts = (await eventsOf(out)).filter((e) => e.event === "task-start");
  assert.deepEqual(starts.map((e) => e.task), ["first", "second", "second"]);
});

Deno.test("cli: --cache reuses unchanged tasks without kernels; a changed parameter or notebook re-runs", async () => {
  await using tmp = await tempDir("pipe");
  const file = join(tmp.path, "cache.yaml");
  const run = async (name: string, ...extra: string[]) => {
    const out = join(tmp.path, "runs", name);
    const r = await runCli([file, "--cache", "-o", out, "-j", "1", "-q", ...extra]);
    assert.equal(r.code, 0, shown(r));
    const m = await manifestOf(out);
    const kernels = (await eventsOf(out)).filter((e) => e.event === "kernel-ready");
    return { m, out, statuses: m.tasks.map((t) => t.status), kernels: kernels.length };
  };
  // Preparing only (no kernel) must not fill the cache with unexecuted notebooks.
  const prepared = await run("0", "--prepare-only");
  assert.deepEqual(prepared.statuses, ["ok", "ok"]);
  assert.equal(prepared.kernels, 0);
  const fresh = await run("1");
  assert.deepEqual(fresh.statuses, ["ok", "ok"]);
  assert.equal(fresh.kernels, 2);

  // Identical: both cached, no kernel started; --fail-fast doesn't mistake cached for failed.
  const again = await run("2", "--fail-fast");
  assert.deepEqual(again.statuses, ["cached", "cached"]);
  assert.equal(again.kernels, 0);
  assert.equal(again.m.status, "ok");
  assert.equal(variable(task(again.m, "c2"), "loss"), 1);
  assert.deepEqual(
    JSON.parse(await readFile(join(again.out, "c2.ipynb"), "utf8")).cells,
    JSON.parse(await readFile(join(fresh.out, "c2.ipynb"), "utf8")).cells,
  );

  // A changed parameter re-runs c1, and c2 too since its input changed.
  const param = await run("3", "-p", "n", "2");
  assert.deepEqual(param.statuses, ["ok", "ok"]);
  assert.equal(variable(task(param.m, "c2"), "loss"), 2);

  // A changed notebook re-runs that task only.
  await appendFile(join(tmp.path, "train.py"), "\n# changed\n");
  const edited = await run("4");
  assert.deepEqual(edited.statuses, ["cached", "ok"]);
  assert.equal(edited.kernels, 1);
});
