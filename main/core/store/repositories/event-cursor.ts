import type { Database, Statement } from 'better-sqlite3';
import { nullableText } from './rows';

/**
 * The `lastSeq` cursor and the data epoch it belongs to (`event_cursor`), for
 * `SqliteProcessedEvents`. The cursor is the highest seq recorded, not the highest contiguous one
 * (README.md). Inside an event transaction it is written once, as the transaction's last write
 * (`defer` … `write`), not with an `UPDATE` per event (a tenth of recording an event in a burst):
 * in the same commit as the records either way, and rolled back with them.
 */
export class EventCursor {
  readonly #lastSeq: Statement;
  readonly #epoch: Statement;
  readonly #startEpoch: Statement;
  readonly #advance: Statement;
  #deferred = false;
  /** The highest seq recorded in the open event transaction, not written yet. */
  #pending: number | null = null;

  constructor(db: Database) {
    this.#lastSeq = db.prepare('SELECT last_seq FROM event_cursor WHERE id = 1').pluck();
    this.#epoch = db.prepare('SELECT epoch FROM event_cursor WHERE id = 1').pluck();
    // The pruned watermark is a seq of the epoch it was pruned in: a new epoch starts it over.
    this.#startEpoch = db.prepare(
      `UPDATE event_cursor SET
         pruned_through_seq = CASE WHEN epoch IS ? THEN pruned_through_seq ELSE 0 END,
         epoch = ?, last_seq = ?
       WHERE id = 1`,
    );
    this.#advance = db.prepare('UPDATE event_cursor SET last_seq = MAX(last_seq, ?) WHERE id = 1');
  }

  /** What is recorded, the open transaction's events included. */
  lastSeq(): number {
    const stored = Number(this.#lastSeq.get() ?? 0);
    return this.#pending === null ? stored : Math.max(stored, this.#pending);
  }

  epoch(): string | null {
    return nullableText(this.#epoch.get());
  }

  /** Sets both outright (down as well): what was recorded before it is written first. */
  startEpoch(epoch: string, lastSeq: number): void {
    this.#writePending();
    this.#startEpoch.run(epoch, epoch, lastSeq);
  }

  /** Moves the cursor up to `seq` (never down): now, or at `write` inside an event transaction. */
  advance(seq: number): void {
    if (!this.#deferred) this.#advance.run(seq);
    else if (this.#pending === null || seq > this.#pending) this.#pending = seq;
  }

  /** An event transaction starts: advances wait for `write`. */
  defer(): void {
    this.#deferred = true;
    this.#pending = null;
  }

  /**
   * The event transaction's work is over, inside it: the highest seq is written when `commit`
   * (the work returned), forgotten when it threw.
   */
  write(commit: boolean): void {
    try {
      if (commit) this.#writePending();
    } finally {
      this.#deferred = false;
      this.#pending = null;
    }
  }

  #writePending(): void {
    if (this.#pending === null) return;
    this.#advance.run(this.#pending);
    this.#pending = null;
  }
}
