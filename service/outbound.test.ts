import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  apiErrorSchema,
  outboundLimits,
  socketMessages,
  versionedPreferencesSchema,
  type PushedEvent,
  type ServiceDelivery,
  type UserAlertType,
} from '../common';
import { cleanupAfterEach } from '../test/support/cleanups';
import { sampleEventBodies } from '../test/support/sample-event-bodies';
import { callApi } from '../test/support/service-test-client';
import { hasEvent, pushedEvents, ServiceFixture } from '../test/support/service-fixture';
import { demoContacts, demoLines, demoUsers } from './seed';

const { defer, temporaryFolder } = cleanupAfterEach('ringside-outbound-');
let fixture: ServiceFixture;

beforeEach(async () => {
  fixture = new ServiceFixture(temporaryFolder());
  defer(() => fixture.stop());
  await fixture.start();
});

const minute = 60_000;
const contacts = Object.values(demoContacts);

/** Texts to Jordan's line from four contacts in turn (no one contact's burst is high-SMS). */
function texts(count: number, spacingMilliseconds: number, from = 1): PushedEvent['id'][] {
  const ids: string[] = [];
  for (let index = from; index < from + count; index += 1) {
    const contact = contacts[index % contacts.length] ?? demoContacts.ann;
    const [event] = fixture.service.inject(demoUsers.jordan.id, {
      kind: 'text',
      lineId: demoLines.jordan.id,
      from: contact.number,
      contactName: contact.name,
      body: `Message ${index}`,
    });
    if (event) ids.push(event.id);
    fixture.clock.advance(spacingMilliseconds);
  }
  return ids;
}

function deliveryOf(event: PushedEvent | undefined, channel: 'email' | 'text') {
  return event?.outcome?.deliveries.find((delivery) => delivery.channel === channel);
}

async function eventsById(key: string, ids: readonly string[]): Promise<PushedEvent[]> {
  const events = await fixture.events(key);
  return ids.map((id) => {
    const event = events.find((candidate) => candidate.id === id);
    if (!event) throw new Error(`No event ${id}`);
    return event;
  });
}

async function emailTextsToo(): Promise<void> {
  await fixture.editPreferences('jordan', (preferences) => {
    preferences.alertChannels.textPersonal.email = true;
  });
}

describe('a burst of one type on one line', () => {
  it('20 texts in 10 s with email on for texts: one email at once, one digest when the window ends', async () => {
    await emailTextsToo();
    const current = await fixture.connect('jordan', { protocol: 3, deviceId: 'device-new' });
    const older = await fixture.connect('jordan', { protocol: 2, deviceId: 'device-old' });
    const start = fixture.clock.now();
    const ids = texts(20, 500);

    const outbox = await fixture.outbox('jordan');
    expect(outbox.map((entry) => entry.eventId)).toEqual([ids[0]]);
    const held = await eventsById('jordan', ids);
    expect(deliveryOf(held[0], 'email')?.status).toBe('sent');
    const digestAt = new Date(start + outboundLimits.email.burstWindowMinutes * minute);
    for (const event of held.slice(1)) {
      expect(deliveryOf(event, 'email')).toEqual({
        channel: 'email',
        status: 'held',
        reason: 'burst',
        digestAt: digestAt.toISOString(),
        explanation:
          'Held for a digest at 7:05 AM PST: an email for texts to your personal line went out less than 5 minutes ago',
      });
    }
    // An older companion reads the same as not sent, with the sentence.
    await older.waitFor(hasEvent(ids[19] ?? ''), 'the last text on the older device');
    expect(deliveryOf(pushedEvents(older)[1], 'email')).toMatchObject({
      status: 'notSent',
      code: 'heldForDigest',
    });

    fixture.clock.advanceTo(digestAt.getTime());
    const after = await fixture.outbox('jordan');
    expect(after).toHaveLength(2);
    const digest = after[1];
    expect(digest).toMatchObject({
      eventId: null,
      channel: 'email',
      destination: 'jordan@harbor-dental.example.com',
      sender: 'alerts@harbor-dental.example.com',
      subject: '19 more texts to your personal line',
    });
    expect(digest?.body).toBe(
      "19 more texts to your personal line since 7:00 AM PST.\nThe latest, at 7:00 AM PST: New text from Ann Lee. Ann Lee on Jordan's line: Message 20",
    );
    const digested = await eventsById('jordan', ids);
    for (const event of digested.slice(1)) {
      expect(deliveryOf(event, 'email')).toEqual({
        channel: 'email',
        status: 'digested',
        outboxId: digest?.id,
        destination: 'jordan@harbor-dental.example.com',
      });
    }
    // Devices of protocol 3 are told; older ones see it as sent on their next replay.
    await current.waitFor(
      (messages) => messages.filter((message) => message.name === 'outcomeUpdated').length === 19,
      'nineteen outcome updates',
    );
    const update = socketMessages.outcomeUpdated.parse(current.payloads('outcomeUpdated')[0]);
    expect(update).toMatchObject({ eventId: ids[1] });
    expect(older.payloads('outcomeUpdated')).toEqual([]);
    const olderPage = await callApi(
      fixture.service.url,
      fixture.token('jordan'),
      'GET',
      '/api/events?limit=100',
      undefined,
      { 'x-ringside-protocol': null },
    );
    const olderEvents = (olderPage.body as { events: PushedEvent[] }).events;
    expect(
      deliveryOf(
        olderEvents.find((event) => event.id === ids[1]),
        'email',
      ),
    ).toEqual({
      channel: 'email',
      status: 'sent',
      outboxId: digest?.id,
      destination: 'jordan@harbor-dental.example.com',
    });
  });

  it('a burst that goes on gets one digest per window, never one message per text', async () => {
    // (Ben, Carla, Dev and Ann in turn: no contact alone is a high-SMS burst.)
    await emailTextsToo();
    // One text a minute for 16 minutes: first at once, then a digest every 5 minutes.
    texts(16, minute);
    fixture.clock.advance(outboundLimits.email.burstWindowMinutes * minute);
    const outbox = await fixture.outbox('jordan');
    // Texts at 1–4 min, 5–9, 10–14, then the one at 15 min: 16 texts, 5 emails.
    expect(outbox.map((entry) => entry.subject)).toEqual([
      'New text from Ben Ortiz',
      '4 more texts to your personal line',
      '5 more texts to your personal line',
      '5 more texts to your personal line',
      '1 more: New text from Ann Lee',
    ]);
  });

  it('held texts survive a restart and their digest goes when due', async () => {
    await emailTextsToo();
    const ids = texts(3, 1000);
    await fixture.stop();
    fixture.clock.advance(10 * minute);
    await fixture.start();
    const outbox = await fixture.outbox('jordan');
    expect(outbox.map((entry) => entry.subject)).toEqual([
      'New text from Ben Ortiz',
      '2 more texts to your personal line',
    ]);
    const events = await eventsById('jordan', ids);
    expect(events.map((event) => deliveryOf(event, 'email')?.status)).toEqual([
      'sent',
      'digested',
      'digested',
    ]);
    const database = new Database(fixture.databasePath, { readonly: true });
    defer(() => database.close());
    expect(database.prepare('SELECT COUNT(*) AS held FROM held_messages').get()).toEqual({
      held: 0,
    });
  });
});

describe('a cap per destination and hour', () => {
  const elevenTypes: Array<[UserAlertType, keyof typeof sampleEventBodies]> = [
    ['callPersonal', 'call'],
    ['textPersonal', 'text'],
    ['voicemailRingGroup', 'voicemail'],
    ['faxPersonal', 'fax'],
    ['mention', 'mention'],
    ['contactAssigned', 'contactAssigned'],
    ['appointmentAssigned', 'appointmentAssigned'],
    ['reminderAssigned', 'reminderAssigned'],
    ['appointmentCreated', 'appointmentCreated'],
    ['appointmentReminder15Minutes', 'appointmentReminder'],
    ['highSms', 'highSms'],
  ];

  it('the 11th text of an hour waits for the digest at the end of the hour', async () => {
    await fixture.enableTexts('jordan', ...elevenTypes.map(([type]) => type));
    const start = fixture.clock.now();
    const ids = elevenTypes.map(([, kind]) => {
      const [event] = fixture.service.inject(demoUsers.jordan.id, sampleEventBodies[kind]);
      fixture.clock.advance(1000);
      return event?.id ?? '';
    });
    const texted = (await fixture.outbox('jordan')).filter((entry) => entry.channel === 'text');
    expect(texted).toHaveLength(outboundLimits.text.perHour);
    const events = await eventsById('jordan', ids);
    expect(deliveryOf(events[10], 'text')).toMatchObject({
      status: 'held',
      reason: 'hourlyCap',
      digestAt: new Date(start + 60 * minute).toISOString(),
      explanation: 'Held for a digest at 8:00 AM PST: 10 texts an hour to +14155552603 reached',
    });
    fixture.clock.advanceTo(start + 60 * minute);
    const afterHour = (await fixture.outbox('jordan')).filter((entry) => entry.channel === 'text');
    expect(afterHour).toHaveLength(11);
    expect(afterHour[10]?.body).toMatch(
      /^1 alert held back this hour\. You reached 10 texts this hour; these waited for this digest: 1 high-SMS alerts\./,
    );
    expect(deliveryOf((await eventsById('jordan', ids))[10], 'text')).toMatchObject({
      status: 'digested',
      outboxId: afterHour[10]?.id,
    });
  });

  it('critical alerts are never held back or merged: three payment failures, three emails', async () => {
    const ids = [1, 2, 3].map((attempt) => {
      const [event] = fixture.service.inject(demoUsers.sam.id, {
        kind: 'paymentFailed',
        amountCents: 4900 * attempt,
        currency: 'USD',
        reason: 'Card declined',
      });
      fixture.clock.advance(1000);
      return event?.id ?? '';
    });
    const emails = (await fixture.outbox('sam')).filter((entry) =>
      ids.includes(entry.eventId ?? ''),
    );
    expect(emails.map((entry) => entry.subject)).toEqual([
      'Payment failed',
      'Payment failed',
      'Payment failed',
    ]);
    for (const event of await eventsById('sam', ids)) {
      expect(deliveryOf(event, 'email')?.status).toBe('sent');
    }
  });
});

describe('high-SMS, safe text, numbers and mandatory channels', () => {
  it('16 texts from one contact: exactly one high-SMS text, no text per message', async () => {
    await fixture.enableTexts('jordan');
    for (let index = 1; index <= 16; index += 1) {
      fixture.service.inject(demoUsers.jordan.id, {
        kind: 'text',
        lineId: demoLines.jordan.id,
        from: demoContacts.ann.number,
        contactName: demoContacts.ann.name,
        body: `Message ${index}`,
      });
      fixture.clock.advance(500);
    }
    const events = await fixture.events('jordan');
    const highSms = events.filter((event) => event.kind === 'highSms');
    expect(highSms).toHaveLength(1);
    const texted = (await fixture.outbox('jordan')).filter((entry) => entry.channel === 'text');
    expect(texted.map((entry) => entry.eventId)).toEqual([highSms[0]?.id]);
    expect(texted[0]?.body).toBe(
      "High SMS volume from Ann Lee. 16 texts in 8 seconds on Jordan's line.",
    );
  });

  it('a subject with CR, LF and bidi controls reaches the outbox without them', async () => {
    fixture.service.inject(demoUsers.jordan.id, {
      kind: 'mention',
      byName: 'Ben\r\nBcc: everyone@example.com\u202Egpj.exe\u2066',
      conversation: 'Front desk\u200B',
      excerpt: 'Line one\r\nLine two',
    });
    const [email] = await fixture.outbox('jordan');
    expect(email?.subject).toBe('Ben Bcc: everyone@example.comgpj.exe mentioned you');
    expect(email?.subject).not.toMatch(/[\r\n\u202A-\u202E\u2066-\u2069\u200B]/);
    expect(email?.body).toBe(
      'Ben Bcc: everyone@example.comgpj.exe mentioned you in Front desk: Line one Line two',
    );
  });

  it('a US number typed the national way is stored as E.164; a premium-rate one is refused', async () => {
    await fixture.editPreferences('jordan', (preferences) => {
      preferences.channels.text = {
        enabled: true,
        useCustomNumber: true,
        customNumber: '(415) 555-2671',
      };
    });
    const stored = versionedPreferencesSchema.parse(
      (await callApi(fixture.service.url, fixture.token('jordan'), 'GET', '/api/preferences')).body,
    );
    expect(stored.preferences.channels.text.customNumber).toBe('+14155552671');
    stored.preferences.channels.text.customNumber = '1-900-555-0123';
    const refused = await callApi(
      fixture.service.url,
      fixture.token('jordan'),
      'PUT',
      '/api/preferences',
      { preferences: stored.preferences },
      { 'if-match': `"${stored.version}"` },
    );
    expect(refused.status).toBe(400);
    expect(apiErrorSchema.parse(refused.body).fields).toEqual([
      {
        path: 'preferences.channels.text.customNumber',
        message: 'This is a premium-rate number: it cannot receive texts',
      },
    ]);
  });

  it("turning a mandatory channel off is refused with the reason; the master switch is the user's, and the alert still comes", async () => {
    const current = versionedPreferencesSchema.parse(
      (await callApi(fixture.service.url, fixture.token('sam'), 'GET', '/api/preferences')).body,
    );
    current.preferences.alertChannels.paymentFailed.email = false;
    const refused = await callApi(
      fixture.service.url,
      fixture.token('sam'),
      'PUT',
      '/api/preferences',
      { preferences: current.preferences },
      { 'if-match': `"${current.version}"` },
    );
    expect(refused.status).toBe(403);
    expect(apiErrorSchema.parse(refused.body)).toEqual({
      error: 'forbidden',
      reason: 'Your business requires payment failures by email',
    });
    await fixture.editPreferences('sam', (preferences) => {
      preferences.channels.email.enabled = false;
    });
    const [payment] = fixture.service.inject(demoUsers.sam.id, {
      kind: 'paymentFailed',
      amountCents: 4900,
      currency: 'USD',
      reason: 'Card declined',
    });
    const [mention] = fixture.service.inject(demoUsers.sam.id, sampleEventBodies.mention);
    const events = await eventsById('sam', [payment?.id ?? '', mention?.id ?? '']);
    expect(deliveryOf(events[0], 'email')).toMatchObject({ status: 'sent' });
    expect(deliveryOf(events[1], 'email')).toMatchObject({
      status: 'notSent',
      code: 'channelOffByUser',
    } satisfies Partial<ServiceDelivery>);
  });

  it("writes times in the reader's zone and words, never an ISO string", async () => {
    const start = fixture.clock.now();
    fixture.service.inject(demoUsers.jordan.id, {
      kind: 'appointmentCreated',
      appointment: {
        id: 'appt-tomorrow',
        title: 'Cleaning with Ann Lee',
        startsAt: new Date(start + 25 * 60 * minute).toISOString(),
        endsAt: new Date(start + 26 * 60 * minute).toISOString(),
        contactName: demoContacts.ann.name,
      },
    });
    fixture.clock.advance(60 * minute);
    const [reminder] = await fixture.outbox('jordan');
    expect(reminder?.subject).toBe('Reminder: Cleaning with Ann Lee tomorrow at 8:00 AM PST');
    expect(reminder?.body).toBe('Cleaning with Ann Lee starts tomorrow at 8:00 AM PST (in 1 day).');
    expect(`${reminder?.subject} ${reminder?.body}`).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });
});
