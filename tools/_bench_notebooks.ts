/**
 * Notebook-level benchmarks (filled in with the runner).
 * @module
 */

/** Runs the notebook benchmarks; returns table rows. */
export function benchNotebooks(_options: { python: string; quick: boolean }): Promise<string[]> {
  return Promise.resolve([]);
}
