import assert from "node:assert/strict";
import { join } from "node:path";
import { releaseIpcPorts, releasePorts, reserveIpcPorts, reserveTcpPorts } from "./_ports.ts";

Deno.test("reserveTcpPorts hands out distinct free loopback ports, never twice", () => {
  const batches = Array.from({ length: 8 }, () => reserveTcpPorts(5));
  try {
    const all = batches.flat();
    assert.equal(all.length, 40);
    assert.equal(new Set(all).size, 40);
    for (const port of all) {
      assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
      // Free right now: we can bind it.
      Deno.listen({ hostname: "127.0.0.1", port }).close();
    }
  } finally {
    for (const batch of batches) releasePorts(batch);
  }
});

Deno.test("releasePorts sends released ports to the back of the line", () => {
  const first = reserveTcpPorts(5);
  releasePorts(first);
  releasePorts(first); // twice is harmless
  // Even when the OS offers them again right away, they are not handed out.
  const listeners = first.map((port) => Deno.listen({ hostname: "127.0.0.1", port }));
  for (const l of listeners) l.close();
  const next = Array.from({ length: 20 }, () => reserveTcpPorts(5));
  try {
    const reused = next.flat().filter((port) => first.includes(port));
    assert.deepEqual(reused, []);
  } finally {
    for (const batch of next) releasePorts(batch);
  }
});

Deno.test("reserveIpcPorts picks the first small integers whose socket file is absent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nbchain-test-" });
  const ip = join(dir, "kernel-ipc");
  try {
    await Deno.writeTextFile(`${ip}-1`, "");
    await Deno.writeTextFile(`${ip}-3`, "");
    const a = reserveIpcPorts(ip, 5);
    assert.deepEqual(a, [2, 4, 5, 6, 7]);
    // Handed out but not yet created: skipped by the next reservation.
    const b = reserveIpcPorts(ip, 2);
    assert.deepEqual(b, [8, 9]);
    releaseIpcPorts(ip, a);
    assert.deepEqual(reserveIpcPorts(ip, 3), [2, 4, 5]);
    releaseIpcPorts(ip, [2, 4, 5, ...b]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
