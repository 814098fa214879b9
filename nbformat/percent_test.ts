import assert from "node:assert/strict";
import {
  cellTags,
  isPercentScript,
  isValidCellId,
  NotebookSyntaxError,
  parseNotebook,
  parsePercent,
  sourceText,
} from "./mod.ts";

Deno.test("parsePercent splits cells at # %% markers and drops blank lines around them", () => {
  const nb = parsePercent(
    [
      "import os",
      "",
      "# %%",
      "",
      "x = 1",
      "",
      "",
      "# %% [markdown]",
      "# # Title",
      "#",
      "# Some *text*",
      "",
      "# %%",
      "# %% [raw]",
      "# raw text",
      "# %%",
      "print(x)  # a comment",
      "",
    ].join("\n"),
    "a.py",
  );
  assert.deepEqual(
    nb.cells.map((cell) => [cell.cell_type, sourceText(cell)]),
    [
      ["code", "import os"],
      ["code", "x = 1"],
      ["markdown", "# Title\n\nSome *text*"],
      ["code", ""],
      ["raw", "raw text"],
      ["code", "print(x)  # a comment"],
    ],
  );
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  const ids = nb.cells.map((cell) => cell.id);
  assert.ok(ids.every(isValidCellId));
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(nb.cells[1], {
    cell_type: "code",
    execution_count: null,
    id: nb.cells[1]!.id,
    metadata: {},
    outputs: [],
    source: "x = 1",
  });
});

Deno.test("parsePercent reads tags, key=value metadata, cell types and titles on the marker", () => {
  const nb = parsePercent(
    [
      '# %% tags=["parameters"]',
      "a = 1",
      '# %% Load data tags=["setup", "slow"] key="value" n=3',
      "b = 2",
      '# %% [markdown] tags=["parameters"]',
      "# Parameters are described here",
      "# %% [md]",
      "# short form",
      "#%% compact",
      "c = 3",
      '# %% {"tags": ["json-form"]}',
      "d = 4",
      "# %% A title = with an equals sign",
      "e = 5",
    ].join("\n"),
    "b.py",
  );
  const cells = nb.cells;
  assert.deepEqual(cells[0]!.metadata, { tags: ["parameters"] });
  assert.deepEqual(cells[1]!.metadata, {
    title: "Load data",
    tags: ["setup", "slow"],
    key: "value",
    n: 3,
  });
  assert.equal(cells[2]!.cell_type, "markdown");
  assert.deepEqual(cellTags(cells[2]!), ["parameters"]);
  assert.equal(sourceText(cells[2]!), "Parameters are described here");
  assert.equal(cells[3]!.cell_type, "markdown");
  assert.deepEqual(cells[4]!.metadata, { title: "compact" });
  assert.deepEqual(cells[5]!.metadata, { tags: ["json-form"] });
  assert.deepEqual(cells[6]!.metadata, { title: "A title = with an equals sign" });
});

Deno.test("parsePercent uses // markers for TypeScript and JavaScript", () => {
  const ts = parsePercent(
    '// %% tags=["parameters"]\nconst x = 1;\n// %% [markdown]\n// Hello\n//\n// world\n// %%\nx;\n',
    "nb.ts",
  );
  assert.deepEqual(ts.cells.map((cell) => sourceText(cell)), [
    "const x = 1;",
    "Hello\n\nworld",
    "x;",
  ]);
  assert.deepEqual(ts.metadata.kernelspec, {
    name: "deno",
    display_name: "Deno",
    language: "typescript",
  });
  assert.deepEqual(ts.metadata.language_info, { name: "typescript" });
  const js = parsePercent("// %%\nlet y = 2;\n# %% not a marker here\n", "nb.js");
  assert.equal(js.cells.length, 1);
  assert.equal(js.metadata.kernelspec?.language, "javascript");
});

Deno.test("parsePercent guesses the kernelspec from the extension; the caller can override it", () => {
  const guesses: [string, string, string][] = [
    ["a.py", "python3", "python"],
    ["a.r", "ir", "R"],
    ["a.R", "ir", "R"],
    ["a.jl", "julia", "julia"],
    ["a.ts", "deno", "typescript"],
    ["a.js", "deno", "javascript"],
  ];
  for (const [path, name, language] of guesses) {
    const nb = parsePercent("x = 1\n", path);
    assert.equal(nb.metadata.kernelspec?.name, name, path);
    assert.equal(nb.metadata.kernelspec?.language, language, path);
    assert.equal(nb.metadata.language_info?.name, language, path);
  }
  const custom = parsePercent("x = 1\n", "a.py", {
    kernelspec: { name: "conda-env-ml", display_name: "ML", language: "python" },
  });
  assert.deepEqual(custom.metadata.kernelspec, {
    name: "conda-env-ml",
    display_name: "ML",
    language: "python",
  });
});

Deno.test("parsePercent skips a jupytext header and takes its notebook metadata", () => {
  const text = [
    "# ---",
    "# jupyter:",
    "#   jupytext:",
    "#     text_representation:",
    "#       extension: .py",
    "#       format_name: percent",
    "#   kernelspec:",
    "#     display_name: Python 3.12",
    "#     language: python",
    "#     name: py312",
    "# ---",
    "",
    "# %%",
    "x = 1",
  ].join("\n");
  const nb = parsePercent(text, "h.py");
  assert.equal(nb.cells.length, 1);
  assert.equal(sourceText(nb.cells[0]!), "x = 1");
  assert.deepEqual(nb.metadata.kernelspec, {
    display_name: "Python 3.12",
    language: "python",
    name: "py312",
  });
  assert.deepEqual(nb.metadata.jupytext, {
    text_representation: { extension: ".py", format_name: "percent" },
  });
});

Deno.test("parsePercent reports a broken jupytext header with its line", () => {
  const text = "# ---\n# jupyter:\n#   kernelspec: [unclosed\n# ---\nx = 1\n";
  assert.throws(() => parsePercent(text, "h.py"), (error: unknown) => {
    assert.ok(error instanceof NotebookSyntaxError);
    assert.equal(error.path, "h.py");
    assert.equal(error.line, 3);
    assert.doesNotMatch(error.message, /line 2/, "no positions relative to the YAML text");
    assert.match(
      error.message,
      /^Cannot parse notebook "h\.py": invalid YAML in the jupytext header/,
    );
    return true;
  });
});

Deno.test("parsePercent treats a script without markers as one code cell; empty as none", () => {
  const nb = parsePercent("#!/usr/bin/env python\nprint(1)\r\nprint(2)\r\n", "s.py");
  assert.deepEqual(nb.cells.map(sourceText), ["#!/usr/bin/env python\nprint(1)\nprint(2)"]);
  assert.equal(parsePercent("", "e.py").cells.length, 0);
  assert.equal(parsePercent("\n\n", "e.py").cells.length, 0);
});

Deno.test("parseNotebook and isPercentScript dispatch on the extension", () => {
  assert.ok(isPercentScript("x.py") && isPercentScript("x.R") && isPercentScript("dir/x.ts"));
  assert.ok(!isPercentScript("x.ipynb") && !isPercentScript("x.txt"));
  const nb = parseNotebook("# %%\nx = 1\n", "x.py");
  assert.equal(nb.cells.length, 1);
});
