import { alertTypeLabels, channelLabels } from './alert-types';
import type { Diagnosis } from './policy/context';

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A diagnosis in plain lines, as the window's "Why am I not getting …?" says it: the verdict,
 * then each reason with its channels, each channel a lock holds on, each limit. The headless
 * `diagnose` command prints these; the team view shows them for a member.
 */
export function diagnosisLines(diagnosis: Diagnosis, lineName: string | null = null): string[] {
  const what = sentence(alertTypeLabels[diagnosis.alertType]);
  const where = lineName ? ` on ${lineName}` : '';
  const lines = [
    diagnosis.wouldAlert
      ? `${what}${where}: would reach you by ${diagnosis.channels
          .map(
            (channel) =>
              `${channelLabels[channel.channel]}${channel.destination ? ` (${channel.destination})` : ''}`,
          )
          .join(', ')}.`
      : `${what}${where}: would not reach you through any channel right now.`,
  ];
  for (const reason of diagnosis.reasons) {
    const channels = reason.channels.map((channel) => channelLabels[channel]).join(', ');
    lines.push(`- ${reason.explanation} (${channels})`);
  }
  for (const lock of diagnosis.locks) {
    lines.push(
      `- Required: ${lock.reason}: ${channelLabels[lock.channel]} comes whatever your own switches say`,
    );
  }
  for (const limit of diagnosis.limits) lines.push(`- Limit: ${limit.explanation}`);
  return lines;
}
