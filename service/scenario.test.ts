import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isValidPhoneNumber } from 'libphonenumber-js';
import { eventPageSchema, outboxPageSchema, type ServiceEvent } from '../common';
import { demoContacts, demoLines, demoUsers } from './seed';
import {
  createHttpTarget,
  demoScenario,
  playScenario,
  startService,
  withSettings,
  type RunningService,
} from './index';
import { callApi } from '../test/support/service-test-client';

let folder: string;
let service: RunningService;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'service-scenario-'));
  service = await startService({ databasePath: join(folder, 'service.sqlite') });
});

afterEach(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('demo business', () => {
  it('uses only valid phone numbers', () => {
    const numbers = [
      ...Object.values(demoLines).map((line) => line.number),
      ...Object.values(demoContacts).map((contact) => contact.number),
      ...Object.values(demoUsers).flatMap((user) => (user.backupPhone ? [user.backupPhone] : [])),
      '+14155552600',
    ];
    for (const number of numbers) expect(isValidPhoneNumber(number), number).toBe(true);
  });
});

describe('demo scenario', () => {
  it('has a 20-text burst within 10 s from one contact on one line', () => {
    const texts = demoScenario(Date.now()).filter((step) => step.event?.kind === 'text');
    expect(texts).toHaveLength(20);
    const first = texts[0]?.at ?? 0;
    const last = texts.at(-1)?.at ?? 0;
    expect(last - first).toBeLessThan(10_000);
    expect(
      new Set(texts.map((step) => `${String(step.event?.from)} ${String(step.event?.lineId)}`))
        .size,
    ).toBe(1);
  });

  it('plays in-process, every step valid, with leads 10–95, usage 75/90/100 and a failed payment', async () => {
    const emitted: ServiceEvent[] = [];
    service.onEmit((event) => emitted.push(event));
    const tokens = Object.fromEntries(
      Object.values(demoUsers).map((user) => [user.id, user.token]),
    );
    const target = withSettings(service, service.url, demoUsers.sam.token, tokens);
    const played = await playScenario(target, demoScenario, { speed: 1_000 });
    expect(played).toBe(demoScenario(Date.now()).length);
    const kinds = new Set(emitted.map((event) => event.kind));
    for (const kind of [
      'call',
      'text',
      'voicemail',
      'fax',
      'mention',
      'contactAssigned',
      'appointmentAssigned',
      'reminderAssigned',
      'appointmentCreated',
      'usage',
      'paymentFailed',
      'lead',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    const scores = emitted.flatMap((event) =>
      event.kind === 'lead' && event.userId === 'user-sam' ? [event.score] : [],
    );
    expect(scores).toEqual([10, 35, 60, 80, 95]);
    const usage = emitted.flatMap((event) =>
      event.kind === 'usage' && event.userId === 'user-sam'
        ? [(event.usedMinutes / event.includedMinutes) * 100]
        : [],
    );
    expect(usage).toEqual([75, 90, 100]);
    expect(
      emitted.some((event) => event.kind === 'contactAssigned' && event.sequenceName !== null),
    ).toBe(true);
    // Derived on the service: one high-SMS alert for the burst, each usage threshold once per admin.
    expect(
      emitted.filter((event) => event.kind === 'highSms').map((event) => event.userId),
    ).toEqual(['user-jordan']);
    for (const admin of ['user-sam', 'user-alex']) {
      expect(
        emitted.flatMap((event) =>
          event.kind === 'usageThreshold' && event.userId === admin ? [event.threshold] : [],
        ),
      ).toEqual([75, 90, 100]);
    }
    const created = emitted.find((event) => event.kind === 'appointmentCreated');
    const ahead =
      created?.kind === 'appointmentCreated'
        ? Date.parse(created.appointment.startsAt) - Date.now()
        : 0;
    expect(ahead).toBeGreaterThan(55 * 60 * 1000);
    expect(ahead).toBeLessThan(65 * 60 * 1000);
    // Sam is the one recipient: leads at or above the default threshold of 50 email him, the
    // first at once and the next two held for the burst's digest (outcome `held`).
    const outbox = outboxPageSchema.parse(
      (await callApi(service.url, service.tokens.sam ?? '', 'GET', '/api/outbox?userId=user-sam'))
        .body,
    );
    expect(outbox.entries.filter((entry) => entry.subject?.startsWith('New lead')).length).toBe(1);
    const page = eventPageSchema.parse(
      (await callApi(service.url, service.tokens.sam ?? '', 'GET', '/api/events?limit=1000')).body,
    );
    const leadEmails = page.events.flatMap((event) =>
      event.kind === 'lead' && event.score >= 50
        ? (event.outcome?.deliveries ?? []).filter((delivery) => delivery.channel === 'email')
        : [],
    );
    expect(leadEmails.map((delivery) => delivery.status)).toEqual(['sent', 'held', 'held']);
    // The settings steps went through the API: Jordan takes leads, Sam has quiet hours, and
    // Jordan has muted the Support Line.
    const defaults = await callApi(
      service.url,
      demoUsers.jordan.token,
      'GET',
      '/api/business-defaults',
    );
    expect(JSON.stringify(defaults.body)).toContain('"userId":"user-jordan"');
    const jordan = await callApi(service.url, demoUsers.jordan.token, 'GET', '/api/preferences');
    expect(JSON.stringify(jordan.body)).toContain('"lineId":"line-support"');
    const sam = await callApi(service.url, demoUsers.sam.token, 'GET', '/api/preferences');
    expect(JSON.stringify(sam.body)).toMatch(/"quietHours":\{"enabled":true/);
  });

  it('plays over HTTP with an admin token, and stops when aborted', async () => {
    const controller = new AbortController();
    let steps = 0;
    const tokens = Object.fromEntries(
      Object.values(demoUsers).map((user) => [user.id, user.token]),
    );
    const playing = playScenario(
      withSettings(
        createHttpTarget(service.url, service.tokens.alex ?? ''),
        service.url,
        service.tokens.alex ?? '',
        tokens,
      ),
      demoScenario,
      {
        speed: 50,
        signal: controller.signal,
        onStep: () => {
          steps += 1;
          if (steps === 3) controller.abort(new Error('enough'));
        },
      },
    );
    await expect(playing).rejects.toThrow('enough');
    expect(steps).toBe(3);
  });
});
