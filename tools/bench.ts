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

const quick = Deno.args.includes("--quick");
const { python, jupyterPath } = await provision({ bench: true });
Deno.env.set("JUPYTER_PATH", jupyterPath);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

function row(label: string, ours: number, peer: number, unit: string, target: string): string {
  const ratio = peer > 0 ? ours / peer : NaN;
  return `${label.padEnd(40)} ${ours.toFixed(3).padStart(10)} ${peer.toFixed(3).padStart(10)} ${
    unit.padEnd(4)
  } ${ratio.toFixed(2).padStart(6)}  ${target}`;
}

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
