/**
 * Port reservation for kernels we launch. TCP ports come from the OS (bind
 * port 0 on loopback, read it, close) and are remembered in-process, so that
 * parallel launches never get the same port while the kernels bind theirs.
 * Released ports wait at the back of a queue before they may be handed out
 * again. For ipc, "ports" are the first small integers N for which the socket
 * file `${ip}-${N}` does not exist.
 * @module
 */

/** How many released ports stay blocked before the oldest may be handed out again. */
const QUARANTINE_SIZE = 1024;
/** How many OS-chosen ports one reservation looks at before giving up. */
const MAX_TRIES_PER_PORT = 64;

const handedOut = new Set<number>();
const quarantine: number[] = [];
const quarantined = new Set<number>();
const ipcHandedOut = new Set<string>();

/** Whether a TCP port is handed out or recently released. */
function blocked(port: number): boolean {
  return handedOut.has(port) || quarantined.has(port);
}

/**
 * Reserves `count` distinct free TCP ports on `hostname` (default 127.0.0.1),
 * none of which is handed out or recently released in this process.
 * The listeners are held open until all ports are chosen, so the OS never
 * repeats one within a call.
 */
export function reserveTcpPorts(count: number, hostname = "127.0.0.1"): number[] {
  const listeners: Deno.Listener[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries >= count * MAX_TRIES_PER_PORT) {
        throw new Error(
          `Failed to reserve ${count} free TCP ports on "${hostname}": ` +
            `the OS offered only ports already handed out after ${tries} tries`,
        );
      }
      const listener = Deno.listen({ hostname, port: 0, transport: "tcp" });
      listeners.push(listener);
      const { port } = listener.addr as Deno.NetAddr;
      if (!blocked(port)) ports.push(port);
    }
  } finally {
    for (const listener of listeners) listener.close();
  }
  for (const port of ports) handedOut.add(port);
  return ports;
}

/**
 * Returns TCP ports to the pool once their kernel is done. They join the back
 * of a queue and are not handed out again until ~1000 later releases.
 * Unknown ports are ignored, so releasing twice is harmless.
 */
export function releasePorts(ports: Iterable<number>): void {
  for (const port of ports) {
    if (!handedOut.delete(port)) continue;
    quarantine.push(port);
    quarantined.add(port);
    while (quarantine.length > QUARANTINE_SIZE) {
      const oldest = quarantine.shift();
      if (oldest !== undefined) quarantined.delete(oldest);
    }
  }
}

/** Whether a path exists (without following a final symlink). */
function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new Error(`Failed to check whether ipc socket "${path}" exists`, { cause: error });
  }
}

/**
 * Reserves `count` ipc "ports" for socket prefix `ip`: the first small
 * integers N (from 1) for which `${ip}-${N}` neither exists nor is handed out.
 */
export function reserveIpcPorts(ip: string, count: number): number[] {
  const ports: number[] = [];
  for (let n = 1; ports.length < count; n++) {
    const path = `${ip}-${n}`;
    if (!ipcHandedOut.has(path) && !exists(path)) ports.push(n);
  }
  for (const n of ports) ipcHandedOut.add(`${ip}-${n}`);
  return ports;
}

/** Returns ipc ports of socket prefix `ip`; releasing twice is harmless. */
export function releaseIpcPorts(ip: string, ports: Iterable<number>): void {
  for (const n of ports) ipcHandedOut.delete(`${ip}-${n}`);
}
