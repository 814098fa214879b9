import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { KernelDiedError, type KernelSpec, startKernel } from "../kernel/mod.ts";
import { collect, groupMembers, processAlive, streamText, waitFor } from "./_helpers.ts";

Deno.test("ipykernel: streams, display data, execute results and errors", async () => {
  await using k = await startKernel("python3");
  assert.equal(k.language, "python");
  const r1 = await collect(
    k.execute("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6*7"),
  );
  assert.equal(r1.status, "ok");
  assert.equal(streamText(r1.messages), "out\n");
  assert.equal(streamText(r1.messages, "stderr"), "err\n");
  const result = r1.messages.find((m) => m.header.msg_type === "execute_result");
  assert.deepEqual((result?.content.data as Record<string, unknown>)["text/plain"], "42");

  const r2 = await collect(k.execute(
    "from IPython.display import display, HTML\nh = display(HTML('<b>x</b>'), display_id='d1')\nh.update(HTML('<i>y</i>'))",
  ));
  const display = r2.messages.find((m) => m.header.msg_type === "display_data");
  assert.equal((display?.content.data as Record<string, unknown>)["text/html"], "<b>x</b>");
  assert.equal((display?.content.transient as Record<string, unknown>).display_id, "d1");
  const update = r2.messages.find((m) => m.header.msg_type === "update_display_data");
  assert.equal((update?.content.data as Record<string, unknown>)["text/html"], "<i>y</i>");

  const r3 = await collect(k.execute("1/0"));
  assert.equal(r3.status, "error");
  assert.equal(r3.reply.ename, "ZeroDivisionError");
  assert.ok(r3.messages.some((m) => m.header.msg_type === "error"));
});

Deno.test("Deno kernel: streams, display data, results and errors", async () => {
  await using k = await startKernel("deno");
  assert.equal(k.language, "typescript");
  const r1 = await collect(k.execute("console.log('out'); console.error('err'); 6*7"));
  assert.equal(r1.status, "ok");
  assert.equal(streamText(r1.messages), "out\n");
  assert.equal(streamText(r1.messages, "stderr"), "err\n");
  assert.ok(r1.messages.some((m) => m.header.msg_type === "execute_result"));
  const r2 = await collect(
    k.execute('Deno.jupyter.display({"text/html": "<b>x</b>"}, {raw: true})'),
  );
  const display = r2.messages.find((m) => m.header.msg_type === "display_data");
  assert.equal((display?.content.data as Record<string, unknown>)["text/html"], "<b>x</b>");
  const r3 = await collect(k.execute("throw new TypeError('bad')"));
  assert.equal(r3.status, "error");
  assert.equal(r3.reply.evalue, "bad");
});

Deno.test("ipykernel: `while True: pass` is interrupted by signal", async () => {
  await using k = await startKernel("python3");
  assert.equal(k.spec.interruptMode, "signal");
  const exec = k.execute("while True: pass");
  const seen = collect(exec);
  await new Promise((r) => setTimeout(r, 300));
  await k.interrupt();
  const r = await seen;
  assert.equal(r.status, "error");
  assert.equal(r.reply.ename, "KeyboardInterrupt");
  assert.equal((await collect(k.execute("1+1"))).status, "ok", "the kernel survives the interrupt");
});

Deno.test("Deno kernel: an endless loop is interrupted by message", async () => {
  await using k = await startKernel("deno");
  assert.equal(k.spec.interruptMode, "message");
  const seen = collect(k.execute("while (true) {}"));
  await new Promise((r) => setTimeout(r, 300));
  await k.interrupt();
  assert.equal((await seen).status, "error");
  assert.equal((await collect(k.execute("1+1"))).status, "ok");
});

Deno.test("a kernel killed mid-cell fails the pending execution with KernelDiedError", async () => {
  await using k = await startKernel("python3");
  const exec = k.execute("import time\ntime.sleep(60)");
  const outcome = collect(exec);
  await new Promise((r) => setTimeout(r, 300));
  Deno.kill(k.process.pid, "SIGKILL");
  await assert.rejects(outcome, (e: unknown) => {
    assert.ok(e instanceof KernelDiedError);
    assert.match(e.message, /killed by SIGKILL/);
    return true;
  });
  assert.ok(k.death instanceof KernelDiedError);
  // New work fails at once instead of hanging.
  await assert.rejects(collect(k.execute("1")), KernelDiedError);
});

Deno.test("eight kernels started at once get distinct ports and all run", async () => {
  const kernels = await Promise.all(Array.from({ length: 8 }, () => startKernel("python3")));
  try {
    const ports = kernels.flatMap((k) => {
      const c = k.process.connection;
      return [c.shell_port, c.iopub_port, c.stdin_port, c.control_port, c.hb_port];
    });
    assert.equal(new Set(ports).size, 40);
    const results = await Promise.all(kernels.map((k, i) => collect(k.execute(`print(${i})`))));
    results.forEach((r, i) => assert.equal(streamText(r.messages), `${i}\n`));
  } finally {
    await Promise.all(kernels.map((k) => k.shutdown()));
  }
});

Deno.test("a message with a forged signature is dropped and counted", async () => {
  await using k = await startKernel("python3");
  const before = k.client.badSignatures;
  const r = await collect(k.execute(
    [
      "from jupyter_client.session import Session",
      "_k = get_ipython().kernel",
      "Session(key=b'forged', session=_k.session.session).send(_k.iopub_socket, 'stream',",
      "    {'name': 'stdout', 'text': 'FORGED'}, parent=_k.get_parent())",
      "print('genuine')",
    ].join("\n"),
  ));
  assert.equal(r.status, "ok");
  assert.equal(streamText(r.messages), "genuine\n");
  await waitFor(() => k.client.badSignatures > before, 2000, "the forged message to be counted");
});

Deno.test("input() is answered by onInput, and is an error without it", async () => {
  await using k = await startKernel("python3");
  const r1 = await collect(k.execute("x = input('name? ')\nprint('hello', x)", {
    onInput: (req) => (req.prompt === "name? " ? "bob" : "?"),
  }));
  assert.equal(r1.status, "ok");
  assert.match(streamText(r1.messages), /hello bob/);
  const r2 = await collect(k.execute("input('again? ')"));
  assert.equal(r2.status, "error");
  assert.equal(r2.reply.ename, "StdinNotImplementedError");
});

Deno.test("shutdown stops the kernel and its children and removes its files; dispose twice is safe", async () => {
  const k = await startKernel("python3");
  const r = await collect(
    k.execute("import subprocess\np = subprocess.Popen(['sleep', '60'])\nprint(p.pid)"),
  );
  const child = Number(streamText(r.messages).trim());
  assert.ok(processAlive(child));
  await k.shutdown();
  await k[Symbol.asyncDispose]();
  assert.equal(k.process.exitStatus !== undefined, true);
  assert.equal(existsSync(k.process.connectionFile), false);
  await waitFor(() => !processAlive(child), 3000, "the kernel's child to exit");
  assert.deepEqual(groupMembers(k.process.pid), []);
});

Deno.test("Deno kernel: shutdown is clean although it exits after its reply", async () => {
  const k = await startKernel("deno");
  await k.shutdown();
  assert.ok(k.process.exitStatus);
  assert.equal(k.death, undefined, "a requested shutdown is not a death");
  assert.deepEqual(groupMembers(k.process.pid), []);
});

/** A kernelspec that runs `code` with the test venv's python instead of a kernel. */
function pythonSpec(name: string, code: string): KernelSpec {
  return {
    name,
    displayName: name,
    language: "python",
    argv: [Deno.env.get("NBCHAIN_TEST_PYTHON")!, "-c", code],
    env: {},
    interruptMode: "signal",
    metadata: {},
    resourceDir: "/nonexistent",
    source: "test",
    shadowed: [],
  };
}

Deno.test("a kernel that exits while starting fails with its stderr", async () => {
  const spec = pythonSpec(
    "broken",
    "import sys; sys.stderr.write('kaboom: no such module'); sys.exit(3)",
  );
  await assert.rejects(startKernel(spec, { relaunches: 1, startTimeout: 20_000 }), (e: Error) => {
    assert.match(e.message, /exited while starting/);
    assert.match(e.message, /kaboom: no such module/);
    return true;
  });
});

Deno.test("ipykernel over Unix sockets (ipc transport) runs code", async () => {
  await using k = await startKernel("python3", { transport: "ipc" });
  assert.equal(k.process.connection.transport, "ipc");
  const r = await collect(k.execute("print('over ipc')"));
  assert.equal(streamText(r.messages), "over ipc\n");
});

Deno.test("Kernel.execute() with an aborted signal interrupts the kernel and fails the execution", async () => {
  await using k = await startKernel("python3");
  const controller = new AbortController();
  const exec = k.execute("import time\nwhile True: time.sleep(0.01)", {
    signal: controller.signal,
  });
  const outcome = collect(exec);
  await new Promise((r) => setTimeout(r, 300));
  controller.abort(new Error("stop now"));
  await assert.rejects(outcome, /stop now/);
  // The interrupt reached the kernel: it is idle again and runs new code.
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = (await collect(k.execute("1"))).status === "ok";
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(ok, "the kernel runs code after the interrupt");
});

Deno.test("a frozen kernel (SIGSTOP) is declared dead by the heartbeat and fails the pending execution", async () => {
  const k = await startKernel("python3", { heartbeatInterval: 100, heartbeatMisses: 3 });
  try {
    const outcome = collect(k.execute("import time\ntime.sleep(30)"));
    await new Promise((r) => setTimeout(r, 300));
    k.process.signal("SIGSTOP");
    await assert.rejects(outcome, (e: unknown) => {
      assert.ok(e instanceof KernelDiedError);
      assert.match(e.message, /stopped answering its heartbeat/);
      return true;
    });
  } finally {
    k.process.signal("SIGCONT");
    await k.shutdown();
  }
});

Deno.test("a kernel that never becomes ready fails with a start timeout, not as a death, and is stopped", async () => {
  const spec = pythonSpec("sleepy", "import time; time.sleep(60)");
  let pid = 0;
  await assert.rejects(
    startKernel(spec, { startTimeout: 1500, onLaunched: (p) => (pid = p.pid) }),
    (e: Error) => {
      assert.match(e.message, /Cannot start kernel "sleepy"/);
      assert.match(e.message, /--start-timeout/);
      assert.doesNotMatch(e.message, /exited while starting/);
      return true;
    },
  );
  assert.ok(pid > 0);
  assert.equal(processAlive(pid), false);
});
