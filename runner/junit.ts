/**
 * JUnit XML for CI systems: one test case per task of a run.
 * @module
 */

import type { RunManifest, TaskRecord } from "./manifest.ts";

/**
 * Render a run as JUnit XML: a `<testsuites>` root holding one
 * `<testsuite name="nbchain">` with `tests`/`failures`/`errors`/`skipped`/`time`
 * counts and one `<testcase classname="nbchain" name="<task id>">` per task.
 * `failed` and `timeout` become `<failure>`, `interrupted` (and a task still
 * `running`) `<error>`, `skipped` and `pending` `<skipped>`; `cached` passes
 * with `<system-out>cached</system-out>`. All text is XML-escaped, and
 * characters XML 1.0 forbids (ANSI escapes included) are removed.
 *
 * @example
 * ```ts
 * import { renderJunit } from "./junit.ts";
 * const xml = renderJunit({
 *   nbchain: "0.1.0", status: "ok", started: "2025-01-01T00:00:00Z",
 *   ended: "2025-01-01T00:00:01Z", duration: 1, tasks: [],
 * });
 * console.assert(xml.includes('<testsuite name="nbchain" tests="0"'));
 * ```
 */
export function renderJunit(manifest: RunManifest): string {
  const counts = { tests: manifest.tasks.length, failures: 0, errors: 0, skipped: 0 };
  const cases: string[] = [];
  for (const task of manifest.tasks) {
    const result = testcaseResult(task);
    if (result.kind === "failure") counts.failures++;
    if (result.kind === "error") counts.errors++;
    if (result.kind === "skipped") counts.skipped++;
    const attrs = attributes({
      classname: "nbchain",
      name: task.id,
      time: seconds(task.duration),
      file: task.notebook,
    });
    cases.push(`    <testcase${attrs}>\n${result.body}    </testcase>\n`);
  }
  const totalTime = manifest.duration ??
    manifest.tasks.reduce((sum, task) => sum + (task.duration ?? 0), 0);
  const totals = {
    name: "nbchain",
    tests: String(counts.tests),
    failures: String(counts.failures),
    errors: String(counts.errors),
    skipped: String(counts.skipped),
    time: seconds(totalTime),
  };
  const suite = attributes({ ...totals, timestamp: manifest.started });
  const root = attributes(totals);
  const properties =
    `    <properties>\n      <property${
      attributes({ name: "nbchain.version", value: manifest.nbchain })
    }/>\n      <property${attributes({ name: "nbchain.status", value: manifest.status })}/>\n` +
    `    </properties>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n  <testsuite${suite}>\n` +
    properties + cases.join("") + `  </testsuite>\n</testsuites>\n`;
}

interface CaseResult {
  kind: "passed" | "failure" | "error" | "skipped";
  body: string;
}

function testcaseResult(task: TaskRecord): CaseResult {
  const indent = "      ";
  const message = errorSummary(task);
  const details = errorDetails(task);
  switch (task.status) {
    case "ok":
      return { kind: "passed", body: "" };
    case "cached":
      return { kind: "passed", body: `${indent}<system-out>cached</system-out>\n` };
    case "failed":
    case "timeout":
      return {
        kind: "failure",
        body: `${indent}<failure${
          attributes({ message, type: task.error?.ename ?? task.status })
        }>${xmlText(details)}</failure>\n`,
      };
    case "interrupted":
    case "running":
      return {
        kind: "error",
        body: `${indent}<error${attributes({ message, type: task.error?.ename ?? task.status })}>${
          xmlText(details)
        }</error>\n`,
      };
    case "skipped":
    case "pending":
      return {
        kind: "skipped",
        body: `${indent}<skipped${
          attributes({
            message: task.skipped_reason ?? (task.status === "pending" ? "not run" : "skipped"),
          })
        }/>\n`,
      };
  }
}

/** `ename: evalue`, or a description of the status when the task has no error record. */
function errorSummary(task: TaskRecord): string {
  if (task.error) return `${task.error.ename}: ${task.error.evalue}`;
  switch (task.status) {
    case "timeout":
      return "Timeout: the task did not finish in time";
    case "interrupted":
      return "Interrupted: the run was interrupted";
    case "running":
      return "Running: the task had not finished when the report was written";
    default:
      return `${task.status}: the task did not succeed`;
  }
}

function errorDetails(task: TaskRecord): string {
  const lines: string[] = [];
  if (task.error) {
    lines.push(task.error.message !== "" ? task.error.message : errorSummary(task));
    if (task.error.cell !== null) lines.push(`in cell ${task.error.cell}`);
  } else {
    lines.push(errorSummary(task));
  }
  lines.push(`notebook: ${task.notebook}`, `output: ${task.output}`);
  if (task.attempts > 1) lines.push(`attempts: ${task.attempts}`);
  return lines.join("\n");
}

function seconds(value: number | null): string {
  return value !== null && Number.isFinite(value) && value >= 0 ? value.toFixed(3) : "0.000";
}

function attributes(values: Record<string, string>): string {
  return Object.entries(values).map(([key, value]) => ` ${key}="${xmlAttribute(value)}"`).join("");
}

const ANSI_ESCAPE =
  // deno-lint-ignore no-control-regex
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// Characters outside XML 1.0's Char production: C0 controls but tab/LF/CR, U+FFFE/U+FFFF
// and unpaired surrogates.
const XML_FORBIDDEN =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Remove ANSI escape sequences, then replace characters XML 1.0 cannot hold with U+FFFD. */
function xmlSafe(text: string): string {
  return text.replace(ANSI_ESCAPE, "").replace(XML_FORBIDDEN, "\ufffd");
}

function xmlText(text: string): string {
  return xmlSafe(text).replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;");
}

function xmlAttribute(text: string): string {
  return xmlSafe(text).replace(/[&<>"\t\n\r]/g, (c) => XML_ATTRIBUTE_ESCAPES[c] ?? c);
}

const XML_ATTRIBUTE_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};
