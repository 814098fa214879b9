/**
 * Writes a notebook progressively: at most once per interval while it runs,
 * and always at the end. Writes never overlap.
 * @module
 */

/** A throttled writer of one file. */
export class ThrottledSaver {
  #write: () => Promise<void>;
  #interval: number;
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #dirty = false;

  /** `write` saves the current state; `interval` is in ms (0 = only on flush). */
  constructor(write: () => Promise<void>, interval: number) {
    this.#write = write;
    this.#interval = interval;
  }

  /** Marks the state changed; a write happens within `interval`. */
  touch(): void {
    this.#dirty = true;
    if (this.#interval <= 0 || this.#timer !== undefined) return;
    const wait = Math.max(0, this.#last + this.#interval - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failed progressive write is retried by the next one; flush() reports
      // its own failure. Never an unhandled rejection.
      this.#save().catch(() => {
        this.#dirty = true;
      });
    }, wait);
  }

  #save(): Promise<void> {
    // A failed write must not stop the later ones.
    this.#running = this.#running.catch(() => {}).then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      this.#last = Date.now();
      await this.#write();
    });
    return this.#running;
  }

  /** Writes now (after any write under way) and stops the timer. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty = true;
    return this.#save();
  }
}
