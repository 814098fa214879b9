import assert from "node:assert/strict";
import fc from "fast-check";
import {
  INTROSPECTION_MARKER,
  introspectionCode,
  IntrospectionError,
  latestValues,
  mergeVariables,
  parseIntrospectionResult,
  scrapbookScraps,
  supportsIntrospection,
  type Variable,
} from "./introspect.ts";
import { topLevelAssignments } from "./_assignments_ts.ts";
import { typescriptSpecs } from "./_introspect_typescript.ts";
import type { Notebook, Output } from "../nbformat/types.ts";

function line(payload: unknown): string {
  return `${INTROSPECTION_MARKER}${JSON.stringify(payload)}\n`;
}

function variable(name: string, value: unknown, cell = 0): Variable {
  return { name, operation: `${name} = ...`, value, type: "int", cell };
}

Deno.test("parseIntrospectionResult decodes tagged values", () => {
  const vars = parseIntrospectionResult(
    "python",
    "noise before\n" + line({
      v: 1,
      vars: [
        {
          name: "big",
          operation: "big = 2**70",
          value: { $bigint: "-1180591620717411303424" },
          type: "int",
          cell: 0,
        },
        {
          name: "f",
          operation: "f = ...",
          value: [{ $float: "nan" }, { $float: "inf" }, { $float: "-inf" }, 1.5],
          type: "list",
          cell: 1,
        },
        {
          name: "d",
          operation: "d = ...",
          value: { $object: { $bigint: { $float: "nan" } } },
          type: "dict",
          cell: 2,
        },
        {
          name: "o",
          operation: "o = C()",
          value: { type: "C", repr: "<C>" },
          type: "C",
          cell: null,
        },
        {
          name: "p",
          operation: "p = ...",
          value: { ["__proto__"]: 1, a: null },
          type: "dict",
          cell: 3,
        },
      ],
    }) + "noise after\n",
  );
  assert.equal(vars.length, 5);
  assert.equal(vars[0]!.value, -1180591620717411303424n);
  assert.deepEqual(vars[1]!.value, [NaN, Infinity, -Infinity, 1.5]);
  assert.deepEqual(vars[2]!.value, { $bigint: NaN });
  assert.deepEqual(vars[3], {
    name: "o",
    operation: "o = C()",
    value: { type: "C", repr: "<C>" },
    type: "C",
    cell: null,
  });
  const p = vars[4]!.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(p), Object.prototype, "a __proto__ key stays a plain key");
  assert.deepEqual(Object.keys(p), ["__proto__", "a"]);
});

Deno.test("parseIntrospectionResult accepts CRLF and an empty list", () => {
  assert.deepEqual(
    parseIntrospectionResult("typescript", `${INTROSPECTION_MARKER}{"v":1,"vars":[]}\r\n`),
    [],
  );
});

Deno.test("parseIntrospectionResult rejects missing, invalid or malformed output clearly", () => {
  const bad: [string, RegExp][] = [
    ["nothing to see", /has no "__NBCHAIN_VARS__" line \(output: "nothing to see"\)/],
    [`${INTROSPECTION_MARKER}{"v":1,"vars":[}\n`, /JSON after "__NBCHAIN_VARS__" is invalid/],
    [line({ v: 2, vars: [] }), /not a version 1 object/],
    [line({ v: 1 }), /no "vars" list/],
    [line({ v: 1, error: "NameError: boom" }), /snippet failed in the kernel: NameError: boom/],
    [
      line({ v: 1, vars: [{ name: "x", operation: "x = 1", type: "int", cell: 0 }] }),
      /entry 0 is not/,
    ],
    [
      line({ v: 1, vars: [{ name: "x", operation: "x = 1", value: 1, type: "int", cell: 1.5 }] }),
      /entry 0/,
    ],
    [
      line({
        v: 1,
        vars: [{ name: "x", operation: "", value: { $bigint: "12a" }, type: "int", cell: 0 }],
      }),
      /value of "x" is malformed/,
    ],
    [
      line({
        v: 1,
        vars: [{ name: "y", operation: "", value: [{ $what: 1 }], type: "list", cell: 0 }],
      }),
      /"y"/,
    ],
  ];
  for (const [output, message] of bad) {
    assert.throws(
      () => parseIntrospectionResult("python", output),
      (error: unknown) =>
        error instanceof IntrospectionError && error.language === "python" &&
        message.test(error.message) &&
        error.message.startsWith("Cannot read the variables from the python kernel"),
      output,
    );
  }
});

Deno.test("mergeVariables: later wins, first-seen order kept", () => {
  const merged = mergeVariables(
    [variable("a", 1), variable("b", 2)],
    [variable("c", 3), variable("a", 10, 4)],
    [variable("b", 20, 5)],
  );
  assert.deepEqual(merged.map((v) => [v.name, v.value, v.cell]), [["a", 10, 4], ["b", 20, 5], [
    "c",
    3,
    0,
  ]]);
  assert.deepEqual(mergeVariables(), []);
});

Deno.test("latestValues maps names to their last value", () => {
  const values = latestValues([variable("x", 1), variable("__proto__", 2), variable("x", 3n)]);
  assert.deepEqual(Object.keys(values), ["x", "__proto__"]);
  assert.equal(values.x, 3n);
  assert.equal(Object.getOwnPropertyDescriptor(values, "__proto__")?.value, 2);
});

function notebook(...cells: Output[][]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", source: "# title", metadata: {} },
      ...cells.map((outputs, i) => ({
        cell_type: "code" as const,
        source: "",
        metadata: {},
        execution_count: i + 1,
        outputs,
      })),
    ],
  };
}

function glue(name: string, data: unknown, encoder: string): Output {
  return {
    output_type: "display_data",
    data: {
      [`application/scrapbook.scrap.${encoder}+json`]: { name, data, encoder, version: 1 },
    } as never,
    metadata: { scrapbook: { name, data: true, display: false } },
  };
}

Deno.test("scrapbookScraps reads glue and legacy record outputs; later scraps win", () => {
  const nb = notebook(
    [glue("n", 3, "json"), glue("msg", "hello", "text"), {
      output_type: "stream",
      name: "stdout",
      text: "x",
    }],
    [
      glue("n", { a: [1, 2.5] }, "json"),
      glue("df", "UEFSMQ==", "pandas"),
      glue("s", '{"k": 1}', "json"),
      {
        output_type: "display_data",
        data: { "text/plain": ["shown"] },
        metadata: { scrapbook: { name: "shown", data: false, display: true } },
      },
      {
        output_type: "display_data",
        data: { "application/papermill.record+json": { old: [1, 2] } },
        metadata: {},
      },
      glue("odd", { z: 1 }, "custom"),
    ],
  );
  const scraps = scrapbookScraps(nb);
  assert.deepEqual(scraps.map((s) => s.name), ["n", "msg", "df", "s", "old", "odd"]);
  assert.deepEqual(scraps[0], {
    name: "n",
    operation: 'glue("n", ..., encoder="json")',
    value: { a: [1, 2.5] },
    type: "dict",
    cell: 2,
  });
  assert.deepEqual(scraps[1], {
    name: "msg",
    operation: 'glue("msg", ..., encoder="text")',
    value: "hello",
    type: "str",
    cell: 1,
  });
  assert.equal(scraps[2]!.type, "pandas.core.frame.DataFrame");
  assert.deepEqual(Object.keys(scraps[2]!.value as object), ["type", "repr"]);
  assert.deepEqual(
    scraps[3]!.value,
    { k: 1 },
    "a json scrap stored as JSON text is parsed, as scrapbook does",
  );
  assert.deepEqual(scraps[4], {
    name: "old",
    operation: 'record("old", ...)',
    value: [1, 2],
    type: "list",
    cell: 2,
  });
  assert.deepEqual(scraps[5]!.value, { type: "scrapbook.custom", repr: '{"z":1}' });
  assert.deepEqual(scrapbookScraps(notebook()), []);
});

Deno.test("introspectionCode: languages, options, and the Python form", () => {
  assert.equal(supportsIntrospection("python"), true);
  assert.equal(supportsIntrospection("TypeScript"), true);
  assert.equal(supportsIntrospection("javascript"), true);
  assert.equal(supportsIntrospection("R"), false);
  assert.throws(
    () => introspectionCode("R", []),
    (e: unknown) => e instanceof IntrospectionError && /"R"/.test(e.message),
  );
  assert.throws(() => introspectionCode("python", [], { maxValueBytes: -1 }), RangeError);
  const code = introspectionCode("python", [{
    index: 0,
    source: 'x = "\\u2028 \ud800 `${y}`"',
    executionCount: 1,
  }]);
  assert.match(code, /^exec\(".*", \{"__name__": "__nbchain__", .*globals\(\)\}\)\n$/s);
  assert.equal(
    code.split("\n").length,
    2,
    "one line: the program and arguments are string literals",
  );
  const ts = introspectionCode("typescript", [{
    index: 4,
    source: "const a = 1\nb = 2",
    executionCount: 1,
  }]);
  assert.match(ts, /^void \(/);
  assert.match(ts, /\[\(\) => a, \(\) => b\]/);
});

Deno.test("typescriptSpecs keeps the latest statement per name in first-seen order", () => {
  const specs = typescriptSpecs([
    { index: 0, source: "let n = 1\nconst m = 2" },
    { index: 3, source: "n += 5" },
  ]);
  assert.deepEqual(specs, [
    { name: "n", operation: "n += 5", cell: 3 },
    { name: "m", operation: "const m = 2", cell: 0 },
  ]);
});

function scan(source: string): [string[], string][] {
  return topLevelAssignments(source).map((a) => [a.names, a.statement]);
}

Deno.test("TS scanner: declarations, destructuring and comma lists", () => {
  assert.deepEqual(
    scan(
      "const a = 1, b = [1, 2], c = { x: '}' }\n" +
        "let { d, e: f, ...g } = obj, [h, , i = 2, ...j] = arr;\n" +
        "var k: Map<string, number> = new Map<string, number>(), l = 3\n" +
        "let declared: number\n" +
        "const { p: { q }, ['r']: s = f(1, 2) } = o\n",
    ),
    [
      [["a", "b", "c"], "const a = 1, b = [1, 2], c = { x: '}' }"],
      [["d", "f", "g", "h", "i", "j"], "let { d, e: f, ...g } = obj, [h, , i = 2, ...j] = arr;"],
      [["k", "l"], "var k: Map<string, number> = new Map<string, number>(), l = 3"],
      [["declared"], "let declared: number"],
      [["q", "s"], "const { p: { q }, ['r']: s = f(1, 2) } = o"],
    ],
  );
});

Deno.test("TS scanner: assignment statements", () => {
  assert.deepEqual(
    scan(
      "m = 4\nn += 5\no = p = 6;\n[q, r] = [r, q];\n({ s, t: u } = obj);\nx.y = 5\narr[0] = 1\nv ??= 2\nw == 3\n",
    ),
    [
      [["m"], "m = 4"],
      [["n"], "n += 5"],
      [["o", "p"], "o = p = 6;"],
      [["q", "r"], "[q, r] = [r, q];"],
      [["s", "u"], "({ s, t: u } = obj);"],
      [["v"], "v ??= 2"],
    ],
  );
});

Deno.test("TS scanner: ignores nested code, strings, templates, comments and regexes", () => {
  assert.deepEqual(
    scan(
      "// const fake = 1\n/* let fake2 = 2 */\nconst s = 'let no = 1'\n" +
        "const tpl = `a ${`nested ${'}'} ${{ x: 1 }.x}`} b`\n" +
        'const re = /[}"]/g, div = 4 / 2 / 1\n' +
        "if (cond) v = 1\nelse w = 2\n" +
        "for (let z = 0; z < 3; z++) { zz = z }\n" +
        "while (x) y = 1\n" +
        "do { dd = 1 } while (false)\n" +
        "try { t1 = 1 } catch (e) { t2 = 2 } finally { t3 = 3 }\n" +
        "switch (k) { case 1: sw = 1 }\n" +
        "function fn(a: number): { y: number } { const inner = 1; return { y: a } }\n" +
        "async function af<T>(x: T): Promise<T> { const inner2 = x; return x }\n" +
        "class K<T extends { a: 1 }> extends Base { x = 1 }\n" +
        "type Alias = { a: number }\ninterface I { z: number }\nenum E { A, B }\nconst enum CE { A }\n" +
        "declare const dc: number\nimport x from 'y'\nlabel: for (;;) { break label }\n" +
        "{ blockVar = 1 }\n" +
        "const after = 1\n",
    ),
    [
      [["s"], "const s = 'let no = 1'"],
      [["tpl"], "const tpl = `a ${`nested ${'}'} ${{ x: 1 }.x}`} b`"],
      [["re", "div"], 'const re = /[}"]/g, div = 4 / 2 / 1'],
      [["after"], "const after = 1"],
    ],
  );
});

Deno.test("TS scanner: statements end where JavaScript inserts semicolons", () => {
  assert.deepEqual(
    scan(
      "const chained = arr\n  .map((x) => x * 2)\n  .filter(Boolean)\n" +
        "const arrow = (x: number) => {\n  const hidden = x\n  return hidden\n}\n" +
        "const multi = 1 +\n  2\n" +
        "const tern = c\n  ? 1\n  : 2\n" +
        "const el = document.getElementById('x')!\n" +
        "const id = <T,>(x: T) => x\n" +
        "let i = 0\ni++\n" +
        "const t: Array<number>\n  = [1]\n" +
        "let last = 1",
    ),
    [
      [["chained"], "const chained = arr\n  .map((x) => x * 2)\n  .filter(Boolean)"],
      [["arrow"], "const arrow = (x: number) => {\n  const hidden = x\n  return hidden\n}"],
      [["multi"], "const multi = 1 +\n  2"],
      [["tern"], "const tern = c\n  ? 1\n  : 2"],
      [["el"], "const el = document.getElementById('x')!"],
      [["id"], "const id = <T,>(x: T) => x"],
      [["i"], "let i = 0"],
      [["t"], "const t: Array<number>\n  = [1]"],
      [["last"], "let last = 1"],
    ],
  );
});

Deno.test("TS scanner: never throws on broken input", () => {
  for (
    const source of [
      "const",
      "const {",
      "let [a, = ",
      "x = `unterminated ${",
      "/* open",
      "'open",
      "}}}))) x = 1",
      "<<<>>>",
    ]
  ) {
    assert.ok(Array.isArray(topLevelAssignments(source)), source);
  }
  assert.deepEqual(scan("}}} y = 2"), [[["y"], "y = 2"]]);
  const pieces = fc.constantFrom(
    "const ",
    "let ",
    "x",
    " = ",
    "1",
    "\n",
    ";",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    ",",
    "`",
    "${",
    "'",
    '"',
    "/",
    "//",
    "/*",
    "*/",
    "\\",
    ": ",
    "=>",
    "...",
    "if ",
    "class ",
    "function ",
    "?",
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 40 }).map((p) => p.join("")), (source) => {
      for (const found of topLevelAssignments(source)) {
        assert.ok(found.names.length > 0);
        assert.ok(source.includes(found.statement));
      }
    }),
  );
});
