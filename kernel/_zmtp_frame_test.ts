import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  encodeCommand,
  encodeError,
  encodeGreeting,
  encodeMessage,
  encodePong,
  encodeReady,
  type Greeting,
  parseCommand,
  parseGreeting,
  type ZmtpCommand,
  ZmtpParser,
  type ZmtpParserOptions,
  ZmtpProtocolError,
} from "./_zmtp_frame.ts";

type Event =
  | { kind: "greeting"; greeting: Greeting }
  | { kind: "command"; command: ZmtpCommand }
  | { kind: "message"; frames: Uint8Array[] };

const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number | string | Uint8Array)[]) => {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "number") out.push(part);
    else out.push(...(typeof part === "string" ? text(part) : part));
  }
  return new Uint8Array(out);
};
const concat = (...parts: Uint8Array[]) => bytes(...parts);

function collector(options?: ZmtpParserOptions): { parser: ZmtpParser; events: Event[] } {
  const events: Event[] = [];
  const parser = new ZmtpParser({
    onGreeting: (greeting) => events.push({ kind: "greeting", greeting }),
    onCommand: (command) => events.push({ kind: "command", command }),
    onMessage: (frames) => events.push({ kind: "message", frames }),
  }, options);
  return { parser, events };
}

function parseChunks(chunks: Uint8Array[], options?: ZmtpParserOptions): Event[] {
  const { parser, events } = collector(options);
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

/** A greeting as libzmq 4.3 sends it: 3.1, padding 00..01, as-server 0. */
const LIBZMQ_GREETING = concat(
  bytes(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, "NULL"),
  new Uint8Array(16 + 32),
);
const ROUTER_READY = encodeReady({ "Socket-Type": "ROUTER", "Identity": new Uint8Array() });
const BIG = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
const MESSAGE = [new Uint8Array(), text("hello"), BIG];
const FIXTURE = concat(LIBZMQ_GREETING, ROUTER_READY, encodeMessage(MESSAGE));

function assertFixtureEvents(events: Event[]): void {
  assert.equal(events.length, 3);
  assert.deepEqual(events[0], {
    kind: "greeting",
    greeting: { major: 3, minor: 1, mechanism: "NULL", asServer: false },
  });
  const ready = events[1];
  assert(ready?.kind === "command" && ready.command.type === "ready");
  assert.deepEqual([...ready.command.properties], [
    ["socket-type", text("ROUTER")],
    ["identity", new Uint8Array()],
  ]);
  assert.deepEqual(events[2], { kind: "message", frames: MESSAGE });
}

Deno.test("encodeGreeting announces ZMTP 3.0, NULL, as-server 0", () => {
  const g = encodeGreeting();
  assert.equal(g.length, 64);
  assert.deepEqual(g.subarray(0, 16), bytes(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0, "NULL"));
  assert(g.subarray(16).every((b) => b === 0));
  assert.deepEqual(parseGreeting(g), { major: 3, minor: 0, mechanism: "NULL", asServer: false });
  g[0] = 0;
  assert.equal(encodeGreeting()[0], 0xff, "returns a fresh copy");
});

Deno.test("parseGreeting ignores padding and as-server, accepts later versions", () => {
  const g = LIBZMQ_GREETING.slice();
  g.fill(0xab, 1, 9);
  g[9] = 0x01;
  g[10] = 4;
  g[11] = 7;
  g[32] = 1;
  g.fill(0xcd, 33);
  assert.deepEqual(parseGreeting(g), { major: 4, minor: 7, mechanism: "NULL", asServer: true });
});

Deno.test("parseGreeting rejects a bad signature, version or mechanism", () => {
  const cases: [number, number, RegExp][] = [
    [0, 0x00, /signature byte 0 is 0x00, expected 0xFF/],
    [9, 0x7e, /signature byte 9 is 0x7E/],
    [10, 2, /Unsupported ZMTP version 2/],
    [12, "P".charCodeAt(0), /security mechanism "PULL"/],
    [16, "X".charCodeAt(0), /security mechanism "NULL\W?X"/],
  ];
  for (const [index, value, message] of cases) {
    const g = LIBZMQ_GREETING.slice();
    g[index] = value;
    assert.throws(() => parseGreeting(g), (e) => e instanceof ZmtpProtocolError);
    assert.throws(() => parseGreeting(g), message);
    assert.throws(() => parseChunks([g]), message);
  }
  const curve = LIBZMQ_GREETING.slice();
  curve.set(text("CURVE"), 12);
  assert.throws(() => parseGreeting(curve), /mechanism "CURVE": only NULL/);
  assert.throws(() => parseGreeting(LIBZMQ_GREETING.subarray(0, 63)), /got 63 bytes/);
});

Deno.test("parser rejects a bad greeting as soon as the offending byte arrives", () => {
  assert.throws(() => parseChunks([bytes(0x01)]), ZmtpProtocolError);
  // A ZMTP 1.0 peer sends a short frame and waits: reject at byte 9 instead of hanging.
  assert.throws(() => parseChunks([bytes(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x00)]), /ZMTP 1\.0/);
  assert.throws(() => parseChunks([LIBZMQ_GREETING.subarray(0, 10), bytes(2)]), /version 2/);
});

Deno.test("encodeReady writes the exact libzmq DEALER bytes", () => {
  const ready = encodeReady({ "Socket-Type": "DEALER", "Identity": new Uint8Array() });
  const expected = bytes(
    0x04,
    0x29,
    0x05,
    "READY",
    0x0b,
    "Socket-Type",
    0,
    0,
    0,
    6,
    "DEALER",
    0x08,
    "Identity",
    0,
    0,
    0,
    0,
  );
  assert.deepEqual(ready, expected);
});

Deno.test("READY property names are matched case-insensitively", () => {
  const command = parseCommand(
    encodeReady({ "socket-TYPE": "PUB", "X-Extra": text("v") }).slice(2),
  );
  assert(command.type === "ready");
  assert.deepEqual(command.properties.get("socket-type"), text("PUB"));
  assert.deepEqual(command.properties.get("x-extra"), text("v"));
});

Deno.test("commands: PING, PONG, ERROR, SUBSCRIBE, CANCEL and unknown ones decode", () => {
  const decode = (frame: Uint8Array) => parseCommand(frame.slice(2));
  assert.deepEqual(decode(encodeCommand("PING", bytes(0, 30, "ctx"))), {
    type: "ping",
    ttl: 30,
    context: text("ctx"),
  });
  assert.deepEqual(encodePong(text("ctx")), bytes(0x04, 8, 4, "PONG", "ctx"));
  assert.deepEqual(decode(encodePong(text("c"))), { type: "pong", context: text("c") });
  assert.deepEqual(encodeError("bad"), bytes(0x04, 10, 5, "ERROR", 3, "bad"));
  assert.deepEqual(decode(encodeError("no access")), { type: "error", reason: "no access" });
  assert.deepEqual(decode(encodeCommand("SUBSCRIBE", text("t"))), {
    type: "subscribe",
    topic: text("t"),
  });
  assert.deepEqual(decode(encodeCommand("CANCEL", text("t"))), {
    type: "cancel",
    topic: text("t"),
  });
  assert.deepEqual(decode(encodeCommand("HELLO", text("x"))), {
    type: "other",
    name: "HELLO",
    data: text("x"),
  });
  const long = encodeCommand("SUBSCRIBE", new Uint8Array(300));
  assert.equal(long[0], 0x06, "a long command frame");
  assert.equal(long.length, 9 + 1 + 9 + 300);
});

Deno.test("encodeMessage concatenates frames, short up to 255 bytes, long above", () => {
  const frame255 = new Uint8Array(255).fill(7);
  const frame256 = new Uint8Array(256).fill(8);
  const out = encodeMessage([text("a"), frame255, frame256]);
  assert.deepEqual(out.subarray(0, 3), bytes(0x01, 1, "a"));
  assert.deepEqual(out.subarray(3, 5), bytes(0x01, 255));
  assert.deepEqual(out.subarray(260, 269), bytes(0x02, 0, 0, 0, 0, 0, 0, 1, 0));
  assert.equal(out.length, 3 + 257 + 9 + 256);
  assert.deepEqual(
    encodeMessage([text("ping")], { emptyDelimiter: true }),
    bytes(1, 0, 0, 4, "ping"),
  );
  assert.deepEqual(encodeMessage([bytes(1)]), bytes(0, 1, 1), "subscribe to all topics");
  assert.throws(() => encodeMessage([]), RangeError);
});

Deno.test("parser decodes the fixture fed at once, byte by byte and at every split point", () => {
  assertFixtureEvents(parseChunks([FIXTURE]));
  assertFixtureEvents(parseChunks([...FIXTURE].map((b) => bytes(b))));
  for (let i = 0; i <= FIXTURE.length; i++) {
    assertFixtureEvents(parseChunks([FIXTURE.subarray(0, i), FIXTURE.subarray(i)]));
  }
  // Three chunks with the first cut at every point around the frame headers.
  for (let i = 60; i < 120; i++) {
    for (let j = i; j <= FIXTURE.length; j += 7) {
      const chunks = [FIXTURE.subarray(0, i), FIXTURE.subarray(i, j), FIXTURE.subarray(j)];
      assertFixtureEvents(parseChunks(chunks));
    }
  }
});

Deno.test("parser accepts the long size form for any size", () => {
  const frame = bytes(0x02, 0, 0, 0, 0, 0, 0, 0, 5, "hello");
  const events = parseChunks([LIBZMQ_GREETING, frame]);
  assert.deepEqual(events[1], { kind: "message", frames: [text("hello")] });
});

Deno.test("truncated input yields only the complete events and never throws", () => {
  const full = parseChunks([FIXTURE]);
  const readyEnd = LIBZMQ_GREETING.length + ROUTER_READY.length;
  for (let i = 0; i < FIXTURE.length; i++) {
    const events = parseChunks([FIXTURE.subarray(0, i)]);
    const expected = i < 64 ? 0 : i < readyEnd ? 1 : 2;
    assert.deepEqual(events, full.slice(0, expected), `prefix of ${i} bytes`);
  }
});

Deno.test("malformed frames throw ZmtpProtocolError and the parser stays failed", () => {
  const cases: [Uint8Array, RegExp][] = [
    [bytes(0x08, 0), /flags byte 0x08 has reserved bits set/],
    [bytes(0x80, 0), /reserved bits/],
    [bytes(0x05, 1, 0), /command with MORE/],
    [bytes(0x04, 0), /name of no bytes/],
    [bytes(0x04, 2, 5, "R"), /name of 5 bytes does not fit a 2-byte body/],
    [bytes(0x04, 6, 4, "PING", 0), /PING command: 1 data bytes/],
    [bytes(0x04, 8, 5, "READY", 3, "a"), /property at offset 0 is truncated/],
    [bytes(0x04, 13, 5, "READY", 1, "a", 0, 0, 0, 9, "b"), /"a" declares 9 bytes, 1 remain/],
  ];
  for (const [frame, message] of cases) {
    const { parser } = collector();
    parser.push(LIBZMQ_GREETING);
    assert.throws(() => parser.push(frame), message, `frame ${frame}`);
    assert.throws(() => parser.push(encodeMessage([text("x")])), message, "stays failed");
  }
});

Deno.test("an oversized frame is rejected from its header, before any body byte", () => {
  const huge = bytes(0x02, 0, 0, 1, 0, 0, 0, 0, 0); // 2^40 bytes
  assert.throws(() => parseChunks([LIBZMQ_GREETING, huge]), /frame of 1099511627776 bytes/);
  const max = bytes(0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  assert.throws(() => parseChunks([LIBZMQ_GREETING, max]), /exceeds the limit of 268435456/);
  assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 268435456);
  const options = { maxMessageSize: 100 };
  assert.throws(() => parseChunks([LIBZMQ_GREETING, bytes(0x00, 200)], options), /limit of 100/);
  assert.throws(() => parseChunks([LIBZMQ_GREETING, bytes(0x04, 99)], options), /a command frame/);
  // The message total counts: 3 frames of 40 bytes (+2 header bytes each) exceed 100.
  const three = encodeMessage([new Uint8Array(40), new Uint8Array(40), new Uint8Array(40)]);
  assert.throws(() => parseChunks([LIBZMQ_GREETING, three.subarray(0, 86)], options), /after 84/);
  // Many empty frames count their headers, so they cannot pile up without bound.
  const empties = new Uint8Array(200).fill(0).map((_, i) => i % 2 === 0 ? 1 : 0);
  assert.throws(() => parseChunks([LIBZMQ_GREETING, empties], options), /limit of 100/);
  const fits = encodeMessage([new Uint8Array(40), new Uint8Array(40)]);
  assert.equal(parseChunks([LIBZMQ_GREETING, fits, fits], options).length, 3);
});

Deno.test("emitted frames are copies: reusing the input buffer does not change them", () => {
  const { parser, events } = collector();
  const buffer = new Uint8Array(FIXTURE.length);
  buffer.set(FIXTURE);
  parser.push(buffer.subarray(0, 80));
  parser.push(buffer.subarray(80));
  buffer.fill(0xee);
  assertFixtureEvents(events);
});

Deno.test("property: random chunking of random messages yields the same messages", () => {
  const frame = fc.oneof(
    fc.uint8Array({ maxLength: 20 }),
    fc.uint8Array({ minLength: 250, maxLength: 600 }),
  );
  const message = fc.array(frame, { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(
      fc.array(message, { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }),
      (messages, sizes) => {
        const wire = concat(
          encodeGreeting(),
          ROUTER_READY,
          ...messages.map((m) => encodeMessage(m)),
        );
        const chunks: Uint8Array[] = [];
        for (let at = 0, i = 0; at < wire.length; i++) {
          const size = sizes[i % sizes.length]!;
          chunks.push(wire.slice(at, at + size));
          at += size;
        }
        const events = parseChunks(chunks);
        assert.equal(events.length, 2 + messages.length);
        assert.deepEqual(
          events.slice(2).map((e) => e.kind === "message" ? e.frames : undefined),
          messages,
        );
      },
    ),
    { numRuns: 200 },
  );
});
