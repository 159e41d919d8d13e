import { describe, expect, it } from 'vitest';
import { SlicedQueue } from './sliced-queue';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Busy for `milliseconds` of wall time: an item that costs what a real one can. */
function busy(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until);
}

describe('SlicedQueue', () => {
  it('runs a lone item at once, before push returns', () => {
    const ran: number[] = [];
    const queue = new SlicedQueue<number>((item) => ran.push(item), 8);
    queue.push([1]);
    expect(ran).toEqual([1]);
  });

  it('gives the event loop back between slices and keeps the order, later pushes behind', async () => {
    const ran: number[] = [];
    const queue = new SlicedQueue<number>((item) => {
      busy(0.2);
      ran.push(item);
    }, 5);
    const items = Array.from({ length: 200 }, (_, index) => index);
    queue.push(items);
    // 200 items of 0.2 ms do not fit a 5 ms slice: some wait for a later turn.
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.length).toBeLessThan(200);
    let otherTurns = 0;
    const ticking = setInterval(() => (otherTurns += 1), 0);
    queue.push([1000]);
    expect(ran).not.toContain(1000);
    while (queue.waiting > 0) await turn();
    clearInterval(ticking);
    expect(ran).toEqual([...items, 1000]);
    expect(otherTurns).toBeGreaterThan(0);
  });

  it('runAll carries out everything now; stop forgets what waits', async () => {
    const ran: number[] = [];
    const queue = new SlicedQueue<number>((item) => {
      busy(0.2);
      ran.push(item);
    }, 2);
    queue.push(Array.from({ length: 100 }, (_, index) => index));
    queue.runAll();
    expect(ran).toHaveLength(100);
    queue.push(Array.from({ length: 100 }, (_, index) => 100 + index));
    const before = ran.length;
    queue.stop();
    await turn();
    expect(ran).toHaveLength(before);
    queue.push([7]);
    expect(ran).toHaveLength(before);
  });
});
