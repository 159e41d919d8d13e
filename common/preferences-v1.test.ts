import { describe, expect, it } from 'vitest';
import { channels, userAlertTypes } from './alert-types';
import { defaultAlertChannels, defaultBusinessDefaults, defaultUserPreferences } from './defaults';
import { recipientContext } from './policy/context';
import { decide } from './policy/decide';
import { businessDefaultsSchema, userPreferencesSchema, type UserPreferences } from './preferences';
import {
  businessDefaultsDocumentSchema,
  businessDefaultsV1Schema,
  businessDefaultsV1View,
  upgradeBusinessDefaults,
  upgradeUserPreferences,
  userPreferencesDocumentSchema,
  userPreferencesV1Schema,
  userPreferencesV1View,
  type UserPreferencesV1,
} from './preferences-v1';
import { describeFieldErrors, parseWith } from './validation';
import {
  accountEmail,
  backupPhone,
  demoNow,
  demoUserId,
  personalLine,
  sampleEvent,
  supportGroup,
  supportLine,
} from '../test/support/demo-business';
import { businessDefaultsV1, fixture, userPreferencesV1 } from '../test/support/preferences-v1';

const v1 = (name: string): UserPreferencesV1 =>
  userPreferencesV1Schema.parse(fixture(userPreferencesV1[name]));
const documents = Object.keys(userPreferencesV1);

function decisions(preferences: UserPreferences) {
  const business = defaultBusinessDefaults();
  business.recipients = [
    {
      userId: demoUserId,
      channels: { desktop: true, inApp: true, email: true, text: true },
      leadScoreThreshold: 0,
    },
  ];
  const context = recipientContext({
    user: {
      id: demoUserId,
      role: 'billingAdmin',
      email: accountEmail,
      backupPhone,
      personalLineId: personalLine.id,
    },
    lines: [personalLine, supportLine],
    ringGroups: [supportGroup],
    onCall: false,
    preferences: { ...preferences, lines: { personalLine: true, otherLineIds: [supportLine.id] } },
    business,
    now: demoNow,
  });
  return userAlertTypes.map((type) => {
    const { eventId, ...decision } = decide(sampleEvent(type), context);
    void eventId;
    return decision;
  });
}

describe('version-1 documents, as stored before issue 13', () => {
  it.each(documents)('%s: valid version 1, not valid version 2', (name) => {
    const stored = fixture(userPreferencesV1[name]);
    expect(parseWith(userPreferencesV1Schema, stored).ok).toBe(true);
    const parsed = parseWith(userPreferencesSchema, stored);
    expect(parsed.ok ? [] : parsed.errors).toContainEqual({
      path: 'alertChannels',
      message: expect.any(String) as unknown,
    });
  });

  it.each(documents)('%s: upgrades without loss (its version-1 view is the document)', (name) => {
    const upgraded = upgradeUserPreferences(v1(name), null);
    expect(userPreferencesSchema.parse(upgraded)).toEqual(upgraded);
    expect(userPreferencesV1View(upgraded)).toEqual(userPreferencesV1[name]);
  });

  it.each(documents)('%s: decides every alert type as it did', (name) => {
    const upgraded = upgradeUserPreferences(v1(name), null);
    // Version 1 had no per-type channels: every channel on for every type is what it meant.
    const asBefore = structuredClone(upgraded);
    for (const type of userAlertTypes) {
      asBefore.alertChannels[type] = { desktop: true, inApp: true, email: true, text: true };
    }
    expect(decisions(upgraded)).toEqual(decisions(asBefore));
  });

  it('global choices become the per-type channels they imply', () => {
    // Texts on to a custom number, email off.
    const upgraded = upgradeUserPreferences(v1('edited'), null);
    const defaults = defaultAlertChannels();
    for (const type of userAlertTypes) {
      expect(upgraded.alertChannels[type], type).toEqual({
        desktop: true,
        inApp: true,
        email: defaults[type].email,
        text: true,
      });
    }
    // The default document: email on (every type), SMS off (the defaults, until turned on).
    const plain = upgradeUserPreferences(v1('default'), null);
    expect(plain.alertChannels.textPersonal).toEqual({
      desktop: true,
      inApp: true,
      email: true,
      text: false,
    });
    expect(plain.alertChannels.voicemailPersonal.text).toBe(true);
  });

  it('an older companion writing over a version-2 document keeps its per-type channels', () => {
    const stored = defaultUserPreferences('America/Los_Angeles');
    stored.alertChannels.mention.email = false;
    stored.alertChannels.voicemailRingGroup.text = true;
    const written = userPreferencesV1View(stored);
    written.fisherMode = true;
    written.channels.email.enabled = false;
    const upgraded = upgradeUserPreferences(written, stored);
    expect(upgraded.alertChannels).toEqual(stored.alertChannels);
    expect(upgraded.fisherMode).toBe(true);
    expect(upgraded.channels.email.enabled).toBe(false);
  });

  it('a channel an older companion turns on goes on for every type, as its window promised', () => {
    const stored = defaultUserPreferences('UTC');
    const written = userPreferencesV1View(stored);
    written.channels.text.enabled = true;
    const upgraded = upgradeUserPreferences(written, stored);
    for (const type of userAlertTypes) expect(upgraded.alertChannels[type].text).toBe(true);
    expect(upgraded.alertChannels.mention.email).toBe(stored.alertChannels.mention.email);
  });

  it('drops a stored custom number that cannot receive texts, keeping the rest', () => {
    const document = v1('edited');
    document.channels.text.customNumber = '+19005550123';
    const upgraded = upgradeUserPreferences(document, null);
    expect(upgraded.channels.text).toEqual({
      enabled: true,
      useCustomNumber: false,
      customNumber: null,
    });
  });
});

describe('version-1 business defaults', () => {
  it.each(Object.keys(businessDefaultsV1))(
    '%s: upgrades without loss, nothing mandatory, a country',
    (name) => {
      const stored = businessDefaultsV1Schema.parse(fixture(businessDefaultsV1[name]));
      const upgraded = upgradeBusinessDefaults(stored, null);
      expect(businessDefaultsSchema.parse(upgraded)).toEqual(upgraded);
      expect(businessDefaultsV1View(upgraded)).toEqual(businessDefaultsV1[name]);
      expect(upgraded.country).toBe('US');
      expect(
        Object.values(upgraded.alerts).some((entry) =>
          Object.values(entry.mandatory).some(Boolean),
        ),
      ).toBe(false);
    },
  );

  it('takes the country of the business phone', () => {
    const stored = businessDefaultsV1Schema.parse(fixture(businessDefaultsV1['demo']));
    stored.notificationPhone = '+442079460958';
    expect(upgradeBusinessDefaults(stored, null).country).toBe('GB');
  });

  it('keeps mandatory channels an older admin could not see, unless the write makes them impossible', () => {
    const current = defaultBusinessDefaults();
    current.alerts.paymentFailed.mandatory.email = true;
    current.alerts.usage100.mandatory.email = true;
    current.country = 'CA';
    const written = businessDefaultsV1View(current);
    written.alerts.usage100.enabled = false;
    const upgraded = upgradeBusinessDefaults(written, current);
    expect(upgraded.alerts.paymentFailed.mandatory.email).toBe(true);
    expect(upgraded.alerts.usage100.mandatory.email).toBe(false);
    expect(upgraded.country).toBe('CA');
    expect(businessDefaultsSchema.safeParse(upgraded).success).toBe(true);
  });
});

describe('parsers of either version', () => {
  it('read a version-1 document as version 2, and a version-2 one as it is', () => {
    expect(userPreferencesDocumentSchema.parse(fixture(userPreferencesV1['jordan']))).toEqual(
      upgradeUserPreferences(v1('jordan'), null),
    );
    const current = defaultUserPreferences('Europe/Paris');
    expect(userPreferencesDocumentSchema.parse(current)).toEqual(current);
    expect(businessDefaultsDocumentSchema.parse(fixture(businessDefaultsV1['demo']))).toMatchObject(
      {
        country: 'US',
      },
    );
  });

  it('name invalid fields at their own paths, in either version', () => {
    const current = defaultUserPreferences('UTC') as unknown as Record<string, unknown>;
    const broken = {
      ...current,
      alertChannels: { ...(current['alertChannels'] as object), mention: 'yes' },
    };
    const result = userPreferencesDocumentSchema.safeParse(broken);
    expect(
      result.success ? [] : describeFieldErrors(result.error.issues).map((each) => each.path),
    ).toEqual(['alertChannels.mention']);
    const old = fixture(userPreferencesV1['jordan']) as Record<string, unknown>;
    old['leadScoreThreshold'] = 101;
    const oldResult = userPreferencesDocumentSchema.safeParse(old);
    expect(
      oldResult.success ? [] : describeFieldErrors(oldResult.error.issues).map((each) => each.path),
    ).toEqual(['leadScoreThreshold']);
  });

  it('a version-2 document at an older (version-1) parser is refused: why older companions get views', () => {
    const current = defaultUserPreferences('UTC');
    const parsed = parseWith(userPreferencesV1Schema, current);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      { path: 'alertChannels', message: 'Unknown field' },
    ]);
    expect(parseWith(userPreferencesV1Schema, userPreferencesV1View(current)).ok).toBe(true);
    const business = defaultBusinessDefaults();
    const refused = parseWith(businessDefaultsV1Schema, business);
    expect(refused.ok).toBe(false);
    expect(parseWith(businessDefaultsV1Schema, businessDefaultsV1View(business)).ok).toBe(true);
  });

  it('every channel of every type is in the defaults the upgrade falls back on', () => {
    const defaults = defaultAlertChannels();
    for (const type of userAlertTypes) {
      expect(Object.keys(defaults[type]).sort()).toEqual([...channels].sort());
    }
  });
});
