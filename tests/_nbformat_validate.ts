/**
 * Test helper: checks notebooks with Python's nbformat (the reference
 * implementation), from the test venv (`NBCHAIN_TEST_PYTHON`).
 *
 * Two checks per file: the raw JSON against nbformat's schema for its
 * declared version (no repair, so a missing cell id fails), and the brief's
 * `nbformat.validate(nbformat.read(path, as_version=4))` with nbformat's own
 * warnings (missing or duplicate ids) turned into errors.
 * @module
 */

import assert from "node:assert/strict";

const CHECK = `
import json, sys, warnings
import nbformat
from nbformat.validator import get_validator
from nbformat.warnings import DuplicateCellId, MissingIDFieldWarning
warnings.simplefilter("error", MissingIDFieldWarning)
warnings.simplefilter("error", DuplicateCellId)
failed = False
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
        validator = get_validator(version=raw["nbformat"], version_minor=raw["nbformat_minor"])
        errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.path))
        if errors:
            raise ValueError("; ".join(
                "/".join(map(str, e.path)) + ": " + e.message[:300] for e in errors[:5]))
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as e:
        failed = True
        print(f"{path}: {type(e).__name__}: {e}")
sys.exit(1 if failed else 0)
`;

/** The venv python tests use. */
export function testPython(): string {
  return Deno.env.get("NBCHAIN_TEST_PYTHON") ?? "python3";
}

/**
 * Asserts that every file is a valid notebook for Python's nbformat; one
 * python process for all of them.
 */
export async function assertValidNotebooks(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  const { code, stdout, stderr } = await new Deno.Command(testPython(), {
    args: ["-c", CHECK, ...paths],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  assert.equal(
    code,
    0,
    `nbformat rejected notebook(s):\n${decode(stdout)}\n${decode(stderr)}`.trim(),
  );
}

/** Asserts that `path` is a valid notebook for Python's nbformat. */
export function assertValidNotebook(path: string): Promise<void> {
  return assertValidNotebooks([path]);
}
