import type { MuteDuration } from './ipc-contract';
import { nextMorning } from './time-zone';

/**
 * The mute durations a person can pick, in the order they are offered, each with its one label:
 * the tray (line mutes and do-not-disturb) and the settings window (line mutes) show the same
 * words for the same choice.
 */
export const muteDurationChoices: ReadonlyArray<{ duration: MuteDuration; label: string }> = [
  { duration: 'oneHour', label: 'For 1 hour' },
  { duration: 'untilTomorrowMorning', label: 'Until tomorrow 8:00' },
  { duration: 'untilUnmuted', label: 'Until I unmute' },
];

const hourMilliseconds = 60 * 60 * 1000;

/**
 * When a mute (or do-not-disturb) of `duration` set at `now` ends, as the ISO instant stored in
 * the preferences; null for "until I unmute". "Tomorrow 8:00" is the next 08:00 on the wall
 * clock of the person's time zone (`nextMorning`).
 */
export function muteUntil(duration: MuteDuration, now: number, timeZone: string): string | null {
  switch (duration) {
    case 'oneHour':
      return new Date(now + hourMilliseconds).toISOString();
    case 'untilTomorrowMorning':
      return new Date(nextMorning(now, timeZone)).toISOString();
    case 'untilUnmuted':
      return null;
  }
}
