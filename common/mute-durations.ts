import type { MuteDuration } from './ipc-contract';
import { nextMorning } from './time-zone';

/**
 * The words of every duration, once: the tray and the settings window say the same thing for
 * the same choice (issue 14: "Until tomorrow 8:00" in both, never "tomorrow morning").
 */
export const muteDurationLabels: Record<MuteDuration, string> = {
  thirtyMinutes: 'For 30 minutes',
  oneHour: 'For 1 hour',
  twoHours: 'For 2 hours',
  untilTomorrowMorning: 'Until tomorrow 8:00',
  untilUnmuted: 'Until I unmute',
};

/** Do-not-disturb's "until I unmute" is worded for a switch, not a mute. */
const doNotDisturbLabels: Partial<Record<MuteDuration, string>> = {
  untilUnmuted: 'Until I turn it off',
};

/**
 * The durations a line mute offers, in order, each with its one label: the tray's line submenus
 * and the window's Lines page.
 */
export const muteDurationChoices: ReadonlyArray<{ duration: MuteDuration; label: string }> = (
  ['oneHour', 'untilTomorrowMorning', 'untilUnmuted'] as const
).map((duration) => ({ duration, label: muteDurationLabels[duration] }));

/**
 * The durations do-not-disturb offers, in order: the tray's submenu and the window's header.
 * The window adds "Until a time I choose" (`doNotDisturbChosenLabel`), which a menu cannot ask.
 */
export const doNotDisturbChoices: ReadonlyArray<{ duration: MuteDuration; label: string }> = (
  ['thirtyMinutes', 'oneHour', 'twoHours', 'untilTomorrowMorning', 'untilUnmuted'] as const
).map((duration) => ({
  duration,
  label: doNotDisturbLabels[duration] ?? muteDurationLabels[duration],
}));

/** The window's extra do-not-disturb choice: an end the person picks. */
export const doNotDisturbChosenLabel = 'Until a time I choose';

const minuteMilliseconds = 60 * 1000;
const hourMilliseconds = 60 * minuteMilliseconds;

/** How far ahead a chosen do-not-disturb end may be. */
export const longestChosenMilliseconds = 7 * 24 * hourMilliseconds;

/**
 * When a mute (or do-not-disturb) of `duration` set at `now` ends, as the ISO instant stored in
 * the preferences; null for "until I unmute". "Tomorrow 8:00" is the next 08:00 on the wall
 * clock of the person's time zone (`nextMorning`).
 */
export function muteUntil(duration: MuteDuration, now: number, timeZone: string): string | null {
  switch (duration) {
    case 'thirtyMinutes':
      return new Date(now + 30 * minuteMilliseconds).toISOString();
    case 'oneHour':
      return new Date(now + hourMilliseconds).toISOString();
    case 'twoHours':
      return new Date(now + 2 * hourMilliseconds).toISOString();
    case 'untilTomorrowMorning':
      return new Date(nextMorning(now, timeZone)).toISOString();
    case 'untilUnmuted':
      return null;
  }
}

/**
 * Why a chosen do-not-disturb end cannot be used at `now`, or null when it can: it must be
 * ahead of now and at most a week away (a forgotten "until next year" would silence everything).
 */
export function chosenUntilRefusal(until: string, now: number): string | null {
  const end = Date.parse(until);
  if (!Number.isFinite(end)) return 'The end of do-not-disturb is not a time';
  if (end <= now) return 'The end of do-not-disturb must be in the future';
  if (end - now > longestChosenMilliseconds) {
    return 'Do-not-disturb can be set for at most 7 days';
  }
  return null;
}
