import { alertTypeLabels, formatPhoneNumber, type AlertEvent, type Line } from '../common';

/** The words of one email or text: a subject line and a body, in the business's voice. */
export interface Message {
  subject: string;
  body: string;
}

function who(from: string, contactName: string | null): string {
  if (contactName) return contactName;
  return from === 'anonymous' ? 'an unknown caller' : formatPhoneNumber(from);
}

function onLine(lineId: string, lines: readonly Line[]): string {
  return lines.find((line) => line.id === lineId)?.name ?? `line ${lineId}`;
}

function money(amountCents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(
      amountCents / 100,
    );
  } catch {
    return `${(amountCents / 100).toFixed(2)} ${currency}`;
  }
}

/** What the service writes in the email or text for one event. */
export function describeEvent(event: AlertEvent, lines: readonly Line[]): Message {
  switch (event.kind) {
    case 'call':
      return {
        subject: `Incoming call from ${who(event.from, event.contactName)}`,
        body: `${who(event.from, event.contactName)} is calling ${onLine(event.lineId, lines)}.`,
      };
    case 'text':
      return {
        subject: `New text from ${who(event.from, event.contactName)}`,
        body: `${who(event.from, event.contactName)} on ${onLine(event.lineId, lines)}: ${event.body}`,
      };
    case 'voicemail':
      return {
        subject: `New voicemail from ${who(event.from, event.contactName)}`,
        body: `${who(event.from, event.contactName)} left a ${event.durationSeconds}-second voicemail on ${onLine(event.lineId, lines)}: ${event.transcript}`,
      };
    case 'fax':
      return {
        subject: `New fax from ${who(event.from, event.contactName)}`,
        body: `A ${event.pages}-page fax arrived on ${onLine(event.lineId, lines)}.`,
      };
    case 'highSms':
      return {
        subject: `High SMS volume from ${who(event.from, event.contactName)}`,
        body: `${event.count} texts in ${event.windowSeconds} seconds on ${onLine(event.lineId, lines)}.`,
      };
    case 'mention':
      return {
        subject: `${event.byName} mentioned you`,
        body: `${event.byName} mentioned you in ${event.conversation}: ${event.excerpt}`,
      };
    case 'contactAssigned':
      return {
        subject: `Contact assigned: ${event.contactName}`,
        body:
          event.sequenceName === null
            ? `${event.contactName} is now assigned to you.`
            : `${event.contactName} was assigned to you by the sequence "${event.sequenceName}".`,
      };
    case 'appointmentAssigned':
    case 'appointmentCreated':
    case 'appointmentUpdated':
      return {
        subject: `${event.kind === 'appointmentAssigned' ? 'Appointment assigned' : event.kind === 'appointmentCreated' ? 'New appointment' : 'Appointment changed'}: ${event.appointment.title}`,
        body: `${event.appointment.title} starts at ${event.appointment.startsAt}.`,
      };
    case 'appointmentCancelled':
      return {
        subject: 'Appointment cancelled',
        body: `Appointment ${event.appointmentId} was cancelled.`,
      };
    case 'appointmentReminder':
      return {
        subject: `Reminder: ${event.appointment.title}`,
        body: `${event.appointment.title} starts at ${event.appointment.startsAt} (in ${event.offset}).`,
      };
    case 'reminderAssigned':
      return {
        subject: `Reminder assigned: ${event.title}`,
        body: `${event.title} is due at ${event.dueAt}.`,
      };
    case 'lead':
      return {
        subject: `${event.change === 'new' ? 'New lead' : 'Lead updated'}: ${event.name}`,
        body: `${event.name} has a lead score of ${event.score}.`,
      };
    case 'usage':
    case 'usageThreshold':
      return {
        subject: `Usage: ${Math.round((event.usedMinutes / event.includedMinutes) * 100)}% of included minutes`,
        body: `${event.usedMinutes} of ${event.includedMinutes} included minutes used in this period.`,
      };
    case 'paymentFailed':
      return {
        subject: 'Payment failed',
        body: `A payment of ${money(event.amountCents, event.currency)} failed: ${event.reason}`,
      };
    case 'accountReport':
      return { subject: `Account report: ${alertTypeLabels[event.report]}`, body: event.summary };
  }
}
