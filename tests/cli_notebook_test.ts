/**
 * `nbchain run IN OUT` as papermill's CLI, against real kernels: clear
 * errors for bad input (exit 2), percent scripts run as notebooks, parameter
 * options and their precedence, --cwd, --kernel, --log-output,
 * --report-mode, --prepare-only, --json, run directory artifacts, timeouts
 * and exit codes. Independent runs go in parallel to keep the file fast.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { hasTag, type Notebook, sourceText } from "../nbformat/mod.ts";
import { assertValidNotebooks } from "./_nbformat_validate.ts";
import { cli, codeCells, loadNotebook, ROOT, streamOf, tempDir } from "./_run_notebook_helpers.ts";

const DATA = join(ROOT, "testdata", "run");
const fixture = (name: string) => join(DATA, name);

interface TaskJson {
  id: string;
  status: string;
  kernel: string;
  output: string;
  html: string;
  error: { ename: string; evalue: string; message: string } | null;
  variables: { name: string; value: unknown }[];
}
interface ManifestJson {
  status: string;
  tasks: TaskJson[];
}

const manifestOf = async (dir: string) =>
  JSON.parse(await Deno.readTextFile(join(dir, "run.json"))) as ManifestJson;
const variablesOf = (task: TaskJson | undefined) =>
  new Map((task?.variables ?? []).map((v) => [v.name, v.value]));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("bad input exits 2 with a one-line `error: <file>: ...` first, and runs nothing", async () => {
  await using dir = await tempDir();
  const cases = [
    { file: fixture("bad_json.ipynb"), what: /invalid JSON.*line 2, column 12/ },
    { file: fixture("nbformat3.ipynb"), what: /nbformat 3/ },
    {
      file: fixture("unknown_kernel.ipynb"),
      what: /"no-such-kernel".*"deno".*"python3"/, // lists the kernels found
    },
  ];
  const runs = await Promise.all(cases.map((c, i) =>
    cli([
      "run",
      c.file,
      join(dir.path, `out${i}.ipynb`),
      "-o",
      join(dir.path, `run${i}`),
      "-q",
    ])
  ));
  // Every problem of every case at once, so one failure shows the whole picture.
  const problems: string[] = [];
  for (const [i, { file, what }] of cases.entries()) {
    const { code, stderr } = runs[i]!;
    const first = stderr.split("\n")[0]!;
    if (code !== 2) problems.push(`${file}: exit code ${code}, expected 2`);
    if (!first.startsWith(`error: ${file}: `)) {
      problems.push(`${file}: first line does not start with "error: <file>: ": ${first}`);
    }
    if (!what.test(first)) problems.push(`${file}: first line does not match ${what}: ${first}`);
    if (await exists(join(dir.path, `out${i}.ipynb`))) problems.push(`${file}: output written`);
  }
  assert.deepEqual(problems, []);
});

Deno.test("papermill form on a .py percent script: -p/-r/-f/-y with papermill precedence, --log-output, --report-mode, --json, default cwd, HTML", async () => {
  await using dir = await tempDir();
  const folder = join(dir.path, "notebooks");
  await mkdir(folder);
  const input = join(folder, "params.py");
  await copyFile(fixture("params.py"), input);
  const paramsFile = join(dir.path, "params.yaml");
  await Deno.writeTextFile(paramsFile, "from_file: {a: 1}\nover: file\nr: 7\n");
  const out = join(dir.path, "out.ipynb");
  const runDir = join(dir.path, "run");
  // Options of every kind are given out of papermill's merge order (-f, -y, -p, -r).
  const { code, stdout, stderr } = await cli([
    "run",
    input,
    out,
    "-r",
    "r",
    "1",
    "-p",
    "over",
    "p",
    "-p",
    "r",
    "5",
    "-y",
    "{from_yaml: [1, 2], over: yaml}",
    "-f",
    paramsFile,
    "-p",
    "i",
    "3",
    "-p",
    "f",
    "1.5",
    "-p",
    "b",
    "true",
    "-p",
    "n",
    "null",
    "-p",
    "s",
    "hello",
    "-p",
    "q",
    "'7'",
    "-o",
    runDir,
    "--log-output",
    "--report-mode",
    "--json",
  ], { cwd: dir.path });
  assert.equal(code, 0, stderr);

  // --json: the manifest on stdout, with the variables; run.json says the same.
  const printed = JSON.parse(stdout) as ManifestJson;
  const task = printed.tasks[0];
  assert.equal(printed.status, "ok");
  assert.deepEqual((await manifestOf(runDir)).tasks[0]?.variables, task?.variables);
  const values = variablesOf(task);
  const expected: Record<string, unknown> = {
    i: 3,
    f: 1.5,
    b: true,
    n: null,
    s: "hello",
    q: "7",
    r: "1",
    from_file: { a: 1 },
    from_yaml: [1, 2],
    over: "p",
    total: 4.5,
    cwd: await realpath(folder),
  };
  for (const [name, value] of Object.entries(expected)) {
    assert.deepEqual(values.get(name), value, `variable ${name}`);
  }

  // --log-output: kernel output on stderr with the task name.
  assert.match(stderr, new RegExp(`${task!.id}.*log line 3`));

  // The output is an .ipynb with the injected cell, inputs hidden, valid for nbformat.
  const nb = await loadNotebook(out);
  const injected = nb.cells.find((c) => hasTag(c, "injected-parameters"));
  assert.ok(injected, "injected cell");
  assert.match(sourceText(injected), /^i = 3$/m);
  for (const cell of codeCells(nb)) {
    assert.equal((cell.metadata.jupyter as { source_hidden?: boolean })?.source_hidden, true);
  }
  assert.equal(streamOf(codeCells(nb).at(-1)), "log line 3\n");
  await assertValidNotebooks([out, join(runDir, task!.output)]);

  // HTML next to the task's notebook in the run directory, self-contained.
  const html = await Deno.readTextFile(join(runDir, task!.html));
  assert.match(html, /log line 3/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="?https?:/i);
});

Deno.test("a .ts percent script on the Deno kernel with --cwd; --kernel overrides the notebook's; --prepare-only executes nothing", async () => {
  await using dir = await tempDir();
  const elsewhere = join(dir.path, "elsewhere");
  await mkdir(elsewhere);
  const out = (name: string) => join(dir.path, name);
  const [ts, kernel, prepared] = await Promise.all([
    cli([
      "run",
      fixture("hello.ts"),
      out("hello.ipynb"),
      "-p",
      "who",
      "nbchain",
      "--cwd",
      elsewhere,
      "-o",
      out("run-ts"),
      "--json",
    ]),
    cli([
      "run",
      fixture("unknown_kernel.ipynb"),
      out("kernel.ipynb"),
      "--kernel",
      "python3",
      "-o",
      out("run-kernel"),
      "--json",
    ]),
    cli([
      "run",
      fixture("params.py"),
      out("prepared.ipynb"),
      "-p",
      "i",
      "9",
      "--prepare-only",
      "-o",
      out("run-prepared"),
      "-q",
    ]),
  ]);

  assert.equal(ts.code, 0, ts.stderr);
  const tsTask = (JSON.parse(ts.stdout) as ManifestJson).tasks[0];
  assert.equal(tsTask?.kernel, "deno");
  const tsValues = variablesOf(tsTask);
  assert.equal(tsValues.get("greeting"), "hello nbchain");
  assert.equal(tsValues.get("cwd"), await realpath(elsewhere));
  const hello = await loadNotebook(out("hello.ipynb"));
  assert.equal(hello.metadata.kernelspec?.name, "deno");
  assert.equal(streamOf(codeCells(hello).at(-1)), "hello nbchain\n");

  assert.equal(kernel.code, 0, kernel.stderr);
  const kernelTask = (JSON.parse(kernel.stdout) as ManifestJson).tasks[0];
  assert.equal(kernelTask?.kernel, "python3");
  assert.equal(variablesOf(kernelTask).get("result"), 1);

  assert.equal(prepared.code, 0, prepared.stderr);
  const nb: Notebook = await loadNotebook(out("prepared.ipynb"));
  const injected = nb.cells.find((c) => hasTag(c, "injected-parameters"));
  assert.match(sourceText(injected!), /^i = 9$/m);
  for (const cell of codeCells(nb)) {
    assert.equal(cell.execution_count, null, "not executed");
    assert.deepEqual(cell.outputs, []);
  }
  await assertValidNotebooks(["hello.ipynb", "kernel.ipynb", "prepared.ipynb"].map(out));
});

Deno.test("exit codes: 1 for a failed cell, 0 with --allow-errors, 1 for --cell-timeout, --timeout and a too short --start-timeout", async () => {
  await using dir = await tempDir();
  const out = (name: string) => join(dir.path, name);
  const nbchain = (name: string, input: string, ...options: string[]) =>
    cli(["run", fixture(input), out(`${name}.ipynb`), "-o", out(name), "-q", ...options]);
  const [failed, allowed, cellTimeout, timeout, startTimeout] = await Promise.all([
    nbchain("failed", "fails.py"),
    nbchain("allowed", "fails.py", "--allow-errors"),
    nbchain("cell", "slow.py", "--cell-timeout", "1"),
    nbchain("whole", "slow.py", "--timeout", "3"),
    nbchain("start", "fails.py", "--start-timeout", "0.001"),
  ]);

  assert.equal(failed.code, 1, failed.stderr);
  const failedTask = (await manifestOf(out("failed"))).tasks[0]!;
  assert.equal(failedTask.status, "failed");
  assert.equal(failedTask.error?.ename, "ValueError");
  const partial = await loadNotebook(out("failed.ipynb"));
  assert.equal(partial.cells.filter((c) => hasTag(c, "papermill-error-cell-tag")).length, 2);
  assert.equal(streamOf(codeCells(partial)[0]), "before\n");
  assert.equal(codeCells(partial)[2]!.execution_count, null);

  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(streamOf(codeCells(await loadNotebook(out("allowed.ipynb")))[2]), "after\n");

  for (
    const [run, name, option] of [[cellTimeout, "cell", "--cell-timeout"], [
      timeout,
      "whole",
      "--timeout",
    ]] as const
  ) {
    assert.equal(run.code, 1, run.stderr);
    const task = (await manifestOf(out(name))).tasks[0]!;
    assert.equal(task.status, "timeout");
    assert.match(task.error?.evalue ?? "", new RegExp(option));
    const saved = await loadNotebook(out(`${name}.ipynb`));
    assert.equal(streamOf(codeCells(saved)[0]), "started\n", "saved with what ran");
  }

  assert.equal(startTimeout.code, 1, startTimeout.stderr);
  const startTask = (await manifestOf(out("start"))).tasks[0]!;
  assert.equal(startTask.status, "failed");
  assert.match(startTask.error?.evalue ?? "", /start/i);

  await assertValidNotebooks(
    ["failed", "allowed", "cell", "whole"].map((name) => out(`${name}.ipynb`)),
  );
});
