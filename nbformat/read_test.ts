import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NotebookError,
  NotebookFormatError,
  NotebookSyntaxError,
  NotebookVersionError,
  parseNotebook,
  readNotebook,
  serializeNotebook,
} from "./mod.ts";

const DATA = new URL("../testdata/nbformat/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, DATA));

function syntaxError(text: string): NotebookSyntaxError {
  try {
    parseNotebook(text, "x.ipynb");
  } catch (error) {
    assert.ok(error instanceof NotebookSyntaxError, String(error));
    return error;
  }
  assert.fail("expected a syntax error");
}

Deno.test("parseNotebook reports invalid JSON with line and column", () => {
  const error = syntaxError('{\n "cells": [\n  1,\n  ]\n}');
  assert.equal(error.line, 4);
  assert.equal(error.column, 3);
  assert.equal(error.path, "x.ipynb");
  assert.match(
    error.message,
    /^Cannot parse notebook "x\.ipynb": invalid JSON at line 4, column 3: expected a JSON value/,
  );
  assert.ok(error.cause instanceof SyntaxError);
});

Deno.test("parseNotebook locates each kind of JSON error exactly", () => {
  const cases: [string, number, number, RegExp][] = [
    ['{"a": x}', 1, 7, /found 'x'/],
    ['{"a": 1', 1, 8, /found end of input/],
    ["", 1, 1, /end of input/],
    ['{"a":1,}', 1, 8, /property name/],
    ['{\n "a": "b\nc"}', 2, 9, /control character U\+000A/],
    ["[1 2]", 1, 4, /',' or ']'/],
    ['{"a": 1} x', 1, 10, /after the JSON value/],
    ['{"a": "\\q"}', 1, 8, /invalid escape/],
    ['{"a": 01}', 1, 8, /invalid number/],
    ['{"a": "ab', 1, 7, /unterminated string/],
    ['{\n "é😀": tru}', 2, 8, /found 't'/],
    ['{"a" 1}', 1, 6, /':'/],
  ];
  for (const [text, line, column, detail] of cases) {
    const error = syntaxError(text);
    assert.deepEqual([error.line, error.column], [line, column], JSON.stringify(text));
    assert.match(error.message, detail, JSON.stringify(text));
  }
});

Deno.test("parseNotebook accepts NaN and Infinity as Python's json writes them", () => {
  const nb = parseNotebook(
    '{"nbformat": 4, "nbformat_minor": 4, "metadata": {"p": [NaN, Infinity, -Infinity]}, "cells": []}',
    "x.ipynb",
  );
  assert.deepEqual(nb.metadata.p, [NaN, Infinity, -Infinity]);
});

Deno.test("parseNotebook skips a byte order mark", () => {
  const nb = parseNotebook(
    '\ufeff{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": []}',
    "x.ipynb",
  );
  assert.equal(nb.nbformat_minor, 4);
});

Deno.test("parseNotebook rejects nbformat 3 with the conversion command", async () => {
  const text = await fixture("v3.ipynb");
  assert.throws(() => parseNotebook(text, "old.ipynb"), (error: unknown) => {
    assert.ok(error instanceof NotebookVersionError);
    assert.equal(error.nbformat, 3);
    assert.equal(error.path, "old.ipynb");
    assert.match(error.message, /nbformat 3/);
    assert.match(error.message, /jupyter nbconvert --to notebook --nbformat 4 "old\.ipynb"/);
    return true;
  });
  assert.throws(
    () =>
      parseNotebook('{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}', "n.ipynb"),
    NotebookVersionError,
  );
});

Deno.test("parseNotebook names missing or mistyped fields, with the cell index", () => {
  const base = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] as unknown[] };
  const code = { cell_type: "code", metadata: {}, source: "", execution_count: null, outputs: [] };
  const cases: [unknown, RegExp, number | undefined][] = [
    [[], /top level is not a JSON object/, undefined],
    [{ cells: [] }, /no "nbformat" field/, undefined],
    [{ ...base, nbformat_minor: "5" }, /"nbformat_minor" must be/, undefined],
    [{ ...base, metadata: undefined }, /"metadata" must be a JSON object/, undefined],
    [{ ...base, cells: undefined }, /"cells" must be a list/, undefined],
    [{ ...base, cells: [code, { metadata: {}, source: "" }] }, /cells\[1\] has no "cell_type"/, 1],
    [{ ...base, cells: [{ ...code, cell_type: "heading" }] }, /unknown cell_type "heading"/, 0],
    [
      { ...base, cells: [code, code, { cell_type: "markdown", metadata: {} }] },
      /cells\[2\] has no "source"/,
      2,
    ],
    [{ ...base, cells: [{ cell_type: "raw", source: "" }] }, /cells\[0\] has no "metadata"/, 0],
    [{ ...base, cells: [{ ...code, source: ["a", 1] }] }, /"source" must be a string or a list/, 0],
    [
      { ...base, cells: [{ ...code, metadata: { tags: "x" } }] },
      /"metadata.tags" must be a list/,
      0,
    ],
    [
      { ...base, cells: [{ ...code, outputs: undefined }] },
      /cells\[0\]: "outputs" must be a list/,
      0,
    ],
    [{ ...base, cells: [{ ...code, execution_count: 1.5 }] }, /"execution_count" must be/, 0],
    [
      { ...base, cells: [{ ...code, outputs: [{ output_type: "stream", name: "stdout" }] }] },
      /cells\[0\]\.outputs\[0\] \(stream\) has no "text"/,
      0,
    ],
    [
      { ...base, cells: [{ ...code, outputs: [{ output_type: "weird" }] }] },
      /unknown output_type "weird"/,
      0,
    ],
  ];
  for (const [value, message, cellIndex] of cases) {
    assert.throws(() => parseNotebook(JSON.stringify(value), "bad.ipynb"), (error: unknown) => {
      assert.ok(error instanceof NotebookFormatError, String(error));
      assert.match(error.message, /^Cannot read notebook "bad\.ipynb": /);
      assert.match(error.message, message);
      assert.equal(error.cellIndex, cellIndex);
      return true;
    });
  }
});

for (const name of ["v4_0.ipynb", "v4_4.ipynb", "v4_5.ipynb"]) {
  Deno.test(`parse + serialize of ${name} is byte-identical`, async () => {
    const text = await fixture(name);
    const nb = parseNotebook(text, name);
    assert.equal(serializeNotebook(nb), text);
  });
}

Deno.test("parseNotebook keeps unknown fields, key order and source styles", async () => {
  const nb = parseNotebook(await fixture("v4_0.ipynb"), "v4_0.ipynb");
  assert.deepEqual(Object.keys(nb), [
    "nbformat",
    "nbformat_minor",
    "metadata",
    "x_top_level_unknown",
    "cells",
  ]);
  assert.deepEqual(nb.x_top_level_unknown, { keep: ["me", 1, null] });
  assert.equal(nb.cells[1]!.x_cell_unknown, 42);
  assert.equal(typeof nb.cells[0]!.source, "string");
  assert.ok(Array.isArray(nb.cells[1]!.source));
  assert.deepEqual(nb.cells[3]!.source, []);
});

Deno.test("readNotebook reads .ipynb and percent scripts, and reports file errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-read-"));
  try {
    const nb = await readNotebook(new URL("v4_5.ipynb", DATA).pathname);
    assert.equal(nb.cells.length, 5);

    const script = join(dir, "a.py");
    await writeFile(script, '# %% tags=["parameters"]\nx = 1\n');
    const fromScript = await readNotebook(script);
    assert.equal(fromScript.metadata.kernelspec?.name, "python3");
    const custom = await readNotebook(script, {
      kernelspec: { name: "py312", language: "python" },
    });
    assert.equal(custom.metadata.kernelspec?.name, "py312");

    await assert.rejects(readNotebook(join(dir, "missing.ipynb")), (error: unknown) => {
      assert.ok(error instanceof NotebookError);
      assert.match(error.message, /^Cannot read notebook ".*missing\.ipynb": no such file$/);
      return true;
    });
    await assert.rejects(readNotebook(join(dir, "notes.txt")), /unsupported extension "\.txt"/);
    const latin1 = join(dir, "latin1.ipynb");
    await writeFile(latin1, new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    await assert.rejects(readNotebook(latin1), /not valid UTF-8/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
