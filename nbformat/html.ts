/**
 * Render an executed notebook as one self-contained HTML page: inline CSS,
 * images as `data:` URIs, no scripts, fonts or stylesheets from the network.
 * @module
 */

import { Marked } from "marked";
import type { TokenizerAndRendererExtension, Tokens } from "marked";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import julia from "highlight.js/lib/languages/julia";
import python from "highlight.js/lib/languages/python";
import r from "highlight.js/lib/languages/r";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import { AnsiUp } from "ansi_up";
import { NOTEBOOK_CSS } from "./_html_css.ts";
import { ERROR_CELL_TAG } from "./parameters.ts";

// Only the languages notebooks here are written in: registering all of
// highlight.js's ~190 languages costs a tenth of a second at every start.
for (
  const [name, language] of Object.entries({
    bash,
    javascript,
    json,
    julia,
    python,
    r,
    sql,
    typescript,
  })
) {
  hljs.registerLanguage(name, language);
}
hljs.registerAliases(["sh", "shell"], { languageName: "bash" });
hljs.registerAliases(["typescriptreact", "tsx", "ts"], { languageName: "typescript" });
hljs.registerAliases(["javascriptreact", "jsx", "js"], { languageName: "javascript" });
import type {
  Cell,
  CodeCell,
  ErrorOutput,
  JsonValue,
  MimeBundle,
  Notebook,
  Output,
  StreamOutput,
} from "./types.ts";

/** Options of {@linkcode renderNotebookHtml}. */
export interface RenderNotebookHtmlOptions {
  /** Page title; default: `metadata.title`, else the first heading, else "Notebook". */
  title?: string;
  /** Hide every code cell's input (papermill's report mode). */
  reportMode?: boolean;
}

/**
 * Render a notebook as one self-contained HTML document.
 *
 * Markdown cells go through `marked` (cell attachments become data URIs, `$…$`
 * math is kept verbatim), code is highlighted with highlight.js in the
 * notebook's language, and each output shows its richest safe representation.
 * Plain text and streams are escaped; `text/html` and SVG outputs are embedded
 * as the notebook author wrote them, as nbconvert does. Inputs are hidden in
 * report mode, for cells whose `metadata.jupyter.source_hidden` is true, and for
 * cells tagged `remove-input` or `hide-input`; cells tagged `remove-cell` are left out.
 *
 * @example
 * ```ts
 * import { renderNotebookHtml } from "./html.ts";
 * const html = renderNotebookHtml({
 *   nbformat: 4,
 *   nbformat_minor: 5,
 *   metadata: { language_info: { name: "python" } },
 *   cells: [{ cell_type: "markdown", source: "# Hello", metadata: {} }],
 * });
 * console.assert(html.includes("<h1>Hello</h1>"));
 * ```
 */
export function renderNotebookHtml(nb: Notebook, options: RenderNotebookHtmlOptions = {}): string {
  const language = notebookLanguage(nb);
  const markdown = createMarkdown();
  const parts: string[] = [];
  nb.cells.forEach((cell, index) => {
    parts.push(
      renderCell(cell, index, { language, markdown, reportMode: options.reportMode ?? false }),
    );
  });
  const title = options.title ?? defaultTitle(nb);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nbchain">
<title>${escapeHtml(title)}</title>
<style>${NOTEBOOK_CSS}</style>
</head>
<body>
<main class="nb">
${parts.join("\n")}
</main>
</body>
</html>
`;
}

interface RenderContext {
  language: string | null;
  markdown: Marked;
  reportMode: boolean;
}

const IMAGE_MIMES = ["image/png", "image/jpeg", "image/gif"] as const;

/** Mime types in the order of preference; the first one present is shown. */
const MIME_ORDER = [
  ...IMAGE_MIMES,
  "image/svg+xml",
  "text/html",
  "text/markdown",
  "text/latex",
  "application/json",
  "text/plain",
] as const;

/** Escape text for HTML element content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Join nbformat multi-line text (a string or a list of lines); anything else is "". */
function joinText(value: JsonValue | undefined | unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === "string").join("");
  return "";
}

function notebookLanguage(nb: Notebook): string | null {
  const candidates = [nb.metadata.language_info?.name, nb.metadata.kernelspec?.language];
  for (const name of candidates) {
    if (typeof name === "string" && name !== "" && hljs.getLanguage(name.toLowerCase())) {
      return name.toLowerCase();
    }
  }
  return null;
}

function defaultTitle(nb: Notebook): string {
  const title = nb.metadata["title"];
  if (typeof title === "string" && title.trim() !== "") return title;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(joinText(cell.source));
    if (heading?.[1]) return heading[1];
  }
  return "Notebook";
}

function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

function isSourceHidden(cell: Cell): boolean {
  const jupyter = cell.metadata["jupyter"];
  return typeof jupyter === "object" && jupyter !== null &&
    (jupyter as Record<string, unknown>)["source_hidden"] === true;
}

function renderCell(cell: Cell, index: number, ctx: RenderContext): string {
  const tags = cellTags(cell);
  if (tags.includes("remove-cell")) return "";
  const id = `cell-${index}`;
  if (cell.cell_type === "markdown") {
    const classes = tags.includes(ERROR_CELL_TAG)
      ? "cell markdown-cell papermill-error"
      : "cell markdown-cell";
    const attachments = isRecord(cell.attachments) ? cell.attachments : undefined;
    const body = renderMarkdown(ctx.markdown, joinText(cell.source), attachments);
    return `<div class="${classes}" id="${id}"><div class="markdown">${body}</div></div>`;
  }
  if (cell.cell_type === "raw") return renderRawCell(cell, id);
  if (cell.cell_type === "code") return renderCodeCell(cell, id, tags, ctx);
  return "";
}

function renderRawCell(cell: Cell, id: string): string {
  const source = joinText(cell.source);
  const mime = cell.metadata["raw_mimetype"] ?? cell.metadata["format"];
  if (mime === "text/html") {
    return `<div class="cell raw" id="${id}"><div class="output">${source}</div></div>`;
  }
  return `<div class="cell raw" id="${id}"><pre class="raw">${escapeHtml(source)}</pre></div>`;
}

function renderCodeCell(cell: CodeCell, id: string, tags: string[], ctx: RenderContext): string {
  const hideInput = ctx.reportMode || isSourceHidden(cell) || tags.includes("remove-input") ||
    tags.includes("hide-input");
  const hideOutput = tags.includes("remove-output") || tags.includes("hide-output");
  const papermill = cell.metadata["papermill"];
  const failed = (isRecord(papermill) && papermill["exception"] === true) ||
    cell.outputs.some((o) => o.output_type === "error");
  const parts: string[] = [];
  if (!hideInput) {
    const count = cell.execution_count === null ? "&nbsp;" : String(cell.execution_count);
    parts.push(`<div class="prompt in">In&nbsp;[${count}]:</div>`);
    parts.push(
      `<pre class="source hljs${ctx.language ? ` language-${ctx.language}` : ""}"><code>${
        highlight(joinText(cell.source), ctx.language)
      }</code></pre>`,
    );
  }
  if (!hideOutput) {
    for (const output of cell.outputs) parts.push(renderOutput(output, ctx));
  }
  if (parts.length === 0) return "";
  return `<div class="cell code-cell${failed ? " failed" : ""}" id="${id}">${parts.join("")}</div>`;
}

function highlight(source: string, language: string | null): string {
  if (language === null) return escapeHtml(source);
  try {
    return hljs.highlight(source, { language, ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(source);
  }
}

function renderOutput(output: Output, ctx: RenderContext): string {
  switch (output.output_type) {
    case "stream":
      return renderStream(output);
    case "error":
      return renderError(output);
    case "execute_result": {
      const count = output.execution_count === null ? "&nbsp;" : String(output.execution_count);
      return `<div class="prompt out">Out[${count}]:</div>` +
        renderBundle(output.data, output.metadata, ctx);
    }
    case "display_data":
      return renderBundle(output.data, output.metadata, ctx);
    default:
      return "";
  }
}

function renderStream(output: StreamOutput): string {
  const name = output.name === "stderr" ? "stderr" : "stdout";
  const text = applyCarriageReturns(joinText(output.text));
  return `<div class="output"><pre class="stream ${name}">${ansiToHtml(text)}</pre></div>`;
}

function renderError(output: ErrorOutput): string {
  const traceback = Array.isArray(output.traceback) ? output.traceback.join("\n") : "";
  const text = traceback !== "" ? traceback : `${output.ename}: ${output.evalue}`;
  return `<div class="output"><pre class="traceback">${ansiToHtml(text)}</pre></div>`;
}

/** Convert ANSI escape sequences to styled spans; the text itself is HTML-escaped. */
function ansiToHtml(text: string): string {
  const ansi = new AnsiUp();
  ansi.escape_html = true;
  return ansi.ansi_to_html(text);
}

/** Overlay text after a carriage return onto the line, as a terminal (and Jupyter) shows it. */
function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text.replace(/\r+\n/g, "\n").split("\n").map((line) => {
    if (!line.includes("\r")) return line;
    return line.split("\r").reduce((shown, part) => part + shown.slice(part.length), "");
  }).join("\n");
}

function renderBundle(data: MimeBundle, metadata: unknown, ctx: RenderContext): string {
  const mime = MIME_ORDER.find((m) => data[m] !== undefined && data[m] !== null);
  if (mime === undefined) {
    const types = Object.keys(data).join(", ");
    return `<div class="output unsupported">[output of type ${escapeHtml(types)} not shown]</div>`;
  }
  const value = data[mime];
  switch (mime) {
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return `<div class="output">${imageTag(mime, joinText(value), metadata)}</div>`;
    case "image/svg+xml":
      return `<div class="output output-svg">${joinText(value)}</div>`;
    case "text/html":
      return `<div class="output output-html">${joinText(value)}</div>`;
    case "text/markdown":
      return `<div class="output markdown">${renderMarkdown(ctx.markdown, joinText(value))}</div>`;
    case "text/latex":
      return `<div class="output"><pre class="latex">${escapeHtml(joinText(value))}</pre></div>`;
    case "application/json":
      return `<div class="output"><pre class="json">${
        escapeHtml(JSON.stringify(value, null, 2) ?? "")
      }</pre></div>`;
    case "text/plain":
      return `<div class="output"><pre class="plain">${ansiToHtml(joinText(value))}</pre></div>`;
  }
}

function imageTag(mime: string, base64: string, metadata: unknown): string {
  const clean = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    return `<span class="unsupported">[${escapeHtml(mime)} output is not valid base64]</span>`;
  }
  let size = "";
  const meta = isRecord(metadata) ? metadata[mime] : undefined;
  if (isRecord(meta)) {
    for (const key of ["width", "height"]) {
      const v = meta[key];
      if (typeof v === "number" && Number.isFinite(v) && v > 0) {
        size += ` ${key}="${Math.round(v)}"`;
      }
    }
  }
  return `<img src="data:${mime};base64,${clean}" alt="output"${size}>`;
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- markdown

function createMarkdown(): Marked {
  return new Marked({ gfm: true, extensions: MATH_EXTENSIONS });
}

function renderMarkdown(
  marked: Marked,
  source: string,
  attachments?: Record<string, JsonValue>,
): string {
  const html = marked.parse(source, { async: false });
  if (attachments === undefined) return html;
  return html.replace(
    /(\s(?:src|href)=)(["'])attachment:([^"']*)\2/g,
    (match, prefix: string, quote: string, name: string) => {
      const uri = attachmentUri(attachments, name);
      return uri === null ? match : `${prefix}${quote}${uri}${quote}`;
    },
  );
}

function attachmentUri(attachments: Record<string, JsonValue>, rawName: string): string | null {
  let name = rawName.replaceAll("&amp;", "&");
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the name as written
  }
  const bundle = attachments[name] ?? attachments[rawName];
  if (!isRecord(bundle)) return null;
  for (const [mime, value] of Object.entries(bundle)) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) continue;
    const text = joinText(value);
    if (mime.startsWith("image/") && mime !== "image/svg+xml") {
      const clean = text.replace(/\s+/g, "");
      if (/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return `data:${mime};base64,${clean}`;
    } else {
      const bytes = new TextEncoder().encode(text);
      let binary = "";
      for (const b of bytes) binary += String.fromCharCode(b);
      return `data:${mime};base64,${btoa(binary)}`;
    }
  }
  return null;
}

/** Keep `$…$` and `$$…$$` TeX verbatim so markdown emphasis does not mangle it. */
const MATH_EXTENSIONS: TokenizerAndRendererExtension[] = [
  {
    name: "displayMath",
    level: "block",
    start: (src: string) => {
      const i = src.indexOf("$$");
      return i < 0 ? undefined : i;
    },
    tokenizer: (src: string) => {
      const match = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src);
      return match ? { type: "displayMath", raw: match[0], text: match[1] ?? "" } : undefined;
    },
    renderer: (token: Tokens.Generic) =>
      `<div class="math display">$$${escapeHtml(String(token["text"]))}$$</div>\n`,
  },
  {
    name: "inlineMath",
    level: "inline",
    start: (src: string) => {
      const i = src.indexOf("$");
      return i < 0 ? undefined : i;
    },
    tokenizer: (src: string) => {
      const display = /^\$\$([^$]+?)\$\$/.exec(src);
      if (display) return { type: "inlineMath", raw: display[0], text: `$$${display[1]}$$` };
      const inline = /^\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
      if (inline) return { type: "inlineMath", raw: inline[0], text: `$${inline[1]}$` };
      return undefined;
    },
    renderer: (token: Tokens.Generic) =>
      `<span class="math">${escapeHtml(String(token["text"]))}</span>`,
  },
];
