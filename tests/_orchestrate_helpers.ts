/**
 * Helpers of the orchestration tests: temp dirs seeded from fixtures, the
 * CLI as a subprocess, and readers of a run directory.
 * @module
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunManifest, TaskRecord } from "../mod.ts";

/** The repository root. */
export const ROOT: string = resolve(import.meta.dirname!, "..");
/** Fixtures of the orchestration tests. */
export const FIXTURES: string = join(ROOT, "testdata", "orchestrate");

/** A temp dir (removed on dispose), seeded with a copy of a fixture folder. */
export async function tempDir(copyOf?: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), "nbchain-orchestrate-test-"));
  if (copyOf) await cp(join(FIXTURES, copyOf), path, { recursive: true });
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** What a CLI run printed and its exit code. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `cli.ts` with `args` as a subprocess. */
export async function runCli(args: string[]): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli.ts"), ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A CLI result as text for assertion messages. */
export function shown(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Reads `run.json` of a run directory. */
export async function manifestOf(dir: string): Promise<RunManifest> {
  return JSON.parse(await readFile(join(dir, "run.json"), "utf8"));
}

/** Reads `events.jsonl` of a run directory. */
export async function eventsOf(dir: string): Promise<{ event: string; task?: string }[]> {
  const text = await readFile(join(dir, "events.jsonl"), "utf8");
  return text.trimEnd().split("\n").map((l) => JSON.parse(l));
}

/** The record of task `id`; fails the test when there is none. */
export function task(manifest: RunManifest, id: string): TaskRecord {
  const found = manifest.tasks.find((t) => t.id === id);
  assert.ok(found, `task "${id}" in ${manifest.tasks.map((t) => t.id)}`);
  return found;
}

/** The latest value of variable `name` of a task; fails the test when there is none. */
export function variable(record: TaskRecord, name: string): unknown {
  const found = record.variables.filter((v) => v.name === name).at(-1);
  assert.ok(
    found,
    `variable "${name}" of "${record.id}" in ${record.variables.map((v) => v.name)}`,
  );
  return found.value;
}

/** Whether a path exists. */
export function exists(path: string): Promise<boolean> {
  return Deno.lstat(path).then(() => true, () => false);
}
