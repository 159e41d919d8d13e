import { z } from 'zod';
import {
  accountAlertTypes,
  alertTypes,
  channels,
  isAccountAlertType,
  userAlertTypes,
  type AccountAlertType,
  type AlertType,
  type Channel,
  type UserAlertType,
} from './alert-types';
import { countrySchema, e164For, emailAddressSchema } from './contact-points';
import { timeZoneSchema, weekdays } from './time-zone';

/**
 * The notification preferences model: business defaults set by admins, and each user's own
 * preferences, which can only narrow what the business turned on. Every default lives in
 * `defaults.ts`; this file only says what is valid.
 */

/** Ids of lines, ring groups, users and events: short, printable, never a prototype key. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'Ids are letters, digits, and . _ : -');

export const isoInstantSchema = z.iso.datetime({ offset: true });

/** One on/off switch per channel. */
export const channelSetSchema = z.strictObject({
  desktop: z.boolean(),
  inApp: z.boolean(),
  email: z.boolean(),
  text: z.boolean(),
});
export type ChannelSet = z.infer<typeof channelSetSchema>;

function switchesFor<const Keys extends readonly string[]>(keys: Keys) {
  return z.strictObject(
    Object.fromEntries(keys.map((key) => [key, z.boolean()])) as {
      [Key in Keys[number]]: z.ZodBoolean;
    },
  );
}

export const userAlertSwitchesSchema = switchesFor(userAlertTypes);

/**
 * The user's channels for each of their alert types (the channels table of the settings
 * window). Narrowed by the business (`alerts[type].channels`, `allowedChannels`) and by the
 * user's own master switches (`channels`): a channel reaches them for a type only when all say
 * yes, or when the business made it mandatory (`locks.ts`).
 */
export const alertChannelsSchema = z.strictObject(
  Object.fromEntries(userAlertTypes.map((type) => [type, channelSetSchema])) as {
    [Type in UserAlertType]: typeof channelSetSchema;
  },
);
export type AlertChannels = Record<UserAlertType, ChannelSet>;
export const accountAlertSwitchesSchema = switchesFor(accountAlertTypes);
export type UserAlertSwitches = Record<UserAlertType, boolean>;
export type AccountAlertSwitches = Record<AccountAlertType, boolean>;

/**
 * What the business says about one alert type: on or off, through which channels, and which of
 * those are mandatory (the user cannot turn them off: `locks.ts`). A mandatory channel must be
 * one the type uses (`businessDefaultsSchema` checks).
 */
export const alertTypeDefaultSchema = z.strictObject({
  enabled: z.boolean(),
  channels: channelSetSchema,
  mandatory: channelSetSchema,
});
export type AlertTypeDefault = z.infer<typeof alertTypeDefaultSchema>;

export const businessAlertDefaultsSchema = z.strictObject(
  Object.fromEntries(alertTypes.map((type) => [type, alertTypeDefaultSchema])) as {
    [Type in AlertType]: typeof alertTypeDefaultSchema;
  },
);

/** One member of the notification-recipients list (lead, usage and billing alerts). */
export const recipientSchema = z.strictObject({
  userId: idSchema,
  channels: channelSetSchema,
  leadScoreThreshold: z.int().min(0).max(100),
});
export type Recipient = z.infer<typeof recipientSchema>;

export const businessDefaultsSchema = z
  .strictObject({
    /** Which alert types are on for the business, and which channels each may use. */
    alerts: businessAlertDefaultsSchema,
    /** Channels the business allows at all. */
    allowedChannels: channelSetSchema,
    /** Sender identity of the emails and texts the service sends for this business. */
    notificationEmail: emailAddressSchema.nullable(),
    notificationPhone: e164For('textSender').nullable(),
    /** Where the business is: numbers typed without a country code are read as this country's. */
    country: countrySchema,
    recipients: z.array(recipientSchema).max(500),
  })
  .superRefine((value, context) => {
    for (const type of alertTypes) {
      const entry = value.alerts[type];
      for (const channel of channels) {
        if (!entry.mandatory[channel]) continue;
        if (!entry.enabled || !entry.channels[channel] || !value.allowedChannels[channel]) {
          context.addIssue({
            code: 'custom',
            path: ['alerts', type, 'mandatory', channel],
            message:
              'A mandatory channel must be on for its alert type and allowed by the business',
          });
        } else if (isAccountAlertType(type) && channel !== 'email') {
          context.addIssue({
            code: 'custom',
            path: ['alerts', type, 'mandatory', channel],
            message: 'Account-level notifications are sent by email only',
          });
        }
      }
    }
    const seen = new Set<string>();
    value.recipients.forEach((recipient, index) => {
      if (seen.has(recipient.userId)) {
        context.addIssue({
          code: 'custom',
          path: ['recipients', index, 'userId'],
          message: `${recipient.userId} is already a recipient`,
        });
      }
      seen.add(recipient.userId);
    });
  });
export type BusinessDefaults = z.infer<typeof businessDefaultsSchema>;

export const emailChannelSchema = z.strictObject({
  enabled: z.boolean(),
  /** Where alert emails go; null means the address of the user's account. */
  address: emailAddressSchema.nullable(),
});

export const textChannelSchema = z.strictObject({
  enabled: z.boolean(),
  /**
   * Send to `customNumber` rather than the backup phone. Turning the text channel off turns this
   * off too (`normalizeUserPreferences`); the number itself stays stored, unused.
   */
  useCustomNumber: z.boolean(),
  /** A number that need not belong to the service and can receive texts; E.164. */
  customNumber: e164For('textDestination').nullable(),
});

export const userChannelsSchema = z.strictObject({
  desktop: z.boolean(),
  inApp: z.boolean(),
  email: emailChannelSchema,
  text: textChannelSchema,
});
export type UserChannels = z.infer<typeof userChannelsSchema>;

export const lineChoiceSchema = z.strictObject({
  /** The user's personal line: chosen by default, can be un-chosen. */
  personalLine: z.boolean(),
  /** Other lines (shared, ring-group lines) the user wants alerts from. */
  otherLineIds: z.array(idSchema).max(200),
});

export const lineMuteSchema = z.strictObject({
  lineId: idSchema,
  /** null: until the user unmutes. */
  until: isoInstantSchema.nullable(),
});
export type LineMute = z.infer<typeof lineMuteSchema>;

export const doNotDisturbSchema = z.strictObject({
  enabled: z.boolean(),
  until: isoInstantSchema.nullable(),
});

export const mutesSchema = z.strictObject({
  lines: z.array(lineMuteSchema).max(200),
  doNotDisturb: doNotDisturbSchema,
});
export type Mutes = z.infer<typeof mutesSchema>;

const clockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Times are HH:MM, 00:00–23:59');

/** One quiet window; an end earlier than its start runs past midnight into the next day. */
export const quietWindowSchema = z
  .strictObject({ day: z.enum(weekdays), start: clockSchema, end: clockSchema })
  .refine((window) => window.start !== window.end, {
    message: 'A quiet window needs different start and end times',
    path: ['end'],
  });
export type QuietWindow = z.infer<typeof quietWindowSchema>;

export const quietHoursSchema = z.strictObject({
  enabled: z.boolean(),
  windows: z.array(quietWindowSchema).max(70),
  /** Alert types that still pop up during quiet hours. */
  breakThrough: z.array(z.enum(alertTypes)).max(alertTypes.length),
});
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const userPreferencesSchema = z.strictObject({
  /** One switch per alert type: off turns the type off on every channel but a mandatory one. */
  alerts: userAlertSwitchesSchema,
  /** The channels chosen per alert type. */
  alertChannels: alertChannelsSchema,
  /** Admin-only, email-only; billing warnings for billing admins only. */
  accountAlerts: accountAlertSwitchesSchema,
  /** Offer queued ring-group calls while already on a call. */
  fisherMode: z.boolean(),
  lines: lineChoiceSchema,
  channels: userChannelsSchema,
  leadScoreThreshold: z.int().min(0).max(100),
  mutes: mutesSchema,
  quietHours: quietHoursSchema,
  timeZone: timeZoneSchema,
});
export type UserPreferences = z.infer<typeof userPreferencesSchema>;

export type Role = 'agent' | 'admin' | 'billingAdmin';
export const roleSchema = z.enum(['agent', 'admin', 'billingAdmin']);

export function isAdmin(role: Role): boolean {
  return role === 'admin' || role === 'billingAdmin';
}

/**
 * The one rule that ties two fields: a text channel that is off does not send to the custom
 * number either. Applied on every write, so stored preferences never contradict it.
 */
export function normalizeUserPreferences(preferences: UserPreferences): UserPreferences {
  if (preferences.channels.text.enabled || !preferences.channels.text.useCustomNumber) {
    return preferences;
  }
  return {
    ...preferences,
    channels: {
      ...preferences.channels,
      text: { ...preferences.channels.text, useCustomNumber: false },
    },
  };
}

/** The value of one channel switch in a user's channel settings. */
export function userChannelOn(channelsOfUser: UserChannels, channel: Channel): boolean {
  switch (channel) {
    case 'desktop':
      return channelsOfUser.desktop;
    case 'inApp':
      return channelsOfUser.inApp;
    case 'email':
      return channelsOfUser.email.enabled;
    case 'text':
      return channelsOfUser.text.enabled;
  }
}

export { channels };
