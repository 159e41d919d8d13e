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
  const pendingAt = (current: number) => {
    if (current > latest) throw new DBVersionFromFutureError(current, latest);
    return list
      .filter((step) => step.version > current && step.version <= target)
      .sort((left, right) => left.version - right.version);
  };
  // Without a write lock: an up-to-date database (every start but the first) takes none.
  if (pendingAt(schemaVersion(db)).length === 0) return [];
  const applyAll = db.transaction(() => {
    // Read again under the lock: another process may have migrated since the read above.
    const pending = pendingAt(schemaVersion(db));
    for (const step of pending) step.up(db);
    const last = pending.at(-1);
    // user_version lives in the database header, which is written by this same transaction.
    if (last) db.pragma(`user_version = ${Number(last.version)}`);
    return pending.map((step) => step.version);
  });
  // IMMEDIATE: take the write lock before reading the version, so two processes cannot both migrate.
  return applyAll.immediate();
}
