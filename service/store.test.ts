import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventKinds,
  outboxPageSchema,
  serviceEventSchema,
  userAlertTypes,
  versionedPreferencesSchema,
} from '../common';
import { DatabaseFromFutureError, databaseVersion, openServiceDatabase } from './database';
import { startService } from './index';
import { ManualClock } from '../test/support/manual-clock';
import { sampleEventBodies } from '../test/support/sample-event-bodies';
import { callApi, connectDevice } from '../test/support/service-test-client';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'service-store-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('service database', () => {
  it('migrates a new file to the current version in WAL mode', () => {
    const database = openServiceDatabase(join(folder, 'nested', 'service.sqlite'));
    expect(database.pragma('user_version', { simple: true })).toBe(databaseVersion);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });

  it('refuses a file written by a newer service', () => {
    const path = join(folder, 'future.sqlite');
    const future = new Database(path);
    future.pragma(`user_version = ${databaseVersion + 1}`);
    future.close();
    expect(() => openServiceDatabase(path)).toThrow(DatabaseFromFutureError);
  });
});

describe('every event kind', () => {
  it('can be emitted, is pushed valid, and is described in the outbox when the policy emails it', async () => {
    const fixed = Date.parse('2030-01-15T15:00:00.000Z');
    const service = await startService({
      databasePath: join(folder, 'service.sqlite'),
      clock: new ManualClock(fixed),
    });
    try {
      const device = await connectDevice(service.url, { token: service.tokens.sam ?? '' });
      for (const kind of eventKinds) service.inject('user-sam', sampleEventBodies[kind]);
      // The usage update at 90 % derives the service's own 90 % alert, right after it.
      const kinds = eventKinds.flatMap((kind) =>
        kind === 'usage' ? [kind, 'usageThreshold' as const] : [kind],
      );
      await device.waitFor(
        (messages) =>
          messages.filter((message) => message.name === 'event').length === kinds.length,
        'every kind',
      );
      const events = device.payloads('event').map((payload) => serviceEventSchema.parse(payload));
      expect(events.map((event) => event.kind)).toEqual(kinds);
      expect(new Set(events.map((event) => event.occurredAt))).toEqual(
        new Set(['2030-01-15T15:00:00.000Z']),
      );
      // Sam (billing admin, recipient) gets email for usage, payment, leads and reports.
      const outbox = outboxPageSchema.parse(
        (await callApi(service.url, service.tokens.sam ?? '', 'GET', '/api/outbox')).body,
      );
      const subjects = outbox.entries.map((entry) => entry.subject);
      expect(subjects).toEqual(
        expect.arrayContaining([
          'Payment failed',
          'New lead: Grace Kim',
          'Account report: webhook failure reports',
        ]),
      );
      expect(outbox.entries.every((entry) => entry.createdAt === '2030-01-15T15:00:00.000Z')).toBe(
        true,
      );
      device.close();
    } finally {
      await service.close();
    }
  });

  it('describes every kind for the agent whose lines they are on', async () => {
    const service = await startService({ databasePath: join(folder, 'service.sqlite') });
    try {
      // Email for every alert type, so each kind's words reach the outbox.
      const token = service.tokens.jordan ?? '';
      const { version, preferences } = versionedPreferencesSchema.parse(
        (await callApi(service.url, token, 'GET', '/api/preferences')).body,
      );
      for (const type of userAlertTypes) preferences.alertChannels[type].email = true;
      const put = await callApi(
        service.url,
        token,
        'PUT',
        '/api/preferences',
        { preferences },
        { 'if-match': `"${version}"` },
      );
      expect(put.status).toBe(200);
      for (const kind of eventKinds) service.inject('user-jordan', sampleEventBodies[kind]);
      const outbox = outboxPageSchema.parse(
        (await callApi(service.url, service.tokens.jordan ?? '', 'GET', '/api/outbox')).body,
      );
      const subjects = outbox.entries.map((entry) => entry.subject);
      expect(subjects).toEqual(
        expect.arrayContaining([
          'Incoming call from Ann Lee',
          'New text from Ann Lee',
          'New voicemail from an unknown caller',
          'New fax from Ann Lee',
          'High SMS volume from Ann Lee',
          'Alex Morgan mentioned you',
          'Contact assigned: Ann Lee',
          // In Jordan's time zone and words, never an ISO string.
          expect.stringMatching(/^Reminder: Check-up with Ann Lee (on|tomorrow|at) .*9:00 AM PST$/),
        ]),
      );
    } finally {
      await service.close();
    }
  });
});
