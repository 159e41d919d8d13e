import { describe, expect, it } from 'vitest';
import { defaultUserPreferences } from './defaults';
import { preferenceChangeSentences } from './preference-change-words';
import type { UserPreferences } from './preferences';

function changed(change: (preferences: UserPreferences) => void): UserPreferences {
  const next = defaultUserPreferences();
  change(next);
  return next;
}

describe('preferenceChangeSentences: what another device changed, in words', () => {
  const before = defaultUserPreferences();

  it('names a switch turned on, and the device', () => {
    const after = changed((each) => {
      each.mutes.doNotDisturb = { enabled: true, until: '2026-12-04T12:00:00.000Z' };
    });
    // The end comes with the switch: one sentence, not two.
    expect(preferenceChangeSentences(before, after, 'laptop')).toEqual([
      'Do not disturb was turned on from laptop',
    ]);
  });

  it('uses the real setting names, plural where they are', () => {
    const after = changed((each) => {
      each.fisherMode = !before.fisherMode;
      each.channels.text.enabled = true;
      each.alertChannels.textPersonal.email = true;
    });
    expect(preferenceChangeSentences(before, after, 'jordan-desktop')).toEqual([
      `Fisher Mode was turned ${after.fisherMode ? 'on' : 'off'} from jordan-desktop`,
      'SMS notifications were turned on from jordan-desktop',
      'Texts to your personal line by email were turned on from jordan-desktop',
    ]);
  });

  it('says "changed" for what is not a switch', () => {
    const after = changed((each) => (each.leadScoreThreshold = 70));
    expect(preferenceChangeSentences(before, after, 'laptop')).toEqual([
      'Your lead score threshold was changed from laptop',
    ]);
  });

  it('is neutral when the device has no name (an older companion)', () => {
    const after = changed((each) => (each.mutes.doNotDisturb.enabled = true));
    expect(preferenceChangeSentences(before, after, null)).toEqual([
      'Do not disturb was changed on another device',
    ]);
  });

  it('is empty when nothing changed, and sums up many changes in three sentences', () => {
    expect(preferenceChangeSentences(before, defaultUserPreferences(), 'laptop')).toEqual([]);
    const after = changed((each) => {
      each.channels.desktop = false;
      each.channels.inApp = false;
      each.channels.email.enabled = false;
      each.fisherMode = !before.fisherMode;
    });
    const sentences = preferenceChangeSentences(before, after, 'laptop');
    expect(sentences).toHaveLength(3);
    expect(sentences[2]).toBe('2 other settings were changed from laptop');
  });
});
