import type { Database } from 'better-sqlite3';

/**
 * Version 6 (issue 15): costs that do not grow with history.
 *
 * - `in_app_unread`: the number of unread in-app items, one row, kept by triggers on
 *   `in_app_notifications` in the same transaction as every write to the list, whatever path
 *   writes it (add, rewrite in place, mark read, mark all read, retention's prune). Reading it is
 *   one row, not a `COUNT(*)` over every unread item. A row rewritten with `INSERT OR REPLACE`
 *   would bypass the delete trigger (SQLite fires it for REPLACE only with
 *   `recursive_triggers`): the repositories use `ON CONFLICT … DO UPDATE` instead.
 * - `in_app_notifications_unread`: a partial index over unread items, so "mark all read" walks
 *   only those.
 * - `event_cursor.pruned_through_seq`: the highest service seq that retention pruned from
 *   `processed_events` (0: none) in the current epoch. A service event at or below it is a
 *   repeat (its record was pruned): `recordDecision` drops it as it drops a recorded id.
 * - `processed_events_by_seq`: retention reads the highest seq it prunes.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE in_app_unread (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      count INTEGER NOT NULL
    ) STRICT;
    INSERT INTO in_app_unread (id, count)
      VALUES (1, (SELECT COUNT(*) FROM in_app_notifications WHERE read = 0));

    CREATE TRIGGER in_app_unread_on_insert AFTER INSERT ON in_app_notifications
      WHEN NEW.read = 0
      BEGIN UPDATE in_app_unread SET count = count + 1 WHERE id = 1; END;
    CREATE TRIGGER in_app_unread_on_delete AFTER DELETE ON in_app_notifications
      WHEN OLD.read = 0
      BEGIN UPDATE in_app_unread SET count = count - 1 WHERE id = 1; END;
    CREATE TRIGGER in_app_unread_on_update AFTER UPDATE OF read ON in_app_notifications
      WHEN (OLD.read = 0) <> (NEW.read = 0)
      BEGIN
        UPDATE in_app_unread SET count = count + (CASE WHEN NEW.read = 0 THEN 1 ELSE -1 END)
        WHERE id = 1;
      END;

    CREATE INDEX in_app_notifications_unread ON in_app_notifications (created_at)
      WHERE read = 0;

    ALTER TABLE event_cursor ADD COLUMN pruned_through_seq INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX processed_events_by_seq ON processed_events (seq) WHERE seq IS NOT NULL;
  `);
}
