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

/**
 * Ordered rewrites from the words `decide` and `diagnose` say to the person themselves into the
 * words an admin reads about a member. `{name}` is the member's first name.
 */
const thirdPersonRewrites: ReadonlyArray<readonly [RegExp, string]> = [
  [/^You have /, '{name} has '],
  [/^You are /, '{name} is '],
  [/^Your (business|organisation) /, 'The $1 '],
  [/^Your recipient settings /, "{name}'s recipient settings "],
  [/\bset for you\b/g, 'set for {name}'],
  [/\balert you\b/g, 'alert {name}'],
  [/\buntil you /g, 'until they '],
  [/\byour business's\b/g, "the business's"],
  [/\byour threshold\b/g, "{name}'s threshold"],
  [/\byour\b/g, 'their'],
  [/\bto you\b/g, 'to them'],
];

/** "Email for…" → "email for…"; "SMS…" stays as it is. */
const lowerFirst = (text: string) =>
  /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;

/**
 * A reason as an admin reads it about a member (issue 14 §5, the team view): "You have muted
 * Support Line" becomes "Taylor has muted Support Line", "calls to your personal line" becomes
 * "calls to their personal line". The policy speaks to the person it decides for; this is the
 * one place that turns its words to the third person.
 */
export function aboutMember(explanation: string, memberName: string): string {
  const first = memberName.trim().split(/\s+/)[0] ?? '';
  // A `$` in a name would read as a replacement pattern: `$$` writes one.
  const name = (first === '' ? 'This member' : first).replaceAll('$', '$$$$');
  // "SMS notifications are off — turn them on in Channels" → "Taylor's SMS notifications are off".
  const offByDefault = /^(.+?) (is|are) off — turn (?:it|them) on in Channels$/.exec(explanation);
  let words = offByDefault
    ? `{name}'s ${lowerFirst(offByDefault[1] ?? '')} ${offByDefault[2] ?? 'is'} off`.replace(
        '{name}',
        name,
      )
    : explanation;
  for (const [pattern, replacement] of thirdPersonRewrites) {
    words = words.replace(pattern, replacement.replaceAll('{name}', name));
  }
  return words;
}
