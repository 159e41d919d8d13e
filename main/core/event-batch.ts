import { passThroughNotifier } from './notifier-helpers';
import type { NotifierPort, PopupContent, PopupResult } from './ports';
import type { Store } from './store/repositories';

/**
 * The event batch: the one place where the event path's timing is decided.
 *
 * A batch is the socket messages that arrived together: what the connection received before
 * the event loop turned (a lone event, a burst, a replay), at most `maximumBatchSize`
 * (`ArrivalQueue`). Work that starts outside any socket batch (a reminder coming due, raising
 * again the pop-ups owed from the last run) is a batch of its own. The rules:
 *
 * 1. One batch, one transaction. Everything a batch writes (decisions and `lastSeq`, in-app
 *    items, reminders, usage marks) goes into one event transaction (`Store.eventTransaction`:
 *    WAL, no fsync) and commits together or not at all. Work started inside a batch (an event a
 *    detector raises, a batch opened inside a batch) joins it.
 * 2. Pop-ups wait for the commit. A pop-up raised inside a batch reaches the notifier only after
 *    the batch committed: a kill before the commit replays its events, which must not have been
 *    shown.
 * 3. A failed batch is dropped and replayed. When the transaction throws, nothing it wrote stays
 *    (`lastSeq` included), its pop-ups are reported as not shown without reaching the notifier,
 *    and the error reaches whoever ran it: the connection then drops the link, and the service
 *    replays everything after the `lastSeq` that rolled back.
 * 4. One pop-up in flight. Pop-ups reach the notifier one at a time, in order, from every batch
 *    and from outside any: the next only a turn of the event loop after the previous one settled
 *    (delivery marks it notified as that settles) and after held marks were written
 *    (`events.flushMarks()`). A kill therefore leaves at most one pop-up shown but not marked;
 *    the next start raises it again (`pendingNotifications`).
 * 5. Marks are written together. `events.markNotified` outside a transaction is held and written
 *    with the other marks of the same microtask run in one transaction, and before any read of
 *    marks and at `close()` (store/repositories/processed-events.ts); inside a batch it joins
 *    the batch's transaction.
 * 6. After the commit. Work that must not run before a batch is committed is handed to
 *    `afterCommit`: it runs once the batch committed, in order, and never for a batch that rolled
 *    back. Pop-ups are released this way. (Issue 11 puts two more rules here: an event id counts
 *    as seen only once its batch committed, and decisions reach listeners only after their batch
 *    committed. Today the connection remembers ids as it dispatches them, so the replay of a
 *    batch that rolled back is dropped as already seen, and the pipeline tells listeners inside
 *    the batch.)
 *
 * Batches run synchronously (better-sqlite3 is synchronous), so two never interleave.
 */

/** Most messages in one batch: a replay of thousands is several batches, one commit each. */
export const maximumBatchSize = 500;

/** What runs a unit of work as one batch (rules 1–3): `EventBatches` in the product. */
export interface BatchRunner {
  run<Result>(work: () => Result): Result;
}

/** What a batch needs from the store. */
export type BatchStore = Pick<Store, 'eventTransaction'> & {
  readonly events: Pick<Store['events'], 'flushMarks'>;
};

export interface EventBatchesOptions {
  store: BatchStore;
  /** The real notifier; delivery is given `EventBatches.notifier` instead. */
  notifier: NotifierPort;
}

interface OpenBatch {
  readonly committed: Array<() => void>;
  readonly rolledBack: Array<() => void>;
}

interface Popup {
  content: PopupContent;
  resolve: (result: PopupResult) => void;
}

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
  #open: OpenBatch | null = null;
  #releasing = false;

  constructor(options: EventBatchesOptions) {
    this.#store = options.store;
    this.#inner = options.notifier;
    this.notifier = passThroughNotifier(this.#inner, { show: (content) => this.#show(content) });
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
      throw error;
    }
    this.#open = null;
    for (const action of batch.committed) action();
    return result;
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

  #show(content: PopupContent): Promise<PopupResult> {
    return new Promise((resolve) => {
      const popup: Popup = { content, resolve };
      this.afterCommit(
        () => {
          this.#waiting.push(popup);
          if (!this.#releasing) this.#releaseNext();
        },
        () => resolve({ shown: false, reason: 'The batch that raised it was not recorded' }),
      );
    });
  }

  /** Rule 4: one pop-up in flight; the next after a turn and after the marks are written. */
  #releaseNext(): void {
    const popup = this.#waiting.shift();
    if (!popup) {
      this.#releasing = false;
      return;
    }
    this.#releasing = true;
    this.#store.events.flushMarks();
    let shown: Promise<PopupResult>;
    try {
      shown = this.#inner.show(popup.content);
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
}

/**
 * What "arrived together" means (rule 1): items pushed before the event loop turns are handed
 * to `handle` as one batch, in order, at most `maximumBatchSize` at a time (the rest follow a
 * turn later). The connection owns one for its validated messages.
 */
export class ArrivalQueue<Item> {
  readonly #items: Item[] = [];
  readonly #handle: (batch: Item[]) => void;
  #scheduled = false;

  constructor(handle: (batch: Item[]) => void) {
    this.#handle = handle;
  }

  push(item: Item): void {
    this.#items.push(item);
    this.#schedule();
  }

  /** Forgets what was not handed on yet (the link dropped: the replay brings it back). */
  clear(): void {
    this.#items.length = 0;
  }

  #schedule(): void {
    if (this.#scheduled || this.#items.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batch = this.#items.splice(0, maximumBatchSize);
      try {
        if (batch.length > 0) this.#handle(batch);
      } finally {
        this.#schedule();
      }
    });
  }
}
