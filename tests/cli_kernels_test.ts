import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));

async function nbchain(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { code: out.code, stdout: td.decode(out.stdout), stderr: td.decode(out.stderr) };
}

Deno.test("nbchain kernels lists the kernelspecs found, where, and from which search location", async () => {
  const text = await nbchain("kernels");
  assert.equal(text.code, 0);
  assert.match(text.stdout, /python3/);
  assert.match(text.stdout, /deno/);
  const json = await nbchain("kernels", "--json");
  assert.equal(json.code, 0);
  const found = JSON.parse(json.stdout) as {
    specs: { name: string; source: string; resourceDir: string }[];
  };
  const python = found.specs.find((s) => s.name === "python3");
  assert.ok(python);
  assert.equal(python.source, "JUPYTER_PATH");
  assert.ok(python.resourceDir.startsWith(Deno.env.get("JUPYTER_PATH")!));
  assert.ok(found.specs.some((s) => s.name === "deno"));
});

Deno.test("nbchain with an unknown kernel exits 2 with a one-line error listing the kernels found", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = `${dir}/nb.ipynb`;
    await Deno.writeTextFile(
      nb,
      JSON.stringify({
        cells: [{
          cell_type: "code",
          metadata: {},
          source: "1",
          outputs: [],
          execution_count: null,
        }],
        metadata: { kernelspec: { name: "nosuchkernel", display_name: "x" } },
        nbformat: 4,
        nbformat_minor: 4,
      }),
    );
    const r = await nbchain(nb, "-o", `${dir}/run`, "-q");
    assert.equal(r.code, 2);
    const first = r.stderr.split("\n")[0]!;
    assert.match(first, /^error: .*nb\.ipynb: .*nosuchkernel/);
    assert.match(r.stderr, /python3/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("nbchain inspect lists declared parameters with type, default and help", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = `${dir}/p.py`;
    await Deno.writeTextFile(
      nb,
      '# %% tags=["parameters"]\nregion = "eu"  # where to run\nyears: int = 3\nrate = 0.5  # learning rate\n\n# %%\nprint(region)\n',
    );
    const text = await nbchain("inspect", nb);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /region\s+str\s+"eu"\s+where to run/);
    const json = await nbchain("inspect", nb, "--json");
    const params = JSON.parse(json.stdout) as {
      name: string;
      type: string;
      default: string;
      help: string;
    }[];
    assert.deepEqual(params.map((p) => [p.name, p.type, p.default]), [
      ["region", "str", '"eu"'],
      ["years", "int", "3"],
      ["rate", "float", "0.5"],
    ]);
    assert.equal(params[2]!.help, "learning rate");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
