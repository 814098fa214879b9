/**
 * `events.jsonl`: one JSON event per line, appended as things happen.
 * @module
 */
import { appendFile } from "node:fs/promises";

/** Appends events to a JSON-lines file, in order, never overlapping. */
export class EventLog {
  #path: string;
  #chain: Promise<void> = Promise.resolve();

  /** Logs to `path`. */
  constructor(path: string) {
    this.#path = path;
  }

  /** Queues one event with a timestamp. */
  write(event: Record<string, unknown>): void {
    const line = JSON.stringify(
      { time: new Date().toISOString(), ...event },
      (_k, v) => typeof v === "bigint" ? v.toString() : v,
    ) + "\n";
    this.#chain = this.#chain.then(() => appendFile(this.#path, line)).catch(() => {});
  }

  /** Resolves when every queued event is written. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
