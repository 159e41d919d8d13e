import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  businessDefaultsSchema,
  businessDefaultsV1Schema,
  upgradeUserPreferences,
  userPreferencesSchema,
  userPreferencesV1Schema,
  versionedPreferencesSchema,
  type UserPreferences,
} from '../common';
import { cleanupAfterEach } from '../test/support/cleanups';
import { businessDefaultsV1, fixture, userPreferencesV1 } from '../test/support/preferences-v1';
import { callApi } from '../test/support/service-test-client';
import { ServiceFixture } from '../test/support/service-fixture';
import { databaseVersion } from './database';
import { demoBusiness, demoUsers } from './seed';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-versions-');
let fixtureService: ServiceFixture;

beforeEach(async () => {
  fixtureService = new ServiceFixture(temporaryFolder());
  defer(() => fixtureService.stop());
  await fixtureService.start();
});

/** An older companion: no `X-Ringside-Protocol` header at all. */
const older = { 'x-ringside-protocol': null };

async function get(key: string, path: string, headers = {}) {
  return callApi(
    fixtureService.service.url,
    fixtureService.token(key),
    'GET',
    path,
    undefined,
    headers,
  );
}

async function put(key: string, path: string, body: unknown, version: number, headers = {}) {
  return callApi(fixtureService.service.url, fixtureService.token(key), 'PUT', path, body, {
    'if-match': `"${version}"`,
    ...headers,
  });
}

/**
 * Puts the database back to version 3 (before issue 13) with the version-1 documents captured
 * from the seed and defaults of that time, each user's at version 7.
 */
async function toVersion3(preferences: Record<string, unknown> = userPreferencesV1): Promise<void> {
  await fixtureService.stop();
  const database = new Database(fixtureService.databasePath);
  database.exec(
    `DROP TABLE burst_windows; DROP TABLE destination_hours; DROP TABLE held_messages;
     DROP INDEX applied_changes_by_user; ALTER TABLE applied_changes DROP COLUMN actor_user_id;
     ALTER TABLE applied_changes DROP COLUMN actor_name;
     ALTER TABLE applied_changes DROP COLUMN device_id;
     ALTER TABLE applied_changes DROP COLUMN device_name`,
  );
  const writeUser = database.prepare(
    'UPDATE users SET preferences_json = ?, preferences_version = 7 WHERE key = ?',
  );
  for (const key of ['sam', 'alex', 'jordan', 'taylor']) {
    writeUser.run(JSON.stringify(preferences[key]), key);
  }
  database
    .prepare('UPDATE businesses SET defaults_json = ?, defaults_version = 3 WHERE id = ?')
    .run(JSON.stringify(businessDefaultsV1['demo']), demoBusiness.id);
  database.pragma('user_version = 3');
  database.close();
}

describe('migration 4 of the service database: stored version-1 documents', () => {
  it('become version 2, at the same versions, and an older companion reads exactly what it had', async () => {
    await toVersion3();
    await fixtureService.start();
    expect(databaseVersion).toBe(6);

    const database = new Database(fixtureService.databasePath, { readonly: true });
    defer(() => database.close());
    const rows = database
      .prepare('SELECT key, preferences_json, preferences_version FROM users ORDER BY key')
      .all() as Array<{ key: string; preferences_json: string; preferences_version: number }>;
    for (const row of rows) {
      const stored = userPreferencesSchema.parse(JSON.parse(row.preferences_json));
      expect(stored, row.key).toEqual(
        upgradeUserPreferences(
          userPreferencesV1Schema.parse(fixture(userPreferencesV1[row.key])),
          null,
        ),
      );
      expect(row.preferences_version).toBe(7);

      const asOlder = await get(row.key, '/api/preferences', older);
      expect(asOlder.headers.get('etag')).toBe('"7"');
      expect(asOlder.body).toEqual({ version: 7, preferences: userPreferencesV1[row.key] });
    }
    const business = database.prepare('SELECT defaults_json FROM businesses').get() as {
      defaults_json: string;
    };
    expect(businessDefaultsSchema.parse(JSON.parse(business.defaults_json))).toMatchObject({
      country: 'US',
    });
    expect((await get('sam', '/api/business-defaults', older)).body).toEqual({
      version: 3,
      defaults: businessDefaultsV1['demo'],
    });

    // A current companion reads version 2: Jordan's email master was on, so email for every type.
    const current = versionedPreferencesSchema.parse(
      (await get('jordan', '/api/preferences')).body,
    );
    expect(current.version).toBe(7);
    expect(current.preferences.alertChannels.textPersonal).toEqual({
      desktop: true,
      inApp: true,
      email: true,
      text: false,
    });
  });

  it('refuses to start on a document it cannot read, naming it, and changes nothing', async () => {
    await toVersion3({ ...userPreferencesV1, jordan: { alerts: 'all of them' } });
    await expect(fixtureService.start()).rejects.toThrow(
      /User user-jordan has unreadable preferences: alerts/,
    );
    const database = new Database(fixtureService.databasePath, { readonly: true });
    defer(() => database.close());
    expect(database.pragma('user_version', { simple: true })).toBe(3);
  });
});

describe('an older companion and a current one on the same preferences', () => {
  it("an older companion's version-1 write keeps what a current one chose per type", async () => {
    // A current companion takes email off for mentions.
    const first = versionedPreferencesSchema.parse((await get('jordan', '/api/preferences')).body);
    first.preferences.alertChannels.mention.email = false;
    expect(
      (await put('jordan', '/api/preferences', { preferences: first.preferences }, 1)).status,
    ).toBe(200);

    // An older companion (version 1, no per-type channels) turns Fisher Mode on.
    const seen = await get('jordan', '/api/preferences', older);
    const document = userPreferencesV1Schema.parse(
      (seen.body as { preferences: unknown }).preferences,
    );
    expect(Object.keys(document)).not.toContain('alertChannels');
    const written = await put(
      'jordan',
      '/api/preferences',
      { preferences: { ...document, fisherMode: true } },
      2,
      older,
    );
    expect(written.status).toBe(200);
    expect(
      userPreferencesV1Schema.safeParse((written.body as { preferences: unknown }).preferences)
        .success,
    ).toBe(true);

    const after = versionedPreferencesSchema.parse((await get('jordan', '/api/preferences')).body);
    expect(after.version).toBe(3);
    expect(after.preferences.fisherMode).toBe(true);
    expect(after.preferences.alertChannels.mention.email).toBe(false);
  });

  it('pushes each device the version it reads: an older one a document its strict parser takes', async () => {
    const olderDevice = await fixtureService.connect('jordan', {
      protocol: null,
      deviceId: 'device-old',
    });
    const currentDevice = await fixtureService.connect('jordan', {
      protocol: 3,
      deviceId: 'device-new',
    });
    await fixtureService.editPreferences('jordan', (preferences: UserPreferences) => {
      preferences.alertChannels.voicemailPersonal.text = false;
    });
    const pushed = (device: typeof olderDevice) =>
      device.waitFor(
        (messages) => messages.some((message) => message.name === 'preferencesChanged'),
        'preferencesChanged',
      );
    await Promise.all([pushed(olderDevice), pushed(currentDevice)]);
    const toOlder = olderDevice.payloads('preferencesChanged')[0] as { preferences: unknown };
    expect(userPreferencesV1Schema.safeParse(toOlder.preferences).success).toBe(true);
    const toCurrent = currentDevice.payloads('preferencesChanged')[0] as { preferences: unknown };
    expect(
      userPreferencesSchema.parse(toCurrent.preferences).alertChannels.voicemailPersonal.text,
    ).toBe(false);
  });

  it("an older admin's business defaults keep the mandatory channels and country they cannot see", async () => {
    const seen = await get('sam', '/api/business-defaults', older);
    const document = businessDefaultsV1Schema.parse((seen.body as { defaults: unknown }).defaults);
    document.recipients = [];
    const written = await put('sam', '/api/business-defaults', { defaults: document }, 1, older);
    expect(written.status).toBe(200);
    const after = businessDefaultsSchema.parse(
      ((await get('sam', '/api/business-defaults')).body as { defaults: unknown }).defaults,
    );
    expect(after.recipients).toEqual([]);
    expect(after.alerts.paymentFailed.mandatory.email).toBe(true);
    expect(after.country).toBe('US');
  });

  it("reads a business phone typed the national way in the business's country", async () => {
    const current = (await get('alex', '/api/business-defaults')).body as {
      version: number;
      defaults: Record<string, unknown>;
    };
    const answer = await put(
      'alex',
      '/api/business-defaults',
      { defaults: { ...current.defaults, notificationPhone: '(415) 555-2699' } },
      current.version,
    );
    expect(answer.status).toBe(200);
    expect(
      businessDefaultsSchema.parse((answer.body as { defaults: unknown }).defaults)
        .notificationPhone,
    ).toBe('+14155552699');
    expect(demoUsers.alex.role).toBe('admin');
  });

  it('refuses an X-Ringside-Protocol that is not a number, naming the header', async () => {
    const answer = await get('jordan', '/api/preferences', { 'x-ringside-protocol': 'three' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid',
      fields: [{ path: 'X-Ringside-Protocol', message: 'A whole number from 1 to 1000' }],
    });
  });
});
