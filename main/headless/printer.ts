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

export function decisionLine(item: ActivityItem, explain: boolean, updated = false): DecisionLine {
  const done = item.channels.filter((report): report is Reached => reached(report));
  const notDone = item.channels.filter((report): report is NotReached => !reached(report));
  return {
    eventId: item.eventId,
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

function clockOf(epoch: number): string {
  return new Date(epoch).toISOString().slice(11, 19);
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

/**
 * A readable line per decision:
 * `10:02:03 call  Incoming call on Support Line — Ann Lee · +1 415… → desktop shown, inApp listed · not: email notSent (channelOffByUser)`
 * With `explain`, one indented sentence per channel that did not reach the person follows.
 */
export function formatDecision(item: ActivityItem, explain: boolean, updated = false): string {
  const done = item.channels.filter((report): report is Reached => reached(report));
  const notDone = item.channels.filter((report): report is NotReached => !reached(report));
  const outcome = done.length > 0 ? `→ ${done.map(reachedWords).join(', ')}` : '→ nothing';
  const words = [
    ...(updated ? ['updated'] : []),
    clockOf(item.decidedAt),
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
