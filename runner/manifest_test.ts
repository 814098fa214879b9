import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ManifestError, readManifest, writeManifest } from "./manifest.ts";
import type { RunManifest } from "./manifest.ts";
import { UsageError } from "./_usage_error.ts";

function sample(): RunManifest {
  return {
    nbchain: "0.1.0",
    status: "failed",
    started: "2025-01-01T00:00:00.000Z",
    ended: "2025-01-01T00:00:02.000Z",
    duration: 2,
    tasks: [{
      id: "2_Subtract",
      notebook: "nb/2_Subtract.ipynb",
      output: "2_Subtract.ipynb",
      html: "2_Subtract.html",
      kernel: "python3",
      parameters: { x: 10, big: 12345678901234567890n },
      needs: ["1_Add"],
      status: "failed",
      attempts: 2,
      started: "2025-01-01T00:00:00.500Z",
      ended: "2025-01-01T00:00:01.300Z",
      duration: 0.8,
      error: { ename: "ValueError", evalue: "bad", cell: 3, message: "ValueError: bad" },
      variables: [{ name: "z", operation: "z = x - y", value: 7, type: "int", cell: 3 }],
      skipped_reason: "n/a",
    }],
  };
}

Deno.test("writeManifest() writes indented JSON atomically and readManifest() reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const manifest = sample();
    await writeManifest(join(dir, "run"), manifest);
    const text = await readFile(join(dir, "run", "run.json"), "utf8");
    assert.match(text, /^\{\n {2}"nbchain": "0\.1\.0",\n/);
    assert.ok(text.includes('"big": 12345678901234567890'));
    assert.deepEqual(await readdir(join(dir, "run")), ["run.json"]);
    manifest.status = "ok";
    await writeManifest(join(dir, "run"), manifest);
    const back = await readManifest(join(dir, "run"));
    assert.equal(back.status, "ok");
    assert.deepEqual(back.tasks[0]?.variables, manifest.tasks[0]?.variables);
    assert.deepEqual(await readdir(join(dir, "run")), ["run.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readManifest() names the file when it is missing, not JSON, or malformed", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "run.json");
  try {
    await assert.rejects(readManifest(dir), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.ok(error instanceof UsageError);
      assert.equal(error.path, path);
      assert.ok(error.message.includes(`"${path}"`));
      assert.match(error.message, /does not exist/);
      return true;
    });
    await writeFile(path, "{ nope");
    await assert.rejects(readManifest(dir), /run\.json.*not valid JSON/);
    const bad = JSON.parse(JSON.stringify(sample(), (_k, v) => typeof v === "bigint" ? 1 : v));
    bad.tasks[0].status = "weird";
    await writeFile(path, JSON.stringify(bad));
    await assert.rejects(readManifest(dir), /task 0 \("2_Subtract"\): "status" must be one of/);
    bad.tasks[0].status = "ok";
    bad.tasks[0].variables = [{ name: "z" }];
    await writeFile(path, JSON.stringify(bad));
    await assert.rejects(readManifest(dir), /"variables" must be a list of variable records/);
    await writeFile(path, "[]");
    await assert.rejects(readManifest(dir), /top level must be an object/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
