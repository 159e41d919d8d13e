import type { Database } from 'better-sqlite3';

/**
 * Version 10 (issue 15): `popup_marks`, the record of a pop-up that stands for many events (the
 * summary at the end of a long catch-up), one small row per event: its id, when the pop-up was
 * handed off and what became of it. Marking 90,000 events by `UPDATE processed_events` rewrote
 * each whole row (its event and decision JSON) into the WAL: 43 MB and 0.3 s of CPU for 90,000
 * on this machine, against 5 MB and 0.06 s as rows here (`WITHOUT ROWID`: the row is its key).
 * A mark here counts as the event's own `notified_at`/`popup` (the later of the two where both
 * are set): the pending pop-ups query, `get`/`getMany`/`recent` and retention read both. A
 * trigger deletes an event's mark with its record, so retention needs no second statement.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE popup_marks (
      event_id TEXT PRIMARY KEY,
      notified_at INTEGER NOT NULL,
      popup TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER popup_marks_follow_their_event AFTER DELETE ON processed_events
    BEGIN
      DELETE FROM popup_marks WHERE event_id = old.id;
    END;
  `);
}
