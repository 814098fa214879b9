import assert from "node:assert/strict";
import { renderJunit } from "./junit.ts";
import type { RunManifest, TaskRecord, TaskStatus } from "./manifest.ts";

function task(id: string, status: TaskStatus, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    notebook: `notebooks/${id}.ipynb`,
    output: `${id}.ipynb`,
    html: `${id}.html`,
    kernel: "python3",
    parameters: {},
    needs: [],
    status,
    attempts: 1,
    started: "2025-01-01T00:00:00.000Z",
    ended: "2025-01-01T00:00:01.000Z",
    duration: 1.25,
    error: null,
    variables: [],
    ...extra,
  };
}

const NASTY = "a<b>&\"c' \u0000\u0008\u001b[0;31mred\u001b[0m \ud800 \uffff ]]> end";

const MANIFEST: RunManifest = {
  nbchain: "0.1.0",
  status: "failed",
  started: "2025-01-01T00:00:00.000Z",
  ended: "2025-01-01T00:00:05.000Z",
  duration: 5,
  tasks: [
    task("1_Add", "ok"),
    task("2_cached", "cached", { duration: 0 }),
    task(`bad ${NASTY}`, "failed", {
      error: { ename: "ValueError", evalue: NASTY, cell: 3, message: `Traceback\n${NASTY}` },
    }),
    task("slow", "timeout", { duration: null }),
    task("skip", "skipped", { skipped_reason: "upstream <1_Add> failed", started: null }),
    task("stopped", "interrupted"),
    task("later", "pending", { started: null, ended: null, duration: null }),
  ],
};

interface Parsed {
  root: string;
  suites: { attrs: Record<string, string>; cases: Case[] }[];
}
interface Case {
  attrs: Record<string, string>;
  children: { tag: string; attrs: Record<string, string>; text: string | null }[];
}

const PARSER = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(json.dumps({"root": root.tag, "suites": [{"attrs": s.attrib, "cases": [
  {"attrs": c.attrib, "children": [{"tag": k.tag, "attrs": k.attrib, "text": k.text} for k in c]}
  for c in s.findall("testcase")]} for s in root.findall("testsuite")]}))
`;

/** Parse with Python's xml.etree (a strict XML 1.0 parser) in the test venv. */
async function parseWithPython(xml: string): Promise<Parsed> {
  const python = Deno.env.get("NBCHAIN_TEST_PYTHON");
  assert.ok(python, "NBCHAIN_TEST_PYTHON must name the test venv's python");
  const child = new Deno.Command(python, {
    args: ["-c", PARSER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const done = child.output();
  const writer = child.stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(xml));
  } finally {
    await writer.close().catch(() => {});
  }
  const { code, stdout, stderr } = await done;
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `xml.etree rejected the JUnit XML:\n${err}\n${xml}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test("renderJunit() output is well-formed XML with one suite and right counts", async () => {
  const parsed = await parseWithPython(renderJunit(MANIFEST));
  assert.equal(parsed.root, "testsuites");
  assert.equal(parsed.suites.length, 1);
  const suite = parsed.suites[0]!;
  assert.equal(suite.attrs["name"], "nbchain");
  assert.equal(suite.attrs["tests"], "7");
  assert.equal(suite.attrs["failures"], "2");
  assert.equal(suite.attrs["errors"], "1");
  assert.equal(suite.attrs["skipped"], "2");
  assert.equal(suite.attrs["time"], "5.000");
  assert.equal(suite.cases.length, 7);
  for (const c of suite.cases) assert.equal(c.attrs["classname"], "nbchain");
  const byName = new Map(suite.cases.map((c) => [c.attrs["name"], c]));
  assert.deepEqual(byName.get("1_Add")?.children, []);
  assert.equal(byName.get("1_Add")?.attrs["time"], "1.250");
  assert.deepEqual(byName.get("2_cached")?.children, [{
    tag: "system-out",
    attrs: {},
    text: "cached",
  }]);
  const slow = byName.get("slow")!;
  assert.equal(slow.children[0]?.tag, "failure");
  assert.equal(slow.attrs["time"], "0.000");
  assert.match(slow.children[0]?.attrs["message"] ?? "", /^Timeout/);
  assert.deepEqual(byName.get("skip")?.children, [
    { tag: "skipped", attrs: { message: "upstream <1_Add> failed" }, text: null },
  ]);
  assert.equal(byName.get("stopped")?.children[0]?.tag, "error");
  assert.equal(byName.get("later")?.children[0]?.tag, "skipped");
});

Deno.test("renderJunit() escapes markup and drops characters XML 1.0 forbids", async () => {
  const xml = renderJunit(MANIFEST);
  assert.ok(!xml.includes("\u0000"));
  assert.ok(!xml.includes("\u001b"));
  assert.ok(!xml.includes("<b>"));
  const suite = (await parseWithPython(xml)).suites[0]!;
  const bad = suite.cases.find((c) => c.attrs["name"]?.startsWith("bad "))!;
  const expected = "a<b>&\"c' \ufffd\ufffdred \ufffd \ufffd ]]> end";
  assert.equal(bad.attrs["name"], `bad ${expected}`);
  const failure = bad.children[0]!;
  assert.equal(failure.tag, "failure");
  assert.equal(failure.attrs["type"], "ValueError");
  assert.equal(failure.attrs["message"], `ValueError: ${expected}`);
  assert.ok(failure.text?.startsWith(`Traceback\n${expected}\nin cell 3`));
});

Deno.test("renderJunit() handles an empty run and keeps newlines in attributes", async () => {
  const empty = await parseWithPython(renderJunit({ ...MANIFEST, tasks: [], duration: null }));
  assert.equal(empty.suites[0]?.attrs["tests"], "0");
  assert.equal(empty.suites[0]?.attrs["time"], "0.000");
  const multi = renderJunit({
    ...MANIFEST,
    tasks: [
      task("t", "failed", { error: { ename: "E", evalue: "a\nb", cell: null, message: "" } }),
    ],
  });
  assert.ok(multi.includes('message="E: a&#10;b"'));
  const parsed = await parseWithPython(multi);
  assert.equal(parsed.suites[0]?.cases[0]?.children[0]?.attrs["message"], "E: a\nb");
});
