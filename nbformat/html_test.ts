import assert from "node:assert/strict";
import { renderNotebookHtml } from "./html.ts";
import type { Cell, Notebook, Output } from "./types.ts";

// A 1x1 transparent PNG.
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

function notebook(cells: Cell[], language = "python"): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3", language },
      language_info: { name: language },
    },
    cells,
  };
}

function code(source: string | string[], outputs: Output[] = [], count: number | null = 1): Cell {
  return { cell_type: "code", source, metadata: {}, execution_count: count, outputs };
}

/** Every `src`/`href` attribute value and every CSS `url(...)` in the page. */
function resourceRefs(html: string): string[] {
  const refs = [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? "");
  const urls = [...html.matchAll(/url\(\s*["']?([^"')]*)/gi)].map((m) => m[1] ?? "");
  return [...refs, ...urls];
}

Deno.test("renderNotebookHtml() renders markdown cells with marked, keeping math verbatim", () => {
  const html = renderNotebookHtml(notebook([{
    cell_type: "markdown",
    source: [
      "# Results\n",
      "\n",
      "Some **bold** text and $a_1 * b_1$.\n",
      "\n",
      "| a | b |\n",
      "|---|---|\n",
      "| 1 | 2 |",
    ],
    metadata: {},
  }]));
  assert.match(html, /<h1>Results<\/h1>/);
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<span class="math">\$a_1 \* b_1\$<\/span>/);
  assert.match(html, /<table>/);
  assert.match(html, /<title>Results<\/title>/);
});

Deno.test("renderNotebookHtml() replaces markdown attachments with data URIs", () => {
  const html = renderNotebookHtml(notebook([{
    cell_type: "markdown",
    source: "![chart](attachment:my%20chart.png)\n\n<img src='attachment:other.svg'>",
    metadata: {},
    attachments: {
      "my chart.png": { "image/png": PNG_1X1 },
      "other.svg": { "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>" },
    },
  }]));
  assert.ok(html.includes(`src="data:image/png;base64,${PNG_1X1}"`));
  assert.match(html, /src='data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+'/);
  assert.ok(!html.includes("attachment:"));
});

Deno.test("renderNotebookHtml() highlights code in the notebook's language with prompts", () => {
  const html = renderNotebookHtml(notebook([code("def f(x):\n    return 'a' < x", [], 7)]));
  assert.match(html, /In&nbsp;\[7\]:/);
  assert.match(html, /<span class="hljs-keyword">def<\/span>/);
  assert.match(html, /<span class="hljs-string">&#x27;a&#x27;<\/span> &lt; x/);
  const ts = renderNotebookHtml(notebook([code("const x: number = 1;", [], null)], "typescript"));
  assert.match(ts, /<span class="hljs-keyword">const<\/span>/);
  assert.match(ts, /In&nbsp;\[&nbsp;\]:/);
  const unknown = renderNotebookHtml(notebook([code("<b>x</b>")], "no-such-language"));
  assert.ok(unknown.includes("&lt;b&gt;x&lt;/b&gt;"));
});

Deno.test("renderNotebookHtml() picks the richest mime and inlines images as data URIs", () => {
  const html = renderNotebookHtml(notebook([code("plot()", [
    {
      output_type: "display_data",
      data: {
        "image/png": PNG_1X1.slice(0, 40) + "\n" + PNG_1X1.slice(40),
        "text/plain": "<Figure>",
      },
      metadata: { "image/png": { width: 320, height: 240 } },
    },
    {
      output_type: "execute_result",
      execution_count: 1,
      data: {
        "text/html": ["<table class='df'>", "<tr><td>1</td></tr></table>"],
        "text/plain": "df",
      },
      metadata: {},
    },
    { output_type: "display_data", data: { "application/json": { a: [1, 2] } }, metadata: {} },
    { output_type: "display_data", data: { "text/latex": "$x < y$" }, metadata: {} },
    { output_type: "display_data", data: { "text/markdown": "*md*" }, metadata: {} },
    { output_type: "display_data", data: { "application/x-unknown": "?" }, metadata: {} },
  ])]));
  assert.ok(
    html.includes(
      `<img src="data:image/png;base64,${PNG_1X1}" alt="output" width="320" height="240">`,
    ),
  );
  assert.ok(!html.includes("&lt;Figure&gt;"));
  assert.match(html, /Out\[1\]:/);
  assert.ok(html.includes("<table class='df'><tr><td>1</td></tr></table>"));
  assert.ok(html.includes("{\n  &quot;a&quot;: [\n    1,\n    2\n  ]\n}"));
  assert.ok(html.includes("$x &lt; y$"));
  assert.match(html, /<em>md<\/em>/);
  assert.match(html, /application\/x-unknown/);
});

Deno.test("renderNotebookHtml() escapes text/plain and streams, styling stderr", () => {
  const html = renderNotebookHtml(notebook([code("x", [
    { output_type: "stream", name: "stdout", text: ["<script>alert(1)</script>\n", "10%\r100%\n"] },
    { output_type: "stream", name: "stderr", text: "warning & <b>" },
    {
      output_type: "execute_result",
      execution_count: 1,
      data: { "text/plain": "<img src=x onerror=alert(1)>" },
      metadata: {},
    },
  ])]));
  assert.ok(!html.includes("<script>alert(1)"));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!html.includes("<img src=x"));
  assert.match(html, /<pre class="stream stderr">warning &amp; &lt;b&gt;<\/pre>/);
  assert.ok(html.includes("100%\n"));
  assert.ok(!html.includes("10%"));
});

Deno.test("renderNotebookHtml() colours ANSI tracebacks and marks failed and papermill error cells", () => {
  const failing: Cell = {
    cell_type: "code",
    source: "1/0",
    metadata: { papermill: { exception: true, status: "failed" } },
    execution_count: 2,
    outputs: [{
      output_type: "error",
      ename: "ZeroDivisionError",
      evalue: "division by zero",
      traceback: [
        "\u001b[0;31m----------\u001b[0m",
        "\u001b[0;31mZeroDivisionError\u001b[0m: division by <zero>",
      ],
    }],
  };
  const html = renderNotebookHtml(notebook([
    {
      cell_type: "markdown",
      source:
        '<span id="papermill-error-cell">Execution using papermill encountered an exception here</span>',
      metadata: { tags: ["papermill-error-cell-tag"] },
    },
    failing,
  ]));
  assert.match(html, /<pre class="traceback"><span style="color:rgb\(\d+,\d+,\d+\)">/);
  assert.ok(html.includes("division by &lt;zero&gt;"));
  assert.ok(!html.includes("\u001b"));
  assert.match(html, /class="cell markdown-cell papermill-error"/);
  assert.match(html, /class="cell code-cell failed"/);
});

Deno.test("renderNotebookHtml() hides inputs in report mode and for source_hidden cells", () => {
  const cells = [
    code("secret_source_one()", [{
      output_type: "stream",
      name: "stdout",
      text: "visible output",
    }]),
    code("silent_cell()", []),
    { ...code("secret_source_two()"), metadata: { jupyter: { source_hidden: true } } },
    { ...code("removed_entirely()"), metadata: { tags: ["remove-cell"] } },
  ];
  const report = renderNotebookHtml(notebook(cells), { reportMode: true, title: "Report" });
  assert.ok(!report.includes("secret_source_one"));
  assert.ok(!report.includes("silent_cell"));
  assert.ok(report.includes("visible output"));
  assert.ok(!report.includes("In&nbsp;["));
  assert.match(report, /<title>Report<\/title>/);
  const normal = renderNotebookHtml(notebook(cells));
  assert.ok(normal.includes("secret_source_one"));
  assert.ok(!normal.includes("secret_source_two"));
  assert.ok(!normal.includes("removed_entirely"));
});

Deno.test("renderNotebookHtml() output is self-contained: no network resources of its own", () => {
  const html = renderNotebookHtml(notebook([
    { cell_type: "markdown", source: "See [docs](https://example.org/docs).", metadata: {} },
    code("plot()", [{ output_type: "display_data", data: { "image/png": PNG_1X1 }, metadata: {} }]),
    { cell_type: "raw", source: "raw <text>", metadata: {} },
  ]));
  assert.doesNotMatch(html, /<script\b/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import/i);
  const external = resourceRefs(html).filter((r) => /^(?:https?:)?\/\//i.test(r));
  assert.deepEqual(external, ["https://example.org/docs"]);
  assert.ok(html.includes("raw &lt;text&gt;"));
  assert.match(html, /^<!DOCTYPE html>/);
});

Deno.test("renderNotebookHtml() accepts an empty notebook and odd metadata", () => {
  const html = renderNotebookHtml({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { title: "A <title>" },
    cells: [],
  });
  assert.match(html, /<title>A &lt;title&gt;<\/title>/);
  assert.match(html, /<main class="nb">\s*<\/main>/);
});

Deno.test("renderNotebookHtml() renders a notebook executed by a real IPython kernel", async () => {
  const path = new URL("../testdata/html/executed.ipynb", import.meta.url);
  const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  const html = renderNotebookHtml(nb);
  assert.match(html, /<title>Fixture<\/title>/);
  assert.match(html, /<pre class="stream stdout">hello &lt;world&gt;\n<\/pre>/);
  assert.match(html, /<pre class="stream stderr">warn &amp; more\n<\/pre>/);
  assert.ok(html.includes('<b class="author">bold</b>'));
  assert.match(html, /<em>md<\/em>/);
  assert.match(html, /Out\[3\]:/);
  const traceback = /<pre class="traceback">([^]*?)<\/pre>/.exec(html)?.[1] ?? "";
  assert.match(traceback, /ZeroDivisionError/);
  assert.match(traceback, /<span style="[^"]*color:rgb\(/);
  assert.ok(!html.includes("\u001b"));
  assert.match(html, /class="cell code-cell failed"/);
});
