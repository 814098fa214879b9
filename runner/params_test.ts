import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cartesian,
  coerceCliValue,
  loadParameterSets,
  mergeCliParameters,
  ParamsError,
} from "./params.ts";

const FIXTURES = new URL("../testdata/runner/params/", import.meta.url).pathname;

async function withFile(
  name: string,
  text: string,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-params-"));
  try {
    const path = join(dir, name);
    await writeFile(path, text);
    await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<ParamsError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ParamsError, `expected a ParamsError, got ${caught}`);
  assert.match(caught.message, pattern);
  assert.equal(caught.exitCode, 2);
  return caught;
}

Deno.test("loadParameterSets: an object is one set; dates stay strings; big ints stay exact", async () => {
  const sets = await loadParameterSets(join(FIXTURES, "one.yaml"));
  assert.deepEqual(sets, [{
    region: "eu",
    day: "2024-01-31",
    big: 12345678901234567890n,
    small: 42,
    ratio: 0.5,
    flag: true,
    answer: "yes",
    nothing: null,
    nested: { a: [1, 2] },
  }]);
});

Deno.test("loadParameterSets: JSON files are read (YAML is a JSON superset)", async () => {
  const sets = await loadParameterSets(join(FIXTURES, "list.json"));
  assert.deepEqual(sets, [{ x: 1, y: "a" }, { x: 2, y: "b" }]);
  await withFile("p.json", '{\n\t"n": 99999999999999999999,\n\t"s": "a\\/b"\n}', async (p) => {
    assert.deepEqual(await loadParameterSets(p), [{ n: 99999999999999999999n, s: "a/b" }]);
  });
});

Deno.test("loadParameterSets: an object of lists is zipped, or crossed with grid", async () => {
  const path = join(FIXTURES, "lists.yaml");
  assert.deepEqual(await loadParameterSets(path), [
    { region: "eu", lr: 0.1, seed: 1 },
    { region: "eu", lr: 0.01, seed: 2 },
  ]);
  assert.deepEqual(await loadParameterSets(path, { grid: true }), [
    { region: "eu", lr: 0.1, seed: 1 },
    { region: "eu", lr: 0.1, seed: 2 },
    { region: "eu", lr: 0.01, seed: 1 },
    { region: "eu", lr: 0.01, seed: 2 },
  ]);
});

Deno.test("loadParameterSets: unequal lists name the keys and their lengths", async () => {
  await withFile("p.yaml", "a: [1, 2]\nb: [1, 2, 3]\n", async (p) => {
    await rejectsWith(
      loadParameterSets(p),
      /^error: .*p\.yaml:1: lists must have equal lengths .* "a" has 2, "b" has 3; .*--grid/,
    );
    assert.equal((await loadParameterSets(p, { grid: true })).length, 6);
  });
});

Deno.test("loadParameterSets: bad shapes are usage errors with a fix hint", async () => {
  await withFile("p.yaml", "- {a: 1}\n- {a: 2}\n- just text\n", async (p) => {
    const e = await rejectsWith(
      loadParameterSets(p),
      /p\.yaml:3: list entry 3 is a string, expected an object of parameters; write each set as \{name: value\}$/,
    );
    assert.equal(e.line, 3);
  });
  await withFile("p.yaml", "[]", async (p) => {
    await rejectsWith(loadParameterSets(p), /the list is empty/);
  });
  await withFile("p.yaml", "42\n", async (p) => {
    await rejectsWith(loadParameterSets(p), /holds an integer, expected an object/);
  });
  await withFile("p.yaml", "# only a comment\n", async (p) => {
    await rejectsWith(loadParameterSets(p), /holds null/);
  });
  await withFile("p.yaml", "a: []\nb: 1\n", async (p) => {
    await rejectsWith(loadParameterSets(p), /p\.yaml:1: the list "a" is empty/);
  });
  await rejectsWith(loadParameterSets(join(FIXTURES, "missing.yaml")), /does not exist/);
  await rejectsWith(loadParameterSets(FIXTURES), /is a directory/);
});

Deno.test("loadParameterSets: syntax errors give line and column", async () => {
  await withFile("p.yaml", "a: 1\nb: [1, 2\nc: 3\n", async (p) => {
    const e = await rejectsWith(loadParameterSets(p), /p\.yaml:3:1: invalid YAML\/JSON: .*; fix/);
    assert.ok(e.cause instanceof Error);
  });
  await withFile("p.yaml", "a: 1\na: 2\n", async (p) => {
    await rejectsWith(loadParameterSets(p), /p\.yaml:2:1: .*unique/);
  });
  await withFile("p.yaml", "a: !!python/tuple [1, 2]\n", async (p) => {
    await rejectsWith(loadParameterSets(p), /p\.yaml:1:4: .*tag.*only plain values/);
  });
});

Deno.test("loadParameterSets: an empty object is one empty set; merge keys work", async () => {
  await withFile("p.yaml", "{}", async (p) => {
    assert.deepEqual(await loadParameterSets(p), [{}]);
  });
  await withFile("p.yaml", "- &base {a: 1, b: 2}\n- {<<: *base, b: 3}\n", async (p) => {
    assert.deepEqual(await loadParameterSets(p), [{ a: 1, b: 2 }, { a: 1, b: 3 }]);
  });
});

Deno.test("coerceCliValue: booleans and null, YAML and Python spellings", () => {
  for (const t of ["true", "True", "TRUE"]) assert.equal(coerceCliValue(t), true);
  for (const t of ["false", "False", "FALSE"]) assert.equal(coerceCliValue(t), false);
  for (const t of ["null", "Null", "NULL", "~", "None"]) assert.equal(coerceCliValue(t), null);
  for (const t of ["yes", "no", "on", "off", "none", "tRUE"]) assert.equal(coerceCliValue(t), t);
});

Deno.test("coerceCliValue: integers, exact when big", () => {
  assert.equal(coerceCliValue("42"), 42);
  assert.equal(coerceCliValue("-7"), -7);
  assert.equal(coerceCliValue("+5"), 5);
  assert.equal(coerceCliValue("007"), 7);
  assert.equal(coerceCliValue("-0"), 0);
  assert.ok(Object.is(coerceCliValue("-0"), 0));
  assert.equal(coerceCliValue("1_000"), 1000);
  assert.equal(coerceCliValue("0x1f"), 31);
  assert.equal(coerceCliValue("-0x10"), -16);
  assert.equal(coerceCliValue("0o17"), 15);
  assert.equal(coerceCliValue("9007199254740991"), 9007199254740991);
  assert.equal(coerceCliValue("9007199254740993"), 9007199254740993n);
  assert.equal(coerceCliValue("-123456789012345678901234567890"), -123456789012345678901234567890n);
});

Deno.test("coerceCliValue: floats, nan and inf", () => {
  assert.equal(coerceCliValue("0.1"), 0.1);
  assert.equal(coerceCliValue(".5"), 0.5);
  assert.equal(coerceCliValue("5."), 5);
  assert.equal(coerceCliValue("1e3"), 1000);
  assert.equal(coerceCliValue("-2.5E-3"), -0.0025);
  assert.equal(coerceCliValue("1_000.5"), 1000.5);
  for (const t of ["nan", "NaN", ".nan", ".NaN", "NAN"]) assert.ok(Number.isNaN(coerceCliValue(t)));
  for (const t of ["inf", "Infinity", ".inf", "+inf", ".Inf"]) {
    assert.equal(coerceCliValue(t), Infinity);
  }
  for (const t of ["-inf", "-.inf", "-Infinity"]) assert.equal(coerceCliValue(t), -Infinity);
});

Deno.test("coerceCliValue: everything else is the string, byte for byte", () => {
  for (
    const t of [
      "",
      " 1",
      "1 ",
      "eu",
      "[1, 2]",
      "a: b",
      "1.2.3",
      "1__0",
      "_1",
      "0x",
      "2024-01-31",
      "naN2",
      '\u00e9\n\t"',
      "'unterminated",
    ]
  ) {
    assert.equal(coerceCliValue(t), t);
  }
  assert.equal(coerceCliValue('"42"'), "42");
  assert.equal(coerceCliValue("'true'"), "true");
  assert.equal(coerceCliValue('"a\\tb"'), "a\tb");
  assert.equal(coerceCliValue("'it''s'"), "it's");
});

Deno.test("mergeCliParameters: -f, then -y, then -p, then -r; later wins", async () => {
  await withFile("base.yaml", "a: 1\nb: 1\nc: 1\nd: 1\nday: 2024-01-01\n", async (file) => {
    const merged = await mergeCliParameters({
      raw: [["d", "4"]],
      params: [["c", "3"], ["d", "3"]],
      yaml: ["{b: 2, c: 2, d: 2}", ""],
      files: [file],
    });
    assert.deepEqual(merged, { a: 1, b: 2, c: 3, d: "4", day: "2024-01-01" });
  });
  assert.deepEqual(await mergeCliParameters({}), {});
  await rejectsWith(mergeCliParameters({ yaml: ["[1, 2]"] }), /^error: -y: expected an object/);
  await rejectsWith(mergeCliParameters({ yaml: ["a: [1"] }), /^error: -y:1:\d+: invalid YAML/);
  await rejectsWith(mergeCliParameters({ files: ["/nonexistent/x.yaml"] }), /does not exist/);
});

Deno.test("cartesian: last key varies fastest; no keys is one empty combination", () => {
  assert.deepEqual(cartesian(["a", "b"], [[1, 2], ["x", "y"]]), [
    { a: 1, b: "x" },
    { a: 1, b: "y" },
    { a: 2, b: "x" },
    { a: 2, b: "y" },
  ]);
  assert.deepEqual(cartesian([], []), [{}]);
});
