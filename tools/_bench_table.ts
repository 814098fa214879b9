/**
 * The bench's table: one row per measure, nbchain beside its peer.
 * @module
 */

/** The median of some numbers (NaN for none). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

/** One row: label, nbchain, peer, unit, ratio, target. */
export function row(
  label: string,
  ours: number,
  peer: number,
  unit: string,
  target: string,
): string {
  const ratio = peer > 0 ? ours / peer : NaN;
  return `${label.padEnd(40)} ${ours.toFixed(3).padStart(10)} ${peer.toFixed(3).padStart(10)} ${
    unit.padEnd(4)
  } ${ratio.toFixed(2).padStart(6)}  ${target}`;
}
