/**
 * The printer's one clock: every time the headless companion prints is on the user's wall clock
 * (their preferences' time zone, the zone the alerts' own words use), labelled once with
 * `timesLabel`; `--json` carries ISO instants with that zone's offset, so nothing is ambiguous.
 */

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = clockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    clockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

function partsOf(epoch: number, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epoch))) {
    parts[part.type] = part.value;
  }
  return parts;
}

/** "09:02:32": the wall-clock time of `epoch` in `timeZone`. */
export function clockIn(epoch: number, timeZone: string): string {
  const parts = partsOf(epoch, timeZone);
  return `${parts['hour']}:${parts['minute']}:${parts['second']}`;
}

/** "2026-12-04T09:02:32.120-08:00": the instant with the zone's offset at that moment. */
export function isoInZone(epoch: number, timeZone: string): string {
  const parts = partsOf(epoch, timeZone);
  const milliseconds = ((epoch % 1000) + 1000) % 1000;
  const wall = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
    milliseconds,
  );
  const offsetMinutes = Math.round((wall - epoch) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const pad = (value: number) => String(Math.floor(Math.abs(value))).padStart(2, '0');
  const offset = `${sign}${pad(Math.abs(offsetMinutes) / 60)}:${pad(Math.abs(offsetMinutes) % 60)}`;
  const date = `${parts['year']}-${parts['month']}-${parts['day']}`;
  const time = `${parts['hour']}:${parts['minute']}:${parts['second']}.${String(milliseconds).padStart(3, '0')}`;
  return `${date}T${time}${offset}`;
}

/** The line that labels the clock, said once before the first time printed (and on a change). */
export function timesLabel(timeZone: string, before: string | null): string {
  return before === null ? `Times are in ${timeZone}` : `Times are now in ${timeZone}`;
}
