import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from '../../main/core/store/migrate';

/**
 * Signal-style helpers for migration tests (`createDB`, `updateToVersion`, `insertData`,
 * `getTableData`): each test builds a database at one version, fills it, migrates, and reads back.
 */

/** An in-memory database with the connection pragmas the app uses that apply in memory. */
export function createDatabase(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Migrates up to exactly `version` with the app's migration list. */
export function updateToVersion(db: Database, version: number): void {
  migrate(db, { targetVersion: version });
}

/** Inserts rows given as column → value objects (values that are objects are stored as JSON). */
export function insertData(
  db: Database,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    const values = columns.map((column) => {
      const value = row[column];
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    });
    db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...values);
  }
}

/** Every row of a table, in rowid order. */
export function getTableData(db: Database, table: string): Array<Record<string, unknown>> {
  return db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Array<
    Record<string, unknown>
  >;
}

/** Names of the tables that exist now. */
export function tableNames(db: Database): string[] {
  return db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
}
