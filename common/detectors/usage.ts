import { z } from 'zod';
import { fnv1a64, usageThresholds, type AlertEvent, type UsageThreshold } from '../events';
import { idSchema } from '../preferences';
import { eventTime, unchanged, type Detection, type EventTimeDetector } from './detector';

const thresholdSchema = z.union([z.literal(75), z.literal(90), z.literal(100)]);

/**
 * The newest billing period seen, from its earliest update's time, and the thresholds done in
 * it. Older periods need nothing kept: their updates are ignored.
 */
const usageStateSchema = z.strictObject({
  periodId: idSchema,
  since: z.number(),
  done: z.array(thresholdSchema).max(usageThresholds.length),
});
export type UsageState = z.infer<typeof usageStateSchema>;

/** The id of one period's threshold alert for one user. */
export function usageThresholdEventId(
  userId: string,
  periodId: string,
  threshold: UsageThreshold,
): string {
  return `usage:${fnv1a64(`${userId}\u0000${periodId}\u0000${threshold}`)}`;
}

/**
 * Usage thresholds: `usage` updates become `usageThreshold` alerts at 75 %, 90 % and 100 % of the
 * included minutes, each at most once per billing period however often, late or out of order
 * updates come. A jump past several thresholds raises only the highest and records the lower
 * ones as done ("75 % used" after "all minutes used" is noise). Period ids are opaque, so periods
 * are ordered by their updates' time: an update for another period sent before the newest
 * period's earliest update belongs to an older period and is ignored.
 */
export const usageDetector: EventTimeDetector<UsageState> = {
  name: 'usage',
  stateSchema: usageStateSchema,

  keyOf: (event) => (event.kind === 'usage' ? 'usage' : null),

  step(state, event, scope): Detection<UsageState> {
    if (event.kind !== 'usage') return unchanged(state);
    const at = eventTime(event);
    let current: UsageState;
    if (state === null || (state.periodId !== event.periodId && at >= state.since)) {
      current = { periodId: event.periodId, since: at, done: [] };
    } else if (state.periodId !== event.periodId) {
      return unchanged(state);
    } else {
      current = { ...state, since: Math.min(state.since, at) };
    }
    const percent = (event.usedMinutes / event.includedMinutes) * 100;
    const crossed = usageThresholds.filter((threshold) => percent >= threshold);
    const highest = crossed.at(-1);
    // Nothing crossed, or the highest crossed (or one above it) is already done: old news.
    if (highest === undefined || current.done.some((done) => done >= highest)) {
      return { state: current, derived: [] };
    }
    const done = [...new Set([...current.done, ...crossed])].sort((left, right) => left - right);
    const alert: AlertEvent = {
      kind: 'usageThreshold',
      id: usageThresholdEventId(scope.userId, event.periodId, highest),
      occurredAt: event.occurredAt,
      periodId: event.periodId,
      threshold: highest,
      usedMinutes: event.usedMinutes,
      includedMinutes: event.includedMinutes,
    };
    return { state: { ...current, done }, derived: [alert] };
  },

  expiresAt: () => null,
  wakeAt: () => null,
  due: (state) => unchanged(state),
};
