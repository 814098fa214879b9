import assert from "node:assert/strict";
import {
  declaredParameterNames,
  inspectParameters,
  type KernelspecMetadata,
  newCodeCell,
  newMarkdownCell,
  type Notebook,
  ParameterError,
} from "./mod.ts";

function withParameters(
  source: string,
  language?: string,
  kernelspec?: KernelspecMetadata,
): Notebook {
  const metadata: Notebook["metadata"] = {};
  if (language) metadata.language_info = { name: language };
  if (kernelspec) metadata.kernelspec = kernelspec;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: [
      newCodeCell("import os"),
      newCodeCell(source, { tags: ["parameters"] }),
      newCodeCell("x = 'not a parameter'", { tags: ["parameters"] }),
    ],
  };
}

Deno.test("inspectParameters reads Python parameters with papermill's rules", () => {
  const source = [
    "# Parameters",
    "",
    "alpha = 0.5  # learning rate",
    "name: str = 'naïve'",
    "count: 'int' = 3",
    "ratio = 1e-3  # type: float the ratio",
    "flag = True",
    "nothing = None",
    "color = '#fff'  # hash inside a string is not a comment",
    "expr = a == b",
    "items = [",
    "    1,  # first",
    "    2,",
    "]  # the items",
    "mapping = {'a': 1, 'b': 2}",
    "numbers = {1, 2}",
    "pair = (1, 2)",
    "big = 1_000_000",
    "h = 0xFF",
    "nan = float('nan')",
    "raw = rb'bytes'",
    "x = y = 1",
    "z += 1",
    "print(alpha)",
    "obj.attr = 3",
    "call = dict(a=1, b=2)",
    "optional: int | None = None",
    "fn = lambda v=1: v",
  ].join("\n");
  assert.deepEqual(inspectParameters(withParameters(source, "python")), [
    { name: "alpha", type: "float", default: "0.5", help: "learning rate" },
    { name: "name", type: "str", default: "'naïve'", help: "" },
    { name: "count", type: "int", default: "3", help: "" },
    { name: "ratio", type: "float", default: "1e-3", help: "the ratio" },
    { name: "flag", type: "bool", default: "True", help: "" },
    { name: "nothing", type: "None", default: "None", help: "" },
    {
      name: "color",
      type: "str",
      default: "'#fff'",
      help: "hash inside a string is not a comment",
    },
    { name: "expr", type: "unknown", default: "a == b", help: "" },
    { name: "items", type: "list", default: "[1,2,]", help: "the items" },
    { name: "mapping", type: "dict", default: "{'a': 1, 'b': 2}", help: "" },
    { name: "numbers", type: "set", default: "{1, 2}", help: "" },
    { name: "pair", type: "tuple", default: "(1, 2)", help: "" },
    { name: "big", type: "int", default: "1_000_000", help: "" },
    { name: "h", type: "int", default: "0xFF", help: "" },
    { name: "nan", type: "float", default: "float('nan')", help: "" },
    { name: "raw", type: "bytes", default: "rb'bytes'", help: "" },
    { name: "call", type: "unknown", default: "dict(a=1, b=2)", help: "" },
    { name: "optional", type: "int | None", default: "None", help: "" },
  ]);
});

Deno.test("inspectParameters joins multi-line Python values and handles strings spanning lines", () => {
  const source = 'text = """line one\nline = two"""  # doc\nafter = 1\nback = 1 + \\\n  2\n';
  assert.deepEqual(inspectParameters(withParameters(source)), [
    { name: "text", type: "str", default: '"""line oneline = two"""', help: "doc" },
    { name: "after", type: "int", default: "1", help: "" },
    { name: "back", type: "unknown", default: "1 +2", help: "" },
  ]);
});

Deno.test("inspectParameters reads TypeScript and JavaScript declarations", () => {
  const source = [
    "// Parameters",
    "const rate = 0.5; // learning rate",
    "let name: string = 'x';",
    "export const big = 10n;",
    "var flag = false // no semicolon",
    "const a = 1, b = [1, 2], c = { k: 'v, w' };",
    "const m: Map<string, number> = new Map();",
    "const tpl = `a ${[1, 2].join(',')} b`;",
    "const obj = {",
    "  x: 1, // not the help",
    "  y: 2,",
    "}; // the object",
    "let later: number;",
    "const nothing = null, undef = undefined, inf = -Infinity;",
    "const { destructured } = obj;",
    "console.log(rate);",
    "const s = 'a;b' /* block */;",
    "const arrow = (v = 1) => v;",
  ].join("\n");
  assert.deepEqual(inspectParameters(withParameters(source, "typescript")), [
    { name: "rate", type: "number", default: "0.5", help: "learning rate" },
    { name: "name", type: "string", default: "'x'", help: "" },
    { name: "big", type: "bigint", default: "10n", help: "" },
    { name: "flag", type: "boolean", default: "false", help: "no semicolon" },
    { name: "a", type: "number", default: "1", help: "" },
    { name: "b", type: "array", default: "[1, 2]", help: "" },
    { name: "c", type: "object", default: "{ k: 'v, w' }", help: "" },
    { name: "m", type: "Map<string, number>", default: "new Map()", help: "" },
    { name: "tpl", type: "string", default: "`a ${[1, 2].join(',')} b`", help: "" },
    { name: "obj", type: "object", default: "{x: 1,y: 2,}", help: "the object" },
    { name: "later", type: "number", default: "", help: "" },
    { name: "nothing", type: "null", default: "null", help: "" },
    { name: "undef", type: "undefined", default: "undefined", help: "" },
    { name: "inf", type: "number", default: "-Infinity", help: "" },
    { name: "s", type: "string", default: "'a;b'", help: "" },
    { name: "arrow", type: "unknown", default: "(v = 1) => v", help: "" },
  ]);
  const js = withParameters("let x = 1;", "javascript");
  assert.deepEqual(declaredParameterNames(js), ["x"]);
});

Deno.test("inspectParameters reads R, Julia and bash assignments line by line", () => {
  assert.deepEqual(
    inspectParameters(
      withParameters('x <- 1  # one\nname = "a # b"\nflag = TRUE\nif (x == 1) y', "R"),
    ),
    [
      { name: "x", type: "numeric", default: "1", help: "one" },
      { name: "name", type: "character", default: '"a # b"', help: "" },
      { name: "flag", type: "logical", default: "TRUE", help: "" },
    ],
  );
  assert.deepEqual(
    inspectParameters(withParameters("n = 3\nr::Float64 = 1\nv = [1, 2]  # values", "julia")),
    [
      { name: "n", type: "Int64", default: "3", help: "" },
      { name: "r", type: "Float64", default: "1", help: "" },
      { name: "v", type: "Vector", default: "[1, 2]", help: "values" },
    ],
  );
  assert.deepEqual(
    inspectParameters(withParameters("name='x y'  # who\nexport COUNT=3\necho $name", "bash")),
    [
      { name: "name", type: "string", default: "'x y'", help: "who" },
      { name: "COUNT", type: "string", default: "3", help: "" },
    ],
  );
});

Deno.test("inspectParameters finds the language from metadata, defaulting to Python", () => {
  const byKernel = withParameters("const x = 1;", undefined, { name: "deno" });
  assert.deepEqual(declaredParameterNames(byKernel), ["x"]);
  const byKernelspecLanguage = withParameters("x <- 1", undefined, {
    name: "custom",
    language: "R",
  });
  assert.deepEqual(declaredParameterNames(byKernelspecLanguage), ["x"]);
  const none = withParameters("x = 1");
  assert.deepEqual(declaredParameterNames(none), ["x"]);
  const override = withParameters("x <- 1", "python");
  assert.deepEqual(declaredParameterNames(override, { language: "r" }), ["x"]);
  assert.throws(() => inspectParameters(withParameters("val x = 1", "scala")), ParameterError);
});

Deno.test("inspectParameters returns nothing without a code parameters cell", () => {
  const nb = withParameters("x = 1");
  nb.cells.splice(1, 2);
  assert.deepEqual(inspectParameters(nb), []);
  nb.cells.push(newMarkdownCell("x = 1", { tags: ["parameters"] }));
  assert.deepEqual(inspectParameters(nb), []);
});

Deno.test("declaredParameterNames lists each name once", () => {
  assert.deepEqual(declaredParameterNames(withParameters("a = 1\nb = 2\na = 3")), ["a", "b"]);
});
