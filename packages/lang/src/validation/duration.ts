/** Duration units of the language and how to write a duration back for messages and hints. */

/** Milliseconds per unit, largest first. */
export const DURATION_UNITS: Readonly<Record<string, number>> = Object.freeze({
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
});

/** Spellings people reach for, mapped to the unit the language uses. */
const UNIT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  msec: 'ms', msecs: 'ms', millis: 'ms', millisecond: 'ms', milliseconds: 'ms',
  sec: 's', secs: 's', second: 's', seconds: 's',
  min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
});

const DAY_SPELLINGS = new Set(['d', 'day', 'days']);

/**
 * How to write what someone most likely meant, e.g. `2sec` -> `2s`, `1.5s` -> `1500ms`,
 * `2` (no unit) -> `2s`, `1d` -> `24h`; undefined when there is no good guess.
 */
export function correctedDuration(amount: number, unit: string | null): string | undefined {
  const lower = unit?.toLowerCase() ?? 's';
  const canonical = lower in DURATION_UNITS ? lower : UNIT_ALIASES[lower];
  if (canonical !== undefined && Number.isInteger(amount) && amount > 0) return `${amount}${canonical}`;
  const size = canonical !== undefined ? DURATION_UNITS[canonical]! : DAY_SPELLINGS.has(lower) ? 86_400_000 : undefined;
  if (size === undefined) return undefined;
  const ms = Math.round(amount * size * 1e6) / 1e6;
  return Number.isInteger(ms) && ms > 0 ? formatDuration(ms) : undefined;
}

/** The shortest exact way to write a whole number of milliseconds: 30000 -> `30s`, 1500 -> `1500ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of Object.entries(DURATION_UNITS)) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
