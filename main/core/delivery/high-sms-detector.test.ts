import { describe, expect, it } from 'vitest';
import { alertEventSchema, highSmsRule } from '../../../common';
import { HighSmsDetector } from './high-sms-detector';
import { ManualClock } from '../../../test/support/manual-clock';
import { textEvent } from '../../../test/support/delivery-scenario';

function setup() {
  const clock = new ManualClock();
  const detector = new HighSmsDetector({ clock });
  const send = (fields: Parameters<typeof textEvent>[1] = {}) =>
    detector.observe(textEvent(clock, fields));
  return { clock, detector, send };
}

describe('HighSmsDetector', () => {
  it('uses the rule from common: more than 15 texts in 30 s', () => {
    expect(highSmsRule.moreThan).toBe(15);
    expect(highSmsRule.windowSeconds).toBe(30);
  });

  it('alerts once for 16 texts in 30 s, on the 16th', () => {
    const { clock, send } = setup();
    const alerts = [];
    for (let index = 0; index < 16; index++) {
      for (const alert of send()) alerts.push({ index, alert });
      clock.advance(2_000);
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.index).toBe(15);
    const alert = alerts[0]?.alert;
    expect(alertEventSchema.safeParse(alert).success).toBe(true);
    expect(alert).toMatchObject({
      kind: 'highSms',
      lineId: 'line-support',
      from: '+14155552671',
      contactName: 'Ann Lee',
      count: 16,
      windowSeconds: 30,
    });
  });

  it('raises one alert per burst, not one per message', () => {
    const { clock, send } = setup();
    let alerts = 0;
    for (let index = 0; index < 100; index++) {
      alerts += send().length;
      clock.advance(500);
    }
    expect(alerts).toBe(1);
  });

  it('does not alert for 15 texts', () => {
    const { clock, send } = setup();
    for (let index = 0; index < 15; index++) {
      expect(send()).toEqual([]);
      clock.advance(100);
    }
  });

  it('does not alert for 16 texts spread over 31 s', () => {
    const { clock, send } = setup();
    for (let index = 0; index < 16; index++) {
      // 15 gaps: the first and the 16th are 31 s apart.
      expect(send()).toEqual([]);
      clock.advance(index === 0 ? 3_000 : 2_000);
    }
  });

  it('counts two contacts interleaved apart', () => {
    const { clock, send } = setup();
    const alerts = [];
    for (let index = 0; index < 15; index++) {
      alerts.push(
        ...send({ from: '+14155552671' }),
        ...send({ from: '+14155552672', contactName: null }),
      );
      clock.advance(1_000);
    }
    expect(alerts).toHaveLength(0);
    const sixteenth = send({ from: '+14155552672', contactName: null });
    expect(sixteenth).toMatchObject([{ kind: 'highSms', from: '+14155552672' }]);
  });

  it('counts the same number on two lines apart', () => {
    const { clock, send } = setup();
    for (let index = 0; index < 10; index++) {
      expect(send({ lineId: 'line-support' })).toEqual([]);
      expect(send({ lineId: 'line-ann' })).toEqual([]);
      clock.advance(1_000);
    }
  });

  it('alerts again for a new burst after a quiet period, not before', () => {
    const { clock, send } = setup();
    const burst = () => {
      let alerts = 0;
      for (let index = 0; index < 20; index++) {
        alerts += send().length;
        clock.advance(1_000);
      }
      return alerts;
    };
    expect(burst()).toBe(1);
    clock.advance(20_000); // 21 s after the last text: still inside the quiet period.
    expect(burst()).toBe(0);
    clock.advance(31_000); // quiet longer than 30 s: the burst is over.
    expect(burst()).toBe(1);
  });

  it('gives each burst a deterministic id (a replay dedupes by id)', () => {
    const first = setup();
    const second = setup();
    const ids = [first, second].map(({ clock, detector }) => {
      let id: string | null = null;
      for (let index = 0; index < 16; index++) {
        for (const alert of detector.observe(textEvent(clock, { id: `text-${index}` }))) {
          id = alert.id;
        }
        clock.advance(1_000);
      }
      return id;
    });
    expect(ids[0]).not.toBeNull();
    expect(ids[0]).toBe(ids[1]);
  });

  it('ignores other kinds of events', () => {
    const { clock, detector } = setup();
    expect(
      detector.observe({
        kind: 'usage',
        id: 'usage-1',
        occurredAt: new Date(clock.now()).toISOString(),
        periodId: 'p',
        usedMinutes: 1,
        includedMinutes: 10,
      }),
    ).toEqual([]);
  });

  it('forgets idle pairs and never tracks more than its cap', () => {
    const clock = new ManualClock();
    const detector = new HighSmsDetector({ clock, maxPairs: 100 });
    for (let index = 0; index < 1_000; index++) {
      detector.observe(textEvent(clock, { from: `+1415555${String(index).padStart(4, '0')}` }));
    }
    expect(detector.trackedPairs).toBe(100);
    clock.advance(61_000);
    detector.observe(textEvent(clock));
    expect(detector.trackedPairs).toBe(1);
  });

  it('judges a replayed backlog by when the texts were sent', () => {
    const { clock, detector } = setup();
    const start = clock.now() - 3_600_000;
    // Twenty texts sent an hour ago, a minute apart, replayed all at once: no burst.
    for (let index = 0; index < 20; index++) {
      const occurredAt = new Date(start + index * 60_000).toISOString();
      expect(detector.observe(textEvent(clock, { occurredAt }))).toEqual([]);
    }
  });
});
