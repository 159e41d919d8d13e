import type { Database } from 'better-sqlite3';

/**
 * Version 2: offline-first settings — the cached server documents and the local copy, the outbox
 * of edits not yet acknowledged, and the settings history shown to the user.
 */
export function up(db: Database): void {
  db.exec(`
    -- One row per cached document: 'preferences.server', 'preferences.local',
    -- 'businessDefaults.server', 'businessDefaults.local'. Version is null for local copies.
    CREATE TABLE documents (
      name TEXT PRIMARY KEY,
      version INTEGER,
      body TEXT NOT NULL
    ) STRICT;

    CREATE TABLE preference_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      idempotency_key TEXT NOT NULL UNIQUE,
      document TEXT NOT NULL CHECK (document IN ('preferences', 'businessDefaults')),
      changes TEXT NOT NULL,
      base_version INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE settings_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      field TEXT NOT NULL,
      old_value TEXT,
      new_value TEXT,
      by TEXT NOT NULL,
      device_id TEXT,
      origin TEXT NOT NULL CHECK (origin IN ('local', 'server')),
      note TEXT
    ) STRICT;
  `);
}
