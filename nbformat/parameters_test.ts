import assert from "node:assert/strict";
import {
  type Cell,
  cellTags,
  ERROR_CELL_TAG,
  INJECTED_PARAMETERS_TAG,
  injectParameters,
  isValidCellId,
  newCodeCell,
  newMarkdownCell,
  type Notebook,
  ParameterError,
  parametersCellIndex,
  parseNotebook,
  sourceText,
} from "./mod.ts";

function notebook(cells: Cell[], minor = 5): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: { kernelspec: { name: "python3", language: "python" } },
    cells,
  };
}

const md = (text: string, tags?: string[]) =>
  newMarkdownCell(
    text,
    tags ? { id: text.replace(/\W/g, "") || "m", tags } : { id: "m" + text.length },
  );
const code = (text: string, tags?: string[]) =>
  newCodeCell(text, { id: text.replace(/\W/g, "") || "c", ...(tags ? { tags } : {}) });

/** Cells as [type, source, tags] for compact comparison. */
const shape = (nb: Notebook) => nb.cells.map((c) => [c.cell_type, sourceText(c), cellTags(c)]);

const INJECTED = ["code", "# Parameters\nx = 2\n", [INJECTED_PARAMETERS_TAG]];

Deno.test("injectParameters puts the cell right after the parameters cell", () => {
  const nb = notebook([
    md("Title"),
    code("import os"),
    code("x = 1", ["parameters"]),
    code("print(x)"),
  ]);
  const out = injectParameters(nb, { x: 2 }, { language: "python" });
  assert.deepEqual(shape(out), [
    ["markdown", "Title", []],
    ["code", "import os", []],
    ["code", "x = 1", ["parameters"]],
    INJECTED,
    ["code", "print(x)", []],
  ]);
  assert.equal(parametersCellIndex(nb), 2);
});

Deno.test("injectParameters honours a markdown (or raw) parameters cell", () => {
  const nb = notebook([code("import os"), md("Parameters: x", ["parameters"]), code("print(x)")]);
  const out = injectParameters(nb, { x: 2 }, { language: "python" });
  assert.deepEqual(shape(out)[2], INJECTED);
  assert.equal(out.cells.length, 4);
  assert.equal(parametersCellIndex(nb), 1);
});

Deno.test("injectParameters goes above the first code cell without a parameters cell", () => {
  const nb = notebook([md("Title"), md("Intro"), code("print(x)"), code("y = 1")]);
  const out = injectParameters(nb, { x: 2 }, { language: "python" });
  assert.deepEqual(shape(out)[2], INJECTED);
  assert.equal(parametersCellIndex(nb), -1);
  const onlyMarkdown = injectParameters(notebook([md("a")]), { x: 2 }, { language: "python" });
  assert.deepEqual(shape(onlyMarkdown)[1], INJECTED, "no code cell: at the end");
});

Deno.test("injectParameters replaces an earlier injected cell in place and drops extra ones", () => {
  const nb = notebook([
    code("x = 1", ["parameters"]),
    code("print('between')"),
    code("# Parameters\nx = 5\n", [INJECTED_PARAMETERS_TAG]),
    code("print(x)"),
    code("# Parameters\nx = 6\n", [INJECTED_PARAMETERS_TAG]),
  ]);
  const out = injectParameters(nb, { x: 2 }, { language: "python" });
  assert.deepEqual(shape(out), [
    ["code", "x = 1", ["parameters"]],
    ["code", "print('between')", []],
    INJECTED,
    ["code", "print(x)", []],
  ]);
});

Deno.test("injectParameters removes papermill error cells and records metadata.papermill", () => {
  const nb = notebook([
    md("An Exception was encountered", [ERROR_CELL_TAG]),
    code("x = 1", ["parameters"]),
    md("Execution using papermill encountered an exception here", [ERROR_CELL_TAG]),
    code("raise ValueError(x)"),
  ]);
  nb.metadata.papermill = { version: "2.6.0", parameters: { old: 1 } };
  const out = injectParameters(
    nb,
    { x: 2, big: 2n ** 70n, n: NaN, i: -Infinity, z: -0, nested: { l: [1n, "a"] } },
    { language: "python" },
  );
  assert.deepEqual(
    out.cells.map((c) => c.cell_type),
    ["code", "code", "code"],
  );
  assert.deepEqual(out.metadata.papermill, {
    version: "2.6.0",
    parameters: {
      x: 2,
      big: "1180591620717411303424",
      n: "NaN",
      i: "-Infinity",
      z: 0,
      nested: { l: [1, "a"] },
    },
  });
});

Deno.test("injectParameters with no parameters leaves the notebook as it was", () => {
  const nb = notebook([
    md("error", [ERROR_CELL_TAG]),
    code("x = 1", ["parameters"]),
    code("# Parameters\nx = 5\n", [INJECTED_PARAMETERS_TAG]),
  ]);
  const out = injectParameters(nb, {}, { language: "python" });
  assert.deepEqual(out, nb);
  assert.notEqual(out, nb, "a copy");
  assert.equal(out.metadata.papermill, undefined);
});

Deno.test("injectParameters never changes its input", () => {
  const nb = notebook([code("x = 1", ["parameters"]), code("print(x)")]);
  const before = structuredClone(nb);
  const out = injectParameters(nb, { x: 2 }, { language: "python" });
  assert.deepEqual(nb, before);
  out.cells[0]!.metadata.tags!.push("mutated");
  assert.deepEqual(nb, before);
});

Deno.test("injectParameters gives the new cell an id in nbformat 4.5 only", () => {
  const nb45 = injectParameters(notebook([code("a = 1")]), { x: 2 }, { language: "python" });
  const cell = nb45.cells[0]!;
  assert.ok(isValidCellId(cell.id));
  assert.notEqual(cell.id, nb45.cells[1]!.id);
  assert.deepEqual(Object.keys(cell), [
    "cell_type",
    "execution_count",
    "id",
    "metadata",
    "outputs",
    "source",
  ]);
  const nb44 = injectParameters(notebook([newCodeCell("a = 1")], 4), { x: 2 }, {
    language: "python",
  });
  assert.equal("id" in nb44.cells[0]!, false);
});

Deno.test("injectParameters renders in the given language, falling back to the kernel name", () => {
  const nb = notebook([code("const x = 1;", ["parameters"])]);
  const ts = injectParameters(nb, { x: 2n }, { language: "typescript" });
  assert.equal(sourceText(ts.cells[1]!), "// Parameters\nconst x = 2n;\n");
  const r = injectParameters(nb, { x: true }, { language: "", kernelName: "ir" });
  assert.equal(sourceText(r.cells[1]!), "# Parameters\nx = TRUE\n");
  assert.throws(
    () => injectParameters(nb, { "bad name": 1 }, { language: "python" }),
    ParameterError,
  );
});

Deno.test("injectParameters works on a notebook read from disk", async () => {
  const text = await Deno.readTextFile(new URL("../testdata/nbformat/v4_5.ipynb", import.meta.url));
  const nb = parseNotebook(text, "v4_5.ipynb");
  // The fixture has a parameters cell (index 1) followed by an old injected cell (index 2).
  const out = injectParameters(nb, { n: 7, label: "x" }, { language: "python" });
  assert.equal(out.cells.length, nb.cells.length);
  assert.equal(sourceText(out.cells[2]!), '# Parameters\nn = 7\nlabel = "x"\n');
  assert.deepEqual(out.cells[3], nb.cells[3]);
});

Deno.test("injectParameters redeclares TypeScript names with the notebook's own keyword", () => {
  // Deno's kernel only accepts a redeclaration with the same keyword (const/let/var).
  const nb = notebook([
    code("let rows = 10;\nconst label = 'x';", ["parameters"]),
    code("var total = 0;\nfunction f() { let rows = 1; return rows; }"),
  ]);
  const out = injectParameters(nb, { rows: 5, label: "y", total: 1, extra: true }, {
    language: "typescript",
  });
  assert.equal(
    sourceText(out.cells[1]!),
    '// Parameters\nlet rows = 5;\nconst label = "y";\nvar total = 1;\nconst extra = true;\n',
  );
});
