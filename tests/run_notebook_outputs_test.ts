/**
 * runNotebook against real kernels: every output type as nbclient records it
 * (coalesced streams, clear_output, display ids across cells, results,
 * errors), the output cap, and the variables extracted afterwards (Python
 * assignments, Out[n], result, scrapbook scraps; TypeScript through Deno).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { joinMultiline, sourceText } from "../nbformat/mod.ts";
import type { CodeCell, Output } from "../nbformat/types.ts";
import { assertValidNotebook } from "./_nbformat_validate.ts";
import {
  code,
  codeCells,
  loadNotebook,
  md,
  notebook,
  run,
  streamOf,
  tempDir,
} from "./_run_notebook_helpers.ts";

const html = (output: Output | undefined) => {
  assert.ok(output?.output_type === "display_data" || output?.output_type === "execute_result");
  return joinMultiline(output.data["text/html"] as string | string[]);
};

Deno.test("outputs: coalesced streams with \\r and \\b, clear_output(wait), display updates across cells, results, errors", async () => {
  await using dir = await tempDir();
  const output = join(dir.path, "outputs.ipynb");
  const { result } = await run(
    notebook([
      code(
        "for i in range(5):\n    print(f'{i * 20}%', end='\\r', flush=True)\n" +
          "print('100%', flush=True)\nprint('ab\\bc', flush=True)\nprint('d')",
      ),
      code("import sys\nprint('err', file=sys.stderr)"),
      code(
        "from IPython.display import clear_output, display, HTML\n" +
          "print('old', flush=True)\nclear_output(wait=True)\nprint('new')",
      ),
      code("h = display(HTML('<b>one</b>'), display_id='d1')"),
      code("h.update(HTML('<b>two</b>'))\n6 * 7"),
      md("between"),
      code("display(HTML('<b>three</b>'), display_id='d1')\nNone"),
      code("raise KeyError('k')"),
      code("print('still running')"),
    ]),
    { output, allowErrors: true },
  );
  assert.equal(result.status, "ok", "errors allowed");
  const cells = codeCells(result.notebook);
  const outputTypes = (cell: CodeCell) => cell.outputs.map((o) => o.output_type);

  // One stream output per name, with \r and \b applied.
  assert.deepEqual(outputTypes(cells[0]!), ["stream"]);
  assert.equal(streamOf(cells[0]), "100%\nac\nd\n");
  assert.deepEqual(outputTypes(cells[1]!), ["stream"]);
  assert.equal(streamOf(cells[1], "stderr"), "err\n");
  // clear_output(wait=True) cleared when the next output came.
  assert.deepEqual(outputTypes(cells[2]!), ["stream"]);
  assert.equal(streamOf(cells[2]), "new\n");
  // update_display_data rewrote the output in cell 3 and appended nothing;
  // a new display with the same id (cell 5) updated it again and was appended.
  assert.deepEqual(outputTypes(cells[3]!), ["display_data"]);
  assert.equal(html(cells[3]!.outputs[0]), "<b>three</b>");
  assert.deepEqual(outputTypes(cells[4]!), ["execute_result"]);
  const answer = cells[4]!.outputs[0]!;
  assert.ok(answer.output_type === "execute_result");
  assert.equal(answer.execution_count, cells[4]!.execution_count);
  assert.deepEqual(answer.data["text/plain"], ["42"]);
  assert.deepEqual(outputTypes(cells[5]!), ["display_data"]);
  assert.equal(html(cells[5]!.outputs[0]), "<b>three</b>");
  assert.ok(!("transient" in cells[5]!.outputs[0]!), "transient is not written");
  // Errors are outputs; with allowErrors the run goes on.
  const error = cells[6]!.outputs[0]!;
  assert.ok(error.output_type === "error");
  assert.equal(error.ename, "KeyError");
  assert.ok(error.traceback.length > 0);
  assert.equal(streamOf(cells[7]), "still running\n");

  assert.deepEqual(await loadNotebook(output), JSON.parse(JSON.stringify(result.notebook)));
  await assertValidNotebook(output);
});

Deno.test("a cell printing 20 MB without a newline is capped with a visible note; the file stays small", async () => {
  await using dir = await tempDir();
  const output = join(dir.path, "capped.ipynb");
  const max = 64 * 1024;
  const { result } = await run(
    notebook([
      code("chunk = 'x' * 1000\nfor _ in range(20_000):\n    print(chunk, end='')"),
      code("print('next')"),
    ]),
    { output, maxOutputBytes: max },
  );
  assert.equal(result.status, "ok");
  const [big, next] = codeCells(result.notebook);
  const kept = streamOf(big);
  assert.ok(kept.length > 0 && kept.length <= max, `kept ${kept.length} bytes`);
  assert.match(kept, /^x+$/);
  assert.match(streamOf(big, "stderr"), /output truncated after 64 KiB/);
  assert.equal(streamOf(next), "next\n", "the run goes on");
  const size = (await Deno.stat(output)).size;
  assert.ok(size < 2 * max, `the output file is ${size} bytes`);
  await assertValidNotebook(output);
});

Deno.test("python variables: unpacking, augmented and annotated assignments, Out[n], result, scrapbook scraps", async () => {
  const glue = (name: string, encoder: string, data: string) =>
    `display({'application/scrapbook.scrap.${encoder}+json': {'name': '${name}', 'data': ${data}, ` +
    `'encoder': '${encoder}', 'version': 1}}, raw=True, ` +
    `metadata={'scrapbook': {'name': '${name}', 'data': True, 'display': False}})`;
  const { result } = await run(
    notebook([
      code("a, (b, *c) = 1, (2, 3, 4)\nn: int = 4\nn += 1\nk: str\nn *= 10"),
      code("text = 'é😀\\n'\ntext"),
      code("def f():\n    inner = 1\n    return inner\nimport math\nflt = math.inf"),
      code(
        "from IPython.display import display\n" +
          `${glue("metrics", "json", "{'auc': 0.9, 'rows': [1, 2]}")}\n` +
          `${glue("label", "text", "'best'")}`,
      ),
      code("n + 1"),
    ]),
  );
  assert.equal(result.status, "ok");
  const vars = new Map(result.variables.map((v) => [v.name, v]));
  const value = (name: string) => {
    assert.ok(vars.has(name), `no variable ${name}; got ${[...vars.keys()]}`);
    return vars.get(name)!.value;
  };
  assert.equal(value("a"), 1);
  assert.equal(value("b"), 2);
  assert.deepEqual(value("c"), [3, 4]);
  assert.equal(value("n"), 50);
  assert.equal(vars.get("n")!.operation, "n *= 10");
  assert.equal(vars.get("n")!.cell, 0);
  assert.equal(vars.get("n")!.type, "int");
  assert.equal(vars.has("k"), false, "an annotation without a value assigns nothing");
  assert.equal(value("text"), "é😀\n");
  assert.equal(value("flt"), Infinity);
  assert.equal(vars.has("inner"), false, "not top level");
  assert.equal(vars.has("f"), false, "functions are not values");
  assert.equal(vars.has("math"), false, "modules are not values");
  const [, textCell, , , last] = codeCells(result.notebook);
  assert.equal(value(`Out[${textCell!.execution_count}]`), "é😀\n");
  assert.equal(value(`Out[${last!.execution_count}]`), 51);
  assert.equal(value("result"), 51);
  assert.equal(vars.get("result")!.operation, "n + 1");
  assert.deepEqual(value("metrics"), { auc: 0.9, rows: [1, 2] });
  assert.equal(value("label"), "best");
});

Deno.test("typescript variables through the Deno kernel, with parameters injected into a let cell", async () => {
  const { result } = await run(
    notebook(
      [
        code("let rows = 10\nlet name = 'default'", "parameters"),
        code(
          "const a = 1, { b, c: [d, ...e] } = { b: 'x', c: [1, 2, 3] }\n" +
            "rows += 5\nvar v = name.toUpperCase()\nconst big = 2n ** 70n\n" +
            "const m = new Map([[1, 2]])\nfunction f() { const inner = 1; return inner }",
        ),
        code("console.log(rows, name)"),
      ],
      "deno",
    ),
    { parameters: { rows: 1, name: 'it\'s "q"\n' } },
  );
  assert.equal(result.status, "ok", JSON.stringify(result.error));
  const vars = new Map(result.variables.map((v) => [v.name, v]));
  assert.equal(vars.get("rows")?.value, 6);
  assert.equal(vars.get("rows")?.operation, "rows += 5");
  assert.equal(vars.get("name")?.value, 'it\'s "q"\n');
  assert.equal(vars.get("a")?.value, 1);
  assert.equal(vars.get("b")?.value, "x");
  assert.equal(vars.get("d")?.value, 1);
  assert.deepEqual(vars.get("e")?.value, [2, 3]);
  assert.equal(vars.get("v")?.value, 'IT\'S "Q"\n');
  assert.equal(vars.get("big")?.value, 2n ** 70n);
  assert.equal(vars.get("m")?.type, "Map");
  assert.equal(vars.has("inner"), false);
  assert.equal(vars.has("f"), false);
  const printed = codeCells(result.notebook)[3]!;
  assert.equal(sourceText(printed), "console.log(rows, name)");
  assert.equal(streamOf(printed), '6 it\'s "q"\n\n');
});
