import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureCellIds,
  isValidCellId,
  newCodeCell,
  newMarkdownCell,
  type Notebook,
  NotebookError,
  parseNotebook,
  serializeNotebook,
  writeNotebook,
} from "./mod.ts";

const DATA = new URL("../testdata/nbformat/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, DATA));

Deno.test("serializeNotebook writes nbformat's layout: indent 1, raw non-ASCII, final newline", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { note: "é 日本 😀 \u2028 \u0001", empty: {}, list: [] },
    cells: [newMarkdownCell(["a\n", "b"])],
  };
  assert.equal(
    serializeNotebook(nb),
    [
      "{",
      ' "nbformat": 4,',
      ' "nbformat_minor": 4,',
      ' "metadata": {',
      '  "note": "é 日本 😀 \u2028 \\u0001",',
      '  "empty": {},',
      '  "list": []',
      " },",
      ' "cells": [',
      "  {",
      '   "cell_type": "markdown",',
      '   "metadata": {},',
      '   "source": [',
      '    "a\\n",',
      '    "b"',
      "   ]",
      "  }",
      " ]",
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("ensureCellIds fixes missing, invalid and duplicate ids only, in nbformat 4.5", async () => {
  const nb = parseNotebook(await fixture("v4_5_bad_ids.ipynb"), "bad.ipynb");
  const before = structuredClone(nb);
  const fixed = ensureCellIds(nb);
  assert.deepEqual(nb, before, "input untouched");
  const ids = fixed.cells.map((cell) => cell.id);
  assert.ok(ids.every(isValidCellId));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids[2], "0f1e2d3c", "valid ids kept");
  assert.equal(ids[4], "with-attachment");
  assert.notEqual(ids[1], "has spaces!");
  assert.notEqual(ids[3], "0f1e2d3c", "the later duplicate is renamed");
  // A new id goes where nbformat's sorted layout puts it; a replaced one keeps its place.
  assert.deepEqual(Object.keys(fixed.cells[0]!), ["cell_type", "id", "metadata", "source"]);
  assert.deepEqual(Object.keys(fixed.cells[1]!), Object.keys(nb.cells[1]!));

  const valid = parseNotebook(await fixture("v4_5.ipynb"), "v4_5.ipynb");
  assert.equal(ensureCellIds(valid), valid, "nothing to fix: same object");
  const old: Notebook = { nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [newCodeCell("1")] };
  assert.equal(ensureCellIds(old), old);
  assert.equal("id" in JSON.parse(serializeNotebook(old)).cells[0], false, "no ids before 4.5");
});

Deno.test("serializeNotebook keeps string and list sources as written", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      newCodeCell("a = 1\nb = 2\n", { id: "s" }),
      newCodeCell(["a = 1\n", "b = 2\n"], { id: "l" }),
    ],
  };
  const back = JSON.parse(serializeNotebook(nb));
  assert.equal(back.cells[0].source, "a = 1\nb = 2\n");
  assert.deepEqual(back.cells[1].source, ["a = 1\n", "b = 2\n"]);
});

Deno.test("writeNotebook replaces the file atomically and keeps its mode", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-write-"));
  try {
    const path = join(dir, "out.ipynb");
    await writeFile(path, "old");
    await Deno.chmod(path, 0o640);
    const nb = parseNotebook(await fixture("v4_4.ipynb"), "v4_4.ipynb");
    await writeNotebook(path, nb);
    assert.equal(await readFile(path, "utf8"), await fixture("v4_4.ipynb"));
    assert.equal((await stat(path)).mode & 0o777, 0o640);
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["out.ipynb"]);

    await assert.rejects(
      writeNotebook(join(dir, "no", "such", "dir.ipynb"), nb),
      (error: unknown) => {
        assert.ok(error instanceof NotebookError);
        assert.match(error.message, /^Cannot write notebook ".*dir\.ipynb": /);
        return true;
      },
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});
