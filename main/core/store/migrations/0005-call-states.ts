import type { Database } from 'better-sqlite3';

/**
 * Version 5: a call's life is read from the store, not from a bounded memory. Delivery asks for
 * every recorded event of one call (`ProcessedEventRepository.callEvents`) when a call changes
 * state or rings late: this index makes that a lookup, however long the history (a catch-up of
 * thousands of calls once popped "1500 new calls" twice because only 2,000 ended calls were
 * remembered). Partial: only call events carry a `callId`.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE INDEX processed_events_by_call
      ON processed_events (json_extract(event, '$.callId'))
      WHERE kind = 'call';
  `);
}
