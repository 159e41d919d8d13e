import { describe, expect, it } from 'vitest';
import type { QuietWindow } from './preferences';
import { decide } from './policy/decide';
import { openContext, sampleEvent } from '../test/support/demo-business';
import { quietWindowEnd } from './policy/gates';
import {
  describeInstant,
  isTimeZone,
  localTime,
  nextMorning,
  readableTime,
  timeZoneSchema,
} from './time-zone';

describe('time zones', () => {
  it.each([
    { zone: 'America/New_York', valid: true },
    { zone: 'Asia/Kolkata', valid: true },
    { zone: 'UTC', valid: true },
    { zone: 'Mars/Olympus_Mons', valid: false },
    { zone: '', valid: false },
  ])('$zone is a time zone: $valid', ({ zone, valid }) => {
    expect(isTimeZone(zone)).toBe(valid);
    expect(timeZoneSchema.safeParse(zone).success).toBe(valid);
  });

  it('reads the wall clock in a zone, daylight saving included', () => {
    // 15:00 UTC is 10:00 in New York in November (EST) and 11:00 in July (EDT).
    expect(localTime(Date.parse('2026-11-23T15:00:00Z'), 'America/New_York')).toEqual({
      weekday: 'monday',
      minutes: 600,
      clock: '10:00',
      date: '2026-11-23',
    });
    expect(localTime(Date.parse('2026-07-13T15:00:00Z'), 'America/New_York').clock).toBe('11:00');
    expect(localTime(Date.parse('2026-11-23T20:30:00Z'), 'Asia/Kolkata')).toMatchObject({
      weekday: 'tuesday',
      clock: '02:00',
      date: '2026-11-24',
    });
    // Midnight reads 00:00, not 24:00.
    expect(localTime(Date.parse('2026-11-23T05:00:00Z'), 'America/New_York').clock).toBe('00:00');
  });

  it('describes an instant by its clock today and by day and date otherwise', () => {
    const now = Date.parse('2026-11-23T15:00:00Z');
    expect(describeInstant(Date.parse('2026-11-23T19:00:00Z'), now, 'America/New_York')).toBe(
      '14:00',
    );
    expect(describeInstant(Date.parse('2026-11-24T14:00:00Z'), now, 'America/New_York')).toBe(
      'Tue 24 Nov 09:00',
    );
    // 03:00 UTC on the 24th is still the 23rd in New York.
    expect(describeInstant(Date.parse('2026-11-24T03:00:00Z'), now, 'America/New_York')).toBe(
      '22:00',
    );
    expect(describeInstant(Date.parse('2027-01-01T12:00:00Z'), now, 'UTC')).toBe('Fri 1 Jan 12:00');
  });

  it("finds the next 08:00 in the person's zone, across a daylight-saving change", () => {
    // At 23:30 the next morning is the next day's; at 02:00 it is the same day's 08:00.
    expect(nextMorning(Date.parse('2026-11-20T23:30:00-05:00'), 'America/New_York')).toBe(
      Date.parse('2026-11-21T08:00:00-05:00'),
    );
    expect(nextMorning(Date.parse('2026-11-21T02:00:00-05:00'), 'America/New_York')).toBe(
      Date.parse('2026-11-21T08:00:00-05:00'),
    );
    // Across the spring-forward night, 08:00 is EDT.
    expect(nextMorning(Date.parse('2026-03-07T22:00:00-05:00'), 'America/New_York')).toBe(
      Date.parse('2026-03-08T08:00:00-04:00'),
    );
    // At 08:00 itself, or just after, it is the next day's.
    expect(nextMorning(Date.parse('2026-11-22T08:00:00+09:00'), 'Asia/Tokyo')).toBe(
      Date.parse('2026-11-23T08:00:00+09:00'),
    );
    expect(nextMorning(Date.parse('2026-11-21T09:00:00+09:00'), 'Asia/Tokyo')).toBe(
      Date.parse('2026-11-22T08:00:00+09:00'),
    );
  });
});

describe('k. quiet hours: a weekly schedule in the user’s time zone', () => {
  function quietAt(
    instant: string,
    windows: QuietWindow[],
    timeZone = 'America/New_York',
  ): string | null {
    const context = openContext();
    context.now = Date.parse(instant);
    context.preferences.timeZone = timeZone;
    context.preferences.quietHours.enabled = true;
    context.preferences.quietHours.windows = windows;
    return quietWindowEnd(context);
  }

  const mondayNight: QuietWindow = { day: 'monday', start: '22:00', end: '07:00' };

  it.each([
    { name: 'Monday 23:00, inside an overnight window', at: '2026-11-24T04:00:00Z', end: '07:00' },
    { name: 'Tuesday 03:00, after midnight', at: '2026-11-24T08:00:00Z', end: '07:00' },
    { name: 'Tuesday 06:59, the last minute', at: '2026-11-24T11:59:00Z', end: '07:00' },
    { name: 'Tuesday 07:00, the window has ended', at: '2026-11-24T12:00:00Z', end: null },
    { name: 'Monday 21:59, not yet', at: '2026-11-24T02:59:00Z', end: null },
    {
      name: 'Monday 03:00, the night before belongs to Sunday',
      at: '2026-11-23T08:00:00Z',
      end: null,
    },
    { name: 'Tuesday 23:00, only Monday night is quiet', at: '2026-11-25T04:00:00Z', end: null },
  ])('$name → $end', ({ at, end }) => {
    expect(quietAt(at, [mondayNight])).toBe(end);
  });

  it('a Saturday-night window runs into Sunday (the week wraps)', () => {
    const saturdayNight: QuietWindow = { day: 'saturday', start: '23:00', end: '08:00' };
    expect(quietAt('2026-11-29T12:00:00Z', [saturdayNight])).toBe('08:00'); // Sun 07:00
    expect(quietAt('2026-11-29T14:00:00Z', [saturdayNight])).toBeNull(); // Sun 09:00
  });

  it('a window ending at midnight stops at midnight', () => {
    const evening: QuietWindow = { day: 'monday', start: '20:00', end: '00:00' };
    expect(quietAt('2026-11-24T04:30:00Z', [evening])).toBe('00:00'); // Mon 23:30
    expect(quietAt('2026-11-24T05:30:00Z', [evening])).toBeNull(); // Tue 00:30
  });

  it('follows the end of daylight saving (1 November 2026, New York)', () => {
    const saturdayNight: QuietWindow = { day: 'saturday', start: '22:00', end: '07:00' };
    // 11:30 UTC is 06:30 EST after the change (07:30 if the offset were still EDT's).
    expect(quietAt('2026-11-01T11:30:00Z', [saturdayNight])).toBe('07:00');
    expect(quietAt('2026-11-01T12:30:00Z', [saturdayNight])).toBeNull();
  });

  it('follows the start of daylight saving (8 March 2026, New York)', () => {
    const sundayMorning: QuietWindow = { day: 'sunday', start: '08:00', end: '09:00' };
    // 12:30 UTC is 08:30 EDT after the change (07:30 if the offset were still EST's).
    expect(quietAt('2026-03-08T12:30:00Z', [sundayMorning])).toBe('09:00');
    expect(quietAt('2026-03-08T11:30:00Z', [sundayMorning])).toBeNull();
  });

  it('uses the user’s zone, not UTC', () => {
    const morning: QuietWindow = { day: 'monday', start: '09:00', end: '11:00' };
    expect(quietAt('2026-11-23T15:00:00Z', [morning], 'America/New_York')).toBe('11:00');
    expect(quietAt('2026-11-23T15:00:00Z', [morning], 'UTC')).toBeNull();
    expect(quietAt('2026-11-23T15:00:00Z', [morning], 'Asia/Kolkata')).toBeNull();
  });

  it('an unknown zone string falls back to UTC rather than throwing', () => {
    const morning: QuietWindow = { day: 'monday', start: '14:00', end: '16:00' };
    expect(quietAt('2026-11-23T15:00:00Z', [morning], 'Mars/Olympus_Mons')).toBe('16:00');
    const context = openContext();
    context.preferences.timeZone = 'Mars/Olympus_Mons';
    context.preferences.mutes.doNotDisturb = { enabled: true, until: '2026-11-23T19:00:00Z' };
    const decision = decide(sampleEvent('mention'), context);
    expect(decision.suppressed[0]?.explanation).toBe('Do not disturb is on until 19:00');
  });

  it('several windows: any one of them makes it quiet', () => {
    const windows: QuietWindow[] = [
      { day: 'sunday', start: '00:00', end: '23:59' },
      { day: 'monday', start: '09:30', end: '10:30' },
    ];
    expect(quietAt('2026-11-23T15:00:00Z', windows)).toBe('10:30');
    expect(quietAt('2026-11-23T15:00:00Z', windows.slice(0, 1))).toBeNull();
  });

  it('off when disabled, even inside a window', () => {
    const context = openContext();
    context.preferences.quietHours.windows = [{ day: 'monday', start: '00:00', end: '23:59' }];
    context.preferences.quietHours.enabled = false;
    expect(quietWindowEnd(context)).toBeNull();
    context.preferences.quietHours.enabled = true;
    expect(quietWindowEnd(context)).toBe('23:59');
  });
});

describe('times in emails and texts', () => {
  // Monday 23 November 2026, 07:00 in Los Angeles.
  const now = Date.parse('2026-11-23T15:00:00Z');

  it.each([
    ['2026-11-23T22:30:00Z', 'America/Los_Angeles', '2:30 PM PST'],
    ['2026-11-24T17:00:00Z', 'America/Los_Angeles', 'tomorrow at 9:00 AM PST'],
    ['2026-11-26T17:00:00Z', 'America/Los_Angeles', 'Thu, Nov 26 at 9:00 AM PST'],
    ['2026-07-01T17:00:00Z', 'America/Los_Angeles', 'Wed, Jul 1 at 10:00 AM PDT'],
    ['2026-11-23T22:30:00Z', 'Not/AZone', '10:30 PM UTC'],
  ])('%s in %s reads "%s"', (instant, zone, words) => {
    expect(readableTime(Date.parse(instant), now, zone)).toBe(words);
  });

  it('a time that is not one says so rather than throwing', () => {
    expect(readableTime(Number.NaN, now, 'UTC')).toBe('an unknown time');
  });
});
