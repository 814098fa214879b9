/**
 * Jupyter connection info (the contents of a kernel's connection file) and the
 * endpoint of each channel.
 * @module
 */

import type { Endpoint } from "./_transport.ts";

export type { Endpoint } from "./_transport.ts";

/** Contents of a Jupyter connection file, as written for a kernel we launch. */
export interface ConnectionInfo {
  /** `"tcp"`, or `"ipc"` for Unix domain sockets. */
  transport: "tcp" | "ipc";
  /** Host for tcp; for ipc, the socket path prefix (`${ip}-${port}` is a socket). */
  ip: string;
  /** Shell channel port (ROUTER in the kernel). */
  shell_port: number;
  /** IOPub channel port (PUB in the kernel). */
  iopub_port: number;
  /** Stdin channel port (ROUTER in the kernel). */
  stdin_port: number;
  /** Control channel port (ROUTER in the kernel). */
  control_port: number;
  /** Heartbeat port (REP in the kernel). */
  hb_port: number;
  /** HMAC key, hex. */
  key: string;
  /** Signing scheme; only HMAC-SHA256 is used. */
  signature_scheme: "hmac-sha256";
  /** Name of the kernelspec the kernel was launched from. */
  kernel_name: string;
}

/** The five Jupyter channels. */
export type ChannelName = "shell" | "iopub" | "stdin" | "control" | "hb";

/** All channel names, in connection-file order. */
export const CHANNEL_NAMES: readonly ChannelName[] = ["shell", "iopub", "stdin", "control", "hb"];

/** The port (or ipc suffix number) of one channel. */
export function channelPort(info: ConnectionInfo, channel: ChannelName): number {
  switch (channel) {
    case "shell":
      return info.shell_port;
    case "iopub":
      return info.iopub_port;
    case "stdin":
      return info.stdin_port;
    case "control":
      return info.control_port;
    case "hb":
      return info.hb_port;
  }
}

/**
 * Where a channel listens: `tcp://ip:port`, or for ipc the Unix socket `${ip}-${port}`.
 *
 * @example
 * ```ts
 * import { channelEndpoint, type ConnectionInfo } from "./connection.ts";
 * const info: ConnectionInfo = {
 *   transport: "tcp", ip: "127.0.0.1", shell_port: 5001, iopub_port: 5002, stdin_port: 5003,
 *   control_port: 5004, hb_port: 5005, key: "00", signature_scheme: "hmac-sha256",
 *   kernel_name: "python3",
 * };
 * channelEndpoint(info, "shell"); // { transport: "tcp", host: "127.0.0.1", port: 5001 }
 * ```
 */
export function channelEndpoint(info: ConnectionInfo, channel: ChannelName): Endpoint {
  const port = channelPort(info, channel);
  return info.transport === "ipc"
    ? { transport: "ipc", path: `${info.ip}-${port}` }
    : { transport: "tcp", host: info.ip, port };
}
