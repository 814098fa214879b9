/**
 * A single-consumer async queue: producers push synchronously, one consumer
 * iterates. Ends normally with `end()`, or throws the error given to `fail()`.
 * @module
 */

/** A single-consumer queue usable with `for await`. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #head = 0;
  #done = false;
  #error: unknown = undefined;
  #failed = false;
  #wake: (() => void) | undefined;
  #iterating = false;
  #what: string;

  /** `what` names the queue in the error for a second consumer. */
  constructor(what = "queue") {
    this.#what = what;
  }

  /** Adds an item; ignored after the queue ended. */
  push(item: T): void {
    if (this.#done) return;
    this.#items.push(item);
    this.#wakeUp();
  }

  /** Ends the queue: the consumer gets the remaining items, then stops. */
  end(): void {
    this.#done = true;
    this.#wakeUp();
  }

  /** Fails the queue: the consumer gets the remaining items, then `error` is thrown. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#failed = true;
    this.#error = error;
    this.#done = true;
    this.#wakeUp();
  }

  /** Whether `end()` or `fail()` was called. */
  get ended(): boolean {
    return this.#done;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Iterates the items; only one consumer may iterate. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterating) throw new Error(`Cannot iterate ${this.#what} twice: it has one consumer`);
    this.#iterating = true;
    while (true) {
      if (this.#head < this.#items.length) {
        const item = this.#items[this.#head]!;
        this.#items[this.#head++] = undefined as T;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        yield item;
        continue;
      }
      if (this.#done) {
        if (this.#failed) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}
