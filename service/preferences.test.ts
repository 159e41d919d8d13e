import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  currentProtocol,
  appliedChangesSchema,
  roleRefusals,
  socketMessages,
  versionedBusinessDefaultsSchema,
  versionedPreferencesSchema,
  type UserPreferences,
} from '../common';
import { startService, type RunningService } from './index';
import { callApi, connectDevice } from '../test/support/service-test-client';

let folder: string;
let databasePath: string;
let service: RunningService;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-preferences-'));
  databasePath = join(folder, 'service.sqlite');
  service = await startService({ databasePath });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

const token = (key: string) => service.tokens[key] ?? '';

async function getPreferences(key: string) {
  const answer = await callApi(service.url, token(key), 'GET', '/api/preferences');
  expect(answer.status).toBe(200);
  return { ...versionedPreferencesSchema.parse(answer.body), etag: answer.headers.get('etag') };
}

function putPreferences(
  key: string,
  preferences: UserPreferences,
  headers: Record<string, string>,
) {
  return callApi(service.url, token(key), 'PUT', '/api/preferences', { preferences }, headers);
}

describe('preferences with ETag and If-Match', () => {
  it('answers the version as the ETag and applies a change with a matching If-Match', async () => {
    const first = await getPreferences('jordan');
    expect(first.version).toBe(1);
    expect(first.etag).toBe('"1"');
    const changed = { ...first.preferences, leadScoreThreshold: 70 };
    const answer = await putPreferences('jordan', changed, { 'if-match': '"1"' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"2"');
    expect(versionedPreferencesSchema.parse(answer.body)).toEqual({
      version: 2,
      preferences: changed,
    });
    expect((await getPreferences('jordan')).preferences.leadScoreThreshold).toBe(70);
  });

  it('refuses a stale If-Match with 412 and the current version', async () => {
    const { preferences } = await getPreferences('jordan');
    await putPreferences('jordan', { ...preferences, fisherMode: true }, { 'if-match': '"1"' });
    const stale = await putPreferences(
      'jordan',
      { ...preferences, leadScoreThreshold: 10 },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(apiErrorSchema.parse(stale.body)).toMatchObject({
      error: 'preconditionFailed',
      current: 2,
    });
    expect(stale.headers.get('etag')).toBe('"2"');
    expect((await getPreferences('jordan')).preferences.leadScoreThreshold).toBe(50);
  });

  it('requires If-Match (428)', async () => {
    const { preferences } = await getPreferences('jordan');
    const answer = await putPreferences('jordan', preferences, {});
    expect(answer.status).toBe(428);
    expect(apiErrorSchema.parse(answer.body).error).toBe('preconditionRequired');
  });

  it('names every invalid field (400)', async () => {
    const { preferences } = await getPreferences('jordan');
    const answer = await callApi(
      service.url,
      token('jordan'),
      'PUT',
      '/api/preferences',
      {
        preferences: {
          ...preferences,
          leadScoreThreshold: 101,
          channels: {
            ...preferences.channels,
            text: { enabled: true, useCustomNumber: true, customNumber: '+15555555555' },
          },
        },
      },
      { 'if-match': '"1"' },
    );
    expect(answer.status).toBe(400);
    const paths = apiErrorSchema.parse(answer.body).fields?.map((field) => field.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'preferences.leadScoreThreshold',
        'preferences.channels.text.customNumber',
      ]),
    );
  });
});

describe('role refusals', () => {
  it('refuses an agent changing an account-level alert', async () => {
    const { preferences } = await getPreferences('jordan');
    const answer = await putPreferences(
      'jordan',
      {
        ...preferences,
        accountAlerts: { ...preferences.accountAlerts, reportDailyActivity: true },
      },
      { 'if-match': '"1"' },
    );
    expect(answer.status).toBe(403);
    expect(apiErrorSchema.parse(answer.body)).toEqual({
      error: 'forbidden',
      reason: roleRefusals.accountAlertsNeedAdmin,
    });
  });

  it('lets an admin turn billing warnings off but not back on; a billing admin may', async () => {
    const alex = await getPreferences('alex');
    const off = {
      ...alex.preferences,
      accountAlerts: { ...alex.preferences.accountAlerts, billingWarning: false },
    };
    expect((await putPreferences('alex', off, { 'if-match': '"1"' })).status).toBe(200);
    const on = { ...off, accountAlerts: { ...off.accountAlerts, billingWarning: true } };
    const refused = await putPreferences('alex', on, { 'if-match': '"2"' });
    expect(refused.status).toBe(403);
    expect(apiErrorSchema.parse(refused.body).reason).toBe(
      roleRefusals.billingWarningsNeedBillingAdmin,
    );

    const sam = await getPreferences('sam');
    const samOff = {
      ...sam.preferences,
      accountAlerts: { ...sam.preferences.accountAlerts, billingWarning: false },
    };
    expect((await putPreferences('sam', samOff, { 'if-match': '"1"' })).status).toBe(200);
    const samOn = { ...samOff, accountAlerts: { ...samOff.accountAlerts, billingWarning: true } };
    expect((await putPreferences('sam', samOn, { 'if-match': '"2"' })).status).toBe(200);
  });

  it('refuses a non-admin writing business defaults; an admin may', async () => {
    const current = await callApi(service.url, token('jordan'), 'GET', '/api/business-defaults');
    const { defaults, version } = versionedBusinessDefaultsSchema.parse(current.body);
    expect(current.headers.get('etag')).toBe(`"${version}"`);
    expect(defaults.recipients.map((recipient) => recipient.userId)).toEqual(['user-sam']);
    const refused = await callApi(
      service.url,
      token('jordan'),
      'PUT',
      '/api/business-defaults',
      { defaults },
      {
        'if-match': `"${version}"`,
      },
    );
    expect(refused.status).toBe(403);
    expect(apiErrorSchema.parse(refused.body).reason).toBe(roleRefusals.businessDefaultsNeedAdmin);
    const accepted = await callApi(
      service.url,
      token('alex'),
      'PUT',
      '/api/business-defaults',
      { defaults: { ...defaults, allowedChannels: { ...defaults.allowedChannels, text: false } } },
      { 'if-match': `"${version}"` },
    );
    expect(accepted.status).toBe(200);
    expect(versionedBusinessDefaultsSchema.parse(accepted.body).version).toBe(version + 1);

    const stranger = await callApi(
      service.url,
      token('alex'),
      'PUT',
      '/api/business-defaults',
      {
        defaults: {
          ...defaults,
          recipients: [...defaults.recipients, { ...defaults.recipients[0], userId: 'user-x' }],
        },
      },
      { 'if-match': `"${version + 1}"` },
    );
    expect(stranger.status).toBe(400);
    expect(apiErrorSchema.parse(stranger.body).fields?.map((field) => field.path)).toEqual([
      'defaults.recipients.1.userId',
    ]);
  });
});

describe('Idempotency-Key', () => {
  async function appliedWithKey(key: string) {
    const answer = await callApi(
      service.url,
      token('sam'),
      'GET',
      `/api/debug/applied-changes?idempotencyKey=${key}`,
    );
    return appliedChangesSchema.parse(answer.body).changes;
  }

  it('applies a change once when the same key is sent twice, answering the first response', async () => {
    const { preferences } = await getPreferences('jordan');
    const changed = { ...preferences, fisherMode: true };
    const headers = { 'if-match': '"1"', 'idempotency-key': 'change-1' };
    const first = await putPreferences('jordan', changed, headers);
    const second = await putPreferences('jordan', changed, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('etag')).toBe('"2"');
    expect((await getPreferences('jordan')).version).toBe(2);
    expect(await appliedWithKey('change-1')).toHaveLength(1);
  });

  it('remembers keys across a service restart', async () => {
    const { preferences } = await getPreferences('jordan');
    const changed = { ...preferences, leadScoreThreshold: 80 };
    const headers = { 'if-match': '"1"', 'idempotency-key': 'change-restart' };
    const first = await putPreferences('jordan', changed, headers);
    expect(first.status).toBe(200);
    await service.close();
    service = await startService({ databasePath });
    const replayed = await putPreferences('jordan', changed, headers);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(first.body);
    expect((await getPreferences('jordan')).version).toBe(2);
    expect(await appliedWithKey('change-restart')).toHaveLength(1);
  });

  it('refuses a key reused for a different body (409)', async () => {
    const { preferences } = await getPreferences('jordan');
    await putPreferences(
      'jordan',
      { ...preferences, fisherMode: true },
      { 'if-match': '"1"', 'idempotency-key': 'k' },
    );
    const reused = await putPreferences(
      'jordan',
      { ...preferences, fisherMode: false },
      {
        'if-match': '"2"',
        'idempotency-key': 'k',
      },
    );
    expect(reused.status).toBe(409);
    expect(apiErrorSchema.parse(reused.body).error).toBe('conflict');
  });
});

describe('pushes on change', () => {
  it('pushes preferencesChanged to the user’s other devices, not the one that made it', async () => {
    const phone = await connectDevice(service.url, {
      token: token('jordan'),
      deviceId: 'device-phone',
      protocol: currentProtocol,
    });
    const laptop = await connectDevice(service.url, {
      token: token('jordan'),
      deviceId: 'device-laptop',
    });
    const taylor = await connectDevice(service.url, {
      token: token('taylor'),
      deviceId: 'device-t',
    });
    for (const device of [phone, laptop, taylor]) {
      await device.waitFor(
        (messages) => messages.some((message) => message.name === 'replayDone'),
        'replayDone',
      );
    }
    const { preferences } = await getPreferences('jordan');
    const changed = { ...preferences, fisherMode: true };
    await putPreferences('jordan', changed, { 'if-match': '"1"', 'x-device-id': 'device-laptop' });
    await phone.waitFor(
      (messages) => messages.some((message) => message.name === 'preferencesChanged'),
      'preferencesChanged on the phone',
    );
    const pushed = socketMessages.preferencesChanged.parse(phone.payloads('preferencesChanged')[0]);
    expect(pushed).toEqual({ version: 2, preferences: changed, deviceId: 'device-laptop' });

    // A later push every device gets proves the laptop and Taylor had nothing before it.
    const defaults = await callApi(service.url, token('sam'), 'GET', '/api/business-defaults');
    const current = versionedBusinessDefaultsSchema.parse(defaults.body);
    await callApi(
      service.url,
      token('sam'),
      'PUT',
      '/api/business-defaults',
      { defaults: current.defaults },
      {
        'if-match': `"${current.version}"`,
      },
    );
    for (const device of [phone, laptop, taylor]) {
      await device.waitFor(
        (messages) => messages.some((message) => message.name === 'businessDefaultsChanged'),
        'businessDefaultsChanged',
      );
    }
    expect(laptop.payloads('preferencesChanged')).toEqual([]);
    expect(taylor.payloads('preferencesChanged')).toEqual([]);
    expect(
      versionedBusinessDefaultsSchema.parse(taylor.payloads('businessDefaultsChanged')[0]).version,
    ).toBe(current.version + 1);
    for (const device of [phone, laptop, taylor]) device.close();
  });
});
