import { channels, isLineAlertType, type AlertType, type Channel } from '../alert-types';
import type { Diagnosis, Line, Reason, RecipientContext } from './context';
import {
  destinationFor,
  effectiveLeadThreshold,
  lockHoldingOn,
  reasonsFor,
  type Subject,
} from './gates';

const kindOnLineFor = (type: AlertType): string =>
  type.startsWith('call')
    ? 'Calls'
    : type.startsWith('text')
      ? 'Texts'
      : type.startsWith('voicemail')
        ? 'Voicemails'
        : type.startsWith('fax')
          ? 'Faxes'
          : 'High-SMS alerts';

/** The lines an alert type can arrive on for this person. */
function linesFor(type: AlertType, context: RecipientContext): Line[] {
  const personal = context.lines.filter((line) => line.id === context.personalLineId);
  const ringGroup = context.lines.filter(
    (line) =>
      line.ringGroupId !== null &&
      context.ringGroups.some((group) => group.id === line.ringGroupId),
  );
  if (type === 'highSms') return [...personal, ...ringGroup];
  return type.endsWith('Personal') ? personal : ringGroup;
}

function subjectsFor(type: AlertType, context: RecipientContext): Subject[] {
  const base = { alertType: type, leadScore: null, kindOnLine: kindOnLineFor(type) };
  if (!isLineAlertType(type)) return [{ ...base, line: null, lineId: null }];
  const lines = linesFor(type, context);
  if (lines.length === 0) return [{ ...base, line: null, lineId: null }];
  return lines.map((line) => ({ ...base, line, lineId: line.id }));
}

/**
 * Answers "why am I not receiving these alerts?" for one alert type: every reason it would not
 * reach the user now (on any of their lines, through any channel), or the channels it would use.
 */
export function diagnose(alertType: AlertType, context: RecipientContext): Diagnosis {
  const reasons = new Map<string, Reason & { channels: Channel[] }>();
  const delivering = new Map<Channel, string | null>();
  for (const subject of subjectsFor(alertType, context)) {
    for (const channel of channels) {
      const found = reasonsFor(subject, context, channel);
      if (found.length === 0) delivering.set(channel, destinationFor(channel, context));
      for (const reason of found) {
        const key = `${reason.code}\u0000${reason.explanation}`;
        const entry = reasons.get(key) ?? { ...reason, channels: [] };
        if (!entry.channels.includes(channel)) entry.channels.push(channel);
        reasons.set(key, entry);
      }
    }
  }
  const limits: Reason[] = [];
  if (alertType === 'leadNew' || alertType === 'leadUpdated') {
    const { threshold } = effectiveLeadThreshold(context);
    if (threshold > 0) {
      limits.push({
        code: 'belowLeadThreshold',
        explanation: `Only leads scoring ${threshold} or more alert you`,
      });
    }
  }
  const locks: Diagnosis['locks'] = [];
  for (const channel of channels) {
    const lock = lockHoldingOn(alertType, channel, context);
    if (lock) locks.push({ channel, source: lock.source, reason: lock.reason });
  }
  return {
    alertType,
    wouldAlert: delivering.size > 0,
    channels: [...delivering].map(([channel, destination]) => ({ channel, destination })),
    reasons: [...reasons.values()],
    limits,
    locks,
  };
}

/**
 * `diagnose` on one line only ("why do calls to the Support Line not reach me?"): the same
 * diagnosis over a context whose lines are narrowed to `lineId`. Null when `lineId` is not one
 * of this person's lines.
 */
export function diagnoseOnLine(
  alertType: AlertType,
  context: RecipientContext,
  lineId: string | null,
): Diagnosis | null {
  if (lineId === null) return diagnose(alertType, context);
  const line = context.lines.find((each) => each.id === lineId);
  if (!line) return null;
  return diagnose(alertType, { ...context, lines: [line] });
}
