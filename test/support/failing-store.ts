import BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../../main/core/store';

/** The failures a test can ask of the store's event transaction. */
export type WriteFaultCode = 'SQLITE_FULL' | 'SQLITE_IOERR_WRITE' | 'SQLITE_BUSY';

/**
 * The real store with faults a test can switch on, as better-sqlite3 throws them for a full
 * disk, an I/O error or a database locked past its timeout:
 *
 * - at the commit (`failNext`, `failUntilCleared`): the event transaction (the batch's,
 *   main/core/event-batch.ts) runs the work, then throws, so SQLite rolls everything back — the
 *   worst moment, after every write of the batch was made;
 * - at a write (`failNextWrite`): the next `events.recordDecision` throws inside the batch, as a
 *   statement does when the disk fills mid-batch; whoever catches it must not swallow it.
 *
 * Once, a number of times, or until `clear()`. Passed to the core through its storage port
 * (`CompanionOptions.openStore`); a fault through a port, not a module mock.
 */
export class FailingStore implements Store {
  readonly path: string;
  readonly events: Store['events'];
  readonly notifications: Store['notifications'];
  readonly reminderStates: Store['reminderStates'];
  readonly preferences: Store['preferences'];
  readonly outbox: Store['outbox'];
  readonly history: Store['history'];
  readonly meta: Store['meta'];
  readonly retention: Store['retention'];
  readonly wal: Store['wal'];
  /** Event transactions committed, and failed on purpose. */
  commits = 0;
  failures = 0;
  readonly #commitListeners = new Set<() => void>();
  readonly #inner: Store;
  #code: WriteFaultCode = 'SQLITE_FULL';
  /** How many more transactions fail: a number, or Infinity until `clear()`. */
  #remaining = 0;
  #depth = 0;
  #writeCode: WriteFaultCode = 'SQLITE_FULL';
  #writesFailing = 0;

  constructor(inner: Store) {
    this.#inner = inner;
    this.path = inner.path;
    const events = inner.events;
    this.events = {
      lastSeq: () => events.lastSeq(),
      epoch: () => events.epoch(),
      startEpoch: (epoch, lastSeq) => events.startEpoch(epoch, lastSeq),
      has: (eventId) => events.has(eventId),
      recordDecision: (event, decision, decidedAt) => {
        if (this.#writesFailing > 0) {
          this.#writesFailing -= 1;
          this.failures += 1;
          throw new BetterSqlite3.SqliteError(messages[this.#writeCode], this.#writeCode);
        }
        return events.recordDecision(event, decision, decidedAt);
      },
      adoptServiceCopy: (event) => events.adoptServiceCopy(event),
      updateOutcome: (eventId, seq, outcome) => events.updateOutcome(eventId, seq, outcome),
      markNotified: (eventId, notifiedAt, popup) => events.markNotified(eventId, notifiedAt, popup),
      flushMarks: () => events.flushMarks(),
      markNotifiedInTurns: (eventIds, notifiedAt, popup, written) =>
        events.markNotifiedInTurns(eventIds, notifiedAt, popup, written),
      get writingMarks() {
        return events.writingMarks;
      },
      pendingNotifications: () => events.pendingNotifications(),
      get: (eventId) => events.get(eventId),
      getMany: (eventIds) => events.getMany(eventIds),
      recent: (limit) => events.recent(limit),
      callEvents: (callId) => events.callEvents(callId),
      unstoppedCalls: (instant) => events.unstoppedCalls(instant),
    };
    this.notifications = inner.notifications;
    this.reminderStates = inner.reminderStates;
    this.preferences = inner.preferences;
    this.outbox = inner.outbox;
    this.history = inner.history;
    this.meta = inner.meta;
    this.retention = inner.retention;
    this.wal = inner.wal;
  }

  /** The next `times` event transactions fail with `code`. */
  failNext(code: WriteFaultCode = 'SQLITE_FULL', times = 1): void {
    this.#code = code;
    this.#remaining = times;
  }

  /** The next `times` decisions recorded fail with `code`, inside their batch. */
  failNextWrite(code: WriteFaultCode = 'SQLITE_FULL', times = 1): void {
    this.#writeCode = code;
    this.#writesFailing = times;
  }

  /** Every event transaction fails with `code` until `clear()`. */
  failUntilCleared(code: WriteFaultCode = 'SQLITE_FULL'): void {
    this.failNext(code, Infinity);
  }

  clear(): void {
    this.#remaining = 0;
    this.#writesFailing = 0;
  }

  /** Runs `listener` after each event transaction commits (checks of what is on disk now). */
  afterEachCommit(listener: () => void): void {
    this.#commitListeners.add(listener);
  }

  eventTransaction<Result>(work: () => Result): Result {
    // A nested call joins the outer transaction: only the outermost one commits or fails.
    if (this.#depth > 0) return work();
    this.#depth += 1;
    try {
      const result = this.#inner.eventTransaction(() => {
        const value = work();
        if (this.#remaining > 0) {
          this.#remaining -= 1;
          this.failures += 1;
          throw new BetterSqlite3.SqliteError(messages[this.#code], this.#code);
        }
        return value;
      });
      this.commits += 1;
      for (const listener of this.#commitListeners) listener();
      return result;
    } finally {
      this.#depth -= 1;
    }
  }

  transaction<Result>(work: () => Result): Result {
    return this.#inner.transaction(work);
  }

  integrityCheck(): string {
    return this.#inner.integrityCheck();
  }

  close(): void {
    this.#inner.close();
  }
}

const messages: Record<WriteFaultCode, string> = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_IOERR_WRITE: 'disk I/O error',
  SQLITE_BUSY: 'database is locked',
};
