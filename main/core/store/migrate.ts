import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';

/**
 * The database was written by a newer app (Signal's `DBVersionFromFutureError`): opening it with
 * this build could misread or damage data, so the store refuses it.
 */
export class DBVersionFromFutureError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `This database is at schema version ${databaseVersion}, but this app only knows up to ` +
        `version ${appVersion}. It was written by a newer version of the app: update the app, ` +
        `or reset local data to start over.`,
    );
    this.name = 'DBVersionFromFutureError';
  }
}

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every pending migration up to `targetVersion` in ONE transaction, setting
 * `PRAGMA user_version` inside it: a crash or kill at any point leaves the previous version, never
 * a half-migrated schema. Returns the versions applied.
 */
export function migrate(
  db: Database,
  options: { migrations?: readonly Migration[]; targetVersion?: number } = {},
): number[] {
  const list = options.migrations ?? allMigrations;
  const latest = list.reduce((highest, step) => Math.max(highest, step.version), 0);
  const target = options.targetVersion ?? latest;
  const current = schemaVersion(db);
  if (current > latest) throw new DBVersionFromFutureError(current, latest);
  const pending = list
    .filter((step) => step.version > current && step.version <= target)
    .sort((left, right) => left.version - right.version);
  if (pending.length === 0) return [];
  const applyAll = db.transaction(() => {
    for (const step of pending) step.up(db);
    // user_version lives in the database header, which is written by this same transaction.
    db.pragma(`user_version = ${Number(pending.at(-1)?.version ?? current)}`);
  });
  // IMMEDIATE: take the write lock before reading anything, so two processes cannot both migrate.
  applyAll.immediate();
  return pending.map((step) => step.version);
}
