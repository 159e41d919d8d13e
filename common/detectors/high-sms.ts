import { z } from 'zod';
import { highSmsRule } from '../alert-types';
import { fnv1a64, type AlertEvent, type EventOfKind } from '../events';
import { eventTime, unchanged, type Detection, type EventTimeDetector } from './detector';

/** How many texts make a burst: more than `highSmsRule.moreThan`. */
const threshold = highSmsRule.moreThan + 1;
const windowMilliseconds = highSmsRule.windowSeconds * 1000;
/** A burst ends after this long without a text from the pair; the next text starts a new one. */
const quietMilliseconds = windowMilliseconds;

/** One contact writing to one line: the current burst. */
const highSmsStateSchema = z.strictObject({
  /** The last (at most 16) text times of the burst, epoch ms, oldest first, sorted. */
  times: z.array(z.number()).min(1).max(threshold),
  /** When the burst began: part of its alert's id. */
  burstStartedAt: z.number(),
  /** This burst has raised its one alert. */
  alerted: z.boolean(),
});
export type HighSmsState = z.infer<typeof highSmsStateSchema>;

/** The id of one burst's alert: the same for the same burst however often it is computed. */
export function highSmsEventId(
  userId: string,
  lineId: string,
  from: string,
  burstStartedAt: number,
): string {
  return `high-sms:${fnv1a64(`${userId}\u0000${lineId}\u0000${from}\u0000${burstStartedAt}`)}`;
}

function newestTime(state: HighSmsState): number {
  return state.times.at(-1) ?? state.burstStartedAt;
}

/**
 * High-SMS (`highSmsRule`): more than 15 texts from one contact (`from`) to one line within 30 s
 * of event time raise one `highSms` alert per burst; a burst ends after 30 s without a text from
 * that pair. The alert carries the burst's real span: the 16 texts that made it and the seconds
 * from the first of them to the 16th. State is one pair's burst (keyed by line and contact): at
 * most 16 times, and it expires 30 s after its last text, so what is kept is bounded by the
 * pairs active in the last 30 s.
 */
export const highSmsDetector: EventTimeDetector<HighSmsState> = {
  name: 'highSms',
  stateSchema: highSmsStateSchema,

  keyOf: (event) => (event.kind === 'text' ? `${event.lineId} ${event.from}` : null),

  step(state, event, scope): Detection<HighSmsState> {
    if (event.kind !== 'text') return unchanged(state);
    const at = eventTime(event);
    const current = state && at - newestTime(state) <= quietMilliseconds ? state : null;
    // Out-of-order times are clamped to the newest seen, so `times` stays sorted.
    const time = current ? Math.max(at, newestTime(current)) : at;
    const next: HighSmsState = current
      ? { ...current, times: [...current.times, time].slice(-threshold) }
      : { times: [time], burstStartedAt: time, alerted: false };
    const first = next.times[0] ?? time;
    if (next.alerted || next.times.length < threshold || time - first > windowMilliseconds) {
      return { state: next, derived: [] };
    }
    next.alerted = true;
    return { state: next, derived: [burstAlert(event, next, first, time, scope.userId)] };
  },

  expiresAt: (state) => newestTime(state) + quietMilliseconds,
  wakeAt: () => null,
  due: (state) => unchanged(state),
};

function burstAlert(
  text: EventOfKind<'text'>,
  state: HighSmsState,
  first: number,
  last: number,
  userId: string,
): AlertEvent {
  return {
    kind: 'highSms',
    id: highSmsEventId(userId, text.lineId, text.from, state.burstStartedAt),
    occurredAt: new Date(last).toISOString(),
    lineId: text.lineId,
    from: text.from,
    contactName: text.contactName,
    count: state.times.length,
    windowSeconds: Math.max(1, Math.ceil((last - first) / 1000)),
  };
}
