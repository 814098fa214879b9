/**
 * runNotebook writes its output notebook progressively: throttled while the
 * cells run (so readers see completed cells early) and always at the end,
 * and a failing intermediate write neither crashes the run nor blocks the
 * final save. Real ipykernel; the kernel is checked gone after every run.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Notebook } from "../nbformat/mod.ts";
import {
  code,
  codeCells,
  loadNotebook,
  notebook,
  papermillOf,
  run,
  streamOf,
  tempDir,
} from "./_run_notebook_helpers.ts";

Deno.test("the output notebook is written progressively, not after every cell", async () => {
  await using dir = await tempDir();
  const output = join(dir.path, "progress.ipynb");
  const cells = 10;
  const interval = 2000; // several cells per write, even on a loaded machine
  // Count whole-file writes: each is a temp file created next to the output, then renamed.
  const watcher = Deno.watchFs(dir.path, { recursive: false });
  const temps = new Set<string>();
  const watching = (async () => {
    for await (const event of watcher) {
      for (const path of event.paths) {
        if (/\.progress\.ipynb\.\w+\.tmp$/.test(path)) temps.add(path);
      }
    }
  })();
  const seen: number[] = []; // completed cells in the file at each cell-end
  const started = performance.now();
  let result;
  try {
    ({ result } = await run(
      notebook(
        Array.from({ length: cells }, (_, i) => code(`print(${i})\nimport time\ntime.sleep(0.3)`)),
      ),
      {
        output,
        saveInterval: interval,
        onEvent: (e) => {
          if (e.type !== "cell-end") return;
          let done = 0;
          try {
            const nb = JSON.parse(Deno.readTextFileSync(output)) as Notebook;
            done = nb.cells.filter((c) => papermillOf(c).status === "completed").length;
          } catch (error) {
            if (!(error instanceof Deno.errors.NotFound)) throw error;
          }
          seen.push(done);
        },
      },
    ));
  } finally {
    await new Promise((r) => setTimeout(r, 100)); // let the last events arrive
    watcher.close();
    await watching;
  }
  const elapsed = performance.now() - started;
  assert.equal(result.status, "ok");
  assert.equal(seen.length, cells);
  assert.ok(
    seen.slice(0, -1).some((n) => n > 0),
    `the file held completed cells before the run ended (seen ${seen})`,
  );
  assert.ok(temps.size >= 2, `written during the run and at the end (${temps.size} writes)`);
  assert.ok(temps.size < cells, `not rewritten after every cell (${temps.size} writes)`);
  assert.ok(
    temps.size <= Math.ceil(elapsed / interval) + 1,
    `at most one write per interval (${temps.size} writes in ${elapsed} ms)`,
  );
  const saved = await loadNotebook(output);
  assert.deepEqual(
    codeCells(saved).map((c) => streamOf(c)),
    [...Array(cells).keys()].map((i) => `${i}\n`),
  );
});

Deno.test("a progressive save that fails (folder gone for a while) neither crashes the run nor blocks the final save", async () => {
  await using dir = await tempDir();
  const folder = join(dir.path, "out");
  await mkdir(folder);
  const output = join(folder, "gone.ipynb");
  const sleepy = (i: number) => code(`print(${i})\nimport time\ntime.sleep(0.3)`);
  const { result } = await run(notebook([sleepy(0), sleepy(1), sleepy(2), sleepy(3)]), {
    output,
    saveInterval: 50,
    onEvent: (e) => {
      if (e.type !== "cell-end") return;
      if (e.cell === 0) Deno.removeSync(folder, { recursive: true });
      if (e.cell === 2) Deno.mkdirSync(folder);
    },
  });
  assert.equal(result.status, "ok");
  const saved = await loadNotebook(output);
  assert.deepEqual(codeCells(saved).map((c) => streamOf(c)), ["0\n", "1\n", "2\n", "3\n"]);
});
