import { z } from 'zod';
import { alertTypes, channels, userAlertTypes, type AlertType } from './alert-types';
import { countryOfNumber, e164For, e164Schema, emailAddressSchema } from './contact-points';
import { defaultAlertChannels, defaultCountry } from './defaults';
import {
  accountAlertSwitchesSchema,
  businessDefaultsSchema,
  channelSetSchema,
  lineChoiceSchema,
  mutesSchema,
  quietHoursSchema,
  recipientSchema,
  userAlertSwitchesSchema,
  userPreferencesSchema,
  type AlertChannels,
  type AlertTypeDefault,
  type BusinessDefaults,
  type ChannelSet,
  type UserPreferences,
} from './preferences';
import { timeZoneSchema } from './time-zone';

/**
 * The settings documents as they were before per-type channels (issue 13): version 1. Older
 * companions store, send and expect these; this file is the one way between them and today's
 * (version 2), used by the companion's store migration 0004, the service's migration 4, the
 * service's answers to older companions, and every parser of a document that may be old.
 *
 * Version 1 is told apart by shape: a user document without `alertChannels`, business defaults
 * without `country`. Both versions are strict objects, so the shapes cannot be confused.
 */

/** Version 1 user preferences, exactly as issue-12 companions validate them. */
export const userPreferencesV1Schema = z.strictObject({
  alerts: userAlertSwitchesSchema,
  accountAlerts: accountAlertSwitchesSchema,
  fisherMode: z.boolean(),
  lines: lineChoiceSchema,
  channels: z.strictObject({
    desktop: z.boolean(),
    inApp: z.boolean(),
    email: z.strictObject({ enabled: z.boolean(), address: emailAddressSchema.nullable() }),
    text: z.strictObject({
      enabled: z.boolean(),
      useCustomNumber: z.boolean(),
      customNumber: e164Schema.nullable(),
    }),
  }),
  leadScoreThreshold: z.int().min(0).max(100),
  mutes: mutesSchema,
  quietHours: quietHoursSchema,
  timeZone: timeZoneSchema,
});
export type UserPreferencesV1 = z.infer<typeof userPreferencesV1Schema>;

const alertTypeDefaultV1Schema = z.strictObject({
  enabled: z.boolean(),
  channels: channelSetSchema,
});

/** Version 1 business defaults: no mandatory channels, no country. */
export const businessDefaultsV1Schema = z.strictObject({
  alerts: z.strictObject(
    Object.fromEntries(alertTypes.map((type) => [type, alertTypeDefaultV1Schema])) as {
      [Type in AlertType]: typeof alertTypeDefaultV1Schema;
    },
  ),
  allowedChannels: channelSetSchema,
  notificationEmail: emailAddressSchema.nullable(),
  notificationPhone: e164Schema.nullable(),
  recipients: z.array(recipientSchema).max(500),
});
export type BusinessDefaultsV1 = z.infer<typeof businessDefaultsV1Schema>;

const isObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/** Shape detection: a user document without `alertChannels` is version 1. */
export function isUserPreferencesV1(input: unknown): boolean {
  return isObject(input) && !Object.hasOwn(input, 'alertChannels');
}

/** Shape detection: business defaults without `country` are version 1. */
export function isBusinessDefaultsV1(input: unknown): boolean {
  return isObject(input) && !Object.hasOwn(input, 'country');
}

const noChannels = (): ChannelSet => ({ desktop: false, inApp: false, email: false, text: false });

/**
 * Today's preferences from a version-1 document, without loss: every field it has is kept, and
 * the per-type channels are the ones its global switches imply. A channel the document has on
 * went to every type it had on, so it is on for every type; a channel it has off sent nothing,
 * and stays off by its master switch, so its per-type choices are the defaults, ready for the
 * day the person turns it on. Decisions are the same before and after.
 *
 * With `previous` (the stored version-2 document an older companion is writing over), the
 * per-type choices are kept, except for a channel the write turns on: an older window promises
 * "each alert type uses every channel that is on", so that channel goes on for every type.
 * A custom SMS number that cannot receive texts (premium-rate, landline…) was never of use: it is
 * dropped and texts go to the backup phone.
 */
export function upgradeUserPreferences(
  v1: UserPreferencesV1,
  previous: UserPreferences | null,
): UserPreferences {
  const masterOn = {
    desktop: v1.channels.desktop,
    inApp: v1.channels.inApp,
    email: v1.channels.email.enabled,
    text: v1.channels.text.enabled,
  };
  const wasOn = previous && {
    desktop: previous.channels.desktop,
    inApp: previous.channels.inApp,
    email: previous.channels.email.enabled,
    text: previous.channels.text.enabled,
  };
  const defaults = defaultAlertChannels();
  const alertChannels = Object.fromEntries(
    userAlertTypes.map((type) => {
      const cells = noChannels();
      for (const channel of channels) {
        const turnedOn = masterOn[channel] && (wasOn === null || !wasOn[channel]);
        cells[channel] = turnedOn
          ? true
          : (previous?.alertChannels[type][channel] ?? defaults[type][channel]);
      }
      return [type, cells];
    }),
  ) as AlertChannels;
  const customNumber = v1.channels.text.customNumber;
  const textable =
    customNumber === null || e164For('textDestination').safeParse(customNumber).success;
  return {
    alerts: { ...v1.alerts },
    alertChannels,
    accountAlerts: { ...v1.accountAlerts },
    fisherMode: v1.fisherMode,
    lines: v1.lines,
    channels: {
      ...v1.channels,
      text: textable
        ? v1.channels.text
        : { enabled: v1.channels.text.enabled, useCustomNumber: false, customNumber: null },
    },
    leadScoreThreshold: v1.leadScoreThreshold,
    mutes: v1.mutes,
    quietHours: v1.quietHours,
    timeZone: v1.timeZone,
  };
}

/**
 * Today's business defaults from version-1 ones: nothing mandatory (or, over `previous`, the
 * mandatory channels it had that the write still leaves possible); the country of `previous`,
 * else of the business's notification phone, else the default. A notification phone that cannot
 * send texts (premium-rate…) is dropped.
 */
export function upgradeBusinessDefaults(
  v1: BusinessDefaultsV1,
  previous: BusinessDefaults | null,
): BusinessDefaults {
  const alerts = Object.fromEntries(
    alertTypes.map((type): [AlertType, AlertTypeDefault] => {
      const entry = v1.alerts[type];
      const mandatory = noChannels();
      for (const channel of channels) {
        mandatory[channel] =
          (previous?.alerts[type].mandatory[channel] ?? false) &&
          entry.enabled &&
          entry.channels[channel] &&
          v1.allowedChannels[channel];
      }
      return [type, { enabled: entry.enabled, channels: { ...entry.channels }, mandatory }];
    }),
  ) as Record<AlertType, AlertTypeDefault>;
  const phone = v1.notificationPhone;
  const sender = phone !== null && e164For('textSender').safeParse(phone).success ? phone : null;
  return {
    alerts,
    allowedChannels: { ...v1.allowedChannels },
    notificationEmail: v1.notificationEmail,
    notificationPhone: sender,
    country:
      previous?.country ?? (phone === null ? null : countryOfNumber(phone)) ?? defaultCountry,
    recipients: v1.recipients,
  };
}

/** What an older companion is sent: today's preferences without the per-type channels (a copy). */
export function userPreferencesV1View(preferences: UserPreferences): UserPreferencesV1 {
  const { alertChannels, ...rest } = preferences;
  void alertChannels;
  // A deep copy through JSON (the documents are JSON data; common/ has no structuredClone).
  return JSON.parse(JSON.stringify(rest)) as UserPreferencesV1;
}

/** What an older companion is sent: today's business defaults without mandatory and country. */
export function businessDefaultsV1View(defaults: BusinessDefaults): BusinessDefaultsV1 {
  const alerts = Object.fromEntries(
    alertTypes.map((type) => {
      const entry = defaults.alerts[type];
      return [type, { enabled: entry.enabled, channels: { ...entry.channels } }];
    }),
  ) as BusinessDefaultsV1['alerts'];
  return {
    alerts,
    allowedChannels: { ...defaults.allowedChannels },
    notificationEmail: defaults.notificationEmail,
    notificationPhone: defaults.notificationPhone,
    recipients: defaults.recipients.map((recipient) => ({
      ...recipient,
      channels: { ...recipient.channels },
    })),
  };
}

/**
 * Parses `input` with `v2` when `isV1` says it is not version 1, else with `v1` then `upgrade`;
 * invalid fields are reported at their own paths, as one strict schema would.
 */
function eitherVersion<V1 extends z.ZodType, V2 extends z.ZodType>(
  isV1: (input: unknown) => boolean,
  v1: V1,
  v2: V2,
  upgrade: (old: z.output<V1>) => z.output<V2>,
) {
  return z.unknown().transform((input, context): z.output<V2> => {
    const old = isV1(input);
    const result = (old ? v1 : v2).safeParse(input);
    if (result.success) {
      return old ? upgrade(result.data as z.output<V1>) : (result.data as z.output<V2>);
    }
    for (const issue of result.error.issues) context.addIssue({ ...issue });
    return z.NEVER;
  });
}

/**
 * A user preferences document of either version, as today's: for whatever may hold an older one
 * (a store row written before the upgrade, an answer of an older service). Version 1 is upgraded
 * with the per-type channels its switches imply (`upgradeUserPreferences` without `previous`).
 */
export const userPreferencesDocumentSchema = eitherVersion(
  isUserPreferencesV1,
  userPreferencesV1Schema,
  userPreferencesSchema,
  (old) => upgradeUserPreferences(old, null),
);

/** Business defaults of either version, as today's (`upgradeBusinessDefaults` without `previous`). */
export const businessDefaultsDocumentSchema = eitherVersion(
  isBusinessDefaultsV1,
  businessDefaultsV1Schema,
  businessDefaultsSchema,
  (old) => upgradeBusinessDefaults(old, null),
);
