import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { AlertEvent, Decision, ServiceEvent } from '../../../../common';
import type { ProcessedEventRepository, RecordedDecision } from './index';
import { parseJson, type Row } from './rows';

/** Decided events, the `lastSeq` cursor, and which pop-ups are done (`processed_events`). */
export class SqliteProcessedEvents implements ProcessedEventRepository {
  readonly #db: Database;
  readonly #lastSeq: Statement;
  readonly #has: Statement;
  readonly #insert: Statement;
  readonly #advance: Statement;
  readonly #markNotified: Statement;
  readonly #pending: Statement;
  readonly #recent: Statement;
  /** `recordDecisions` as one transaction (a savepoint when nested). */
  readonly #recordAll: Transaction<(items: readonly RecordedDecision[]) => boolean[]>;
  /** Marks many events with one time in one statement: the ids as a JSON array. */
  readonly #markMany: Statement;
  readonly #markAll: Transaction<(times: readonly number[], ids: readonly string[]) => void>;
  /** Marks not yet written: see `markNotified`. */
  readonly #pendingMarkIds: string[] = [];
  readonly #pendingMarkTimes: number[] = [];

  constructor(db: Database) {
    this.#db = db;
    this.#lastSeq = db.prepare('SELECT last_seq FROM event_cursor WHERE id = 1').pluck();
    this.#has = db.prepare('SELECT 1 FROM processed_events WHERE id = ?').pluck();
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO processed_events
         (id, seq, kind, event, decision, decided_at, wants_popup, notified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    // The cursor is the highest seq seen, not the highest contiguous one: see README.md.
    this.#advance = db.prepare('UPDATE event_cursor SET last_seq = MAX(last_seq, ?) WHERE id = 1');
    this.#markNotified = db.prepare('UPDATE processed_events SET notified_at = ? WHERE id = ?');
    this.#pending = db.prepare(
      `SELECT event, decision FROM processed_events
       WHERE wants_popup = 1 AND notified_at IS NULL ORDER BY decided_at, rowid`,
    );
    this.#recent = db.prepare(
      'SELECT event, decision, decided_at FROM processed_events ORDER BY decided_at DESC, rowid DESC LIMIT ?',
    );
    this.#recordAll = db.transaction((items: readonly RecordedDecision[]) =>
      items.map((item) => this.#recordNow(item.event, item.decision, item.decidedAt)),
    );
    this.#markMany = db.prepare(
      'UPDATE processed_events SET notified_at = ? WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.#markAll = db.transaction((times: readonly number[], ids: readonly string[]) => {
      // A coalesced pop-up marks thousands of events with one time: one statement per run of
      // equal times rather than one per event (a quarter less time in a burst).
      let start = 0;
      while (start < ids.length) {
        const notifiedAt = times[start] ?? 0;
        let end = start + 1;
        while (end < ids.length && times[end] === notifiedAt) end += 1;
        if (end - start === 1) this.#markNotified.run(notifiedAt, ids[start]);
        else this.#markMany.run(notifiedAt, JSON.stringify(ids.slice(start, end)));
        start = end;
      }
    });
  }

  lastSeq(): number {
    return Number(this.#lastSeq.get() ?? 0);
  }

  has(eventId: string): boolean {
    return this.#has.get(eventId) !== undefined;
  }

  /**
   * Alone, the insert and the cursor advance are one transaction. Inside one (an event batch)
   * they run directly: a nested better-sqlite3 transaction is a SAVEPOINT and a RELEASE per
   * event, and the order (insert, then advance) already keeps the cursor from ever passing an
   * event that was not inserted. Default (NORMAL) durability: see README.md — a power loss rolls
   * the cursor back together with the decision, and the service replays from there.
   */
  recordDecision(event: AlertEvent | ServiceEvent, decision: Decision, decidedAt: number): boolean {
    if (this.#db.inTransaction) return this.#recordNow(event, decision, decidedAt);
    return this.#recordAll([{ event, decision, decidedAt }])[0] ?? false;
  }

  /** One item is `recordDecision` (no savepoint inside a batch); more share one (sub)transaction. */
  recordDecisions(items: readonly RecordedDecision[]): boolean[] {
    if (items.length > 1) return this.#recordAll(items);
    const [only] = items;
    return only ? [this.recordDecision(only.event, only.decision, only.decidedAt)] : [];
  }

  /**
   * Insert, then advance: when the advance fails after the insert, the cursor stays behind (the
   * event is replayed and dropped as a duplicate), never ahead of an event not recorded.
   */
  #recordNow(event: AlertEvent | ServiceEvent, decision: Decision, decidedAt: number): boolean {
    const seq = 'seq' in event ? event.seq : null;
    let wantsPopup = 0;
    for (const delivery of decision.deliveries) {
      if (delivery.channel === 'desktop') {
        wantsPopup = 1;
        break;
      }
    }
    const inserted = this.#insert.run(
      event.id,
      seq,
      event.kind,
      JSON.stringify(event),
      JSON.stringify(decision),
      decidedAt,
      wantsPopup,
    );
    if (inserted.changes === 0) return false;
    if (seq !== null) this.#advance.run(seq);
    return true;
  }

  /**
   * Marks written together at the end of the current microtask run, in one transaction: a
   * coalesced pop-up marks every event it stands for (thousands in a burst), and one commit each
   * cost a fifth of the event path's time. The event batch writes them before it hands the next
   * pop-up to the notifier (`flushMarks`, rule 4 in main/core/event-batch.ts). Inside a
   * transaction the mark joins it at once.
   */
  markNotified(eventId: string, notifiedAt: number): void {
    if (this.#db.inTransaction) {
      this.#markNotified.run(notifiedAt, eventId);
      return;
    }
    this.#pendingMarkIds.push(eventId);
    this.#pendingMarkTimes.push(notifiedAt);
    if (this.#pendingMarkIds.length === 1) queueMicrotask(() => this.flushMarks());
  }

  flushMarks(): void {
    if (this.#pendingMarkIds.length === 0 || !this.#db.open) return;
    const ids = this.#pendingMarkIds.splice(0);
    const times = this.#pendingMarkTimes.splice(0);
    try {
      this.#markAll(times, ids);
    } catch {
      // Unmarked pop-ups are raised again at the next start (`pendingNotifications`): the same
      // recovery as a kill between the pop-up and its mark. A failing disk fails the next
      // event transaction loudly; this runs outside any caller that could report it.
    }
  }

  pendingNotifications(): Array<{ event: AlertEvent; decision: Decision }> {
    this.flushMarks();
    return (this.#pending.all() as Row[]).map((row) => ({
      event: parseJson(row.event) as AlertEvent,
      decision: parseJson(row.decision) as Decision,
    }));
  }

  recent(limit: number): Array<{ event: AlertEvent; decision: Decision; decidedAt: number }> {
    return (this.#recent.all(limit) as Row[]).map((row) => ({
      event: parseJson(row.event) as AlertEvent,
      decision: parseJson(row.decision) as Decision,
      decidedAt: Number(row.decided_at),
    }));
  }
}
