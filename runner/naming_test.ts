import assert from "node:assert/strict";
import fc from "fast-check";
import {
  assertUniqueOutputs,
  formatNameValue,
  joinName,
  OutputNameError,
  parseNameKeys,
  safeFileName,
  taskOutputName,
} from "./naming.ts";

Deno.test("parseNameKeys: comma-separated, trimmed, empty dropped", () => {
  assert.deepEqual(parseNameKeys("region, lr,,v2 "), ["region", "lr", "v2"]);
  assert.deepEqual(parseNameKeys(""), []);
});

Deno.test("joinName: parameter keys become values, other keys stay literal", () => {
  const params = { region: "eu", lr: 0.1, n: 12345678901234567890n, ok: true, none: null };
  assert.equal(
    joinName("train", params, { prepend: ["region"], append: ["lr", "v2"] }),
    "eu-train-0.1-v2",
  );
  assert.equal(
    joinName("train", params, { append: ["n", "ok", "none"] }),
    "train-12345678901234567890-true-null",
  );
  assert.equal(joinName("train", params), "train");
  assert.equal(
    joinName("t", { toString: "x" }, { append: ["toString", "constructor"] }),
    "t-x-constructor",
  );
  assert.equal(formatNameValue({ a: [1, 2n] }), '{"a":[1,"2"]}');
});

Deno.test("taskOutputName: joined and made file-safe", () => {
  assert.equal(
    taskOutputName("report", { city: "São Paulo/SP" }, { append: ["city"] }),
    "report-São_Paulo_SP",
  );
  assert.equal(taskOutputName("1_Add", { i: 0 }, { prepend: ["i"] }), "0-1_Add");
});

Deno.test("safeFileName: slashes, control characters, dots, reserved names", () => {
  assert.equal(safeFileName("train[lr=0.1]"), "train_lr=0.1_");
  assert.equal(safeFileName("../etc/passwd"), "__etc_passwd");
  assert.equal(safeFileName("a\u0000b\nc\td"), "a_b_c_d");
  assert.equal(safeFileName('a<>:"|?*\\b'), "a_b");
  assert.equal(safeFileName(".hidden"), "_hidden");
  assert.equal(safeFileName("-rf"), "_rf");
  assert.equal(safeFileName("name."), "name_");
  assert.equal(safeFileName(""), "_");
  assert.equal(safeFileName("CON"), "CON_");
  assert.equal(safeFileName("nul.txt"), "nul.txt_");
  assert.equal(safeFileName("com1"), "com1_");
  assert.equal(safeFileName("console"), "console");
  assert.equal(safeFileName("index"), "index_");
  assert.equal(safeFileName("Run"), "Run_");
  assert.equal(safeFileName("e\u0301"), "\u00e9");
  assert.equal(safeFileName("日本語-ok"), "日本語-ok");
});

Deno.test("safeFileName: long names are cut on a character boundary with a hash", () => {
  const long = "é".repeat(200);
  const a = safeFileName(long);
  const b = safeFileName(long + "x");
  assert.ok(new TextEncoder().encode(a).length <= 150);
  assert.match(a, /^é+-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  assert.equal(safeFileName("abcdefghijklmnopqrstuvwxyz", { maxBytes: 20 }).length, 20);
});

Deno.test("safeFileName: property: always safe, bounded and stable", () => {
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.oneof(
          fc.constantFrom("/", ".", "-", "\u0000", "\u007f", "e\u0301", "日"),
          fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
          fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
        ),
        maxLength: 300,
      }),
      (s) => {
        const safe = safeFileName(s);
        assert.ok(new TextEncoder().encode(safe).length <= 150);
        assert.doesNotMatch(safe, /[/\\<>:"|?*\s]/);
        assert.ok([...safe].every((ch) => ch.codePointAt(0)! > 0x1f && ch !== "\u007f"));
        assert.doesNotMatch(safe, /^[.-]|\.$/);
        assert.ok(safe.length > 0);
        assert.equal(safeFileName(s), safe);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("assertUniqueOutputs: names both tasks, ignores case", () => {
  assertUniqueOutputs([{ id: "a", outputName: "a" }, { id: "b", outputName: "b" }]);
  assert.throws(
    () =>
      assertUniqueOutputs([
        { id: "x", outputName: "x" },
        { id: "Train[0]", outputName: "Train" },
        { id: "train[1]", outputName: "train" },
      ]),
    (e: unknown) => {
      assert.ok(e instanceof OutputNameError);
      assert.deepEqual(e.tasks, ["Train[0]", "train[1]"]);
      assert.match(
        e.message,
        /^error: tasks "Train\[0\]" and "train\[1\]" would both write "train\.ipynb"/,
      );
      assert.equal(e.exitCode, 2);
      return true;
    },
  );
});
