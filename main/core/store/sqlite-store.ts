import type { Database, Transaction } from 'better-sqlite3';
import { durably } from './database';
import type { Store } from './repositories';
import { SqliteInAppNotifications } from './repositories/in-app-notifications';
import { SqliteMeta } from './repositories/meta';
import { SqlitePreferenceOutbox } from './repositories/preference-outbox';
import { SqlitePreferences } from './repositories/preferences';
import { SqliteProcessedEvents } from './repositories/processed-events';
import { SqliteReminderStates } from './repositories/reminder-states';
import type { Row } from './repositories/rows';
import { SqliteSettingsHistory } from './repositories/settings-history';
import { SqliteRetention } from './retention';
import { SqliteWal } from './wal-checkpoint';

/**
 * The store over one open, migrated connection: each repository (one per file in
 * `repositories/`) over the same connection, and the two kinds of transaction. Built by
 * `openStore()`, which hands it out as a `Store`.
 */
export class SqliteStore implements Store {
  readonly events: SqliteProcessedEvents;
  readonly notifications: SqliteInAppNotifications;
  readonly reminderStates: SqliteReminderStates;
  readonly preferences: SqlitePreferences;
  readonly outbox: SqlitePreferenceOutbox;
  readonly history: SqliteSettingsHistory;
  readonly meta: SqliteMeta;
  readonly retention: SqliteRetention;
  readonly wal: SqliteWal;
  readonly #db: Database;
  /** Compiled once: better-sqlite3 builds a wrapper per `db.transaction()` call. */
  readonly #runInTransaction: Transaction<(work: () => unknown) => unknown>;

  constructor(
    db: Database,
    readonly path: string,
  ) {
    this.#db = db;
    this.#runInTransaction = db.transaction((work: () => unknown) => {
      // The cursor is written once, after the batch's records (repositories/event-cursor.ts).
      this.events.cursor.defer();
      let done = false;
      try {
        const result = work();
        done = true;
        return result;
      } finally {
        this.events.cursor.write(done);
      }
    });
    this.events = new SqliteProcessedEvents(db);
    this.notifications = new SqliteInAppNotifications(db);
    this.reminderStates = new SqliteReminderStates(db);
    this.preferences = new SqlitePreferences(db);
    this.outbox = new SqlitePreferenceOutbox(db);
    this.history = new SqliteSettingsHistory(db);
    this.meta = new SqliteMeta(db);
    this.retention = new SqliteRetention(db);
    this.wal = new SqliteWal(db, path);
  }

  transaction<Result>(work: () => Result): Result {
    return durably(this.#db, work);
  }

  eventTransaction<Result>(work: () => Result): Result {
    if (this.#db.inTransaction) return work();
    return this.#runInTransaction.immediate(work) as Result;
  }

  integrityCheck(): string {
    const rows = this.#db.pragma('integrity_check', { simple: false }) as Row[];
    return rows.map((row) => String(row.integrity_check)).join('\n');
  }

  close(): void {
    this.events.flushMarks();
    if (this.#db.open) this.#db.close();
  }
}
