import { z } from 'zod';

/** True when the runtime's Intl knows this IANA time zone. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'Unknown time zone');

export const weekdays = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type Weekday = (typeof weekdays)[number];

export interface LocalTime {
  weekday: Weekday;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
  /** "14:05" */
  clock: string;
  /** "2026-11-22" */
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time at `instant` (epoch ms) in `timeZone`, daylight saving included. */
export function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    parts[part.type] = part.value;
  }
  const hour = Number(parts['hour']);
  const minute = Number(parts['minute']);
  const weekday = (parts['weekday'] ?? 'Sunday').toLowerCase() as Weekday;
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    weekday,
    minutes: hour * 60 + minute,
    clock: `${pad(hour)}:${pad(minute)}`,
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
  };
}

/** 08:00 on the wall clock, in minutes since midnight: what "tomorrow morning" means. */
const morningMinutes = 8 * 60;

/**
 * The next 08:00 wall-clock time in `timeZone` strictly after `now` (daylight saving included):
 * "until tomorrow morning" for a mute set at 23:00 or at 02:00 alike.
 */
export function nextMorning(now: number, timeZone: string): number {
  const local = localTime(now, timeZone);
  // Minutes until 08:00 on the wall clock, then correct for any offset change in between.
  let minutesAhead = morningMinutes - local.minutes;
  if (minutesAhead <= 0) minutesAhead += 24 * 60;
  let candidate = Math.floor(now / 60_000) * 60_000 + minutesAhead * 60_000;
  for (let pass = 0; pass < 3; pass += 1) {
    const there = localTime(candidate, timeZone);
    const drift = there.minutes - morningMinutes;
    if (drift === 0) break;
    candidate -= (drift > 720 ? drift - 1440 : drift < -720 ? drift + 1440 : drift) * 60_000;
  }
  return candidate;
}

const monthAbbreviations = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** "14:00" today, or "Mon 22 Nov 14:00" when `instant` is not on the same local day as `now`. */
export function describeInstant(instant: number, now: number, timeZone: string): string {
  const then = localTime(instant, timeZone);
  if (then.date === localTime(now, timeZone).date) return then.clock;
  const day = then.weekday.slice(0, 1).toUpperCase() + then.weekday.slice(1, 3);
  const [, month, dayOfMonth] = then.date.split('-');
  const monthName = monthAbbreviations[Number(month) - 1] ?? month;
  return `${day} ${Number(dayOfMonth)} ${monthName} ${then.clock}`;
}

const readableFormatters = new Map<
  string,
  { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }
>();

function readableFormattersFor(timeZone: string) {
  let found = readableFormatters.get(timeZone);
  if (!found) {
    found = {
      time: new Intl.DateTimeFormat('en-US', {
        timeZone,
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
      }),
      day: new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        month: 'short',
        day: 'numeric',
      }),
    };
    readableFormatters.set(timeZone, found);
  }
  return found;
}

/** The local date one day after `date` ("2026-11-22" → "2026-11-23"). */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * A time for an email or text, in the reader's time zone and words: "2:30 PM PST" on the same
 * local day as `now`, "tomorrow at 9:00 AM PST", else "Tue, Nov 24 at 9:00 AM PST". An unknown
 * zone reads as UTC; a time that is not one comes back as "an unknown time".
 */
export function readableTime(instant: number, now: number, timeZone: string): string {
  if (!Number.isFinite(instant)) return 'an unknown time';
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const { time, day } = readableFormattersFor(zone);
  const clock = time.format(instant).replace(/\u202f/g, ' ');
  const then = localTime(instant, zone).date;
  const today = Number.isFinite(now) ? localTime(now, zone).date : null;
  if (then === today) return clock;
  if (today !== null && then === nextDate(today)) return `tomorrow at ${clock}`;
  return `${day.format(instant)} at ${clock}`;
}
