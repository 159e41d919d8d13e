import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import {
  DBVersionFromFutureError,
  latestVersion,
  migrate,
  migrations,
  openStore,
  schemaVersion,
} from './index';
import { createDatabase, insertData, tableNames } from '../../../test/support/migration-database';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { temporaryFolder } = cleanupAfterEach('ringside-migrate-');

describe('migration runner', () => {
  it('brings a new database to the latest version and is a no-op the second time', () => {
    const db = createDatabase();
    expect(migrate(db)).toEqual(migrations.map((step) => step.version));
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(migrate(db)).toEqual([]);
  });

  it('refuses a database written by a newer app, on disk, without touching it', () => {
    const path = join(temporaryFolder(), 'future.sqlite');
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${latestVersion + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(DBVersionFromFutureError);
    expect(() => openStore(path)).toThrow(/newer version of the app/);
    const check = new BetterSqlite3(path);
    expect(check.pragma('user_version', { simple: true })).toBe(latestVersion + 1);
    check.close();
  });

  it('never half-applies: a step that throws rolls back every step of the run', () => {
    const db = createDatabase();
    migrate(db, { targetVersion: 1 });
    const failing = [
      ...migrations,
      {
        version: latestVersion + 1,
        name: 'broken',
        up() {
          throw new Error('broken step');
        },
      },
    ];
    expect(() => migrate(db, { migrations: failing })).toThrow('broken step');
    expect(schemaVersion(db)).toBe(1);
    expect(tableNames(db)).not.toContain('documents');
  });

  it('two connections migrating one file at once: the second sees the first one’s work', () => {
    const path = join(temporaryFolder(), 'race.sqlite');
    const first = openDatabase(path);
    const second = openDatabase(path);
    // The second connection reads version 0, then (before it takes the write lock) the first one
    // migrates the file: the step list is read between the two, so the race happens every time.
    let reads = 0;
    const racing = migrations.map((step) => ({
      ...step,
      get version() {
        reads += 1;
        if (reads === migrations.length + 1) migrate(first);
        return step.version;
      },
    }));
    expect(() => migrate(second, { migrations: racing })).not.toThrow();
    expect(schemaVersion(second)).toBe(latestVersion);
    expect(second.pragma('integrity_check', { simple: true })).toBe('ok');
    first.close();
    second.close();
  });

  it('a kill -9 in the middle of a migration leaves the previous version intact', async () => {
    const path = join(temporaryFolder(), 'killed.sqlite');
    const db = openDatabase(path);
    migrate(db, { targetVersion: 1 });
    insertData(db, 'meta', [{ key: 'before', value: 'kept' }]);
    db.close();

    const worker = fileURLToPath(
      new URL('../../../test/support/kill-during-migration.ts', import.meta.url),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', worker, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exit = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('mid-migration')) resolve();
      });
      child.on('exit', () => reject(new Error('the worker exited before reaching the slow step')));
    });
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');

    const reopened = openDatabase(path);
    expect(schemaVersion(reopened)).toBe(1);
    expect(tableNames(reopened)).not.toContain('slow_step');
    expect(tableNames(reopened)).not.toContain('documents');
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(reopened.prepare("SELECT value FROM meta WHERE key = 'before'").pluck().get()).toBe(
      'kept',
    );
    reopened.close();

    // And the app opens it normally afterwards.
    const store = openStore(path);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.meta.get('before')).toBe('kept');
    store.close();
  });
});
