import { performance } from 'node:perf_hooks';

/**
 * The most milliseconds all sliced work takes in one turn of the event loop, together. The end
 * of a long catch-up runs several slicers at once (the delivery engine's steps, the marks of a
 * summary's records, the decisions told), each a few milliseconds a turn; their `setImmediate`s
 * land in the same turn, so their slices added up (8 + 8 + 8 ms, past 50 ms with a garbage
 * collection inside).
 */
export const turnMilliseconds = 12;

let turnStartedAt = 0;
let inTurn = false;

function endTurn(): void {
  inTurn = false;
}

/**
 * When a slice of work that starts now must stop: `sliceMilliseconds` from now, or sooner when
 * other slices of this turn already took part of `turnMilliseconds`. A slicer still does at
 * least one item past it, so each makes progress every turn; the next turn starts the budget
 * over (a `setImmediate` queued by the first slice of a turn, which runs before the slices they
 * queue for the next).
 */
export function sliceDeadline(sliceMilliseconds: number): number {
  const now = performance.now();
  if (!inTurn) {
    inTurn = true;
    turnStartedAt = now;
    setImmediate(endTurn);
  }
  return Math.min(now + sliceMilliseconds, turnStartedAt + turnMilliseconds);
}
