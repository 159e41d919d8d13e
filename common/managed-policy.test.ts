import { describe, expect, it } from 'vitest';
import {
  demoContext,
  makeMandatory,
  openContext,
  sampleEvent,
} from '../test/support/demo-business';
import { defaultUserPreferences } from './defaults';
import { effectivePreferences, lockOf, organisationLocks, type SettingLock } from './locks';
import {
  appliedPolicy,
  describePolicyProblem,
  parseManagedPolicy,
  preferenceFieldSchema,
  type ManagedPolicy,
} from './managed-policy';
import { decide } from './policy/decide';
import { recipientContext, type RecipientContext } from './policy/context';
import { preferencesChangeRefusal } from './service-api';

const fullPolicy = {
  serviceUrl: 'https://phones.example.com',
  lockedSettings: {
    'channels.text.enabled': false,
    'alertChannels.paymentFailed.email': false,
    leadScoreThreshold: 70,
    quietHours: {
      enabled: true,
      windows: [{ day: 'monday', start: '20:00', end: '07:00' }],
      breakThrough: ['paymentFailed'],
    },
  },
  launchAtLogin: true,
  updates: { channel: 'beta' },
};

describe('a managed policy file, parsed', () => {
  it('accepts every key, as plain data', () => {
    const parsed = parseManagedPolicy(fullPolicy);
    expect(parsed).toEqual({ ok: true, policy: fullPolicy });
    expect(parseManagedPolicy({ updates: 'off' })).toEqual({
      ok: true,
      policy: { updates: 'off' },
    });
    expect(parseManagedPolicy({})).toEqual({ ok: true, policy: {} });
  });

  it.each<{ name: string; input: unknown; field: string; message: RegExp }>([
    {
      name: 'an unknown key',
      input: { serviceUrl: 'https://phones.example.com', autoUpdate: true },
      field: 'autoUpdate',
      message: /Unknown key "autoUpdate"/,
    },
    {
      name: 'a locked path that does not exist',
      input: { lockedSettings: { 'channels.fax.enabled': true } },
      field: 'lockedSettings.channels.fax.enabled',
      message: /No preference "channels.fax.enabled" exists/,
    },
    {
      name: 'a locked path that reaches past a value',
      input: { lockedSettings: { 'fisherMode.on': true } },
      field: 'lockedSettings.fisherMode.on',
      message: /No preference/,
    },
    {
      name: 'a locked value of the wrong type',
      input: { lockedSettings: { 'channels.desktop': 'yes' } },
      field: 'lockedSettings.channels.desktop',
      message: /boolean/,
    },
    {
      name: 'a locked group with a wrong value inside',
      input: {
        lockedSettings: {
          quietHours: {
            enabled: true,
            windows: [{ day: 'monday', start: '25:00', end: '07:00' }],
            breakThrough: [],
          },
        },
      },
      field: 'lockedSettings.quietHours.windows.0.start',
      message: /HH:MM/,
    },
    {
      name: 'a lead threshold out of range',
      input: { lockedSettings: { leadScoreThreshold: 101 } },
      field: 'lockedSettings.leadScoreThreshold',
      message: /100/,
    },
    {
      name: 'launch at login of the wrong type',
      input: { launchAtLogin: 'yes' },
      field: 'launchAtLogin',
      message: /boolean/,
    },
    {
      name: 'an update channel that does not exist',
      input: { updates: { channel: 'nightly' } },
      field: 'updates.channel',
      message: /stable|beta|Invalid/,
    },
    {
      name: 'a service URL that is not http(s)',
      input: { serviceUrl: 'file:///etc/passwd' },
      field: 'serviceUrl',
      message: /URL|url/,
    },
    { name: 'not an object', input: [1, 2], field: '', message: /object/ },
  ])('names the field of $name', ({ input, field, message }) => {
    const parsed = parseManagedPolicy(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.field).toBe(field);
    expect(parsed.problem.message).toMatch(message);
  });

  it('says what an invalid reading means in one sentence, and applies none of it', () => {
    const reading = {
      status: 'invalid' as const,
      source: '/etc/ringside/policy.json',
      problem: { field: 'lockedSettings.channels.desktop', message: 'Expected boolean' },
    };
    expect(describePolicyProblem(reading)).toBe(
      'The managed policy in /etc/ringside/policy.json is invalid at "lockedSettings.channels.desktop": Expected boolean. Running with no policy applied.',
    );
    expect(appliedPolicy(reading)).toBeNull();
    expect(describePolicyProblem({ status: 'none' })).toBeNull();
  });

  it('knows the preference fields by path, and nothing past them or on the prototype', () => {
    expect(preferenceFieldSchema('channels.email.address')).not.toBeNull();
    expect(preferenceFieldSchema('quietHours')).not.toBeNull();
    expect(preferenceFieldSchema('')).toBeNull();
    expect(preferenceFieldSchema('constructor')).toBeNull();
    expect(preferenceFieldSchema('channels.__proto__')).toBeNull();
  });
});

function policyOf(lockedSettings: Record<string, unknown>): ManagedPolicy {
  const parsed = parseManagedPolicy({ lockedSettings });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.policy;
}

/** `context` as the companion builds it under a policy: effective preferences, both lock sources. */
function underPolicy(context: RecipientContext, policy: ManagedPolicy): RecipientContext {
  const locks = organisationLocks(policy);
  return recipientContext({
    user: {
      id: context.userId,
      role: context.role,
      email: context.accountEmail,
      backupPhone: context.backupPhone,
      personalLineId: context.personalLineId,
    },
    lines: context.lines,
    ringGroups: context.ringGroups,
    onCall: context.onCall,
    preferences: effectivePreferences(context.preferences, locks),
    business: context.business,
    organisationLocks: locks,
    now: context.now,
  });
}

const channelsOf = (context: RecipientContext, type: Parameters<typeof sampleEvent>[0]) =>
  decide(sampleEvent(type), context)
    .deliveries.map((delivery) => delivery.channel)
    .sort();

describe('precedence: policy > business defaults > user', () => {
  it('policy over user: the effective preferences hold the locked values, a group whole', () => {
    const preferences = defaultUserPreferences('UTC');
    preferences.channels.text.enabled = true;
    preferences.channels.text.useCustomNumber = true;
    const locks = organisationLocks(policyOf(fullPolicy.lockedSettings));
    const effective = effectivePreferences(preferences, locks);
    expect(effective.channels.text.enabled).toBe(false);
    // The one rule that ties two fields still holds on the result.
    expect(effective.channels.text.useCustomNumber).toBe(false);
    expect(effective.leadScoreThreshold).toBe(70);
    expect(effective.quietHours).toEqual(fullPolicy.lockedSettings.quietHours);
    expect(preferences.leadScoreThreshold).toBe(50);
  });

  it('policy over user: the decision follows the policy, not the stored switch', () => {
    const context = openContext();
    expect(channelsOf(context, 'mention')).toEqual(['desktop', 'email', 'inApp', 'text']);
    const governed = underPolicy(context, policyOf({ 'channels.desktop': false }));
    expect(channelsOf(governed, 'mention')).toEqual(['email', 'inApp', 'text']);
    expect(decide(sampleEvent('mention'), governed).suppressed).toContainEqual({
      channel: 'desktop',
      code: 'channelOffByUser',
      explanation: 'Your organisation has turned off desktop notifications',
    });
    const turnedOn = openContext();
    turnedOn.preferences.alertChannels.mention.email = false;
    const heldOn = underPolicy(turnedOn, policyOf({ 'alertChannels.mention.email': true }));
    expect(channelsOf(heldOn, 'mention')).toContain('email');
  });

  it('business over user: a mandatory channel delivers through the user turning it off', () => {
    const context = makeMandatory(openContext(), 'paymentFailed', 'email');
    context.preferences.alertChannels.paymentFailed.email = false;
    expect(channelsOf(context, 'paymentFailed')).toContain('email');
  });

  it('policy over business: an organisation lock wins over a mandatory channel', () => {
    const context = makeMandatory(openContext(), 'paymentFailed', 'email');
    const governed = underPolicy(context, policyOf({ 'alertChannels.paymentFailed.email': false }));
    expect(lockOf(governed.locks, 'alertChannels.paymentFailed.email')?.source).toBe(
      'organisation',
    );
    expect(channelsOf(governed, 'paymentFailed')).not.toContain('email');
    expect(channelsOf(context, 'paymentFailed')).toContain('email');
  });

  it('a locked setting is refused when an edit moves it, with the reason; others pass', () => {
    const context = demoContext();
    const locks: SettingLock[] = organisationLocks(
      policyOf({ 'channels.desktop': true, quietHours: fullPolicy.lockedSettings.quietHours }),
    );
    const current = effectivePreferences(context.preferences, locks);
    const desktopOff = structuredClone(current);
    desktopOff.channels.desktop = false;
    expect(preferencesChangeRefusal('agent', current, desktopOff, locks)).toBe(
      'Locked by your organisation',
    );
    const insideGroup = structuredClone(current);
    insideGroup.quietHours.enabled = false;
    expect(preferencesChangeRefusal('agent', current, insideGroup, locks)).toBe(
      'Locked by your organisation',
    );
    const elsewhere = structuredClone(current);
    elsewhere.fisherMode = true;
    expect(preferencesChangeRefusal('agent', current, elsewhere, locks)).toBeNull();
    // Putting a stored value back to the locked one is never refused.
    const stored = structuredClone(context.preferences);
    stored.quietHours.enabled = false;
    expect(preferencesChangeRefusal('agent', stored, current, locks)).toBeNull();
  });

  it('compares a locked group by value, whatever order its keys came in', () => {
    const reordered = policyOf({
      quietHours: { breakThrough: [], windows: [], enabled: true },
    });
    const locks = organisationLocks(reordered);
    const current = effectivePreferences(defaultUserPreferences('UTC'), locks);
    // What a zod parse of the window's edit gives back: the schema's key order.
    const next = structuredClone(current);
    next.quietHours = { enabled: true, windows: [], breakThrough: [] };
    next.fisherMode = true;
    expect(preferencesChangeRefusal('agent', current, next, locks)).toBeNull();
  });

  it('lockOf answers a field inside a locked group with the group', () => {
    const locks = organisationLocks(policyOf({ quietHours: fullPolicy.lockedSettings.quietHours }));
    expect(lockOf(locks, 'quietHours.enabled')?.field).toBe('quietHours');
    expect(lockOf(locks, 'quietHoursX')).toBeNull();
  });
});
