import assert from "node:assert/strict";
import { numberOption, parseCliArgs } from "./cli_args.ts";

Deno.test("parseCliArgs() reads the papermill form", () => {
  const a = parseCliArgs([
    "run",
    "in.ipynb",
    "out.ipynb",
    "-p",
    "x",
    "1",
    "-r",
    "s",
    "2",
    "-k",
    "python3",
  ]);
  assert.equal(a.command, "run");
  assert.deepEqual(a.positionals, ["in.ipynb", "out.ipynb"]);
  assert.deepEqual(a.params, [["x", "1"]]);
  assert.deepEqual(a.raw, [["s", "2"]]);
  assert.equal(a.values.kernel, "python3");
});

Deno.test("parseCliArgs() makes run the default command and reads repeated options", () => {
  const a = parseCliArgs([
    "./dir",
    "params.json",
    "--include",
    "*.ipynb",
    "--include=a*",
    "-j",
    "2",
    "--grid",
    "--output=runs",
  ]);
  assert.equal(a.command, "run");
  assert.deepEqual(a.include, ["*.ipynb", "a*"]);
  assert.equal(a.values.jobs, "2");
  assert.equal(a.values.output, "runs");
  assert.ok(a.flags.has("grid"));
});

Deno.test("parseCliArgs() reports unknown options and missing values as usage errors", () => {
  assert.throws(
    () => parseCliArgs(["nb.ipynb", "--timout", "3"]),
    (e: Error & { exitCode?: number }) => {
      assert.match(e.message, /unknown option "--timout".*did you mean --timeout/);
      assert.equal(e.exitCode, 2);
      return true;
    },
  );
  assert.throws(() => parseCliArgs(["nb.ipynb", "-p", "x"]), /-p needs NAME VALUE/);
  assert.throws(() => parseCliArgs(["nb.ipynb", "--jobs"]), /--jobs needs a value/);
});

Deno.test("numberOption() validates numbers", () => {
  assert.equal(numberOption(parseCliArgs(["x", "-j", "4"]), "jobs", { integer: true }), 4);
  assert.throws(
    () => numberOption(parseCliArgs(["x", "-j", "two"]), "jobs", { integer: true }),
    /--jobs "two"/,
  );
  assert.equal(numberOption(parseCliArgs(["x"]), "timeout"), undefined);
});

Deno.test("parseCliArgs() recognises inspect, kernels, help and version", () => {
  assert.equal(parseCliArgs(["inspect", "a.ipynb", "--json"]).command, "inspect");
  assert.equal(parseCliArgs(["kernels"]).command, "kernels");
  assert.equal(parseCliArgs(["-h"]).command, "help");
  assert.equal(parseCliArgs(["--version"]).command, "version");
});
