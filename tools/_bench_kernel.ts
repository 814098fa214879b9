/**
 * nbchain's side of the kernel benchmark.
 * @module
 */
import { startKernel } from "../kernel/mod.ts";

/** Kernel figures in seconds. */
export interface Figures {
  /** Start-to-ready times. */
  ready: number[];
  /** Mean round trip of one `pass` cell. */
  perCell: number;
}

async function run(kernel: Awaited<ReturnType<typeof startKernel>>, code: string): Promise<void> {
  const exec = kernel.execute(code);
  for await (const _ of exec) { /* drain */ }
  await exec.result;
}

/** Measures start-to-ready `starts` times and the round trip of `cells` cells. */
export async function benchKernel(name: string, starts: number, cells: number): Promise<Figures> {
  const ready: number[] = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    const k = await startKernel(name);
    ready.push((performance.now() - t0) / 1000);
    await k.shutdown({ graceMs: 0 });
  }
  await using k = await startKernel(name);
  for (let i = 0; i < 20; i++) await run(k, "pass");
  const t0 = performance.now();
  for (let i = 0; i < cells; i++) await run(k, "pass");
  return { ready, perCell: (performance.now() - t0) / 1000 / cells };
}
