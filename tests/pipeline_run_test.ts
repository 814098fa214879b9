/**
 * Pipelines through the library (`runPipeline` from mod.ts) against real kernels: needs, inputs,
 * matrix and run-time foreach fan-out, fan-in lists in instance order, per-task parameters, a
 * Deno task, timeout, retries, cwd; the run directory's files; `jobs` bounding kernels; the
 * bundled example pipeline.
 * @module
 */
import assert from "node:assert/strict";
import { exists, FIXTURES, ROOT, task, tempDir, variable } from "./_orchestrate_helpers.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunEvent, type RunManifest, runPipeline, type TaskRecord } from "../mod.ts";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

Deno.test("runPipeline: needs, inputs, matrix, foreach, fan-in, deno, cwd, retries, timeout", async (t) => {
  await using tmp = await tempDir("pipe");
  const dir = join(tmp.path, "run");
  const events: RunEvent[] = [];
  const manifest = await runPipeline(join(tmp.path, "main.yaml"), {
    dir,
    jobs: 2,
    retryDelay: 10,
    onEvent: (e) => events.push(e),
  });

  await t.step("statuses: only the timed-out task is not ok, and the run failed", () => {
    const notOk = manifest.tasks.filter((r) => r.status !== "ok").map((r) => [r.id, r.status]);
    assert.deepEqual(notOk, [["slowpoke", "timeout"]]);
    assert.equal(manifest.status, "failed");
  });

  await t.step("per-task and pipeline parameters; inputs from upstream variables", () => {
    const ingest = task(manifest, "ingest");
    assert.deepEqual(ingest.parameters, { greeting: "hi", n: 3 });
    assert.equal(variable(ingest, "message"), "hi!");
    for (const [id, lr] of [["train[lr=0.5]", 0.5], ["train[lr=0.1]", 0.1]] as const) {
      const r = task(manifest, id);
      assert.deepEqual(r.parameters, { greeting: "hi", lr, rows: 30 });
      assert.deepEqual(r.needs, ["ingest"]);
    }
  });

  await t.step("foreach fans out at run time over the list ingest produced", () => {
    const ids = manifest.tasks.map((r) => r.id).filter((id) => id.startsWith("score"));
    assert.deepEqual(ids, ["score[0]", "score[1]", "score[2]"]);
    assert.deepEqual(ids.map((id) => task(manifest, id).parameters.file), ["f0", "f1", "f2"]);
    assert.deepEqual(ids.map((id) => task(manifest, id).output), [
      "score-0.ipynb",
      "score-1.ipynb",
      "score-2.ipynb",
    ]);
    const expand = events.find((e) => e.type === "task-expand");
    assert.deepEqual(expand?.type === "task-expand" && expand.instances, ids);
  });

  await t.step("fan-in: values of fanned-out tasks arrive as lists in instance order", () => {
    const summary = task(manifest, "summary");
    assert.deepEqual(summary.parameters.losses, [15, 3]);
    assert.deepEqual(summary.parameters.rates, [0.5, 0.1]);
    assert.deepEqual(summary.parameters.labels, ["F0", "F1", "F2"]);
    assert.deepEqual([...summary.needs].sort(), [
      "score[0]",
      "score[1]",
      "score[2]",
      "train[lr=0.1]",
      "train[lr=0.5]",
    ]);
    assert.equal(variable(summary, "total"), 21);
  });

  await t.step("a deno task receives a python task's value", () => {
    const report = task(manifest, "report");
    assert.equal(report.kernel, "deno");
    assert.deepEqual(report.parameters, { greeting: "hi", total: 21 });
    assert.equal(variable(report, "headline"), "total 21");
  });

  await t.step("cwd is relative to the pipeline file", () => {
    const where = task(manifest, "where");
    assert.equal(variable(where, "here"), "sub");
    assert.equal(variable(where, "content"), "from the sub folder");
  });

  await t.step("retries: failed once, ok on the second attempt", () => {
    const flaky = task(manifest, "flaky");
    assert.equal(flaky.attempts, 2);
    assert.equal(flaky.error, null);
    assert.equal(variable(flaky, "outcome"), "second time lucky");
    const retry = events.find((e) => e.type === "task-retry" && e.task === "flaky");
    assert.ok(retry?.type === "task-retry");
    assert.equal(retry.attempt, 2);
    assert.equal(retry.reason, "RuntimeError: first attempt fails on purpose");
  });

  await t.step("timeout: the task ends as timeout with the partial notebook kept", async () => {
    const slow = task(manifest, "slowpoke");
    assert.equal(slow.attempts, 1);
    assert.equal(slow.error?.ename, "CellTimeoutError");
    assert.match(slow.error?.evalue ?? "", /after 2 seconds/);
    const nb = JSON.parse(await readFile(join(dir, slow.output), "utf8"));
    assert.equal(nb.metadata.papermill.exception, true);
    const outputs = JSON.stringify(nb.cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    assert.match(outputs, /CellTimeoutError/);
  });

  await t.step("run.json has the documented fields", async () => {
    const saved = JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunManifest;
    assert.deepEqual(saved, JSON.parse(JSON.stringify(manifest)));
    assert.equal(typeof saved.nbchain, "string");
    assert.equal(saved.status, "failed");
    assert.match(saved.started, ISO);
    assert.match(saved.ended ?? "", ISO);
    assert.equal(typeof saved.duration, "number");
    for (const r of saved.tasks) {
      assert.deepEqual(Object.keys(r).filter((k) => k !== "skipped_reason").sort(), [
        "attempts",
        "duration",
        "ended",
        "error",
        "html",
        "id",
        "kernel",
        "needs",
        "notebook",
        "output",
        "parameters",
        "started",
        "status",
        "variables",
      ]);
      assert.ok(r.notebook.startsWith(tmp.path), r.notebook);
      assert.match(r.started ?? "", ISO);
      assert.match(r.ended ?? "", ISO);
      assert.ok(typeof r.duration === "number" && r.duration > 0);
      assert.ok(await exists(join(dir, r.output)), r.output);
      assert.ok(await exists(join(dir, r.html)), r.html);
    }
    assert.deepEqual(Object.keys(task(saved, "slowpoke").error ?? {}).sort(), [
      "cell",
      "ename",
      "evalue",
      "message",
    ]);
    assert.equal(typeof task(saved, "slowpoke").error?.cell, "number");
    const loss = task(saved, "train[lr=0.5]").variables.find((v) => v.name === "loss");
    assert.deepEqual(loss, {
      name: "loss",
      operation: "loss = rows * lr",
      value: 15,
      type: "float",
      cell: loss?.cell,
    });
    assert.equal(typeof loss?.cell, "number");
    assert.equal(task(saved, "train[lr=0.5]").kernel, "python3");
  });

  await t.step("events.jsonl: JSON lines with task and cell start/finish events", async () => {
    const lines = (await readFile(join(dir, "events.jsonl"), "utf8")).trimEnd().split("\n");
    const parsed = lines.map((l) => JSON.parse(l) as { event: string; task?: string });
    for (const e of parsed) assert.match((e as { time?: string }).time ?? "", ISO);
    const of = (kind: string) => parsed.filter((e) => e.event === kind);
    assert.equal(parsed[0]?.event, "run-start");
    assert.equal(parsed.at(-1)?.event, "run-end");
    const ids = manifest.tasks.map((r) => r.id).sort();
    assert.deepEqual([...new Set(of("task-start").map((e) => e.task))].sort(), ids);
    assert.deepEqual(of("task-end").map((e) => e.task).sort(), ids);
    for (const id of ids) {
      assert.ok(of("cell-start").some((e) => e.task === id), `cell-start of ${id}`);
      assert.ok(of("cell-end").some((e) => e.task === id), `cell-end of ${id}`);
    }
    assert.equal(of("task-retry").length, 1);
  });

  await t.step("junit.xml has one testcase per task; index.html needs no network", async () => {
    const junit = await readFile(join(dir, "junit.xml"), "utf8");
    const names = [...junit.matchAll(/<testcase\b[^>]*\bname="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(names.sort(), manifest.tasks.map((r) => r.id).sort());
    assert.match(junit, /<failure\b/);
    const html = await readFile(join(dir, "index.html"), "utf8");
    for (const r of manifest.tasks) {
      assert.ok(html.includes(`href="${encodeURIComponent(r.html)}"`), `index links ${r.html}`);
    }
    assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /url\(\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /@import/i);
  });
});

Deno.test("runPipeline: jobs bounds the kernels running at once", async () => {
  const file = join(FIXTURES, "pipe", "jobs.yaml");
  const span = (r: TaskRecord) => [Date.parse(r.started!), Date.parse(r.ended!)] as const;
  {
    await using tmp = await tempDir();
    const m = await runPipeline(file, { dir: tmp.path, jobs: 1 });
    assert.equal(m.status, "ok");
    const [a, b] = [span(task(m, "a")), span(task(m, "b"))];
    assert.ok(a[1] <= b[0] || b[1] <= a[0], `with -j 1 a ${a} and b ${b} must not overlap`);
  }
  {
    await using tmp = await tempDir();
    const m = await runPipeline(file, { dir: tmp.path, jobs: 2 });
    assert.equal(m.status, "ok");
    const [a, b] = [span(task(m, "a")), span(task(m, "b"))];
    assert.ok(a[0] < b[1] && b[0] < a[1], `with -j 2 a ${a} and b ${b} must overlap`);
  }
});

Deno.test("runPipeline: an input naming a variable the upstream never produced fails clearly", async () => {
  await using tmp = await tempDir();
  const events: RunEvent[] = [];
  const m = await runPipeline(join(FIXTURES, "pipe", "typo.yaml"), {
    dir: tmp.path,
    onEvent: (e) => events.push(e),
  });
  assert.equal(m.status, "failed");
  assert.equal(task(m, "ingest").status, "ok");
  const train = task(m, "train");
  assert.equal(train.status, "failed");
  assert.equal(train.error?.ename, "InputError");
  assert.match(
    train.error?.evalue ?? "",
    /^input "rows" <- ingest\.n_rowz: task "ingest" produced/,
  );
  assert.match(train.error?.evalue ?? "", /its variables are .*\bn_rows\b/);
  assert.equal(train.attempts, 0);
  assert.ok(!events.some((e) => e.type === "task-start" && e.task === "train"), "never started");
});

Deno.test("runPipeline: the bundled example pipeline", async () => {
  await using tmp = await tempDir();
  const manifest = await runPipeline(join(ROOT, "examples", "pipeline.yaml"), {
    dir: tmp.path,
    jobs: 2,
  });
  assert.deepEqual(
    manifest.tasks.filter((r) => r.status !== "ok").map((r) => [r.id, r.status, r.error]),
    [],
  );
  const summary = task(manifest, "summary");
  const bestLr = variable(summary, "best_lr");
  assert.ok([0.3, 0.1, 0.01].includes(bestLr as number), `best_lr ${bestLr}`);
  const total = variable(summary, "total_score") as number;
  const report = task(manifest, "report");
  assert.equal(report.kernel, "deno");
  assert.equal(
    variable(report, "headline"),
    `Best learning rate ${bestLr}; total regional score ${total.toFixed(2)}`,
  );
});
