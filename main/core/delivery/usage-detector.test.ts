import { afterEach, describe, expect, it } from 'vitest';
import { alertEventSchema, type AlertEvent } from '../../../common';
import { ManualClock } from '../../../test/support/manual-clock';
import { temporaryStore } from '../../../test/support/delivery-scenario';
import { UsageDetector } from './usage-detector';

const stores: Array<ReturnType<typeof temporaryStore>> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.remove();
});

function setup() {
  const clock = new ManualClock();
  const handle = temporaryStore();
  stores.push(handle);
  const detector = (persisted = false) =>
    new UsageDetector({
      usageAlerts: handle.store.usageAlerts,
      clock,
      ...(persisted ? { meta: handle.store.meta } : {}),
    });
  const usage = (
    percent: number,
    periodId = 'period-2026-11',
    sentAt = clock.now(),
  ): AlertEvent => ({
    kind: 'usage',
    id: `usage-${periodId}-${percent}-${sentAt}`,
    occurredAt: new Date(sentAt).toISOString(),
    periodId,
    usedMinutes: (percent / 100) * 1_000,
    includedMinutes: 1_000,
  });
  return { clock, handle, detector, usage };
}

describe('UsageDetector', () => {
  it('usage 74, 75, 75, 90, 80, 100 gives exactly three alerts: 75, 90 and 100', () => {
    const { detector, usage } = setup();
    const usageDetector = detector();
    const raised = [74, 75, 75, 90, 80, 100].flatMap((percent) =>
      usageDetector.observe(usage(percent)),
    );
    expect(
      raised.map((event) => (event.kind === 'usageThreshold' ? event.threshold : null)),
    ).toEqual([75, 90, 100]);
    for (const event of raised) expect(alertEventSchema.safeParse(event).success).toBe(true);
  });

  it('raises only the highest threshold crossed by a jump, and the lower ones never later', () => {
    const { detector, usage } = setup();
    const usageDetector = detector();
    expect(usageDetector.observe(usage(70))).toEqual([]);
    const jump = usageDetector.observe(usage(100));
    expect(jump).toHaveLength(1);
    expect(jump[0]).toMatchObject({ kind: 'usageThreshold', threshold: 100 });
    // Late, out-of-order updates from before the jump.
    expect(usageDetector.observe(usage(76))).toEqual([]);
    expect(usageDetector.observe(usage(91))).toEqual([]);
  });

  it('fires each threshold once even after a restart on the same database', () => {
    const { detector, handle, usage } = setup();
    expect(detector().observe(usage(80))).toHaveLength(1);
    handle.reopen();
    const restarted = detector();
    expect(restarted.observe(usage(85))).toEqual([]);
    expect(restarted.observe(usage(95))).toHaveLength(1);
  });

  it('re-arms every threshold in a new billing period', () => {
    const { detector, usage } = setup();
    const usageDetector = detector();
    expect(usageDetector.observe(usage(100, 'period-2026-11'))).toHaveLength(1);
    expect(usageDetector.observe(usage(76, 'period-2026-12'))).toMatchObject([
      { threshold: 75, periodId: 'period-2026-12' },
    ]);
  });

  it('ignores a late update for an older billing period, even when its thresholds never fired', () => {
    const { clock, detector, usage } = setup();
    const usageDetector = detector();
    const novemberSentAt = clock.now();
    expect(usageDetector.observe(usage(50, 'period-2026-11', novemberSentAt))).toEqual([]);
    clock.advance(24 * 60 * 60_000);
    expect(usageDetector.observe(usage(10, 'period-2026-12'))).toEqual([]);
    // November's 95 % arrives late (sent before December's first update): old news.
    expect(usageDetector.observe(usage(95, 'period-2026-11', novemberSentAt + 60_000))).toEqual([]);
    // December's own thresholds still fire, and a December update sent late is still December's.
    expect(usageDetector.observe(usage(80, 'period-2026-12'))).toMatchObject([{ threshold: 75 }]);
    expect(
      usageDetector.observe(usage(92, 'period-2026-12', novemberSentAt + 2 * 60_000)),
    ).toMatchObject([{ threshold: 90, periodId: 'period-2026-12' }]);
  });

  it('remembers the newest billing period across a restart when given store.meta', () => {
    const { clock, detector, handle, usage } = setup();
    const novemberSentAt = clock.now();
    clock.advance(24 * 60 * 60_000);
    expect(detector(true).observe(usage(10, 'period-2026-12'))).toEqual([]);
    handle.reopen();
    expect(detector(true).observe(usage(95, 'period-2026-11', novemberSentAt))).toEqual([]);
    // Without the meta repository the newest period lives in memory only (documented).
    expect(detector().observe(usage(95, 'period-2026-11', novemberSentAt))).toHaveLength(1);
  });

  it('passes other events (a payment failure) through untouched, raising nothing', () => {
    const { clock, detector } = setup();
    const payment: AlertEvent = {
      kind: 'paymentFailed',
      id: 'payment-1',
      occurredAt: new Date(clock.now()).toISOString(),
      amountCents: 4_900,
      currency: 'USD',
      reason: 'Card declined',
    };
    expect(detector().observe(payment)).toEqual([]);
  });

  it('stays quiet below 75 %', () => {
    const { detector, usage } = setup();
    const usageDetector = detector();
    for (const percent of [0, 10, 50, 74.9])
      expect(usageDetector.observe(usage(percent))).toEqual([]);
  });
});
