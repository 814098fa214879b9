/**
 * runNotebook against a real ipykernel: failure semantics and papermill's
 * metadata and banners, tags, sys.exit, input(), injection placement,
 * timeouts (interrupt, then kill), cancellation and progressive saving.
 * Every notebook written is validated with Python's nbformat, and every run
 * must leave no kernel process behind (checked by `run`).
 */
import assert from "node:assert/strict";
import { mkdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import {
  hasTag,
  type Notebook,
  NotebookSyntaxError,
  NotebookVersionError,
  runNotebook,
  sourceText,
  UsageError,
} from "../mod.ts";
import { assertValidNotebook, assertValidNotebooks } from "./_nbformat_validate.ts";
import {
  code,
  codeCells,
  loadNotebook,
  md,
  notebook,
  papermillOf,
  run,
  saveNotebook,
  streamOf,
  tempDir,
  valuesOf,
} from "./_run_notebook_helpers.ts";

const ERROR_TAG = "papermill-error-cell-tag";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/;
const NBCLIENT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

const withoutBanners = (nb: Notebook) => nb.cells.filter((c) => !hasTag(c, ERROR_TAG));
const cellWith = (nb: Notebook, source: string) => {
  const cell = nb.cells.find((c) => sourceText(c) === source);
  assert.ok(cell, `no cell with source ${JSON.stringify(source)}`);
  return cell;
};

Deno.test("a failing cell stops the run: banners, papermill and nbclient metadata, partial notebook, HTML", async () => {
  await using dir = await tempDir();
  const folder = join(dir.path, "sub");
  await mkdir(folder);
  const input = await saveNotebook(
    join(folder, "in.ipynb"),
    notebook([
      md("# Title"),
      code("x = 1", "parameters"),
      code("import os\ncwd = os.getcwd()\nprint('before')"),
      code("raise ValueError('boom')", "raises-exception"),
      code("print('skipped')", "skip-execution"),
      code("y = x + 1\ny"),
      code("1/0"),
      code("after = 1"),
    ]),
  );
  const output = join(dir.path, "out.ipynb");
  const html = join(dir.path, "out.html");
  const { result } = await run(input, { parameters: { x: 41 }, output, html });

  assert.equal(result.status, "failed");
  assert.equal(result.error?.ename, "ZeroDivisionError");
  assert.match(result.error?.message ?? "", /ZeroDivisionError: division by zero/);
  const nb = result.notebook;
  // error.cell indexes the output notebook, banners included (what a reader of the file sees).
  assert.equal(sourceText(nb.cells[result.error!.cell!]!), "1/0", "error.cell");

  // The injected cell follows the parameters cell, and its value was used.
  const plain = withoutBanners(nb);
  assert.ok(hasTag(plain[2]!, "injected-parameters"));
  assert.match(sourceText(plain[2]!), /^x = 41$/m);
  const values = valuesOf(result);
  assert.equal(values.get("x"), 41);
  assert.equal(values.get("y"), 42);
  assert.equal(values.get("cwd"), await realpath(folder), "default cwd: the notebook's folder");
  assert.equal(values.has("after"), false, "cells after the failure never ran");

  // raises-exception: the error is kept and the run goes on; skip-execution: not run.
  const raising = cellWith(nb, "raise ValueError('boom')");
  assert.ok(raising.cell_type === "code" && raising.outputs.some((o) => o.output_type === "error"));
  const skipped = cellWith(nb, "print('skipped')");
  assert.ok(skipped.cell_type === "code");
  assert.equal(skipped.execution_count, null);
  assert.deepEqual(skipped.outputs, []);

  // papermill's two banners: at the top and right before the failing cell.
  const failing = cellWith(nb, "1/0");
  assert.ok(failing.cell_type === "code");
  const at = nb.cells.indexOf(failing);
  const [top, here] = [nb.cells[0]!, nb.cells[at - 1]!];
  for (const banner of [top, here]) {
    assert.equal(banner.cell_type, "markdown");
    assert.ok(hasTag(banner, ERROR_TAG));
  }
  assert.match(
    sourceText(top),
    new RegExp(`An Exception was encountered at '<a href="#papermill-error-cell">In \\[${failing
      .execution_count!}\\]</a>'`),
  );
  assert.match(sourceText(here), /id="papermill-error-cell".*encountered an exception here/);
  assert.equal(nb.cells.filter((c) => hasTag(c, ERROR_TAG)).length, 2);

  // Cell metadata: completed / failed / pending, with times; nbclient timings.
  const after = cellWith(nb, "after = 1");
  assert.ok(after.cell_type === "code");
  assert.equal(after.execution_count, null);
  assert.equal(papermillOf(after).status, "pending");
  assert.equal(papermillOf(failing).status, "failed");
  assert.equal(papermillOf(failing).exception, true);
  assert.equal(papermillOf(cellWith(nb, "# Title")).status, "completed", "markdown cells too");
  for (const cell of codeCells(nb).filter((c) => c.execution_count !== null)) {
    const pm = papermillOf(cell);
    assert.match(String(pm.start_time), ISO);
    assert.match(String(pm.end_time), ISO);
    assert.equal(typeof pm.duration, "number");
    const timing = cell.metadata.execution as Record<string, string>;
    for (
      const key of [
        "iopub.status.busy",
        "iopub.execute_input",
        "shell.execute_reply",
        "iopub.status.idle",
      ]
    ) {
      assert.match(timing[key] ?? "", NBCLIENT_TIME, `${key} of cell ${sourceText(cell)}`);
    }
  }

  // Notebook metadata as papermill writes it.
  const pm = papermillOf(nb);
  assert.deepEqual(pm.parameters, { x: 41 });
  assert.equal(pm.input_path, input);
  assert.equal(pm.output_path, output);
  assert.match(String(pm.start_time), ISO);
  assert.match(String(pm.end_time), ISO);
  assert.equal(typeof pm.duration, "number");
  assert.equal(pm.exception, true);
  assert.equal(typeof pm.version, "string");

  // The partial notebook was saved as it is, and validates; the HTML is self-contained.
  const saved = await loadNotebook(output);
  assert.equal(saved.cells.length, nb.cells.length);
  assert.equal(
    streamOf(cellWith(saved, "import os\ncwd = os.getcwd()\nprint('before')")),
    "before\n",
  );
  await assertValidNotebook(output);
  const page = await Deno.readTextFile(html);
  assert.match(page, /ZeroDivisionError/);
  assert.match(page, /before/);
  assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href="?https?:/i);
});

Deno.test("sys.exit(0) ends the run as success; without parameters nothing is injected; input() fails clearly", async () => {
  await using dir = await tempDir();
  const output = join(dir.path, "exit.ipynb");
  const source = notebook([
    code("a = 1\na"),
    code("b = 2"),
    code("import sys\nsys.exit(0)"),
    code("c = 3"),
  ]);
  const [exited, asked] = await Promise.all([
    run(source, { output }),
    run(notebook([code("name = input('name? ')"), code("print('never')")]), { cellTimeout: 30 }),
  ]);

  const { result } = exited;
  assert.equal(result.status, "ok");
  assert.equal(result.error, null);
  assert.equal(result.notebook.cells.length, source.cells.length, "no cell added");
  assert.equal(result.notebook.cells.some((c) => hasTag(c, "injected-parameters")), false);
  assert.deepEqual(codeCells(result.notebook).map((c) => c.execution_count), [1, 2, 3, null]);
  assert.equal(papermillOf(result.notebook.cells[3]!).status, "pending");
  assert.deepEqual(papermillOf(result.notebook).parameters, {});
  assert.equal(papermillOf(result.notebook).exception, null);
  const values = valuesOf(result);
  assert.equal(values.get("a"), 1);
  assert.equal(values.get("b"), 2);
  assert.equal(values.has("c"), false);
  await assertValidNotebook(output);

  // input(): an error naming the missing stdin, not a hang (the cell timeout is never reached).
  assert.equal(asked.result.status, "failed");
  assert.equal(asked.result.error?.ename, "StdinNotImplementedError");
  assert.match(asked.result.error?.evalue ?? "", /input/);
  assert.equal(codeCells(asked.result.notebook)[1]!.execution_count, null);
});

Deno.test("injection: after a markdown parameters cell, above the first code cell, replacing an old injected cell; prepare-only runs nothing", async () => {
  await using dir = await tempDir();
  const out = (name: string) => join(dir.path, name);
  const prepare = (nb: Notebook, name: string, parameters: Record<string, unknown>) =>
    run(nb, { parameters, output: out(name), prepareOnly: true });

  const markdownParams = await prepare(
    notebook([md("intro"), md("`n`: how many", "parameters"), code("print(n)")]),
    "markdown.ipynb",
    { n: 3 },
  );
  const cells1 = markdownParams.result.notebook.cells;
  assert.deepEqual(cells1.map((c) => c.cell_type), ["markdown", "markdown", "code", "code"]);
  assert.ok(hasTag(cells1[2]!, "injected-parameters"));
  assert.equal(sourceText(cells1[2]!), "# Parameters\nn = 3\n");

  const noParamsCell = await prepare(
    notebook([md("a"), md("b"), code("print(n)"), code("m = 1")]),
    "above.ipynb",
    { n: "x" },
  );
  const cells2 = noParamsCell.result.notebook.cells;
  assert.ok(hasTag(cells2[2]!, "injected-parameters"), "right above the first code cell");
  assert.equal(sourceText(cells2[3]!), "print(n)");

  const rerun = notebook([
    md("banner", ERROR_TAG),
    code("n = 1", "parameters"),
    code("n = 2", "injected-parameters"),
    md("banner", ERROR_TAG),
    code("print(n)"),
  ]);
  const replaced = await prepare(rerun, "rerun.ipynb", { n: 9 });
  const cells3 = replaced.result.notebook.cells;
  assert.deepEqual(cells3.map(sourceText), ["n = 1", "# Parameters\nn = 9\n", "print(n)"]);

  // prepare-only: no kernel, nothing executed, the notebook written.
  for (const prepared of [markdownParams, noParamsCell, replaced]) {
    assert.equal(prepared.pid, undefined, "no kernel started");
    assert.equal(prepared.result.status, "ok");
    for (const cell of codeCells(prepared.result.notebook)) {
      assert.equal(cell.execution_count, null);
      assert.deepEqual(cell.outputs, []);
    }
  }
  await assertValidNotebooks(["markdown.ipynb", "above.ipynb", "rerun.ipynb"].map(out));
});

Deno.test("timeouts: a busy cell is interrupted, one that ignores SIGINT gets its kernel killed; both saved", async () => {
  await using dir = await tempDir();
  const interruptedOut = join(dir.path, "interrupted.ipynb");
  const killedOut = join(dir.path, "killed.ipynb");
  const [interrupted, killed] = await Promise.all([
    run(notebook([code("print('first')"), code("while True: pass"), code("z = 1")]), {
      cellTimeout: 1,
      output: interruptedOut,
    }),
    run(
      notebook([
        code("print('first')"),
        code(
          "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass",
        ),
        code("z = 1"),
      ]),
      { timeout: 3, output: killedOut },
    ),
  ]);
  for (
    const [{ result }, path, how, option] of [
      [interrupted, interruptedOut, /interrupted/, /--cell-timeout/],
      [killed, killedOut, /killing the kernel/, /--timeout/],
    ] as const
  ) {
    assert.equal(result.status, "timeout");
    assert.equal(result.error?.ename, "CellTimeoutError");
    assert.match(result.error?.evalue ?? "", how);
    assert.match(result.error?.evalue ?? "", option);
    const saved = await loadNotebook(path);
    const cells = codeCells(saved);
    assert.equal(streamOf(cells[0]), "first\n", "earlier outputs saved");
    const pm = papermillOf(cells[1]!);
    assert.equal(pm.status, "failed");
    assert.equal(pm.timed_out, true, "the running cell is marked");
    assert.ok(
      cells[1]!.outputs.some((o) => o.output_type === "error" && /timed out/.test(o.evalue)),
    );
    assert.equal(papermillOf(cells[2]!).status, "pending");
    assert.equal(cells[2]!.execution_count, null);
    assert.equal(papermillOf(saved).exception, true);
  }
  await assertValidNotebooks([interruptedOut, killedOut]);
});

Deno.test("aborting the signal mid-cell interrupts, saves the partial notebook and returns interrupted", async () => {
  await using dir = await tempDir();
  const output = join(dir.path, "aborted.ipynb");
  const controller = new AbortController();
  const { result } = await run(
    notebook([
      code("print('first')"),
      code("import time\nprint('looping', flush=True)\nwhile True: time.sleep(0.01)"),
      code("z = 1"),
    ]),
    {
      output,
      signal: controller.signal,
      onEvent: (e) => {
        // Abort once the loop is surely running: it has printed.
        if (e.type === "output" && e.cell === 1) controller.abort();
      },
    },
  );
  assert.equal(result.status, "interrupted");
  assert.equal(result.error?.ename, "Interrupted");
  const saved = await loadNotebook(output);
  assert.equal(streamOf(codeCells(saved)[0]), "first\n");
  const busy = codeCells(saved)[1]!;
  assert.notEqual(papermillOf(busy).status, "completed");
  assert.ok(
    busy.outputs.some((o) => o.output_type === "error" && o.ename === "KeyboardInterrupt"),
    `the cell was interrupted, not just killed: ${JSON.stringify(busy.outputs)}`,
  );
  assert.equal(codeCells(saved)[2]!.execution_count, null);
  await assertValidNotebook(output);
});

Deno.test("bad input is rejected before any kernel starts: invalid JSON, nbformat 3, unknown kernel, unexpressible parameter", async () => {
  const data = new URL("../testdata/run/", import.meta.url).pathname;
  const started: unknown[] = [];
  const onEvent = (e: unknown) => started.push(e);
  const badJson = `${data}bad_json.ipynb`;
  await assert.rejects(runNotebook(badJson, { onEvent }), (e: unknown) => {
    assert.ok(e instanceof NotebookSyntaxError, String(e));
    assert.deepEqual([e.path, e.line, e.column], [badJson, 2, 12]);
    return true;
  });
  await assert.rejects(runNotebook(`${data}nbformat3.ipynb`, { onEvent }), (e: unknown) => {
    assert.ok(e instanceof NotebookVersionError, String(e));
    assert.equal(e.nbformat, 3);
    return true;
  });
  const unknown = `${data}unknown_kernel.ipynb`;
  await assert.rejects(runNotebook(unknown, { onEvent }), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.ok(e.message.startsWith(`error: ${unknown}: `), e.message);
    assert.match(e.message, /"no-such-kernel".*available kernels: "deno", "python3"/);
    return true;
  });
  await assert.rejects(
    runNotebook(notebook([code("x = 1", "parameters")]), {
      parameters: { x: new Date(0) },
      onEvent,
    }),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, /x.*Date/);
      return true;
    },
  );
  assert.deepEqual(started, [], "nothing ran");
});

Deno.test("re-running a failed output without parameters removes its old error banners, as papermill does", async () => {
  await using dir = await tempDir();
  const input = await saveNotebook(
    join(dir.path, "in.ipynb"),
    notebook([code("flag = 1"), code("1/0")]),
  );
  const first = join(dir.path, "first.ipynb");
  const failed = await run(input, { output: first });
  assert.equal(failed.result.status, "failed");
  assert.equal(failed.result.notebook.cells.filter((c) => hasTag(c, ERROR_TAG)).length, 2);
  // The failed output, fixed by hand, run again with no parameters at all.
  const fixed = await loadNotebook(first);
  const bad = codeCells(fixed).find((c) => sourceText(c) === "1/0")!;
  bad.source = "2/1";
  await saveNotebook(first, fixed);
  const again = await run(first, { output: join(dir.path, "second.ipynb") });
  assert.equal(again.result.status, "ok");
  assert.deepEqual(again.result.notebook.cells.filter((c) => hasTag(c, ERROR_TAG)), []);
  assert.equal(codeCells(again.result.notebook).length, 2);
});
