import assert from "node:assert/strict";
import { AsyncQueue } from "./_async_queue.ts";

Deno.test("AsyncQueue yields pushed items in order, then ends", async () => {
  const q = new AsyncQueue<number>();
  q.push(1);
  setTimeout(() => {
    q.push(2);
    q.end();
    q.push(3);
  }, 1);
  const got: number[] = [];
  for await (const x of q) got.push(x);
  assert.deepEqual(got, [1, 2]);
});

Deno.test("AsyncQueue.fail() delivers queued items, then throws", async () => {
  const q = new AsyncQueue<string>();
  q.push("a");
  q.fail(new Error("boom"));
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const x of q) got.push(x);
  }, /boom/);
  assert.deepEqual(got, ["a"]);
});

Deno.test("AsyncQueue refuses a second consumer", async () => {
  const q = new AsyncQueue<number>("outputs");
  const it1 = q[Symbol.asyncIterator]();
  const first = it1.next();
  await assert.rejects(() => q[Symbol.asyncIterator]().next(), /outputs twice/);
  q.push(7);
  assert.deepEqual(await first, { value: 7, done: false });
});

Deno.test("AsyncQueue compacts after many items", async () => {
  const q = new AsyncQueue<number>();
  for (let i = 0; i < 5000; i++) q.push(i);
  q.end();
  let sum = 0;
  for await (const x of q) sum += x;
  assert.equal(sum, (4999 * 5000) / 2);
});
