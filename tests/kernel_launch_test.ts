/**
 * Launching real kernels (the test venv's ipykernel and Deno's kernel from
 * JUPYTER_PATH, plus small python fixtures) and checking that terminate()
 * leaves no process and no file behind.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type KernelProcess, launchKernelProcess } from "../kernel/_kernel_process.ts";
import { CHANNEL_NAMES, channelEndpoint, channelPort } from "../kernel/connection.ts";
import { KernelStartError } from "../kernel/errors.ts";
import { resolveKernelSpec, UnknownKernelError } from "../kernel/kernelspec.ts";

const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "testdata",
  "kernelspecs",
  "launch",
);
const PYTHON = Deno.env.get("NBCHAIN_TEST_PYTHON");
/** Makes the fixtures' `python` the venv's. */
const PYTHON_ENV = {
  PATH: `${dirname(PYTHON ?? "/nonexistent/python")}:${Deno.env.get("PATH") ?? ""}`,
};

function requireEnv(): void {
  assert.ok(PYTHON, "NBCHAIN_TEST_PYTHON must name the test venv's python");
  assert.ok(Deno.env.get("JUPYTER_PATH"), "JUPYTER_PATH must name the test kernelspecs");
}

/** A kernelspec from testdata/kernelspecs/launch. */
function fixtureSpec(name: string) {
  return resolveKernelSpec(name, { env: { ...Deno.env.toObject(), JUPYTER_PATH: FIXTURES } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a TCP port on 127.0.0.1 accepts connections; fails if the kernel exits first. */
async function waitForTcp(kernel: KernelProcess, port: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (kernel.exitStatus) {
      assert.fail(`Kernel exited before binding port ${port}:\n${kernel.stderrTail()}`);
    }
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      if (Date.now() > deadline) {
        assert.fail(`Port ${port} never accepted:\n${kernel.stderrTail()}`);
      }
      await sleep(100);
    }
  }
}

/** Live (non-zombie) processes in a process group. */
async function groupMembers(pgid: number): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,pgid=,stat="], stdout: "piped" })
    .output();
  const pids: number[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const [pid, group, stat] = line.trim().split(/\s+/);
    if (Number(group) === pgid && !stat?.startsWith("Z")) pids.push(Number(pid));
  }
  return pids;
}

/** Waits (a little) for SIGKILLed members to vanish, then asserts the group is empty. */
async function assertGroupGone(pgid: number): Promise<void> {
  let left = await groupMembers(pgid);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await sleep(100);
    left = await groupMembers(pgid);
  }
  assert.deepEqual(left, [], `processes left in group ${pgid}`);
}

async function assertMissing(path: string): Promise<void> {
  await assert.rejects(Deno.lstat(path), Deno.errors.NotFound, `${path} still exists`);
}

/** Launches, checks the files, waits for the shell port, terminates and checks nothing is left. */
async function launchAndStop(name: string): Promise<void> {
  const spec = await resolveKernelSpec(name);
  await using kernel = await launchKernelProcess(spec);
  const dir = dirname(kernel.connectionFile);
  assert.equal((await Deno.stat(kernel.connectionFile)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  assert.equal(kernel.connectionFile, await Deno.realPath(kernel.connectionFile));
  const written = JSON.parse(await Deno.readTextFile(kernel.connectionFile));
  assert.deepEqual(written, kernel.connection);
  assert.equal(kernel.connection.ip, "127.0.0.1");
  assert.equal(kernel.connection.kernel_name, name);
  assert.match(kernel.connection.key, /^[0-9a-f]{64}$/);
  await waitForTcp(kernel, kernel.connection.shell_port);
  assert.deepEqual(await groupMembers(kernel.pid), [kernel.pid]);

  await kernel.terminate();
  assert.ok(kernel.exitStatus);
  await assertGroupGone(kernel.pid);
  await assertMissing(kernel.connectionFile);
  await assertMissing(dir);
  await kernel.terminate(); // idempotent
}

Deno.test("python3 and deno kernels launch, bind and terminate without leftovers", async () => {
  requireEnv();
  const deno = await resolveKernelSpec("deno");
  assert.equal(deno.interruptMode, "message");
  await Promise.all([launchAndStop("python3"), launchAndStop("deno")]);
});

Deno.test("a kernel that dies at once reports its exit status and stderr", async () => {
  requireEnv();
  await using kernel = await launchKernelProcess(await fixtureSpec("boom"), { env: PYTHON_ENV });
  const status = await kernel.exited;
  assert.equal(status.code, 3);
  assert.equal(kernel.exitStatus, status);
  assert.match(kernel.stderrTail(), /boom/);
  assert.equal(kernel.stderrTail(2), "om");
  await kernel.terminate();
  await assertMissing(dirname(kernel.connectionFile));
});

/** Waits until every port of `kernel` accepts; false if it exited first (its error is in stderr). */
async function bindsAll(kernel: KernelProcess): Promise<boolean> {
  for (const channel of CHANNEL_NAMES) {
    assert.equal(channelEndpoint(kernel.connection, channel).transport, "tcp");
    try {
      await waitForTcp(kernel, channelPort(kernel.connection, channel));
    } catch (error) {
      if (kernel.exitStatus) return false;
      throw error;
    }
  }
  return true;
}

Deno.test("eight python kernels launched at once get 40 distinct ports and all bind", async () => {
  requireEnv();
  const spec = await resolveKernelSpec("python3");
  const launched = await Promise.allSettled(
    Array.from({ length: 8 }, () => launchKernelProcess(spec)),
  );
  const kernels = launched.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  try {
    assert.equal(kernels.length, 8);
    // The in-process guarantee: no two kernels of this process are ever given one port.
    const ports = kernels.flatMap((k) => CHANNEL_NAMES.map((c) => channelPort(k.connection, c)));
    assert.equal(new Set(ports).size, 40);
    for (const [i, kernel] of kernels.entries()) {
      if (await bindsAll(kernel)) continue;
      // Another process (tests run in parallel workers) took one of its ports between the
      // reservation and the bind: the one race no in-process reservation can close. The kernel
      // says so and exits, and a relaunch on fresh ports binds, which is what startKernel() does.
      assert.match(kernel.stderrTail(), /Address already in use/);
      const again = await launchKernelProcess(spec);
      kernels[i] = again;
      await kernel.terminate();
      assert.ok(await bindsAll(again), again.stderrTail());
    }
    for (const kernel of kernels) assert.equal(kernel.exitStatus, undefined);
  } finally {
    await Promise.all(kernels.map((k) => k.terminate()));
  }
  for (const kernel of kernels) await assertGroupGone(kernel.pid);
});

Deno.test("terminate() also ends the children a kernel spawned", async () => {
  requireEnv();
  await using kernel = await launchKernelProcess(await fixtureSpec("spawner"), { env: PYTHON_ENV });
  let members = await groupMembers(kernel.pid);
  for (let i = 0; i < 300 && members.length < 2; i++) {
    assert.equal(kernel.exitStatus, undefined, kernel.stderrTail());
    await sleep(100);
    members = await groupMembers(kernel.pid);
  }
  assert.equal(members.length, 2, "the kernel and its sleep child");
  await kernel.terminate({ graceMs: 500 });
  await assertGroupGone(kernel.pid);
});

Deno.test("aborting the launch signal terminates the kernel and removes its files", async () => {
  requireEnv();
  const controller = new AbortController();
  await using kernel = await launchKernelProcess(await fixtureSpec("spawner"), {
    env: PYTHON_ENV,
    signal: controller.signal,
  });
  controller.abort();
  await kernel.exited;
  await kernel.terminate();
  await assertGroupGone(kernel.pid);
  await assertMissing(dirname(kernel.connectionFile));
  controller.abort(); // a second abort is harmless
});

Deno.test("argv placeholders and env templates are filled like jupyter_client", async () => {
  requireEnv();
  const spec = await fixtureSpec("envprobe");
  const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "nbchain-test-" }));
  try {
    await using kernel = await launchKernelProcess(spec, {
      cwd,
      env: {
        ...PYTHON_ENV,
        NBCHAIN_T: "tee",
        PYTHONEXECUTABLE: "/bogus",
        CONDA_PREFIX: "/conda-x",
      },
    });
    const status = await kernel.exited;
    assert.equal(status.code, 0, kernel.stderrTail());
    const seen = JSON.parse(kernel.stderrTail());
    assert.deepEqual(seen, {
      argv: [kernel.connectionFile, seen.argv[1], spec.resourceDir, "/conda-x", "{unknown_thing}"],
      x: "tee/tee/$/${NOPE}/$NOPE/$",
      y: "tee",
      pe: null,
      ppid: String(Deno.pid),
      cwd,
    });
    assert.match(seen.argv[1], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("a python kernel over ipc binds Unix sockets that terminate() removes", async () => {
  requireEnv();
  await using kernel = await launchKernelProcess(await resolveKernelSpec("python3"), {
    transport: "ipc",
  });
  assert.equal(kernel.connection.transport, "ipc");
  assert.equal(dirname(kernel.connection.ip), dirname(kernel.connectionFile));
  const shell = channelEndpoint(kernel.connection, "shell");
  assert.ok(shell.transport === "ipc");
  for (let i = 0; i < 900; i++) {
    assert.equal(kernel.exitStatus, undefined, kernel.stderrTail());
    const conn = await Deno.connect({ transport: "unix", path: shell.path }).catch(() => undefined);
    if (conn) {
      conn.close();
      break;
    }
    await sleep(100);
  }
  assert.ok((await Deno.lstat(shell.path)).isSocket);
  await kernel.terminate();
  await assertGroupGone(kernel.pid);
  await assertMissing(shell.path);
  await assertMissing(dirname(kernel.connectionFile));
});

Deno.test("a missing executable gives an error naming the kernel and the executable", async () => {
  const error = await launchKernelProcess(await fixtureSpec("missing-exe")).then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof KernelStartError);
  assert.match(
    error.message,
    /^Failed to launch kernel "missing-exe" \(.*\): executable "nbchain-no-such-executable" was not found on PATH$/,
  );
  assert.ok(error.cause instanceof Deno.errors.NotFound);
});

Deno.test("an unknown kernel name lists the installed kernels", async () => {
  requireEnv();
  const error = await resolveKernelSpec("no-such-kernel").then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnknownKernelError);
  assert.ok(error.available.includes("python3") && error.available.includes("deno"));
  assert.match(error.message, /available kernels: .*"deno".*"python3"/);
});
