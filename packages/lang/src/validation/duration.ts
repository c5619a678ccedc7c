/** How to write back what someone most likely meant by a malformed duration, for hints. */
import { DURATION_UNITS, formatDuration } from '@ovs/ir';

export { DURATION_UNITS, formatDuration };

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
