/** Durations as .ovs writes them: the units, and how to write a number of milliseconds back. */

/** Milliseconds per unit of the language, largest first. */
export const DURATION_UNITS: Readonly<Record<string, number>> = Object.freeze({
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
});

/** `2s`, `1500ms`, `5m`, `1h`: the largest unit that divides the value exactly (0 is `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of Object.entries(DURATION_UNITS)) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
