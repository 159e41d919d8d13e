import type { EventKind, EventOfKind } from '../../common';
import { demoContacts, demoLines } from '../../service/seed';

const { ann } = demoContacts;
const appointment = {
  id: 'appt-sample',
  title: 'Check-up with Ann Lee',
  startsAt: '2030-01-15T17:00:00.000Z',
  endsAt: '2030-01-15T17:30:00.000Z',
  contactName: ann.name,
};

/**
 * One valid body of every event kind, on the demo business's lines: for tests and benchmarks
 * that need "an event of each kind". `satisfies` makes a new kind in common/events.ts a compile
 * error here until it has a sample.
 */
export const sampleEventBodies = {
  call: {
    kind: 'call',
    lineId: demoLines.jordan.id,
    from: ann.number,
    contactName: ann.name,
    callId: 'call-sample',
    state: 'ringing',
  },
  text: {
    kind: 'text',
    lineId: demoLines.jordan.id,
    from: ann.number,
    contactName: ann.name,
    body: 'Hello',
  },
  voicemail: {
    kind: 'voicemail',
    lineId: demoLines.support.id,
    from: 'anonymous',
    contactName: null,
    durationSeconds: 12,
    transcript: 'Please call me back',
  },
  fax: {
    kind: 'fax',
    lineId: demoLines.jordan.id,
    from: ann.number,
    contactName: ann.name,
    pages: 2,
  },
  mention: {
    kind: 'mention',
    byName: 'Alex Morgan',
    conversation: 'Front desk',
    excerpt: '@Jordan hi',
  },
  contactAssigned: {
    kind: 'contactAssigned',
    contactId: ann.id,
    contactName: ann.name,
    sequenceName: 'New patient follow-up',
  },
  appointmentAssigned: { kind: 'appointmentAssigned', appointment },
  reminderAssigned: {
    kind: 'reminderAssigned',
    reminderId: 'reminder-sample',
    title: 'Call Ann back',
    dueAt: '2030-01-15T16:00:00.000Z',
  },
  appointmentCreated: { kind: 'appointmentCreated', appointment },
  appointmentUpdated: { kind: 'appointmentUpdated', appointment },
  appointmentCancelled: { kind: 'appointmentCancelled', appointmentId: appointment.id },
  appointmentReminder: { kind: 'appointmentReminder', appointment, offset: '15m' },
  highSms: {
    kind: 'highSms',
    lineId: demoLines.jordan.id,
    from: ann.number,
    contactName: ann.name,
    count: 20,
    windowSeconds: 10,
  },
  lead: { kind: 'lead', leadId: 'lead-sample', name: 'Grace Kim', score: 90, change: 'new' },
  usage: { kind: 'usage', periodId: 'period-sample', usedMinutes: 900, includedMinutes: 1000 },
  usageThreshold: {
    kind: 'usageThreshold',
    periodId: 'period-sample',
    threshold: 90,
    usedMinutes: 900,
    includedMinutes: 1000,
  },
  paymentFailed: {
    kind: 'paymentFailed',
    amountCents: 14_900,
    currency: 'USD',
    reason: 'Card declined',
  },
  accountReport: {
    kind: 'accountReport',
    report: 'reportWebhookFailures',
    summary: '3 webhook deliveries failed',
  },
} as const satisfies { [Kind in EventKind]: Omit<EventOfKind<Kind>, 'id' | 'occurredAt'> };

/**
 * The call of `sampleEventBodies.call` in each later state of its life (common/events.ts,
 * `callStates`): answered by a teammate on another device, missed, ended by the caller.
 */
export const sampleCallStateBodies = {
  answered: {
    ...sampleEventBodies.call,
    state: 'answered',
    answeredBy: { userId: 'user-taylor', name: 'Taylor Reed', device: 'Desk phone' },
  },
  missed: { ...sampleEventBodies.call, state: 'missed' },
  ended: { ...sampleEventBodies.call, state: 'ended' },
} as const satisfies Record<
  Exclude<EventOfKind<'call'>['state'], 'ringing'>,
  Omit<EventOfKind<'call'>, 'id' | 'occurredAt'>
>;
