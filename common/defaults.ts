import {
  accountAlertTypes,
  alertTypes,
  isAccountAlertType,
  userAlertTypes,
  type AccountAlertType,
  type AlertType,
  type UserAlertType,
} from './alert-types';
import type {
  AlertTypeDefault,
  BusinessDefaults,
  ChannelSet,
  UserPreferences,
} from './preferences';
import type { Weekday } from './time-zone';

/**
 * Every default of the product, in one place. A new business and a new user start from these;
 * the README's "Defaults" table is written from this file.
 */

const allChannels: ChannelSet = { desktop: true, inApp: true, email: true, text: true };
const emailOnly: ChannelSet = { desktop: false, inApp: false, email: true, text: false };

/** Opt-in alerts: off until someone asks for them. */
const userAlertsOffByDefault: readonly UserAlertType[] = [
  // One minute is usually too late to act on; the 15-minute reminder covers it.
  'appointmentReminder1Minute',
  // Lead updates are frequent and rarely urgent.
  'leadUpdated',
];

/** Daily reports are opt-in; failures and billing warnings are on. */
const accountAlertsOnByDefault: readonly AccountAlertType[] = [
  'billingWarning',
  'integrationConnectionFailed',
  'reportWebhookFailures',
];

export function defaultBusinessDefaults(): BusinessDefaults {
  const alerts = Object.fromEntries(
    alertTypes.map((type): [AlertType, AlertTypeDefault] => [
      type,
      { enabled: true, channels: { ...(isAccountAlertType(type) ? emailOnly : allChannels) } },
    ]),
  ) as Record<AlertType, AlertTypeDefault>;
  return {
    alerts,
    allowedChannels: { ...allChannels },
    notificationEmail: null,
    notificationPhone: null,
    recipients: [],
  };
}

/** Quiet hours start disabled, pre-filled with every evening 20:00 to 07:00. */
const eveningWindows = (
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as Weekday[]
).map((day) => ({ day, start: '20:00', end: '07:00' }));

export const defaultBreakThrough: readonly AlertType[] = [
  'callPersonal',
  'paymentFailed',
  'usage100',
];

export function defaultUserPreferences(timeZone = 'UTC'): UserPreferences {
  return {
    alerts: Object.fromEntries(
      userAlertTypes.map((type) => [type, !userAlertsOffByDefault.includes(type)]),
    ) as Record<UserAlertType, boolean>,
    accountAlerts: Object.fromEntries(
      accountAlertTypes.map((type) => [type, accountAlertsOnByDefault.includes(type)]),
    ) as Record<AccountAlertType, boolean>,
    fisherMode: false,
    lines: { personalLine: true, otherLineIds: [] },
    channels: {
      desktop: true,
      inApp: true,
      email: { enabled: true, address: null },
      // Texts cost money and wake phones: opt-in.
      text: { enabled: false, useCustomNumber: false, customNumber: null },
    },
    leadScoreThreshold: 50,
    mutes: { lines: [], doNotDisturb: { enabled: false, until: null } },
    quietHours: { enabled: false, windows: eveningWindows, breakThrough: [...defaultBreakThrough] },
    timeZone,
  };
}

/** The recipient entry an admin gets when adding a team member to the recipients list. */
export function defaultRecipient(userId: string) {
  return { userId, channels: { ...allChannels, text: false }, leadScoreThreshold: 50 };
}
