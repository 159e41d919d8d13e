import { describe, expect, it } from 'vitest';
import { muteDurationSchema } from './ipc-contract';
import {
  chosenUntilRefusal,
  doNotDisturbChoices,
  muteDurationChoices,
  muteDurationLabels,
  muteUntil,
} from './mute-durations';

describe('mute durations', () => {
  it("mutes for an hour, until the next 08:00 in the person's zone, or until unmuted", () => {
    const now = Date.parse('2026-11-20T23:30:00-05:00');
    expect(muteUntil('oneHour', now, 'America/New_York')).toBe('2026-11-21T05:30:00.000Z');
    expect(muteUntil('untilTomorrowMorning', now, 'America/New_York')).toBe(
      '2026-11-21T13:00:00.000Z',
    );
    expect(muteUntil('untilTomorrowMorning', now, 'Asia/Tokyo')).toBe('2026-11-21T23:00:00.000Z');
    expect(muteUntil('untilUnmuted', now, 'America/New_York')).toBeNull();
  });

  it('mutes for 30 minutes and 2 hours', () => {
    const now = Date.parse('2026-11-20T23:30:00Z');
    expect(muteUntil('thirtyMinutes', now, 'UTC')).toBe('2026-11-21T00:00:00.000Z');
    expect(muteUntil('twoHours', now, 'UTC')).toBe('2026-11-21T01:30:00.000Z');
  });

  it('offers every duration of the contract for do-not-disturb, lines a shorter list, same words', () => {
    expect(doNotDisturbChoices.map((choice) => choice.duration).sort()).toEqual(
      [...muteDurationSchema.options].sort(),
    );
    expect(doNotDisturbChoices.map((choice) => choice.label)).toEqual([
      'For 30 minutes',
      'For 1 hour',
      'For 2 hours',
      'Until tomorrow 8:00',
      'Until I turn it off',
    ]);
    for (const list of [muteDurationChoices, doNotDisturbChoices]) {
      const labels = list.map((choice) => choice.label);
      expect(new Set(labels).size).toBe(labels.length);
    }
    for (const choice of muteDurationChoices) {
      expect(choice.label).toBe(muteDurationLabels[choice.duration]);
    }
  });

  it('accepts a chosen end ahead and within 7 days, refuses the past and further', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    expect(chosenUntilRefusal('2026-12-04T14:00:00Z', now)).toBeNull();
    expect(chosenUntilRefusal('2026-12-11T10:00:00Z', now)).toBeNull();
    expect(chosenUntilRefusal('2026-12-04T09:59:00Z', now)).toMatch(/future/);
    expect(chosenUntilRefusal('2026-12-04T10:00:00Z', now)).toMatch(/future/);
    expect(chosenUntilRefusal('2026-12-11T10:01:00Z', now)).toMatch(/7 days/);
    expect(chosenUntilRefusal('soon', now)).toMatch(/not a time/);
  });
});
