import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test/support/manual-clock';
import { WakeTimer } from './clock';

describe('WakeTimer', () => {
  it('fires at the earliest moment waiting, trusting no timer longer than its longest wait', () => {
    const clock = new ManualClock(0);
    let waiting: number[] = [5 * 60_000, 90_000];
    const fired: number[] = [];
    const timer = new WakeTimer(
      clock,
      () => (waiting.length ? Math.min(...waiting) : null),
      () => {
        fired.push(clock.now());
        waiting = waiting.filter((at) => at > clock.now());
      },
      () => {},
    );
    timer.replan();
    expect(clock.nextTimerAt()).toBe(60_000);
    clock.advanceTo(10 * 60_000);
    // Woken at the 1-minute cap, then at each moment; nothing left to wait for after the last.
    expect(fired).toEqual([60_000, 90_000, 150_000, 210_000, 270_000, 300_000]);
    expect(clock.pendingTimers).toBe(0);
    // A sooner moment re-plans; a later one leaves the plan alone.
    waiting = [11 * 60_000];
    timer.replan();
    waiting.push(10 * 60_000 + 5_000);
    timer.consider(10 * 60_000 + 5_000);
    expect(clock.nextTimerAt()).toBe(10 * 60_000 + 5_000);
    timer.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('after a failure waits its longest wait before trying again, instead of spinning', () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let attempts = 0;
    const timer = new WakeTimer(
      clock,
      () => 0,
      () => {
        attempts += 1;
        if (attempts < 3) throw new Error('database is locked');
      },
      (error) => errors.push(error),
    );
    timer.replan();
    clock.advanceTo(0);
    expect([attempts, errors.length]).toEqual([1, 1]);
    clock.advanceTo(60_000);
    expect([attempts, errors.length]).toEqual([2, 2]);
    timer.stop();
  });
});
