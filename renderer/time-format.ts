/**
 * One time format for the whole window: the person's locale (the browser's), in their time
 * zone, 24-hour where the locale is. Relative words ("5 min ago") with the exact time on hover.
 */

const clockFormats = new Map<string, Intl.DateTimeFormat>();
const exactFormats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone and use (`purpose`); an unknown zone reads as UTC. */
function cached(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  purpose = '',
): Intl.DateTimeFormat {
  const key = `${purpose}\u0000${timeZone}`;
  let format = cache.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    }
    cache.set(key, format);
  }
  return format;
}

function dayOf(instant: number, timeZone: string): string {
  return cached(exactFormats, timeZone, { dateStyle: 'short' }, 'day').format(instant);
}

/** "14:00" (or "2:00 PM" where the locale says so) today; with the weekday and date otherwise. */
export function clockTime(instant: number, now: number, timeZone: string): string {
  const clock = cached(clockFormats, timeZone, { hour: 'numeric', minute: '2-digit' });
  if (dayOf(instant, timeZone) === dayOf(now, timeZone)) return clock.format(instant);
  const withDay = cached(
    clockFormats,
    timeZone,
    { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
    'withDay',
  );
  return withDay.format(instant);
}

/** The full date and time, for a `title` on hover. */
export function exactTime(instant: number, timeZone: string): string {
  return cached(exactFormats, timeZone, {
    dateStyle: 'full',
    timeStyle: 'long',
  }).format(instant);
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "just now", "5 minutes ago", "3 hours ago", "yesterday"… */
export function relativeTime(instant: number, now: number): string {
  const seconds = Math.round((instant - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return relativeFormat.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return relativeFormat.format(hours, 'hour');
  return relativeFormat.format(Math.round(hours / 24), 'day');
}

/** A `datetime-local` input's value for an instant in the person's zone ("2026-12-04T14:00"). */
export function localInputValue(instant: number, timeZone: string): string {
  const parts = cached(
    exactFormats,
    timeZone,
    {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    },
    'input',
  ).formatToParts(instant);
  const part = (type: string) => parts.find((each) => each.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/**
 * The instant a `datetime-local` value names on the wall clock of `timeZone`, or null when it is
 * not a time. Found by correcting a UTC guess by the zone's offset (twice, across a DST change).
 */
export function instantOfLocalInput(value: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const wanted = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
  );
  let guess = wanted;
  for (let step = 0; step < 2; step += 1) {
    const shown = localInputValue(guess, timeZone);
    const shownMatch = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(shown);
    if (!shownMatch) return null;
    const shownUtc = Date.UTC(
      Number(shownMatch[1]),
      Number(shownMatch[2]) - 1,
      Number(shownMatch[3]),
      Number(shownMatch[4]),
      Number(shownMatch[5]),
    );
    guess += wanted - shownUtc;
  }
  return guess;
}
