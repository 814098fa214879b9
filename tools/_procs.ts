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

/** Kernel processes: ipykernel from a venv under `root`, or `deno jupyter --kernel`. */
export async function leftoverKernels(root: string): Promise<Proc[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" })
    .output();
  const procs: Proc[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const cmd = m[2]!;
    const isKernel = (cmd.includes("ipykernel_launcher") && cmd.includes(root)) ||
      /jupyter --kernel --conn/.test(cmd);
    if (isKernel && !cmd.includes("<defunct>")) procs.push({ pid: Number(m[1]), cmd });
  }
  return procs;
}
