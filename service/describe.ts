import {
  alertTypeLabels,
  alertTypes,
  formatPhoneNumber,
  readableTime,
  type AlertEvent,
  type AlertType,
  type Line,
  type ReminderOffset,
} from '../common';

/**
 * The words of one email or text: a subject line and a body, in the business's voice. Raw: the
 * outbox sanitises and caps them (`common/outbound.ts`) as it writes them.
 */
export interface Message {
  subject: string;
  body: string;
}

/** Whom a message is for, so times read in their time zone and numbers in their country. */
export interface Reader {
  lines: readonly Line[];
  timeZone: string;
  /** Epoch ms: "today" and "tomorrow" are from here. */
  now: number;
  /** The business's country: numbers in it are written the national way. */
  country: string | null;
}

const offsetWords: Record<ReminderOffset, string> = {
  '1d': '1 day',
  '1h': '1 hour',
  '15m': '15 minutes',
  '1m': '1 minute',
};

function who(from: string, contactName: string | null, reader: Reader): string {
  if (contactName) return contactName;
  return from === 'anonymous' ? 'an unknown caller' : formatPhoneNumber(from, reader.country);
}

function onLine(lineId: string, lines: readonly Line[]): string {
  return lines.find((line) => line.id === lineId)?.name ?? `line ${lineId}`;
}

/** "2:30 PM PST", "tomorrow at 9:00 AM PST": never an ISO string. */
function at(instant: string, reader: Reader): string {
  return readableTime(Date.parse(instant), reader.now, reader.timeZone);
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

/** What the service writes in the email or text for one event, for `reader`. */
export function describeEvent(event: AlertEvent, reader: Reader): Message {
  const { subject, body } = wordsOf(event, reader);
  // One paragraph: a line break inside a contact's name or message is theirs, not a new line
  // of ours (digests put theirs one per line).
  return { subject: oneLine(subject), body: oneLine(body) };
}

const lineBreaks = /[\r\n\v\f\u0085\u2028\u2029]+/g;

function oneLine(text: string): string {
  return text.replace(lineBreaks, ' ');
}

function wordsOf(event: AlertEvent, reader: Reader): Message {
  const { lines } = reader;
  switch (event.kind) {
    case 'call':
      return {
        subject: `Incoming call from ${who(event.from, event.contactName, reader)}`,
        body: `${who(event.from, event.contactName, reader)} is calling ${onLine(event.lineId, lines)}.`,
      };
    case 'text':
      return {
        subject: `New text from ${who(event.from, event.contactName, reader)}`,
        body: `${who(event.from, event.contactName, reader)} on ${onLine(event.lineId, lines)}: ${event.body}`,
      };
    case 'voicemail':
      return {
        subject: `New voicemail from ${who(event.from, event.contactName, reader)}`,
        body: `${who(event.from, event.contactName, reader)} left a ${event.durationSeconds}-second voicemail on ${onLine(event.lineId, lines)}: ${event.transcript}`,
      };
    case 'fax':
      return {
        subject: `New fax from ${who(event.from, event.contactName, reader)}`,
        body: `A ${event.pages}-page fax arrived on ${onLine(event.lineId, lines)}.`,
      };
    case 'highSms':
      return {
        subject: `High SMS volume from ${who(event.from, event.contactName, reader)}`,
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
        body: `${event.appointment.title} starts ${startWords(event.appointment.startsAt, reader)}.`,
      };
    case 'appointmentCancelled':
      return {
        subject: 'Appointment cancelled',
        body: `Appointment ${event.appointmentId} was cancelled.`,
      };
    case 'appointmentReminder':
      return {
        subject: `Reminder: ${event.appointment.title} ${startWords(event.appointment.startsAt, reader)}`,
        body: `${event.appointment.title} starts ${startWords(event.appointment.startsAt, reader)} (in ${offsetWords[event.offset]}).`,
      };
    case 'reminderAssigned':
      return {
        subject: `Reminder assigned: ${event.title}`,
        body: `${event.title} is due ${startWords(event.dueAt, reader)}.`,
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

/** "at 2:30 PM PST", "tomorrow at 9:00 AM PST", "on Thu, Nov 26 at 9:00 AM PST". */
function startWords(instant: string, reader: Reader): string {
  const words = at(instant, reader);
  if (words.startsWith('tomorrow')) return words;
  return /^\d/.test(words) ? `at ${words}` : `on ${words}`;
}

/** One message held for a digest, as a digest names it. */
export interface HeldItem {
  alertType: string;
  subject: string;
  body: string;
  /** Epoch ms. */
  heldAt: number;
}

function labelOf(alertType: string): string {
  return (alertTypes as readonly string[]).includes(alertType)
    ? alertTypeLabels[alertType as AlertType]
    : 'alerts';
}

function latestOf(items: readonly HeldItem[], reader: Reader): string {
  const latest = items.at(-1);
  if (!latest) return '';
  const when = readableTime(latest.heldAt, reader.now, reader.timeZone);
  return `The latest, at ${when}: ${latest.subject}. ${latest.body}`;
}

/**
 * The digest of a burst: messages of one alert type on one line held back after the first went
 * out at once. Names how many, over what time, and the latest.
 */
export function describeBurstDigest(items: readonly HeldItem[], reader: Reader): Message {
  const [first] = items;
  const label = labelOf(first?.alertType ?? '');
  const from = first ? readableTime(first.heldAt, reader.now, reader.timeZone) : '';
  const more =
    items.length === 1 ? `1 more: ${first?.subject ?? label}` : `${items.length} more ${label}`;
  return {
    subject: more,
    body: `${more} since ${from}.\n${latestOf(items, reader)}`,
  };
}

/**
 * The digest at the end of a destination's hour: what waited because the hourly cap was
 * reached, counted by alert type, and the latest.
 */
export function describeHourDigest(
  items: readonly HeldItem[],
  reader: Reader,
  cap: { perHour: number; messages: string },
): Message {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.alertType, (counts.get(item.alertType) ?? 0) + 1);
  const parts = [...counts].map(([type, count]) => `${count} ${labelOf(type)}`);
  return {
    subject: `${items.length} ${items.length === 1 ? 'alert' : 'alerts'} held back this hour`,
    body:
      `You reached ${cap.perHour} ${cap.messages} this hour; these waited for this digest: ` +
      `${parts.join(', ')}.\n${latestOf(items, reader)}`,
  };
}
