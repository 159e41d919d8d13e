import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { durably, openDatabase } from './database';
import { cleanupAfterEach } from '../../../test/support/cleanups';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-database-');

function open(): Database {
  const folder = temporaryFolder();
  const connection = openDatabase(join(folder, 'ringside.sqlite'));
  defer(() => connection.close());
  return connection;
}

describe('openDatabase', () => {
  it('opens with WAL, synchronous = NORMAL, foreign keys and a busy timeout', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});

describe('durably', () => {
  it('commits at synchronous = FULL, back to NORMAL after, even when the work throws', () => {
    const db = open();
    db.exec('CREATE TABLE facts (value TEXT)');
    const seen = durably(db, () => {
      db.prepare("INSERT INTO facts VALUES ('kept')").run();
      // Nested: joins the outer durable transaction.
      durably(db, () => db.prepare("INSERT INTO facts VALUES ('nested')").run());
      return db.pragma('synchronous', { simple: true });
    });
    expect(seen).toBe(2);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(() =>
      durably(db, () => {
        db.prepare("INSERT INTO facts VALUES ('lost')").run();
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.prepare('SELECT value FROM facts ORDER BY rowid').pluck().all()).toEqual([
      'kept',
      'nested',
    ]);
  });
});
