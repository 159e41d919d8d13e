import type { Companion } from '../core/companion-api';
import type { PowerMonitorPort } from './electron-ports';

type ReplanReason = Parameters<Companion['replan']>[0];

/**
 * Lets one re-plan through per burst: `resume` often fires twice (and `unlock-screen` right
 * after), and each would otherwise re-read every reminder and mute timer.
 */
export class ReplanGuard {
  readonly #replan: (reason: ReplanReason) => void;
  readonly #monotonicNow: () => number;
  readonly #quietMilliseconds: number;
  #last: number | null = null;

  constructor(options: {
    replan: (reason: ReplanReason) => void;
    monotonicNow: () => number;
    /** Requests closer than this to the last re-plan are dropped. */
    quietMilliseconds?: number;
  }) {
    this.#replan = options.replan;
    this.#monotonicNow = options.monotonicNow;
    this.#quietMilliseconds = options.quietMilliseconds ?? 5000;
  }

  /** Re-plans unless one just happened; returns whether it did. */
  request(reason: ReplanReason): boolean {
    const now = this.#monotonicNow();
    if (this.#last !== null && now - this.#last < this.#quietMilliseconds) return false;
    this.#last = now;
    this.#replan(reason);
    return true;
  }
}

export interface RepeatingTimer {
  cancel(): void;
}

/**
 * Watches for what makes timers lie: the machine waking (`resume`), the screen unlocking, and
 * the wall clock jumping (an NTP fix, a manual change, a sleep the OS did not report): a
 * watchdog compares elapsed wall time with elapsed monotonic time every `checkEveryMilliseconds`.
 */
export class PowerWatch {
  readonly #options: {
    powerMonitor: PowerMonitorPort;
    guard: ReplanGuard;
    wallNow: () => number;
    monotonicNow: () => number;
    every: (callback: () => void, milliseconds: number) => RepeatingTimer;
    checkEveryMilliseconds: number;
    jumpMilliseconds: number;
  };
  readonly #onResume = () => this.#options.guard.request('resume');
  readonly #onUnlock = () => this.#options.guard.request('unlock');
  #timer: RepeatingTimer | null = null;
  #lastWall = 0;
  #lastMonotonic = 0;

  constructor(options: {
    powerMonitor: PowerMonitorPort;
    guard: ReplanGuard;
    wallNow: () => number;
    monotonicNow: () => number;
    every: (callback: () => void, milliseconds: number) => RepeatingTimer;
    checkEveryMilliseconds?: number;
    /** A difference larger than this between the two clocks counts as a jump. */
    jumpMilliseconds?: number;
  }) {
    this.#options = {
      ...options,
      checkEveryMilliseconds: options.checkEveryMilliseconds ?? 30_000,
      jumpMilliseconds: options.jumpMilliseconds ?? 60_000,
    };
  }

  start(): void {
    const { powerMonitor, every, checkEveryMilliseconds } = this.#options;
    powerMonitor.on('resume', this.#onResume);
    powerMonitor.on('unlock-screen', this.#onUnlock);
    this.#mark();
    this.#timer = every(() => this.check(), checkEveryMilliseconds);
  }

  stop(): void {
    const { powerMonitor } = this.#options;
    powerMonitor.removeListener('resume', this.#onResume);
    powerMonitor.removeListener('unlock-screen', this.#onUnlock);
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** One watchdog tick: re-plans when the wall clock moved differently from the monotonic one. */
  check(): boolean {
    const { wallNow, monotonicNow, guard, jumpMilliseconds } = this.#options;
    const drift = wallNow() - this.#lastWall - (monotonicNow() - this.#lastMonotonic);
    this.#mark();
    return Math.abs(drift) > jumpMilliseconds ? guard.request('clockJump') : false;
  }

  #mark(): void {
    this.#lastWall = this.#options.wallNow();
    this.#lastMonotonic = this.#options.monotonicNow();
  }
}

/** The real repeating timer: unref'd, so it never keeps the app alive by itself. */
export function everyInterval(callback: () => void, milliseconds: number): RepeatingTimer {
  const timer = setInterval(callback, milliseconds);
  timer.unref();
  return { cancel: () => clearInterval(timer) };
}
