import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  appliedChangesSchema,
  eventPageSchema,
  injectEventResultSchema,
  outboxPageSchema,
  roleRefusals,
  serviceEventSchema,
  socketMessages,
  testNotificationResultSchema,
  versionedPreferencesSchema,
  type ServiceEvent,
  type UserAlertType,
} from '../common';
import { openServiceDatabase } from './database';
import { startService, type RunningService } from './index';
import { createServiceStore } from './store';
import {
  callApi,
  connectDevice,
  type RecordedMessage,
  type TestDevice,
} from '../test/support/service-test-client';

let folder: string;
let databasePath: string;
let service: RunningService;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-events-'));
  databasePath = join(folder, 'service.sqlite');
  service = await startService({ databasePath });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

const token = (key: string) => service.tokens[key] ?? '';

const mention = (excerpt: string) => ({
  kind: 'mention',
  byName: 'Alex Morgan',
  conversation: 'Front desk',
  excerpt,
});

const annTexts = (body: string) => ({
  kind: 'text',
  lineId: 'line-jordan',
  from: '+14155552631',
  contactName: 'Ann Lee',
  body,
});

function inject(userId: string, event: unknown) {
  return callApi(service.url, token('sam'), 'POST', '/api/events', { userId, event });
}

const eventsOf = (device: TestDevice) =>
  device.payloads('event').map((payload) => serviceEventSchema.parse(payload));

const hasEvents = (count: number) => (messages: RecordedMessage[]) =>
  messages.filter((message) => message.name === 'event').length >= count;

const replayDone = (messages: RecordedMessage[]) =>
  messages.some((message) => message.name === 'replayDone');

describe('injection', () => {
  it('stores an event with a per-user increasing seq and answers its id', async () => {
    const first = await inject('user-jordan', mention('one'));
    const second = await inject('*', mention('two'));
    expect(first.status).toBe(200);
    expect(
      injectEventResultSchema.parse(first.body).events.map(({ seq, userId }) => ({ seq, userId })),
    ).toEqual([{ seq: 1, userId: 'user-jordan' }]);
    const everyone = injectEventResultSchema.parse(second.body).events;
    expect(everyone.map((event) => [event.userId, event.seq])).toEqual([
      ['user-sam', 1],
      ['user-alex', 1],
      ['user-jordan', 2],
      ['user-taylor', 1],
    ]);
    expect(new Set(everyone.map((event) => event.id)).size).toBe(4);
  });

  it('answers 400 naming each invalid field of the event body', async () => {
    const answer = await inject('user-jordan', {
      kind: 'text',
      lineId: 'line-jordan',
      from: '555-5555',
      contactName: null,
      body: 'x'.repeat(2001),
    });
    expect(answer.status).toBe(400);
    const error = apiErrorSchema.parse(answer.body);
    expect(error.fields?.map((field) => field.path).sort()).toEqual(['event.body', 'event.from']);

    const unknownKind = await inject('user-jordan', { kind: 'explosion' });
    expect(unknownKind.status).toBe(400);
    expect(apiErrorSchema.parse(unknownKind.body).fields?.[0]?.path).toBe('event.kind');

    const extra = await inject('user-jordan', { ...mention('hi'), seq: 99 });
    expect(apiErrorSchema.parse(extra.body).reason).toMatch(/seq/);

    const nobody = await inject('user-nobody', mention('hi'));
    expect(apiErrorSchema.parse(nobody.body).fields?.[0]?.path).toBe('userId');
  });

  it('refuses injection by an agent', async () => {
    const answer = await callApi(service.url, token('jordan'), 'POST', '/api/events', {
      userId: 'user-jordan',
      event: mention('hi'),
    });
    expect(answer.status).toBe(403);
    expect(apiErrorSchema.parse(answer.body).reason).toBe(roleRefusals.injectionNeedsAdmin);
  });
});

describe('replay', () => {
  it('sends the events after afterSeq in order, then replayDone, then live events', async () => {
    for (const word of ['one', 'two', 'three', 'four'])
      service.inject('user-taylor', mention(word));
    const device = await connectDevice(service.url, { token: token('taylor'), afterSeq: 2 });
    await device.waitFor(replayDone, 'replayDone');
    service.inject('user-taylor', mention('five'));
    await device.waitFor(hasEvents(3), 'the live event');
    expect(device.messages.map((message) => message.name)).toEqual([
      'event',
      'event',
      'replayDone',
      'event',
    ]);
    expect(
      eventsOf(device).map((event) => [event.seq, event.kind === 'mention' && event.excerpt]),
    ).toEqual([
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
    ]);
    expect(socketMessages.replayDone.parse(device.payloads('replayDone')[0])).toEqual({
      lastSeq: 4,
      replayed: 2,
    });
    device.close();
  });

  it('has no gap and no duplicate when events arrive while a long backlog is replayed', async () => {
    for (let index = 0; index < 1_600; index += 1)
      service.inject('user-jordan', mention(`backlog ${index}`));
    const device = await connectDevice(service.url, { token: token('jordan'), afterSeq: 100 });
    // Events injected while the backlog (several pages) is on its way.
    const live: ServiceEvent[] = [];
    while (!device.messages.some((message) => message.name === 'replayDone') && live.length < 200) {
      live.push(...service.inject('user-jordan', mention(`during replay ${live.length}`)));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    live.push(...service.inject('user-jordan', mention('after replay')));
    const last = live.at(-1)?.seq ?? 0;
    await device.waitFor(hasEvents(last - 100), 'every event up to the last');
    const seqs = eventsOf(device).map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: last - 100 }, (_, index) => 101 + index));
    device.close();
  });

  it('replays across a service restart with seqs that keep increasing', async () => {
    service.inject('user-jordan', mention('before restart 1'));
    service.inject('user-jordan', mention('before restart 2'));
    await service.close();
    service = await startService({ databasePath });
    const [after] = service.inject('user-jordan', mention('after restart'));
    expect(after?.seq).toBe(3);
    const device = await connectDevice(service.url, { token: token('jordan'), afterSeq: 1 });
    await device.waitFor(replayDone, 'replayDone');
    expect(eventsOf(device).map((event) => event.seq)).toEqual([2, 3]);
    device.close();
  });

  it('pages stored events over HTTP', async () => {
    for (const word of ['a', 'b', 'c']) service.inject('user-alex', mention(word));
    const answer = await callApi(
      service.url,
      token('alex'),
      'GET',
      '/api/events?afterSeq=1&limit=1',
    );
    const page = eventPageSchema.parse(answer.body);
    expect(page.events.map((event) => event.seq)).toEqual([2]);
    expect(page.lastSeq).toBe(3);
    const bad = await callApi(service.url, token('alex'), 'GET', '/api/events?afterSeq=-4');
    expect(bad.status).toBe(400);
  });
});

describe('outbox and presence', () => {
  /** Turns the text channel on, and email and SMS for each of `types` (per-type channels). */
  async function enableTexts(key: string, ...types: UserAlertType[]) {
    const current = versionedPreferencesSchema.parse(
      (await callApi(service.url, token(key), 'GET', '/api/preferences')).body,
    );
    const preferences = {
      ...current.preferences,
      channels: {
        ...current.preferences.channels,
        text: { ...current.preferences.channels.text, enabled: true },
      },
    };
    for (const type of types) {
      preferences.alertChannels[type] = { desktop: true, inApp: true, email: true, text: true };
    }
    const answer = await callApi(
      service.url,
      token(key),
      'PUT',
      '/api/preferences',
      { preferences },
      {
        'if-match': `"${current.version}"`,
      },
    );
    expect(answer.status).toBe(200);
  }

  async function outboxOf(key: string) {
    return outboxPageSchema.parse(
      (await callApi(service.url, token(key), 'GET', '/api/outbox')).body,
    ).entries;
  }

  it('never shows an admin the outbox or applied changes of another business', async () => {
    // A second business with its own admin, written beside the running service (WAL allows it).
    const other = createServiceStore(openServiceDatabase(databasePath));
    const demo = other.users()[0];
    if (!demo) throw new Error('no demo user');
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
               'admin', preferences_json, 1 FROM users WHERE id = ?`,
        )
        .run(demo.id);
      other.database
        .prepare("INSERT INTO tokens (token, user_id) VALUES ('token-other', 'user-other')")
        .run();
      other.appendOutbox({
        userId: 'user-other',
        eventId: null,
        channel: 'email',
        destination: 'olga@example.com',
        sender: null,
        subject: 'Private',
        body: 'Only for Other Co',
        createdAt: new Date().toISOString(),
      });
      other.recordAppliedChange({
        userId: 'user-other',
        target: 'preferences',
        version: 2,
        idempotencyKey: 'other-key',
        appliedAt: new Date().toISOString(),
        actor: null,
      });
    });
    other.database.close();

    const entriesFor = async (tokenValue: string, query = '') =>
      outboxPageSchema.parse(
        (await callApi(service.url, tokenValue, 'GET', `/api/outbox${query}`)).body,
      ).entries;
    expect((await entriesFor(token('sam'))).map((entry) => entry.userId)).not.toContain(
      'user-other',
    );
    expect(await entriesFor(token('sam'), '?userId=user-other')).toEqual([]);
    expect((await entriesFor('token-other')).map((entry) => entry.subject)).toEqual(['Private']);

    const changesFor = async (tokenValue: string) =>
      appliedChangesSchema.parse(
        (await callApi(service.url, tokenValue, 'GET', '/api/debug/applied-changes')).body,
      ).changes;
    expect((await changesFor(token('sam'))).map((change) => change.userId)).not.toContain(
      'user-other',
    );
    expect((await changesFor('token-other')).map((change) => change.idempotencyKey)).toEqual([
      'other-key',
    ]);
  });

  it('records the email and text the policy decides, from the business sender', async () => {
    await enableTexts('jordan');
    // Texts are desktop and in-app only by default; a voicemail also goes by email and SMS.
    expect(service.inject('user-jordan', annTexts('Hello?'))).toHaveLength(1);
    expect(await outboxOf('jordan')).toEqual([]);
    const [event] = service.inject('user-jordan', {
      kind: 'voicemail',
      lineId: 'line-jordan',
      from: '+14155552631',
      contactName: 'Ann Lee',
      durationSeconds: 20,
      transcript: 'Can I move my cleaning?',
    });
    const entries = await outboxOf('jordan');
    expect(entries).toEqual([
      expect.objectContaining({
        userId: 'user-jordan',
        eventId: event?.id,
        channel: 'email',
        destination: 'jordan@harbor-dental.example.com',
        sender: 'alerts@harbor-dental.example.com',
        subject: 'New voicemail from Ann Lee',
      }),
      expect.objectContaining({
        channel: 'text',
        destination: '+14155552603',
        sender: '+14155552600',
        subject: null,
      }),
    ]);
    expect(entries[1]?.body).toContain('Can I move my cleaning?');
    // Another user sees only their own outbox; an admin sees all.
    expect(await outboxOf('taylor')).toEqual([]);
    expect((await outboxOf('sam')).length).toBe(2);
    const forbidden = await callApi(
      service.url,
      token('taylor'),
      'GET',
      '/api/outbox?userId=user-jordan',
    );
    expect(forbidden.status).toBe(403);
  });

  it('holds back the text (not the email) of a ring-group call while the user is on a call', async () => {
    await enableTexts('taylor', 'callRingGroup');
    const device = await connectDevice(service.url, { token: token('taylor') });
    await device.waitFor(replayDone, 'replayDone');
    const presence = await callApi(service.url, token('taylor'), 'POST', '/api/presence', {
      onCall: true,
    });
    expect(presence.body).toEqual({ userId: 'user-taylor', onCall: true });
    await device.waitFor(
      (messages) => messages.some((message) => message.name === 'presence'),
      'presence',
    );
    expect(device.payloads('presence')).toEqual([{ onCall: true }]);
    service.inject('user-taylor', {
      kind: 'call',
      lineId: 'line-support',
      from: '+14155552633',
      contactName: 'Carla Diaz',
      callId: 'call-1',
      state: 'ringing',
    });
    expect((await outboxOf('taylor')).map((entry) => entry.channel)).toEqual(['email']);
    device.close();
  });

  it('answers a test notification per channel', async () => {
    const email = testNotificationResultSchema.parse(
      (
        await callApi(service.url, token('jordan'), 'POST', '/api/test-notification', {
          channel: 'email',
        })
      ).body,
    );
    expect(email).toEqual({
      channel: 'email',
      delivered: true,
      destination: 'jordan@harbor-dental.example.com',
      reason: null,
    });
    expect((await outboxOf('jordan')).map((entry) => [entry.channel, entry.eventId])).toEqual([
      ['email', null],
    ]);

    const text = testNotificationResultSchema.parse(
      (
        await callApi(service.url, token('jordan'), 'POST', '/api/test-notification', {
          channel: 'text',
        })
      ).body,
    );
    expect(text).toMatchObject({
      delivered: false,
      reason: 'SMS notifications are off — turn them on in Channels',
    });

    await enableTexts('sam');
    const noPhone = testNotificationResultSchema.parse(
      (
        await callApi(service.url, token('sam'), 'POST', '/api/test-notification', {
          channel: 'text',
        })
      ).body,
    );
    expect(noPhone.reason).toBe('You have no number for text alerts and no backup phone');

    const nobodyListening = testNotificationResultSchema.parse(
      (
        await callApi(service.url, token('jordan'), 'POST', '/api/test-notification', {
          channel: 'desktop',
        })
      ).body,
    );
    expect(nobodyListening.delivered).toBe(false);
    const device = await connectDevice(service.url, { token: token('jordan') });
    const desktop = testNotificationResultSchema.parse(
      (
        await callApi(service.url, token('jordan'), 'POST', '/api/test-notification', {
          channel: 'desktop',
        })
      ).body,
    );
    expect(desktop.delivered).toBe(true);
    await device.waitFor(
      (messages) => messages.some((message) => message.name === 'testNotification'),
      'testNotification',
    );
    expect(
      socketMessages.testNotification.parse(device.payloads('testNotification')[0]).channel,
    ).toBe('desktop');
    device.close();
  });
});
