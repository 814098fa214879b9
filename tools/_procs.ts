/**
 * Lists kernel processes started from this checkout (Linux and macOS, via `ps`).
 * @module
 */

/** A process seen by `ps`. */
export interface Proc {
  /** Process id. */
  pid: number;
  /** Full command line. */
  cmd: string;
}

/**
 * Orphaned kernel processes: ipykernel from a venv under `root`, or
 * `deno jupyter --kernel`, whose parent is no longer a running deno process
 * (a kernel still parented by a live nbchain, say a bench, is not an orphan).
 */
export async function leftoverKernels(root: string): Promise<Proc[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,ppid=,args="], stdout: "piped" })
    .output();
  const all = new Map<number, { ppid: number; cmd: string }>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) all.set(Number(m[1]), { ppid: Number(m[2]), cmd: m[3]! });
  }
  const procs: Proc[] = [];
  for (const [pid, { ppid, cmd }] of all) {
    const isKernel = (cmd.includes("ipykernel_launcher") && cmd.includes(root)) ||
      /jupyter --kernel --conn/.test(cmd);
    if (!isKernel || cmd.includes("<defunct>")) continue;
    const parent = all.get(ppid);
    const ownedByDeno = parent !== undefined && /(^|\/)deno$/.test(parent.cmd.split(" ")[0]!);
    if (!ownedByDeno) procs.push({ pid, cmd });
  }
  return procs;
}
