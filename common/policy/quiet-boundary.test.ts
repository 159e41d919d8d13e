import { describe, expect, it } from 'vitest';
import type { QuietHours } from '../preferences';
import { nextQuietBoundary } from './gates';

const quiet = (windows: QuietHours['windows'], enabled = true): QuietHours => ({
  enabled,
  windows,
  breakThrough: [],
});
const at = (iso: string) => Date.parse(iso);

describe('nextQuietBoundary', () => {
  const mondayMorning = quiet([{ day: 'monday', start: '09:00', end: '12:00' }]);

  it('is the end of the window when inside it, the next start when outside', () => {
    // 2026-11-23 is a Monday.
    expect(nextQuietBoundary(mondayMorning, 'UTC', at('2026-11-23T10:15:30Z'))).toBe(
      at('2026-11-23T12:00:00Z'),
    );
    expect(nextQuietBoundary(mondayMorning, 'UTC', at('2026-11-23T08:59:59Z'))).toBe(
      at('2026-11-23T09:00:00Z'),
    );
  });

  it('is strictly after: at the end itself the next boundary is a week on', () => {
    expect(nextQuietBoundary(mondayMorning, 'UTC', at('2026-11-23T12:00:00Z'))).toBe(
      at('2026-11-30T09:00:00Z'),
    );
  });

  it('reads the windows on the local clock of the time zone, overnight included', () => {
    const sundayNight = quiet([{ day: 'sunday', start: '20:00', end: '07:00' }]);
    // 19:00 in New York on Sunday 22 Nov = 00:00Z Monday.
    expect(nextQuietBoundary(sundayNight, 'America/New_York', at('2026-11-23T00:00:00Z'))).toBe(
      at('2026-11-23T01:00:00Z'),
    );
    // Inside it, the end is Monday 07:00 New York time.
    expect(nextQuietBoundary(sundayNight, 'America/New_York', at('2026-11-23T02:00:00Z'))).toBe(
      at('2026-11-23T12:00:00Z'),
    );
  });

  it('lands on the local time across a daylight-saving change', () => {
    // Clocks in New York go back on Sunday 1 Nov 2026: the night is 11 hours long, not 10.
    const saturdayNight = quiet([{ day: 'saturday', start: '20:00', end: '07:00' }]);
    expect(nextQuietBoundary(saturdayNight, 'America/New_York', at('2026-11-01T01:00:00Z'))).toBe(
      at('2026-11-01T12:00:00Z'),
    );
  });

  it('is null when quiet hours are off or have no window that lasts', () => {
    expect(nextQuietBoundary(quiet(mondayMorning.windows, false), 'UTC', 0)).toBeNull();
    expect(nextQuietBoundary(quiet([]), 'UTC', 0)).toBeNull();
    expect(
      nextQuietBoundary(quiet([{ day: 'monday', start: '09:00', end: '09:00' }]), 'UTC', 0),
    ).toBeNull();
    expect(nextQuietBoundary(mondayMorning, 'UTC', Number.NaN)).toBeNull();
  });

  it('falls back to UTC for an unknown time zone rather than throwing', () => {
    expect(nextQuietBoundary(mondayMorning, 'Mars/Olympus', at('2026-11-23T10:00:00Z'))).toBe(
      at('2026-11-23T12:00:00Z'),
    );
  });
});
