/**
 * The stylesheet inlined into every rendered notebook: page layout, cells,
 * outputs, and a small syntax-highlighting theme for highlight.js classes.
 * @module
 */

/** CSS for the notebook page (no external fonts or resources). */
export const NOTEBOOK_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #656d76; --border: #d0d7de;
  --code-bg: #f6f8fa; --err-bg: #fff0f0; --err-fg: #a40e26; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
main.nb { max-width: 1100px; margin: 0 auto; padding: 24px 16px 64px; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 13px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.cell { display: grid; grid-template-columns: 84px minmax(0, 1fr); column-gap: 8px; margin: 10px 0; }
.prompt { grid-column: 1; text-align: right; color: var(--muted); font-family: ui-monospace, Menlo,
  Consolas, monospace; font-size: 12px; padding-top: 6px; white-space: nowrap; }
.prompt.in { color: #303f9f; }
.prompt.out { color: #d84315; }
.source { grid-column: 2; background: var(--code-bg); border: 1px solid var(--border);
  border-radius: 4px; padding: 6px 10px; }
.output { grid-column: 2; padding: 4px 10px; overflow-x: auto; }
.output img { max-width: 100%; height: auto; }
.stream.stderr { background: var(--err-bg); color: var(--err-fg); }
.traceback { background: var(--err-bg); border-left: 3px solid var(--err-fg); padding: 6px 10px; }
.latex, .json, .raw, .plain { white-space: pre-wrap; }
.unsupported { color: var(--muted); font-style: italic; }
.markdown { grid-column: 2; padding: 0 10px; overflow-x: auto; }
.markdown img { max-width: 100%; }
.markdown table, .output-html table { border-collapse: collapse; margin: 8px 0; }
.markdown th, .markdown td, .output-html th, .output-html td { border: 1px solid var(--border);
  padding: 4px 8px; text-align: right; }
.markdown pre { background: var(--code-bg); padding: 8px 10px; border-radius: 4px; }
.markdown code { background: var(--code-bg); padding: 1px 4px; border-radius: 3px; }
.markdown pre code { padding: 0; background: none; }
.markdown blockquote { margin: 0; padding-left: 12px; border-left: 3px solid var(--border);
  color: var(--muted); }
.math { font-family: "Times New Roman", Times, serif; font-style: italic; }
.math.display { display: block; text-align: center; margin: 8px 0; }
.cell.failed .source { border-color: var(--err-fg); }
.cell.papermill-error { border: 2px solid var(--err-fg); border-radius: 6px; background: var(--err-bg);
  padding: 6px 0; }
.cell.raw .raw { background: var(--code-bg); padding: 6px 10px; }
.hljs-comment, .hljs-quote { color: #6e7781; font-style: italic; }
.hljs-keyword, .hljs-selector-tag, .hljs-doctag, .hljs-template-tag { color: #cf222e; }
.hljs-string, .hljs-regexp, .hljs-template-variable, .hljs-addition { color: #0a3069; }
.hljs-number, .hljs-literal, .hljs-symbol, .hljs-bullet, .hljs-variable.constant_ { color: #0550ae; }
.hljs-title, .hljs-title.function_, .hljs-section, .hljs-name { color: #8250df; }
.hljs-title.class_, .hljs-type, .hljs-built_in { color: #953800; }
.hljs-meta, .hljs-meta .hljs-keyword { color: #116329; }
.hljs-attr, .hljs-attribute, .hljs-property, .hljs-params, .hljs-variable { color: #1f2328; }
.hljs-deletion { color: #82071e; background: #ffebe9; }
.hljs-addition { background: #dafbe1; }
.hljs-emphasis { font-style: italic; }
.hljs-strong { font-weight: bold; }
@media print { .cell { break-inside: avoid; } }
`;
