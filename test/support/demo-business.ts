import {
  accountAlertTypes,
  userAlertTypes,
  type AlertType,
  type Channel,
} from '../../common/alert-types';
import { businessLocks } from '../../common/locks';
import { defaultBusinessDefaults, defaultUserPreferences } from '../../common/defaults';
import type { AlertEvent, EventOfKind } from '../../common/events';
import type { Role } from '../../common/preferences';
import {
  recipientContext,
  type Line,
  type RecipientContext,
  type RingGroup,
} from '../../common/policy/context';

/**
 * A demo business for the policy tests (common/). Ana is an agent with a
 * personal line who also answers the Support Line through the Support ring group; the Sales Line
 * rings a group she is not in. Every builder returns fresh objects, so a test may mutate what it
 * gets.
 */

export const demoUserId = 'user-ana';
export const demoTimeZone = 'America/New_York';

/** Monday 23 November 2026, 10:00 in New York (15:00 UTC, standard time). */
export const demoNow = Date.parse('2026-11-23T15:00:00Z');

export const personalLine: Line = {
  id: 'line-ana',
  name: "Ana's Line",
  number: '+14155552671',
  ringGroupId: null,
  ownerUserId: demoUserId,
};

export const supportLine: Line = {
  id: 'line-support',
  name: 'Support Line',
  number: '+14155552672',
  ringGroupId: 'group-support',
  ownerUserId: null,
};

/** A shared line whose ring group Ana is not in. */
export const salesLine: Line = {
  id: 'line-sales',
  name: 'Sales Line',
  number: '+14155552674',
  ringGroupId: 'group-sales',
  ownerUserId: null,
};

export const supportGroup: RingGroup = { id: 'group-support', name: 'Support' };

export const accountEmail = 'ana@example.com';
export const backupPhone = '+14155552673';

/**
 * Ana as a new user in a new business: product defaults, except that she chose the Support Line
 * and is on the recipients list.
 */
export function demoContext(role: Role = 'agent'): RecipientContext {
  const preferences = defaultUserPreferences(demoTimeZone);
  preferences.lines.otherLineIds = [supportLine.id];
  const business = defaultBusinessDefaults();
  business.recipients = [
    {
      userId: demoUserId,
      channels: { desktop: true, inApp: true, email: true, text: true },
      leadScoreThreshold: 0,
    },
  ];
  return recipientContext({
    user: {
      id: demoUserId,
      role,
      email: accountEmail,
      backupPhone,
      personalLineId: personalLine.id,
    },
    lines: [{ ...personalLine }, { ...supportLine }, { ...salesLine }],
    ringGroups: [{ ...supportGroup }],
    onCall: false,
    preferences,
    business,
    now: demoNow,
  });
}

/**
 * A context in which every alert type reaches every channel it may use: a billing admin with
 * every switch on, texts on, lead thresholds at 0. Each rule test turns one thing off.
 */
export function openContext(): RecipientContext {
  const context = demoContext('billingAdmin');
  const { preferences } = context;
  for (const type of userAlertTypes) {
    preferences.alerts[type] = true;
    preferences.alertChannels[type] = { desktop: true, inApp: true, email: true, text: true };
  }
  for (const type of accountAlertTypes) preferences.accountAlerts[type] = true;
  preferences.channels.text.enabled = true;
  preferences.leadScoreThreshold = 0;
  return context;
}

/**
 * Makes `type` mandatory on `channels` in the context's business and rebuilds the locks the
 * context holds (`recipientContext` derives them once, from the business it was given).
 */
export function makeMandatory(
  context: RecipientContext,
  type: AlertType,
  ...channels: Channel[]
): RecipientContext {
  for (const channel of channels) context.business.alerts[type].mandatory[channel] = true;
  return refreshLocks(context);
}

/** Rebuilds the context's locks after a test changed its business or role in place. */
export function refreshLocks(context: RecipientContext): RecipientContext {
  context.locks = businessLocks(context.business, { userId: context.userId, role: context.role });
  return context;
}

let nextId = 1;

function envelope() {
  return { id: `event-${nextId++}`, occurredAt: '2026-11-23T15:00:00Z' };
}

const appointment = {
  id: 'appointment-1',
  title: 'Quarterly review',
  startsAt: '2026-11-24T15:00:00Z',
  endsAt: '2026-11-24T16:00:00Z',
  contactName: 'Dana Reyes',
};

export type LineEventKind = 'call' | 'text' | 'voicemail' | 'fax' | 'highSms';

/** An event of `kind` on line `lineId`: a ringing call, a text, a voicemail, a fax, an SMS burst. */
export function lineEvent(kind: LineEventKind, lineId: string): AlertEvent {
  const base = { ...envelope(), lineId, from: '+12025550123', contactName: 'Dana Reyes' };
  switch (kind) {
    case 'call':
      return { ...base, kind, callId: 'call-1', state: 'ringing' };
    case 'text':
      return { ...base, kind, body: 'Are you open today?' };
    case 'voicemail':
      return { ...base, kind, durationSeconds: 42, transcript: 'Please call me back' };
    case 'fax':
      return { ...base, kind, pages: 3 };
    case 'highSms':
      return { ...base, kind, count: 16, windowSeconds: 30 };
  }
}

export function leadEvent(score: number, change: 'new' | 'updated' = 'new'): AlertEvent {
  return { ...envelope(), kind: 'lead', leadId: 'lead-1', name: 'Dana Reyes', score, change };
}

export function reportEvent(
  report: EventOfKind<'accountReport'>['report'],
): EventOfKind<'accountReport'> {
  return { ...envelope(), kind: 'accountReport', report, summary: 'All synced' };
}

/** One event per alert type that `decide` maps to that type for Ana. */
export function sampleEvent(type: AlertType): AlertEvent {
  switch (type) {
    case 'callPersonal':
      return lineEvent('call', personalLine.id);
    case 'callRingGroup':
      return lineEvent('call', supportLine.id);
    case 'textPersonal':
      return lineEvent('text', personalLine.id);
    case 'textRingGroup':
      return lineEvent('text', supportLine.id);
    case 'voicemailPersonal':
      return lineEvent('voicemail', personalLine.id);
    case 'voicemailRingGroup':
      return lineEvent('voicemail', supportLine.id);
    case 'faxPersonal':
      return lineEvent('fax', personalLine.id);
    case 'highSms':
      return lineEvent('highSms', supportLine.id);
    case 'mention':
      return {
        ...envelope(),
        kind: 'mention',
        byName: 'Ben',
        conversation: 'Dana Reyes',
        excerpt: '@Ana can you take this?',
      };
    case 'contactAssigned':
      return {
        ...envelope(),
        kind: 'contactAssigned',
        contactId: 'contact-1',
        contactName: 'Dana Reyes',
        sequenceName: null,
      };
    case 'appointmentAssigned':
      return { ...envelope(), kind: 'appointmentAssigned', appointment: { ...appointment } };
    case 'reminderAssigned':
      return {
        ...envelope(),
        kind: 'reminderAssigned',
        reminderId: 'reminder-1',
        title: 'Send the quote',
        dueAt: '2026-11-24T15:00:00Z',
      };
    case 'appointmentCreated':
      return { ...envelope(), kind: 'appointmentCreated', appointment: { ...appointment } };
    case 'appointmentReminder1Day':
    case 'appointmentReminder1Hour':
    case 'appointmentReminder15Minutes':
    case 'appointmentReminder1Minute':
      return {
        ...envelope(),
        kind: 'appointmentReminder',
        appointment: { ...appointment },
        offset: reminderOffsetOf[type],
      };
    case 'leadNew':
      return leadEvent(80, 'new');
    case 'leadUpdated':
      return leadEvent(80, 'updated');
    case 'usage75':
    case 'usage90':
    case 'usage100':
      return {
        ...envelope(),
        kind: 'usageThreshold',
        periodId: 'period-2026-11',
        threshold: usageThresholdOf[type],
        usedMinutes: 900,
        includedMinutes: 1000,
      };
    case 'paymentFailed':
      return {
        ...envelope(),
        kind: 'paymentFailed',
        amountCents: 4900,
        currency: 'USD',
        reason: 'Card declined',
      };
    default:
      return reportEvent(type);
  }
}

const reminderOffsetOf = {
  appointmentReminder1Day: '1d',
  appointmentReminder1Hour: '1h',
  appointmentReminder15Minutes: '15m',
  appointmentReminder1Minute: '1m',
} as const;

const usageThresholdOf = { usage75: 75, usage90: 90, usage100: 100 } as const;
