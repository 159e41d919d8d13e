import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { upgradeDocumentsToVersion2 } from './upgrade-documents';

/** The service's own SQLite file: better-sqlite3 in WAL mode, migrated on open. */
export type ServiceDatabase = Database.Database;

/** One step: SQL to run, or a function for a step that rewrites stored JSON. */
type Migration = string | ((database: ServiceDatabase) => void);

/**
 * Numbered migrations, listed in one place (Signal's `ts/sql/migrations/`). Each runs once, in a
 * transaction, and sets `PRAGMA user_version`; a file newer than this code is refused.
 */
const migrations: readonly Migration[] = [
  `
  CREATE TABLE businesses (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    defaults_json TEXT NOT NULL,
    defaults_version INTEGER NOT NULL
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    backup_phone TEXT,
    personal_line_id TEXT,
    on_call INTEGER NOT NULL DEFAULT 0,
    preferences_json TEXT NOT NULL,
    preferences_version INTEGER NOT NULL
  );
  CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id)
  );
  CREATE TABLE ring_groups (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL
  );
  CREATE TABLE ring_group_members (
    ring_group_id TEXT NOT NULL REFERENCES ring_groups(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (ring_group_id, user_id)
  );
  CREATE TABLE lines (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    ring_group_id TEXT REFERENCES ring_groups(id),
    owner_user_id TEXT REFERENCES users(id)
  );
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL,
    number TEXT NOT NULL
  );
  CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    contact_name TEXT,
    assigned_user_id TEXT REFERENCES users(id)
  );
  CREATE TABLE events (
    user_id TEXT NOT NULL REFERENCES users(id),
    seq INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    event_json TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users(id),
    event_id TEXT,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    sender TEXT,
    subject TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
  );
  CREATE TABLE applied_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    target TEXT NOT NULL,
    version INTEGER NOT NULL,
    idempotency_key TEXT,
    applied_at TEXT NOT NULL
  );
  `,
  // The data epoch: a random id made with the database, so a companion can tell a reset service
  // (whose seqs start again at 1) from the one it knew.
  `
  CREATE TABLE service_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  INSERT INTO service_meta (key, value) VALUES ('epoch', 'epoch-' || lower(hex(randomblob(16))));
  `,
  // The state of each pure detector (common/detectors) per user and key, written in the
  // transaction of the event it read, so a restart mid-burst or mid-period changes nothing.
  // `wake_at` (epoch ms): when the state needs time to pass by itself (a reminder is due);
  // `expires_at` (event time): after it the state means nothing and is forgotten.
  `
  CREATE TABLE detector_state (
    user_id TEXT NOT NULL REFERENCES users(id),
    detector TEXT NOT NULL,
    key TEXT NOT NULL,
    state_json TEXT NOT NULL,
    wake_at INTEGER,
    expires_at INTEGER,
    PRIMARY KEY (user_id, detector, key)
  ) WITHOUT ROWID;
  CREATE INDEX detector_state_by_wake ON detector_state (wake_at) WHERE wake_at IS NOT NULL;
  CREATE INDEX detector_state_by_expiry ON detector_state (user_id, detector, expires_at)
    WHERE expires_at IS NOT NULL;
  `,
  // Issue 13: emails and texts held for a digest (a burst window, an hourly cap) survive a
  // restart, and the settings documents become version 2 (per-type channels, mandatory
  // channels, the business's country: `upgrade-documents.ts`). Times are epoch milliseconds.
  (database) => {
    database.exec(`
      CREATE TABLE burst_windows (
        user_id TEXT NOT NULL REFERENCES users(id),
        channel TEXT NOT NULL CHECK (channel IN ('email', 'text')),
        burst_key TEXT NOT NULL,
        ends_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, channel, burst_key)
      ) WITHOUT ROWID;
      CREATE TABLE destination_hours (
        channel TEXT NOT NULL CHECK (channel IN ('email', 'text')),
        destination TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        sent INTEGER NOT NULL,
        PRIMARY KEY (channel, destination)
      ) WITHOUT ROWID;
      CREATE TABLE held_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL REFERENCES users(id),
        event_id TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'text')),
        destination TEXT NOT NULL,
        burst_key TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('burst', 'hourlyCap')),
        alert_type TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        held_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL
      );
      CREATE INDEX held_messages_by_due ON held_messages (due_at);
      CREATE INDEX held_messages_by_burst ON held_messages (user_id, channel, burst_key);
    `);
    upgradeDocumentsToVersion2(database);
  },
  // Issue 14: who applied each change (an admin may write a member's preferences), so the
  // member's window and the team view can say "Changed by Sam Rivera at 10:42". Null for changes
  // applied before this migration.
  `
  ALTER TABLE applied_changes ADD COLUMN actor_user_id TEXT;
  ALTER TABLE applied_changes ADD COLUMN actor_name TEXT;
  CREATE INDEX applied_changes_by_user ON applied_changes (user_id, target, id);
  `,
  // Issue 14 §6: the device that applied each change (X-Device-Id) and its owner's name for it
  // (X-Device-Name), so a device that downloads a newer version of the preferences can say
  // where it came from. Null for changes applied before this migration.
  `
  ALTER TABLE applied_changes ADD COLUMN device_id TEXT;
  ALTER TABLE applied_changes ADD COLUMN device_name TEXT;
  `,
];

/** The schema version this code writes. */
export const databaseVersion = migrations.length;

/** Thrown when the file was written by a newer service than this one. */
export class DatabaseFromFutureError extends Error {
  constructor(found: number) {
    super(
      `The service database is at version ${found}, newer than this service (${databaseVersion})`,
    );
    this.name = 'DatabaseFromFutureError';
  }
}

/** Opens (creating if needed) the service database at `path` and brings it up to date. */
export function openServiceDatabase(path: string): ServiceDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a kill -9 of the service (only an OS crash can lose the last ones).
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const found = database.pragma('user_version', { simple: true }) as number;
  if (found > databaseVersion) {
    database.close();
    throw new DatabaseFromFutureError(found);
  }
  try {
    for (let version = found; version < databaseVersion; version += 1) {
      const migration = migrations[version] ?? '';
      database.transaction(() => {
        if (typeof migration === 'string') database.exec(migration);
        else migration(database);
        database.pragma(`user_version = ${version + 1}`);
      })();
    }
  } catch (error) {
    // The failed step rolled back; the file stays at the last version that completed.
    database.close();
    throw error;
  }
  return database;
}
