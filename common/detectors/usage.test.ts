import { describe, expect, it } from 'vitest';
import { runDetector } from '../../test/support/run-detector';
import { alertEventSchema, type AlertEvent } from '../events';
import { usageDetector, usageThresholdEventId } from './usage';

const start = Date.parse('2026-11-23T15:00:00.000Z');
const hour = 3_600_000;

/** One usage update: `percent` of 1000 included minutes, `at` hours after start. */
function usage(percent: number, at = 0, periodId = 'period-nov'): AlertEvent {
  return {
    kind: 'usage',
    id: `usage-${periodId}-${percent}-${at}`,
    occurredAt: new Date(start + at * hour).toISOString(),
    periodId,
    usedMinutes: percent * 10,
    includedMinutes: 1000,
  };
}

function thresholds(events: readonly AlertEvent[]): number[] {
  return runDetector(usageDetector, events).derived.map((event) => {
    expect(alertEventSchema.parse(event)).toEqual(event);
    return event.kind === 'usageThreshold' ? event.threshold : -1;
  });
}

describe('usageDetector', () => {
  const cases: Array<{ name: string; events: AlertEvent[]; raised: number[] }> = [
    {
      name: '74, 75, 75, 90, 80, 100: each threshold once',
      events: [usage(74, 0), usage(75, 1), usage(75, 2), usage(90, 3), usage(80, 4), usage(100, 5)],
      raised: [75, 90, 100],
    },
    { name: 'below 75 %', events: [usage(10), usage(74.9, 1)], raised: [] },
    {
      name: 'a jump 70 → 100 raises only 100, and the lower ones never later',
      events: [usage(70, 0), usage(100, 1), usage(80, 2), usage(95, 3)],
      raised: [100],
    },
    {
      name: 'a jump 70 → 95 raises 90, then 100 still comes',
      events: [usage(70, 0), usage(95, 1), usage(76, 2), usage(100, 3)],
      raised: [90, 100],
    },
    {
      name: 'a new billing period re-arms every threshold',
      events: [usage(100, 0), usage(80, 24, 'period-dec'), usage(100, 25, 'period-dec')],
      raised: [100, 75, 100],
    },
    {
      name: 'a late update for an older period is ignored, even when its thresholds never fired',
      events: [
        usage(50, 10, 'period-dec'),
        usage(95, 2, 'period-nov'),
        usage(76, 11, 'period-dec'),
      ],
      raised: [75],
    },
    {
      name: 'an update of the current period sent before its first one still counts',
      events: [usage(50, 10), usage(80, 9)],
      raised: [75],
    },
    {
      name: 'other kinds of events',
      events: [
        {
          kind: 'paymentFailed',
          id: 'payment-1',
          occurredAt: new Date(start).toISOString(),
          amountCents: 100,
          currency: 'USD',
          reason: 'declined',
        },
      ],
      raised: [],
    },
  ];

  it.each(cases)('$name', ({ events, raised }) => {
    expect(thresholds(events)).toEqual(raised);
  });

  it('names the alert by user, period and threshold, and carries the update that crossed it', () => {
    const { derived, states } = runDetector(usageDetector, [usage(70), usage(100, 1)]);
    expect(derived).toEqual([
      {
        kind: 'usageThreshold',
        id: usageThresholdEventId('user-jordan', 'period-nov', 100),
        occurredAt: new Date(start + hour).toISOString(),
        periodId: 'period-nov',
        threshold: 100,
        usedMinutes: 1000,
        includedMinutes: 1000,
      },
    ]);
    expect(states.get('usage')).toEqual({
      periodId: 'period-nov',
      since: start,
      done: [75, 90, 100],
    });
    const other = runDetector(usageDetector, [usage(100)], { userId: 'user-sam' }).derived[0];
    expect(other?.id).not.toBe(derived[0]?.id);
  });

  it('keeps nothing it cannot read back, and never wakes', () => {
    expect(
      usageDetector.stateSchema.safeParse({ periodId: 'p', since: 0, done: [80] }).success,
    ).toBe(false);
    const state = { periodId: 'p', since: 0, done: [] };
    expect(usageDetector.wakeAt(state)).toBeNull();
    expect(usageDetector.due(state, start, { userId: 'user-jordan' }).derived).toEqual([]);
  });
});
