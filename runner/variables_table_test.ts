import assert from "node:assert/strict";
import { variablesTable } from "./variables_table.ts";

Deno.test("variablesTable() aligns name, operation and value", () => {
  const t = variablesTable([
    { name: "z", operation: "z = x - y", value: 7, type: "int", cell: 3 },
    {
      name: "frame",
      operation: "frame = load()",
      value: { type: "Frame", repr: "<Frame 3x2>" },
      type: "Frame",
      cell: 4,
    },
    { name: "big", operation: "big = 2**70", value: 1180591620717411303424n, type: "int", cell: 5 },
    { name: "bad", operation: "bad = float('nan')", value: NaN, type: "float", cell: 5 },
  ]);
  const lines = t.split("\n");
  assert.match(lines[0]!, /^name\s+operation\s+value$/);
  assert.match(t, /z\s+z = x - y\s+7/);
  assert.match(t, /<Frame 3x2>/);
  assert.match(t, /1180591620717411303424/);
  assert.match(t, /NaN/);
  const valueColumn = lines[0]!.indexOf("value");
  assert.equal(lines[2]!.indexOf("7"), valueColumn);
});

Deno.test("variablesTable() keeps long values on one line and says when there are none", () => {
  const t = variablesTable([{
    name: "s",
    operation: "s = '''a\nb'''",
    value: "x".repeat(500),
    type: "str",
    cell: 1,
  }], 80);
  assert.equal(t.split("\n").length, 3);
  assert.ok(t.split("\n")[2]!.length <= 80);
  assert.equal(variablesTable([]), "(no variables)");
});
