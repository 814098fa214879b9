/**
 * Small shared pieces of the run report: escaping, formatting, status colours, CSS.
 * @module
 */

import type { TaskStatus } from "./manifest.ts";

/** Escape text for HTML/SVG element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Fill and text colour of each task status (and of the run's overall status). */
export const STATUS_COLORS: Record<TaskStatus, { fill: string; text: string }> = {
  ok: { fill: "#1a7f37", text: "#ffffff" },
  failed: { fill: "#cf222e", text: "#ffffff" },
  timeout: { fill: "#bc4c00", text: "#ffffff" },
  skipped: { fill: "#8c959f", text: "#ffffff" },
  cached: { fill: "#0969da", text: "#ffffff" },
  interrupted: { fill: "#8250df", text: "#ffffff" },
  pending: { fill: "#d0d7de", text: "#1f2328" },
  running: { fill: "#d4a72c", text: "#1f2328" },
};

/** `0.42 s`, `12.3 s`, `2m 05s`, `1h 02m`; `—` when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return "—";
  }
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    return `${m}m ${String(Math.floor(seconds - m * 60)).padStart(2, "0")}s`;
  }
  const h = Math.floor(seconds / 3600);
  return `${h}h ${String(Math.floor((seconds - h * 3600) / 60)).padStart(2, "0")}m`;
}

/** An ISO-8601 time shown as `2025-01-01 12:00:00 UTC`; other text is returned as is. */
export function formatTime(iso: string | null): string {
  if (iso === null) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** Cut `text` to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * A relative link to a file in the run directory: each path segment is
 * percent-encoded, so no task id or path can become a scheme (`javascript:`)
 * or break out of the attribute. Absolute paths become `file://` links.
 */
export function fileHref(path: string): string {
  const encoded = path.split(/[\\/]/).map((s) => encodeURIComponent(s)).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Pretty JSON (indent 2) of any value; bigints exact; cut to `limit` characters. */
export function prettyJson(value: unknown, limit = 20_000): string {
  let text: string;
  try {
    text = JSON.stringify(
      value,
      (_k, v: unknown) => typeof v === "bigint" ? rawJson(v.toString()) : v,
      2,
    ) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (${text.length - limit} more characters)`;
}

/** The report's stylesheet. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --bg2: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 16px 64px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg2);
  padding: 6px 8px; border-radius: 4px; max-height: 24em; overflow: auto; }
a { color: #0969da; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; white-space: nowrap; }
.meta { color: var(--muted); margin: 4px 0; }
.meta span { margin-right: 14px; }
.counts .badge { margin-right: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--border); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td.err { color: #a40e26; max-width: 420px; overflow-wrap: anywhere; }
.figure { overflow: auto; border: 1px solid var(--border); border-radius: 6px; padding: 6px; }
.figure svg { display: block; }
details { border: 1px solid var(--border); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
details > summary { cursor: pointer; font-weight: 600; }
details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
details dt { color: var(--muted); }
details dd { margin: 0; overflow-wrap: anywhere; }
.none { color: var(--muted); font-style: italic; }
`;
