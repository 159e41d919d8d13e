import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  appliedChangesSchema,
  coverageWarnings,
  currentProtocol,
  diagnose,
  diagnoseAnswerSchema,
  memberContext,
  socketMessages,
  teamSchema,
  versionedPreferencesSchema,
  type Team,
  type UserPreferences,
} from '../common';
import { ManualClock } from '../test/support/manual-clock';
import { callApi, connectDevice } from '../test/support/service-test-client';
import { createServiceStore } from './store';
import { openServiceDatabase } from './database';
import { startService, type RunningService } from './index';

let folder: string;
let databasePath: string;
let service: RunningService;
const clock = new ManualClock(Date.parse('2026-03-02T17:42:00Z'));

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-team-'));
  databasePath = join(folder, 'service.sqlite');
  service = await startService({ databasePath, clock });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

const token = (key: string) => service.tokens[key] ?? '';

async function preferencesOf(key: string) {
  return versionedPreferencesSchema.parse(
    (await callApi(service.url, token(key), 'GET', '/api/preferences')).body,
  );
}

function putMember(adminKey: string, userId: string, preferences: UserPreferences, version = 1) {
  return callApi(
    service.url,
    token(adminKey),
    'PUT',
    `/api/members/${userId}/preferences`,
    { preferences },
    { 'if-match': `"${version}"` },
  );
}

async function teamOf(key: string): Promise<Team> {
  const answer = await callApi(service.url, token(key), 'GET', '/api/team');
  expect(answer.status).toBe(200);
  return teamSchema.parse(answer.body);
}

/** A second business with its own admin, written beside the running service (WAL allows it). */
function addOtherBusiness(): void {
  const other = createServiceStore(openServiceDatabase(databasePath));
  other.transaction(() => {
    other.database
      .prepare(
        `INSERT INTO businesses (id, name, defaults_json, defaults_version)
           SELECT 'business-other', 'Other Co', defaults_json, 1 FROM businesses LIMIT 1`,
      )
      .run();
    other.database
      .prepare(
        `INSERT INTO users (id, key, business_id, name, email, role, preferences_json,
           preferences_version)
           SELECT 'user-other', 'other', 'business-other', 'Olga Other', 'olga@example.com',
             'admin', preferences_json, 1 FROM users WHERE id = 'user-alex'`,
      )
      .run();
    other.database
      .prepare("INSERT INTO tokens (token, user_id) VALUES ('token-other', 'user-other')")
      .run();
  });
  other.database.close();
  service.tokens.other = 'token-other';
}

describe('an admin writes a member’s preferences', () => {
  it('applies it, records who changed what, and pushes the actor to the member’s devices', async () => {
    const member = await connectDevice(service.url, {
      token: token('jordan'),
      deviceId: 'device-jordan',
      protocol: currentProtocol,
    });
    // A companion of protocol 3 refuses a push with fields it does not know (strict schema).
    const older = await connectDevice(service.url, {
      token: token('jordan'),
      deviceId: 'device-jordan-older',
      protocol: 3,
    });
    try {
      const { preferences } = await preferencesOf('jordan');
      const changed = {
        ...preferences,
        alertChannels: {
          ...preferences.alertChannels,
          textPersonal: { ...preferences.alertChannels.textPersonal, desktop: false },
        },
      };
      const answer = await putMember('sam', 'user-jordan', changed);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('etag')).toBe('"2"');
      expect((await preferencesOf('jordan')).preferences).toEqual(changed);

      await member.waitFor(
        (messages) => messages.some((message) => message.name === 'preferencesChanged'),
        'the member hears the change',
      );
      const push = socketMessages.preferencesChanged.parse(
        member.payloads('preferencesChanged')[0],
      );
      expect(push).toMatchObject({
        version: 2,
        deviceId: null,
        changedBy: { userId: 'user-sam', name: 'Sam Rivera', at: '2026-03-02T17:42:00.000Z' },
      });
      await older.waitFor(
        (messages) => messages.some((message) => message.name === 'preferencesChanged'),
        'the older device hears the change',
      );
      const protocol3Push = socketMessages.preferencesChanged
        .omit({ changedBy: true, deviceName: true })
        .safeParse(older.payloads('preferencesChanged')[0]);
      expect(protocol3Push.success).toBe(true);

      const changes = appliedChangesSchema.parse(
        (
          await callApi(
            service.url,
            token('sam'),
            'GET',
            '/api/debug/applied-changes?userId=user-jordan',
          )
        ).body,
      ).changes;
      expect(changes).toEqual([
        expect.objectContaining({
          userId: 'user-jordan',
          version: 2,
          actor: { userId: 'user-sam', name: 'Sam Rivera' },
        }),
      ]);
      const jordan = (await teamOf('alex')).members.find((each) => each.user.id === 'user-jordan');
      expect(jordan?.lastChange).toEqual({
        userId: 'user-sam',
        name: 'Sam Rivera',
        at: '2026-03-02T17:42:00.000Z',
      });
    } finally {
      older.close();
      member.close();
    }
  });

  it('pushes no actor when members change their own preferences', async () => {
    const { preferences } = await preferencesOf('jordan');
    const answer = await callApi(
      service.url,
      token('jordan'),
      'PUT',
      '/api/preferences',
      { preferences: { ...preferences, fisherMode: true } },
      { 'if-match': '"1"' },
    );
    expect(answer.status).toBe(200);
    const jordan = (await teamOf('alex')).members.find((each) => each.user.id === 'user-jordan');
    expect(jordan?.lastChange).toBeNull();
  });

  it('refuses a non-admin with 403', async () => {
    const { preferences } = await preferencesOf('jordan');
    const answer = await putMember('taylor', 'user-jordan', { ...preferences, fisherMode: true });
    expect(answer.status).toBe(403);
    expect(apiErrorSchema.parse(answer.body).reason).toBe(
      "Only admins can change a member's settings",
    );
    expect((await preferencesOf('jordan')).version).toBe(1);
  });

  it('refuses 403 outside the business, either way', async () => {
    addOtherBusiness();
    const { preferences } = await preferencesOf('jordan');
    const intoHarbor = await putMember('other', 'user-jordan', {
      ...preferences,
      fisherMode: true,
    });
    expect(intoHarbor.status).toBe(403);
    expect(apiErrorSchema.parse(intoHarbor.body).reason).toBe(
      'user-jordan is not a member of your business',
    );
    const outOfHarbor = await putMember('alex', 'user-other', preferences);
    expect(outOfHarbor.status).toBe(403);
    const unknown = await putMember('alex', 'user-nobody', preferences);
    expect(unknown.status).toBe(403);
    expect((await preferencesOf('jordan')).version).toBe(1);
  });

  it('refuses a mandatory channel turned off with the lock’s reason', async () => {
    const { preferences } = await preferencesOf('sam');
    const answer = await putMember('alex', 'user-sam', {
      ...preferences,
      alertChannels: {
        ...preferences.alertChannels,
        paymentFailed: { ...preferences.alertChannels.paymentFailed, email: false },
      },
    });
    expect(answer.status).toBe(403);
    expect(apiErrorSchema.parse(answer.body).reason).toBe(
      'Your business requires payment failures by email',
    );
  });

  it('keeps one Idempotency-Key for two members as two requests', async () => {
    const jordan = (await preferencesOf('jordan')).preferences;
    const headers = { 'if-match': '"1"', 'idempotency-key': 'same-key' };
    const body = { preferences: { ...jordan, fisherMode: true } };
    const first = await callApi(
      service.url,
      token('alex'),
      'PUT',
      '/api/members/user-jordan/preferences',
      body,
      headers,
    );
    expect(first.status).toBe(200);
    const second = await callApi(
      service.url,
      token('alex'),
      'PUT',
      '/api/members/user-taylor/preferences',
      body,
      headers,
    );
    expect(second.status).toBe(409);
  });
});

describe('GET /api/team', () => {
  it('lists every member with what diagnose needs, for admins only', async () => {
    const agent = await callApi(service.url, token('jordan'), 'GET', '/api/team');
    expect(agent.status).toBe(403);

    const team = await teamOf('alex');
    expect(team.business).toEqual({ id: 'biz-harbor', name: 'Harbor Dental' });
    expect(team.members.map((member) => [member.user.id, member.user.role])).toEqual([
      ['user-sam', 'billingAdmin'],
      ['user-alex', 'admin'],
      ['user-jordan', 'agent'],
      ['user-taylor', 'agent'],
    ]);
    const jordan = team.members.find((member) => member.user.id === 'user-jordan');
    expect(jordan?.lineIds).toEqual(['line-jordan', 'line-support']);
    expect(jordan?.ringGroupIds).toEqual(['rg-support']);
    expect(team.lines.map((line) => line.id)).toEqual(
      expect.arrayContaining(['line-support', 'line-jordan', 'line-taylor']),
    );
    expect(team.now).toBe(clock.now());
  });
});

describe('GET /api/diagnose', () => {
  async function diagnoseAs(key: string, query: string) {
    return callApi(service.url, token(key), 'GET', `/api/diagnose?${query}`);
  }

  it('answers the caller’s diagnosis, the same as diagnose over the team’s parts', async () => {
    const own = await diagnoseAs('jordan', 'alertType=callRingGroup');
    expect(own.status).toBe(200);
    const answer = diagnoseAnswerSchema.parse(own.body);
    expect(answer.userId).toBe('user-jordan');
    expect(answer.diagnosis.wouldAlert).toBe(true);

    const team = await teamOf('alex');
    const member = team.members.find((each) => each.user.id === 'user-jordan');
    if (!member) throw new Error('no Jordan');
    // The same context the window's team page builds for the member.
    const context = memberContext(team, member);
    expect(answer.diagnosis).toEqual(diagnose('callRingGroup', context));
  });

  it('narrows to one line, and refuses a line that is not the member’s', async () => {
    const { preferences } = await preferencesOf('jordan');
    await callApi(
      service.url,
      token('jordan'),
      'PUT',
      '/api/preferences',
      {
        preferences: {
          ...preferences,
          mutes: { ...preferences.mutes, lines: [{ lineId: 'line-jordan', until: null }] },
        },
      },
      { 'if-match': '"1"' },
    );
    const personal = diagnoseAnswerSchema.parse(
      (await diagnoseAs('jordan', 'alertType=callPersonal&lineId=line-jordan')).body,
    );
    expect(personal.lineId).toBe('line-jordan');
    expect(personal.diagnosis.reasons.map((reason) => reason.code)).toContain('lineMuted');
    const notTheirs = await diagnoseAs('jordan', 'alertType=callPersonal&lineId=line-taylor');
    expect(notTheirs.status).toBe(400);
    expect(apiErrorSchema.parse(notTheirs.body).fields?.[0]?.path).toBe('lineId');
  });

  it('lets an admin diagnose a member of their business, and nobody else', async () => {
    addOtherBusiness();
    const asAdmin = diagnoseAnswerSchema.parse(
      (await diagnoseAs('alex', 'alertType=textPersonal&userId=user-jordan')).body,
    );
    const asJordan = diagnoseAnswerSchema.parse(
      (await diagnoseAs('jordan', 'alertType=textPersonal')).body,
    );
    expect(asAdmin).toEqual(asJordan);
    expect((await diagnoseAs('taylor', 'alertType=textPersonal&userId=user-jordan')).status).toBe(
      403,
    );
    expect((await diagnoseAs('other', 'alertType=textPersonal&userId=user-jordan')).status).toBe(
      403,
    );
    expect((await diagnoseAs('jordan', 'alertType=nothing')).status).toBe(400);
  });
});

describe('coverage warnings over the team (common/team-coverage.ts)', () => {
  async function muteSupport(key: string, muted: boolean) {
    const { version, preferences } = await preferencesOf(key);
    const lines = muted ? [{ lineId: 'line-support', until: null }] : [];
    const answer = await callApi(
      service.url,
      token(key),
      'PUT',
      '/api/preferences',
      { preferences: { ...preferences, mutes: { ...preferences.mutes, lines } } },
      { 'if-match': `"${version}"` },
    );
    expect(answer.status).toBe(200);
  }

  it('warns when nobody would get a desktop alert for a call to a line, until one un-mutes', async () => {
    const lineWarnings = async () =>
      coverageWarnings(await teamOf('alex')).filter((warning) => warning.key.startsWith('line:'));
    expect(await lineWarnings()).toEqual([]);
    await muteSupport('jordan', true);
    expect(await lineWarnings()).toEqual([]);
    await muteSupport('taylor', true);
    const warnings = await lineWarnings();
    expect(warnings.map((warning) => warning.summary)).toEqual([
      'Nobody would get a desktop alert for a call to Support Line (ring group Support) right now',
    ]);
    expect(warnings[0]?.details).toEqual([
      'Jordan Park: “Calls on Support Line are muted until they unmute”',
      'Taylor Reed: “Calls on Support Line are muted until they unmute”',
    ]);
    await muteSupport('taylor', false);
    expect(await lineWarnings()).toEqual([]);
  });

  it('warns when a business alert reaches no recipient on a working channel', async () => {
    const defaults = (await teamOf('alex')).defaults;
    const answer = await callApi(
      service.url,
      token('alex'),
      'PUT',
      '/api/business-defaults',
      { defaults: { ...defaults, recipients: [] } },
      { 'if-match': '"1"' },
    );
    expect(answer.status).toBe(200);
    const summaries = coverageWarnings(await teamOf('alex')).map((warning) => warning.summary);
    expect(summaries).toContain('Nobody would get new leads on any working channel right now');
    expect(summaries).toContain(
      'Nobody would get payment failures on any working channel right now',
    );
  });
});
