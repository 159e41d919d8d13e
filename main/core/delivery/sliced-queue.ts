import { performance } from 'node:perf_hooks';
import { sliceDeadline } from '../turn-budget';

/**
 * Work items carried out in order, at most `sliceMilliseconds` per turn of the event loop (less
 * when other slices took part of the turn: `sliceDeadline`), the rest a turn later
 * (`setImmediate`): a long run of them (the end of a catch-up is a step
 * per held event) never holds the loop, and items pushed while others wait join the end, so
 * nothing overtakes. When nothing waits, a pushed item runs at once, before `push` returns.
 */
export class SlicedQueue<Item> {
  readonly #run: (item: Item) => void;
  readonly #sliceMilliseconds: number;
  readonly #items: Item[] = [];
  #head = 0;
  #scheduled = false;
  #running = false;
  #stopped = false;

  constructor(run: (item: Item) => void, sliceMilliseconds: number) {
    this.#run = run;
    this.#sliceMilliseconds = sliceMilliseconds;
  }

  /** Items not carried out yet. */
  get waiting(): number {
    return this.#items.length - this.#head;
  }

  /** Queues `items`; runs what it can now unless a slice is running or one is due. */
  push(items: Iterable<Item>): void {
    if (this.#stopped) return;
    for (const item of items) this.#items.push(item);
    // Nothing to run (a held delivery's steps: none) takes no part of the turn.
    if (this.#head === this.#items.length) return;
    if (!this.#running && !this.#scheduled) this.#runSlice(this.#sliceMilliseconds);
  }

  /** Carries out everything waiting now, however long it takes (a flush before shutdown). */
  runAll(): void {
    if (!this.#running) this.#runSlice(Number.POSITIVE_INFINITY);
  }

  /** Forgets what waits and runs nothing more. */
  stop(): void {
    this.#stopped = true;
    this.#items.length = 0;
    this.#head = 0;
  }

  #runSlice(sliceMilliseconds: number): void {
    this.#running = true;
    // A whole run (a flush) is not cut; a slice shares the turn with the other slicers'.
    const until = Number.isFinite(sliceMilliseconds)
      ? sliceDeadline(sliceMilliseconds)
      : Number.POSITIVE_INFINITY;
    try {
      while (this.#head < this.#items.length && !this.#stopped) {
        const item = this.#items[this.#head] as Item;
        this.#head += 1;
        this.#run(item);
        // Reading the clock costs more than most items: every 32nd.
        if (this.#head % 32 === 0 && performance.now() > until) break;
      }
    } finally {
      this.#running = false;
    }
    if (this.#head < this.#items.length && !this.#stopped) {
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#runSlice(this.#sliceMilliseconds);
      });
      return;
    }
    this.#items.length = 0;
    this.#head = 0;
  }
}
