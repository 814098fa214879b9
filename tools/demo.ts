/**
 * `deno task demo`: runs the bundled example pipeline end to end, provisioning
 * a Python kernel (and the Deno kernelspec) first when this machine has none.
 * @module
 */
import { join } from "node:path";
import { resolveKernelSpec } from "../kernel/mod.ts";
import { main } from "../runner/cli_main.ts";
import { provision, ROOT } from "./provision.ts";

async function has(name: string): Promise<boolean> {
  try {
    await resolveKernelSpec(name);
    return true;
  } catch {
    return false;
  }
}

if (!(await has("python3")) || !(await has("deno"))) {
  const { jupyterPath } = await provision();
  const current = Deno.env.get("JUPYTER_PATH");
  Deno.env.set("JUPYTER_PATH", current ? `${jupyterPath}:${current}` : jupyterPath);
}
const out = join(ROOT, "nbchain-runs", "demo");
Deno.exit(
  await main([join(ROOT, "examples", "pipeline.yaml"), "-o", out, "-j", "2", ...Deno.args]),
);
