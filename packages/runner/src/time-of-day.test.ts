import { describe, expect, it } from 'vitest';
import { dailyWindow } from './time-of-day.js';

const at = (hh: number, mm: number) => new Date(2026, 0, 1, hh, mm).getTime();

describe('dailyWindow (local time)', () => {
  it.each([
    ['09:00', '17:00', 9, 0, true],
    ['09:00', '17:00', 16, 59, true],
    ['09:00', '17:00', 17, 0, false],
    ['09:00', '17:00', 8, 59, false],
    ['22:00', '06:00', 23, 30, true],
    ['22:00', '06:00', 3, 0, true],
    ['22:00', '06:00', 6, 0, false],
    ['22:00', '06:00', 12, 0, false],
    ['00:00', '00:00', 12, 0, true],
  ])('between %s and %s at %i:%i -> %s', (from, to, hh, mm, expected) => {
    expect(dailyWindow(from, to)(at(hh, mm))).toBe(expected);
  });

  it('rejects a malformed time', () => {
    expect(() => dailyWindow('25:00', '06:00')).toThrow(/invalid time of day "25:00"/);
  });
});
