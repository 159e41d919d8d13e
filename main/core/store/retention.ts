import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { PruneResult, RetentionRule, StoreRetention } from './repositories';

/** Days of history kept whatever the count (the rule: this many days or `keepItems`, whichever is larger). */
const dayMilliseconds = 24 * 60 * 60 * 1000;

/**
 * The retention rule of the product: the last 90 days or the newest 50,000 rows, whichever
 * keeps more, for the in-app list and for the processed-event records each; pruned 500 rows at a
 * time (a few milliseconds: it never holds the event loop).
 */
export const defaultRetentionRule: RetentionRule = {
  keepDays: 90,
  keepItems: 50_000,
  batchSize: 500,
};

/**
 * Retention for the in-app list and the processed-event records (see README.md, "Retention").
 * Each `prune` is one small step in one event transaction: the oldest rows past the rule, never
 * an event whose pop-up is still owed, never the record holding `lastSeq`; the highest service
 * seq pruned raises `event_cursor.pruned_through_seq`, below which a service event counts as a
 * repeat (its record is gone, `recordDecision` ignores it).
 */
export class SqliteRetention implements StoreRetention {
  readonly #itemsBoundary: Statement;
  readonly #eventsBoundary: Statement;
  readonly #pruneItems: Statement;
  readonly #pruneEvents: Statement;
  readonly #raiseWatermark: Statement;
  readonly #step: Transaction<(now: number) => PruneResult>;

  constructor(
    db: Database,
    readonly rule: RetentionRule = defaultRetentionRule,
  ) {
    // The `keepItems`-th newest row's time: rows older than it are beyond the count.
    this.#itemsBoundary = db
      .prepare(
        'SELECT created_at FROM in_app_notifications ORDER BY created_at DESC LIMIT 1 OFFSET ?',
      )
      .pluck();
    this.#eventsBoundary = db
      .prepare('SELECT decided_at FROM processed_events ORDER BY decided_at DESC LIMIT 1 OFFSET ?')
      .pluck();
    this.#pruneItems = db.prepare(
      `DELETE FROM in_app_notifications WHERE rowid IN (
         SELECT rowid FROM in_app_notifications WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
    );
    this.#pruneEvents = db
      .prepare(
        `DELETE FROM processed_events WHERE rowid IN (
           SELECT rowid FROM processed_events
           WHERE decided_at < ?
             AND NOT (wants_popup = 1 AND notified_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM popup_marks m WHERE m.event_id = processed_events.id))
             AND (seq IS NULL OR seq < (SELECT last_seq FROM event_cursor WHERE id = 1))
           ORDER BY decided_at LIMIT ?)
         RETURNING seq`,
      )
      .pluck();
    this.#raiseWatermark = db.prepare(
      'UPDATE event_cursor SET pruned_through_seq = MAX(pruned_through_seq, ?) WHERE id = 1',
    );
    this.#step = db.transaction((now: number) => this.#pruneNow(now));
  }

  prune(now: number): PruneResult {
    return this.#step.immediate(now);
  }

  #pruneNow(now: number): PruneResult {
    const { keepDays, keepItems, batchSize } = this.rule;
    const byAge = now - keepDays * dayMilliseconds;
    const itemsBoundary = this.#itemsBoundary.get(keepItems - 1) as number | undefined;
    const items =
      itemsBoundary === undefined
        ? 0
        : this.#pruneItems.run(Math.min(byAge, Number(itemsBoundary)), batchSize).changes;
    const eventsBoundary = this.#eventsBoundary.get(keepItems - 1) as number | undefined;
    let events = 0;
    if (eventsBoundary !== undefined) {
      const seqs = this.#pruneEvents.all(
        Math.min(byAge, Number(eventsBoundary)),
        batchSize,
      ) as Array<number | null>;
      events = seqs.length;
      let highest = 0;
      for (const seq of seqs) if (seq !== null && Number(seq) > highest) highest = Number(seq);
      if (highest > 0) this.#raiseWatermark.run(highest);
    }
    return { items, events, more: items === batchSize || events === batchSize };
  }
}
