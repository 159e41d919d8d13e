import type { Database } from 'better-sqlite3';

/**
 * Version 7 (issue 14): every in-app item keeps its event's kind ("call", "text"…), so the
 * window's type filter reads it from the item, and an item whose event retention pruned from
 * the processed-event records still has one. Items already listed take it from their event's
 * record where one is kept; an item without one (a health notice, or its record pruned) stays
 * NULL.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE in_app_notifications ADD COLUMN kind TEXT;
    UPDATE in_app_notifications
      SET kind = (
        SELECT processed_events.kind FROM processed_events
        WHERE processed_events.id = in_app_notifications.event_id
      );
  `);
}
