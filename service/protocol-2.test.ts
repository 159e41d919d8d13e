import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { socketMessages, type ServiceEvent } from '../common';
import { databaseVersion } from './database';
import { cleanupAfterEach } from '../test/support/cleanups';
import { pushedEvents, ServiceFixture } from '../test/support/service-fixture';
import { demoUsers } from './seed';
import type { RecordedMessage, TestDevice } from '../test/support/service-test-client';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-protocol-2-');
let fixture: ServiceFixture;

beforeEach(async () => {
  fixture = new ServiceFixture(temporaryFolder());
  defer(() => fixture.stop());
  await fixture.start();
});

const mention = (excerpt: string) => ({
  kind: 'mention',
  byName: 'Alex Morgan',
  conversation: 'Front desk',
  excerpt,
});

function mentionJordan(count: number, from = 1): ServiceEvent[] {
  return Array.from({ length: count }, (_, index) =>
    fixture.service.inject(demoUsers.jordan.id, mention(`note ${from + index}`)),
  ).flat();
}

const replayDone = (messages: RecordedMessage[]) =>
  messages.some((message) => message.name === 'replayDone');

function session(device: TestDevice) {
  const [first] = device.messages;
  expect(first?.name).toBe('session');
  return socketMessages.session.parse(first?.payload);
}

describe('the data epoch (protocol 2)', () => {
  it('sends session first: this epoch, replaying from the device’s afterSeq', async () => {
    mentionJordan(5);
    const fresh = await fixture.connect('jordan', { deviceId: 'device-new', epoch: null });
    await fresh.waitFor(replayDone, 'replayDone');
    const { epoch: current } = session(fresh);
    expect(session(fresh)).toEqual({ epoch: current, replayFrom: 0, reset: false });
    expect(pushedEvents(fresh).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);

    const known = await fixture.connect('jordan', { afterSeq: 3, epoch: current });
    await known.waitFor(replayDone, 'replayDone');
    expect(session(known)).toEqual({ epoch: current, replayFrom: 3, reset: false });
    expect(pushedEvents(known).map((event) => event.seq)).toEqual([4, 5]);

    // An older companion upgraded: no epoch yet, a seq from before. Same epoch.
    const upgraded = await fixture.connect('jordan', { afterSeq: 4, epoch: null });
    await upgraded.waitFor(replayDone, 'replayDone');
    expect(session(upgraded)).toEqual({ epoch: current, replayFrom: 4, reset: false });

    // Beyond the newest seq (and the same epoch): from the newest, as before.
    const ahead = await fixture.connect('jordan', { afterSeq: 99, epoch: current });
    await ahead.waitFor(replayDone, 'replayDone');
    expect(session(ahead)).toEqual({ epoch: current, replayFrom: 5, reset: false });
  });

  it('keeps its epoch across a restart on the same database and answers it with every page', async () => {
    const before = await fixture.connect('jordan');
    await before.waitFor(replayDone, 'replayDone');
    const { epoch } = session(before);
    await fixture.restart();
    const after = await fixture.connect('jordan');
    await after.waitFor(replayDone, 'replayDone');
    expect(session(after).epoch).toBe(epoch);
    expect(epoch).toMatch(/^epoch-[0-9a-f]{32}$/);
  });

  it('after a reset of the service’s database, replays every event of the new one from 0', async () => {
    mentionJordan(5);
    const device = await fixture.connect('jordan');
    await device.waitFor(replayDone, 'replayDone');
    const old = session(device).epoch;

    await fixture.stop();
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${fixture.databasePath}${suffix}`, { force: true });
    await fixture.start();
    const emitted = mentionJordan(3, 100);

    const back = await fixture.connect('jordan', { afterSeq: 5, epoch: old });
    await back.waitFor(replayDone, 'replayDone');
    const renewed = session(back);
    expect(renewed.epoch).not.toBe(old);
    expect(renewed).toEqual({ epoch: renewed.epoch, replayFrom: 0, reset: true });
    expect(pushedEvents(back).map((event) => event.id)).toEqual(emitted.map((event) => event.id));
    expect(back.messages.map((message) => message.name)).toEqual([
      'session',
      'event',
      'event',
      'event',
      'replayDone',
    ]);
  });
});

describe('protocol 1 (a companion that sends no protocol)', () => {
  it('gets no session and events without outcome, replayed and live, derived ones included', async () => {
    mentionJordan(2);
    const device = await fixture.connect('jordan', { protocol: null, epoch: null });
    await device.waitFor(replayDone, 'replayDone');
    fixture.service.inject(demoUsers.jordan.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 1000,
      includedMinutes: 1000,
    });
    await device.waitFor(
      (messages) => messages.filter((message) => message.name === 'event').length === 4,
      'four events',
    );
    expect(device.messages.map((message) => message.name)).toEqual([
      'event',
      'event',
      'replayDone',
      'event',
      'event',
    ]);
    const events = pushedEvents(device);
    expect(events.map((event) => event.kind)).toEqual([
      'mention',
      'mention',
      'usage',
      'usageThreshold',
    ]);
    expect(events.every((event) => !('outcome' in event))).toBe(true);
    // The same events carry their outcome for a protocol-2 device and over HTTP.
    const paged = await fixture.events('jordan');
    expect(paged.every((event) => event.outcome?.deliveries.length === 2)).toBe(true);
    expect(paged.map(({ outcome, ...event }) => (void outcome, event))).toEqual(events);
  });
});

describe('outcomes', () => {
  it('say why nothing was sent, in words, within the schema’s limits', async () => {
    const device = await fixture.connect('jordan');
    const [event] = fixture.service.inject(demoUsers.jordan.id, mention('hello'));
    await device.waitFor(
      (messages) => messages.some((message) => message.name === 'event'),
      'the mention',
    );
    const [pushed] = pushedEvents(device);
    expect(pushed?.id).toBe(event?.id);
    expect(pushed?.outcome?.deliveries).toEqual([
      {
        channel: 'email',
        status: 'sent',
        outboxId: expect.any(Number) as number,
        destination: 'jordan@harbor-dental.example.com',
      },
      {
        channel: 'text',
        status: 'notSent',
        code: 'channelOffByUser',
        explanation: 'SMS notifications are off — turn them on in Channels',
      },
    ]);
  });
});

describe('a database from before outcomes and detector state (version 2)', () => {
  it('migrates to the current version; its events replay without an outcome, new ones have one', async () => {
    mentionJordan(2);
    await fixture.stop();
    // Back to version 2: no detector state, events stored as they were then (no outcome).
    const database = new Database(fixture.databasePath);
    database.exec(
      `DROP TABLE detector_state; DROP TABLE burst_windows; DROP TABLE destination_hours;
       DROP TABLE held_messages; DROP INDEX applied_changes_by_user;
       ALTER TABLE applied_changes DROP COLUMN actor_user_id;
       ALTER TABLE applied_changes DROP COLUMN actor_name;
       ALTER TABLE applied_changes DROP COLUMN device_id;
       ALTER TABLE applied_changes DROP COLUMN device_name`,
    );
    for (const row of database
      .prepare<[], { id: string; event_json: string }>('SELECT id, event_json FROM events')
      .all()) {
      const { outcome, ...event } = JSON.parse(row.event_json) as ServiceEvent & {
        outcome?: unknown;
      };
      void outcome;
      database
        .prepare('UPDATE events SET event_json = ? WHERE id = ?')
        .run(JSON.stringify(event), row.id);
    }
    database.pragma('user_version = 2');
    database.close();

    await fixture.start();
    expect(databaseVersion).toBe(6);
    mentionJordan(1, 3);
    const device = await fixture.connect('jordan');
    await device.waitFor(replayDone, 'replayDone');
    expect(pushedEvents(device).map((event) => event.outcome?.deliveries.length ?? 0)).toEqual([
      0, 0, 2,
    ]);
    expect((await fixture.events('jordan')).map((event) => 'outcome' in event)).toEqual([
      false,
      false,
      true,
    ]);
  });
});
