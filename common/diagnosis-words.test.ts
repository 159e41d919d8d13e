import { describe, expect, it } from 'vitest';
import { alertTypes } from './alert-types';
import { aboutMember } from './diagnosis-words';
import { diagnose } from './policy/diagnose';
import { defaultUserPreferences } from './defaults';
import { openContext, supportLine } from '../test/support/demo-business';

describe('aboutMember: a reason as an admin reads it about a member', () => {
  it.each([
    ['You have muted Support Line', 'Taylor has muted Support Line'],
    ['You have turned off desktop notifications', 'Taylor has turned off desktop notifications'],
    [
      'You have turned off desktop for texts to your personal line',
      'Taylor has turned off desktop for texts to their personal line',
    ],
    [
      'You have not chosen Support Line for notifications',
      'Taylor has not chosen Support Line for notifications',
    ],
    [
      'You are on another call and Fisher Mode is off',
      'Taylor is on another call and Fisher Mode is off',
    ],
    [
      "You are not on your business's recipients list for new leads",
      "Taylor is not on the business's recipients list for new leads",
    ],
    ['SMS notifications are off — turn them on in Channels', "Taylor's SMS notifications are off"],
    [
      'Email for texts to your ring groups is off — turn it on in Channels',
      "Taylor's email for texts to their ring groups is off",
    ],
    [
      'Your business does not allow SMS notifications',
      'The business does not allow SMS notifications',
    ],
    ['Your organisation has turned off email', 'The organisation has turned off email'],
    ['Do not disturb is on until you turn it off', 'Do not disturb is on until they turn it off'],
    [
      'Calls on Support Line are muted until you unmute',
      'Calls on Support Line are muted until they unmute',
    ],
    [
      'Lead score 40 is below your threshold of 50',
      "Lead score 40 is below Taylor's threshold of 50",
    ],
    [
      'Lead score 40 is below the threshold of 70 your business set for you',
      'Lead score 40 is below the threshold of 70 their business set for Taylor',
    ],
    ['Only leads scoring 70 or more alert you', 'Only leads scoring 70 or more alert Taylor'],
    [
      'You have turned off reminders assigned to you',
      'Taylor has turned off reminders assigned to them',
    ],
  ])('%s → %s', (mine, theirs) => {
    expect(aboutMember(mine, 'Taylor Quinn')).toBe(theirs);
  });

  it('leaves no second person in any reason diagnose gives, for every alert type', () => {
    const context = openContext();
    context.preferences.channels.desktop = false;
    context.preferences.channels.text = defaultUserPreferences().channels.text;
    context.backupPhone = null;
    context.accountEmail = null;
    context.preferences.lines.otherLineIds = [];
    context.preferences.lines.personalLine = false;
    context.preferences.mutes.lines.push({ lineId: supportLine.id, until: null });
    context.preferences.mutes.doNotDisturb = { enabled: true, until: null };
    context.preferences.leadScoreThreshold = 90;
    for (const type of alertTypes) context.business.alerts[type].channels.inApp = false;
    const sentences = alertTypes.flatMap((type) => [
      ...diagnose(type, context).reasons.map((reason) => reason.explanation),
      ...diagnose(type, context).limits.map((limit) => limit.explanation),
    ]);
    expect(sentences.length).toBeGreaterThan(20);
    expect(sentences.some((sentence) => /\byour?\b/i.test(sentence))).toBe(true);
    for (const sentence of sentences) {
      expect(aboutMember(sentence, 'Taylor Quinn')).not.toMatch(/\b(you|your)\b/i);
    }
  });

  it('reads a name with a dollar sign as text', () => {
    expect(aboutMember('You have muted Support Line', '$1 Kim')).toBe('$1 has muted Support Line');
  });
});
