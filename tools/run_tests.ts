/**
 * `deno task test`: provisions the venv and kernelspecs, runs the whole
 * suite against real kernels, then fails if any kernel process outlived it.
 *
 * Extra arguments are passed to `deno test` (e.g. a file or `--filter`).
 * @module
 */
import { join } from "node:path";
import { provision, ROOT } from "./provision.ts";
import { leftoverKernels } from "./_procs.ts";

const { python, jupyterPath } = await provision();
const before = new Set((await leftoverKernels(ROOT)).map((p) => p.pid));
const args = Deno.args.length > 0 ? Deno.args : ["."];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--parallel", ...args],
  cwd: ROOT,
  env: {
    JUPYTER_PATH: jupyterPath,
    NBCHAIN_TEST_PYTHON: python,
    NBCHAIN_TEST_VENV: join(ROOT, ".venv"),
    NO_COLOR: "1",
    TZ: "UTC",
  },
  stdin: "null",
  stdout: "piped",
}).spawn();
// Pass the output through and restate Deno's summary as a plain closing line.
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
}
const status = await child.status;
// deno-lint-ignore no-control-regex
const m = /\|\s*(\d+) passed[^|\n]*\|\s*(\d+) failed/.exec(tail.replace(/\x1b\[[0-9;]*m/g, ""));
const summary = m ? `${m[1]} passed, ${m[2]} failed` : "";
// Give kernels that were told to exit a moment, then look for orphans.
await new Promise((r) => setTimeout(r, 500));
const left = (await leftoverKernels(ROOT)).filter((p) => !before.has(p.pid));
if (left.length > 0) {
  console.error(`error: ${left.length} kernel process(es) outlived the test suite:`);
  for (const p of left) console.error(`  ${p.pid} ${p.cmd}`);
  for (const p of left) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch { /* already gone */ }
  }
  Deno.exit(1);
}
if (summary) console.log(`tests: ${summary}`);
Deno.exit(status.code);
