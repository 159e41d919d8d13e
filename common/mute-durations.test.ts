import { describe, expect, it } from 'vitest';
import { muteDurationSchema } from './ipc-contract';
import { muteDurationChoices, muteUntil } from './mute-durations';

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

  it('offers every duration of the contract once, each with its own label', () => {
    expect(muteDurationChoices.map((choice) => choice.duration)).toEqual(
      muteDurationSchema.options,
    );
    const labels = muteDurationChoices.map((choice) => choice.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
