import { channels, type AlertType } from '../alert-types';
import type { AlertEvent, ReminderOffset } from '../events';
import type { Decision, Line, Reason, RecipientContext } from './context';
import { destinationFor, lockHoldingOn, reasonsFor, type Subject } from './gates';

const reminderAlertTypes: Record<ReminderOffset, AlertType> = {
  '1d': 'appointmentReminder1Day',
  '1h': 'appointmentReminder1Hour',
  '15m': 'appointmentReminder15Minutes',
  '1m': 'appointmentReminder1Minute',
};

const kindsOnLine = {
  call: 'Calls',
  text: 'Texts',
  voicemail: 'Voicemails',
  fax: 'Faxes',
  highSms: 'High-SMS alerts',
} as const;

type Classified = { subject: Subject } | { reason: Reason; lineId: string | null };

function lineSubject(
  kind: keyof typeof kindsOnLine,
  lineId: string,
  context: RecipientContext,
): Classified {
  const line: Line | undefined = context.lines.find((candidate) => candidate.id === lineId);
  const personal = line !== undefined && line.id === context.personalLineId;
  const ringGroup =
    line !== undefined &&
    line.ringGroupId !== null &&
    context.ringGroups.some((group) => group.id === line.ringGroupId);
  if (!line || (!personal && !ringGroup)) {
    return {
      reason: {
        code: 'notOnLine',
        explanation: `${line?.name ?? `Line ${lineId}`} is not one of your lines`,
      },
      lineId,
    };
  }
  if (kind === 'fax' && !personal) {
    return {
      reason: {
        code: 'ringGroupFax',
        explanation: 'Faxes to ring groups never send notifications',
      },
      lineId,
    };
  }
  const alertType: AlertType =
    kind === 'highSms'
      ? 'highSms'
      : kind === 'call'
        ? personal
          ? 'callPersonal'
          : 'callRingGroup'
        : kind === 'text'
          ? personal
            ? 'textPersonal'
            : 'textRingGroup'
          : kind === 'voicemail'
            ? personal
              ? 'voicemailPersonal'
              : 'voicemailRingGroup'
            : 'faxPersonal';
  return { subject: { alertType, line, lineId, kindOnLine: kindsOnLine[kind], leadScore: null } };
}

function simple(alertType: AlertType, leadScore: number | null = null): Classified {
  return { subject: { alertType, line: null, lineId: null, kindOnLine: '', leadScore } };
}

function notAnAlert(explanation: string): Classified {
  return { reason: { code: 'notAnAlert', explanation }, lineId: null };
}

/** Which alert type an event is for this person, or why it is not one of their alerts. */
function classify(event: AlertEvent, context: RecipientContext): Classified {
  switch (event.kind) {
    case 'call':
      return event.state !== 'ringing'
        ? notAnAlert('A call that has ended does not ring')
        : lineSubject('call', event.lineId, context);
    case 'text':
    case 'voicemail':
    case 'fax':
    case 'highSms':
      return lineSubject(event.kind, event.lineId, context);
    case 'mention':
    case 'contactAssigned':
    case 'appointmentAssigned':
    case 'reminderAssigned':
    case 'appointmentCreated':
    case 'paymentFailed':
      return simple(event.kind);
    case 'appointmentReminder':
      return simple(reminderAlertTypes[event.offset]);
    case 'lead':
      return simple(event.change === 'new' ? 'leadNew' : 'leadUpdated', event.score);
    case 'usageThreshold':
      return simple(`usage${event.threshold}`);
    case 'accountReport':
      return simple(event.report);
    case 'usage':
      return notAnAlert('Usage updates are checked against the 75%, 90% and 100% thresholds');
    case 'appointmentUpdated':
      return notAnAlert('A changed appointment moves its reminders; it does not alert by itself');
    case 'appointmentCancelled':
      return notAnAlert(
        'A cancelled appointment cancels its reminders; it does not alert by itself',
      );
  }
}

/**
 * Decides, for one event and one person, which channels alert them and, for every channel that
 * does not, the first reason why. Pure and deterministic: the time is `context.now`.
 */
export function decide(event: AlertEvent, context: RecipientContext): Decision {
  const classified = classify(event, context);
  if ('reason' in classified) {
    return {
      eventId: event.id,
      alertType: null,
      lineId: classified.lineId,
      deliveries: [],
      suppressed: channels.map((channel) => ({ channel, ...classified.reason })),
    };
  }
  const { subject } = classified;
  const decision: Decision = {
    eventId: event.id,
    alertType: subject.alertType,
    lineId: subject.line?.id ?? null,
    deliveries: [],
    suppressed: [],
  };
  for (const channel of channels) {
    const [first] = reasonsFor(subject, context, channel);
    if (first) {
      decision.suppressed.push({ channel, ...first });
      continue;
    }
    const lock = lockHoldingOn(subject.alertType, channel, context);
    decision.deliveries.push({
      channel,
      destination: destinationFor(channel, context),
      ...(lock ? { lock: { source: lock.source, reason: lock.reason } } : {}),
    });
  }
  return decision;
}
