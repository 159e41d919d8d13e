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
  /** One pop-up for several events of one kind on one line: "7 new texts on Support Line". */
  describeGroup: (events: readonly AlertEvent[]) => Description;
  /** A ringing call that had already ended when it was seen (reconnect backlog, wake-up). */
  describeMissedCall: (event: EventOfKind<'call'>) => Description;
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
    const withWhom = appointment.contactName ? ` with ${appointment.contactName}` : '';
    return { title: appointment.title, when, withWhom, startsAt };
  };

  function describe(event: AlertEvent): Description {
    const now = Date.parse(event.occurredAt);
    switch (event.kind) {
      case 'call':
        return event.state === 'ringing'
          ? bounded(`Incoming call on ${lineWords(event.lineId)}`, who(event))
          : bounded(`Call ended on ${lineWords(event.lineId)}`, who(event));
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

  /** A ringing call that had already ended when it was seen (reconnect backlog, wake-up). */
  function describeMissedCall(event: EventOfKind<'call'>): Description {
    return bounded(`Missed call on ${lineWords(event.lineId)}`, who(event));
  }

  /**
   * One pop-up for several events of one kind on one line: "7 new texts on Support Line from
   * Ann Lee and 2 others".
   */
  function describeGroup(events: readonly AlertEvent[]): Description {
    const first = events[0];
    if (!first) return bounded('No new notifications', ' ');
    if (events.length === 1) return describe(first);
    const lineId = 'lineId' in first ? first.lineId : null;
    const where = lineId === null ? '' : ` on ${lineWords(lineId)}`;
    // A set: a window of 1,000 texts from 1,000 numbers costs 1,000 steps, not a million.
    const senders = new Set<string>();
    for (const event of events) {
      if ('from' in event) senders.add(event.contactName ?? formatNumber(event.from));
    }
    const [firstSender] = senders;
    const from =
      firstSender === undefined
        ? ''
        : senders.size === 1
          ? ` from ${name(firstSender)}`
          : ` from ${name(firstSender)} and ${plural(senders.size - 1, 'other', 'others')}`;
    const title = `${events.length} new ${pluralNames[first.kind]}`;
    return bounded(`${title}${where}`, `${title}${where}${from}`);
  }

  return { describe, describeMissedCall, describeGroup };
}

/**
 * Words when the session's describer throws (a lookup failed): the built-in ones with no lookups
 * ("line line-support" for the line, UTC), so the alert still reads as what it is.
 */
const withoutLookups = createEventDescriber({ lineName: () => null });

/**
 * `describer`, falling back to the words without lookups when it throws; `failed` hears of each
 * failure (delivery logs it) with the id of the event it was describing.
 */
export function withFallback(
  describer: EventDescriber,
  failed: (eventId: string, error: unknown) => void,
): EventDescriber {
  const guarded =
    <Input>(
      words: (from: EventDescriber, input: Input) => Description,
      idOf: (input: Input) => string,
    ) =>
    (input: Input): Description => {
      try {
        return words(describer, input);
      } catch (error) {
        failed(idOf(input), error);
        return words(withoutLookups, input);
      }
    };
  return {
    describe: guarded(
      (from, event: AlertEvent) => from.describe(event),
      (event) => event.id,
    ),
    describeMissedCall: guarded(
      (from, event: EventOfKind<'call'>) => from.describeMissedCall(event),
      (event) => event.id,
    ),
    describeGroup: guarded(
      (from, events: readonly AlertEvent[]) => from.describeGroup(events),
      (events) => events.at(-1)?.id ?? '',
    ),
  };
}
