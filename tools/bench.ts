/**
 * `deno task bench`: measures nbchain beside jupyter_client and papermill on
 * this machine and prints a table. A benchmark, not a test: no assertions.
 *
 * Usage: `deno task bench [--quick]`
 * @module
 */
import { join } from "node:path";
import { provision, ROOT } from "./provision.ts";
import { benchKernel, type Figures } from "./_bench_kernel.ts";
import { benchNotebooks } from "./_bench_notebooks.ts";
import { median, row } from "./_bench_table.ts";

const quick = Deno.args.includes("--quick");
const { python, jupyterPath } = await provision({ bench: true });
Deno.env.set("JUPYTER_PATH", jupyterPath);

const starts = quick ? 3 : 10;
const cells = quick ? 200 : 1000;
console.log(
  `nbchain bench on ${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores`,
);
console.log(
  `${"measure".padEnd(40)} ${"nbchain".padStart(10)} ${"peer".padStart(10)} unit  ratio  target`,
);

const ours: Figures = await benchKernel("python3", starts, cells);
const peerOut = await new Deno.Command(python, {
  args: [join(ROOT, "bench", "jupyter_client_bench.py"), "python3", String(starts), String(cells)],
  env: { JUPYTER_PATH: jupyterPath },
  stdout: "piped",
  stderr: "piped",
}).output();
if (!peerOut.success) throw new Error(new TextDecoder().decode(peerOut.stderr));
const peer = JSON.parse(new TextDecoder().decode(peerOut.stdout)) as {
  ready: number[];
  per_cell: number;
};
console.log(
  row(
    "kernel start to ready (median)",
    median(ours.ready),
    median(peer.ready),
    "s",
    "no slower (jupyter_client)",
  ),
);
console.log(
  row(
    `per-cell round trip, ${cells} x pass`,
    ours.perCell * 1000,
    peer.per_cell * 1000,
    "ms",
    "within 10% (jupyter_client)",
  ),
);

if (!Deno.args.includes("--kernel-only")) {
  for (const line of await benchNotebooks({ python, quick })) console.log(line);
}
