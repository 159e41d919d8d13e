import { z } from 'zod';
import { highSmsRule } from '../alert-types';
import { callerSchema, fnv1a64, type AlertEvent, type EventOfKind } from '../events';
import { eventTime, unchanged, type Detection, type EventTimeDetector } from './detector';

/** How many texts make a burst: more than `highSmsRule.moreThan`. */
const threshold = highSmsRule.moreThan + 1;
const windowMilliseconds = highSmsRule.windowSeconds * 1000;
/** A burst ends after this long without a text from the pair; the next text starts a new one. */
const quietMilliseconds = windowMilliseconds;
/** Most contacts tracked on one line at once; the least recently active goes first. */
export const highSmsMaxPairs = 200;

const pairSchema = z.strictObject({
  from: callerSchema,
  /** The last (at most 16) text times of the current burst, epoch ms, oldest first, sorted. */
  times: z.array(z.number()).max(threshold),
  /** When the current burst began: part of its alert's id. */
  burstStartedAt: z.number(),
  /** This burst has raised its one alert. */
  alerted: z.boolean(),
});

/** The texts of one line from each contact writing to it, least recently active first. */
const highSmsStateSchema = z.strictObject({ pairs: z.array(pairSchema).max(highSmsMaxPairs) });
export type HighSmsState = z.infer<typeof highSmsStateSchema>;
type Pair = z.infer<typeof pairSchema>;

/** The id of one burst's alert: the same for the same burst however often it is computed. */
export function highSmsEventId(
  userId: string,
  lineId: string,
  from: string,
  burstStartedAt: number,
): string {
  return `high-sms:${fnv1a64(`${userId}\u0000${lineId}\u0000${from}\u0000${burstStartedAt}`)}`;
}

function newestTime(pair: Pair): number {
  return pair.times.at(-1) ?? Number.NEGATIVE_INFINITY;
}

/**
 * High-SMS (`highSmsRule`): more than 15 texts from one contact (`from`) to one line within 30 s
 * of event time raise one `highSms` alert per burst; a burst ends after 30 s without a text from
 * that pair. The alert carries the burst's real span: the 16 texts that made it and the seconds
 * from the first of them to the 16th. State is one line's pairs; pairs idle past the quiet period
 * (by the time of the text being read) are dropped, and at most `highSmsMaxPairs` are kept, so a
 * line's state stays small however many people write to it.
 */
export const highSmsDetector: EventTimeDetector<HighSmsState> = {
  name: 'highSms',
  stateSchema: highSmsStateSchema,

  keyOf: (event) => (event.kind === 'text' ? event.lineId : null),

  step(state, event, scope): Detection<HighSmsState> {
    if (event.kind !== 'text') return unchanged(state);
    const at = eventTime(event);
    let pair: Pair | undefined;
    const others: Pair[] = [];
    for (const candidate of state?.pairs ?? []) {
      if (candidate.from === event.from) pair = candidate;
      // Idle past the quiet period: its burst is over, so forgetting it changes nothing.
      else if (at - newestTime(candidate) <= quietMilliseconds) others.push(candidate);
    }
    if (pair && at - newestTime(pair) > quietMilliseconds) pair = undefined;
    // Out-of-order times are clamped to the newest seen, so `times` stays sorted.
    const time = Math.max(at, pair ? newestTime(pair) : at);
    const next: Pair = pair
      ? { ...pair, times: [...pair.times, time].slice(-threshold) }
      : { from: event.from, times: [time], burstStartedAt: time, alerted: false };
    const pairs = [...others, next].slice(-highSmsMaxPairs);
    const first = next.times[0] ?? time;
    if (next.alerted || next.times.length < threshold || time - first > windowMilliseconds) {
      return { state: { pairs }, derived: [] };
    }
    next.alerted = true;
    return { state: { pairs }, derived: [burstAlert(event, next, first, time, scope.userId)] };
  },

  wakeAt: () => null,
  due: (state) => unchanged(state),
};

function burstAlert(
  text: EventOfKind<'text'>,
  pair: Pair,
  first: number,
  last: number,
  userId: string,
): AlertEvent {
  return {
    kind: 'highSms',
    id: highSmsEventId(userId, text.lineId, text.from, pair.burstStartedAt),
    occurredAt: new Date(last).toISOString(),
    lineId: text.lineId,
    from: text.from,
    contactName: text.contactName,
    count: pair.times.length,
    windowSeconds: Math.max(1, Math.ceil((last - first) / 1000)),
  };
}
