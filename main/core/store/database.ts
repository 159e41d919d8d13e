import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * Opens a SQLite file with the pragmas every connection of the companion uses. See README.md for
 * why: WAL, `synchronous = NORMAL` by default and `FULL` for settings writes (`durably`).
 */
export function openDatabase(path: string): Database {
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Another process (a second instance, a worker) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Runs `work` in a transaction whose commit is fsynced before this returns
 * (`synchronous = FULL`), so it survives power loss, not only a crash of the app. Settings edits
 * go through here; the event path does not (see README.md). Nested calls join the outer
 * transaction, which must itself be durable.
 */
export function durably<Result>(db: Database, work: () => Result): Result {
  if (db.inTransaction) return work();
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(work).immediate();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
