/** Times in a clip, as people write them: seconds (`12`, `12.5`, `12.5s`), `m:ss` or `h:mm:ss` (with decimals). */

const SECONDS = /^(\d+(?:\.\d+)?)s?$/;
const MINUTES = /^(\d+):([0-5]?\d(?:\.\d+)?)$/;
const HOURS = /^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$/;

/** Milliseconds from the clip's first frame, or undefined when `value` is not a time. */
export function parseMediaTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let seconds: number;
  let match: RegExpExecArray | null;
  if ((match = SECONDS.exec(text))) seconds = Number(match[1]);
  else if ((match = MINUTES.exec(text))) seconds = Number(match[1]) * 60 + Number(match[2]);
  else if ((match = HOURS.exec(text))) seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  else return undefined;
  return Math.round(seconds * 1000);
}

/** `12.5 s`, `1:02.5`, `1:00:12`: milliseconds as people read them. */
export function formatMediaTime(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${trim(seconds)} s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds - hours * 3600) / 60);
  const rest = seconds - hours * 3600 - minutes * 60;
  const mm = hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : String(minutes);
  return `${mm}:${rest < 10 ? '0' : ''}${trim(rest)}`;
}

function trim(seconds: number): string {
  return String(Math.round(seconds * 10) / 10);
}

export const TIME_FORMS = 'seconds (12 or 12.5), m:ss (0:12) or h:mm:ss (1:00:12)';
