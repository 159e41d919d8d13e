import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEntry, PushedEvent } from '../common';
import { cleanupAfterEach } from '../test/support/cleanups';
import { hasEvent, pushedEvents, ServiceFixture } from '../test/support/service-fixture';
import { demoContacts, demoLines, demoUsers } from './seed';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-derived-');
let fixture: ServiceFixture;

beforeEach(async () => {
  fixture = new ServiceFixture(temporaryFolder());
  defer(() => fixture.stop());
  await fixture.start();
});

const annTexts = (index: number) => ({
  kind: 'text',
  lineId: demoLines.jordan.id,
  from: demoContacts.ann.number,
  contactName: demoContacts.ann.name,
  body: `Message ${index}`,
});

/** Texts from Ann to Jordan's line, half a second apart on the service's clock. */
function sendTexts(from: number, to: number): void {
  for (let index = from; index <= to; index += 1) {
    fixture.service.inject(demoUsers.jordan.id, annTexts(index));
    fixture.clock.advance(500);
  }
}

/** The outbox ids an event's outcome names as sent, sorted. */
function sentIds(event: PushedEvent | undefined): number[] {
  return (event?.outcome?.deliveries ?? [])
    .flatMap((delivery) => (delivery.status === 'sent' ? [delivery.outboxId] : []))
    .sort((left, right) => left - right);
}

/** The outbox rows written for one event, by id. */
function rowsOf(outbox: readonly OutboxEntry[], eventId: string): number[] {
  return outbox
    .filter((entry) => entry.eventId === eventId)
    .map((entry) => entry.id)
    .sort((left, right) => left - right);
}

describe('high-SMS on the service, across a restart', () => {
  it.each([
    { texts: 20, restartAfter: 8 },
    { texts: 40, restartAfter: 20 },
  ])(
    '$texts texts with a restart after the $restartAfter th: exactly one alert, emailed and texted once',
    async ({ texts, restartAfter }) => {
      await fixture.enableTexts('jordan');
      sendTexts(1, restartAfter);
      await fixture.restart();
      sendTexts(restartAfter + 1, texts);

      const events = await fixture.events('jordan');
      expect(events.filter((event) => event.kind === 'text')).toHaveLength(texts);
      const bursts = events.filter((event) => event.kind === 'highSms');
      expect(bursts).toHaveLength(1);
      const [burst] = bursts;
      // Raised by the 16th text, right after it, with the span of the 16.
      const sixteenth = events.filter((event) => event.kind === 'text')[15];
      expect(burst?.seq).toBe((sixteenth?.seq ?? 0) + 1);
      expect(burst).toMatchObject({ count: 16, windowSeconds: 8, lineId: demoLines.jordan.id });

      const outbox = await fixture.outbox('jordan');
      const rows = outbox.filter((entry) => entry.eventId === burst?.id);
      expect(rows.map((entry) => [entry.channel, entry.destination])).toEqual([
        ['email', 'jordan@harbor-dental.example.com'],
        ['text', demoUsers.jordan.backupPhone],
      ]);
      expect(sentIds(burst)).toEqual(rowsOf(outbox, burst?.id ?? ''));
    },
  );

  it('raises nothing for 15 texts, nor for 16 spread over more than 30 s', async () => {
    sendTexts(1, 15);
    fixture.clock.advance(31_000);
    sendTexts(16, 30);
    expect((await fixture.events('jordan')).some((event) => event.kind === 'highSms')).toBe(false);
  });
});

describe('what the service keeps of bursts', () => {
  it('one state per contact writing to a line, forgotten 30 s (event time) after its last text', () => {
    for (let index = 0; index < 30; index += 1) {
      fixture.service.inject(demoUsers.jordan.id, {
        ...annTexts(index),
        from: `+1415555${String(3000 + index)}`,
        contactName: null,
      });
    }
    const kept = () => {
      const database = new Database(fixture.databasePath, { readonly: true });
      try {
        return database
          .prepare<[], { key: string }>(
            "SELECT key FROM detector_state WHERE detector = 'highSms' ORDER BY key",
          )
          .all()
          .map((row) => row.key);
      } finally {
        database.close();
      }
    };
    expect(kept()).toHaveLength(30);
    fixture.clock.advance(30_001);
    sendTexts(1, 1);
    expect(kept()).toEqual([`${demoLines.jordan.id} ${demoContacts.ann.number}`]);
  });
});

describe('two devices of one user', () => {
  it('a usage jump to 100 % and a reminder coming due: one email each, each device gets each event once', async () => {
    const first = await fixture.connect('sam', { deviceId: 'device-laptop' });
    const second = await fixture.connect('sam', { deviceId: 'device-desk' });
    const start = fixture.clock.now();
    fixture.service.inject(demoUsers.sam.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 700,
      includedMinutes: 1000,
    });
    fixture.service.inject(demoUsers.sam.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 1000,
      includedMinutes: 1000,
    });
    fixture.service.inject(demoUsers.sam.id, {
      kind: 'appointmentCreated',
      appointment: {
        id: 'appt-review',
        title: 'Quarterly review',
        startsAt: new Date(start + 25 * 3_600_000).toISOString(),
        endsAt: new Date(start + 26 * 3_600_000).toISOString(),
        contactName: null,
      },
    });
    // The 1-day reminder (the one emailed by default) is due an hour from now; the timer raises
    // it when the clock gets there.
    fixture.clock.advance(3_600_000);

    const events = await fixture.events('sam');
    const threshold = events.find((event) => event.kind === 'usageThreshold');
    const reminder = events.find((event) => event.kind === 'appointmentReminder');
    expect(threshold).toMatchObject({ threshold: 100 });
    expect(reminder).toMatchObject({
      offset: '1d',
      occurredAt: new Date(start + 3_600_000).toISOString(),
    });
    expect(events.filter((event) => event.kind === 'usageThreshold')).toHaveLength(1);
    expect(events.filter((event) => event.kind === 'appointmentReminder')).toHaveLength(1);

    for (const device of [first, second]) {
      await device.waitFor(hasEvent(reminder?.id ?? ''), `the reminder on ${device.socket.id}`);
      const ids = pushedEvents(device).map((event) => event.id);
      expect(ids).toEqual(events.map((event) => event.id));
      expect(new Set(ids).size).toBe(ids.length);
    }
    const outbox = await fixture.outbox('sam');
    for (const alert of [threshold, reminder]) {
      const rows = outbox.filter((entry) => entry.eventId === alert?.id);
      expect(rows.map((entry) => entry.channel)).toEqual(['email']);
      expect(sentIds(alert)).toEqual(rowsOf(outbox, alert?.id ?? ''));
    }
  });
});

describe('outcomes name the outbox', () => {
  it('every email and text written for a derived alert is in the outcome pushed and paged, and nothing else is', async () => {
    await fixture.enableTexts('jordan', 'appointmentReminder15Minutes');
    const device = await fixture.connect('jordan');
    sendTexts(1, 16);
    fixture.service.inject(demoUsers.jordan.id, {
      kind: 'usage',
      periodId: 'period-nov',
      usedMinutes: 800,
      includedMinutes: 1000,
    });
    const start = fixture.clock.now();
    fixture.service.inject(demoUsers.jordan.id, {
      kind: 'appointmentCreated',
      appointment: {
        id: 'appt-cleaning',
        title: 'Cleaning',
        startsAt: new Date(start + 20 * 60_000).toISOString(),
        endsAt: new Date(start + 50 * 60_000).toISOString(),
        contactName: demoContacts.ann.name,
      },
    });
    fixture.clock.advance(5 * 60_000);

    const paged = await fixture.events('jordan');
    const last = paged.at(-1);
    await device.waitFor(hasEvent(last?.id ?? ''), 'the last event');
    const pushed = pushedEvents(device);
    expect(pushed).toEqual(paged);

    const outbox = await fixture.outbox('jordan');
    const derived = paged.filter((event) =>
      ['highSms', 'usageThreshold', 'appointmentReminder'].includes(event.kind),
    );
    // Jordan is an agent, not on the recipients list: the usage alert is his, unsent, with the reason.
    expect(derived.map((event) => event.kind)).toEqual([
      'highSms',
      'usageThreshold',
      'appointmentReminder',
    ]);
    expect(derived[1]?.outcome?.deliveries).toEqual([
      expect.objectContaining({ channel: 'email', status: 'notSent', code: 'notRecipient' }),
      expect.objectContaining({ channel: 'text', status: 'notSent', code: 'notRecipient' }),
    ]);
    for (const event of paged) {
      expect(event.outcome?.deliveries.map((delivery) => delivery.channel)).toEqual([
        'email',
        'text',
      ]);
      expect(sentIds(event), event.kind).toEqual(rowsOf(outbox, event.id));
    }
    expect(sentIds(derived[0])).toHaveLength(2);
    expect(sentIds(derived[2])).toHaveLength(2);
    // And every outbox row of an event is named by that event's outcome.
    const named = new Set(paged.flatMap(sentIds));
    expect(
      outbox.filter((entry) => entry.eventId !== null).every((entry) => named.has(entry.id)),
    ).toBe(true);
  });
});
