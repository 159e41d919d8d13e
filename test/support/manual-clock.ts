import type { Clock, TimerHandle } from '../../main/core/ports';

interface PendingTimer {
  id: number;
  dueAt: number;
  /** Creation order: timers due at the same instant fire in the order they were set. */
  order: number;
  callback: () => void;
}

/**
 * The one controllable `Clock` for tests and benches: a clock the test moves by hand (a fake:
 * real time cannot be stepped). Nothing fires on its own. `advance` moves time
 * forward and fires every timer that falls due on the way, in due order, including timers the
 * callbacks set; `jump` moves the wall clock without firing anything, the way a laptop lid
 * closes: Node timers run on the monotonic clock, which stands still during sleep, so every
 * pending timer also moves `milliseconds` later. Code under test must notice (via `replan()`).
 */
export class ManualClock implements Clock {
  readonly #timers = new Map<number, PendingTimer>();
  #now: number;
  #nextId = 1;
  #order = 0;

  /** @param start epoch milliseconds, or an ISO instant. */
  constructor(start: number | string = Date.UTC(2026, 10, 22, 9, 0, 0)) {
    this.#now = typeof start === 'string' ? Date.parse(start) : start;
    if (!Number.isFinite(this.#now))
      throw new Error(`ManualClock: not an instant: ${String(start)}`);
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, milliseconds: number): TimerHandle {
    const id = this.#nextId++;
    const delay = Number.isFinite(milliseconds) ? Math.max(0, milliseconds) : 0;
    this.#timers.set(id, { id, dueAt: this.#now + delay, order: this.#order++, callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  /** Moves time forward by `milliseconds`, firing due timers in order; returns how many fired. */
  advance(milliseconds: number): number {
    return this.advanceTo(this.#now + milliseconds);
  }

  /** Moves time forward to `instant`, firing due timers in order; returns how many fired. */
  advanceTo(instant: number): number {
    if (instant < this.#now) throw new Error('ManualClock: time only moves forward; use jump()');
    let fired = 0;
    for (;;) {
      const next = this.#earliest();
      if (!next || next.dueAt > instant) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.dueAt);
      fired++;
      next.callback();
    }
    this.#now = instant;
    return fired;
  }

  /**
   * Simulates sleep or a wall-clock change: `now()` moves by `milliseconds` (negative for a clock
   * set back), nothing fires, and pending timers keep their remaining delay.
   */
  jump(milliseconds: number): void {
    this.#now += milliseconds;
    for (const timer of this.#timers.values()) timer.dueAt += milliseconds;
  }

  /** Fires every timer already due (a zero-delay timer set by a callback, for example). */
  runDue(): number {
    return this.advanceTo(this.#now);
  }

  /** Number of timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, or null when none is pending. */
  nextTimerAt(): number | null {
    return this.#earliest()?.dueAt ?? null;
  }

  #earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (
        !best ||
        timer.dueAt < best.dueAt ||
        (timer.dueAt === best.dueAt && timer.order < best.order)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
