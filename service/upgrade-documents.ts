import type { Database } from 'better-sqlite3';
import {
  isBusinessDefaultsV1,
  isUserPreferencesV1,
  parseWith,
  upgradeBusinessDefaults,
  upgradeUserPreferences,
  businessDefaultsV1Schema,
  userPreferencesV1Schema,
} from '../common';

/**
 * Migration 4's rewrite of the stored settings documents to version 2 (`common/preferences-v1.ts`):
 * a user's global channel switches become the per-type channels they imply, a business gets no
 * mandatory channel and the country of its notification phone (else the default). Versions are
 * kept: the content is the same, and an older companion asking for it gets the same version-1
 * document it had. A document this code cannot read stops the migration (the transaction rolls
 * back and the service refuses to start, naming it) rather than being replaced by defaults.
 */
export function upgradeDocumentsToVersion2(database: Database): void {
  const businesses = database.prepare('SELECT id, defaults_json FROM businesses').all() as Array<{
    id: string;
    defaults_json: string;
  }>;
  const writeBusiness = database.prepare('UPDATE businesses SET defaults_json = ? WHERE id = ?');
  for (const { id, defaults_json: json } of businesses) {
    const stored: unknown = JSON.parse(json);
    if (!isBusinessDefaultsV1(stored)) continue;
    const parsed = parseWith(businessDefaultsV1Schema, stored);
    if (!parsed.ok) throw new Error(`Business ${id} has unreadable defaults: ${parsed.message}`);
    writeBusiness.run(JSON.stringify(upgradeBusinessDefaults(parsed.value, null)), id);
  }
  const users = database.prepare('SELECT id, preferences_json FROM users').all() as Array<{
    id: string;
    preferences_json: string;
  }>;
  const writeUser = database.prepare('UPDATE users SET preferences_json = ? WHERE id = ?');
  for (const { id, preferences_json: json } of users) {
    const stored: unknown = JSON.parse(json);
    if (!isUserPreferencesV1(stored)) continue;
    const parsed = parseWith(userPreferencesV1Schema, stored);
    if (!parsed.ok) throw new Error(`User ${id} has unreadable preferences: ${parsed.message}`);
    writeUser.run(JSON.stringify(upgradeUserPreferences(parsed.value, null)), id);
  }
}
