import type { CatchUpProgress } from '../../common';
import { ObservableValue, type Clock, type Observable } from './ports';

/** How often, at most, progress is published while a catch-up runs (views re-render on each). */
export const progressIntervalMilliseconds = 250;

/**
 * How far the current catch-up has come: between a (re)connect and its `replayDone`, the events
 * replayed (`counted`, after their batch committed) of those the service said would come
 * (`replayStarted`'s newest seq less the `session`'s `replayFrom`). Published at most every
 * `progressIntervalMilliseconds` on the clock, and null when no catch-up with a backlog runs:
 * a reconnect with nothing missed shows nothing.
 */
export class CatchUpTracker {
  readonly #progress = new ObservableValue<CatchUpProgress | null>(null);
  readonly #clock: Clock;
  #replayFrom = 0;
  #total: number | null = null;
  #done = 0;
  #publishedAt = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get progress(): Observable<CatchUpProgress | null> {
    return this.#progress;
  }

  /** A connection began: its replay starts after `replayFrom` (the `session` message). */
  begin(replayFrom: number): void {
    this.#replayFrom = replayFrom;
    this.#total = null;
    this.#done = 0;
  }

  /** The service's newest seq: the replay brings the events up to it. */
  expect(lastSeq: number): void {
    const total = Math.max(0, lastSeq - this.#replayFrom);
    this.#total = total > 0 ? total : null;
    this.#publish(true);
  }

  /** `count` replayed events were recorded (their batch committed). */
  counted(count: number): void {
    if (this.#total === null) return;
    this.#done += count;
    this.#publish(false);
  }

  /** The replay is over (`replayDone`) or cut short (the link dropped). */
  end(): void {
    this.#total = null;
    this.#done = 0;
    if (this.#progress.get() !== null) this.#progress.set(null);
  }

  #publish(now: boolean): void {
    if (this.#total === null) return;
    const at = this.#clock.now();
    if (!now && at - this.#publishedAt < progressIntervalMilliseconds) return;
    this.#publishedAt = at;
    this.#progress.set({ done: Math.min(this.#done, this.#total), total: this.#total });
  }
}
