import { describe, expect, it } from 'vitest';
import {
  accountAlertTypes,
  alertTypes,
  channels,
  isAccountAlertType,
  isInterruptingChannel,
  isLineAlertType,
  isRecipientAlertType,
  lineAlertTypes,
  recipientAlertTypes,
  userAlertTypes,
} from './alert-types';
import {
  emailAddressSchema,
  e164Schema,
  formatPhoneNumber,
  phoneNumberSchema,
} from './contact-points';
import {
  defaultBreakThrough,
  defaultBusinessDefaults,
  defaultRecipient,
  defaultUserPreferences,
} from './defaults';
import {
  businessDefaultsSchema,
  idSchema,
  isAdmin,
  normalizeUserPreferences,
  userChannelOn,
  userPreferencesSchema,
  type UserPreferences,
} from './preferences';
import { parseWith } from './validation';

/** A JSON round trip: what arrives from a socket, a body or a file. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('defaults', () => {
  it('are valid preferences and business defaults', () => {
    expect(parseWith(userPreferencesSchema, defaultUserPreferences('Europe/Paris')).ok).toBe(true);
    expect(parseWith(businessDefaultsSchema, defaultBusinessDefaults()).ok).toBe(true);
    const business = defaultBusinessDefaults();
    business.recipients = [defaultRecipient('user-ana')];
    expect(parseWith(businessDefaultsSchema, business).ok).toBe(true);
  });

  it('a new business turns every type on; account types by email only', () => {
    const business = defaultBusinessDefaults();
    for (const type of alertTypes) {
      expect(business.alerts[type].enabled).toBe(true);
      expect(business.alerts[type].channels).toEqual(
        isAccountAlertType(type)
          ? { desktop: false, inApp: false, email: true, text: false }
          : { desktop: true, inApp: true, email: true, text: true },
      );
    }
    expect(business.allowedChannels).toEqual({
      desktop: true,
      inApp: true,
      email: true,
      text: true,
    });
    expect(business.recipients).toEqual([]);
  });

  it('a new user: personal line chosen, texts opt-in, quiet hours off with the default break-through', () => {
    const preferences = defaultUserPreferences();
    expect(preferences.timeZone).toBe('UTC');
    expect(preferences.lines).toEqual({ personalLine: true, otherLineIds: [] });
    expect(preferences.channels.text).toEqual({
      enabled: false,
      useCustomNumber: false,
      customNumber: null,
    });
    expect(preferences.channels.desktop && preferences.channels.inApp).toBe(true);
    expect(preferences.channels.email).toEqual({ enabled: true, address: null });
    expect(preferences.quietHours.enabled).toBe(false);
    expect(preferences.quietHours.breakThrough).toEqual([
      'callPersonal',
      'paymentFailed',
      'usage100',
    ]);
    expect(defaultBreakThrough).toEqual(['callPersonal', 'paymentFailed', 'usage100']);
    expect(preferences.quietHours.windows).toHaveLength(7);
    expect(preferences.mutes).toEqual({ lines: [], doNotDisturb: { enabled: false, until: null } });
    expect(preferences.alerts.highSms).toBe(true);
    expect(preferences.accountAlerts).toMatchObject({
      billingWarning: true,
      integrationConnectionFailed: true,
      reportWebhookFailures: true,
      reportDailyActivity: false,
      integrationUsersSync: false,
    });
  });

  it('each call gives fresh objects, so one user’s edits never leak into another’s', () => {
    const first = defaultUserPreferences();
    first.quietHours.breakThrough.push('mention');
    first.lines.otherLineIds.push('line-support');
    expect(defaultUserPreferences().quietHours.breakThrough).toEqual([...defaultBreakThrough]);
    expect(defaultUserPreferences().lines.otherLineIds).toEqual([]);
    const business = defaultBusinessDefaults();
    business.alerts.mention.channels.text = false;
    expect(defaultBusinessDefaults().alerts.mention.channels.text).toBe(true);
  });

  it('a recipient added by an admin gets every channel but text, threshold 50', () => {
    expect(defaultRecipient('user-ben')).toEqual({
      userId: 'user-ben',
      channels: { desktop: true, inApp: true, email: true, text: false },
      leadScoreThreshold: 50,
    });
  });
});

describe('alert type lists', () => {
  it('group every type once', () => {
    expect(new Set(alertTypes).size).toBe(alertTypes.length);
    expect(alertTypes).toHaveLength(userAlertTypes.length + accountAlertTypes.length);
    expect(alertTypes).not.toContain('faxRingGroup');
  });

  it.each([
    { type: 'callRingGroup', line: true, recipient: false, account: false },
    { type: 'highSms', line: true, recipient: false, account: false },
    { type: 'mention', line: false, recipient: false, account: false },
    { type: 'leadNew', line: false, recipient: true, account: false },
    { type: 'paymentFailed', line: false, recipient: true, account: false },
    { type: 'billingWarning', line: false, recipient: false, account: true },
  ] as const)('$type', ({ type, line, recipient, account }) => {
    expect(isLineAlertType(type)).toBe(line);
    expect(isRecipientAlertType(type)).toBe(recipient);
    expect(isAccountAlertType(type)).toBe(account);
  });

  it('line and recipient lists are subsets of the user types', () => {
    for (const type of [...lineAlertTypes, ...recipientAlertTypes]) {
      expect(userAlertTypes).toContain(type);
    }
  });

  it('only desktop and text interrupt', () => {
    expect(channels.filter(isInterruptingChannel)).toEqual(['desktop', 'text']);
  });
});

describe('g. channels in the model', () => {
  it('turning text off turns off the custom number; the number stays stored', () => {
    const preferences = defaultUserPreferences();
    preferences.channels.text = {
      enabled: false,
      useCustomNumber: true,
      customNumber: '+12025550123',
    };
    const normalized = normalizeUserPreferences(preferences);
    expect(normalized.channels.text).toEqual({
      enabled: false,
      useCustomNumber: false,
      customNumber: '+12025550123',
    });
    // The input is not changed.
    expect(preferences.channels.text.useCustomNumber).toBe(true);
  });

  it.each([
    { enabled: true, useCustomNumber: true },
    { enabled: true, useCustomNumber: false },
    { enabled: false, useCustomNumber: false },
  ])('leaves a consistent text channel as it is (%o)', ({ enabled, useCustomNumber }) => {
    const preferences = defaultUserPreferences();
    preferences.channels.text = { enabled, useCustomNumber, customNumber: '+12025550123' };
    expect(normalizeUserPreferences(preferences)).toBe(preferences);
  });

  it('reads each channel switch', () => {
    const { channels: own } = defaultUserPreferences();
    own.inApp = false;
    expect(channels.map((channel) => userChannelOn(own, channel))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it.each([
    { input: '+1 415 555 2671', stored: '+14155552671' },
    { input: '  +1 (202) 555-0123 ', stored: '+12025550123' },
    { input: '+44 20 7946 0958', stored: '+442079460958' },
  ])('accepts $input and stores $stored', ({ input, stored }) => {
    expect(phoneNumberSchema.parse(input)).toBe(stored);
    expect(e164Schema.safeParse(stored).success).toBe(true);
  });

  it.each([
    { input: '+1 555 555 5555', message: 'Not a valid phone number' },
    { input: '415 555 2671', message: 'Start the number with + and the country code' },
    {
      input: '+1 415 555 2671'.padEnd(41, '0'),
      message: 'A phone number is at most 40 characters',
    },
    { input: 'call me', message: 'Start the number with + and the country code' },
  ])('refuses $input', ({ input, message }) => {
    const result = parseWith(phoneNumberSchema, input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ path: '(root)', message }]);
  });

  it('stored numbers must already be E.164 and real', () => {
    expect(e164Schema.safeParse('+1 415 555 2671').success).toBe(false);
    expect(e164Schema.safeParse('+15555555555').success).toBe(false);
    expect(e164Schema.safeParse('+14155552671').success).toBe(true);
  });

  it.each([
    { input: 'ana@example.com', ok: true },
    { input: '  ana@example.com ', ok: true },
    { input: 'ana@', ok: false },
    { input: 'not an address', ok: false },
    { input: `${'a'.repeat(250)}@example.com`, ok: false },
  ])('email $input: valid is $ok', ({ input, ok }) => {
    expect(emailAddressSchema.safeParse(input).success).toBe(ok);
  });

  it('formats numbers for people and leaves anything else as it is', () => {
    expect(formatPhoneNumber('+14155552671')).toBe('+1 415 555 2671');
    expect(formatPhoneNumber('anonymous')).toBe('anonymous');
  });
});

describe('roles', () => {
  it.each([
    { role: 'agent', admin: false },
    { role: 'admin', admin: true },
    { role: 'billingAdmin', admin: true },
  ] as const)('$role is an admin: $admin', ({ role, admin }) => {
    expect(isAdmin(role)).toBe(admin);
  });
});

describe('parsing preferences from untrusted JSON', () => {
  it('accepts valid preferences sent as JSON', () => {
    const preferences = defaultUserPreferences('America/New_York');
    preferences.mutes.lines.push({ lineId: 'line-support', until: '2026-11-23T19:00:00Z' });
    preferences.channels.text.customNumber = '+12025550123';
    const result = parseWith(userPreferencesSchema, asJson(preferences));
    expect(result).toEqual({ ok: true, value: preferences });
  });

  it('names each invalid field in one clear error', () => {
    const preferences = asJson(defaultUserPreferences()) as Record<string, unknown> &
      UserPreferences;
    preferences.leadScoreThreshold = 101;
    preferences.timeZone = 'Mars/Olympus_Mons';
    preferences.channels.email.address = 'not an address';
    preferences.channels.text.customNumber = '+1 555 555 5555';
    preferences.quietHours.windows = [{ day: 'monday', start: '22:00', end: '22:00' }];
    preferences.mutes.lines = [{ lineId: '__proto__', until: 'tomorrow' }];
    preferences['fax'] = true;
    const result = parseWith(userPreferencesSchema, preferences);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path).sort()).toEqual(
      [
        'channels.email.address',
        'channels.text.customNumber',
        'fax',
        'leadScoreThreshold',
        'mutes.lines.0.lineId',
        'mutes.lines.0.until',
        'quietHours.windows.0.end',
        'timeZone',
      ].sort(),
    );
    expect(result.errors).toContainEqual({ path: 'fax', message: 'Unknown field' });
    expect(result.errors).toContainEqual({ path: 'timeZone', message: 'Unknown time zone' });
    expect(result.errors).toContainEqual({
      path: 'quietHours.windows.0.end',
      message: 'A quiet window needs different start and end times',
    });
    expect(result.message).toContain('channels.email.address: Not a valid email address');
    expect(result.message).toContain('leadScoreThreshold: ');
  });

  it.each([
    {
      name: 'a missing section',
      change: (value: Record<string, unknown>) => delete value['mutes'],
      path: 'mutes',
    },
    {
      name: 'a switch that is not a boolean',
      change: (value: Record<string, unknown>) =>
        ((value['alerts'] as Record<string, unknown>)['mention'] = 'yes'),
      path: 'alerts.mention',
    },
    {
      name: 'an unknown alert type',
      change: (value: Record<string, unknown>) =>
        ((value['alerts'] as Record<string, unknown>)['faxRingGroup'] = true),
      path: 'alerts.faxRingGroup',
    },
    {
      name: 'a threshold that is not whole',
      change: (value: Record<string, unknown>) => (value['leadScoreThreshold'] = 50.5),
      path: 'leadScoreThreshold',
    },
    {
      name: 'a quiet window at 24:00',
      change: (value: Record<string, unknown>) =>
        ((value['quietHours'] as Record<string, unknown>)['windows'] = [
          { day: 'monday', start: '20:00', end: '24:00' },
        ]),
      path: 'quietHours.windows.0.end',
    },
    {
      name: 'a break-through entry that is not an alert type',
      change: (value: Record<string, unknown>) =>
        ((value['quietHours'] as Record<string, unknown>)['breakThrough'] = ['everything']),
      path: 'quietHours.breakThrough.0',
    },
    {
      name: 'too many chosen lines',
      change: (value: Record<string, unknown>) =>
        ((value['lines'] as Record<string, unknown>)['otherLineIds'] = Array.from(
          { length: 201 },
          (_, index) => `line-${index}`,
        )),
      path: 'lines.otherLineIds',
    },
  ])('refuses $name, naming $path', ({ change, path }) => {
    const value = asJson(defaultUserPreferences()) as Record<string, unknown>;
    change(value);
    const result = parseWith(userPreferencesSchema, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.path)).toEqual([path]);
  });

  it('refuses input that is not an object at all', () => {
    for (const input of [null, 'preferences', 42, [], undefined]) {
      const result = parseWith(userPreferencesSchema, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]?.path).toBe('(root)');
    }
  });

  it('a __proto__ key in JSON is an unknown field, and pollutes nothing', () => {
    const json = JSON.stringify(defaultUserPreferences()).replace(
      /^\{/,
      '{"__proto__":{"polluted":true},',
    );
    const result = parseWith(userPreferencesSchema, JSON.parse(json));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toEqual([{ path: '__proto__', message: 'Unknown field' }]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('ids are short and printable, never a prototype key', () => {
    expect(idSchema.safeParse('line-support').success).toBe(true);
    expect(idSchema.safeParse('__proto__').success).toBe(false);
    expect(idSchema.safeParse('').success).toBe(false);
    expect(idSchema.safeParse('a'.repeat(129)).success).toBe(false);
  });
});

describe('parsing business defaults from untrusted JSON', () => {
  it('accepts valid defaults with a recipients list', () => {
    const business = defaultBusinessDefaults();
    business.alerts.leadNew.channels.text = false;
    business.notificationEmail = 'alerts@example.com';
    business.notificationPhone = '+14155552671';
    business.recipients = [defaultRecipient('user-ana'), defaultRecipient('user-ben')];
    expect(parseWith(businessDefaultsSchema, asJson(business))).toEqual({
      ok: true,
      value: business,
    });
  });

  it('names each invalid field', () => {
    const business = asJson(defaultBusinessDefaults()) as Record<string, unknown>;
    business['notificationPhone'] = '4155552671';
    business['recipients'] = [
      {
        userId: 'user-ana',
        channels: { desktop: true, inApp: true, email: true, text: true },
        leadScoreThreshold: -1,
      },
      {
        userId: 'user-ben',
        channels: { desktop: true, inApp: true, email: true },
        leadScoreThreshold: 50,
      },
    ];
    (business['alerts'] as Record<string, { enabled: unknown }>)['leadNew']!.enabled = 'on';
    const result = parseWith(businessDefaultsSchema, business);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path).sort()).toEqual(
      [
        'alerts.leadNew.enabled',
        'notificationPhone',
        'recipients.0.leadScoreThreshold',
        'recipients.1.channels.text',
      ].sort(),
    );
  });

  it('refuses the same user twice on the recipients list', () => {
    const business = defaultBusinessDefaults();
    business.recipients = [defaultRecipient('user-ana'), defaultRecipient('user-ana')];
    const result = parseWith(businessDefaultsSchema, business);
    expect(result).toMatchObject({
      ok: false,
      errors: [{ path: 'recipients.1.userId', message: 'user-ana is already a recipient' }],
    });
  });

  it('refuses a business defaults object missing an alert type', () => {
    const business = asJson(defaultBusinessDefaults()) as { alerts: Record<string, unknown> };
    delete business.alerts['paymentFailed'];
    const result = parseWith(businessDefaultsSchema, business);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((error) => error.path)).toEqual(['alerts.paymentFailed']);
  });
});
