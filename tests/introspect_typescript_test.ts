/**
 * Runs the TypeScript introspection snippet for real: the executed cells and
 * the snippet are written into one module run by `deno run`, where the
 * cells' top-level declarations are in scope as in Deno's kernel.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ExecutedCell,
  introspectionCode,
  parseIntrospectionResult,
} from "../runner/introspect.ts";

const CELL_0 = `
const a = 1, { b, c: [d, ...e] } = { b: "x", c: [1, 2, 3] }
let n: number = 5
n += 2
const big = 2n ** 70n
const nan = NaN, inf = -Infinity
const nested = { k: [1, { $bigint: "no" }], u: undefined, deep: { m: new Map([[1, 2]]) } }
const when = new Date(0)
const f = (x: number) => x
class K { v = 1 }
const k = new K()
const arr = new Array(20000).fill(0)
const typed = new Float64Array([0.5, NaN])
const cyc: unknown[] = []
cyc.push(cyc)
const text = "x".repeat(100_000)
`;

const CELL_2 = `
n = 10
let total = 0
for (let i = 0; i < 3; i++) total += i
`;

Deno.test("typescript introspection: declarations, latest values, tagged and opaque values", async () => {
  const ran: ExecutedCell[] = [
    { index: 0, source: CELL_0, executionCount: 1 },
    { index: 2, source: CELL_2, executionCount: 2 },
  ];
  const listed: ExecutedCell[] = [
    ...ran,
    { index: 4, source: "ghost = 1", executionCount: 3 }, // never declared: must be skipped
    { index: 5, source: "let late = 1", executionCount: 4 }, // read while in its dead zone
  ];
  const program = [
    ...ran.map((c) => c.source),
    "const globalsBefore = Object.getOwnPropertyNames(globalThis).join()",
    introspectionCode("typescript", listed),
    'console.log("GLOBALS_SAME", Object.getOwnPropertyNames(globalThis).join() === globalsBefore)',
    "let late = 1",
    "console.log(late)",
  ].join("\n;\n");
  const dir = await mkdtemp(join(tmpdir(), "nbchain-ts-introspect-"));
  try {
    const file = join(dir, "cells.ts");
    await writeFile(file, program);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--no-lock", file],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `deno run failed:\n${new TextDecoder().decode(out.stderr)}`);
    assert.match(stdout, /^GLOBALS_SAME true$/m, "the snippet adds no globals");
    const vars = new Map(parseIntrospectionResult("typescript", stdout).map((v) => [v.name, v]));
    const get = (name: string) => {
      const v = vars.get(name);
      assert.ok(v, `variable "${name}" missing; got ${[...vars.keys()].join(", ")}`);
      return v;
    };
    const decl = 'const a = 1, { b, c: [d, ...e] } = { b: "x", c: [1, 2, 3] }';
    assert.deepEqual(get("a"), { name: "a", operation: decl, value: 1, type: "number", cell: 0 });
    assert.equal(get("b").value, "x");
    assert.equal(get("d").value, 1);
    assert.deepEqual(get("e").value, [2, 3]);
    assert.deepEqual(get("n"), {
      name: "n",
      operation: "n = 10",
      value: 10,
      type: "number",
      cell: 2,
    });
    assert.deepEqual(get("big"), {
      name: "big",
      operation: "const big = 2n ** 70n",
      value: 2n ** 70n,
      type: "bigint",
      cell: 0,
    });
    assert.ok(Number.isNaN(get("nan").value));
    assert.equal(get("inf").value, -Infinity);
    assert.deepEqual(get("nested").value, {
      k: [1, { $bigint: "no" }],
      u: { type: "undefined", repr: "undefined" },
      deep: { m: { type: "Map", repr: "Map(1) { 1 => 2 }" } },
    });
    assert.deepEqual(get("when").value, { type: "Date", repr: "1970-01-01T00:00:00.000Z" });
    assert.deepEqual(get("k"), {
      name: "k",
      operation: "const k = new K()",
      value: { type: "K", repr: "K { v: 1 }" },
      type: "K",
      cell: 0,
    });
    const arr = get("arr").value as { type: string; shape: number[] };
    assert.equal(arr.type, "Array");
    assert.deepEqual(arr.shape, [20000]);
    assert.deepEqual(get("typed").value, [0.5, NaN]);
    assert.equal(get("typed").type, "Float64Array");
    assert.deepEqual(get("cyc").value, [{ type: "Array", repr: "<recursive>" }]);
    const text = get("text").value as { type: string; repr: string };
    assert.equal(text.type, "string");
    assert.ok(text.repr.length <= 2003, "a value over maxValueBytes becomes a truncated repr");
    assert.deepEqual(get("total"), {
      name: "total",
      operation: "let total = 0",
      value: 3,
      type: "number",
      cell: 2,
    });
    for (const absent of ["f", "K", "i", "ghost", "late", "globalsBefore"]) {
      assert.ok(!vars.has(absent), `"${absent}" should not be a variable`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
