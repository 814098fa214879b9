import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));

Deno.test("on a terminal nbchain shows a live view of running tasks and overall progress", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = `${dir}/slow.py`;
    await Deno.writeTextFile(
      nb,
      '# %% tags=["parameters"]\nn = 1\n\n# %%\nimport time\ntime.sleep(1)\n\n# %%\nprint(n)\n',
    );
    await Deno.writeTextFile(`${dir}/params.json`, JSON.stringify([{ n: 1 }, { n: 2 }]));
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    const command = [
      Deno.execPath(),
      "run",
      "-A",
      cli,
      nb,
      `${dir}/params.json`,
      "-o",
      `${dir}/run`,
    ]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const out = await new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      stdout: "piped",
      stderr: "piped",
      env: { TERM: "xterm" },
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text);
    assert.match(
      text,
      /▶ slow\[0\]\s+n=1\s+(cell \d\/\d|starting kernel)\s+\d+\.\d+s/,
      "a running task line",
    );
    assert.match(text, /\[[█·]+\] \d\/2 done/, "an overall progress bar");
    const ESC = String.fromCharCode(27);
    assert.ok(new RegExp(`${ESC}\\[\\d+A${ESC}\\[J`).test(text), "the view is redrawn in place");
    assert.match(text, /task\s+status\s+duration\s+error/, "the closing summary");
    assert.doesNotMatch(text, /^\[\d\d:\d\d:\d\d\] /m, "no plain timestamped lines on a terminal");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
