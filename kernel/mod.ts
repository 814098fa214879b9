/**
 * The kernel layer of nbchain: kernelspec discovery, launching, and a
 * Jupyter client over a pure-TypeScript ZeroMQ (ZMTP 3) transport.
 *
 * @example Start a kernel and run a cell
 * ```ts ignore
 * import { startKernel } from "./mod.ts";
 * await using kernel = await startKernel("python3");
 * const exec = kernel.execute("print(6 * 7)");
 * for await (const msg of exec) console.log(msg.header.msg_type, msg.content);
 * console.log((await exec.result).reply.status);
 * ```
 * @module
 */
export {
  Kernel,
  type KernelExecuteOptions,
  type ShutdownOptions,
  startKernel,
  type StartKernelOptions,
} from "./kernel.ts";
export {
  type ExecuteOptions,
  type InputRequest,
  KernelClient,
  type KernelClientOptions,
} from "./client.ts";
export { type ExecuteReply, Execution, type ExecutionResult } from "./execution.ts";
export {
  type JupyterMessage,
  MessageCodec,
  type MessageCodecOptions,
  type MessageHeader,
  type OutgoingMessage,
  PROTOCOL_VERSION,
} from "./message.ts";
export {
  discoverKernelSpecs,
  findKernelSpecs,
  type FindKernelSpecsOptions,
  formatKernelSpecs,
  type FormatKernelSpecsOptions,
  type KernelSpec,
  type KernelSpecDiscovery,
  type KernelSpecProblem,
  resolveKernelSpec,
  type SearchDir,
  UnknownKernelError,
} from "./kernelspec.ts";
export { channelEndpoint, type ChannelName, type ConnectionInfo } from "./connection.ts";
export type { Dialer, Endpoint, Transport } from "./_transport.ts";
export { KernelProcess, launchKernelProcess, type LaunchOptions } from "./_kernel_process.ts";
export {
  KernelConnectionError,
  KernelDiedError,
  KernelError,
  KernelStartError,
  KernelTimeoutError,
} from "./errors.ts";
