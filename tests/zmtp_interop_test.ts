/**
 * Interoperability of our ZMTP client with libzmq (pyzmq from the test venv): DEALER to
 * ROUTER, SUB to XPUB and REQ to REP, over TCP and ipc, plus connecting before the peer binds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { dialDeno, type Dialer, type Endpoint } from "../kernel/_transport.ts";
import { connectZmtp } from "../kernel/_zmtp_connect.ts";
import { ZmtpError } from "../kernel/_zmtp_socket.ts";

const SCRIPTS = new URL("../testdata/zmtp/", import.meta.url);
const text = (s: string) => new TextEncoder().encode(s);
const pattern = (length: number, modulo: number) =>
  Uint8Array.from({ length }, (_, i) => i % modulo);

function python(): string {
  const path = Deno.env.get("NBCHAIN_TEST_PYTHON");
  if (path === undefined || path === "") {
    throw new Error(
      "Cannot run the ZMTP interop tests: set NBCHAIN_TEST_PYTHON to the venv python",
    );
  }
  return path;
}

/** A pyzmq peer process; disposing it kills it and waits for it. */
interface Peer extends AsyncDisposable {
  /** Resolves with the bound TCP port (0 for ipc) once the peer has bound. */
  readonly port: Promise<number>;
  kill(): Promise<void>;
}

function startPeer(script: string, where: string): Peer {
  const child = new Deno.Command(python(), {
    args: [new URL(script, SCRIPTS).pathname, where],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = (async () => {
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Peer ${script} exited before binding "${where}"`);
      line += value;
    }
    return Number(line.trim());
  })();
  port.catch(() => {});
  let killed: Promise<void> | undefined;
  const kill = () =>
    killed ??= (async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await child.status;
      await reader.cancel().catch(() => {});
    })();
  return { port, kill, [Symbol.asyncDispose]: kill };
}

/** Counts dials, to show that connecting retried. */
function countingDialer(): { dialer: Dialer; readonly dials: number } {
  const counter = {
    dials: 0,
    dialer: (endpoint: Endpoint) => {
      counter.dials++;
      return dialDeno(endpoint);
    },
  };
  return counter;
}

/** A temporary directory for ipc socket files, removed on dispose. */
async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "nbchain-zmtp-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Starts `script` bound on `transport`; returns the peer and the endpoint to connect to. */
async function bound(
  script: string,
  transport: "tcp" | "ipc",
  dir: string,
): Promise<{ peer: Peer; endpoint: Endpoint }> {
  if (transport === "tcp") {
    const peer = startPeer(script, "tcp");
    return { peer, endpoint: { transport: "tcp", host: "127.0.0.1", port: await peer.port } };
  }
  const path = join(dir, "peer.sock");
  const peer = startPeer(script, `ipc://${path}`);
  await peer.port;
  return { peer, endpoint: { transport: "ipc", path } };
}

for (const transport of ["tcp", "ipc"] as const) {
  Deno.test(`DEALER talks to a libzmq ROUTER over ${transport}`, async () => {
    await using dir = await tempDir();
    const { peer, endpoint } = await bound("router_echo.py", transport, dir.path);
    await using _peer = peer;
    const identity = text("nbchain-dealer");
    await using socket = await connectZmtp(endpoint, { type: "DEALER", identity });
    assert.equal(socket.peerType, "ROUTER");
    assert.equal(socket.peerMinor, 1);
    const message = [text("hello"), new Uint8Array(), pattern(300, 251), pattern(70_000, 253)];
    const iterator = socket[Symbol.asyncIterator]();
    for (let round = 0; round < 20; round++) {
      await socket.send(message);
      const reply = await iterator.next();
      assert.deepEqual(reply, { done: false, value: [identity, ...message] });
    }
    await iterator.return?.();
  });

  Deno.test(`SUB receives from a libzmq XPUB over ${transport}`, async () => {
    await using dir = await tempDir();
    const { peer, endpoint } = await bound("xpub.py", transport, dir.path);
    await using _peer = peer;
    await using socket = await connectZmtp(endpoint, { type: "SUB" });
    assert.equal(socket.peerType, "XPUB");
    await socket.subscribe();
    const received: Uint8Array[][] = [];
    for await (const frames of socket) {
      received.push(frames);
      if (frames.length === 1 && new TextDecoder().decode(frames[0]) === "end") break;
    }
    assert.deepEqual(received, [
      [text("sub"), new Uint8Array([1])],
      [text("small"), text("hello")],
      [text("big"), pattern(300, 251)],
      [text("huge"), pattern(70_000, 253), new Uint8Array()],
      [text("end")],
    ]);
  });

  Deno.test(`REQ talks to a libzmq REP over ${transport}; the peer's death is an error`, async () => {
    await using dir = await tempDir();
    const { peer, endpoint } = await bound("rep_echo.py", transport, dir.path);
    await using _peer = peer;
    await using socket = await connectZmtp(endpoint, { type: "REQ" });
    assert.equal(socket.peerType, "REP");
    const iterator = socket[Symbol.asyncIterator]();
    for (let round = 0; round < 10; round++) {
      const request = [text(`ping ${round}`), pattern(round * 40, 7)];
      await socket.send(request);
      assert.deepEqual(await iterator.next(), { done: false, value: request });
    }
    await peer.kill();
    await assert.rejects(
      iterator.next(),
      (e) => e instanceof ZmtpError && /by the peer/.test(e.message),
    );
    assert(await socket.closed instanceof ZmtpError);
  });
}

Deno.test("DEALER connects over ipc before the ROUTER binds", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "late.sock");
  const controller = new AbortController();
  const counter = countingDialer();
  const connecting = connectZmtp({ transport: "ipc", path }, {
    type: "DEALER",
    identity: text("early"),
    signal: controller.signal,
    dialer: counter.dialer,
  });
  try {
    await using peer = startPeer("router_echo.py", `ipc://${path}`);
    await using socket = await connecting;
    assert(counter.dials > 1, "the first dial is refused, later ones retry");
    await socket.send([text("late")]);
    for await (const frames of socket) {
      assert.deepEqual(frames, [text("early"), text("late")]);
      break;
    }
    await peer.port;
  } finally {
    controller.abort();
    await connecting.then((s) => s[Symbol.asyncDispose](), () => {});
  }
});

Deno.test("REQ connects over TCP before the REP binds", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const controller = new AbortController();
  const counter = countingDialer();
  const connecting = connectZmtp({ transport: "tcp", host: "127.0.0.1", port }, {
    type: "REQ",
    signal: controller.signal,
    dialer: counter.dialer,
  });
  try {
    await using _peer = startPeer("rep_echo.py", `tcp://127.0.0.1:${port}`);
    await using socket = await connecting;
    assert(counter.dials > 1, "the first dial is refused, later ones retry");
    await socket.send([text("hi")]);
    for await (const frames of socket) {
      assert.deepEqual(frames, [text("hi")]);
      break;
    }
  } finally {
    controller.abort();
    await connecting.then((s) => s[Symbol.asyncDispose](), () => {});
  }
});
