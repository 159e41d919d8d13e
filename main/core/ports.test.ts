import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSystemClock } from './ports';

const longestTimer = 2 ** 31 - 1;
const day = 24 * 60 * 60 * 1000;

describe('createSystemClock', () => {
  // Node's own timers, faked: a 30-day wait cannot be waited out for real.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a wait longer than a Node timer can hold once, on time, not at the cap', () => {
    const clock = createSystemClock();
    let calls = 0;
    clock.setTimeout(() => (calls += 1), 30 * day);
    vi.advanceTimersByTime(longestTimer);
    expect(calls).toBe(0);
    vi.advanceTimersByTime(30 * day - longestTimer - 1);
    expect(calls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls).toBe(1);
    vi.advanceTimersByTime(60 * day);
    expect(calls).toBe(1);
  });

  it('cancels a long wait in any of its steps', () => {
    const clock = createSystemClock();
    let calls = 0;
    const handle = clock.setTimeout(() => (calls += 1), 60 * day);
    vi.advanceTimersByTime(longestTimer + day);
    clock.clearTimeout(handle);
    vi.advanceTimersByTime(60 * day);
    expect(calls).toBe(0);
  });

  it('runs an ordinary wait after its delay', () => {
    const clock = createSystemClock();
    let calls = 0;
    clock.setTimeout(() => (calls += 1), 1_000);
    vi.advanceTimersByTime(999);
    expect(calls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(calls).toBe(1);
  });
});
