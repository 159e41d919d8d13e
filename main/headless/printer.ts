import { clockIn, isoInZone } from './clock';
import {
  reached,
  type ActivityItem,
  type ChannelReport,
  type ConnectionState,
  type HealthNotice,
} from '../../common';

/**
 * One JSON line per decision (`--json`), printed once the decision is settled, saying what
 * happened on each channel from records (common/delivery-report.ts): `deliveries` are the
 * channels that reached the person (`shown`, `listed`, `sent` with the service's outbox id and
 * destination), `suppressed` the others with a `status` (`held`, `notSent`, `failed`,
 * `pending`) and a reason `code`, explanations with `--explain`. `updated: true` marks a line
 * that replaces an earlier one for the same `eventId` (the service reported on a local alert).
 */
export interface DecisionLine {
  eventId: string;
  /** Whose alert it is (the demo signs in two people); absent when there is one. */
  person?: string;
  /** When it was decided: an ISO instant with the user's offset ("2026-12-04T09:02:32.120-08:00"). */
  decidedAt: string;
  type: string;
  alertType: string | null;
  lineId: string | null;
  title: string;
  body: string;
  deliveries: Array<{
    channel: string;
    status: 'shown' | 'listed' | 'sent';
    destination: string | null;
    outboxId?: number;
  }>;
  suppressed: Array<{ channel: string; status: string; code: string; explanation?: string }>;
  updated?: true;
}

type Reached = Extract<ChannelReport, { status: 'shown' | 'listed' | 'sent' }>;
type NotReached = Exclude<ChannelReport, Reached>;

/** How a decision is printed: the user's time zone, whose it is, with reasons or not. */
export interface LineFormat {
  explain: boolean;
  /** The user's IANA time zone: every printed time is on this clock. */
  timeZone: string;
  /** Whose alert it is, when the output holds more than one person's. */
  person?: string;
  /** The line replaces an earlier one for the same event (the service reported on it). */
  updated?: boolean;
}

export function decisionLine(item: ActivityItem, format: LineFormat): DecisionLine {
  const { explain, updated = false } = format;
  const done = item.channels.filter((report): report is Reached => reached(report));
  const notDone = item.channels.filter((report): report is NotReached => !reached(report));
  return {
    eventId: item.eventId,
    ...(format.person === undefined ? {} : { person: format.person }),
    decidedAt: isoInZone(item.decidedAt, format.timeZone),
    type: item.kind,
    alertType: item.decision.alertType,
    lineId: item.decision.lineId,
    title: item.title,
    body: item.body,
    deliveries: done.map((report) =>
      report.status === 'sent'
        ? {
            channel: report.channel,
            status: report.status,
            destination: report.destination,
            outboxId: report.outboxId,
          }
        : { channel: report.channel, status: report.status, destination: null },
    ),
    suppressed: notDone.map(({ channel, status, code, explanation }) =>
      explain ? { channel, status, code, explanation } : { channel, status, code },
    ),
    ...(updated ? { updated: true as const } : {}),
  };
}

function reachedWords(report: Reached): string {
  switch (report.status) {
    case 'shown':
      return `${report.channel} shown`;
    case 'listed':
      return `${report.channel} listed`;
    case 'sent':
      return `${report.channel} sent to ${report.destination} (outbox ${report.outboxId})`;
  }
}

/** Room for a first name in the person column ("Jordan", "Sam"). */
const personWidth = 7;

/**
 * A readable line per decision, its time on the user's clock (`timesLabel` says which, once):
 * `10:02:03 call  Incoming call on Support Line — Ann Lee · +1 415… → desktop shown, inApp listed · not: email notSent (channelOffByUser)`
 * With `explain`, one indented sentence per channel that did not reach the person follows.
 */
export function formatDecision(item: ActivityItem, format: LineFormat): string {
  const { explain, updated = false } = format;
  const done = item.channels.filter((report): report is Reached => reached(report));
  const notDone = item.channels.filter((report): report is NotReached => !reached(report));
  const outcome = done.length > 0 ? `→ ${done.map(reachedWords).join(', ')}` : '→ nothing';
  const words = [
    ...(updated ? ['updated'] : []),
    clockIn(item.decidedAt, format.timeZone),
    ...(format.person === undefined ? [] : [format.person.padEnd(personWidth)]),
    item.kind.padEnd(18),
    `${item.title}${item.body ? ` — ${item.body}` : ''}`,
    outcome,
    ...(notDone.length > 0
      ? [
          `· not: ${notDone.map((entry) => `${entry.channel} ${entry.status} (${entry.code})`).join(', ')}`,
        ]
      : []),
  ];
  const lines = [words.join(' ')];
  if (explain) {
    for (const entry of notDone) lines.push(`    ${entry.channel}: ${entry.explanation}`);
  }
  return lines.join('\n');
}

export function formatConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return 'Connecting to the service…';
    case 'connected':
      return 'Connected: live.';
    case 'reconnecting':
      return `Reconnecting in ${state.inSeconds} s (attempt ${state.attempt}): ${state.reason}`;
    case 'offline':
      return `Offline: ${state.reason}`;
    case 'refused':
      return `The service refused this sign-in: ${state.reason}`;
  }
}

export function formatHealth(notice: HealthNotice): string {
  switch (notice.code) {
    case 'notifierUnavailable':
      return `${notice.message} Decisions are still printed here.`;
    case 'popupFailures':
      return `Pop-ups are failing: ${notice.message}`;
    case 'diskFull':
    case 'storageError':
    case 'storageLocked':
      return `${notice.message}. Nothing is lost: they are processed in order once a write succeeds.`;
    case 'tokenStorage':
    case 'serviceReset':
    case 'storeRecovered':
    case 'profileInUse':
    case 'policyInvalid':
    case 'managedPolicy':
      return notice.message;
  }
}
