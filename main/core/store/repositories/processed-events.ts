import { performance } from 'node:perf_hooks';
import { sliceDeadline } from '../../turn-budget';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type {
  AlertEvent,
  Decision,
  EventOfKind,
  PopupRecord,
  PushedEvent,
  ServiceEvent,
  ServiceOutcome,
} from '../../../../common';
import type { IncomingEvent, ProcessedEventRepository, RecordedEvent } from './index';
import { EventCursor } from './event-cursor';
import { parseJson, type Row } from './rows';
import { recordedOf, selectRecorded, split } from './recorded-events';
import { UnstoppedCalls } from './unstopped-calls';

/**
 * Marks of one large pop-up written in the first turn of the event loop; later turns write as
 * many as fit `markTurnMilliseconds` at the pace the last turn measured (a row costs 3 µs on a
 * quiet machine, ten times that on a busy one).
 */
export const marksPerTurn = 500;
/** The most marks one later turn writes, however fast the last one went. */
export const mostMarksPerTurn = 20_000;
const markTurnMilliseconds = 8;

/** One `markNotifiedInTurns` call, written from `next` on. */
interface MarkJob {
  readonly ids: readonly string[];
  next: number;
  readonly notifiedAt: number;
  readonly record: string;
  readonly written: (eventIds: readonly string[] | null) => void;
}

/**
 * Decided events, the `lastSeq` cursor and its data epoch, the service's outcomes and what
 * became of each pop-up (`processed_events`, `event_cursor`).
 */
export class SqliteProcessedEvents implements ProcessedEventRepository {
  readonly #db: Database;
  /** `lastSeq` and its epoch; written once per event transaction. */
  readonly cursor: EventCursor;
  readonly #has: Statement;
  readonly #insert: Statement;
  readonly #adopt: Statement;
  readonly #updateOutcome: Statement;
  readonly #markNotified: Statement;
  readonly #pending: Statement;
  readonly #get: Statement;
  /** `#get` for many ids in one statement: the ids as a JSON array (a third of the time). */
  readonly #getMany: Statement;
  readonly #recent: Statement;
  readonly #callEvents: Statement;
  readonly #unstoppedCalls: UnstoppedCalls;
  /** `recordDecision` alone, as one transaction. */
  readonly #recordAlone: Transaction<
    (event: IncomingEvent, decision: Decision, at: number) => boolean
  >;
  readonly #adoptAlone: Transaction<(event: ServiceEvent | PushedEvent) => boolean>;
  /** Marks many events with one time and record in one statement: the ids as a JSON array. */
  readonly #markMany: Statement;
  /**
   * `#markMany` for a pop-up that stands for thousands (`markNotifiedInTurns`): a small row per
   * event in `popup_marks` (migration 0009) instead of rewriting each whole record.
   */
  readonly #markLarge: Statement;
  readonly #markAll: Transaction<
    (times: readonly number[], popups: readonly string[], ids: readonly string[]) => void
  >;
  /** Marks not yet written: see `markNotified`. */
  readonly #pendingMarkIds: string[] = [];
  readonly #pendingMarkTimes: number[] = [];
  readonly #pendingMarkPopups: string[] = [];
  /** Large marks written a slice per turn: see `markNotifiedInTurns`. */
  readonly #markJobs: MarkJob[] = [];
  #markTurnScheduled = false;
  #marksThisTurn = marksPerTurn;

  constructor(db: Database) {
    this.#db = db;
    this.cursor = new EventCursor(db);
    this.#has = db.prepare('SELECT 1 FROM processed_events WHERE id = ?').pluck();
    this.#insert = db.prepare(
      // A service event at or below the pruned watermark is a repeat whose record retention
      // pruned (store/retention.ts): ignored as a recorded id is.
      `INSERT OR IGNORE INTO processed_events
         (id, seq, kind, event, decision, decided_at, wants_popup, notified_at, outcome)
       SELECT ?, ?, ?, ?, ?, ?, ?, NULL, ?
       WHERE ? IS NULL OR ? > (SELECT pruned_through_seq FROM event_cursor WHERE id = 1)`,
    );
    this.#adopt = db.prepare(
      'UPDATE processed_events SET seq = ?, outcome = ? WHERE id = ? AND seq IS NULL',
    );
    this.#updateOutcome = db.prepare(
      'UPDATE processed_events SET outcome = ? WHERE id = ? AND seq = ?',
    );
    this.#markNotified = db.prepare(
      'UPDATE processed_events SET notified_at = ?, popup = ? WHERE id = ?',
    );
    this.#pending = db.prepare(
      `SELECT event, decision FROM processed_events p
       WHERE wants_popup = 1 AND notified_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM popup_marks m WHERE m.event_id = p.id)
       ORDER BY decided_at, rowid`,
    );
    this.#get = db.prepare(`${selectRecorded} WHERE p.id = ?`);
    this.#getMany = db.prepare(`${selectRecorded} WHERE p.id IN (SELECT value FROM json_each(?))`);
    this.#recent = db.prepare(`${selectRecorded} ORDER BY p.decided_at DESC, p.rowid DESC LIMIT ?`);
    // The same expression and condition as the index of migration 0005, so it is used.
    this.#callEvents = db
      .prepare(
        `SELECT event FROM processed_events
         WHERE kind = 'call' AND json_extract(event, '$.callId') = ? ORDER BY rowid`,
      )
      .pluck();
    this.#unstoppedCalls = new UnstoppedCalls(db);
    this.#recordAlone = db.transaction((event: IncomingEvent, decision: Decision, at: number) =>
      this.#recordNow(event, decision, at),
    );
    this.#adoptAlone = db.transaction((event: ServiceEvent | PushedEvent) => this.#adoptNow(event));
    this.#markMany = db.prepare(
      `UPDATE processed_events SET notified_at = ?, popup = ?
       WHERE id IN (SELECT value FROM json_each(?))`,
    );
    // Only recorded events are marked, as the UPDATE marks only rows that exist.
    this.#markLarge = db.prepare(
      `INSERT INTO popup_marks (event_id, notified_at, popup)
       SELECT p.id, ?, ? FROM json_each(?) j JOIN processed_events p ON p.id = j.value WHERE true
       ON CONFLICT (event_id) DO UPDATE SET notified_at = excluded.notified_at, popup = excluded.popup`,
    );
    this.#markAll = db.transaction(
      (times: readonly number[], popups: readonly string[], ids: readonly string[]) => {
        // A coalesced pop-up marks thousands of events with one time and record: one statement
        // per run of equal marks rather than one per event (a quarter less time in a burst).
        let start = 0;
        while (start < ids.length) {
          const notifiedAt = times[start] ?? 0;
          const popup = popups[start] ?? null;
          let end = start + 1;
          while (end < ids.length && times[end] === notifiedAt && popups[end] === popup) end += 1;
          if (end - start === 1) this.#markNotified.run(notifiedAt, popup, ids[start]);
          else this.#markMany.run(notifiedAt, popup, JSON.stringify(ids.slice(start, end)));
          start = end;
        }
      },
    );
  }

  lastSeq(): number {
    return this.cursor.lastSeq();
  }

  epoch(): string | null {
    return this.cursor.epoch();
  }

  startEpoch(epoch: string, lastSeq: number): void {
    this.cursor.startEpoch(epoch, lastSeq);
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
  recordDecision(event: IncomingEvent, decision: Decision, decidedAt: number): boolean {
    if (this.#db.inTransaction) return this.#recordNow(event, decision, decidedAt);
    return this.#recordAlone(event, decision, decidedAt);
  }

  adoptServiceCopy(event: ServiceEvent | PushedEvent): boolean {
    if (this.#db.inTransaction) return this.#adoptNow(event);
    return this.#adoptAlone(event);
  }

  updateOutcome(eventId: string, seq: number, outcome: ServiceOutcome): boolean {
    return this.#updateOutcome.run(JSON.stringify(outcome), eventId, seq).changes > 0;
  }

  /**
   * Insert, then advance: when the advance fails after the insert, the cursor stays behind (the
   * event is replayed and dropped as a duplicate), never ahead of an event not recorded. Inside
   * an event transaction the advance is the transaction's last write (`EventCursor`).
   */
  #recordNow(event: IncomingEvent, decision: Decision, decidedAt: number): boolean {
    const seq = 'seq' in event ? event.seq : null;
    let wantsPopup = 0;
    for (const delivery of decision.deliveries) {
      if (delivery.channel === 'desktop') {
        wantsPopup = 1;
        break;
      }
    }
    const { body, outcome } = split(event);
    const inserted = this.#insert.run(
      event.id,
      seq,
      event.kind,
      JSON.stringify(body),
      JSON.stringify(decision),
      decidedAt,
      wantsPopup,
      outcome === null ? null : JSON.stringify(outcome),
      seq,
      seq,
    );
    if (inserted.changes === 0) return false;
    if (seq !== null) this.cursor.advance(seq);
    return true;
  }

  #adoptNow(event: ServiceEvent | PushedEvent): boolean {
    const { outcome } = split(event);
    const adopted = this.#adopt.run(
      event.seq,
      outcome === null ? null : JSON.stringify(outcome),
      event.id,
    );
    if (adopted.changes === 0) return false;
    this.cursor.advance(event.seq);
    return true;
  }

  /**
   * Marks written together at the end of the current microtask run, in one transaction: a
   * coalesced pop-up marks every event it stands for (thousands in a burst), and one commit each
   * cost a fifth of the event path's time. The event batch writes them before it hands the next
   * pop-up to the notifier (`flushMarks`, rule 4 in main/core/event-batch.ts). Inside a
   * transaction the mark joins it at once.
   */
  markNotified(eventId: string, notifiedAt: number, popup: PopupRecord): void {
    const record = JSON.stringify(popup);
    if (this.#db.inTransaction) {
      this.#markNotified.run(notifiedAt, record, eventId);
      return;
    }
    this.#pendingMarkIds.push(eventId);
    this.#pendingMarkTimes.push(notifiedAt);
    this.#pendingMarkPopups.push(record);
    if (this.#pendingMarkIds.length === 1) queueMicrotask(() => this.#flushHeldMarks());
  }

  markNotifiedInTurns(
    eventIds: readonly string[],
    notifiedAt: number,
    popup: PopupRecord,
    written: (eventIds: readonly string[] | null) => void,
  ): void {
    const record = JSON.stringify(popup);
    if (this.#db.inTransaction) {
      this.#markLarge.run(notifiedAt, record, JSON.stringify(eventIds));
      written(eventIds);
      return;
    }
    this.#markJobs.push({ ids: eventIds, next: 0, notifiedAt, record, written });
    this.#scheduleMarkTurn();
  }

  get writingMarks(): boolean {
    return this.#markJobs.length > 0;
  }

  #scheduleMarkTurn(): void {
    if (this.#markTurnScheduled || this.#markJobs.length === 0) return;
    this.#markTurnScheduled = true;
    setImmediate(() => {
      this.#markTurnScheduled = false;
      const job = this.#markJobs[0];
      if (!job) return;
      if (!this.#db.open) {
        this.#dropMarkJobs();
        return;
      }
      // The turn may be partly taken by other slices (the decisions told): what is left of it.
      const started = performance.now();
      const until = sliceDeadline(markTurnMilliseconds);
      const left = Math.min(markTurnMilliseconds, Math.max(0, until - started));
      const count = Math.max(50, Math.round((this.#marksThisTurn * left) / markTurnMilliseconds));
      const slice = job.ids.slice(job.next, job.next + count);
      try {
        this.#markLarge.run(job.notifiedAt, job.record, JSON.stringify(slice));
        const took = Math.max(0.1, performance.now() - started);
        const fit = Math.round((slice.length * markTurnMilliseconds) / took);
        this.#marksThisTurn = Math.min(mostMarksPerTurn, Math.max(50, fit));
      } catch {
        // As `flushMarks`: the rest of this pop-up's marks are dropped, raised again at the
        // next start; the caller hears null.
        this.#markJobs.shift();
        job.written(null);
        this.#scheduleMarkTurn();
        return;
      }
      job.next += slice.length;
      if (job.next >= job.ids.length) this.#markJobs.shift();
      job.written(slice);
      this.#scheduleMarkTurn();
    });
  }

  #dropMarkJobs(): void {
    for (const job of this.#markJobs.splice(0)) job.written(null);
  }

  flushMarks(): boolean {
    const jobs = this.#markJobs.length === 0 || this.#flushMarkJobs();
    return this.#flushHeldMarks() && jobs;
  }

  /** The marks `markNotified` holds (not the slices of `markNotifiedInTurns`). */
  #flushHeldMarks(): boolean {
    if (this.#pendingMarkIds.length === 0) return true;
    if (!this.#db.open) return false;
    const ids = this.#pendingMarkIds.splice(0);
    const times = this.#pendingMarkTimes.splice(0);
    const popups = this.#pendingMarkPopups.splice(0);
    try {
      this.#markAll(times, popups, ids);
      return true;
    } catch {
      // Unmarked pop-ups are raised again at the next start (`pendingNotifications`): the same
      // recovery as a kill between the pop-up and its mark. A failing disk fails the next
      // event transaction loudly; the caller that needs to know reads the answer.
      return false;
    }
  }

  /** Every slice `markNotifiedInTurns` still holds, at once (before a pop-up, a read, close). */
  #flushMarkJobs(): boolean {
    if (!this.#db.open) {
      this.#dropMarkJobs();
      return false;
    }
    const jobs = this.#markJobs.splice(0);
    try {
      this.#db.transaction(() => {
        for (const job of jobs) {
          this.#markLarge.run(job.notifiedAt, job.record, JSON.stringify(job.ids.slice(job.next)));
        }
      })();
    } catch {
      for (const job of jobs) job.written(null);
      return false;
    }
    for (const job of jobs) job.written(job.ids.slice(job.next));
    return true;
  }

  pendingNotifications(): Array<{ event: AlertEvent; decision: Decision }> {
    this.flushMarks();
    return (this.#pending.all() as Row[]).map((row) => ({
      event: parseJson(row.event) as AlertEvent,
      decision: parseJson(row.decision) as Decision,
    }));
  }

  get(eventId: string): RecordedEvent | null {
    const row = this.#get.get(eventId) as Row | undefined;
    return row ? recordedOf(row) : null;
  }

  getMany(eventIds: readonly string[]): Map<string, RecordedEvent> {
    const recorded = new Map<string, RecordedEvent>();
    if (eventIds.length === 0) return recorded;
    for (const row of this.#getMany.all(JSON.stringify(eventIds)) as Row[]) {
      recorded.set(String(row.id), recordedOf(row));
    }
    return recorded;
  }

  recent(limit: number): RecordedEvent[] {
    return (this.#recent.all(limit) as Row[]).map(recordedOf);
  }

  callEvents(callId: string): Array<EventOfKind<'call'>> {
    return this.#callEvents.all(callId).map((event) => parseJson(event) as EventOfKind<'call'>);
  }

  unstoppedCalls(instant: number): ReturnType<UnstoppedCalls['since']> {
    this.flushMarks();
    return this.#unstoppedCalls.since(instant);
  }
}
