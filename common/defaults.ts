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
  AlertChannels,
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
const noChannels: ChannelSet = { desktop: false, inApp: false, email: false, text: false };

/** The country of a new business: numbers typed without a country code are read as its. */
export const defaultCountry = 'US';

/**
 * The channels a new user gets for each alert type, and why: what a busy agent would choose.
 * Desktop and in-app for everything (the master switches narrow them); email where the alert
 * is still worth reading later; SMS for the few that are worth a text when away from the desk,
 * behind the SMS master switch, which starts off.
 */
export const defaultAlertChannelChoices: Record<
  UserAlertType,
  { channels: Array<'email' | 'text'>; why: string }
> = {
  callPersonal: { channels: [], why: 'a call is over before an email is read' },
  callRingGroup: { channels: [], why: 'a call is over before an email is read' },
  textPersonal: { channels: [], why: 'live conversation: an email per text floods the inbox' },
  textRingGroup: { channels: [], why: 'live conversation: an email per text floods the inbox' },
  voicemailPersonal: {
    channels: ['email', 'text'],
    why: 'someone waits for a call back; worth a text when away from the desk',
  },
  voicemailRingGroup: { channels: ['email'], why: 'someone waits for a call back' },
  faxPersonal: { channels: ['email'], why: 'a document to act on later' },
  mention: { channels: ['email'], why: 'someone asked for you' },
  contactAssigned: { channels: ['email'], why: 'new work to pick up' },
  appointmentAssigned: { channels: ['email'], why: 'new work to pick up' },
  reminderAssigned: { channels: ['email'], why: 'new work to pick up' },
  appointmentCreated: { channels: [], why: 'often made by the person themselves' },
  appointmentReminder1Day: { channels: ['email'], why: 'time to prepare: a record to plan with' },
  appointmentReminder1Hour: { channels: [], why: 'at the desk by then: a pop-up is enough' },
  appointmentReminder15Minutes: { channels: [], why: 'at the desk by then: a pop-up is enough' },
  appointmentReminder1Minute: { channels: [], why: 'at the desk by then: a pop-up is enough' },
  highSms: {
    channels: ['email', 'text'],
    why: 'one alert per burst of texts: rare, and a sign of trouble worth a text',
  },
  leadNew: { channels: ['email'], why: 'business follow-up, read when there is time' },
  leadUpdated: { channels: ['email'], why: 'business follow-up, read when there is time' },
  usage75: { channels: ['email'], why: 'a record for whoever plans the budget' },
  usage90: { channels: ['email'], why: 'a record for whoever plans the budget' },
  usage100: { channels: ['email', 'text'], why: 'calls may stop: act now' },
  paymentFailed: { channels: ['email', 'text'], why: 'service may stop: act now' },
};

/** The per-type channels of a new user (`defaultAlertChannelChoices` as channel sets). */
export function defaultAlertChannels(): AlertChannels {
  return Object.fromEntries(
    userAlertTypes.map((type): [UserAlertType, ChannelSet] => {
      const extra = defaultAlertChannelChoices[type].channels;
      return [
        type,
        {
          desktop: true,
          inApp: true,
          email: extra.includes('email'),
          text: extra.includes('text'),
        },
      ];
    }),
  ) as AlertChannels;
}

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
      {
        enabled: true,
        channels: { ...(isAccountAlertType(type) ? emailOnly : allChannels) },
        // Mandatory is the business's call (issue 13): nothing is until an admin says so.
        mandatory: { ...noChannels },
      },
    ]),
  ) as Record<AlertType, AlertTypeDefault>;
  return {
    alerts,
    allowedChannels: { ...allChannels },
    notificationEmail: null,
    notificationPhone: null,
    country: defaultCountry,
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
    alertChannels: defaultAlertChannels(),
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

/**
 * The title of a sample notification (Settings' "Send a sample", the service's
 * `testNotification`): it says it is a sample and where it shows, so nobody reads it as an alert.
 */
export function sampleNotificationTitle(channel: 'desktop' | 'inApp'): string {
  return `Sample ${channel === 'desktop' ? 'desktop' : 'in-app'} notification from Ringside`;
}
