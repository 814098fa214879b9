import assert from "node:assert/strict";
import fc from "fast-check";
import {
  defaultTruncationNote,
  type IopubOutputMessage,
  mimeBundleToNotebook,
  OutputCollector,
} from "./outputs.ts";
import { splitLines, StreamText, utf8Length } from "./_stream_text.ts";
import type { CodeCell, Output } from "./types.ts";

function codeCell(): CodeCell {
  return { cell_type: "code", source: "", metadata: {}, execution_count: null, outputs: [] };
}

function stream(name: "stdout" | "stderr", text: string): IopubOutputMessage {
  return { msg_type: "stream", content: { name, text } };
}

function display(
  data: Record<string, unknown>,
  id?: string,
  type = "display_data",
): IopubOutputMessage {
  return {
    msg_type: type,
    content: { data, metadata: {}, ...(id === undefined ? {} : { transient: { display_id: id } }) },
  };
}

function joined(output: Output | undefined): string {
  assert.ok(
    output?.output_type === "stream",
    `expected a stream output, got ${JSON.stringify(output)}`,
  );
  return typeof output.text === "string" ? output.text : output.text.join("");
}

function dataOf(output: Output | undefined): unknown {
  assert.ok(output?.output_type === "display_data" || output?.output_type === "execute_result");
  return output.data;
}

/** Reference model: the stream rules applied character by character to the whole text. */
function reference(text: string): string {
  const done: string[] = [];
  let line: string[] = [];
  for (const ch of text) {
    if (ch === "\n") {
      done.push(line.join("") + "\n");
      line = [];
    } else if (ch === "\b") line.pop();
    else {
      if (line[line.length - 1] === "\r") line = [];
      line.push(ch);
    }
  }
  return done.join("") + line.join("");
}

/** nbclient's carriage-return rule: Python `re.sub(r".*\r(?=[^\n])", "", text)` (`.` is `[^\n]`). */
function nbclientCarriageReturn(text: string): string {
  return text.replace(/[^\n]*\r(?=[^\n])/g, "");
}

function collect(chunks: string[], maxBytes = Infinity): StreamText {
  const text = new StreamText();
  for (const chunk of chunks) text.append(chunk, maxBytes);
  return text;
}

Deno.test("splitLines matches Python str.splitlines(True)", () => {
  assert.deepEqual(splitLines("a\nb"), ["a\n", "b"]);
  assert.deepEqual(splitLines("a\r\nb\rc\n"), ["a\r\n", "b\r", "c\n"]);
  assert.deepEqual(splitLines("x\vy\fz\x1c\u2028w\x85"), [
    "x\v",
    "y\f",
    "z\x1c",
    "\u2028",
    "w\x85",
  ]);
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("\n\n"), ["\n", "\n"]);
});

Deno.test("utf8Length counts UTF-8 bytes", () => {
  assert.equal(utf8Length("abc"), 3);
  assert.equal(utf8Length("é"), 2);
  assert.equal(utf8Length("€"), 3);
  assert.equal(utf8Length("😀"), 4);
  assert.equal(utf8Length("\ud800"), 3);
  assert.equal(utf8Length("é😀x"), new TextEncoder().encode("é😀x").length);
});

Deno.test("stream text: progress bars keep only the last state of a line", () => {
  const text = collect([
    "  0%|          |\r",
    " 50%|#####     |\r",
    "100%|##########|\r",
    "\n",
    "done\n",
  ]);
  assert.deepEqual(text.lines, ["100%|##########|\r\n", "done\n"]);
  assert.deepEqual(collect(["a\rb\rc"]).lines, ["c"]);
  assert.deepEqual(collect(["abc\r"]).lines, ["abc\r"], "a trailing \\r waits for more text");
  assert.deepEqual(collect(["abc\r", "x\n"]).lines, ["x\n"]);
  assert.deepEqual(collect(["a\r\r", "b"]).lines, ["b"]);
});

Deno.test("stream text: backspace deletes the previous character on its line", () => {
  assert.deepEqual(collect(["abc\b\bX\n"]).lines, ["aX\n"]);
  assert.deepEqual(collect(["ab\n\b\bc"]).lines, ["ab\n", "c"], "never crosses a newline");
  assert.deepEqual(collect(["|", "\b/", "\b-", "\b\\", "\bdone\n"]).lines, ["done\n"]);
  assert.deepEqual(collect(["x😀\b!"]).lines, ["x!"], "a surrogate pair is one character");
  assert.deepEqual(collect(["ab\r\bc"]).lines, ["abc"], "a backspace can delete a pending \\r");
});

Deno.test("stream text: the result does not depend on chunking and matches the reference", () => {
  const alphabet = fc.constantFrom("a", "b", "é", "😀", "\r", "\n", "\b", "\v", " ");
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join("")),
      fc.array(fc.nat(60), { maxLength: 8 }),
      (text, cuts) => {
        const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) =>
          a - b
        );
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(text.slice(last, p));
          last = p;
        }
        chunks.push(text.slice(last));
        const whole = collect([text]);
        const pieces = collect(chunks);
        const expected = reference(text);
        assert.equal(whole.lines.join(""), expected);
        assert.deepEqual(pieces.lines, whole.lines);
        assert.deepEqual(whole.lines, splitLines(expected));
        assert.equal(whole.bytes, utf8Length(expected));
      },
    ),
  );
});

Deno.test("stream text: without backspaces it equals nbclient's carriage-return rule", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("a", "b", "\r", "\n"), { maxLength: 40 }).map((c) => c.join("")),
      (text) => {
        assert.equal(collect([text]).lines.join(""), nbclientCarriageReturn(text));
      },
    ),
  );
});

Deno.test("stream text: stops at the byte limit on a code point boundary", () => {
  const text = new StreamText();
  assert.equal(text.append("ab\n", 10), true);
  assert.equal(text.append("€€€", 10), false, "3 + 9 bytes do not fit in 10");
  assert.deepEqual(text.lines, ["ab\n", "€€"]);
  assert.equal(text.bytes, 9);
});

Deno.test("consecutive streams of one name merge; interleaved names stay apart", () => {
  const cell = codeCell();
  const c = new OutputCollector();
  c.startCell(0, cell);
  assert.equal(c.handle(stream("stdout", "a")), true);
  c.handle(stream("stdout", "b\nc\n"));
  c.handle(stream("stderr", "warning\n"));
  c.handle(stream("stdout", "d\n"));
  assert.deepEqual(cell.outputs, [
    { output_type: "stream", name: "stdout", text: ["ab\n", "c\n"] },
    { output_type: "stream", name: "stderr", text: ["warning\n"] },
    { output_type: "stream", name: "stdout", text: ["d\n"] },
  ]);
  c.handle(display({ "text/plain": "x" }));
  c.handle(stream("stdout", "e\n"));
  assert.equal(cell.outputs.length, 5, "a display output ends the merge");
});

Deno.test("clear_output without wait clears at once", () => {
  const cell = codeCell();
  const c = new OutputCollector();
  c.startCell(0, cell);
  c.handle(stream("stdout", "1\n"));
  assert.equal(c.handle({ msg_type: "clear_output", content: { wait: false } }), true);
  assert.deepEqual(cell.outputs, []);
  c.handle(stream("stdout", "2\n"));
  assert.deepEqual(cell.outputs, [{ output_type: "stream", name: "stdout", text: ["2\n"] }]);
});

Deno.test("clear_output with wait clears just before the next output", () => {
  const cell = codeCell();
  const c = new OutputCollector();
  c.startCell(0, cell);
  for (let i = 0; i < 3; i++) {
    assert.equal(c.handle({ msg_type: "clear_output", content: { wait: true } }), false);
    c.handle(stream("stdout", `step ${i}\n`));
    assert.deepEqual(cell.outputs, [{
      output_type: "stream",
      name: "stdout",
      text: [`step ${i}\n`],
    }]);
  }
  c.handle({ msg_type: "clear_output", content: { wait: true } });
  assert.equal(cell.outputs.length, 1, "still there until the next output");
  // A pending clear does not leak into the next cell.
  const next = codeCell();
  c.startCell(1, next);
  c.handle(stream("stdout", "x\n"));
  assert.equal(cell.outputs.length, 1);
  assert.equal(next.outputs.length, 1);
});

Deno.test("display ids are updated across cells and transient is never written", () => {
  const first = codeCell();
  const second = codeCell();
  const c = new OutputCollector();
  c.startCell(0, first);
  c.handle(display({ "text/plain": "loading" }, "d1"));
  c.handle(display({ "text/plain": "other" }, "d2"));
  c.startCell(3, second);
  assert.equal(
    c.handle({
      msg_type: "update_display_data",
      content: {
        data: { "text/plain": "50%" },
        metadata: { m: 1 },
        transient: { display_id: "d1" },
      },
    }),
    true,
  );
  assert.deepEqual(first.outputs[0], {
    output_type: "display_data",
    data: { "text/plain": ["50%"] },
    metadata: { m: 1 },
  });
  assert.deepEqual(second.outputs, [], "an update appends nothing");
  // A new display with a known id updates the old ones and is appended too.
  c.handle(display({ "text/plain": "done" }, "d1"));
  assert.deepEqual(first.outputs[0], {
    output_type: "display_data",
    data: { "text/plain": ["done"] },
    metadata: {},
  });
  assert.deepEqual(second.outputs, [{
    output_type: "display_data",
    data: { "text/plain": ["done"] },
    metadata: {},
  }]);
  c.handle({
    msg_type: "update_display_data",
    content: { data: { "text/plain": "final" }, metadata: {}, transient: { display_id: "d1" } },
  });
  assert.deepEqual(dataOf(first.outputs[0]), { "text/plain": ["final"] });
  assert.deepEqual(dataOf(second.outputs[0]), { "text/plain": ["final"] });
  assert.deepEqual(dataOf(first.outputs[1]), { "text/plain": ["other"] });
  // Cleared outputs are no longer targets.
  c.handle({ msg_type: "clear_output", content: { wait: false } });
  c.handle(stream("stdout", "x\n"));
  c.handle({
    msg_type: "update_display_data",
    content: { data: { "text/plain": "after" }, metadata: {}, transient: { display_id: "d1" } },
  });
  assert.deepEqual(dataOf(first.outputs[0]), { "text/plain": ["after"] });
  assert.deepEqual(second.outputs, [{ output_type: "stream", name: "stdout", text: ["x\n"] }]);
  assert.ok(!JSON.stringify([first, second]).includes("transient"));
  assert.equal(
    c.handle({
      msg_type: "update_display_data",
      content: { data: { "text/plain": "?" }, metadata: {}, transient: { display_id: "unknown" } },
    }),
    false,
  );
});

Deno.test("execute_result carries its execution count; error outputs keep ename, evalue, traceback", () => {
  const cell = codeCell();
  const c = new OutputCollector();
  c.startCell(0, cell);
  c.handle({
    msg_type: "execute_result",
    content: {
      execution_count: 7,
      data: { "text/plain": "42", "text/html": "<b>4</b>\n<i>2</i>" },
      metadata: {},
    },
  });
  c.handle({
    msg_type: "error",
    content: { ename: "ValueError", evalue: "bad", traceback: ["line 1", "line 2"] },
  });
  assert.deepEqual(cell.outputs, [
    {
      output_type: "execute_result",
      execution_count: 7,
      data: { "text/plain": ["42"], "text/html": ["<b>4</b>\n", "<i>2</i>"] },
      metadata: {},
    },
    { output_type: "error", ename: "ValueError", evalue: "bad", traceback: ["line 1", "line 2"] },
  ]);
});

Deno.test("unknown or malformed messages change nothing", () => {
  const cell = codeCell();
  const c = new OutputCollector();
  assert.throws(() => c.handle(stream("stdout", "x")), /startCell\(\) was not called/);
  c.startCell(0, cell);
  assert.equal(c.handle({ msg_type: "status", content: { execution_state: "idle" } }), false);
  assert.equal(c.handle({ msg_type: "stream", content: { name: "stdout", text: 5 } }), false);
  assert.equal(c.handle({ msg_type: "display_data", content: { data: "nope" } }), false);
  assert.equal(c.handle(stream("stdout", "")), false);
  assert.deepEqual(cell.outputs, []);
});

Deno.test("a huge stream is capped: bounded size, one note, dropped bytes counted", () => {
  const cell = codeCell();
  const limit = 64 * 1024;
  const c = new OutputCollector({ maxCellOutputBytes: limit });
  c.startCell(0, cell);
  const line = "x".repeat(99) + "\n";
  for (let i = 0; i < 20_000; i++) c.handle(stream("stdout", line));
  c.handle(stream("stderr", "late warning\n"));
  c.handle(display({ "text/plain": "late display" }));
  assert.equal(c.truncated, true);
  assert.equal(cell.outputs.length, 2);
  assert.equal(utf8Length(joined(cell.outputs[0])), limit);
  assert.deepEqual(cell.outputs[1], {
    output_type: "stream",
    name: "stderr",
    text: ["[nbchain: output truncated after 64 KiB; raise --max-output to keep more]\n"],
  });
  const late = utf8Length("late warning\n") + "text/plain".length + utf8Length("late display");
  assert.equal(c.droppedBytes, 20_000 * 100 - limit + late);
  // The next cell starts with a fresh budget.
  const next = codeCell();
  c.startCell(1, next);
  assert.equal(c.truncated, false);
  c.handle(stream("stdout", "ok\n"));
  assert.deepEqual(next.outputs, [{ output_type: "stream", name: "stdout", text: ["ok\n"] }]);
});

Deno.test("the cap counts what is kept: progress bars and clears never fill it", () => {
  const cell = codeCell();
  const c = new OutputCollector({ maxCellOutputBytes: 1000 });
  c.startCell(0, cell);
  for (let i = 0; i < 5000; i++) c.handle(stream("stderr", `\r${"#".repeat(i % 50)} ${i}`));
  for (let i = 0; i < 500; i++) {
    c.handle({ msg_type: "clear_output", content: { wait: true } });
    c.handle(display({ "text/plain": `frame ${i}` }));
  }
  assert.equal(c.truncated, false);
  assert.deepEqual(cell.outputs, [{
    output_type: "display_data",
    data: { "text/plain": ["frame 499"] },
    metadata: {},
  }]);
});

Deno.test("after a clear a truncated cell collects again, and the note text is configurable", () => {
  const cell = codeCell();
  const c = new OutputCollector({
    maxCellOutputBytes: 100,
    truncationNote: (n) => `cut at ${n}\n`,
  });
  c.startCell(0, cell);
  c.handle(display({ "text/plain": "y".repeat(200) }));
  assert.deepEqual(cell.outputs, [{
    output_type: "stream",
    name: "stderr",
    text: ["cut at 100\n"],
  }]);
  c.handle({ msg_type: "clear_output", content: { wait: false } });
  c.handle(stream("stdout", "summary\n"));
  assert.deepEqual(cell.outputs, [{ output_type: "stream", name: "stdout", text: ["summary\n"] }]);
  assert.equal(c.truncated, true, "truncated stays true for the cell");
  assert.equal(
    defaultTruncationNote(4 * 1024 * 1024),
    "[nbchain: output truncated after 4 MiB; raise --max-output to keep more]\n",
  );
});

Deno.test("an update that would exceed the cap is dropped and noted", () => {
  const cell = codeCell();
  const c = new OutputCollector({ maxCellOutputBytes: 100 });
  c.startCell(0, cell);
  c.handle(display({ "text/plain": "small" }, "d"));
  c.handle({
    msg_type: "update_display_data",
    content: {
      data: { "text/plain": "z".repeat(500) },
      metadata: {},
      transient: { display_id: "d" },
    },
  });
  assert.deepEqual(dataOf(cell.outputs[0]), { "text/plain": ["small"] });
  assert.equal(cell.outputs.length, 2);
  assert.equal(c.truncated, true);
});

Deno.test("mimeBundleToNotebook splits text mimes like nbformat writers", () => {
  assert.deepEqual(
    mimeBundleToNotebook({
      "text/plain": "a\nb",
      "text/html": "<p>\n</p>\n",
      "image/svg+xml": "<svg>\n</svg>",
      "application/javascript": "f()\ng()",
      "image/png": "iVBORw0KGgo=\n",
      "application/json": { a: "x\ny" },
      "application/vnd.custom+json": ["a\n"],
    }),
    {
      "text/plain": ["a\n", "b"],
      "text/html": ["<p>\n", "</p>\n"],
      "image/svg+xml": ["<svg>\n", "</svg>"],
      "application/javascript": ["f()\n", "g()"],
      "image/png": "iVBORw0KGgo=\n",
      "application/json": { a: "x\ny" },
      "application/vnd.custom+json": ["a\n"],
    },
  );
});
