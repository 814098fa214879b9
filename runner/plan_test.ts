import assert from "node:assert/strict";
import { join } from "node:path";
import { OutputNameError } from "./naming.ts";
import { loadPipeline, type Pipeline, type PipelineTask } from "./pipeline.ts";
import {
  applyForeachExpansion,
  expandForeach,
  inputSources,
  type Plan,
  planDirectory,
  planPipeline,
} from "./plan.ts";

const DIR = new URL("../testdata/runner/pipelines/", import.meta.url).pathname;

function task(id: string, extra: Partial<PipelineTask> = {}): PipelineTask {
  return { id, notebook: `/nb/${id}.ipynb`, needs: [], inputs: {}, parameters: {}, ...extra };
}

function pipeline(tasks: PipelineTask[], extra: Partial<Pipeline> = {}): Pipeline {
  return { file: "/p.yaml", parameters: {}, defaults: {}, tasks, ...extra };
}

const ids = (plan: Plan) => plan.tasks.map((t) => t.id);

Deno.test("planPipeline: matrix fan-out, fan-in, parameter and option precedence", async () => {
  const plan = planPipeline(await loadPipeline(join(DIR, "ok.yaml")));
  const train = [
    "train[lr=0.1,seed=1]",
    "train[lr=0.1,seed=2]",
    "train[lr=0.01,seed=1]",
    "train[lr=0.01,seed=2]",
  ];
  assert.deepEqual(ids(plan), ["ingest", ...train, "score", "summary", "report.v2"]);
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const t0 = byId.get("train[lr=0.1,seed=2]")!;
  assert.deepEqual(t0.parameters, {
    region: "us",
    day: "2024-01-31",
    epochs: 3,
    lr: 0.1,
    seed: 2,
  });
  assert.equal(t0.outputName, "train-lr=0.1-seed=2");
  assert.equal(t0.group, "train");
  assert.deepEqual(t0.needs, ["ingest"]);
  assert.deepEqual(t0.inputs, { rows: { task: "ingest", variable: "n_rows", fanIn: false } });
  assert.equal(t0.kernel, "python3");
  assert.equal(t0.timeout, 600);
  assert.equal(t0.retries, 1);
  assert.equal(t0.allowErrors, false);
  assert.equal(t0.cwd, join(DIR, "data"));
  const ingest = byId.get("ingest")!;
  assert.equal(ingest.cellTimeout, 30);
  assert.deepEqual(ingest.parameters, { region: "eu", day: "2024-01-31" });
  const score = byId.get("score")!;
  assert.deepEqual(score.foreach, { param: "file", task: "ingest", variable: "files" });
  assert.equal(score.retries, 0);
  assert.equal(score.allowErrors, true);
  const summary = byId.get("summary")!;
  assert.deepEqual(summary.needs, [...train, "score"]);
  assert.deepEqual(summary.inputs, {
    scores: { task: "score", variable: "result", fanIn: true },
    models: { task: "train", variable: "model_path", fanIn: true },
  });
  assert.deepEqual(byId.get("report.v2")!.needs, ["summary"]);
  assert.equal(byId.get("report.v2")!.kernel, "deno");
  assert.deepEqual(
    inputSources(plan, summary.inputs.models!).map((t) => t.id),
    train,
  );
  assert.deepEqual(inputSources(plan, t0.inputs.rows!).map((t) => t.id), ["ingest"]);
});

Deno.test("planPipeline: stable topological order; a single-value matrix is still fanned", () => {
  const plan = planPipeline(pipeline([
    task("report", { needs: ["b"] }),
    task("a"),
    task("b", { needs: ["a"], matrix: { k: ["x"] } }),
    task("c"),
  ]));
  assert.deepEqual(ids(plan), ["a", "b[k=x]", "report", "c"]);
  assert.deepEqual(plan.tasks[2]!.needs, ["b[k=x]"]);
});

Deno.test("planPipeline: look-alike matrix values fall back to indexes", () => {
  const plan = planPipeline(pipeline([task("t", { matrix: { v: [1, "1", { a: [1, 2] }] } })]));
  assert.deepEqual(ids(plan), ["t[0]", "t[1]", "t[2]"]);
  assert.deepEqual(plan.tasks.map((t) => t.outputName), ["t-0", "t-1", "t-2"]);
  assert.deepEqual(plan.tasks.map((t) => t.parameters.v), [1, "1", { a: [1, 2] }]);
  const odd = planPipeline(pipeline([task("t", { matrix: { path: ["a/b", "a:b", null] } })]));
  assert.deepEqual(ids(odd), ["t[path=a/b]", "t[path=a:b]", "t[path=null]"]);
  assert.equal(odd.tasks[0]!.outputName, "t-path=a_b");
  assert.match(odd.tasks[1]!.outputName, /^t-path=a_b-[0-9a-f]{8}$/);
});

Deno.test("planPipeline: output names unique ignoring case, clear of the run dir's files", () => {
  const plan = planPipeline(pipeline([task("Train"), task("train"), task("index"), task("run")]));
  const names = plan.tasks.map((t) => t.outputName);
  assert.equal(names[0], "Train");
  assert.match(names[1]!, /^train-[0-9a-f]{8}$/);
  assert.deepEqual(names.slice(2), ["index_", "run_"]);
});

Deno.test("expandForeach and applyForeachExpansion: instances replace the template", async () => {
  let plan = planPipeline(await loadPipeline(join(DIR, "ok.yaml")));
  const template = plan.tasks.find((t) => t.foreach)!;
  const instances = expandForeach(template, ["a.csv", "b.csv"]);
  assert.deepEqual(instances.map((t) => [t.id, t.outputName, t.parameters.file]), [
    ["score[0]", "score-0", "a.csv"],
    ["score[1]", "score-1", "b.csv"],
  ]);
  assert.ok(instances.every((t) => !("foreach" in t) && t.group === "score"));
  assert.deepEqual(instances[0]!.needs, ["ingest"]);
  assert.equal(instances[0]!.allowErrors, true);
  plan = applyForeachExpansion(plan, "score", instances);
  assert.deepEqual(ids(plan).slice(4, 8), [
    "train[lr=0.01,seed=2]",
    "score[0]",
    "score[1]",
    "summary",
  ]);
  const summary = plan.tasks.find((t) => t.id === "summary")!;
  assert.deepEqual(summary.needs.slice(-2), ["score[0]", "score[1]"]);
  assert.deepEqual(
    inputSources(plan, summary.inputs.scores!).map((t) => t.id),
    ["score[0]", "score[1]"],
  );
  assert.throws(() => applyForeachExpansion(plan, "score", []), /no such foreach template/);
  assert.throws(() => expandForeach(summary, [1]), /has no foreach/);
});

Deno.test("applyForeachExpansion: an empty list drops the need; name clashes get a hash", () => {
  const base = pipeline([
    task("src"),
    task("each", { foreach: { param: "x", task: "src", variable: "xs" }, needs: ["src"] }),
    task("each-0"),
    task("after", { needs: ["each"], inputs: { all: { task: "each", variable: "y" } } }),
  ]);
  const plan = planPipeline(base);
  const template = plan.tasks[1]!;
  const empty = applyForeachExpansion(plan, "each", expandForeach(template, []));
  assert.deepEqual(ids(empty), ["src", "each-0", "after"]);
  assert.deepEqual(empty.tasks[2]!.needs, []);
  assert.deepEqual(inputSources(empty, empty.tasks[2]!.inputs.all!), []);
  const one = applyForeachExpansion(plan, "each", expandForeach(template, [7]));
  assert.match(one.tasks[1]!.outputName, /^each-0-[0-9a-f]{8}$/);
  assert.equal(one.tasks[2]!.outputName, "each-0");
  assert.deepEqual(plan.tasks[3]!.needs, ["each"], "the input plan is not changed");
});

const NBS = ["/w/1_Add.ipynb", "/w/2_Sub.py", "/w/10_Mul.ipynb"];

Deno.test("planDirectory: one set, chained in order", () => {
  const plan = planDirectory(NBS, [{ x: 1 }], { chain: true, defaults: { kernel: "python3" } });
  assert.deepEqual(plan.tasks.map((t) => [t.id, t.outputName, t.needs, t.group]), [
    ["1_Add", "1_Add", [], "0"],
    ["2_Sub", "2_Sub", ["1_Add"], "0"],
    ["10_Mul", "10_Mul", ["2_Sub"], "0"],
  ]);
  const first = plan.tasks[0]!;
  assert.deepEqual(first.parameters, { x: 1 });
  assert.equal(first.notebook, "/w/1_Add.ipynb");
  assert.equal(first.kernel, "python3");
  assert.equal(first.retries, 0);
  assert.equal(first.allowErrors, false);
  assert.deepEqual(first.inputs, {});
});

Deno.test("planDirectory: several sets chain per set; millrun's index prefix on files", () => {
  const plan = planDirectory(NBS.slice(0, 2), [{ x: 1 }, { x: 2 }], { chain: true });
  assert.deepEqual(plan.tasks.map((t) => [t.id, t.outputName, t.needs, t.parameters.x]), [
    ["1_Add[0]", "0-1_Add", [], 1],
    ["2_Sub[0]", "0-2_Sub", ["1_Add[0]"], 1],
    ["1_Add[1]", "1-1_Add", [], 2],
    ["2_Sub[1]", "1-2_Sub", ["1_Add[1]"], 2],
  ]);
  const unchained = planDirectory(NBS, [{}, {}], { chain: false });
  assert.ok(unchained.tasks.every((t) => t.needs.length === 0));
  assert.deepEqual(planDirectory(NBS, [], { chain: true }).tasks, []);
});

Deno.test("planDirectory: prepend/append names; a name shared by two tasks is an error", () => {
  const sets = [{ region: "eu", lr: 0.1 }, { region: "us/west", lr: 0.01 }];
  const plan = planDirectory(NBS.slice(0, 2), sets, {
    chain: true,
    prepend: ["region"],
    append: ["lr", "v2"],
  });
  assert.deepEqual(plan.tasks.map((t) => [t.id, t.outputName, t.needs]), [
    ["eu-1_Add-0.1-v2", "eu-1_Add-0.1-v2", []],
    ["eu-2_Sub-0.1-v2", "eu-2_Sub-0.1-v2", ["eu-1_Add-0.1-v2"]],
    ["us/west-1_Add-0.01-v2", "us_west-1_Add-0.01-v2", []],
    ["us/west-2_Sub-0.01-v2", "us_west-2_Sub-0.01-v2", ["us/west-1_Add-0.01-v2"]],
  ]);
  assert.throws(
    () =>
      planDirectory(NBS, [{ region: "eu", n: 1 }, { region: "eu", n: 2 }], {
        chain: true,
        prepend: ["region"],
      }),
    (e: unknown) => {
      assert.ok(e instanceof OutputNameError);
      assert.deepEqual(e.tasks, ["eu-1_Add", "eu-1_Add"]);
      assert.match(
        e.message,
        /^error: tasks "eu-1_Add" \(parameter set 0\) and "eu-1_Add" \(parameter set 1\) would both write "eu-1_Add\.ipynb"/,
      );
      return true;
    },
  );
});

Deno.test("planDirectory: nested notebooks and shared stems get distinct ids and files", () => {
  const plan = planDirectory(
    ["/w/a.ipynb", "/w/a.py", "/w/sub/b.ipynb", "/w/sub_b.ipynb"],
    [{}],
    { chain: false },
  );
  assert.deepEqual(ids(plan), ["a.ipynb", "a.py", "sub/b", "sub_b"]);
  const names = plan.tasks.map((t) => t.outputName);
  assert.deepEqual(names.slice(0, 3), ["a.ipynb", "a.py", "sub_b"]);
  assert.match(names[3]!, /^sub_b-[0-9a-f]{8}$/);
  const rooted = planDirectory(["/w/sub/b.ipynb"], [{}], { chain: false, root: "/w" });
  assert.deepEqual(ids(rooted), ["sub/b"]);
  assert.deepEqual(ids(planDirectory(["/w/sub/b.ipynb"], [{}], { chain: false })), ["b"]);
});
