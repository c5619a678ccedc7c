/** `between HH:MM and HH:MM` schedules, evaluated in the machine's local time. */

function minutesOf(hhmm: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59) {
    throw new Error(`invalid time of day "${hhmm}": expected HH:MM between 00:00 and 23:59`);
  }
  return hours * 60 + minutes;
}

/**
 * A predicate true when the local time of `epochMs` lies in [from, to). `from > to` wraps past
 * midnight (22:00 to 06:00 is the night); `from == to` means the whole day.
 */
export function dailyWindow(from: string, to: string): (epochMs: number) => boolean {
  const start = minutesOf(from);
  const end = minutesOf(to);
  return (epochMs) => {
    if (start === end) return true;
    const date = new Date(epochMs);
    const now = date.getHours() * 60 + date.getMinutes();
    return start < end ? now >= start && now < end : now >= start || now < end;
  };
}
