import type { ActivityItem, ConnectionState, HealthNotice } from '../../common';

/** One JSON line per decision (`--json`): what a script needs, explanations on `--explain`. */
export interface DecisionLine {
  eventId: string;
  type: string;
  alertType: string | null;
  lineId: string | null;
  title: string;
  body: string;
  deliveries: Array<{ channel: string; destination: string | null }>;
  suppressed: Array<{ channel: string; code: string; explanation?: string }>;
}

export function decisionLine(item: ActivityItem, explain: boolean): DecisionLine {
  return {
    eventId: item.eventId,
    type: item.kind,
    alertType: item.decision.alertType,
    lineId: item.decision.lineId,
    title: item.title,
    body: item.body,
    deliveries: item.decision.deliveries.map(({ channel, destination }) => ({
      channel,
      destination,
    })),
    suppressed: item.decision.suppressed.map(({ channel, code, explanation }) =>
      explain ? { channel, code, explanation } : { channel, code },
    ),
  };
}

function clockOf(epoch: number): string {
  return new Date(epoch).toISOString().slice(11, 19);
}

/**
 * A readable line per decision:
 * `10:02:03 call  Incoming call on Support Line — Ann Lee · +1 415… → desktop, inApp · not: email (channelOffByUser)`
 * With `explain`, one indented sentence per suppressed channel follows.
 */
export function formatDecision(item: ActivityItem, explain: boolean): string {
  const delivered = item.decision.deliveries.map((delivery) =>
    delivery.destination ? `${delivery.channel} (${delivery.destination})` : delivery.channel,
  );
  const suppressed = item.decision.suppressed.map((entry) => `${entry.channel} (${entry.code})`);
  const outcome = delivered.length > 0 ? `→ ${delivered.join(', ')}` : '→ nothing';
  const words = [
    clockOf(item.decidedAt),
    item.kind.padEnd(18),
    `${item.title}${item.body ? ` — ${item.body}` : ''}`,
    outcome,
    ...(suppressed.length > 0 ? [`· not: ${suppressed.join(', ')}`] : []),
  ];
  const lines = [words.join(' ')];
  if (explain) {
    for (const entry of item.decision.suppressed) {
      lines.push(`    ${entry.channel}: ${entry.explanation}`);
    }
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
    case 'tokenStorage':
      return notice.message;
  }
}
