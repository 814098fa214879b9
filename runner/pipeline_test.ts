import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPipeline, PipelineError } from "./pipeline.ts";

const DIR = new URL("../testdata/runner/pipelines/", import.meta.url).pathname;
const NB = join(DIR, "notebooks");

async function problemsOf(path: string): Promise<PipelineError> {
  let caught: unknown;
  try {
    await loadPipeline(path);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PipelineError, `expected a PipelineError, got ${caught}`);
  assert.equal(caught.exitCode, 2);
  assert.equal(caught.message.split("\n").length, caught.problems.length);
  return caught;
}

async function withPipeline(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-pipeline-"));
  try {
    const path = join(dir, "pipeline.yaml");
    await writeFile(path, text);
    await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("loadPipeline: the DESIGN example loads with absolute paths and implied needs", async () => {
  const p = await loadPipeline(join(DIR, "ok.yaml"));
  assert.equal(p.file, join(DIR, "ok.yaml"));
  assert.deepEqual(p.parameters, { region: "eu", day: "2024-01-31" });
  assert.deepEqual(p.defaults, {
    kernel: "python3",
    timeout: 600,
    retries: 1,
    cwd: join(DIR, "data"),
  });
  assert.deepEqual(p.tasks.map((t) => t.id), ["ingest", "train", "score", "summary", "report.v2"]);
  const [ingest, train, score, summary, report] = p.tasks;
  assert.deepEqual(ingest, {
    id: "ingest",
    notebook: join(NB, "ingest.ipynb"),
    needs: [],
    inputs: {},
    parameters: {},
    cellTimeout: 30,
    line: 5,
  });
  assert.deepEqual(train?.matrix, { lr: [0.1, 0.01], seed: [1, 2] });
  assert.deepEqual(train?.inputs, { rows: { task: "ingest", variable: "n_rows" } });
  assert.deepEqual(train?.parameters, { region: "us", epochs: 3 });
  assert.deepEqual(score?.needs, ["ingest"], "foreach implies needs");
  assert.deepEqual(score?.foreach, { param: "file", task: "ingest", variable: "files" });
  assert.equal(score?.allowErrors, true);
  assert.equal(score?.retries, 0);
  assert.deepEqual(summary?.needs, ["train", "score"]);
  assert.deepEqual(report?.inputs, { text: { task: "summary", variable: "Out[3]" } });
  assert.equal(report?.notebook, join(NB, "report.py"));
  assert.equal(report?.kernel, "deno");
});

Deno.test("loadPipeline: every problem is reported with file, line, task and key", async () => {
  const path = join(DIR, "bad.yaml");
  const e = await problemsOf(path);
  const lines = e.message.split("\n");
  for (const line of lines) assert.ok(line.startsWith(`${path}:`), line);
  const expected = [
    `${path}:1: key "parameters": expected a map of name: value, got a list`,
    `${path}:2: key "defaults.retires": unknown key; did you mean "retries"?`,
    `${path}:2: key "defaults.timeout": expected a number of seconds greater than 0, got -1`,
    `${path}:3: key "stages": unknown key; valid keys are parameters, defaults, tasks`,
    `${path}:7: task "ingest": key "upstream": unknown key; did you mean "needs"?`,
    `${path}:8: task "train": key "notebook": missing;`,
    `${path}:9: task "train": key "notebok": unknown key; did you mean "notebook"?`,
    `${path}:10: task "train": key "needs": expected a list of task ids, got "ingest"; write needs: [ingest]`,
    `${path}:11: task "train": key "id": duplicate id (first used on line 8)`,
    `${path}:12: task "train": key "notebook": "notebooks/missing.ipynb" does not exist`,
    `${path}:13: task "train": key "needs": unknown task "ingst"; did you mean "ingest"?`,
    `${path}:13: task "train": key "needs": a task can't need itself`,
    `${path}:14: task "train": key "inputs.m": expected "task.variable", got 3`,
    `${path}:14: task "train": key "inputs.rows": expected "task.variable", got "ingest"`,
    `${path}:14: task "train": key "inputs.n": "nowhere.x" refers to unknown task "nowhere"`,
    `${path}:15: task "train": key "matrix.lr": expected a list of values, got 0.1; write lr: [0.1]`,
    `${path}:15: task "train": key "matrix.seed": the list is empty`,
    `${path}:16: task "train": key "retries": expected a whole number of retries, 0 or more, got 1.5`,
    `${path}:17: task "train": key "allow_errors": expected true or false, got "yes"`,
    `${path}:18: task "train": key "cwd": directory "no-such-dir" does not exist`,
    `${path}:19: task "#4": key "id": missing;`,
    `${path}:21: task "#5": key "id": expected letters, digits, "_", "." or "-", got "bad id!"`,
    `${path}:22: task "#5": key "notebook": "notebooks/notes.txt" is not a notebook`,
    `${path}:23: task "#6": expected a map with id and notebook, got "just a string"`,
    `${path}:25: task "fan": key "notebook": "notebooks" is not a file`,
    `${path}:26: task "fan": key "foreach": expected exactly one parameter, got 2`,
    `${path}:27: task "fan": key "timeout": expected a number of seconds greater than 0, got 0`,
    `${path}:28: task "fan": key "kernel": expected a kernelspec name such as python3, got ""`,
  ];
  assert.equal(lines.length, expected.length, e.message);
  expected.forEach((prefix, i) =>
    assert.ok(lines[i]!.startsWith(prefix), `${lines[i]}\n!= ${prefix}`)
  );
  assert.deepEqual(e.problems[4], {
    file: path,
    task: "ingest",
    key: "upstream",
    line: 7,
    message: 'unknown key; did you mean "needs"?',
  });
});

Deno.test("loadPipeline: a cycle is shown as its path, through needs and inputs", async () => {
  const path = join(DIR, "cycle.yaml");
  const e = await problemsOf(path);
  assert.equal(
    e.message,
    `${path}:4: task "a": key "needs": tasks form a cycle a -> c -> b -> a (each needs the next, ` +
      "through needs, inputs or foreach); remove one of these dependencies",
  );
});

Deno.test("loadPipeline: foreach over a fanned-out task, conflicts and self references", async () => {
  const path = join(DIR, "foreach.yaml");
  const lines = (await problemsOf(path)).message.split("\n");
  assert.deepEqual(lines, [
    `${path}:7: task "score": key "foreach.file": task "ingest" is fanned out (matrix), so ` +
    '"files" has no single value; fan out over a task that runs once',
    `${path}:8: task "score": key "inputs.file": parameter "file" is set by both foreach and ` +
    "inputs; keep one",
    `${path}:11: task "self": key "inputs.x": "self.y" refers to the task itself; a task can only ` +
    "read upstream variables",
    `${path}:12: task "self": key "needs": a task can't need itself`,
  ]);
});

Deno.test("loadPipeline: YAML syntax errors give line and column", async () => {
  // Written at test time: an invalid YAML fixture would fail `deno fmt --check`.
  await withPipeline("tasks:\n  - id: a\n    notebook: [x.ipynb\n  - id: b\n", async (path) => {
    const e = await problemsOf(path);
    assert.equal(e.problems.length, 1);
    assert.match(e.message, /^.*pipeline\.yaml:4: invalid YAML: .* at column 3; fix the syntax/);
    assert.ok(e.cause instanceof Error);
  });
  await withPipeline("tasks:\n  - id: a\n    id: b\n", async (path) => {
    assert.match(
      (await problemsOf(path)).message,
      /pipeline\.yaml:3: invalid YAML: Map keys must be unique/,
    );
  });
});

Deno.test("loadPipeline: missing file, wrong top level, missing or empty tasks", async () => {
  const missing = await problemsOf(join(DIR, "nope.yaml"));
  assert.match(missing.message, /nope\.yaml: can't read the pipeline file .*; check the path$/);
  await withPipeline("- a\n- b\n", async (path) => {
    assert.match((await problemsOf(path)).message, /expected a map with `tasks`/);
  });
  await withPipeline("parameters: {a: 1}\n", async (path) => {
    assert.match((await problemsOf(path)).message, /:1: key "tasks": missing; list the tasks/);
  });
  await withPipeline("tasks: []\n", async (path) => {
    assert.match((await problemsOf(path)).message, /:1: key "tasks": expected a non-empty list/);
  });
});

Deno.test("loadPipeline: dotted ids resolve by the longest known task id; merge keys work", async () => {
  const text = `
common: &common {kernel: python3, retries: 2}
tasks:
  - id: a
    notebook: ${join(NB, "ingest.ipynb")}
  - id: a.b
    notebook: ${join(NB, "train.ipynb")}
  - id: c
    notebook: ${join(NB, "score.ipynb")}
    inputs: {x: a.b.c, y: a.d.e, z: a.b}
    <<: *common
`;
  await withPipeline(text.replace("common: &common", "parameters: &common"), async (path) => {
    const p = await loadPipeline(path);
    const c = p.tasks[2]!;
    assert.deepEqual(c.inputs, {
      x: { task: "a.b", variable: "c" },
      y: { task: "a", variable: "d.e" },
      z: { task: "a", variable: "b" },
    });
    assert.deepEqual(c.needs, ["a.b", "a"]);
    assert.equal(c.kernel, "python3");
    assert.equal(c.retries, 2);
  });
  await withPipeline(text, async (path) => {
    const e = await problemsOf(path);
    assert.match(e.message, /:2: key "common": unknown key; valid keys are/);
  });
});

Deno.test("loadPipeline: null sections are empty; needs are deduplicated", async () => {
  const text = `parameters:
defaults:
tasks:
  - id: a
    notebook: ${join(NB, "ingest.ipynb")}
    parameters:
  - id: b
    notebook: ${join(NB, "train.ipynb")}
    needs: [a, a]
    inputs: {x: a.y}
`;
  await withPipeline(text, async (path) => {
    const p = await loadPipeline(path);
    assert.deepEqual(p.parameters, {});
    assert.deepEqual(p.defaults, {});
    assert.deepEqual(p.tasks[0]?.parameters, {});
    assert.deepEqual(p.tasks[1]?.needs, ["a"]);
  });
});
