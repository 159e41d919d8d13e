import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../common';
import { createEventDescriber, sampleEventIdPrefix } from './describe';
import { utf8ByteLength } from './sanitize';
import { ManualClock } from '../../../test/support/manual-clock';
import { callEvent, lineName, textEvent } from '../../../test/support/delivery-scenario';

const clock = new ManualClock('2026-11-23T14:00:00Z');
const at = new Date(clock.now()).toISOString();
const {
  describe: describeEvent,
  describeGroup,
  describeMissedCall,
  describeMissedCalls,
  describeCallStopped,
} = createEventDescriber({
  lineName,
  timeZone: () => 'America/New_York',
});

describe('createEventDescriber', () => {
  it('names the line and shows the contact with a formatted number', () => {
    expect(describeEvent(callEvent(clock))).toEqual({
      title: 'Incoming call on Support Line',
      body: 'Ann Lee · +1 415 555 2671',
    });
    expect(describeEvent(callEvent(clock, { contactName: null, from: 'anonymous' })).body).toBe(
      'Unknown number',
    );
    expect(describeMissedCall(callEvent(clock))).toEqual({
      title: 'Missed call from Ann Lee',
      body: '+1 415 555 2671 on Support Line',
    });
    const ringing = callEvent(clock, { callId: 'call-1' });
    expect(
      describeCallStopped(ringing, {
        ...ringing,
        state: 'answered',
        answeredBy: { userId: 'user-taylor', name: 'Taylor Reed' },
      }).title,
    ).toBe('Answered by Taylor Reed');
    expect(describeCallStopped(ringing, { ...ringing, state: 'answered' }).title).toBe(
      'Answered on another device',
    );
    expect(describeCallStopped(ringing, { ...ringing, state: 'ended' }).title).toBe(
      'Missed call from Ann Lee',
    );
    expect(describeMissedCalls([ringing, callEvent(clock, { contactName: 'Bo Chen' })])).toEqual({
      title: '2 missed calls on Support Line',
      body: 'Last from Bo Chen — and 1 more call',
    });
  });

  it('falls back to the line id for an unknown line', () => {
    expect(describeEvent(textEvent(clock, { lineId: 'line-9' })).title).toBe(
      'New text on line line-9',
    );
  });

  it('keeps a hostile contact name from reordering or hiding the number', () => {
    const text = describeEvent(
      textEvent(clock, { contactName: `\u202E${'x'.repeat(190)}`, body: 'hi' }),
    );
    expect(text.body).not.toContain('\u202E');
    expect(text.body).toContain('+1 415 555 2671');
    expect(utf8ByteLength(text.body)).toBeLessThanOrEqual(256);
  });

  it('summarises a group: the latest text and the count, never the title as the body', () => {
    const events = [
      ...Array.from({ length: 5 }, () => textEvent(clock)),
      textEvent(clock, { from: '+14155552672', contactName: 'Bo Chen' }),
      textEvent(clock, { from: '+14155552673', contactName: null }),
    ];
    expect(describeGroup(events)).toEqual({
      title: '7 new texts on Support Line',
      body: '+1 415 555 2673: Hello — and 6 more texts on Support Line',
    });
    // An update of a group that showed 5,000 before carries only its new alerts and the count.
    expect(describeGroup(events.slice(-2), 5_002)).toEqual({
      title: '5002 new texts on Support Line',
      body: '+1 415 555 2673: Hello — and 5001 more texts on Support Line',
    });
  });

  it('a group of kinds whose title has its own colon reads as one sentence (no "title: name: body")', () => {
    const lead = (name: string, score: number): AlertEvent => ({
      kind: 'lead',
      id: `lead-${name}`,
      occurredAt: at,
      leadId: name,
      name,
      score,
      change: 'new',
    });
    const summary = describeGroup([
      lead('Ann Lee', 70),
      lead('Bo Chen', 80),
      lead('Grace Kim', 95),
    ]);
    expect(summary.body).toBe('New lead: Grace Kim · Lead score 95 — and 2 more leads');
    expect(describeGroup([textEvent(clock), textEvent(clock)]).body).toBe(
      'Ann Lee: Hello — and 1 more on Support Line',
    );
  });

  it('keeps the count in a group summary whatever the length of a line, a name or a text', () => {
    const long = createEventDescriber({ lineName: () => `Line ${'L'.repeat(300)}` });
    const summary = long.describeGroup([
      textEvent(clock, { from: '+14155552672', contactName: 'Bo Chen' }),
      textEvent(clock, { from: '+14155552673', contactName: null }),
      textEvent(clock, { contactName: `\u202E${'Ann '.repeat(50)}`, body: 'x'.repeat(2_000) }),
    ]);
    expect(summary.body).toMatch(
      /^Ann (Ann )*Ann\u2026: x+\u2026 — and 2 more texts on Line L+\u2026$/,
    );
    expect(summary.body).not.toContain('\u202E');
    expect(long.describe(sampleMention('M'.repeat(200))).title).toMatch(
      /^M+\u2026 mentioned you in /,
    );
  });

  it('words appointment reminders from the instants, in the person’s time zone', () => {
    const reminder: AlertEvent = {
      kind: 'appointmentReminder',
      id: 'r1',
      occurredAt: at,
      offset: '15m',
      appointment: {
        id: 'a1',
        title: 'Demo',
        startsAt: '2026-11-23T14:15:00Z',
        endsAt: '2026-11-23T15:00:00Z',
        contactName: 'Ann Lee',
      },
    };
    expect(describeEvent(reminder)).toEqual({
      title: 'Appointment in 15 minutes',
      body: 'Demo · 09:15 with Ann Lee',
    });
  });

  it('says the contact once when the title already names them (issue 17)', () => {
    const created: AlertEvent = {
      kind: 'appointmentCreated',
      id: 'a2',
      occurredAt: at,
      appointment: {
        id: 'a2',
        title: 'Check-up with Ben Ortiz',
        startsAt: '2026-11-23T15:34:00Z',
        endsAt: '2026-11-23T16:00:00Z',
        contactName: 'Ben Ortiz',
      },
    };
    const { body } = describeEvent(created);
    expect(body).toBe('Check-up with Ben Ortiz · 10:34');
    expect(body.split('Ben Ortiz')).toHaveLength(2);
  });

  it('titles a sample notification as a sample, not as a mention by Ringside', () => {
    const sample: AlertEvent = {
      kind: 'mention',
      id: `${sampleEventIdPrefix}1:1`,
      occurredAt: at,
      byName: 'Ringside',
      conversation: 'Sample desktop notification from Ringside',
      excerpt: 'This is how Ringside notifications look.',
    };
    expect(describeEvent(sample).title).toBe('Sample desktop notification from Ringside');
    expect(describeEvent({ ...sample, id: 'ev-9' }).title).toMatch(/^Ringside mentioned you in /);
  });

  it('describes every other kind with a title and a body', () => {
    const events: AlertEvent[] = [
      {
        kind: 'voicemail',
        id: 'v',
        occurredAt: at,
        lineId: 'line-ann',
        from: '+14155552671',
        contactName: null,
        durationSeconds: 75,
        transcript: 'Call me',
      },
      {
        kind: 'fax',
        id: 'f',
        occurredAt: at,
        lineId: 'line-ann',
        from: '+14155552671',
        contactName: null,
        pages: 3,
      },
      {
        kind: 'highSms',
        id: 'h',
        occurredAt: at,
        lineId: 'line-support',
        from: '+14155552671',
        contactName: 'Ann Lee',
        count: 16,
        windowSeconds: 30,
      },
      {
        kind: 'mention',
        id: 'm',
        occurredAt: at,
        byName: 'Bo',
        conversation: 'Billing',
        excerpt: '@you look',
      },
      {
        kind: 'usageThreshold',
        id: 'u',
        occurredAt: at,
        periodId: 'p',
        threshold: 90,
        usedMinutes: 900,
        includedMinutes: 1000,
      },
      {
        kind: 'paymentFailed',
        id: 'p',
        occurredAt: at,
        amountCents: 4900,
        currency: 'USD',
        reason: 'Card declined',
      },
      {
        kind: 'lead',
        id: 'l',
        occurredAt: at,
        leadId: 'l1',
        name: 'Acme',
        score: 80,
        change: 'new',
      },
    ];
    expect(events.map(describeEvent)).toEqual([
      { title: 'Voicemail on Direct', body: '+1 415 555 2671 (1:15): Call me' },
      { title: 'Fax on Direct', body: '+1 415 555 2671 · 3 pages' },
      {
        title: 'High SMS volume on Support Line',
        body: '16 texts in 30 s from Ann Lee · +1 415 555 2671',
      },
      { title: 'Bo mentioned you in Billing', body: '@you look' },
      {
        title: '90% of included minutes used',
        body: '900 of 1000 minutes used this billing period',
      },
      { title: 'Payment failed', body: '$49.00: Card declined' },
      { title: 'New lead: Acme', body: 'Lead score 80' },
    ]);
  });
});

function sampleMention(byName: string): AlertEvent {
  return {
    kind: 'mention',
    id: 'mention-long',
    occurredAt: at,
    byName,
    conversation: 'Order 42',
    excerpt: 'Can you call them back?',
  };
}
