import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { sliceDeadline, turnMilliseconds } from './turn-budget';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Busy until `until` on the clock: a slice that used its time. */
function busyUntil(until: number): void {
  while (performance.now() <= until);
}

describe('sliceDeadline', () => {
  it('cuts a second slice of the same turn to what is left of the turn; the next turn starts over', async () => {
    await turn();
    const first = sliceDeadline(8);
    busyUntil(first);
    // The first slice took 8 ms of the turn's 12: the second gets what is left, not 8 more.
    const second = sliceDeadline(8);
    expect(second).toBeCloseTo(first - 8 + turnMilliseconds, 6);
    busyUntil(second);
    // Nothing is left: a third must stop at once (after its one item).
    expect(sliceDeadline(8)).toBeLessThan(performance.now());
    await turn();
    const started = performance.now();
    expect(sliceDeadline(8)).toBeGreaterThanOrEqual(started + 8);
  });
});
