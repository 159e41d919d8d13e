import type { Database } from 'better-sqlite3';

/**
 * Version 1: what the live socket needs to survive a restart — the events already decided (so a
 * replay raises nothing twice), the sequence cursor sent as `afterSeq`, the in-app list, the
 * reminder schedule, usage alerts already fired, and small key/value facts.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE processed_events (
      id TEXT PRIMARY KEY,
      seq INTEGER,
      kind TEXT NOT NULL,
      event TEXT NOT NULL,
      decision TEXT NOT NULL,
      decided_at INTEGER NOT NULL,
      wants_popup INTEGER NOT NULL,
      notified_at INTEGER
    ) STRICT;
    CREATE INDEX processed_events_by_decided_at ON processed_events (decided_at);
    CREATE INDEX processed_events_pending_popup ON processed_events (decided_at)
      WHERE wants_popup = 1 AND notified_at IS NULL;

    CREATE TABLE event_cursor (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      last_seq INTEGER NOT NULL
    ) STRICT;
    INSERT INTO event_cursor (id, last_seq) VALUES (1, 0);

    CREATE TABLE in_app_notifications (
      id TEXT PRIMARY KEY,
      event_id TEXT NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      read INTEGER NOT NULL DEFAULT 0,
      quiet_reason TEXT
    ) STRICT;
    CREATE INDEX in_app_notifications_by_created_at ON in_app_notifications (created_at);

    CREATE TABLE reminders (
      id TEXT PRIMARY KEY,
      appointment_id TEXT NOT NULL,
      offset TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      appointment_starts_at INTEGER NOT NULL,
      appointment_ends_at INTEGER NOT NULL,
      title TEXT NOT NULL,
      contact_name TEXT,
      fired_at INTEGER
    ) STRICT;
    CREATE INDEX reminders_by_appointment ON reminders (appointment_id);
    CREATE INDEX reminders_pending ON reminders (due_at) WHERE fired_at IS NULL;

    CREATE TABLE usage_alerts (
      period_id TEXT NOT NULL,
      threshold INTEGER NOT NULL,
      fired_at INTEGER NOT NULL,
      PRIMARY KEY (period_id, threshold)
    ) STRICT;

    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
}
