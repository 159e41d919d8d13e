import type { Clock, TimerHandle } from '../ports';

/**
 * One timer per key on the `Clock` (the coalescing policy's `wake` steps): setting a key's timer
 * replaces the one it had, so a group never has two.
 */
export class KeyTimers {
  readonly #clock: Clock;
  readonly #timers = new Map<string, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `run` after `afterMilliseconds`, in place of the key's timer set before. */
  set(key: string, afterMilliseconds: number, run: () => void): void {
    const previous = this.#timers.get(key);
    if (previous) this.#clock.clearTimeout(previous);
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(key);
      run();
    }, afterMilliseconds);
    this.#timers.set(key, timer);
  }

  /** Every timer cleared. */
  clear(): void {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
