import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('fires timers in due order on advance, including timers set by callbacks', () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => {
      fired.push(['a', clock.now()]);
      clock.setTimeout(() => fired.push(['c', clock.now()]), 50);
    }, 100);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 1_000);
    expect(clock.advance(500)).toBe(3);
    expect(fired).toEqual([
      ['a', 100],
      ['c', 150],
      ['b', 200],
    ]);
    expect(clock.now()).toBe(500);
  });

  it('clears timers', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(handle);
    clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('jump moves the wall clock like sleep: nothing fires and timers keep their remaining delay', () => {
    const clock = new ManualClock(0);
    let firedAt: number | null = null;
    clock.setTimeout(() => (firedAt = clock.now()), 60_000);
    clock.jump(3 * 3_600_000);
    expect(firedAt).toBeNull();
    expect(clock.now()).toBe(3 * 3_600_000);
    expect(clock.nextTimerAt()).toBe(3 * 3_600_000 + 60_000);
    clock.advance(60_000);
    expect(firedAt).toBe(3 * 3_600_000 + 60_000);
  });

  it('starts at an ISO instant and refuses to go backwards with advance', () => {
    const clock = new ManualClock('2026-03-08T06:59:00Z');
    expect(clock.now()).toBe(Date.parse('2026-03-08T06:59:00Z'));
    expect(() => clock.advanceTo(0)).toThrow(/forward/);
  });
});
