/**
 * Every kind of alert the product knows, grouped as the settings window shows them. The policy
 * engine, the store, the service and the renderer all key their settings by these names.
 */

/** Calls, texts, voicemails and faxes: each arrives on one line (personal or ring group). */
const onLineCommunicationAlertTypes = [
  'callPersonal',
  'callRingGroup',
  'textPersonal',
  'textRingGroup',
  'voicemailPersonal',
  'voicemailRingGroup',
  // Faxes to ring groups never notify, so there is deliberately no `faxRingGroup`.
  'faxPersonal',
] as const;

/** Calls, texts, voicemails and faxes (personal line or ring group), mentions and assignments. */
export const communicationAlertTypes = [
  ...onLineCommunicationAlertTypes,
  'mention',
  'contactAssigned',
  'appointmentAssigned',
  'reminderAssigned',
] as const;

/** Appointment events: creation and the four reminder offsets. */
export const appointmentAlertTypes = [
  'appointmentCreated',
  'appointmentReminder1Day',
  'appointmentReminder1Hour',
  'appointmentReminder15Minutes',
  'appointmentReminder1Minute',
] as const;

/**
 * Alerts for the business rather than one person's work: they go to the members of the
 * business's notification-recipients list, each with their own channels and lead threshold.
 */
export const recipientAlertTypes = [
  'leadNew',
  'leadUpdated',
  'usage75',
  'usage90',
  'usage100',
  'paymentFailed',
] as const;

/** Admin-only reports and warnings, delivered by email only. */
export const accountAlertTypes = [
  'billingWarning',
  'integrationUsersSync',
  'integrationContactsSync',
  'integrationContactDispositionsSync',
  'integrationCallDispositionSync',
  'integrationConnectionFailed',
  'reportDailyActivity',
  'reportDailyInboundSms',
  'reportDailyOutboundSms',
  'reportDailySpending',
  'reportImportsExports',
  'reportWebhookFailures',
] as const;

export const userAlertTypes = [
  ...communicationAlertTypes,
  ...appointmentAlertTypes,
  'highSms',
  ...recipientAlertTypes,
] as const;

export const alertTypes = [...userAlertTypes, ...accountAlertTypes] as const;

export type CommunicationAlertType = (typeof communicationAlertTypes)[number];
export type AppointmentAlertType = (typeof appointmentAlertTypes)[number];
export type RecipientAlertType = (typeof recipientAlertTypes)[number];
export type AccountAlertType = (typeof accountAlertTypes)[number];
export type UserAlertType = (typeof userAlertTypes)[number];
export type AlertType = (typeof alertTypes)[number];

/** Alert types that belong to one line: the user's line choice and line mutes apply to them. */
export const lineAlertTypes = [
  ...onLineCommunicationAlertTypes,
  'highSms',
] as const satisfies readonly AlertType[];

export type LineAlertType = (typeof lineAlertTypes)[number];

/**
 * When a burst of texts raises a high-SMS alert: more than `moreThan` messages within
 * `windowSeconds`, counted per group of `sameOf` — one contact writing from one incoming number
 * to one line. The detector is `highSmsDetector` (common/detectors), run by the service; the
 * user's switch is `alerts.highSms`.
 */
export const highSmsRule = {
  moreThan: 15,
  windowSeconds: 30,
  sameOf: ['contact', 'incomingNumber', 'line'],
} as const;

export function isLineAlertType(type: AlertType): type is LineAlertType {
  return (lineAlertTypes as readonly AlertType[]).includes(type);
}

export function isRecipientAlertType(type: AlertType): type is RecipientAlertType {
  return (recipientAlertTypes as readonly AlertType[]).includes(type);
}

export function isAccountAlertType(type: AlertType): type is AccountAlertType {
  return (accountAlertTypes as readonly AlertType[]).includes(type);
}

/** Channels an alert can go through. */
export const channels = ['desktop', 'inApp', 'email', 'text'] as const;
export type Channel = (typeof channels)[number];

/**
 * Channels that interrupt a person (a pop-up, a text to their phone). Mutes, do-not-disturb,
 * quiet hours and being on another call hold these back; the in-app list and email are records
 * the person reads later, so they still get the alert, with the reason it did not interrupt.
 */
export const interruptingChannels = ['desktop', 'text'] as const satisfies readonly Channel[];

export function isInterruptingChannel(channel: Channel): boolean {
  return (interruptingChannels as readonly Channel[]).includes(channel);
}

/** Words for each alert type, used in explanations and the settings window. */
export const alertTypeLabels: Record<AlertType, string> = {
  callPersonal: 'calls to your personal line',
  callRingGroup: 'calls to your ring groups',
  textPersonal: 'texts to your personal line',
  textRingGroup: 'texts to your ring groups',
  voicemailPersonal: 'voicemails on your personal line',
  voicemailRingGroup: 'voicemails to your ring groups',
  faxPersonal: 'faxes to your personal line',
  mention: 'mentions',
  contactAssigned: 'contacts assigned to you',
  appointmentAssigned: 'appointments assigned to you',
  reminderAssigned: 'reminders assigned to you',
  appointmentCreated: 'new appointments',
  appointmentReminder1Day: 'appointment reminders 1 day before',
  appointmentReminder1Hour: 'appointment reminders 1 hour before',
  appointmentReminder15Minutes: 'appointment reminders 15 minutes before',
  appointmentReminder1Minute: 'appointment reminders 1 minute before',
  highSms: 'high-SMS alerts',
  leadNew: 'new leads',
  leadUpdated: 'lead updates',
  usage75: 'usage at 75%',
  usage90: 'usage at 90%',
  usage100: 'usage at 100%',
  paymentFailed: 'payment failures',
  billingWarning: 'billing warnings',
  integrationUsersSync: 'push/pull users sync reports',
  integrationContactsSync: 'contacts sync reports',
  integrationContactDispositionsSync: 'contact dispositions sync reports',
  integrationCallDispositionSync: 'call disposition sync reports',
  integrationConnectionFailed: 'failed integration connection reports',
  reportDailyActivity: 'daily activity reports',
  reportDailyInboundSms: 'daily inbound SMS reports',
  reportDailyOutboundSms: 'daily outbound SMS reports',
  reportDailySpending: 'daily spending reports',
  reportImportsExports: 'imports/exports reports',
  reportWebhookFailures: 'webhook failure reports',
};

/** Whether a type's words name many alerts ("mentions") or one measure ("usage at 75%"): the verb. */
export function alertTypeLabelIsPlural(type: AlertType): boolean {
  return !alertTypeLabels[type].startsWith('usage');
}

export const channelLabels: Record<Channel, string> = {
  desktop: 'desktop',
  inApp: 'in-app',
  email: 'email',
  text: 'SMS',
};
