import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { kernelSearchDirs } from "./_jupyter_paths.ts";
import {
  discoverKernelSpecs,
  findKernelSpecs,
  formatKernelSpecs,
  isDenoKernel,
  parseKernelJson,
  resolveKernelSpec,
  UnknownKernelError,
} from "./kernelspec.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "testdata", "kernelspecs");
const fx = (...parts: string[]) => join(FIXTURES, ...parts);

/** An env that sees only fixture dirs (plus the real system dirs, empty on test machines). */
function fixtureEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: fx("home"),
    PATH: "",
    JUPYTER_PATH: `${fx("a")}:${fx("b")}`,
    JUPYTER_DATA_DIR: fx("user"),
    ...extra,
  };
}

Deno.test("kernelSearchDirs follows jupyter_core's order on Linux", () => {
  const dirs = kernelSearchDirs({
    env: { JUPYTER_PATH: "/jp1::/jp2", XDG_DATA_HOME: "/xdg", CONDA_PREFIX: "/conda" },
    os: "linux",
    home: "/home/u",
    python3OnPath: "/usr/bin/python3",
  });
  assert.deepEqual(dirs, [
    { path: "/jp1/kernels", source: "JUPYTER_PATH" },
    { path: "/jp2/kernels", source: "JUPYTER_PATH" },
    { path: "/xdg/jupyter/kernels", source: "user" },
    { path: "/conda/share/jupyter/kernels", source: "env (CONDA_PREFIX)" },
    // The prefix of /usr/bin/python3 is /usr: its dir appears once, as env, not again as system.
    { path: "/usr/share/jupyter/kernels", source: "env (python3 on PATH)" },
    { path: "/usr/local/share/jupyter/kernels", source: "system" },
    { path: "/home/u/.ipython/kernels", source: "ipython" },
  ]);
});

Deno.test("kernelSearchDirs puts env before user in a venv or when JUPYTER_PREFER_ENV_PATH is true", () => {
  const sources = (env: Record<string, string>) =>
    kernelSearchDirs({ env, os: "linux", home: "/h" }).map((d) => d.source).slice(0, 2);
  assert.deepEqual(sources({ VIRTUAL_ENV: "/v" }), ["env (VIRTUAL_ENV)", "user"]);
  assert.deepEqual(sources({ VIRTUAL_ENV: "/v", JUPYTER_PREFER_ENV_PATH: "no" }), [
    "user",
    "env (VIRTUAL_ENV)",
  ]);
  assert.deepEqual(sources({ CONDA_PREFIX: "/c", JUPYTER_PREFER_ENV_PATH: "1" }), [
    "env (CONDA_PREFIX)",
    "user",
  ]);
  assert.deepEqual(sources({ CONDA_PREFIX: "/c", CONDA_DEFAULT_ENV: "base" }), [
    "user",
    "env (CONDA_PREFIX)",
  ]);
  assert.deepEqual(sources({ CONDA_PREFIX: "/c", CONDA_DEFAULT_ENV: "ml" }), [
    "env (CONDA_PREFIX)",
    "user",
  ]);
});

Deno.test("kernelSearchDirs uses the user dirs of macOS and Windows", () => {
  const mac = kernelSearchDirs({ env: {}, os: "darwin", home: "/Users/u" });
  assert.deepEqual(mac[0], { path: "/Users/u/Library/Jupyter/kernels", source: "user" });
  const win = kernelSearchDirs({
    env: { APPDATA: "C:\\Users\\u\\AppData\\Roaming", JUPYTER_PATH: "D:\\a;D:\\b" },
    os: "windows",
    home: "C:\\Users\\u",
  });
  assert.deepEqual(win.map((d) => d.path), [
    "D:\\a\\kernels",
    "D:\\b\\kernels",
    "C:\\Users\\u\\AppData\\Roaming\\jupyter\\kernels",
    "C:\\Users\\u\\.ipython\\kernels",
  ]);
  const data = kernelSearchDirs({ env: { JUPYTER_DATA_DIR: "/data" }, os: "linux", home: "/h" });
  assert.deepEqual(data[0], { path: "/data/kernels", source: "user" });
});

Deno.test("findKernelSpecs takes the first spec per name and records shadowed dirs", async () => {
  const specs = await findKernelSpecs({ env: fixtureEnv() });
  const byName = new Map(specs.map((s) => [s.name, s]));
  const py = byName.get("python3");
  assert.ok(py);
  assert.equal(py.displayName, "Python 3 (a)");
  assert.equal(py.source, "JUPYTER_PATH");
  assert.equal(py.resourceDir, fx("a", "kernels", "python3"));
  assert.deepEqual(py.shadowed, [fx("b", "kernels", "python3")]);
  assert.deepEqual(py.env, { FOO: "bar" });
  assert.deepEqual(py.metadata, { debugger: true });
  assert.equal(py.interruptMode, "signal");

  const mixed = byName.get("mixed.case");
  assert.equal(mixed?.interruptMode, "message");
  assert.equal(mixed?.resourceDir, fx("b", "kernels", "Mixed.Case"));
  assert.equal(byName.get("useronly")?.source, "user");
  assert.equal(byName.get("legacy")?.source, "ipython");
  assert.equal(byName.has("not-a-kernel"), false);
  assert.deepEqual(specs.map((s) => s.name), [...specs.map((s) => s.name)].sort());
});

Deno.test("findKernelSpecs forces message interrupts for Deno's kernel", async () => {
  const deno = (await findKernelSpecs({ env: fixtureEnv() })).find((s) => s.name === "deno-ts");
  assert.equal(deno?.interruptMode, "message");
  assert.equal(isDenoKernel({ argv: ["/x/deno", "jupyter", "--kernel"], language: "" }), true);
  assert.equal(isDenoKernel({ argv: ["deno.exe", "run"], language: "javascript" }), true);
  assert.equal(
    isDenoKernel({ argv: ["node", "jupyter", "--kernel"], language: "typescript" }),
    false,
  );
  assert.equal(isDenoKernel({ argv: ["/x/deno", "run", "k.ts"], language: "python" }), false);
});

Deno.test("findKernelSpecs orders env and user dirs by JUPYTER_PREFER_ENV_PATH", async () => {
  const both = async (prefer: string) =>
    (await findKernelSpecs({
      env: fixtureEnv({ VIRTUAL_ENV: fx("venv"), JUPYTER_PREFER_ENV_PATH: prefer }),
    })).find((s) => s.name === "both");
  const envFirst = await both("1");
  assert.equal(envFirst?.source, "env (VIRTUAL_ENV)");
  assert.deepEqual(envFirst?.shadowed, [fx("user", "kernels", "both")]);
  assert.equal((await both("0"))?.source, "user");
});

Deno.test("discoverKernelSpecs skips invalid kernel.json files and reports them", async () => {
  const extra = await Deno.makeTempDir({ prefix: "nbchain-test-" });
  try {
    await Deno.mkdir(join(extra, "kernels", "broken"), { recursive: true });
    await Deno.writeTextFile(join(extra, "kernels", "broken", "kernel.json"), '{"argv": [');
    await Deno.mkdir(join(extra, "kernels", "python3"), { recursive: true });
    await Deno.writeTextFile(join(extra, "kernels", "python3", "kernel.json"), '{"argv": []}');
    const { specs, problems, searched } = await discoverKernelSpecs({
      env: fixtureEnv({ JUPYTER_PATH: `${extra}:${fx("a")}:${fx("b")}` }),
    });
    const why = new Map(problems.map((p) => [p.name, p.message]));
    assert.match(why.get("broken") ?? "", /^Failed to parse kernel.json: /);
    assert.match(why.get("noargv") ?? "", /"argv" must be a non-empty array of strings/);
    assert.match(why.get("badmode") ?? "", /"interrupt_mode" must be "signal" or "message"/);
    assert.match(why.get("has space") ?? "", /Kernel name "has space" is not valid/);
    assert.match(why.get("python3") ?? "", /"argv" must be/);
    assert.equal(problems.find((p) => p.name === "broken")?.source, "JUPYTER_PATH");
    // The invalid python3 does not hide the valid ones below it.
    assert.equal(specs.find((s) => s.name === "python3")?.displayName, "Python 3 (a)");
    for (const name of ["broken", "noargv", "badmode", "has space"]) {
      assert.equal(specs.some((s) => s.name === name), false, name);
    }
    assert.equal(searched[0]?.path, join(extra, "kernels"));
  } finally {
    await Deno.remove(extra, { recursive: true });
  }
});

Deno.test("parseKernelJson fills defaults and rejects wrong types", () => {
  const where = { name: "k", resourceDir: "/r", source: "user" };
  const spec = parseKernelJson({ argv: ["k", "{connection_file}"] }, where);
  assert.ok(typeof spec !== "string");
  assert.equal(spec.displayName, "k");
  assert.equal(spec.language, "");
  assert.deepEqual(spec.env, {});
  assert.deepEqual(spec.metadata, {});
  assert.equal(parseKernelJson([], where), "kernel.json is not a JSON object");
  assert.equal(
    parseKernelJson({ argv: [1] }, where),
    '"argv" must be a non-empty array of strings',
  );
  assert.equal(
    parseKernelJson({ argv: ["k"], env: { A: 1 } }, where),
    '"env" must be an object of strings',
  );
  assert.equal(
    parseKernelJson({ argv: ["k"], metadata: [] }, where),
    '"metadata" must be an object',
  );
  assert.equal(
    parseKernelJson({ argv: ["k"], display_name: 3 }, where),
    '"display_name" must be a string',
  );
});

Deno.test("resolveKernelSpec is case-insensitive and throws UnknownKernelError listing kernels", async () => {
  const env = fixtureEnv();
  assert.equal((await resolveKernelSpec("Mixed.Case", { env })).name, "mixed.case");
  const error = await resolveKernelSpec("julia-1.10", { env }).then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnknownKernelError);
  assert.equal(error.kernelName, "julia-1.10");
  assert.ok(error.available.includes("python3"));
  assert.ok(error.available.includes("useronly"));
  assert.match(
    error.message,
    /^Failed to find kernel "julia-1\.10": available kernels: .*"python3"/,
  );
  assert.match(error.message, /ipykernel install --user --name julia-1\.10/);
});

Deno.test("findKernelSpecs synthesizes the native python3 spec from a python with ipykernel", async () => {
  const python = Deno.env.get("NBCHAIN_TEST_PYTHON");
  assert.ok(python, "NBCHAIN_TEST_PYTHON must name the test venv's python");
  // A python3 on PATH whose prefix has no kernelspecs but which runs the venv's python.
  const tmp = await Deno.makeTempDir({ prefix: "nbchain-test-" });
  try {
    await Deno.mkdir(join(tmp, "bin"));
    const wrapper = join(tmp, "bin", "python3");
    await Deno.writeTextFile(wrapper, `#!/bin/sh\nexec "${python}" "$@"\n`, { mode: 0o755 });
    const env = fixtureEnv({ JUPYTER_PATH: fx("b"), HOME: tmp, PATH: join(tmp, "bin") });
    // b has a python3 of its own; without it the native one appears.
    assert.equal((await resolveKernelSpec("python3", { env })).source, "JUPYTER_PATH");
    const spec = await resolveKernelSpec("python3", {
      env: { ...env, JUPYTER_PATH: fx("user") },
    });
    assert.equal(spec.source, `native ipykernel of ${wrapper}`);
    assert.equal(spec.language, "python");
    assert.deepEqual(spec.argv.slice(1), ["-m", "ipykernel_launcher", "-f", "{connection_file}"]);
    assert.equal(spec.argv[0], python);
    assert.match(spec.resourceDir, /ipykernel[\\/]resources$/);
    // No python3 anywhere and none on PATH: no native spec.
    const none = await findKernelSpecs({ env: { ...env, JUPYTER_PATH: fx("user"), PATH: "" } });
    assert.equal(none.some((s) => s.name === "python3"), false);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("findKernelSpecs honours an aborted signal", async () => {
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(findKernelSpecs({ env: fixtureEnv(), signal: controller.signal }), /stop/);
});

Deno.test("formatKernelSpecs prints a table with shadowed dirs and skipped files", async () => {
  const { specs, problems } = await discoverKernelSpecs({ env: fixtureEnv() });
  const picked = specs.filter((s) => s.name === "python3" || s.name === "useronly");
  const text = formatKernelSpecs(picked, {
    problems: problems.filter((p) => p.name === "noargv"),
  }).replaceAll(FIXTURES, "<fx>");
  assert.equal(
    text,
    [
      "NAME      LANGUAGE  SOURCE        RESOURCE DIR",
      "python3   python    JUPYTER_PATH  <fx>/a/kernels/python3",
      "          shadows <fx>/b/kernels/python3",
      "useronly  x         user          <fx>/user/kernels/useronly",
      "",
      "Skipped:",
      '  <fx>/b/kernels/noargv/kernel.json (JUPYTER_PATH): Invalid kernel.json: "argv" must be a non-empty array of strings',
      "",
    ].join("\n"),
  );
  const empty = formatKernelSpecs([], { searched: [{ path: "/k", source: "user" }] });
  assert.match(empty, /^No kernels found\.\nSearched:\n {2}\/k \(user\)\n/);
});
