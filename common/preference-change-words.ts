import {
  accountAlertTypes,
  alertTypeLabelIsPlural,
  alertTypeLabels,
  channelLabels,
  channels,
  userAlertTypes,
  type AlertType,
} from './alert-types';
import type { UserPreferences } from './preferences';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One setting as a person names it, and how to read its value from a document. */
interface NamedSetting {
  name: string;
  /** "were turned on" rather than "was". */
  plural?: boolean;
  /** Said only when the named setting did not change too (its switch says enough). */
  detailOf?: string;
  read: (preferences: UserPreferences) => unknown;
}

const channelSwitchNames = {
  desktop: 'Desktop notifications',
  inApp: 'In-app notifications',
  email: 'Email notifications',
  text: 'SMS notifications',
} as const;

/**
 * Every setting a change notice can name, in the order the window shows them. Booleans are
 * "turned on"/"turned off"; anything else "changed".
 */
const namedSettings: readonly NamedSetting[] = [
  { name: 'Do not disturb', read: (each) => each.mutes.doNotDisturb.enabled },
  {
    name: 'The do-not-disturb end',
    detailOf: 'Do not disturb',
    read: (each) => each.mutes.doNotDisturb.until,
  },
  { name: 'Fisher Mode', read: (each) => each.fisherMode },
  { name: 'Quiet hours', plural: true, read: (each) => each.quietHours.enabled },
  { name: 'Quiet hours times', plural: true, read: (each) => each.quietHours.windows },
  {
    name: 'Alerts that break through quiet hours',
    plural: true,
    read: (each) => each.quietHours.breakThrough,
  },
  { name: 'Muted lines', plural: true, read: (each) => each.mutes.lines },
  { name: channelSwitchNames.desktop, plural: true, read: (each) => each.channels.desktop },
  { name: channelSwitchNames.inApp, plural: true, read: (each) => each.channels.inApp },
  { name: channelSwitchNames.email, plural: true, read: (each) => each.channels.email.enabled },
  { name: 'The email address for alerts', read: (each) => each.channels.email.address },
  { name: channelSwitchNames.text, plural: true, read: (each) => each.channels.text.enabled },
  {
    name: 'The number for text alerts',
    detailOf: channelSwitchNames.text,
    read: (each) => [each.channels.text.useCustomNumber, each.channels.text.customNumber],
  },
  { name: 'The lines you get alerts for', plural: true, read: (each) => each.lines },
  { name: 'Your lead score threshold', read: (each) => each.leadScoreThreshold },
  { name: 'Your time zone', read: (each) => each.timeZone },
  ...userAlertTypes.flatMap((type): NamedSetting[] => [
    {
      name: capitalized(alertTypeLabels[type]),
      plural: alertTypeLabelIsPlural(type),
      read: (each) => each.alerts[type],
    },
    ...channels.map((channel): NamedSetting => ({
      name: `${capitalized(alertTypeLabels[type])} by ${channelLabels[channel]}`,
      plural: alertTypeLabelIsPlural(type),
      read: (each) => each.alertChannels[type][channel],
    })),
  ]),
  ...accountAlertTypes.map((type: AlertType): NamedSetting => ({
    name: capitalized(alertTypeLabels[type]),
    plural: true,
    read: (each) => each.accountAlerts[type as (typeof accountAlertTypes)[number]],
  })),
];

/** At most this many sentences; past it, one more says how many others changed. */
const maximumSentences = 3;

/**
 * What changed between two preference documents, in sentences a person reads (issue 14 §6):
 * "Do not disturb was turned on from laptop", "SMS notifications were turned off from
 * jordan-desktop", or, when the device that made the change has no name (an older companion),
 * "Fisher Mode was changed on another device". Empty when nothing a person names changed.
 */
export function preferenceChangeSentences(
  before: UserPreferences,
  after: UserPreferences,
  deviceName: string | null,
): string[] {
  const where = deviceName === null ? null : `from ${deviceName}`;
  const differing = namedSettings.filter(
    (setting) => JSON.stringify(setting.read(before)) !== JSON.stringify(setting.read(after)),
  );
  const names = new Set(differing.map((setting) => setting.name));
  const changed = differing.filter(
    (setting) => setting.detailOf === undefined || !names.has(setting.detailOf),
  );
  const sentences = changed.map((setting) => {
    const value = setting.read(after);
    const was = setting.plural === true ? 'were' : 'was';
    if (where === null) return `${setting.name} ${was} changed on another device`;
    if (typeof value === 'boolean') {
      return `${setting.name} ${was} turned ${value ? 'on' : 'off'} ${where}`;
    }
    return `${setting.name} ${was} changed ${where}`;
  });
  if (sentences.length <= maximumSentences) return sentences;
  const others = sentences.length - (maximumSentences - 1);
  return [
    ...sentences.slice(0, maximumSentences - 1),
    `${others} other settings were changed ${where ?? 'on another device'}`,
  ];
}
