import type { HealthNotice } from '../../common';
import {
  ObservableValue,
  type Clock,
  type Logger,
  type NotifierPort,
  type Observable,
  type PopupContent,
  type PopupHandle,
  type PopupResult,
  type TimerHandle,
} from './ports';
import { passThroughNotifier } from './notifier-helpers';
import type { Store } from './store/repositories';

/**
 * The event batch: the one place where the event path's timing is decided, and where its
 * exactly-once rules are written down.
 *
 * A batch is the socket messages that arrived together: what the connection received before
 * the event loop turned (a lone event, a burst, a replay), at most `maximumBatchSize`
 * (`ArrivalQueue`). Work that starts outside any socket batch (a reminder coming due, raising
 * again the pop-ups owed from the last run) is a batch of its own. The rules:
 *
 * 1. One batch, one transaction. Everything a batch writes (decisions and `lastSeq`, in-app
 *    items, the reminder schedule, the data epoch) goes into one event transaction
 *    (`Store.eventTransaction`: WAL, no fsync) and commits together or not at all. Work started
 *    inside a batch (an event raised while another is processed, a batch opened inside a batch)
 *    joins it.
 * 2. Pop-ups wait for the commit. A pop-up raised inside a batch reaches the notifier only after
 *    the batch committed: a kill before the commit replays its events, which must not have been
 *    shown. Delivery goes further: it decides which pop-ups show (coalescing) only after the
 *    commit, so a batch that rolls back leaves no pop-up state behind.
 * 3. A failed batch is dropped and replayed. When the transaction throws, nothing it wrote stays
 *    (`lastSeq` included), its pop-ups are reported as not shown without reaching the notifier,
 *    and the error reaches whoever ran it. The connection then holds the batch and retries it
 *    (rule 7), or for any other failure drops the link, and the service replays everything
 *    after the `lastSeq` that rolled back.
 * 4. One pop-up in flight. Pop-ups reach the notifier one at a time, in order, from every batch
 *    and from outside any: the next only a turn of the event loop after the previous one settled
 *    (delivery records its result as that settles) and after held marks were written
 *    (`events.flushMarks()`; a pop-up standing for thousands of events has its marks written a
 *    slice per turn, `events.markNotifiedInTurns`, and the next waits for the last slice). A kill therefore leaves at most one pop-up shown but not marked;
 *    the next start raises it again (`pendingNotifications`). A `replace` or `close` (a call
 *    answered, missed, a group grown) follows the same rules as `show`: raised inside a batch it
 *    waits for the commit (never for a batch that rolled back), and it takes its place in the same
 *    queue, so it never overtakes a `show` raised before it.
 * 5. Marks are written together. `events.markNotified` outside a transaction is held and written
 *    with the other marks of the same microtask run in one transaction, and before any read of
 *    marks and at `close()` (store/repositories/processed-events.ts); inside a batch it joins
 *    the batch's transaction.
 * 6. After the commit. Work that must not run before a batch is committed is handed to
 *    `afterCommit`: it runs once the batch committed, in order, and never for a batch that rolled
 *    back. Pop-ups are released this way, and so is everything in-memory that a retry must find
 *    untouched (delivery's coalescing, settings pushed over the socket, a test notification).
 *    An event id counts as seen only once its batch committed: the one check of "seen" is the
 *    store's (`events.has`), which a rolled-back batch leaves as it was, so its replay or retry
 *    is processed, never dropped as a duplicate. Decisions reach their listeners (stdout,
 *    `--json`, the Activity feed, IPC) only after their batch committed, and, when they owe a
 *    pop-up, once its result is recorded: what they say comes from records.
 * 7. A failed write holds, never skips. A write the disk refuses (`SQLITE_FULL`, `SQLITE_IOERR`,
 *    `SQLITE_BUSY`/`SQLITE_LOCKED` past the busy timeout: `writeFailureCause`) is not the
 *    event's fault: the whole batch rolls back, `lastSeq` stays before it, and the connection's
 *    `ArrivalQueue` holds it, with whatever arrives after it, and tries it again with backoff
 *    (1 s doubling to 30 s); when a write succeeds, what was held is processed in order. Nothing
 *    is recorded as decided-with-nothing for it (the pipeline gives up only on events that fail
 *    by themselves). `EventBatches.health` says why in words, one notice per cause, gone once a
 *    batch commits.
 * 8. Only the signed-in user's events. An event for another user is refused, counted and
 *    logged, never recorded or shown, and does not move `lastSeq` (the pipeline).
 *
 * Batches run synchronously (better-sqlite3 is synchronous), so two never interleave.
 */

/** Most messages in one batch (a replay: many, one commit each): 200 keeps one near 10–30 ms. */
export const maximumBatchSize = 200;

/**
 * What runs a unit of work as one batch (rules 1–3) and defers work to its commit (rule 6):
 * `EventBatches` in the product.
 */
export interface BatchRunner {
  run<Result>(work: () => Result): Result;
  afterCommit(action: () => void, onRollback?: () => void): void;
}

/** Why a write failed when it is the disk's or the database's fault, not the event's (rule 7). */
export type WriteFailureCause = 'diskFull' | 'storageError' | 'storageLocked';

/** What each cause says to the person, as a health notice. */
export const writeFailureNotices: Record<WriteFailureCause, string> = {
  diskFull: 'The disk is full: alerts are held until space is freed',
  storageError: 'The disk cannot be written (an I/O error): alerts are held until it can',
  storageLocked:
    'Another program keeps the alert database locked: alerts are held until it lets go',
};

/**
 * The cause of a write failure (better-sqlite3 errors carry SQLite's code, extended codes
 * included: `SQLITE_IOERR_WRITE`), or null for any other error.
 */
export function writeFailureCause(error: unknown): WriteFailureCause | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL') return 'diskFull';
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|NOMEM)/u.test(code)) return 'storageError';
  if (/^SQLITE_(BUSY|LOCKED)/u.test(code)) return 'storageLocked';
  return null;
}

/** Rethrows a write failure (it must abort the batch, rule 7); anything else is the caller's. */
export function rethrowWriteFailure(error: unknown): void {
  if (writeFailureCause(error) !== null) throw error;
}

/** What a batch needs from the store. */
export type BatchStore = Pick<Store, 'eventTransaction'> & {
  readonly events: Pick<Store['events'], 'flushMarks' | 'writingMarks'>;
};

export interface EventBatchesOptions {
  store: BatchStore;
  /** The real notifier; delivery is given `EventBatches.notifier` instead. */
  notifier: NotifierPort;
  /** One line per cause of failing writes, and one when writes succeed again. */
  logger: Logger;
}

interface OpenBatch {
  readonly committed: Array<() => void>;
  readonly rolledBack: Array<() => void>;
}

/** One call to the notifier waiting its turn (rule 4). */
type Popup =
  | { kind: 'show'; content: PopupContent; resolve: (result: PopupResult) => void }
  | {
      kind: 'replace';
      handle: PopupHandle;
      content: PopupContent;
      resolve: (result: PopupResult) => void;
    }
  | { kind: 'close'; handle: PopupHandle; resolve: (result: PopupResult) => void };

const notRecorded = 'The batch that raised it was not recorded';

/**
 * Runs batches (rules 1–3 and 6) and stands between delivery and the notifier (rules 2 and 4).
 * One per session, over its store.
 */
export class EventBatches implements BatchRunner {
  /** The notifier delivery uses: pop-ups through it follow rules 2 and 4. */
  readonly notifier: NotifierPort;
  readonly #store: BatchStore;
  readonly #inner: NotifierPort;
  readonly #waiting: Popup[] = [];
  readonly #logger: Logger;
  readonly #health = new ObservableValue<HealthNotice[]>([]);
  #open: OpenBatch | null = null;
  #releasing = false;

  constructor(options: EventBatchesOptions) {
    this.#store = options.store;
    this.#inner = options.notifier;
    this.#logger = options.logger;
    this.notifier = passThroughNotifier(this.#inner, {
      show: (content) => this.#queue((resolve) => ({ kind: 'show', content, resolve })),
      replace: (handle, content) =>
        this.#queue((resolve) => ({ kind: 'replace', handle, content, resolve })),
      close: (handle) =>
        this.#queue((resolve) => ({ kind: 'close', handle, resolve })).then(() => undefined),
    });
  }

  /** Why writes fail now, one notice per cause (rule 7); empty once a batch commits. */
  get health(): Observable<HealthNotice[]> {
    return this.#health;
  }

  /**
   * Runs `work` as one batch: one event transaction; what it defers with `afterCommit` (its
   * pop-ups) runs after the commit. When the transaction throws, the deferred work is dropped and
   * the error is thrown on. Inside a batch, `work` simply joins it.
   */
  run<Result>(work: () => Result): Result {
    if (this.#open) return work();
    const batch: OpenBatch = { committed: [], rolledBack: [] };
    this.#open = batch;
    let result: Result;
    try {
      result = this.#store.eventTransaction(work);
    } catch (error) {
      this.#open = null;
      for (const action of batch.rolledBack) action();
      this.#writeFailed(error);
      throw error;
    }
    this.#open = null;
    if (this.#health.get().length > 0) {
      this.#logger.info('Alerts are written again: what was held is processed in order');
      this.#health.set([]);
    }
    for (const action of batch.committed) action();
    return result;
  }

  /** Whether a batch is open now (work started here joins it). */
  get open(): boolean {
    return this.#open !== null;
  }

  #writeFailed(error: unknown): void {
    const cause = writeFailureCause(error);
    if (cause === null) return;
    const notices = this.#health.get();
    if (notices.some((notice) => notice.code === cause)) return;
    const message = writeFailureNotices[cause];
    this.#logger.error(message, { error: error instanceof Error ? error.message : String(error) });
    this.#health.set([...notices, { code: cause, message }]);
  }

  /**
   * Runs `action` once the open batch committed (at once when none is open), or `onRollback`
   * instead when it rolls back. Neither may throw: they run after the outcome is settled.
   */
  afterCommit(action: () => void, onRollback?: () => void): void {
    const batch = this.#open;
    if (!batch) {
      action();
      return;
    }
    batch.committed.push(action);
    if (onRollback) batch.rolledBack.push(onRollback);
  }

  /** Rules 2 and 4: queued once the batch committed, answered "not shown" when it rolls back. */
  #queue(make: (resolve: (result: PopupResult) => void) => Popup): Promise<PopupResult> {
    return new Promise((resolve) => {
      const popup = make(resolve);
      this.afterCommit(
        () => {
          this.#waiting.push(popup);
          if (!this.#releasing) this.#releaseNext();
        },
        () => resolve({ shown: false, reason: notRecorded }),
      );
    });
  }

  /** Rule 4: one pop-up in flight; the next after a turn and after the marks are written. */
  #releaseNext(): void {
    if (this.#waiting.length === 0) {
      this.#releasing = false;
      return;
    }
    this.#releasing = true;
    if (this.#store.events.writingMarks) {
      // A large pop-up's marks are written a slice per turn (`markNotifiedInTurns`): wait for
      // them a turn at a time rather than write the rest at once and hold the loop.
      setImmediate(() => this.#releaseNext());
      return;
    }
    const popup = this.#waiting.shift();
    if (!popup) return;
    this.#store.events.flushMarks();
    let shown: Promise<PopupResult>;
    try {
      shown = this.#hand(popup);
    } catch (error) {
      shown = Promise.resolve({ shown: false, reason: String(error) });
    }
    void shown
      .catch((error: unknown): PopupResult => ({ shown: false, reason: String(error) }))
      .then((result) => {
        popup.resolve(result);
        // Delivery marks this pop-up in the continuation of `resolve` (microtasks): a turn of
        // the event loop later, that has run.
        setImmediate(() => this.#releaseNext());
      });
  }

  #hand(popup: Popup): Promise<PopupResult> {
    switch (popup.kind) {
      case 'show':
        return this.#inner.show(popup.content);
      case 'replace':
        return this.#inner.replace(popup.handle, popup.content);
      case 'close':
        return this.#inner
          .close(popup.handle)
          .then((): PopupResult => ({ shown: true, handle: popup.handle }));
    }
  }
}

/** How the arrival queue waits before trying a held batch again (rule 7). */
export interface ArrivalQueueOptions {
  clock: Clock;
  /** The first wait; it doubles per failed attempt up to `maximumRetryMilliseconds`. */
  initialRetryMilliseconds?: number;
  maximumRetryMilliseconds?: number;
  /**
   * The most items kept in memory while a batch is held. Past it `onOverflow` is called once
   * per hold: the connection drops the link, which clears the queue (what was held is after
   * `lastSeq`, so the replay brings it back).
   */
  maximumHeld?: number;
  onOverflow?: () => void;
}

/**
 * What "arrived together" means (rule 1): items pushed before the event loop turns are handed
 * to `handle` as one batch, in order, at most `maximumBatchSize` at a time (the rest follow a
 * turn later). The connection owns one for its validated messages.
 *
 * When `handle` throws, the batch was not recorded (rule 7): it is held at the front of the
 * queue, everything that arrives later waits behind it, and it is handed on again after a
 * backoff on the clock, until it goes through; then the rest follow in order.
 */
export class ArrivalQueue<Item> {
  readonly #items: Item[] = [];
  readonly #handle: (batch: Item[]) => void;
  readonly #options: ArrivalQueueOptions;
  #scheduled = false;
  #failures = 0;
  #retryTimer: TimerHandle | null = null;
  #overflowed = false;

  constructor(handle: (batch: Item[]) => void, options: ArrivalQueueOptions) {
    this.#handle = handle;
    this.#options = options;
  }

  /** A batch is held after a failed write, waiting for its next attempt. */
  get holding(): boolean {
    return this.#retryTimer !== null;
  }

  push(item: Item): void {
    this.#items.push(item);
    if (this.holding) {
      const limit = this.#options.maximumHeld ?? 20_000;
      if (this.#items.length > limit && !this.#overflowed) {
        this.#overflowed = true;
        this.#options.onOverflow?.();
      }
      return;
    }
    this.#schedule();
  }

  /**
   * Forgets what was not handed on yet (the link dropped: the replay brings it back). A held
   * batch is forgotten too; the wait before the next attempt stays, so a failing disk is not
   * hammered by reconnects.
   */
  clear(): void {
    this.#items.length = 0;
  }

  /** Forgets everything and stops waiting (the connection closed for good). */
  close(): void {
    this.clear();
    if (this.#retryTimer) this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #schedule(): void {
    if (this.#scheduled || this.holding || this.#items.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.holding) return;
      const batch = this.#items.splice(0, maximumBatchSize);
      try {
        if (batch.length > 0) this.#handle(batch);
        this.#failures = 0;
      } catch {
        this.#hold(batch);
      } finally {
        this.#schedule();
      }
    });
  }

  #hold(batch: Item[]): void {
    this.#items.unshift(...batch);
    this.#failures += 1;
    this.#overflowed = false;
    const first = this.#options.initialRetryMilliseconds ?? 1_000;
    const most = this.#options.maximumRetryMilliseconds ?? 30_000;
    const delay = Math.min(most, first * 2 ** Math.min(this.#failures - 1, 20));
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = null;
      this.#schedule();
    }, delay);
  }
}
