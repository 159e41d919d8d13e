/**
 * The service's time: `now` for event times, policy decisions and outbox rows, and timers for
 * what falls due by itself (appointment reminders). The shape is the core's `Clock` port
 * (main/core/ports.ts), so the one controllable clock of the tests drives both: a test moves
 * time and every reminder due on the way fires, without sleeping.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** Node's timers can wait at most 2^31 - 1 ms; a longer delay would fire at once. */
const longestTimer = 2 ** 31 - 1;

/** The real clock. Its timers do not hold the process open: the server does while it listens. */
export function systemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, milliseconds) {
      const id = nextId++;
      const delay = Math.min(Math.max(0, milliseconds), longestTimer);
      const timer = setTimeout(() => {
        timers.delete(id);
        callback();
      }, delay);
      timer.unref();
      timers.set(id, timer);
      return { id };
    },
    clearTimeout(handle) {
      clearTimeout(timers.get(handle.id));
      timers.delete(handle.id);
    },
  };
}

/**
 * Calls `fire` when the earliest moment `next()` names comes, and again after that: re-planned
 * whenever what is waiting may have moved (`replan`). A timer is never trusted for longer than
 * `longestWaitMilliseconds`: a wall clock set forward, or a laptop that slept, costs at most that.
 */
export class WakeTimer {
  #timer: TimerHandle | null = null;
  #plannedAt: number | null = null;
  #stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly next: () => number | null,
    private readonly fire: () => void,
    /** Told when `fire` throws; the timer then waits its longest wait before trying again. */
    private readonly onError: (error: unknown) => void,
    private readonly longestWaitMilliseconds = 60_000,
  ) {}

  /** Plans the timer for the earliest moment waiting now (none when nothing waits). */
  replan(): void {
    if (this.#stopped) return;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    const at = this.next();
    this.#plannedAt = at;
    if (at === null) return;
    const wait = Math.min(Math.max(0, at - this.clock.now()), this.longestWaitMilliseconds);
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      try {
        this.fire();
      } catch (error) {
        // What is due stays due: trying again at once would spin, so wait before the retry.
        this.onError(error);
        this.#retryLater();
        return;
      }
      this.replan();
    }, wait);
  }

  #retryLater(): void {
    if (this.#stopped) return;
    this.#plannedAt = this.clock.now() + this.longestWaitMilliseconds;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      this.replan();
    }, this.longestWaitMilliseconds);
  }

  /** Re-plans only when `at` comes before the moment planned: cheap to call after every change. */
  consider(at: number): void {
    if (this.#plannedAt === null || at < this.#plannedAt) this.replan();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
