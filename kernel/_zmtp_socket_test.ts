import assert from "node:assert/strict";
import type { Endpoint, Transport } from "./_transport.ts";
import {
  encodeCommand,
  encodeError,
  encodeGreeting,
  encodeMessage,
  encodeReady,
  ZmtpParser,
} from "./_zmtp_frame.ts";
import { type ConnectOptions, connectZmtp } from "./_zmtp_connect.ts";
import { ZmtpError, type ZmtpSocket } from "./_zmtp_socket.ts";

const text = (s: string) => new TextEncoder().encode(s);
const ENDPOINT: Endpoint = { transport: "tcp", host: "127.0.0.1", port: 1 };

/** What our socket wrote, decoded by a peer-side parser. */
type PeerEvent = { kind: "greeting" } | { kind: "command"; name: string; data: Uint8Array } | {
  kind: "message";
  frames: Uint8Array[];
};

/** An in-memory transport; the test scripts the peer's side. */
class FakeTransport implements Transport {
  readonly writes: Uint8Array[] = [];
  readonly events: PeerEvent[] = [];
  closedByUs = false;
  /** When set, each write waits for this promise (to observe serialization). */
  gate: Promise<void> | undefined;
  writesInFlight = 0;
  maxWritesInFlight = 0;
  #inbox: (Uint8Array | null)[] = [];
  #wakeReader: (() => void) | undefined;
  #wakeWatchers: (() => void)[] = [];
  #parser = new ZmtpParser({
    onGreeting: () => this.events.push({ kind: "greeting" }),
    onCommand: (command) => {
      const name = command.type === "other" ? command.name : command.type.toUpperCase();
      const data = command.type === "pong" ? command.context : new Uint8Array();
      this.events.push({ kind: "command", name, data });
    },
    onMessage: (frames) => this.events.push({ kind: "message", frames }),
  });

  readonly readable: AsyncIterable<Uint8Array> = this.#read();

  async *#read(): AsyncGenerator<Uint8Array> {
    while (true) {
      const chunk = this.#inbox.shift();
      if (chunk === null) return;
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (this.closedByUs) return;
      await new Promise<void>((resolve) => this.#wakeReader = resolve);
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closedByUs) throw new Deno.errors.BadResource("closed");
    this.writesInFlight++;
    this.maxWritesInFlight = Math.max(this.maxWritesInFlight, this.writesInFlight);
    if (this.gate !== undefined) await this.gate;
    this.writesInFlight--;
    this.writes.push(bytes.slice());
    this.#parser.push(bytes);
    for (const wake of this.#wakeWatchers.splice(0)) wake();
  }

  close(): void {
    this.closedByUs = true;
    this.#wake();
  }

  /** The peer sends bytes. */
  feed(...chunks: Uint8Array[]): void {
    this.#inbox.push(...chunks);
    this.#wake();
  }

  /** The peer closes its end. */
  end(): void {
    this.#inbox.push(null);
    this.#wake();
  }

  /** Waits until our socket has written `count` peer events. */
  async waitForEvents(count: number): Promise<PeerEvent[]> {
    while (this.events.length < count) {
      await new Promise<void>((resolve) => this.#wakeWatchers.push(resolve));
    }
    return this.events;
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }
}

const PEER_GREETING = (() => {
  const g = encodeGreeting();
  g[11] = 1; // the peer speaks 3.1, as libzmq does
  return g;
})();

/** Connects over a fake whose peer answers with greeting and READY of `peerType`. */
async function connectFake(
  peerType: string,
  options: Omit<ConnectOptions, "dialer">,
): Promise<{ socket: ZmtpSocket; fake: FakeTransport }> {
  const fake = new FakeTransport();
  fake.feed(PEER_GREETING, encodeReady({ "Socket-Type": peerType }));
  const socket = await connectZmtp(ENDPOINT, { ...options, dialer: () => Promise.resolve(fake) });
  await fake.waitForEvents(2);
  return { socket, fake };
}

Deno.test("handshake: our greeting goes out before the peer's, then READY with identity", async () => {
  const fake = new FakeTransport();
  const connecting = connectZmtp(ENDPOINT, {
    type: "DEALER",
    identity: text("id-1"),
    dialer: () => Promise.resolve(fake),
  });
  await fake.waitForEvents(1);
  assert.deepEqual(fake.writes, [encodeGreeting()], "greeting sent without waiting for the peer");
  fake.feed(PEER_GREETING.subarray(0, 11), PEER_GREETING.subarray(11));
  await fake.waitForEvents(2);
  assert.deepEqual(
    fake.writes[1],
    encodeReady({ "Socket-Type": "DEALER", "Identity": text("id-1") }),
  );
  fake.feed(encodeReady({ "socket-type": "ROUTER", "Identity": new Uint8Array() }));
  await using socket = await connecting;
  assert.equal(socket.type, "DEALER");
  assert.equal(socket.peerType, "ROUTER");
  assert.equal(socket.peerMinor, 1);
});

Deno.test("handshake: SUB announces only its type; DEALER sends an empty identity", async () => {
  const sub = await connectFake("PUB", { type: "SUB" });
  assert.deepEqual(sub.fake.writes[1], encodeReady({ "Socket-Type": "SUB" }));
  await sub.socket[Symbol.asyncDispose]();
  const dealer = await connectFake("ROUTER", { type: "DEALER" });
  assert.deepEqual(
    dealer.fake.writes[1],
    encodeReady({ "Socket-Type": "DEALER", "Identity": new Uint8Array() }),
  );
  await dealer.socket[Symbol.asyncDispose]();
});

Deno.test("messages are queued before iteration and a PING is answered meanwhile", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  fake.feed(
    encodeMessage([text("a")]),
    encodeCommand("PING", new Uint8Array([0, 10, ...text("ctx")])),
    encodeCommand("SUBSCRIBE", text("x")),
    encodeCommand("UNKNOWN", text("x")),
    encodeMessage([text("b"), text("c")]),
  );
  const events = await fake.waitForEvents(3);
  assert.deepEqual(events[2], { kind: "command", name: "PONG", data: text("ctx") });
  const received: string[][] = [];
  for await (const frames of socket) {
    received.push(frames.map((f) => new TextDecoder().decode(f)));
    if (received.length === 2) break;
  }
  assert.deepEqual(received, [["a"], ["b", "c"]]);
});

Deno.test("send writes one multipart per write, serialized, pending ones coalesced", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  let open!: () => void;
  fake.gate = new Promise((resolve) => open = resolve);
  const messages = [[text("x"), text("y")], [new Uint8Array(300)], [text("z")]];
  const sends = messages.map((m) => socket.send(m));
  await Promise.resolve();
  open();
  await Promise.all(sends);
  assert.equal(fake.maxWritesInFlight, 1);
  assert.deepEqual(fake.writes.slice(2), [
    encodeMessage(messages[0]!),
    new Uint8Array([...encodeMessage(messages[1]!), ...encodeMessage(messages[2]!)]),
  ]);
  const events = await fake.waitForEvents(5);
  assert.deepEqual(events.slice(2).map((e) => e.kind === "message" && e.frames), messages);
});

Deno.test("close() rejects sends still waiting to be written", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  let open!: () => void;
  fake.gate = new Promise((resolve) => open = resolve);
  const first = socket.send([text("a")]);
  const second = socket.send([text("b")]);
  socket.close();
  await assert.rejects(second, /socket is closed/);
  open();
  await first; // already handed to the transport
  await socket[Symbol.asyncDispose]();
  assert.deepEqual(fake.writes.slice(2), [encodeMessage([text("a")])]);
});

Deno.test("a peer ERROR is thrown by the iterator and settles closed", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  fake.feed(encodeMessage([text("first")]), encodeError("go away"));
  const received: Uint8Array[][] = [];
  await assert.rejects(async () => {
    for await (const frames of socket) received.push(frames);
  }, (e) => e instanceof ZmtpError && /sent ERROR "go away"/.test(e.message));
  assert.deepEqual(received, [[text("first")]], "queued messages come first");
  const closed = await socket.closed;
  assert(closed instanceof ZmtpError);
  assert(fake.closedByUs);
  await assert.rejects(socket.send([text("x")]), /socket is closed/);
});

Deno.test("the peer closing the connection is thrown by the iterator", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  const iteration = (async () => {
    for await (const _frames of socket) { /* wait */ }
  })();
  fake.end();
  await assert.rejects(iteration, /Connection to "tcp:\/\/127\.0\.0\.1:1" was closed by the peer/);
  assert.match(String(await socket.closed), /closed by the peer/);
});

Deno.test("a protocol violation is thrown with the ZmtpProtocolError as cause", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  fake.feed(new Uint8Array([0x10, 0]));
  await assert.rejects(async () => {
    for await (const _frames of socket) { /* wait */ }
  }, (e) => e instanceof ZmtpError && /reserved bits/.test(String((e.cause as Error).message)));
});

Deno.test("close() ends a pending iteration normally and is idempotent", async () => {
  const { socket, fake } = await connectFake("ROUTER", { type: "DEALER" });
  const iteration = (async () => {
    let count = 0;
    for await (const _frames of socket) count++;
    return count;
  })();
  await Promise.resolve();
  socket.close();
  socket.close();
  assert.equal(await iteration, 0);
  assert.equal(await socket.closed, undefined);
  assert(fake.closedByUs);
  await socket[Symbol.asyncDispose]();
  await socket[Symbol.asyncDispose]();
});

Deno.test("a second concurrent iteration throws", async () => {
  const { socket } = await connectFake("ROUTER", { type: "DEALER" });
  await using _ = socket;
  const first = socket[Symbol.asyncIterator]();
  assert.throws(() => socket[Symbol.asyncIterator](), /already being iterated/);
  await first.return?.();
  socket[Symbol.asyncIterator](); // allowed again once the first one ended
});

Deno.test("REQ prepends the empty delimiter and strips it from replies", async () => {
  const { socket, fake } = await connectFake("REP", { type: "REQ" });
  await using _ = socket;
  await socket.send([text("ping")]);
  assert.deepEqual(fake.writes[2], new Uint8Array([1, 0, 0, 4, ...text("ping")]));
  fake.feed(encodeMessage([text("no-delimiter")]), encodeMessage([new Uint8Array(), text("ping")]));
  for await (const frames of socket) {
    assert.deepEqual(frames, [text("ping")]);
    break;
  }
});

Deno.test("SUB subscribes with 00 01 01 and filters by topic prefix", async () => {
  const { socket, fake } = await connectFake("PUB", { type: "SUB" });
  await using _ = socket;
  await socket.subscribe(text("ke"));
  await socket.subscribe(text("st"));
  fake.feed(encodeMessage([text("other")]), encodeMessage([text("kernel"), text("1")]));
  fake.feed(encodeMessage([text("stream")]));
  const received: string[] = [];
  for await (const frames of socket) {
    received.push(new TextDecoder().decode(frames[0]));
    if (received.length === 2) break;
  }
  assert.deepEqual(received, ["kernel", "stream"]);
  await socket.subscribe();
  assert.deepEqual(fake.writes.at(-1), new Uint8Array([0, 1, 1]));
  const dealer = await connectFake("ROUTER", { type: "DEALER" });
  await assert.rejects(dealer.socket.subscribe(), TypeError);
  await dealer.socket[Symbol.asyncDispose]();
});

Deno.test("connect retries while refused, then succeeds", async () => {
  let dials = 0;
  const fake = new FakeTransport();
  fake.feed(PEER_GREETING, encodeReady({ "Socket-Type": "ROUTER" }));
  await using socket = await connectZmtp(ENDPOINT, {
    type: "DEALER",
    dialer: () => {
      dials++;
      if (dials <= 3) return Promise.reject(new Deno.errors.ConnectionRefused("refused"));
      if (dials === 4) return Promise.reject(new Deno.errors.NotFound("no such socket"));
      return Promise.resolve(fake);
    },
  });
  assert.equal(dials, 5);
  assert.equal(socket.peerType, "ROUTER");
});

Deno.test("connect gives up after the timeout, naming the endpoint, last error as cause", async () => {
  const refused = new Deno.errors.ConnectionRefused("refused");
  const error = await connectZmtp(ENDPOINT, {
    type: "DEALER",
    timeout: 30,
    dialer: () => Promise.reject(refused),
  }).catch((e: unknown) => e);
  assert(error instanceof ZmtpError);
  assert.equal(error.message, 'Cannot connect to "tcp://127.0.0.1:1" within 30 ms');
  assert.equal(error.cause, refused);
});

Deno.test("a dial that hangs past the timeout is a connect error, closed if it lands", async () => {
  const late = new FakeTransport();
  let land!: () => void;
  const error = await connectZmtp(ENDPOINT, {
    type: "DEALER",
    timeout: 20,
    dialer: () => new Promise((resolve) => land = () => resolve(late)),
  }).catch((e: unknown) => e);
  assert(error instanceof ZmtpError);
  assert.equal(error.message, 'Cannot connect to "tcp://127.0.0.1:1" within 20 ms');
  land();
  await Promise.resolve();
  assert(late.closedByUs, "a transport that arrives too late is closed");
});

Deno.test("connect fails at once on an error that retrying cannot fix", async () => {
  const denied = new Deno.errors.PermissionDenied("denied");
  const error = await connectZmtp(ENDPOINT, {
    type: "DEALER",
    dialer: () => Promise.reject(denied),
  }).catch((e: unknown) => e);
  assert(error instanceof ZmtpError);
  assert.equal(error.cause, denied);
});

Deno.test("a handshake that never completes times out and closes the transport", async () => {
  const fake = new FakeTransport();
  await assert.rejects(
    connectZmtp(ENDPOINT, { type: "DEALER", timeout: 30, dialer: () => Promise.resolve(fake) }),
    /Cannot complete the ZMTP handshake with "tcp:\/\/127\.0\.0\.1:1" within 30 ms/,
  );
  assert(fake.closedByUs);
});

Deno.test("a handshake failure (ERROR, message before READY) rejects connect", async () => {
  for (const reply of [encodeError("denied"), encodeMessage([text("early")])]) {
    const fake = new FakeTransport();
    fake.feed(PEER_GREETING, reply);
    const error = await connectZmtp(ENDPOINT, {
      type: "DEALER",
      dialer: () => Promise.resolve(fake),
    }).catch((e: unknown) => e);
    assert(error instanceof ZmtpError);
    assert.match(error.message, /Cannot complete the ZMTP handshake/);
    assert.match(String((error.cause as Error).message), /denied|Protocol error/);
    assert(fake.closedByUs);
  }
});

Deno.test("connect is aborted by the signal with its reason", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const connecting = connectZmtp(ENDPOINT, {
    type: "DEALER",
    signal: controller.signal,
    dialer: () => Promise.reject(new Deno.errors.ConnectionRefused("refused")),
  });
  controller.abort(reason);
  await assert.rejects(connecting, (e) => e === reason);
  await assert.rejects(
    connectZmtp(ENDPOINT, { type: "DEALER", signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("connect rejects a bad identity as a usage error", async () => {
  await assert.rejects(
    connectZmtp(ENDPOINT, { type: "DEALER", identity: new Uint8Array([0, 1]) }),
    TypeError,
  );
  await assert.rejects(
    connectZmtp(ENDPOINT, { type: "DEALER", identity: new Uint8Array(256) }),
    /at most 255/,
  );
  await assert.rejects(connectZmtp(ENDPOINT, { type: "DEALER", maxMessageSize: -1 }), RangeError);
});
