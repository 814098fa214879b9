import assert from "node:assert/strict";
import { renderRunReport } from "./report_html.ts";
import { layoutDag } from "./_report_svg.ts";
import type { RunManifest, TaskRecord, TaskStatus } from "./manifest.ts";

function task(id: string, status: TaskStatus, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    notebook: `notebooks/${id}.ipynb`,
    output: `${id}.ipynb`,
    html: `${id}.html`,
    kernel: "python3",
    parameters: {},
    needs: [],
    status,
    attempts: 1,
    started: "2025-01-01T00:00:00.000Z",
    ended: "2025-01-01T00:00:01.000Z",
    duration: 1,
    error: null,
    variables: [],
    ...extra,
  };
}

const EVIL = `<script>alert("x")</script>`;

const MANIFEST: RunManifest = {
  nbchain: "0.1.0",
  status: "failed",
  started: "2025-01-01T00:00:00.000Z",
  ended: "2025-01-01T00:00:04.000Z",
  duration: 4,
  tasks: [
    task("1_Add", "ok", {
      parameters: { x: 1 },
      variables: [
        { name: "z", operation: "z = x + y", value: { list: [1, 2] }, type: "dict", cell: 2 },
      ],
    }),
    task("train_a", "ok", {
      notebook: "notebooks/train.ipynb",
      needs: ["1_Add"],
      parameters: { lr: 0.1, region: "eu" },
      started: "2025-01-01T00:00:01.000Z",
      ended: "2025-01-01T00:00:02.500Z",
      duration: 1.5,
      variables: [{
        name: "score",
        operation: "score = 0.93",
        value: 0.93,
        type: "float",
        cell: 4,
      }],
    }),
    task("train_b", "cached", {
      notebook: "notebooks/train.ipynb",
      needs: ["1_Add"],
      parameters: { lr: 0.01, region: "eu" },
      variables: [{
        name: "score",
        operation: "score = 0.95",
        value: 0.95,
        type: "float",
        cell: 4,
      }],
    }),
    task(EVIL, "failed", {
      needs: ["train_a", "train_b"],
      output: `${EVIL}.ipynb`,
      html: `${EVIL}.html`,
      parameters: { [EVIL]: EVIL },
      error: {
        ename: "ValueError",
        evalue: `bad <b>${EVIL}`,
        cell: 3,
        message: `Traceback ${EVIL}`,
      },
      variables: [{ name: EVIL, operation: EVIL, value: EVIL, type: EVIL, cell: 1 }],
    }),
    task("report", "skipped", {
      needs: [EVIL],
      started: null,
      ended: null,
      duration: null,
      skipped_reason: "upstream task failed",
    }),
  ],
};

Deno.test("renderRunReport() shows the run status, counts and a status per task", () => {
  const html = renderRunReport(MANIFEST);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>nbchain run 2025-01-01 00:00:00 UTC<\/title>/);
  assert.match(html, /<h1>[^]*class="badge status-failed"[^>]*>failed<\/span><\/h1>/);
  assert.ok(html.includes(">2 ok</span>"));
  assert.ok(html.includes(">1 cached</span>"));
  assert.ok(html.includes(">1 skipped</span>"));
  assert.ok(html.includes("Duration 4.00 s"));
  for (const status of ["ok", "cached", "failed", "skipped"]) {
    assert.match(html, new RegExp(`class="badge status-${status}" style="background:#[0-9a-f]{6}`));
  }
  assert.ok(html.includes("ValueError: bad &lt;b&gt;"));
  assert.ok(html.includes("upstream task failed"));
  assert.doesNotMatch(html, /http-equiv="refresh"/);
  const running = renderRunReport({ ...MANIFEST, status: "running", ended: null }, {
    title: "Live",
  });
  assert.match(running, /<meta http-equiv="refresh" content="5">/);
  assert.match(running, /<title>Live<\/title>/);
});

Deno.test("renderRunReport() links each task's notebook and HTML relative to the run dir", () => {
  const html = renderRunReport(MANIFEST);
  assert.ok(html.includes(`<a href="1_Add.html">html</a> · <a href="1_Add.ipynb">ipynb</a>`));
  assert.ok(html.includes(`href="%3Cscript%3Ealert(%22x%22)%3C/script%3E.html"`));
  assert.ok(!html.includes(`href="report.html"`), "a skipped task has no files to link");
  const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? "");
  assert.ok(refs.length > 0);
  for (const ref of refs) assert.doesNotMatch(ref, /^(?:[a-z]+:|\/\/)/i, ref);
  assert.doesNotMatch(html, /<script\b|<link\b|@import|url\((?!#)/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

Deno.test("renderRunReport() draws the timeline and the task graph as inline SVG", () => {
  const html = renderRunReport(MANIFEST);
  const timeline = /<svg class="timeline"[^]*?<\/svg>/.exec(html)?.[0] ?? "";
  const dag = /<svg class="dag"[^]*?<\/svg>/.exec(html)?.[0] ?? "";
  assert.ok(timeline !== "" && dag !== "");
  assert.equal(timeline.match(/<rect /g)?.length, 4, "one bar per task that ran");
  assert.match(timeline, /skipped: upstream task failed/);
  assert.equal(dag.match(/<rect /g)?.length, 5, "one box per task");
  assert.equal(dag.match(/marker-end=/g)?.length, 5, "one arrow per need");
  assert.match(dag, /fill="#1a7f37"/);
  assert.match(dag, /fill="#cf222e"/);
});

Deno.test("layoutDag() layers tasks by longest path from the roots and survives cycles", () => {
  const tasks = [
    task("a", "ok"),
    task("b", "ok", { needs: ["a"] }),
    task("c", "ok", { needs: ["a", "b", "unknown"] }),
    task("d", "ok", { needs: ["e"] }),
    task("e", "ok", { needs: ["d"] }),
  ];
  const layout = layoutDag(tasks);
  assert.deepEqual(layout.layer.slice(0, 3), [0, 1, 2]);
  // a -> c skips layer 1, so it goes through a waypoint (node 5) in layer 1.
  assert.deepEqual(layout.routes.filter((r) => (r[0] ?? 9) < 3), [[0, 1], [0, 5, 2], [1, 2]]);
  assert.equal(layout.layer[5], 1);
  assert.equal(layout.layer.length, 6);
  assert.ok(layout.layer.every((l) => l >= 0));
  assert.equal(layout.layers.flat().length, 6);
  assert.equal(
    new Set(layout.layers[1]?.map((n) => layout.position[n])).size,
    layout.layers[1]?.length,
  );
});

Deno.test("renderRunReport() escapes every task-provided text", () => {
  const html = renderRunReport(MANIFEST, { title: `Run ${EVIL}` });
  assert.ok(!html.includes("<script>"), "no raw <script> tag anywhere");
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.match(html, /<title>Run &lt;script&gt;/);
});

Deno.test("renderRunReport() lists parameters, variables and variants per task", () => {
  const html = renderRunReport(MANIFEST);
  assert.match(html, /<details id="task-0"><summary>1_Add /);
  assert.match(html, /<details id="task-3" open>/, "failed tasks open by default");
  assert.ok(html.includes("{\n  &quot;list&quot;: [\n    1,\n    2\n  ]\n}"));
  assert.ok(html.includes("z = x + y"));
  assert.ok(html.includes('<pre class="parameters">{\n  &quot;x&quot;: 1\n}</pre>'));
  const variants = /<h2>Variants<\/h2>[^]*?<\/section>/.exec(html)?.[0] ?? "";
  assert.match(variants, /notebooks\/train\.ipynb/);
  assert.match(variants, /<th>lr<\/th><th>→ score<\/th>/);
  assert.doesNotMatch(variants, /<th>region<\/th>/, "only differing parameters are shown");
  assert.match(variants, /<code>0\.01<\/code><\/td><td><code>0\.95<\/code>/);
});

Deno.test("renderRunReport() renders an empty run", () => {
  const html = renderRunReport({ ...MANIFEST, tasks: [], status: "ok" });
  assert.match(html, /0 tasks: <span class="none">none<\/span>/);
  assert.match(html, /<svg class="dag"/);
});
