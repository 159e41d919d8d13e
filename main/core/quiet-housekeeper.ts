import type { Clock, Logger, TimerHandle } from './ports';
import type { PruneResult, Store } from './store/repositories';

/** How long without a committed batch counts as quiet. */
export const quietMilliseconds = 2_000;
/**
 * Past this, the WAL is checkpointed at once, burst or not. A checkpoint's time grows with the
 * WAL (`npx tsx bench/store-checkpoint.ts`, a busy machine: median 14 ms at 4 MB, 25 ms at 8 MB,
 * 73–85 ms at 32 MB) while a burst's rate did not fall with the smaller bound: 4 MB keeps the
 * block inside a burst short. It must stay above the size a checkpointed WAL is cut back to
 * (`journal_size_limit`, 2 MB: store/wal-checkpoint.ts), or the file would always be past it.
 */
export const walBoundBytes = 4 * 1024 * 1024;
/** Between two retention steps while more is left to prune (each step is a few milliseconds). */
const stepGapMilliseconds = 250;
/**
 * How often, at most, a commit looks at the WAL's size (a `stat` of the file, a few µs). A burst
 * writes ~40 MB of WAL a second: checked once a second, the WAL reached 48 MB before its
 * checkpoint (174 ms on the loop); every 50 ms it passes the bound by ~2 MB at most.
 */
const sizeCheckMilliseconds = 50;

export interface QuietHousekeeperOptions {
  store: Pick<Store, 'retention' | 'wal'>;
  clock: Clock;
  logger: Logger;
  /** Told after a step that pruned in-app items (the unread count may have changed). */
  onPruned?: (result: PruneResult) => void;
}

/**
 * The store's housekeeping, done when the event stream goes quiet: a WAL checkpoint, then
 * retention in small steps (store/retention.ts), never in the middle of a burst — SQLite's own
 * checkpoint at every 1,000 pages is held while this runs. The one exception: a WAL past
 * `walBoundBytes` is checkpointed at the next commit. Idle, it sets no timer at all: quiet
 * costs no wake-ups. The session tells it of every committed event batch (`committed`).
 */
export class QuietHousekeeper {
  readonly #options: QuietHousekeeperOptions;
  #timer: TimerHandle | null = null;
  #lastWrite = 0;
  #lastSizeCheck = 0;
  /** Commits since the last checkpoint: a quiet spell with nothing written checkpoints nothing. */
  #dirty = false;
  #running = false;

  constructor(options: QuietHousekeeperOptions) {
    this.#options = options;
  }

  /** Holds SQLite's automatic checkpoints and plans a first step (what an earlier run left). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#options.store.wal.holdAutomaticCheckpoints(true);
    this.#lastWrite = this.#options.clock.now();
    this.#dirty = true;
    this.#plan(quietMilliseconds);
  }

  /** A batch committed: quiet starts over; a WAL past its bound is checkpointed now. */
  committed(): void {
    if (!this.#running) return;
    const now = this.#options.clock.now();
    this.#lastWrite = now;
    this.#dirty = true;
    if (now - this.#lastSizeCheck >= sizeCheckMilliseconds) {
      this.#lastSizeCheck = now;
      if (this.#options.store.wal.bytes() > walBoundBytes) this.#checkpoint();
    }
    this.#plan(quietMilliseconds);
  }

  /** Stops planning, and gives checkpoints back to SQLite (the store may outlive the session). */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
    try {
      this.#options.store.wal.holdAutomaticCheckpoints(false);
    } catch {
      // The store is closed already: nothing to give back.
    }
  }

  #plan(delay: number): void {
    if (this.#timer) return;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = null;
      this.#wake();
    }, delay);
  }

  #wake(): void {
    if (!this.#running) return;
    const quietFor = this.#options.clock.now() - this.#lastWrite;
    if (quietFor < quietMilliseconds) {
      this.#plan(quietMilliseconds - quietFor);
      return;
    }
    if (this.#dirty) this.#checkpoint();
    let result: PruneResult;
    try {
      result = this.#options.store.retention.prune(this.#options.clock.now());
    } catch (error) {
      // A failing disk: the event path reports it; retention tries again after the next write.
      this.#options.logger.warn('Pruning old alerts failed', { error: String(error) });
      return;
    }
    if (result.items > 0) this.#options.onPruned?.(result);
    // What a step pruned is checkpointed at the next wake, which ends in one that prunes nothing.
    if (result.items > 0 || result.events > 0) {
      this.#dirty = true;
      this.#plan(stepGapMilliseconds);
    }
  }

  #checkpoint(): void {
    try {
      this.#options.store.wal.checkpoint();
      this.#dirty = false;
    } catch (error) {
      this.#options.logger.warn('A WAL checkpoint failed', { error: String(error) });
    }
  }
}
