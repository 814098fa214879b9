/**
 * What people see while a run goes on: a live view on a terminal, plain
 * timestamped lines otherwise, kernel output with `--log-output`, and the
 * closing summary table.
 * @module
 */
import type { TaskRecord } from "./manifest.ts";
import type { RunEvent } from "./orchestrate.ts";

const encoder = new TextEncoder();

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function shortParams(params: Record<string, unknown>): string {
  const text = Object.entries(params)
    .map(([k, v]) =>
      `${k}=${
        typeof v === "string"
          ? v
          : JSON.stringify(v, (_k, x) => typeof x === "bigint" ? x.toString() : x)
      }`
    )
    .join(" ");
  return text.length > 40 ? text.slice(0, 39) + "…" : text;
}

interface Running {
  started: number;
  step: number;
  steps: number;
  params: string;
}

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** Redraw a live view (a terminal) instead of printing lines. */
  live: boolean;
  /** Print kernel output with the task name. */
  logOutput: boolean;
  /** Print nothing but errors. */
  quiet: boolean;
  /** Where to write (default stderr). */
  write?: (text: string) => void;
}

/** Turns run events into terminal output. */
export class Progress {
  #o: ProgressOptions;
  #running = new Map<string, Running>();
  #total = 0;
  #done = 0;
  #failed = 0;
  #drawn = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #write: (text: string) => void;

  /** Makes a progress printer. */
  constructor(options: ProgressOptions) {
    this.#o = options;
    this.#write = options.write ?? ((t) => Deno.stderr.writeSync(encoder.encode(t)));
  }

  #line(text: string): void {
    if (this.#o.quiet) return;
    this.#clear();
    this.#write(`${this.#o.live ? "" : `[${clock()}] `}${text}\n`);
    this.#draw();
  }

  #clear(): void {
    if (!this.#o.live || this.#drawn === 0) return;
    this.#write(`\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (!this.#o.live || this.#o.quiet || this.#total === 0) return;
    const lines: string[] = [];
    const now = performance.now();
    for (const [id, r] of this.#running) {
      const cell = r.steps > 0 ? `cell ${r.step}/${r.steps}` : "starting kernel";
      lines.push(`  ▶ ${id}  ${r.params}  ${cell}  ${((now - r.started) / 1000).toFixed(1)}s`);
    }
    const width = 24;
    const filled = Math.round((this.#done / Math.max(1, this.#total)) * width);
    lines.push(
      `  [${"█".repeat(filled)}${"·".repeat(width - filled)}] ${this.#done}/${this.#total} done${
        this.#failed ? `, ${this.#failed} not ok` : ""
      }`,
    );
    this.#write(lines.join("\n") + "\n");
    this.#drawn = lines.length;
  }

  /** Handles one event. */
  handle(event: RunEvent): void {
    switch (event.type) {
      case "run-start":
        this.#total = event.tasks;
        this.#line(
          `run directory ${event.dir} (${event.tasks} task${event.tasks === 1 ? "" : "s"})`,
        );
        if (this.#o.live) this.#timer = setInterval(() => (this.#clear(), this.#draw()), 250);
        break;
      case "task-start":
        this.#running.set(event.task, {
          started: performance.now(),
          step: 0,
          steps: 0,
          params: shortParams(event.parameters),
        });
        if (!this.#o.live) {
          this.#line(
            `start ${event.task}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`,
          );
        }
        break;
      case "task-expand":
        this.#total += event.instances.length - 1;
        break;
      case "task-retry":
        this.#line(
          `retry ${event.task} in ${(event.delay / 1000).toFixed(1)}s: ${
            event.reason.split("\n")[0]
          }`,
        );
        break;
      case "notebook": {
        const e = event.event;
        const r = this.#running.get(event.task);
        if (e.type === "cell-start" && r) {
          r.step = e.step;
          r.steps = e.steps;
        } else if (e.type === "output" && this.#o.logOutput) {
          for (const text of e.text.replace(/\n$/, "").split("\n")) {
            this.#line(`${event.task} | ${text}`);
          }
        } else if (e.type === "warning") {
          this.#line(`warning ${event.task}: ${e.message}`);
        }
        break;
      }
      case "task-end": {
        const r = event.record;
        this.#running.delete(r.id);
        this.#done++;
        if (r.status !== "ok" && r.status !== "cached") this.#failed++;
        const why = r.error
          ? `: ${r.error.ename}: ${r.error.evalue.split("\n")[0]}`
          : r.skipped_reason
          ? `: ${r.skipped_reason}`
          : "";
        const time = r.duration !== null ? ` ${r.duration.toFixed(1)}s` : "";
        this.#line(`${r.status.padEnd(7)} ${r.id}${time}${why}`);
        break;
      }
      case "run-end":
        clearInterval(this.#timer);
        this.#clear();
        this.#total = 0;
        break;
    }
  }

  /** Stops redrawing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#clear();
  }
}

/** The closing summary table: task, status, duration, error. */
export function summaryTable(tasks: readonly TaskRecord[]): string {
  const rows = tasks.map((t) => [
    t.id,
    t.status,
    t.duration === null ? "-" : `${t.duration.toFixed(2)}s`,
    t.error
      ? `${t.error.ename}: ${t.error.evalue}`.split("\n")[0]!.slice(0, 80)
      : t.skipped_reason ?? "",
  ]);
  const head = ["task", "status", "duration", "error"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}
