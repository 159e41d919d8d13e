import { describe, expect, it } from 'vitest';
import {
  createDatabase,
  getTableData,
  insertData,
  tableNames,
  updateToVersion,
} from '../../../../test/support/migration-database';

describe('migration 0002: preferences sync', () => {
  it('adds documents, outbox and history and keeps the data of version 1', () => {
    const db = createDatabase();
    updateToVersion(db, 1);
    insertData(db, 'meta', [{ key: 'deviceId', value: 'device-a' }]);
    updateToVersion(db, 2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['documents', 'preference_outbox', 'settings_history']),
    );
    expect(getTableData(db, 'meta')).toEqual([{ key: 'deviceId', value: 'device-a' }]);
  });

  it('keeps outbox order, unique idempotency keys and only known documents and origins', () => {
    const db = createDatabase();
    updateToVersion(db, 2);
    const entry = {
      idempotency_key: 'key-1',
      document: 'preferences',
      changes: { fisherMode: true },
      base_version: 3,
      created_at: 10,
    };
    insertData(db, 'preference_outbox', [entry, { ...entry, idempotency_key: 'key-2' }]);
    expect(getTableData(db, 'preference_outbox').map((row) => [row.id, row.attempts])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(() => insertData(db, 'preference_outbox', [entry])).toThrow(/UNIQUE/);
    expect(() =>
      insertData(db, 'preference_outbox', [
        { ...entry, idempotency_key: 'key-3', document: 'other' },
      ]),
    ).toThrow(/CHECK/);
    expect(() =>
      insertData(db, 'settings_history', [
        { at: 1, field: 'fisherMode', by: 'sam', origin: 'elsewhere' },
      ]),
    ).toThrow(/CHECK/);
  });
});
