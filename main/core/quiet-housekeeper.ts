import type { Clock, Logger, TimerHandle } from './ports';
import type { PruneResult, Store } from './store/repositories';

/** How long without a committed batch counts as quiet. */
export const quietMilliseconds = 2_000;
/**
 * A checkpoint holds the event loop while it copies the WAL into the database and syncs both
 * (`npx tsx bench/store-checkpoint.ts`, a busy machine: median 14–24 ms at 4 MB, 25–35 ms at
 * 8 MB, 72–140 ms at 32 MB), and delays every event that arrives meanwhile. In a burst (commits
 * of many events, ~340 KB of WAL each for a batch of 200) that is a whole queue of events, so
 * small and often: past `burstWalBoundBytes`. In a stream of single events (~20 KB of WAL a
 * commit) it is one event each time, so rarely: past `walBoundBytes` (with a checkpoint every
 * 4 MB there too, ~170 single events, the bench's added p99 was 5–8 ms against 2–2.6 ms at
 * 32 MB, alternating runs, busy machine). The work in all is about the same either way:
 * appended pages are copied once.
 */
export const walBoundBytes = 32 * 1024 * 1024;
/**
 * Past this, the WAL is checkpointed when its commits since the last checkpoint were a burst's
 * (`burstCommitBytes` of WAL each on average). It must stay above the size a checkpointed WAL is
 * cut back to (`journal_size_limit`, 2 MB: store/wal-checkpoint.ts), or the file would always
 * be past it.
 */
export const burstWalBoundBytes = 4 * 1024 * 1024;
/** WAL per commit, on average, that makes the commits a burst's (a batch of tens of events). */
export const burstCommitBytes = 128 * 1024;
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
 * checkpoint at every 1,000 pages is held while this runs. The one exception: a WAL past its
 * size bound (`burstWalBoundBytes` when a burst wrote it, else `walBoundBytes`) is checkpointed
 * at the next commit that looks at its size (every 50 ms at most), a short block. Idle, it sets no timer at all: quiet
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
  /** Commits since the last checkpoint: the WAL's size over them says whether a burst wrote it. */
  #commits = 0;

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

  /** A batch committed: quiet starts over; a WAL past its bound (a burst's, or the one for a
   * stream of single events) is checkpointed now. */
  committed(): void {
    if (!this.#running) return;
    const now = this.#options.clock.now();
    this.#lastWrite = now;
    this.#dirty = true;
    this.#commits += 1;
    if (now - this.#lastSizeCheck >= sizeCheckMilliseconds) {
      this.#lastSizeCheck = now;
      const bytes = this.#options.store.wal.bytes();
      const burst = bytes > burstWalBoundBytes && bytes / this.#commits >= burstCommitBytes;
      if (burst || bytes > walBoundBytes) this.#checkpoint();
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
      this.#commits = 0;
    } catch (error) {
      this.#options.logger.warn('A WAL checkpoint failed', { error: String(error) });
    }
  }
}
