import { describe, expect, it } from 'vitest';
import {
  businessDefaultsSchema,
  businessDefaultsV1Schema,
  upgradeBusinessDefaults,
  upgradeUserPreferences,
  userAlertTypes,
  userPreferencesSchema,
  userPreferencesV1Schema,
  userPreferencesV1View,
} from '../../../../common';
import { SqlitePreferences } from '../repositories/preferences';
import {
  createDatabase,
  getTableData,
  insertData,
  updateToVersion,
} from '../../../../test/support/migration-database';
import {
  businessDefaultsV1,
  fixture,
  userPreferencesV1,
} from '../../../../test/support/preferences-v1';

/** A version-2 store holding what an issue-12 companion cached for Jordan, and an edit pending. */
function storeOfAnOlderCompanion() {
  const db = createDatabase();
  updateToVersion(db, 2);
  insertData(db, 'documents', [
    { name: 'preferences.server', version: 9, body: userPreferencesV1['jordan'] },
    { name: 'preferences.local', version: null, body: userPreferencesV1['edited'] },
    { name: 'businessDefaults.server', version: 4, body: businessDefaultsV1['demo'] },
    { name: 'businessDefaults.local', version: null, body: businessDefaultsV1['demo'] },
  ]);
  const edit = {
    document: 'preferences',
    base_version: 9,
    created_at: 1,
  };
  insertData(db, 'preference_outbox', [
    {
      ...edit,
      idempotency_key: 'key-1',
      changes: { 'channels.text.enabled': true, 'channels.email.enabled': false },
    },
    { ...edit, idempotency_key: 'key-2', changes: { fisherMode: true } },
    {
      ...edit,
      idempotency_key: 'key-3',
      document: 'businessDefaults',
      changes: { 'allowedChannels.text': true },
    },
  ]);
  return db;
}

const bodyOf = (db: ReturnType<typeof createDatabase>, name: string): unknown => {
  const row = getTableData(db, 'documents').find((each) => each.name === name);
  return JSON.parse(String(row?.body));
};

describe('migration 0004: settings documents of version 2', () => {
  it('upgrades the cached documents without loss, and marks the server copies to download again', () => {
    const db = storeOfAnOlderCompanion();
    updateToVersion(db, 4);
    expect(db.pragma('user_version', { simple: true })).toBe(4);

    const server = userPreferencesSchema.parse(bodyOf(db, 'preferences.server'));
    expect(server).toEqual(
      upgradeUserPreferences(
        userPreferencesV1Schema.parse(fixture(userPreferencesV1['jordan'])),
        null,
      ),
    );
    expect(userPreferencesV1View(server)).toEqual(userPreferencesV1['jordan']);
    const local = userPreferencesSchema.parse(bodyOf(db, 'preferences.local'));
    expect(userPreferencesV1View(local)).toEqual(userPreferencesV1['edited']);
    expect(businessDefaultsSchema.parse(bodyOf(db, 'businessDefaults.server'))).toEqual(
      upgradeBusinessDefaults(
        businessDefaultsV1Schema.parse(fixture(businessDefaultsV1['demo'])),
        null,
      ),
    );
    expect(getTableData(db, 'documents').map((row) => [row.name, row.version])).toEqual([
      ['preferences.server', 0],
      ['preferences.local', null],
      ['businessDefaults.server', 0],
      ['businessDefaults.local', null],
    ]);
  });

  it('keeps pending edits, and one that turned a channel on turns it on for every type', () => {
    const db = storeOfAnOlderCompanion();
    updateToVersion(db, 4);
    const outbox = getTableData(db, 'preference_outbox');
    const changes = outbox.map((row) => JSON.parse(String(row.changes)) as Record<string, unknown>);
    expect(changes[0]).toMatchObject({
      'channels.text.enabled': true,
      'channels.email.enabled': false,
    });
    for (const type of userAlertTypes) {
      expect(changes[0]?.[`alertChannels.${type}.text`], type).toBe(true);
      expect(changes[0]?.[`alertChannels.${type}.email`], type).toBeUndefined();
    }
    expect(changes[1]).toEqual({ fisherMode: true });
    expect(changes[2]).toEqual({ 'allowedChannels.text': true });
    expect(outbox.map((row) => row.idempotency_key)).toEqual(['key-1', 'key-2', 'key-3']);
  });

  it('the store reads what it wrote, and a row it cannot read still counts as absent', () => {
    const db = storeOfAnOlderCompanion();
    db.prepare(
      "UPDATE documents SET body = '{\"alerts\":1}' WHERE name = 'businessDefaults.local'",
    ).run();
    updateToVersion(db, 4);
    const preferences = new SqlitePreferences(db);
    expect(preferences.serverPreferences()?.version).toBe(0);
    expect(preferences.localPreferences()?.fisherMode).toBe(true);
    expect(preferences.serverBusinessDefaults()?.document.country).toBe('US');
    expect(preferences.localBusinessDefaults()).toBeNull();
  });

  it('reads a version-1 row even without the migration (a document only ever means one thing)', () => {
    const db = storeOfAnOlderCompanion();
    const preferences = new SqlitePreferences(db);
    expect(preferences.serverPreferences()).toMatchObject({ version: 9 });
    expect(preferences.serverPreferences()?.document.alertChannels.mention.email).toBe(true);
  });
});
