import type { Database } from 'better-sqlite3';
import {
  businessDefaultsV1Schema,
  isBusinessDefaultsV1,
  isUserPreferencesV1,
  upgradeBusinessDefaults,
  upgradeUserPreferences,
  userAlertTypes,
  userPreferencesV1Schema,
} from '../../../../common';

/** Master switches of version 1 and the per-type channel each one turning on stands for. */
const masterSwitches = {
  'channels.desktop': 'desktop',
  'channels.inApp': 'inApp',
  'channels.email.enabled': 'email',
  'channels.text.enabled': 'text',
} as const;

function readJson(value: unknown): unknown {
  try {
    return typeof value === 'string' ? (JSON.parse(value) as unknown) : null;
  } catch {
    return null;
  }
}

/**
 * Version 4 (issue 13): the cached settings documents become version 2 (`common/preferences-v1.ts`)
 * without loss: a user's global channel switches become the per-type channels they imply;
 * business defaults get no mandatory channel and a country. The server copies' versions become
 * 0: what this companion cached as version N may lack per-type channels or mandatory channels
 * the service has at N, so the next start downloads both documents and rebases what is pending
 * onto them, as after any change on the service (a PUT against version 0 is answered 412, then
 * the same). Pending edits keep their meaning: one that turned a channel on in the older window
 * ("each alert type uses every channel that is on") also turns it on for every type. A row that
 * is not a readable version-1 document is left as it is (the store counts it as absent and
 * downloads it again).
 */
export function up(db: Database): void {
  const rows = db.prepare('SELECT name, version, body FROM documents').all() as Array<{
    name: string;
    version: number | null;
    body: string;
  }>;
  const write = db.prepare('UPDATE documents SET version = ?, body = ? WHERE name = ?');
  for (const row of rows) {
    const stored = readJson(row.body);
    const server = row.name.endsWith('.server');
    let upgraded: unknown = null;
    if (row.name.startsWith('preferences.') && isUserPreferencesV1(stored)) {
      const parsed = userPreferencesV1Schema.safeParse(stored);
      if (parsed.success) upgraded = upgradeUserPreferences(parsed.data, null);
    } else if (row.name.startsWith('businessDefaults.') && isBusinessDefaultsV1(stored)) {
      const parsed = businessDefaultsV1Schema.safeParse(stored);
      if (parsed.success) upgraded = upgradeBusinessDefaults(parsed.data, null);
    }
    if (upgraded === null) continue;
    write.run(server ? 0 : row.version, JSON.stringify(upgraded), row.name);
  }

  const pending = db
    .prepare("SELECT id, changes FROM preference_outbox WHERE document = 'preferences'")
    .all() as Array<{ id: number; changes: string }>;
  const rewrite = db.prepare('UPDATE preference_outbox SET changes = ? WHERE id = ?');
  for (const entry of pending) {
    const changes = readJson(entry.changes);
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) continue;
    const extended: Record<string, unknown> = { ...(changes as Record<string, unknown>) };
    let touched = false;
    for (const [path, channel] of Object.entries(masterSwitches)) {
      if (extended[path] !== true) continue;
      for (const type of userAlertTypes) extended[`alertChannels.${type}.${channel}`] = true;
      touched = true;
    }
    if (touched) rewrite.run(JSON.stringify(extended), entry.id);
  }
}
