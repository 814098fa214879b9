/**
 * Runs the Python introspection snippet for real in IPython's
 * InteractiveShell (the venv's python, no Jupyter client): cells first with
 * store_history=True, then the snippet with store_history=False, silent=True.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ExecutedCell,
  introspectionCode,
  parseIntrospectionResult,
  type Variable,
} from "../runner/introspect.ts";

const PYTHON = Deno.env.get("NBCHAIN_TEST_PYTHON");
const HARNESS = new URL("../testdata/introspect/ipython_harness.py", import.meta.url).pathname;

interface HarnessReport {
  stdout: string;
  nsUnchanged: boolean;
  snippetSucceeded: boolean;
  failedCells: number[];
  cellOutput: string;
}

/** Runs `cells` (notebook index, source) in IPython, then the snippet built for them. */
async function introspect(
  cells: [number, string][],
  options: { maxValueBytes?: number } = {},
): Promise<{ report: HarnessReport; vars: Map<string, Variable> }> {
  assert.ok(PYTHON, "NBCHAIN_TEST_PYTHON must name the test venv's python");
  const executed: ExecutedCell[] = cells.map(([index, source], i) => ({
    index,
    source,
    executionCount: i + 1,
  }));
  const snippet = introspectionCode("python", executed, options);
  const ipythonDir = await mkdtemp(join(tmpdir(), "nbchain-ipython-"));
  try {
    const child = new Deno.Command(PYTHON, {
      args: [HARNESS],
      env: { IPYTHONDIR: ipythonDir, PYTHONDONTWRITEBYTECODE: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(JSON.stringify({ cells: cells.map(([, s]) => s), snippet })),
    );
    await writer.close();
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `the IPython harness failed:\n${stderr}`);
    const report = JSON.parse(new TextDecoder().decode(out.stdout)) as HarnessReport;
    assert.deepEqual(report.failedCells, [], `cells failed:\n${report.cellOutput}`);
    assert.equal(report.snippetSucceeded, true, `the snippet raised:\n${report.stdout}`);
    const vars = new Map(parseIntrospectionResult("python", report.stdout).map((v) => [v.name, v]));
    return { report, vars };
  } finally {
    await rm(ipythonDir, { recursive: true, force: true });
  }
}

const FIRST_CELL = `
import math
a, (b, *rest) = 1, (2, 3, 4)
x = y = "hi"
n: int = 5
n += 1
declared_only: int
big = 2**70
small = -(2**53) + 1
nan = float("nan")
nested = {"k": [1, {"$bigint": 2}], "inf": float("-inf"), "t": (1, None, True)}
class Thing:
    def __repr__(self):
        return "Thing()"
thing = Thing()
def fn():
    pass
total = 0
for i in range(3):
    total += i
`;

Deno.test("python introspection: assignments, latest values, Out[n] and result", async () => {
  const { report, vars } = await introspect([
    [0, FIRST_CELL],
    [2, "a = 10\na * 2"],
    [
      3,
      'text = "x" * 100_000\nmixed = [1, 2.5, "s", None]\ngone = 1\ndel gone\nsilenced = 1\nsilenced;',
    ],
    [5, "%time z = 3\nq = [1]\nq"],
    [6, 'word = "日本"; other = "é"\nblock = {\n    "ü": 1,\n}\n'],
  ]);
  assert.equal(report.nsUnchanged, true, "the snippet leaves the user namespace as it was");
  const get = (name: string) => {
    const v = vars.get(name);
    assert.ok(v, `variable "${name}" missing; got ${[...vars.keys()].join(", ")}`);
    return v;
  };
  assert.deepEqual(get("a"), { name: "a", operation: "a = 10", value: 10, type: "int", cell: 2 });
  assert.deepEqual(get("b"), {
    name: "b",
    operation: "a, (b, *rest) = 1, (2, 3, 4)",
    value: 2,
    type: "int",
    cell: 0,
  });
  assert.deepEqual(get("rest").value, [3, 4]);
  assert.equal(get("x").value, "hi");
  assert.equal(get("y").operation, 'x = y = "hi"');
  assert.deepEqual(get("n"), { name: "n", operation: "n += 1", value: 6, type: "int", cell: 0 });
  assert.equal(get("big").value, 2n ** 70n);
  assert.equal(get("small").value, -(2 ** 53) + 1);
  assert.ok(Number.isNaN(get("nan").value), "nan");
  assert.equal(get("nan").type, "float");
  assert.deepEqual(get("nested").value, {
    k: [1, { $bigint: 2 }],
    inf: -Infinity,
    t: [1, null, true],
  });
  assert.deepEqual(get("thing"), {
    name: "thing",
    operation: "thing = Thing()",
    value: { type: "__main__.Thing", repr: "Thing()" },
    type: "__main__.Thing",
    cell: 0,
  });
  assert.deepEqual(get("total"), {
    name: "total",
    operation: "total = 0",
    value: 3,
    type: "int",
    cell: 0,
  });
  const text = get("text").value as { type: string; repr: string };
  assert.equal(text.type, "str");
  assert.ok(text.repr.length <= 2003, "a value over maxValueBytes becomes a truncated repr");
  assert.deepEqual(get("mixed").value, [1, 2.5, "s", null]);
  assert.deepEqual(get("Out[2]"), {
    name: "Out[2]",
    operation: "a * 2",
    value: 20,
    type: "int",
    cell: 2,
  });
  assert.deepEqual(get("Out[4]").value, [1]);
  assert.deepEqual(get("result"), {
    name: "result",
    operation: "q",
    value: [1],
    type: "list",
    cell: 5,
  });
  for (const absent of ["math", "Thing", "fn", "i", "declared_only", "gone", "Out[3]", "z"]) {
    assert.ok(!vars.has(absent), `"${absent}" should not be a variable`);
  }
  const names = [...vars.keys()];
  assert.ok(names.indexOf("a") < names.indexOf("b"), "first-seen order");
  assert.equal(names.at(-1), "result");
});

Deno.test("python introspection: numpy and pandas paths, and the value size option", async () => {
  // The test venv has neither numpy nor pandas: stand-in modules with the
  // same duck interface exercise the snippet's branches.
  const fakes = `
import sys, types
class FakeArray:
    def __init__(self, data, shape):
        self.data, self.shape, self.size = data, shape, len(data)
    def tolist(self):
        return list(self.data)
    def __repr__(self):
        return "array(...)"
class FakeScalar:
    def __init__(self, v):
        self.v = v
    def item(self):
        return self.v
class FakeFrame:
    def __init__(self, rows):
        self.rows, self.shape = rows, (len(rows), 2)
    def __len__(self):
        return len(self.rows)
    def to_dict(self, orient):
        assert orient == "records"
        return [dict(r) for r in self.rows]
    def __repr__(self):
        return "Frame"
class FakeSeries:
    def __init__(self, values):
        self.values = values
    def __len__(self):
        return len(self.values)
    def tolist(self):
        return list(self.values)
fake_np = types.ModuleType("numpy")
fake_np.ndarray, fake_np.generic = FakeArray, FakeScalar
fake_pd = types.ModuleType("pandas")
fake_pd.DataFrame, fake_pd.Series = FakeFrame, FakeSeries
sys.modules["numpy"], sys.modules["pandas"] = fake_np, fake_pd
`;
  const { vars } = await introspect([
    [0, fakes],
    [
      1,
      [
        "arr = FakeArray([1.5, float('nan')], (2,))",
        "huge = FakeArray(list(range(20000)), (20000,))",
        "scalar = FakeScalar(7)",
        "frame = FakeFrame([{'a': 1, 0: 'x'}])",
        "big_frame = FakeFrame([{'a': i} for i in range(2000)])",
        "series = FakeSeries([1, 2])",
        "medium = list(range(300))",
      ].join("\n"),
    ],
  ], { maxValueBytes: 1000 });
  assert.deepEqual(vars.get("arr")?.value, [1.5, NaN]);
  assert.deepEqual(vars.get("huge")?.value, {
    type: "__main__.FakeArray",
    repr: "array(...)",
    shape: [20000],
  });
  assert.equal(vars.get("scalar")?.value, 7);
  assert.deepEqual(vars.get("frame")?.value, [{ a: 1, "0": "x" }]);
  assert.deepEqual(vars.get("big_frame")?.value, {
    type: "__main__.FakeFrame",
    repr: "Frame",
    shape: [2000, 2],
  });
  assert.deepEqual(vars.get("series")?.value, [1, 2]);
  const medium = vars.get("medium")?.value as { type: string; repr: string };
  assert.equal(medium.type, "list", "300 numbers exceed maxValueBytes 1000");
  assert.match(medium.repr, /^\[0, 1, 2, .*\.\.\.\]$/);
  assert.ok(!vars.has("fake_np") && !vars.has("FakeFrame"), "modules and classes are skipped");
});
