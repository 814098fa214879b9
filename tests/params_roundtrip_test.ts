/**
 * Property test, end to end: random parameter values are injected into a
 * notebook, executed by a real ipykernel and a real Deno kernel, and read
 * back through the extracted variables (runNotebook's `result.variables`).
 * This exercises the translators, injection, execution and introspection
 * together. One notebook run per kernel (and declaration keyword) keeps it
 * fast; a failure prints its seed, and NBCHAIN_TEST_SEED=<seed> replays it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { hasTag, sourceText } from "../nbformat/mod.ts";
import { assertValidNotebooks } from "./_nbformat_validate.ts";
import { code, loadNotebook, notebook, run, tempDir } from "./_run_notebook_helpers.ts";

const SPECIAL = fc.constantFrom(
  '"',
  "'",
  "\\",
  "\n",
  "\r",
  "\t",
  "\0",
  "\b",
  "$",
  "${",
  "`",
  "#",
  "%",
  "{}",
  "\u2028",
  "\ufeff",
  "\x7f",
  "\x85",
  "é",
  "😀",
  "\u{10ffff}",
  "\\x41",
  "\\u0041",
  "'''",
  '"""',
  "*/",
  "</script>",
);

const TEXT = fc.string({
  unit: fc.oneof(SPECIAL, fc.string({ unit: "binary", maxLength: 1 })),
  maxLength: 10,
}).filter((s) => s.isWellFormed());

const NUMBER = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.1, 1e21, 5e-324, Number.MAX_VALUE, 2 ** 53),
);

/** Integers no double holds exactly, so they must stay bigints. */
const BIG = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 200n }),
  fc.bigInt({ min: -(2n ** 200n), max: -(2n ** 53n) }),
);

const VALUE: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    TEXT,
    NUMBER,
    BIG,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(TEXT, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Edge cases every run includes, before the random values. */
const EDGES: unknown[] = [
  -0,
  NaN,
  Infinity,
  -Infinity,
  5e-324,
  2 ** 53,
  2n ** 64n,
  -(2n ** 64n),
  "",
  "quote \" ' backslash \\ newline \n return \r NUL \0 astral 😀 \u{10ffff}",
  { $bigint: "1" },
  { "": [[], {}], ["__proto__"]: { nested: [null, true] } }, // an own "__proto__" key
];

function sample(runs: number): { seed: number; values: unknown[] } {
  const seed = Number(Deno.env.get("NBCHAIN_TEST_SEED")) ||
    (Date.now() ^ (Math.random() * 2 ** 31));
  return { seed, values: [...EDGES, ...fc.sample(VALUE, { numRuns: runs, seed })] };
}

/**
 * The value as introspection returns it: plain objects; in Python a bigint
 * that fits a double's exact range comes back as a number (Python has one
 * int type), in TypeScript a bigint stays a bigint.
 */
function expected(value: unknown, language: "python" | "typescript"): unknown {
  if (typeof value === "bigint" && language === "python") {
    return value > -(2n ** 53n) && value < 2n ** 53n ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => expected(v, language));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v, language)]));
  }
  return value;
}

async function roundTrip(
  kernel: "python3" | "deno",
  declaration: "const" | "let" | null,
  runs: number,
): Promise<string> {
  const { seed, values } = sample(runs);
  const names = values.map((_, i) => `v${i}`);
  const parameters = Object.fromEntries(values.map((v, i) => [names[i]!, v]));
  const defaults = declaration === null
    ? names.map((n) => `${n} = 0`).join("\n")
    : names.map((n) => `${declaration} ${n} = 0`).join("\n");
  await using dir = await tempDir();
  const output = join(dir.path, `${kernel}-${declaration ?? "plain"}.ipynb`);
  const { result } = await run(
    notebook([code(defaults, "parameters"), code(kernel === "deno" ? "0" : "pass")], kernel),
    { parameters, output },
  );
  const where = `${kernel} ${declaration ?? ""} seed ${seed}`;
  assert.equal(result.status, "ok", `${where}: ${JSON.stringify(result.error)}`);
  const injected = result.notebook.cells.filter((c) => hasTag(c, "injected-parameters"));
  assert.equal(injected.length, 1, where);
  if (declaration !== null) {
    for (const line of sourceText(injected[0]!).split("\n").filter((l) => /^\w/.test(l))) {
      assert.ok(line.startsWith(`${declaration} `), `${where}: ${line.slice(0, 80)}`);
    }
  }
  const got = new Map(result.variables.map((v) => [v.name, v.value]));
  const language = kernel === "deno" ? "typescript" : "python";
  values.forEach((value, i) => {
    const name = names[i]!;
    assert.ok(got.has(name), `${where}: ${name} was not read back`);
    assert.deepStrictEqual(got.get(name), expected(value, language), `${where}, ${name}`);
  });
  // The notebook on disk (parameters in metadata included) is valid nbformat.
  assert.equal((await loadNotebook(output)).cells.length, result.notebook.cells.length);
  await assertValidNotebooks([output]);
  return output;
}

Deno.test("property: random parameters round-trip through a real ipykernel", async () => {
  await roundTrip("python3", null, 80);
});

Deno.test("property: random parameters round-trip through a real Deno kernel (const and let parameters cells)", async () => {
  await Promise.all([roundTrip("deno", "const", 60), roundTrip("deno", "let", 60)]);
});
