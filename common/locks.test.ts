import { describe, expect, it } from 'vitest';
import { defaultBusinessDefaults, defaultRecipient, defaultUserPreferences } from './defaults';
import { businessLocks, channelField, lockOf, lockRefusal, type SettingLock } from './locks';
import { businessDefaultsSchema, type BusinessDefaults, type Role } from './preferences';
import { parseWith } from './validation';
import { preferencesChangeRefusal, roleRefusals } from './service-api';

function business(): BusinessDefaults {
  const defaults = defaultBusinessDefaults();
  defaults.recipients = [defaultRecipient('user-sam')];
  defaults.alerts.paymentFailed.mandatory.email = true;
  defaults.alerts.billingWarning.mandatory.email = true;
  defaults.alerts.mention.mandatory.inApp = true;
  return defaults;
}

const fieldsOf = (locks: readonly SettingLock[]) => locks.map((lock) => lock.field).sort();

describe("the business's locks: who they reach", () => {
  it.each<{
    name: string;
    userId: string;
    role: Role;
    change?: (b: BusinessDefaults) => void;
    fields: string[];
  }>([
    {
      name: 'a billing admin on the recipients list: all three',
      userId: 'user-sam',
      role: 'billingAdmin',
      fields: [
        'accountAlerts.billingWarning',
        'alertChannels.mention.inApp',
        'alertChannels.paymentFailed.email',
      ],
    },
    {
      name: 'an agent: mentions only (payment failures are for recipients, billing warnings for billing admins)',
      userId: 'user-jordan',
      role: 'agent',
      fields: ['alertChannels.mention.inApp'],
    },
    {
      name: 'an admin on the list but no billing admin: no billing warning lock',
      userId: 'user-sam',
      role: 'admin',
      fields: ['alertChannels.mention.inApp', 'alertChannels.paymentFailed.email'],
    },
    {
      name: 'a recipient whose entry has no email: no payment-failure lock',
      userId: 'user-sam',
      role: 'billingAdmin',
      change: (defaults) => {
        const [entry] = defaults.recipients;
        if (entry) entry.channels.email = false;
      },
      fields: ['accountAlerts.billingWarning', 'alertChannels.mention.inApp'],
    },
  ])('$name', ({ userId, role, change, fields }) => {
    const defaults = business();
    change?.(defaults);
    expect(fieldsOf(businessLocks(defaults, { userId, role }))).toEqual(fields);
  });

  it('say why in one sentence', () => {
    const [lock] = businessLocks(business(), { userId: 'user-sam', role: 'billingAdmin' }).filter(
      (each) => each.field === 'alertChannels.paymentFailed.email',
    );
    expect(lock).toEqual({
      field: 'alertChannels.paymentFailed.email',
      value: true,
      source: 'business',
      reason: 'Your business requires payment failures by email',
    });
  });

  it('name the field that says whether a type reaches someone on a channel', () => {
    expect(channelField('mention', 'text')).toBe('alertChannels.mention.text');
    expect(channelField('billingWarning', 'email')).toBe('accountAlerts.billingWarning');
    expect(channelField('billingWarning', 'desktop')).toBeNull();
  });

  it('the business may only make mandatory what it sends, by email alone for account alerts', () => {
    const defaults = business();
    defaults.alerts.paymentFailed.channels.email = false;
    defaults.alerts.reportDailyActivity.mandatory.desktop = true;
    const parsed = parseWith(businessDefaultsSchema, defaults);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      {
        path: 'alerts.paymentFailed.mandatory.email',
        message: 'A mandatory channel must be on for its alert type and allowed by the business',
      },
      {
        path: 'alerts.reportDailyActivity.mandatory.desktop',
        message: 'A mandatory channel must be on for its alert type and allowed by the business',
      },
    ]);
    expect(parseWith(businessDefaultsSchema, business()).ok).toBe(true);
  });
});

describe('a write against the locks', () => {
  const locks = businessLocks(business(), { userId: 'user-sam', role: 'billingAdmin' });
  const current = defaultUserPreferences('UTC');

  it("is refused when it turns a locked channel off, with the lock's reason", () => {
    const next = structuredClone(current);
    next.alertChannels.paymentFailed.email = false;
    expect(lockRefusal(locks, current, next)).toBe(
      'Your business requires payment failures by email',
    );
    expect(preferencesChangeRefusal('billingAdmin', current, next, locks)).toBe(
      'Your business requires payment failures by email',
    );
  });

  it('is let through when it leaves the locked channels alone, even ones stored off', () => {
    const stored = structuredClone(current);
    stored.alertChannels.paymentFailed.email = false; // from before the business locked it
    const next = structuredClone(stored);
    next.fisherMode = true;
    next.channels.email.enabled = false; // the master switch is the user's: mandatory passes it
    expect(lockRefusal(locks, stored, next)).toBeNull();
    next.alertChannels.paymentFailed.email = true;
    expect(lockRefusal(locks, stored, next)).toBeNull();
  });

  it('keeps the role rules first', () => {
    const next = structuredClone(current);
    next.accountAlerts.reportDailyActivity = true;
    expect(preferencesChangeRefusal('agent', current, next, [])).toBe(
      roleRefusals.accountAlertsNeedAdmin,
    );
  });

  it('lockOf finds the lock on a field, and none elsewhere', () => {
    expect(lockOf(locks, 'alertChannels.mention.inApp')?.source).toBe('business');
    expect(lockOf(locks, 'alertChannels.mention.email')).toBeNull();
  });
});
