/**
 * Shared helpers of the integration tests.
 * @module
 */
import type { Execution, JupyterMessage } from "../kernel/mod.ts";

/** Collects an execution's iopub messages and its result. */
export async function collect(
  exec: Execution,
): Promise<{ messages: JupyterMessage[]; status: string; reply: Record<string, unknown> }> {
  const messages: JupyterMessage[] = [];
  for await (const m of exec) messages.push(m);
  const { reply } = await exec.result;
  return { messages, status: reply.status, reply };
}

/** The concatenated stream text of some messages. */
export function streamText(messages: JupyterMessage[], name = "stdout"): string {
  return messages
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => String(m.content.text))
    .join("");
}

/** Whether a process exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)], stdout: "piped" })
    .outputSync();
  const stat = new TextDecoder().decode(out.stdout).trim();
  return stat !== "" && !stat.startsWith("Z");
}

/** Pids of processes in a process group. */
export function groupMembers(pgid: number): number[] {
  const out = new Deno.Command("ps", { args: ["-eo", "pid=,pgid=,stat="], stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3 && Number(f[1]) === pgid && !f[2]!.startsWith("Z"))
    .map((f) => Number(f[0]));
}

/** Waits until `predicate` holds, polling, or throws after `ms`. */
export async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
