/**
 * Directory mode against real kernels: natural order, chaining within a parameter set,
 * `--no-chain`, parameter sets from a PARAMS file (object, list, zipped lists, `--grid`),
 * `--prepend`/`--append` output names, and two tasks writing the same file.
 * @module
 */
import assert from "node:assert/strict";
import {
  exists,
  FIXTURES,
  manifestOf,
  runCli,
  shown,
  task,
  tempDir,
  variable,
} from "./_orchestrate_helpers.ts";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runDirectory, type RunEvent } from "../mod.ts";

const CHAIN = join(FIXTURES, "chain");
const PARAMS = join(FIXTURES, "params");

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
}

async function cellsOf(path: string): Promise<Cell[]> {
  return (JSON.parse(await readFile(path, "utf8")) as { cells: Cell[] }).cells;
}

const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const tagged = (c: Cell, tag: string) => c.metadata.tags?.includes(tag) ?? false;

Deno.test("runDirectory chains each parameter set in natural order; a failure ends only its chain", async () => {
  await using tmp = await tempDir();
  const events: RunEvent[] = [];
  const manifest = await runDirectory(CHAIN, {
    dir: tmp.path,
    sets: [{ x: 5, y: 1 }, { x: 1, y: 13 }],
    jobs: 2,
    onEvent: (e) => events.push(e),
  });

  // Natural order (2_sub before 10_mul), one chain per set, millrun's index prefix on outputs.
  assert.deepEqual(manifest.tasks.map((t) => t.id), [
    "1_add[0]",
    "2_sub[0]",
    "10_mul[0]",
    "1_add[1]",
    "2_sub[1]",
    "10_mul[1]",
  ]);
  assert.deepEqual(manifest.tasks.map((t) => t.output), [
    "0-1_add.ipynb",
    "0-2_sub.ipynb",
    "0-10_mul.ipynb",
    "1-1_add.ipynb",
    "1-2_sub.ipynb",
    "1-10_mul.ipynb",
  ]);
  assert.deepEqual(task(manifest, "2_sub[0]").needs, ["1_add[0]"]);
  assert.deepEqual(task(manifest, "10_mul[0]").needs, ["2_sub[0]"]);
  assert.deepEqual(task(manifest, "1_add[1]").needs, []);

  // Set 0: each notebook gets the set plus upstream values for the names it declares.
  const add0 = task(manifest, "1_add[0]");
  assert.equal(add0.status, "ok");
  assert.equal(variable(add0, "z"), 6);
  const sub0 = task(manifest, "2_sub[0]");
  assert.equal(sub0.status, "ok");
  assert.deepEqual(sub0.parameters, { x: 5, y: 1, z: 6 });
  assert.equal(variable(sub0, "w"), 5);
  const mul0 = task(manifest, "10_mul[0]");
  assert.equal(mul0.status, "ok");
  // `label` comes from 1_add, two notebooks up: 2_sub neither declares nor assigns it.
  assert.deepEqual(mul0.parameters, { x: 5, y: 1, w: 5, label: "sum=6" });
  assert.equal(variable(mul0, "v"), 50);
  assert.equal(variable(mul0, "label"), "sum=6");

  // The injected cell sits right after the parameters cell and holds the chained value.
  const cells = await cellsOf(join(tmp.path, sub0.output));
  const at = cells.findIndex((c) => tagged(c, "injected-parameters"));
  assert.ok(at > 0, "an injected-parameters cell");
  assert.ok(tagged(cells[at - 1]!, "parameters"));
  assert.match(text(cells[at]!), /^z = 6$/m);
  assert.match(text(cells[at]!), /^y = 1$/m);

  // Set 1: 2_sub fails, 10_mul is skipped with the reason; set 0 went on regardless.
  assert.equal(task(manifest, "1_add[1]").status, "ok");
  const sub1 = task(manifest, "2_sub[1]");
  assert.equal(sub1.status, "failed");
  assert.equal(sub1.error?.ename, "AssertionError");
  assert.equal(sub1.error?.evalue, "unlucky y");
  const mul1 = task(manifest, "10_mul[1]");
  assert.equal(mul1.status, "skipped");
  assert.match(mul1.skipped_reason ?? "", /upstream task "2_sub\[1\]" failed/);
  assert.equal(await exists(join(tmp.path, mul1.output)), false);
  assert.equal(manifest.status, "failed");

  // The event stream: run start/end, a start and an end per executed task, cell events.
  assert.equal(events[0]?.type, "run-start");
  const last = events.at(-1);
  assert.equal(last?.type, "run-end");
  assert.equal(last?.type === "run-end" && last.manifest.status, "failed");
  const started = events.flatMap((e) => (e.type === "task-start" ? [e.task] : []));
  assert.deepEqual(started.sort(), ["10_mul[0]", "1_add[0]", "1_add[1]", "2_sub[0]", "2_sub[1]"]);
  const ended = events.flatMap((e) => (e.type === "task-end" ? [e.task] : []));
  assert.deepEqual(ended.sort(), manifest.tasks.map((t) => t.id).sort());
  assert.ok(
    events.some((e) =>
      e.type === "notebook" && e.task === "10_mul[0]" && e.event.type === "cell-end"
    ),
  );
});

Deno.test("cli: a PARAMS object is one set, and --no-chain runs the notebooks independently", async () => {
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const r = await runCli([
    CHAIN,
    join(PARAMS, "one.yaml"),
    "--no-chain",
    "--include",
    "1_*",
    "--include",
    "2_*",
    "-o",
    out,
    "-q",
  ]);
  assert.equal(r.code, 0, shown(r));
  const manifest = await manifestOf(out);
  assert.deepEqual(manifest.tasks.map((t) => t.id), ["1_add", "2_sub"]);
  const sub = task(manifest, "2_sub");
  assert.deepEqual(sub.needs, []);
  // No chain: z keeps its default 0, so w = 0 - 1.
  assert.deepEqual(sub.parameters, { x: 5, y: 1 });
  assert.equal(variable(sub, "z"), 0);
  assert.equal(variable(sub, "w"), -1);
  assert.equal(variable(task(manifest, "1_add"), "z"), 6);
});

/** Runs the CLI on 1_add alone with a PARAMS file, preparing only, and returns the run. */
async function prepared(params: string, extra: string[]) {
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const r = await runCli([
    CHAIN,
    join(PARAMS, params),
    "--include",
    "1_*",
    "--prepare-only",
    "-q",
    "-o",
    out,
    ...extra,
  ]);
  assert.equal(r.code, 0, shown(r));
  const manifest = await manifestOf(out);
  const files = [];
  for await (const e of Deno.readDir(out)) files.push(e.name);
  return { manifest, files: files.sort() };
}

Deno.test("cli: PARAMS lists and zipped lists give one set each; --grid gives the product", async () => {
  const list = await prepared("list.json", []);
  assert.deepEqual(list.manifest.tasks.map((t) => t.parameters), [
    { region: "eu", x: 1 },
    { region: "us", x: 2 },
  ]);
  const zipped = await prepared("zip.yaml", []);
  assert.deepEqual(zipped.manifest.tasks.map((t) => t.parameters), [
    { x: 1, y: 3 },
    { x: 2, y: 4 },
  ]);
  const grid = await prepared("zip.yaml", ["--grid"]);
  assert.deepEqual(grid.manifest.tasks.map((t) => t.parameters), [
    { x: 1, y: 3 },
    { x: 1, y: 4 },
    { x: 2, y: 3 },
    { x: 2, y: 4 },
  ]);
  assert.deepEqual(grid.manifest.tasks.map((t) => t.output), [
    "0-1_add.ipynb",
    "1-1_add.ipynb",
    "2-1_add.ipynb",
    "3-1_add.ipynb",
  ]);
});

Deno.test("cli: --prepend and --append name the outputs after parameter values", async () => {
  const { manifest, files } = await prepared("list.json", ["--prepend", "region", "--append", "x"]);
  assert.deepEqual(manifest.tasks.map((t) => t.output), ["eu-1_add-1.ipynb", "us-1_add-2.ipynb"]);
  assert.ok(files.includes("eu-1_add-1.ipynb") && files.includes("us-1_add-2.ipynb"), `${files}`);
  assert.ok(files.includes("eu-1_add-1.html"), `${files}`);
});

Deno.test("cli: a new run in a reused directory starts a fresh events.jsonl", async () => {
  await using tmp = await tempDir();
  const args = [CHAIN, "--include", "1_*", "--prepare-only", "-q", "-o", tmp.path];
  for (let i = 0; i < 2; i++) {
    const r = await runCli(args);
    assert.equal(r.code, 0, shown(r));
  }
  const lines = (await readFile(join(tmp.path, "events.jsonl"), "utf8")).trimEnd().split("\n");
  const kinds = lines.map((l) => (JSON.parse(l) as { event: string }).event);
  assert.deepEqual(kinds, ["run-start", "task-start", "task-end", "run-end"]);
});

Deno.test("cli: two tasks writing the same file is exit 2 before anything runs", async () => {
  await using tmp = await tempDir();
  const out = join(tmp.path, "run");
  const r = await runCli([CHAIN, join(PARAMS, "dup.yaml"), "--prepend", "region", "-o", out]);
  assert.equal(r.code, 2, shown(r));
  assert.match(r.stderr, /^error: /);
  assert.match(r.stderr, /eu-1_add/);
  assert.equal(r.stdout, "");
  assert.equal(await exists(out), false, "no run directory");
});
