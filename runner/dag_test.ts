import assert from "node:assert/strict";
import fc from "fast-check";
import { CycleError, dependants, findCycle, topologicalOrder } from "./dag.ts";

const needs = (o: Record<string, string[]>) => new Map(Object.entries(o));

Deno.test("topologicalOrder: dependencies first, input order among ready nodes", () => {
  assert.deepEqual(
    topologicalOrder(["report", "load", "clean"], needs({ report: ["clean"], clean: ["load"] })),
    ["load", "clean", "report"],
  );
  assert.deepEqual(topologicalOrder(["c", "b", "a"], new Map()), ["c", "b", "a"]);
  assert.deepEqual(
    topologicalOrder(["a", "b", "c", "d"], needs({ b: ["d"], c: ["a", "a"] })),
    ["a", "c", "d", "b"],
  );
  assert.deepEqual(topologicalOrder([], new Map()), []);
});

Deno.test("topologicalOrder: an ordered list is unchanged; property over random DAGs", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 30 }).chain((n) =>
        fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n), fc.nat(n)), { maxLength: 60 }))
      ),
      ([n, pairs]) => {
        const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
        const map = new Map<string, string[]>();
        for (const [x, y] of pairs) {
          if (x >= n || y >= n || x === y) continue;
          const [lo, hi] = x < y ? [x, y] : [y, x];
          map.set(`n${hi}`, [...(map.get(`n${hi}`) ?? []), `n${lo}`]);
        }
        assert.deepEqual(topologicalOrder(nodes, map), nodes);
        const shuffled = [...nodes].reverse();
        const order = topologicalOrder(shuffled, map);
        const pos = new Map(order.map((x, i) => [x, i]));
        for (const [node, deps] of map) {
          for (const d of deps) assert.ok(pos.get(d)! < pos.get(node)!);
        }
        assert.equal(findCycle(shuffled, map), undefined);
      },
    ),
  );
});

Deno.test("topologicalOrder: a cycle throws CycleError with the path", () => {
  assert.throws(
    () => topologicalOrder(["x", "a", "b", "c"], needs({ a: ["b"], b: ["c"], c: ["a"], x: [] })),
    (e: unknown) => {
      assert.ok(e instanceof CycleError);
      assert.deepEqual(e.cycle, ["a", "b", "c", "a"]);
      assert.match(e.message, /a -> b -> c -> a \(each needs the next\)/);
      return true;
    },
  );
});

Deno.test("findCycle: stable path starting at the earliest listed node; self loops", () => {
  assert.deepEqual(findCycle(["c", "b", "a"], needs({ a: ["b"], b: ["c"], c: ["a"] })), [
    "c",
    "a",
    "b",
    "c",
  ]);
  assert.deepEqual(findCycle(["a", "b"], needs({ b: ["b"] })), ["b", "b"]);
  assert.deepEqual(
    findCycle(["a", "b", "c", "d"], needs({ a: ["b"], b: ["c"], c: ["d"], d: ["b"] })),
    ["b", "c", "d", "b"],
  );
  assert.equal(findCycle(["a", "b"], needs({ b: ["a"] })), undefined);
});

Deno.test("dependants: transitive, in node order, without the node itself", () => {
  const graph = needs({ clean: ["load"], report: ["clean", "other"], side: ["other"] });
  const nodes = ["load", "clean", "report", "other", "side"];
  assert.deepEqual(dependants("load", nodes, graph), ["clean", "report"]);
  assert.deepEqual(dependants("other", nodes, graph), ["report", "side"]);
  assert.deepEqual(dependants("report", nodes, graph), []);
});

Deno.test("graph helpers reject unknown and duplicate nodes (bugs, not usage errors)", () => {
  assert.throws(() => topologicalOrder(["a"], needs({ a: ["zz"] })), /"a" needs unknown "zz"/);
  assert.throws(() => findCycle(["a"], needs({ q: [] })), /unknown node "q"/);
  assert.throws(() => dependants("a", ["a", "a"], new Map()), /listed twice/);
});
