import {
  alertTypeLabelIsPlural,
  alertTypeLabels,
  channelLabels,
  isAccountAlertType,
  isInterruptingChannel,
  isLineAlertType,
  isRecipientAlertType,
  type AlertType,
  type Channel,
} from '../alert-types';
import { channelField, lockOf, type SettingLock } from '../locks';
import { isAdmin, userChannelOn, type QuietHours, type Recipient } from '../preferences';
import { describeInstant, isTimeZone, localTime, weekdays } from '../time-zone';
import type { Line, Reason, RecipientContext } from './context';
import { masterSwitchOffWords, turnedOffWords, typeChannelOffWords } from './reason-words';

/**
 * What the gates look at: an alert type and, where it matters, the line and the lead score. An
 * event becomes a subject in `decide`; `diagnose` builds subjects without an event.
 */
export interface Subject {
  alertType: AlertType;
  /** The line of a line-scoped alert, when known. */
  line: Line | null;
  /** For line events: the id the event named, even when it is not one of the user's lines. */
  lineId: string | null;
  /** Words for the kind on this line, for mute explanations: "Texts", "Calls". */
  kindOnLine: string;
  leadScore: number | null;
}

type Gate = (subject: Subject, context: RecipientContext, channel: Channel) => Reason | null;

const label = (type: AlertType) => alertTypeLabels[type];

function zoneOf(context: RecipientContext): string {
  // Stored preferences are validated, but a well-typed odd value must not make `decide` throw.
  return isTimeZone(context.preferences.timeZone) ? context.preferences.timeZone : 'UTC';
}

function untilWords(until: string | null, context: RecipientContext): string {
  if (until === null) return 'until you unmute';
  return `until ${describeInstant(Date.parse(until), context.now, zoneOf(context))}`;
}

/** A mute or do-not-disturb is in force when it has no end or its end is still ahead. */
export function activeUntil(until: string | null, now: number): boolean {
  if (until === null) return true;
  const end = Date.parse(until);
  return Number.isFinite(end) && end > now;
}

/**
 * The lock that holds `type` on for this person on `channel` (a mandatory channel of their
 * business), or null. Such a channel passes the user's own switches: the type switch, the
 * per-type channel and the channel's master switch. Nothing else: who receives, the business's
 * own narrowing, line choices, lead thresholds and the moment gates still apply.
 */
export function lockHoldingOn(
  type: AlertType,
  channel: Channel,
  context: RecipientContext,
): SettingLock | null {
  const field = channelField(type, channel);
  const lock = field === null ? null : lockOf(context.locks, field);
  return lock?.value === true ? lock : null;
}

export function recipientEntry(context: RecipientContext): Recipient | undefined {
  return context.business.recipients.find((recipient) => recipient.userId === context.userId);
}

export function isLineChosen(line: Line, context: RecipientContext): boolean {
  const choice = context.preferences.lines;
  return line.id === context.personalLineId
    ? choice.personalLine
    : choice.otherLineIds.includes(line.id);
}

/** The lead-score threshold in force: the stricter of the user's own and their recipient entry's. */
export function effectiveLeadThreshold(context: RecipientContext): {
  threshold: number;
  setBy: 'user' | 'business';
} {
  const own = context.preferences.leadScoreThreshold;
  const business = recipientEntry(context)?.leadScoreThreshold ?? 0;
  return business > own
    ? { threshold: business, setBy: 'business' }
    : { threshold: own, setBy: 'user' };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** If `now` falls in a quiet window, the local clock time at which that window ends. */
export function quietWindowEnd(context: RecipientContext): string | null {
  const quiet = context.preferences.quietHours;
  // A clock reading that is not a time (NaN) cannot fall in a window; formatting it would throw.
  if (!quiet.enabled || !Number.isFinite(context.now)) return null;
  const local = localTime(context.now, zoneOf(context));
  const today = weekdays.indexOf(local.weekday);
  const yesterday = weekdays[(today + 6) % 7];
  for (const window of quiet.windows) {
    const start = minutesOf(window.start);
    const end = minutesOf(window.end);
    const overnight = end < start;
    if (window.day === local.weekday) {
      if (overnight ? local.minutes >= start : local.minutes >= start && local.minutes < end) {
        return window.end;
      }
    }
    if (overnight && window.day === yesterday && local.minutes < end) return window.end;
  }
  return null;
}

const minutesPerWeek = 7 * 24 * 60;

/**
 * The first instant after `after` at which quiet hours start or end (a window's start or end on
 * the local clock of `timeZone`), or null when quiet hours are off or have no window. A boundary
 * that daylight saving skips is reported where the local clock passes it.
 */
export function nextQuietBoundary(
  quietHours: QuietHours,
  timeZone: string,
  after: number,
): number | null {
  if (!quietHours.enabled || !Number.isFinite(after)) return null;
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const weekMinute = (instant: number) => {
    const local = localTime(instant, zone);
    return weekdays.indexOf(local.weekday) * 1440 + local.minutes;
  };
  const boundaries: number[] = [];
  for (const window of quietHours.windows) {
    const start = minutesOf(window.start);
    const end = minutesOf(window.end);
    if (start === end) continue;
    const day = weekdays.indexOf(window.day) * 1440;
    boundaries.push(day + start, (day + end + (end < start ? 1440 : 0)) % minutesPerWeek);
  }
  if (boundaries.length === 0) return null;
  const minuteStart = after - (((after % 60_000) + 60_000) % 60_000);
  const now = weekMinute(after);
  let best: number | null = null;
  for (const boundary of boundaries) {
    const ahead = (boundary - now + minutesPerWeek) % minutesPerWeek || minutesPerWeek;
    let candidate = minuteStart + ahead * 60_000;
    // Across a daylight-saving change the local clock moved by an hour: correct once.
    const drift = (boundary - weekMinute(candidate) + minutesPerWeek) % minutesPerWeek;
    const signed = drift > minutesPerWeek / 2 ? drift - minutesPerWeek : drift;
    if (signed !== 0 && candidate + signed * 60_000 > after) candidate += signed * 60_000;
    if (best === null || candidate < best) best = candidate;
  }
  return best;
}

const audienceGates: Gate[] = [
  // Only `diagnose` builds a line subject without a line: the user has no such line at all.
  (subject) => {
    if (!isLineAlertType(subject.alertType) || subject.line) return null;
    if (subject.alertType === 'highSms') {
      return { code: 'notOnLine', explanation: 'You have no lines' };
    }
    return subject.alertType.endsWith('Personal')
      ? { code: 'notOnLine', explanation: 'You have no personal line' }
      : { code: 'notOnLine', explanation: 'You are not in any ring group' };
  },
  (subject, context) =>
    isAccountAlertType(subject.alertType) && !isAdmin(context.role)
      ? {
          code: 'notAdmin',
          explanation: `Only admins receive ${label(subject.alertType)}`,
        }
      : null,
  (subject, context) =>
    subject.alertType === 'billingWarning' && context.role !== 'billingAdmin'
      ? { code: 'notBillingAdmin', explanation: 'Only billing admins receive billing warnings' }
      : null,
  (subject, context) =>
    isRecipientAlertType(subject.alertType) && !recipientEntry(context)
      ? {
          code: 'notRecipient',
          explanation: `You are not on your business's recipients list for ${label(subject.alertType)}`,
        }
      : null,
];

const typeGates: Gate[] = [
  (subject, context) =>
    context.business.alerts[subject.alertType].enabled
      ? null
      : {
          code: 'typeOffByBusiness',
          explanation: `Your business has turned off ${label(subject.alertType)}`,
        },
  (subject, context, channel) => {
    const on = isAccountAlertType(subject.alertType)
      ? context.preferences.accountAlerts[subject.alertType]
      : context.preferences.alerts[subject.alertType];
    return on || lockHoldingOn(subject.alertType, channel, context)
      ? null
      : {
          code: 'typeOffByUser',
          explanation: turnedOffWords(
            context,
            `${isAccountAlertType(subject.alertType) ? 'accountAlerts' : 'alerts'}.${subject.alertType}`,
            label(subject.alertType),
          ),
        };
  },
  (subject, context) => {
    if (subject.leadScore === null) return null;
    const { threshold, setBy } = effectiveLeadThreshold(context);
    if (subject.leadScore >= threshold) return null;
    return {
      code: 'belowLeadThreshold',
      explanation:
        setBy === 'user'
          ? `Lead score ${subject.leadScore} is below your threshold of ${threshold}`
          : `Lead score ${subject.leadScore} is below the threshold of ${threshold} your business set for you`,
    };
  },
  (subject, context) =>
    subject.line && isLineAlertType(subject.alertType) && !isLineChosen(subject.line, context)
      ? {
          code: 'lineNotChosen',
          explanation: `You have not chosen ${subject.line.name} for notifications`,
        }
      : null,
];

const channelGates: Gate[] = [
  (subject, _context, channel) =>
    isAccountAlertType(subject.alertType) && channel !== 'email'
      ? {
          code: 'channelNotOffered',
          explanation: 'Account-level notifications are sent by email only',
        }
      : null,
  (_subject, context, channel) =>
    context.business.allowedChannels[channel]
      ? null
      : {
          code: 'channelNotAllowedByBusiness',
          explanation: `Your business does not allow ${channelLabels[channel]} notifications`,
        },
  (subject, context, channel) =>
    context.business.alerts[subject.alertType].channels[channel]
      ? null
      : {
          code: 'channelOffForType',
          explanation: `Your business has turned off ${channelLabels[channel]} alerts for ${label(subject.alertType)}`,
        },
  (subject, context, channel) => {
    if (!isRecipientAlertType(subject.alertType)) return null;
    const entry = recipientEntry(context);
    return !entry || entry.channels[channel]
      ? null
      : {
          code: 'recipientChannelOff',
          explanation: `Your recipient settings do not include ${channelLabels[channel]} for ${label(subject.alertType)}`,
        };
  },
  (subject, context, channel) =>
    userChannelOn(context.preferences.channels, channel) ||
    lockHoldingOn(subject.alertType, channel, context)
      ? null
      : {
          code: 'channelOffByUser',
          explanation: masterSwitchOffWords(context, channel),
        },
  (subject, context, channel) => {
    if (isAccountAlertType(subject.alertType)) return null;
    if (context.preferences.alertChannels[subject.alertType][channel]) return null;
    if (lockHoldingOn(subject.alertType, channel, context)) return null;
    return {
      code: 'channelOffForTypeByUser',
      explanation: typeChannelOffWords(context, subject.alertType, channel),
    };
  },
  (_subject, context, channel) => {
    if (channel === 'email' && destinationFor('email', context) === null) {
      return { code: 'noDestination', explanation: 'You have no email address for alerts' };
    }
    if (channel === 'text' && destinationFor('text', context) === null) {
      return {
        code: 'noDestination',
        explanation: 'You have no number for text alerts and no backup phone',
      };
    }
    return null;
  },
];

const interruptionGates: Gate[] = [
  (subject, context) =>
    subject.alertType === 'callRingGroup' && context.onCall && !context.preferences.fisherMode
      ? {
          code: 'onAnotherCall',
          explanation: 'You are on another call and Fisher Mode is off',
        }
      : null,
  (subject, context) => {
    if (!subject.line) return null;
    const lineId = subject.line.id;
    const mute = context.preferences.mutes.lines.find(
      (candidate) => candidate.lineId === lineId && activeUntil(candidate.until, context.now),
    );
    return mute
      ? {
          code: 'lineMuted',
          explanation: `${subject.kindOnLine} on ${subject.line.name} are muted ${untilWords(mute.until, context)}`,
        }
      : null;
  },
  (_subject, context) => {
    const dnd = context.preferences.mutes.doNotDisturb;
    if (!dnd.enabled || !activeUntil(dnd.until, context.now)) return null;
    const words = dnd.until === null ? 'until you turn it off' : untilWords(dnd.until, context);
    return { code: 'doNotDisturb', explanation: `Do not disturb is on ${words}` };
  },
  (subject, context) => {
    if (context.preferences.quietHours.breakThrough.includes(subject.alertType)) return null;
    const end = quietWindowEnd(context);
    // "mentions do not", "usage at 75% does not"
    const verb = alertTypeLabelIsPlural(subject.alertType) ? 'do' : 'does';
    return end === null
      ? null
      : {
          code: 'quietHours',
          explanation: `Quiet hours are on until ${end}; ${label(subject.alertType)} ${verb} not break through`,
        };
  },
];

/** Where an email or text for this user goes, or null when there is nowhere to send it. */
export function destinationFor(channel: Channel, context: RecipientContext): string | null {
  const own = context.preferences.channels;
  switch (channel) {
    case 'email':
      return own.email.address ?? context.accountEmail;
    case 'text':
      return own.text.useCustomNumber && own.text.customNumber !== null
        ? own.text.customNumber
        : context.backupPhone;
    case 'desktop':
    case 'inApp':
      return null;
  }
}

/**
 * Every reason a channel does not deliver, most fundamental first: who the alert is for, then
 * the alert type, then the channel, then whether now is a moment to interrupt.
 */
export function reasonsFor(
  subject: Subject,
  context: RecipientContext,
  channel: Channel,
): Reason[] {
  const gates = [
    ...audienceGates,
    ...typeGates,
    ...channelGates,
    ...(isInterruptingChannel(channel) ? interruptionGates : []),
  ];
  const reasons: Reason[] = [];
  for (const gate of gates) {
    const reason = gate(subject, context, channel);
    if (reason) reasons.push(reason);
    // A channel that never carries this type: its other switches are beside the point, and
    // listing them ("your business has turned off desktop alerts for daily activity reports")
    // would suggest a setting that could turn it on.
    if (reason?.code === 'channelNotOffered') break;
  }
  return reasons;
}
