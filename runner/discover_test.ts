import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { compareNatural, comparePaths, DiscoverError, discoverNotebooks } from "./discover.ts";

const TREE = new URL("../testdata/runner/discover/tree", import.meta.url).pathname;

async function rel(dir: string, options?: Parameters<typeof discoverNotebooks>[1]) {
  return (await discoverNotebooks(dir, options)).map((p) => relative(dir, p));
}

Deno.test("discoverNotebooks: top level, natural order, scripts only with cell markers", async () => {
  assert.deepEqual(await rel(TREE), [
    "1_Add.ipynb",
    "2_Sub.py",
    "3_plot.ts",
    "4_r.R",
    "5_j.jl",
    "10_Mul.ipynb",
    "11_scratch.js",
  ]);
  const absolute = await discoverNotebooks(TREE);
  assert.equal(absolute[0], join(TREE, "1_Add.ipynb"));
});

Deno.test("discoverNotebooks: recursive compares path segments and skips hidden dirs", async () => {
  assert.deepEqual(await rel(TREE, { recursive: true }), [
    "1_Add.ipynb",
    "2_Sub.py",
    "3_plot.ts",
    "4_r.R",
    "5_j.jl",
    "10_Mul.ipynb",
    "11_scratch.js",
    "drafts/draft_1.ipynb",
    "sub/2_inner.ipynb",
    "sub/10_later.ipynb",
    "sub/deeper/1_x.ipynb",
  ]);
});

Deno.test("discoverNotebooks: include and exclude globs", async () => {
  assert.deepEqual(await rel(TREE, { recursive: true, include: ["*.ipynb"] }), [
    "1_Add.ipynb",
    "10_Mul.ipynb",
    "drafts/draft_1.ipynb",
    "sub/2_inner.ipynb",
    "sub/10_later.ipynb",
    "sub/deeper/1_x.ipynb",
  ]);
  assert.deepEqual(
    await rel(TREE, { recursive: true, include: ["sub/**"], exclude: ["sub/deeper/**"] }),
    ["sub/2_inner.ipynb", "sub/10_later.ipynb"],
  );
  assert.deepEqual(
    await rel(TREE, { recursive: true, exclude: ["drafts", "sub", "*.{py,ts,js}", "1*"] }),
    ["4_r.R", "5_j.jl"],
  );
});

Deno.test("discoverNotebooks: skips nbchain-runs, node_modules, symlinked dirs; follows symlinked files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-discover-"));
  try {
    const nb = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}';
    for (const d of ["nbchain-runs/r1", "node_modules/p", "__pycache__", "real"]) {
      await mkdir(join(dir, d), { recursive: true });
    }
    await writeFile(join(dir, "nbchain-runs/r1/a.ipynb"), nb);
    await writeFile(join(dir, "node_modules/p/i.js"), "// %%\n");
    await writeFile(join(dir, "real/b.ipynb"), nb);
    await symlink(join(dir, "real"), join(dir, "loop"));
    await symlink(join(dir, "real/b.ipynb"), join(dir, "c.ipynb"));
    await symlink(join(dir, "missing.ipynb"), join(dir, "dangling.ipynb"));
    assert.deepEqual(await rel(dir, { recursive: true }), ["c.ipynb", "real/b.ipynb"]);
    assert.deepEqual(await rel(dir), ["c.ipynb"]);
    assert.deepEqual(await rel(join(dir, "__pycache__")), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("discoverNotebooks: a missing directory or a file is a usage error", async () => {
  await assert.rejects(discoverNotebooks(join(TREE, "nope")), (e: unknown) => {
    assert.ok(e instanceof DiscoverError);
    assert.match(e.message, /^error: .*nope: can't read the directory .*; check the path$/);
    assert.equal(e.exitCode, 2);
    return true;
  });
  await assert.rejects(discoverNotebooks(join(TREE, "1_Add.ipynb")), /not a directory/);
});

Deno.test("compareNatural and comparePaths: numbers by value, total order", () => {
  const names = ["b10", "b2", "B2", "a", "10", "9", "01", "1", "a1b", "a1a", "a01"];
  assert.deepEqual([...names].sort(compareNatural), [
    "01",
    "1",
    "9",
    "10",
    "a",
    "a01",
    "a1a",
    "a1b",
    "B2",
    "b2",
    "b10",
  ]);
  assert.equal(compareNatural("x", "x"), 0);
  assert.equal(compareNatural("99999999999999999999999", "100000000000000000000000") < 0, true);
  assert.deepEqual(
    ["10_b/a.ipynb", "2_c.ipynb", "2_b/z.ipynb", "2_b"].sort(comparePaths),
    ["2_b", "2_b/z.ipynb", "2_c.ipynb", "10_b/a.ipynb"],
  );
});
