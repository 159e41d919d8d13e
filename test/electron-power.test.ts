import { beforeEach, describe, expect, it } from 'vitest';
import { FakeCompanion } from '../main/electron/fake-companion.test-support';
import { PowerWatch, ReplanGuard } from '../main/electron/power';
import { powerMonitor, resetFakeElectron } from './fakes/electron';

/** Two clocks the test moves by hand, and the watchdog's tick that the test fires itself. */
function setup() {
  const time = { wall: Date.parse('2026-11-23T15:00:00Z'), monotonic: 1_000 };
  const companion = new FakeCompanion();
  const ticks: Array<() => void> = [];
  let cancelled = 0;
  const watch = new PowerWatch({
    powerMonitor,
    guard: new ReplanGuard({
      replan: (reason) => companion.replan(reason),
      monotonicNow: () => time.monotonic,
      quietMilliseconds: 5_000,
    }),
    wallNow: () => time.wall,
    monotonicNow: () => time.monotonic,
    every: (callback) => {
      ticks.push(callback);
      return { cancel: () => (cancelled += 1) };
    },
  });
  watch.start();
  const pass = (milliseconds: number) => {
    time.wall += milliseconds;
    time.monotonic += milliseconds;
  };
  return { time, companion, watch, ticks, pass, cancelled: () => cancelled };
}

describe('re-planning timers after sleep, unlock and clock jumps', () => {
  beforeEach(() => resetFakeElectron());

  it('resume twice re-plans once', () => {
    const { companion, pass } = setup();
    powerMonitor.emit('resume');
    pass(200);
    powerMonitor.emit('resume');
    expect(companion.replans).toEqual(['resume']);
  });

  it('an unlock right after a resume is the same wake-up; a later one re-plans again', () => {
    const { companion, pass } = setup();
    powerMonitor.emit('resume');
    pass(1_000);
    powerMonitor.emit('unlock-screen');
    expect(companion.replans).toEqual(['resume']);
    pass(60_000);
    powerMonitor.emit('unlock-screen');
    expect(companion.replans).toEqual(['resume', 'unlock']);
  });

  it('the watchdog re-plans when the wall clock jumps against the monotonic clock', () => {
    const { time, companion, ticks, pass } = setup();
    const tick = ticks[0];
    if (!tick) throw new Error('the watchdog did not schedule itself');
    pass(30_000);
    tick();
    expect(companion.replans).toEqual([]);
    // The clock is set forward ten minutes while thirty seconds pass.
    time.wall += 10 * 60_000;
    pass(30_000);
    tick();
    expect(companion.replans).toEqual(['clockJump']);
    // And back: a jump the other way counts too.
    pass(30_000);
    time.wall -= 5 * 60_000;
    tick();
    expect(companion.replans).toEqual(['clockJump', 'clockJump']);
    // A small drift (NTP slew) does not.
    pass(30_000);
    time.wall += 2_000;
    tick();
    expect(companion.replans).toHaveLength(2);
  });

  it('stops listening and ticking when stopped', () => {
    const { watch, companion, cancelled } = setup();
    watch.stop();
    powerMonitor.emit('resume');
    expect(companion.replans).toEqual([]);
    expect(cancelled()).toBe(1);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
  });
});
