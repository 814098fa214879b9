import assert from "node:assert/strict";
import { ParameterError, resolveLanguage, translateParameters, translateValue } from "./mod.ts";

const SAMPLE = {
  s: 'say "hi"\n\\ é 😀',
  i: 42,
  neg: -7,
  f: 0.1,
  big: 2n ** 70n,
  nan: NaN,
  inf: Infinity,
  ninf: -Infinity,
  nzero: -0,
  t: true,
  n: null,
  l: [1, "a", [false]],
  d: { "a b": 1, nested: { x: [] } },
};

Deno.test("translateParameters renders exact Python literals", () => {
  assert.equal(
    translateParameters("python", SAMPLE),
    [
      "# Parameters",
      's = "say \\"hi\\"\\n\\\\ é 😀"',
      "i = 42",
      "neg = -7",
      "f = 0.1",
      "big = 1180591620717411303424",
      "nan = float('nan')",
      "inf = float('inf')",
      "ninf = float('-inf')",
      "nzero = -0.0",
      "t = True",
      "n = None",
      'l = [1, "a", [False]]',
      'd = {"a b": 1, "nested": {"x": []}}',
      "",
    ].join("\n"),
  );
  assert.equal(
    translateParameters("python", {
      c: "\0\x7f\x85\u2028\ufeff\t\r",
      w: 1e20,
      e: 1e21,
      tiny: 5e-324,
    }),
    '# Parameters\nc = "\\x00\\x7F\\x85\\u2028\\uFEFF\\t\\r"\nw = 100000000000000000000.0\n' +
      "e = 1e+21\ntiny = 5e-324\n",
  );
});

Deno.test("translateParameters renders exact TypeScript and JavaScript literals", () => {
  const expected = [
    "// Parameters",
    'const s = "say \\"hi\\"\\n\\\\ é 😀";',
    "const i = 42;",
    "const neg = -7;",
    "const f = 0.1;",
    "const big = 1180591620717411303424n;",
    "const nan = NaN;",
    "const inf = Infinity;",
    "const ninf = -Infinity;",
    "const nzero = -0;",
    "const t = true;",
    "const n = null;",
    'const l = [1, "a", [false]];',
    'const d = {"a b": 1, "nested": {"x": []}};',
    "",
  ].join("\n");
  assert.equal(translateParameters("typescript", SAMPLE), expected);
  assert.equal(translateParameters("JavaScript", SAMPLE), expected);
  assert.equal(translateParameters("typescriptreact", { x: 7n }), "// Parameters\nconst x = 7n;\n");
  assert.equal(
    translateValue("typescript", JSON.parse('{"__proto__": 1, "a": 2}')),
    '{["__proto__"]: 1, "a": 2}',
  );
});

Deno.test("translateParameters renders exact R literals", () => {
  const { big: _big, ...rest } = SAMPLE;
  assert.equal(
    translateParameters("R", rest),
    [
      "# Parameters",
      's = "say \\"hi\\"\\n\\\\ é 😀"',
      "i = 42",
      "neg = -7",
      "f = 0.1",
      "nan = NaN",
      "inf = Inf",
      "ninf = -Inf",
      "nzero = -0",
      "t = TRUE",
      "n = NULL",
      'l = list(1, "a", list(FALSE))',
      'd = list("a b" = 1, "nested" = list("x" = list()))',
      "",
    ].join("\n"),
  );
  assert.equal(translateValue("r", {}), "structure(list(), names = character(0))");
  assert.equal(translateValue("r", "\x01\x85"), '"\\x01\\u{0085}"');
  assert.equal(translateValue("r", 2n ** 53n), "9007199254740992");
});

Deno.test("translateParameters renders exact Julia literals", () => {
  assert.equal(
    translateParameters("julia", { ...SAMPLE, money: "$x and $(y)" }),
    [
      "# Parameters",
      's = "say \\"hi\\"\\n\\\\ é 😀"',
      "i = 42",
      "neg = -7",
      "f = 0.1",
      "big = 1180591620717411303424",
      "nan = NaN",
      "inf = Inf",
      "ninf = -Inf",
      "nzero = -0.0",
      "t = true",
      "n = nothing",
      'l = Any[1, "a", Any[false]]',
      'd = Dict{String,Any}("a b" => 1, "nested" => Dict{String,Any}("x" => Any[]))',
      'money = "\\$x and \\$(y)"',
      "",
    ].join("\n"),
  );
  assert.equal(translateValue("julia", "\0\x85"), '"\\x00\\u0085"');
  assert.equal(translateValue("julia", 1e20), "100000000000000000000.0");
});

Deno.test("translateParameters renders bash assignments", () => {
  assert.equal(
    translateParameters("bash", {
      s: "it's $HOME `x`\n",
      i: 3,
      big: 2n ** 70n,
      f: 1.5,
      t: false,
      l: ["a b", 1, true],
      e: [],
      n: null,
    }),
    [
      "# Parameters",
      "s='it'\\''s $HOME `x`\n'",
      "i=3",
      "big=1180591620717411303424",
      "f=1.5",
      "t=false",
      "l=('a b' 1 true)",
      "e=()",
      "unset n",
      "",
    ].join("\n"),
  );
  assert.equal(translateParameters("sh", { x: "" }), "# Parameters\nx=''\n");
  assert.equal(translateValue("bash", ["a", 1]), "('a' 1)");
});

function rejects(
  language: string,
  params: Record<string, unknown>,
  message: RegExp,
  name?: string,
) {
  assert.throws(() => translateParameters(language, params), (error: unknown) => {
    assert.ok(error instanceof ParameterError, String(error));
    assert.match(error.message, message);
    assert.equal(error.parameter, name ?? Object.keys(params)[0]);
    return true;
  });
}

Deno.test("translateParameters rejects names that are not identifiers of the language", () => {
  rejects("python", { "1x": 1 }, /Cannot render parameter "1x" as Python: the name is not a valid/);
  rejects("python", { class: 1 }, /is a Python keyword/);
  rejects("python", { __debug__: 1 }, /is a Python keyword/);
  rejects("python", { "a-b": 1 }, /not a valid Python identifier/);
  rejects("python", { "ﬁle": 1 }, /not in NFKC form; Python would read it as "file"/);
  rejects("typescript", { let: 1 }, /reserved word in TypeScript/);
  rejects("javascript", { "a.b": 1 }, /not a valid JavaScript identifier/);
  rejects("r", { _x: 1 }, /not a syntactic R name/);
  rejects("r", { TRUE: 1 }, /reserved word in R/);
  rejects("r", { "..1": 1 }, /reserved word in R/);
  rejects("julia", { end: 1 }, /Julia keyword/);
  rejects("julia", { __: 1 }, /write-only/);
  rejects("bash", { "é": 1 }, /not a valid bash variable name/);
  // Unicode identifiers are fine where the language allows them.
  assert.equal(translateParameters("python", { "é": 1 }), "# Parameters\né = 1\n");
  assert.equal(translateParameters("typescript", { $x: 1 }), "// Parameters\nconst $x = 1;\n");
  assert.equal(translateParameters("r", { ".x_1": 1 }), "# Parameters\n.x_1 = 1\n");
  assert.equal(translateParameters("julia", { "x!": 1 }), "# Parameters\nx! = 1\n");
});

Deno.test("translateParameters rejects values with no exact literal, naming the parameter", () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  rejects("python", { f: () => 1 }, /f is a function/);
  rejects("python", { u: undefined }, /u is undefined/);
  rejects("python", { s: Symbol("x") }, /s is a symbol/);
  rejects("python", { d: new Date(0) }, /d is a Date.*toISOString/);
  rejects("python", { m: new Map() }, /m is a Map/);
  rejects("python", { c: cycle }, /c\["self"\] refers back to itself/);
  // deno-lint-ignore no-sparse-arrays
  rejects("python", { a: [1, , 3] }, /a\[1\] is a hole/);
  rejects(
    "python",
    { deep: { list: [1, "ok", "\ud800"] } },
    /deep\["list"\]\[2\] contains a lone surrogate \(U\+D800/,
  );
  rejects("typescript", { k: { ["\udc00"]: 1 } }, /lone surrogate/);
  rejects("r", { s: "a\0b" }, /NUL character, which R strings cannot hold/);
  rejects("r", { n: 2n ** 53n + 1n }, /beyond 2\^53/);
  rejects("r", { o: { "": 1 } }, /empty key/);
  rejects("bash", { o: { a: 1 } }, /o is an object; bash has no dictionaries/);
  rejects("bash", { l: [[1]] }, /l\[0\] is a list inside a list/);
  rejects("bash", { l: [null] }, /l\[0\] is null; bash arrays cannot hold null/);
  rejects("bash", { s: "a\0" }, /NUL character/);
  rejects("bash", { x: NaN }, /x is NaN, which bash cannot express/);
  // Symbol-keyed objects and class instances are not plain data.
  rejects("python", { o: { [Symbol("k")]: 1 } }, /symbol keys/);
  rejects("python", { o: new (class Point {})() }, /o is a Point/);
});

Deno.test("resolveLanguage accepts the listed names and kernel names, and lists them on error", () => {
  const cases: [string, string | undefined, string][] = [
    ["Python", undefined, "python"],
    ["python3", undefined, "python"],
    ["R", undefined, "r"],
    ["JULIA", undefined, "julia"],
    ["sh", undefined, "bash"],
    ["TypeScriptReact", undefined, "typescript"],
    ["javascript", undefined, "javascript"],
    ["", "ir", "r"],
    ["unknown", "julia-1.10", "julia"],
    ["", "deno", "typescript"],
  ];
  for (const [language, kernel, expected] of cases) {
    assert.equal(resolveLanguage(language, kernel), expected, `${language}/${kernel}`);
  }
  assert.throws(() => translateParameters("scala", { x: 1 }), (error: unknown) => {
    assert.ok(error instanceof ParameterError);
    assert.equal(error.parameter, undefined);
    assert.match(
      error.message,
      /^Cannot render parameters for language "scala": not supported; supported languages are python, r, julia, bash, sh, typescript, typescriptreact, javascript$/,
    );
    return true;
  });
});

Deno.test("translateParameters with no parameters gives the header only; header is configurable", () => {
  assert.equal(translateParameters("python", {}), "# Parameters\n");
  assert.equal(
    translateParameters("typescript", { x: 1 }, { header: "Injected" }),
    "// Injected\nconst x = 1;\n",
  );
});

Deno.test("translateParameters declares TypeScript names with the keyword asked for", () => {
  assert.equal(
    translateParameters("typescript", { a: 1, b: 2, c: 3 }, {
      declarations: { a: "let", b: "var" },
    }),
    "// Parameters\nlet a = 1;\nvar b = 2;\nconst c = 3;\n",
  );
  assert.throws(
    () =>
      translateParameters("typescript", { a: 1 }, {
        declarations: { a: "using" as "let" },
      }),
    /Cannot declare parameter "a" with "using"/,
  );
});
