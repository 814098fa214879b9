import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { MessageCodec } from "./message.ts";

const te = new TextEncoder();
const td = new TextDecoder();

Deno.test("MessageCodec.encode() signs header, parent, metadata and content with HMAC-SHA256", () => {
  const codec = new MessageCodec("k3y", { session: "s1" });
  const frames = codec.encode({ msgType: "execute_request", content: { code: "1" } });
  assert.equal(td.decode(frames[0]), "<IDS|MSG>");
  const h = createHmac("sha256", "k3y");
  for (const f of frames.slice(2, 6)) h.update(f);
  assert.equal(td.decode(frames[1]), h.digest("hex"));
  const header = JSON.parse(td.decode(frames[2]));
  assert.equal(header.msg_type, "execute_request");
  assert.equal(header.session, "s1");
  assert.equal(header.version, "5.4");
  assert.match(header.date, /Z$|[+-]\d\d:\d\d$/);
  assert.equal(td.decode(frames[3]), "{}");
  assert.equal(td.decode(frames[4]), "{}");
});

Deno.test("MessageCodec.header() makes a fresh msg_id every time", () => {
  const codec = new MessageCodec("k");
  const ids = new Set(Array.from({ length: 100 }, () => codec.header("x").msg_id));
  assert.equal(ids.size, 100);
});

Deno.test("MessageCodec.decode() returns identities, parts and buffers", () => {
  const codec = new MessageCodec("k");
  const frames = codec.encode({
    msgType: "stream",
    content: { name: "stdout", text: "hé\n" },
    parent: { msg_id: "p1" },
    identities: [te.encode("kernel.abc.stream")],
    buffers: [new Uint8Array([1, 2, 3])],
  });
  const msg = codec.decode(frames);
  assert.ok(msg);
  assert.equal(td.decode(msg.identities[0]), "kernel.abc.stream");
  assert.equal(msg.parent_header.msg_id, "p1");
  assert.deepEqual(msg.content, { name: "stdout", text: "hé\n" });
  assert.deepEqual([...msg.buffers[0]!], [1, 2, 3]);
});

Deno.test("MessageCodec.decode() drops and counts a forged signature", () => {
  const good = new MessageCodec("right");
  const forger = new MessageCodec("wrong");
  const frames = forger.encode({ msgType: "execute_reply", content: { status: "ok" } });
  assert.equal(good.decode(frames), undefined);
  assert.equal(good.badSignatures, 1);
  // A tampered content frame with the original signature is dropped too.
  const real = good.encode({ msgType: "execute_reply", content: { status: "ok" } });
  real[5] = te.encode(JSON.stringify({ status: "error" }));
  assert.equal(good.decode(real), undefined);
  // A truncated signature is dropped, not compared partially.
  const short = good.encode({ msgType: "x", content: {} });
  short[1] = short[1]!.slice(0, 10);
  assert.equal(good.decode(short), undefined);
  assert.equal(good.badSignatures, 3);
});

Deno.test("MessageCodec.decode() counts malformed messages without throwing", () => {
  const codec = new MessageCodec("k");
  assert.equal(codec.decode([te.encode("no delimiter")]), undefined);
  assert.equal(codec.decode([te.encode("<IDS|MSG>"), te.encode("sig")]), undefined);
  const noKey = new MessageCodec("");
  const frames = [
    te.encode("<IDS|MSG>"),
    new Uint8Array(),
    te.encode("{"),
    te.encode("{}"),
    te.encode("{}"),
    te.encode("{}"),
  ];
  assert.equal(noKey.decode(frames), undefined);
  assert.equal(codec.malformed, 2);
  assert.equal(noKey.malformed, 1);
});

Deno.test("MessageCodec with an empty key sends an empty signature and checks none", () => {
  const codec = new MessageCodec("");
  const frames = codec.encode({ msgType: "x", content: {} });
  assert.equal(frames[1]!.length, 0);
  assert.ok(codec.decode(frames));
});

Deno.test("MessageCodec rejects unsupported signature schemes", () => {
  assert.throws(() => new MessageCodec("k", { signatureScheme: "hmac-md5" }), /hmac-md5/);
});
