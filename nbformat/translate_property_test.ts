/**
 * Property tests of the parameter translators: a batch of random values is
 * rendered, run in the real language (one process per batch) and must come
 * back exactly: Python via NBCHAIN_TEST_PYTHON, TypeScript via Deno, strings
 * and arrays via bash.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { translateParameters } from "./mod.ts";

const SPECIAL = fc.constantFrom(
  '"',
  "'",
  "\\",
  "\n",
  "\r",
  "\t",
  "\0",
  "$",
  "${",
  "{",
  "`",
  "#",
  "%",
  "\u2028",
  "\u2029",
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
);

const text = (noNul = false) =>
  fc.string({ unit: fc.oneof(SPECIAL, fc.string({ unit: "binary", maxLength: 1 })), maxLength: 12 })
    .filter((s) => s.isWellFormed() && !(noNul && s.includes("\0")));

const NUMBER = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e20, 1e21, 5e-324, Number.MAX_VALUE, -0, NaN),
);
const BIG = fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n });

const VALUE: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text(),
    NUMBER,
    BIG,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(text(), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function batch<T>(arbitrary: fc.Arbitrary<T>, runs = 200): { seed: number; values: T[] } {
  // A failure prints its seed; NBCHAIN_TEST_SEED=<seed> replays it.
  const seed = Number(Deno.env.get("NBCHAIN_TEST_SEED")) ||
    (Date.now() ^ (Math.random() * 2 ** 31));
  return { seed, values: fc.sample(arbitrary, { numRuns: runs, seed }) };
}

function params(values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
}

async function run(command: string, args: string[]): Promise<Uint8Array> {
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(
    code,
    0,
    `${command} failed:\n${new TextDecoder("utf-8", { ignoreBOM: true }).decode(stderr)}`,
  );
  return stdout;
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-translate-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true });
  }
}

/** The value as Python sees it: ints and floats apart, exact. */
function expectedPython(value: unknown): unknown {
  if (value === null) return ["null"];
  if (typeof value === "boolean") return ["bool", value];
  if (typeof value === "bigint") return ["int", value.toString()];
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && !Object.is(value, -0)
      ? ["int", String(value)]
      : ["float", value];
  }
  if (typeof value === "string") return ["str", value];
  if (Array.isArray(value)) return ["list", value.map(expectedPython)];
  return ["dict", Object.entries(value as object).map(([k, v]) => [k, expectedPython(v)])];
}

function decodePython(encoded: unknown): unknown {
  const [kind, payload] = encoded as [string, unknown];
  switch (kind) {
    case "float": {
      const repr = payload as string;
      const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
      return ["float", special[repr] ?? Number(repr)];
    }
    case "list":
      return ["list", (payload as unknown[]).map(decodePython)];
    case "dict":
      return ["dict", (payload as [string, unknown][]).map(([k, v]) => [k, decodePython(v)])];
    default:
      return encoded;
  }
}

const PYTHON_CHECK = `
import json, sys
def enc(v):
    if v is None: return ["null"]
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", str(v)]
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, list): return ["list", [enc(x) for x in v]]
    if isinstance(v, dict): return ["dict", [[k, enc(x)] for k, x in v.items()]]
    return ["other", repr(type(v))]
with open(sys.argv[1], encoding="utf-8") as f:
    source = f.read()
ns = {}
exec(compile(source, "parameters", "exec"), ns)
sys.stdout.write(json.dumps([enc(ns["v%d" % i]) for i in range(int(sys.argv[2]))]))
`;

Deno.test("property: Python literals read back exactly in Python (one process per batch)", async () => {
  const python = Deno.env.get("NBCHAIN_TEST_PYTHON") ?? "python3";
  const { seed, values } = batch(VALUE);
  await withTemp(async (dir) => {
    const file = join(dir, "params.py");
    await writeFile(file, translateParameters("python", params(values)), "utf8");
    const out = await run(python, ["-c", PYTHON_CHECK, file, String(values.length)]);
    const got = (JSON.parse(new TextDecoder("utf-8", { ignoreBOM: true }).decode(out)) as unknown[])
      .map(decodePython);
    values.forEach((value, i) => {
      assert.deepStrictEqual(got[i], expectedPython(value), `seed ${seed}, sample ${i}`);
    });
  });
});

/** A JS value's exact shape; its source also runs in the Deno subprocess. */
function jsEncode(v: unknown): unknown {
  if (v === null) return ["null"];
  switch (typeof v) {
    case "boolean":
      return ["bool", v];
    case "bigint":
      return ["bigint", v.toString()];
    case "number":
      return ["number", Object.is(v, -0) ? "-0" : String(v)];
    case "string":
      return ["str", v];
  }
  if (Array.isArray(v)) return ["list", v.map(jsEncode)];
  return ["dict", Object.entries(v as object).map(([k, x]) => [k, jsEncode(x)])];
}

Deno.test("property: TypeScript literals read back exactly in Deno (one process per batch)", async () => {
  const { seed, values } = batch(VALUE);
  await withTemp(async (dir) => {
    const file = join(dir, "params.ts");
    const names = values.map((_, i) => `v${i}`).join(", ");
    await writeFile(
      file,
      `${translateParameters("typescript", params(values))}${jsEncode}\n` +
        `Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify([${names}].map(jsEncode))));\n`,
      "utf8",
    );
    const out = await run(Deno.execPath(), ["run", "--quiet", "--no-config", "--no-lock", file]);
    const got = JSON.parse(new TextDecoder("utf-8", { ignoreBOM: true }).decode(out)) as unknown[];
    values.forEach((value, i) => {
      assert.deepStrictEqual(got[i], jsEncode(value), `seed ${seed}, sample ${i}`);
    });
  });
});

Deno.test("property: bash single-quoted strings and arrays read back exactly", async () => {
  const { seed, values } = batch(fc.oneof(text(true), fc.array(text(true), { maxLength: 3 })));
  await withTemp(async (dir) => {
    const file = join(dir, "params.sh");
    const flat: string[] = [];
    const refs = values.map((value, i) => {
      if (Array.isArray(value)) {
        flat.push(...value);
        return `"\${v${i}[@]}"`;
      }
      flat.push(value);
      return `"$v${i}"`;
    });
    const script = `${translateParameters("bash", params(values))}printf '%s\\0' ${
      refs.join(" ")
    }\n`;
    await writeFile(file, script, "utf8");
    const out = await run("bash", ["-c", '. "$0"', file]);
    const got = new TextDecoder("utf-8", { ignoreBOM: true }).decode(out).split("\0");
    assert.equal(got.pop(), "", `seed ${seed}: output ends with NUL`);
    assert.deepStrictEqual(got, flat, `seed ${seed}`);
  });
});
