import {
  describeInstant,
  PhoneFormatCache,
  isTimeZone,
  type AlertEvent,
  type EventKind,
  type EventOfKind,
} from '../../../common';
import { bodyLimits, sanitizeNotificationText, titleLimits } from './sanitize';

/** Only `bounded` makes a `Description`: the type says its text went through the sanitiser. */
declare const sanitised: unique symbol;

/** Ids of sample notifications (`main/core/sample-notification.ts`): never stored, never alerts. */
export const sampleEventIdPrefix = 'local:test:';

/** Whether an event is a sample notification rather than an alert. */
export function isSampleEventId(eventId: string): boolean {
  return eventId.startsWith(sampleEventIdPrefix);
}

/**
 * What a pop-up or an in-app item says about an event, sanitised and bounded: only `bounded`
 * makes one, so every describer's text goes through `sanitizeNotificationText`.
 */
export interface Description {
  title: string;
  body: string;
  readonly [sanitised]: true;
}

/**
 * The words of one session: built once (`createEventDescriber`) and shared by its Activity rows
 * and its delivery, so both say the same thing from the same lookups.
 */
export interface EventDescriber {
  /** Title and body of one event. */
  describe: (event: AlertEvent) => Description;
  /**
   * One pop-up for several events of one kind on one line, updated in place as it grows: the
   * latest item's content and the count ("7 new texts on Support Line" / "Ann Lee: See you —
   * and 6 more texts on Support Line"), never the title repeated as the body. `count` (default:
   * as many as `events`) is how many it stands for, when `events` are only the latest of them.
   */
  describeGroup: (events: readonly AlertEvent[], count?: number) => Description;
  /** A ringing call nobody answered (missed, or the caller hung up): "Missed call from Ann Lee". */
  describeMissedCall: (event: EventOfKind<'call'>) => Description;
  /** Calls that rang and stopped while offline (a catch-up): "3 missed calls on Support Line". */
  describeMissedCalls: (events: readonly EventOfKind<'call'>[], count?: number) => Description;
  /**
   * A ringing call's item once the call stopped ringing: answered ("Answered by Taylor Reed"),
   * or missed and ended by the caller (`describeMissedCall`).
   */
  describeCallStopped: (ringing: EventOfKind<'call'>, change: EventOfKind<'call'>) => Description;
}

/** What the formatter needs to know beyond the event itself. */
export interface DescriberLookups {
  /** The name of a line ("Support Line"), or null when unknown. */
  lineName: (lineId: string) => string | null;
  /** The person's IANA time zone for appointment times; UTC when absent or unknown. */
  timeZone?: () => string;
}

/** Words for a kind in a group summary: "7 new texts". */
const pluralNames: Record<EventKind, string> = {
  call: 'calls',
  text: 'texts',
  voicemail: 'voicemails',
  fax: 'faxes',
  mention: 'mentions',
  contactAssigned: 'contacts assigned to you',
  appointmentAssigned: 'appointments assigned to you',
  reminderAssigned: 'reminders assigned to you',
  appointmentCreated: 'appointments',
  appointmentUpdated: 'appointment changes',
  appointmentCancelled: 'cancelled appointments',
  appointmentReminder: 'appointment reminders',
  highSms: 'high-SMS alerts',
  lead: 'leads',
  usage: 'usage updates',
  usageThreshold: 'usage alerts',
  paymentFailed: 'payment failures',
  accountReport: 'account reports',
};

/**
 * Bound of a name inside a sentence (a line, a sender, who mentioned you), so one long name
 * cannot push the rest of the sentence ("… and 2 others") past the pop-up's limit.
 */
const nameLimits = { characters: 40, bytes: 120 } as const;

const name = (text: string) => sanitizeNotificationText(text, nameLimits);

/**
 * Bound of the latest item's content inside a group's body, so a long text cannot push the
 * count ("— and 15 more texts on …") past the pop-up's limit.
 */
const contentLimits = { characters: 100, bytes: 300 } as const;

/** Sanitises and bounds a title and a body: every text for a pop-up or an item goes through it. */
export function bounded(title: string, body: string): Description {
  return {
    title: sanitizeNotificationText(title, titleLimits),
    // A pop-up needs some body text: notify-send refuses an empty message.
    body: sanitizeNotificationText(body, bodyLimits) || ' ',
  } as Description;
}

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "1 more call", "15 more calls". */
function more(count: number, one: string, many: string): string {
  return `${count} more ${count === 1 ? one : many}`;
}

/** "in 1 hour", "in 15 minutes", "now", "started 5 minutes ago" */
function relative(startsAt: number, now: number): string {
  const minutes = Math.round((startsAt - now) / 60_000);
  if (minutes === 0) return 'now';
  const size = Math.abs(minutes);
  const words =
    size >= 48 * 60
      ? plural(Math.round(size / (24 * 60)), 'day', 'days')
      : size >= 90
        ? plural(Math.round(size / 60), 'hour', 'hours')
        : plural(size, 'minute', 'minutes');
  return minutes > 0 ? `in ${words}` : `started ${words} ago`;
}

/**
 * `compute` remembered for up to 1,000 inputs, then forgotten: repeats cost once, and memory
 * stays bounded.
 */
function remembered(compute: (input: string) => string): (input: string) => string {
  const results = new Map<string, string>();
  return (input) => {
    let result = results.get(input);
    if (result === undefined) {
      if (results.size >= 1_000) results.clear();
      result = compute(input);
      results.set(input, result);
    }
    return result;
  };
}

/**
 * Builds the formatter for pop-ups and in-app items: titles and bodies per event kind ("Incoming
 * call on Support Line" / "Ann Lee · +1 415 555 2671"), phone numbers formatted, the contact's
 * name when known, everything sanitised and bounded.
 */
export function createEventDescriber(lookups: DescriberLookups): EventDescriber {
  const zone = () => {
    const value = lookups.timeZone?.() ?? 'UTC';
    return isTimeZone(value) ? value : 'UTC';
  };
  // Formatting a number parses it with libphonenumber (microseconds): a burst repeats numbers,
  // kept in a bounded least-recently-used cache (common/phone-format-cache.ts).
  const formatNumber = new PhoneFormatCache().format;
  // Every event names its line: the few names are cleaned once (keyed by the name, so a
  // renamed line is cleaned again).
  const cleanLineName = remembered(name);
  const lineWords = (lineId: string) => cleanLineName(lookups.lineName(lineId) ?? `line ${lineId}`);
  /** The contact's name, else the number: "Ann Lee", "+1 415 555 2671". */
  const shortWho = (event: { from: string; contactName: string | null }) => {
    const contact =
      event.contactName === null ? '' : sanitizeNotificationText(event.contactName, nameLimits);
    if (contact) return contact;
    return event.from === 'anonymous' ? 'Unknown number' : formatNumber(event.from);
  };
  const who = (event: { from: string; contactName: string | null }) => {
    const number = event.from === 'anonymous' ? 'Unknown number' : formatNumber(event.from);
    // The name is sanitised on its own first, so a hostile name cannot swallow the number.
    const contact =
      event.contactName === null ? '' : sanitizeNotificationText(event.contactName, titleLimits);
    return contact ? `${contact} · ${number}` : number;
  };
  const appointmentWords = (
    appointment: EventOfKind<'appointmentCreated'>['appointment'],
    now: number,
  ) => {
    const startsAt = Date.parse(appointment.startsAt);
    const when = describeInstant(startsAt, now, zone());
    // "Check-up with Ben Ortiz" already names him: the contact is said once.
    const contact = appointment.contactName;
    const withWhom = contact && !appointment.title.includes(contact) ? ` with ${contact}` : '';
    return { title: appointment.title, when, withWhom, startsAt };
  };

  function describe(event: AlertEvent): Description {
    const now = Date.parse(event.occurredAt);
    switch (event.kind) {
      case 'call':
        switch (event.state) {
          case 'ringing':
            return bounded(`Incoming call on ${lineWords(event.lineId)}`, who(event));
          case 'answered':
            return answeredWords(event, event);
          case 'missed':
            return describeMissedCall(event);
          case 'ended':
            return bounded(`Call ended on ${lineWords(event.lineId)}`, who(event));
        }
        break;
      case 'text':
        return bounded(`New text on ${lineWords(event.lineId)}`, `${who(event)}: ${event.body}`);
      case 'voicemail':
        return bounded(
          `Voicemail on ${lineWords(event.lineId)}`,
          `${who(event)} (${duration(event.durationSeconds)})${event.transcript ? `: ${event.transcript}` : ''}`,
        );
      case 'fax':
        return bounded(
          `Fax on ${lineWords(event.lineId)}`,
          `${who(event)} · ${plural(event.pages, 'page', 'pages')}`,
        );
      case 'highSms':
        return bounded(
          `High SMS volume on ${lineWords(event.lineId)}`,
          `${event.count} texts in ${event.windowSeconds} s from ${who(event)}`,
        );
      case 'mention':
        // A sample (Settings' "Send a sample") is titled as one, not as a mention by Ringside.
        if (isSampleEventId(event.id)) return bounded(event.conversation, event.excerpt);
        return bounded(
          `${name(event.byName)} mentioned you in ${event.conversation}`,
          event.excerpt,
        );
      case 'contactAssigned':
        return bounded(
          'Contact assigned to you',
          event.sequenceName
            ? `${event.contactName} (by the sequence ${event.sequenceName})`
            : event.contactName,
        );
      case 'appointmentAssigned':
      case 'appointmentCreated':
      case 'appointmentUpdated': {
        const words = appointmentWords(event.appointment, now);
        const heading =
          event.kind === 'appointmentAssigned'
            ? 'Appointment assigned to you'
            : event.kind === 'appointmentCreated'
              ? 'New appointment'
              : 'Appointment changed';
        return bounded(heading, `${words.title} · ${words.when}${words.withWhom}`);
      }
      case 'appointmentCancelled':
        return bounded('Appointment cancelled', `Appointment ${event.appointmentId}`);
      case 'appointmentReminder': {
        const words = appointmentWords(event.appointment, now);
        // Relative words from the instants, not the offset: a late reminder still reads true.
        return bounded(
          `Appointment ${relative(words.startsAt, now)}`,
          `${words.title} · ${words.when}${words.withWhom}`,
        );
      }
      case 'reminderAssigned':
        return bounded(
          'Reminder assigned to you',
          `${event.title} · due ${describeInstant(Date.parse(event.dueAt), now, zone())}`,
        );
      case 'lead':
        return bounded(
          event.change === 'new' ? `New lead: ${event.name}` : `Lead updated: ${event.name}`,
          `Lead score ${event.score}`,
        );
      case 'usage':
        return bounded(
          'Usage update',
          `${Math.round(event.usedMinutes)} of ${Math.round(event.includedMinutes)} included minutes used`,
        );
      case 'usageThreshold':
        return bounded(
          event.threshold === 100
            ? 'All included minutes used'
            : `${event.threshold}% of included minutes used`,
          `${Math.round(event.usedMinutes)} of ${Math.round(event.includedMinutes)} minutes used this billing period`,
        );
      case 'paymentFailed':
        return bounded(
          'Payment failed',
          `${money(event.amountCents, event.currency)}: ${event.reason}`,
        );
      case 'accountReport':
        return bounded('Account report', event.summary);
    }
  }

  function describeMissedCall(event: EventOfKind<'call'>): Description {
    // The title names the caller; the body adds only the number (when a name stood for it).
    const caller = shortWho(event);
    const full = who(event);
    const number = full === caller ? '' : full.slice(full.lastIndexOf(' · ') + 3);
    return bounded(
      `Missed call from ${caller}`,
      number ? `${number} on ${lineWords(event.lineId)}` : `On ${lineWords(event.lineId)}`,
    );
  }

  function answeredWords(ringing: EventOfKind<'call'>, change: EventOfKind<'call'>): Description {
    const by = change.answeredBy;
    const device = by?.device ? ` on ${name(by.device)}` : '';
    return bounded(
      by ? `Answered by ${name(by.name)}` : 'Answered on another device',
      `Call from ${who(ringing)} on ${lineWords(ringing.lineId)}${device}`,
    );
  }

  function describeCallStopped(
    ringing: EventOfKind<'call'>,
    change: EventOfKind<'call'>,
  ): Description {
    return change.state === 'answered'
      ? answeredWords(ringing, change)
      : describeMissedCall(ringing);
  }

  function describeMissedCalls(
    events: readonly EventOfKind<'call'>[],
    count = events.length,
  ): Description {
    const last = events.at(-1);
    if (!last) return bounded('No missed calls', ' ');
    if (count === 1) return describeMissedCall(last);
    const where = ` on ${lineWords(last.lineId)}`;
    return bounded(
      `${count} missed calls${where}`,
      `Last from ${shortWho(last)} — and ${more(count - 1, 'call', 'calls')}`,
    );
  }

  /** What the latest item of a group says, in a few words: "Ann Lee: See you at 3". */
  function latestWords(event: AlertEvent): string {
    switch (event.kind) {
      case 'text':
        return `${shortWho(event)}: ${event.body}`;
      case 'voicemail':
        return `${shortWho(event)}: ${event.transcript || duration(event.durationSeconds)}`;
      case 'fax':
        return `${shortWho(event)}: ${plural(event.pages, 'page', 'pages')}`;
      default: {
        const words = describe(event);
        // "New lead: Grace Kim" already has its colon: a second one would read as a list.
        return `${words.title}${words.title.includes(': ') ? ' · ' : ': '}${words.body}`;
      }
    }
  }

  function describeGroup(events: readonly AlertEvent[], count = events.length): Description {
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last) return bounded('No new notifications', ' ');
    if (count === 1) return describe(first);
    // One line and kind per group: any of its events names them.
    const lineId = 'lineId' in first ? first.lineId : null;
    const where = lineId === null ? '' : ` on ${lineWords(lineId)}`;
    const others = count - 1;
    return bounded(
      `${count} new ${pluralNames[first.kind]}${where}`,
      `${sanitizeNotificationText(latestWords(last), contentLimits)} — and ${others === 1 ? '1 more' : `${others} more ${pluralNames[first.kind]}`}${where}`,
    );
  }

  return { describe, describeMissedCall, describeMissedCalls, describeCallStopped, describeGroup };
}
