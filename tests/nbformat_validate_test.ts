/**
 * Every notebook the nbformat layer writes (injected, converted from percent
 * scripts, with ids repaired) must validate with Python's nbformat.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  injectParameters,
  newCodeCell,
  newMarkdownCell,
  type Notebook,
  parseNotebook,
  parsePercent,
  writeNotebook,
} from "../nbformat/mod.ts";
import { assertValidNotebook, assertValidNotebooks } from "./_nbformat_validate.ts";

const DATA = new URL("../testdata/nbformat/", import.meta.url);
const fixture = async (name: string) =>
  parseNotebook(await Deno.readTextFile(new URL(name, DATA)), name);

const PARAMS = {
  text: "quotes \" ' and \\ and\nnewlines, NUL \0, é, 😀",
  big: 2n ** 80n,
  nan: NaN,
  inf: -Infinity,
  nzero: -0,
  nested: { list: [1, null, true, { deep: "x" }], empty: {} },
};

async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "nbchain-validate-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true });
  }
}

Deno.test("notebooks written after injection, id repair and percent conversion validate with nbformat", async () => {
  await inTemp(async (dir) => {
    const written: Notebook[] = [];
    const outputs: string[] = [];
    const write = async (name: string, nb: Notebook) => {
      const path = join(dir, name);
      await writeNotebook(path, nb);
      outputs.push(path);
      written.push(nb);
    };

    // Injection into nbformat 4.4 and 4.5 notebooks (python), replacing an old injected cell.
    await write(
      "v4_4_injected.ipynb",
      injectParameters(await fixture("v4_4.ipynb"), PARAMS, { language: "python" }),
    );
    await write(
      "v4_5_injected.ipynb",
      injectParameters(await fixture("v4_5.ipynb"), PARAMS, { language: "python" }),
    );
    // nbformat 4.0: no cell ids allowed; the injected cell must not get one.
    const v40: Notebook = {
      nbformat: 4,
      nbformat_minor: 0,
      metadata: {},
      cells: [newMarkdownCell("# T"), newCodeCell("x = 1", { tags: ["parameters"] })],
    };
    await write("v4_0_injected.ipynb", injectParameters(v40, { x: 2 }, { language: "python" }));
    // Missing, invalid and duplicate ids repaired on write.
    await write("v4_5_ids_fixed.ipynb", await fixture("v4_5_bad_ids.ipynb"));

    // Percent scripts in every supported language, with and without injection.
    const scripts: [string, string][] = [
      [
        "a.py",
        '# ---\n# jupyter:\n#   kernelspec:\n#     name: python3\n#     display_name: Python 3\n#     language: python\n# ---\n\nimport os\n\n# %% tags=["parameters"]\nx = 1\n\n# %% [markdown]\n# # Title\n\n# %% [raw]\n# raw\n\n# %% Work key="v"\nprint(x)\n',
      ],
      [
        "b.ts",
        '// %% tags=["parameters"]\nconst x = 1;\n// %% [markdown]\n// Text\n// %%\nconsole.log(x);\n',
      ],
      ["c.js", "// %%\nlet y = 2;\n"],
      ["d.r", '# %% tags=["parameters"]\nx <- 1\n# %%\nprint(x)\n'],
      ["e.jl", '# %% [markdown] tags=["parameters"]\n# x is a parameter\n# %%\nprintln(1)\n'],
    ];
    for (const [name, text] of scripts) {
      const nb = parsePercent(text, name);
      await write(`${name}.ipynb`, nb);
      await write(
        `${name}.injected.ipynb`,
        injectParameters(nb, { x: 3, s: "a'b" }, {
          language: nb.metadata.kernelspec?.language ?? "",
        }),
      );
    }

    assert.equal(written.length, 14);
    await assertValidNotebooks(outputs);
  });
});

Deno.test("assertValidNotebook rejects invalid notebooks (the check is not vacuous)", async () => {
  // Unknown top-level and cell fields are invalid for nbformat.
  await assert.rejects(
    assertValidNotebook(new URL("v4_0.ipynb", DATA).pathname),
    /nbformat rejected notebook/,
  );
  // Missing and invalid cell ids in the raw file.
  await assert.rejects(
    assertValidNotebook(new URL("v4_5_bad_ids.ipynb", DATA).pathname),
    /nbformat rejected notebook/,
  );
  await assertValidNotebook(new URL("v4_5.ipynb", DATA).pathname);
});
