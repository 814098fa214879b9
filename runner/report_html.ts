/**
 * The run report, `index.html`: one self-contained page (inline CSS and SVG, no
 * scripts, no network) with the run's status, a task table, a timeline, the
 * task graph, a comparison of variants, and each task's parameters and variables.
 * @module
 */

import type { RunManifest, TaskRecord, TaskStatus } from "./manifest.ts";
import { TASK_STATUSES } from "./manifest.ts";
import { renderDag, renderTimeline, taskAnchor } from "./_report_svg.ts";
import {
  escapeHtml,
  fileHref,
  formatDuration,
  formatTime,
  prettyJson,
  REPORT_CSS,
  STATUS_COLORS,
  truncate,
} from "./_report_util.ts";

/** Options of {@linkcode renderRunReport}. */
export interface RenderRunReportOptions {
  /** Page title; default `nbchain run <start time>`. */
  title?: string;
}

/**
 * Render a run manifest as the run directory's `index.html`. It opens from the
 * file system with no server and no network: a content security policy forbids
 * every fetch, and links to `<task>.ipynb` and `<task>.html` are relative to the
 * run directory. While the run is still `running` the page reloads itself every 5 s.
 *
 * @example
 * ```ts
 * import { renderRunReport } from "./report_html.ts";
 * const html = renderRunReport({
 *   nbchain: "0.1.0", status: "ok", started: "2025-01-01T00:00:00Z",
 *   ended: "2025-01-01T00:00:01Z", duration: 1, tasks: [],
 * }, { title: "Nightly" });
 * console.assert(html.includes("<title>Nightly</title>"));
 * ```
 */
export function renderRunReport(
  manifest: RunManifest,
  options: RenderRunReportOptions = {},
): string {
  const title = options.title ?? `nbchain run ${formatTime(manifest.started)}`;
  const tasks = manifest.tasks;
  const refresh = manifest.status === "running" ? `<meta http-equiv="refresh" content="5">\n` : "";
  const body = [
    renderHeader(manifest, title),
    section("Tasks", renderTable(tasks)),
    renderVariants(tasks),
    section(
      "Timeline",
      `<div class="figure">${renderTimeline(tasks, manifest.started, manifest.ended)}</div>`,
    ),
    section("Graph", `<div class="figure">${renderDag(tasks)}</div>`),
    section("Details", tasks.map(renderDetails).join("\n") || `<p class="none">No tasks.</p>`),
  ].join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nbchain ${escapeHtml(manifest.nbchain)}">
${refresh}<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function section(heading: string, content: string): string {
  return `<section><h2>${escapeHtml(heading)}</h2>\n${content}\n</section>`;
}

function badge(status: TaskStatus | RunManifest["status"], text: string = status): string {
  const c = STATUS_COLORS[status];
  return `<span class="badge status-${status}" style="background:${c.fill};color:${c.text}">${
    escapeHtml(text)
  }</span>`;
}

function renderHeader(manifest: RunManifest, title: string): string {
  const counts = new Map<TaskStatus, number>();
  for (const task of manifest.tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const chips = TASK_STATUSES.filter((s) => counts.has(s))
    .map((s) => badge(s, `${counts.get(s)} ${s}`)).join("");
  return `<header>
<h1>${escapeHtml(title)} ${badge(manifest.status)}</h1>
<p class="meta"><span>Started ${escapeHtml(formatTime(manifest.started))}</span><span>Ended ${
    escapeHtml(formatTime(manifest.ended))
  }</span><span>Duration ${escapeHtml(formatDuration(manifest.duration))}</span><span>nbchain ${
    escapeHtml(manifest.nbchain)
  }</span></p>
<p class="counts">${manifest.tasks.length} task${manifest.tasks.length === 1 ? "" : "s"}: ${
    chips || `<span class="none">none</span>`
  }</p>
</header>`;
}

/** `ename: evalue` (first line), the skip reason, or "". */
function oneLiner(task: TaskRecord): string {
  if (task.error) {
    const line = `${task.error.ename}: ${task.error.evalue}`.split("\n")[0] ?? "";
    return task.error.cell === null ? line : `${line} (cell ${task.error.cell})`;
  }
  if (task.status === "skipped" && task.skipped_reason) return task.skipped_reason;
  if (task.status === "timeout") return "timed out";
  return "";
}

function hasFiles(task: TaskRecord): boolean {
  return task.status !== "pending" && task.status !== "skipped";
}

function renderLinks(task: TaskRecord): string {
  if (!hasFiles(task)) return `<span class="none">—</span>`;
  const links: string[] = [];
  if (task.html) links.push(`<a href="${escapeHtml(fileHref(task.html))}">html</a>`);
  if (task.output) links.push(`<a href="${escapeHtml(fileHref(task.output))}">ipynb</a>`);
  return links.join(" · ") || `<span class="none">—</span>`;
}

function renderTable(tasks: TaskRecord[]): string {
  if (tasks.length === 0) return `<p class="none">No tasks.</p>`;
  const rows = tasks.map((task, i) => {
    const error = oneLiner(task);
    return `<tr><td><a href="#${taskAnchor(i)}">${escapeHtml(task.id)}</a></td><td>${
      badge(task.status)
    }</td><td class="num">${escapeHtml(formatDuration(task.duration))}</td><td class="num">${
      escapeHtml(String(task.attempts))
    }</td><td class="err" title="${escapeHtml(error)}">${
      escapeHtml(truncate(error, 160))
    }</td><td>${renderLinks(task)}</td></tr>`;
  });
  return `<table class="tasks"><thead><tr><th>Task</th><th>Status</th><th>Duration</th>` +
    `<th>Attempts</th><th>Error</th><th>Outputs</th></tr></thead>\n<tbody>\n${
      rows.join("\n")
    }\n</tbody></table>`;
}

function compact(value: unknown): string {
  return truncate(prettyJson(value).replace(/\s*\n\s*/g, " "), 60);
}

function isScalar(value: unknown): boolean {
  return value === null || ["number", "string", "boolean", "bigint"].includes(typeof value);
}

/**
 * For every notebook run more than once (parameter sets, matrix fan-out): a
 * table of its tasks side by side with the parameters that differ and the
 * scalar variables they produced.
 */
function renderVariants(tasks: TaskRecord[]): string {
  const groups = new Map<string, number[]>();
  tasks.forEach((t, i) => groups.set(t.notebook, [...(groups.get(t.notebook) ?? []), i]));
  const tables: string[] = [];
  for (const [notebook, members] of groups) {
    if (members.length < 2) continue;
    const group = members.map((i) => tasks[i]).filter((t): t is TaskRecord => t !== undefined);
    const paramNames = [...new Set(group.flatMap((t) => Object.keys(t.parameters)))].filter(
      (name) => new Set(group.map((t) => prettyJson(t.parameters[name]))).size > 1,
    );
    const allParams = new Set(group.flatMap((t) => Object.keys(t.parameters)));
    const varNames = [
      ...new Set(
        group.flatMap((t) =>
          t.variables.filter((v) => isScalar(v.value) && !allParams.has(v.name)).map((v) => v.name)
        ),
      ),
    ].slice(0, 8);
    const head = ["Task", "Status", "Duration", ...paramNames, ...varNames.map((n) => `→ ${n}`)]
      .map((h) => `<th>${escapeHtml(h)}</th>`).join("");
    const rows = members.map((i) => {
      const t = tasks[i]!;
      const params = paramNames.map((n) =>
        `<td><code>${escapeHtml(n in t.parameters ? compact(t.parameters[n]) : "—")}</code></td>`
      );
      const vars = varNames.map((n) => {
        const found = [...t.variables].reverse().find((v) => v.name === n);
        return `<td><code>${escapeHtml(found ? compact(found.value) : "—")}</code></td>`;
      });
      return `<tr><td><a href="#${taskAnchor(i)}">${escapeHtml(t.id)}</a></td><td>${
        badge(t.status)
      }</td><td class="num">${escapeHtml(formatDuration(t.duration))}</td>${params.join("")}${
        vars.join("")
      }</tr>`;
    });
    tables.push(
      `<h3><code>${escapeHtml(notebook)}</code></h3>\n<table class="variants"><thead><tr>${head}` +
        `</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody></table>`,
    );
  }
  return tables.length === 0 ? "" : section("Variants", tables.join("\n"));
}

function renderDetails(task: TaskRecord, index: number): string {
  const open = task.status === "failed" || task.status === "timeout" ? " open" : "";
  const field = (name: string, value: string) => `<dt>${escapeHtml(name)}</dt><dd>${value}</dd>`;
  const needs = task.needs.length === 0
    ? `<span class="none">none</span>`
    : task.needs.map((n) => `<code>${escapeHtml(n)}</code>`).join(", ");
  const fields = [
    field("Notebook", `<code>${escapeHtml(task.notebook)}</code>`),
    field("Outputs", renderLinks(task)),
    field("Kernel", escapeHtml(task.kernel)),
    field("Needs", needs),
    field("Started", escapeHtml(formatTime(task.started))),
    field("Ended", escapeHtml(formatTime(task.ended))),
    field("Duration", escapeHtml(formatDuration(task.duration))),
    field("Attempts", String(task.attempts)),
  ];
  if (task.skipped_reason) fields.push(field("Skipped", escapeHtml(task.skipped_reason)));
  if (task.cache_key) fields.push(field("Cache key", `<code>${escapeHtml(task.cache_key)}</code>`));
  const parts = [`<dl>${fields.join("")}</dl>`];
  if (task.error) {
    const where = task.error.cell === null ? "" : ` in cell ${task.error.cell}`;
    parts.push(
      `<h4>Error${escapeHtml(where)}</h4><pre class="error">${
        escapeHtml(task.error.message || `${task.error.ename}: ${task.error.evalue}`)
      }</pre>`,
    );
  }
  parts.push(
    `<h4>Parameters</h4>`,
    Object.keys(task.parameters).length === 0
      ? `<p class="none">No parameters.</p>`
      : `<pre class="parameters">${escapeHtml(prettyJson(task.parameters))}</pre>`,
    `<h4>Variables</h4>`,
    renderVariables(task),
  );
  return `<details id="${taskAnchor(index)}"${open}><summary>${escapeHtml(task.id)} ${
    badge(task.status)
  }</summary>\n${parts.join("\n")}\n</details>`;
}

function renderVariables(task: TaskRecord): string {
  if (task.variables.length === 0) return `<p class="none">No variables recorded.</p>`;
  const rows = task.variables.map((v) =>
    `<tr><td><code>${escapeHtml(v.name)}</code></td><td><pre>${
      escapeHtml(v.operation)
    }</pre></td>` +
    `<td><pre>${escapeHtml(prettyJson(v.value))}</pre></td><td><code>${
      escapeHtml(v.type)
    }</code></td><td class="num">${v.cell === null ? "—" : escapeHtml(String(v.cell))}</td></tr>`
  );
  return `<table class="variables"><thead><tr><th>Name</th><th>Operation</th><th>Value</th>` +
    `<th>Type</th><th>Cell</th></tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody></table>`;
}
