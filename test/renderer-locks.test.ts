import { describe, expect, it } from 'vitest';
import {
  defaultBusinessDefaults,
  defaultRecipient,
  defaultUserPreferences,
} from '../common/defaults';
import type { PreferencesSnapshot } from '../common/ipc-contract';
import {
  businessLocks,
  effectivePreferences,
  organisationLocks,
  type SettingLock,
} from '../common/locks';
import { parseManagedPolicy } from '../common/managed-policy';
import type { BusinessDefaults, UserPreferences } from '../common/preferences';
import { controlLock, lockedBoolean } from '../renderer/effective';
import {
  cellState,
  effectiveWords,
  masterOffWords,
  requiredWords,
  testNotificationBlock,
} from '../renderer/effective-words';

const userId = 'user-sam';
const evenings = (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
  day,
  start: '18:00',
  end: '08:00',
}));

/** The business makes payment failures by email mandatory for its recipients (Sam is one). */
function business(): BusinessDefaults {
  const defaults = defaultBusinessDefaults();
  defaults.alerts.paymentFailed.mandatory.email = true;
  defaults.alerts.paymentFailed.mandatory.text = true;
  defaults.alerts.reportDailyActivity.mandatory.email = true;
  const recipient = defaultRecipient(userId);
  recipient.channels.text = true;
  defaults.recipients = [recipient];
  return defaults;
}

/** A policy as an IT team writes it, judged by the one parser the core uses. */
function policyLocks(lockedSettings: Record<string, unknown>): SettingLock[] {
  const parsed = parseManagedPolicy({ lockedSettings });
  if (!parsed.ok) throw new Error(`${parsed.problem.field}: ${parsed.problem.message}`);
  return organisationLocks(parsed.policy);
}

/** Main's list: the organisation's locks first, then the business's (`PreferencesSnapshot.locks`). */
function locksWith(lockedSettings: Record<string, unknown>): SettingLock[] {
  return [
    ...policyLocks(lockedSettings),
    ...businessLocks(business(), { userId, role: 'billingAdmin' }),
  ];
}

describe('controlLock, the one lookup every control of the window makes', () => {
  it('holds a master switch, locked itself or through its whole channel group', () => {
    const direct = locksWith({ 'channels.text.enabled': false });
    expect(controlLock(direct, 'channels.text.enabled')).toEqual({
      source: 'organisation',
      reason: 'Locked by your organisation',
      value: false,
    });
    expect(controlLock(direct, 'channels.email.enabled')).toBeNull();
    expect(controlLock(direct, 'channels.text.customNumber')).toBeNull();

    const group = locksWith({
      'channels.text': { enabled: false, useCustomNumber: false, customNumber: null },
      'channels.desktop': true,
    });
    expect(controlLock(group, 'channels.text.enabled')?.value).toBe(false);
    expect(controlLock(group, 'channels.text.customNumber')).toMatchObject({ value: null });
    expect(controlLock(group, 'channels.desktop')?.value).toBe(true);
    expect(controlLock(group, 'channels.inApp')).toBeNull();
  });

  it('holds each quiet-hours field: on/off, the schedule (days, start, end), what breaks through', () => {
    const whole = locksWith({
      quietHours: { enabled: true, windows: evenings, breakThrough: ['callPersonal'] },
    });
    expect(controlLock(whole, 'quietHours.enabled')?.value).toBe(true);
    expect(controlLock(whole, 'quietHours.windows')?.value).toEqual(evenings);
    expect(controlLock(whole, 'quietHours.windows.0')?.value).toEqual(evenings[0]);
    expect(controlLock(whole, 'quietHours.breakThrough')?.value).toEqual(['callPersonal']);
    // Quiet hours do not hold the time zone they are read in: that is its own field.
    expect(controlLock(whole, 'timeZone')).toBeNull();

    const onlySwitch = locksWith({ 'quietHours.enabled': true });
    expect(controlLock(onlySwitch, 'quietHours.enabled')?.value).toBe(true);
    expect(controlLock(onlySwitch, 'quietHours.windows')).toBeNull();
    expect(controlLock(onlySwitch, 'quietHours.breakThrough')).toBeNull();
  });

  it('holds the lead threshold at the policy’s number', () => {
    const locks = locksWith({ leadScoreThreshold: 80 });
    expect(controlLock(locks, 'leadScoreThreshold')).toMatchObject({
      source: 'organisation',
      value: 80,
    });
    expect(controlLock(locksWith({}), 'leadScoreThreshold')).toBeNull();
  });

  it('holds a per-type channel: the business’s mandatory one in its words, the organisation over it', () => {
    const businessOnly = locksWith({});
    expect(controlLock(businessOnly, 'alertChannels.paymentFailed.email')).toEqual({
      source: 'business',
      reason: 'Your business requires payment failures by email',
      value: true,
    });
    expect(controlLock(businessOnly, 'alertChannels.mention.email')).toBeNull();

    // policy > business defaults > user: the organisation holds the text channel off.
    const both = locksWith({ 'alertChannels.paymentFailed.text': false });
    expect(controlLock(both, 'alertChannels.paymentFailed.text')).toEqual({
      source: 'organisation',
      reason: 'Locked by your organisation',
      value: false,
    });
    expect(controlLock(both, 'alertChannels.paymentFailed.email')?.source).toBe('business');
    // A lock on the whole type holds each of its channels.
    const type = locksWith({
      'alertChannels.mention': { desktop: true, inApp: true, email: false, text: false },
    });
    expect(controlLock(type, 'alertChannels.mention.desktop')?.value).toBe(true);
    expect(controlLock(type, 'alertChannels.mention.text')?.value).toBe(false);
  });

  it('holds an account report: the business’s mandatory one, the organisation’s off over it', () => {
    expect(controlLock(locksWith({}), 'accountAlerts.reportDailyActivity')).toMatchObject({
      source: 'business',
      value: true,
    });
    const both = locksWith({ 'accountAlerts.reportDailyActivity': false });
    expect(controlLock(both, 'accountAlerts.reportDailyActivity')).toMatchObject({
      source: 'organisation',
      reason: 'Locked by your organisation',
      value: false,
    });
    expect(controlLock(both, 'accountAlerts.reportDailySpending')).toBeNull();
  });

  it('gives a switch the held value only where the lock holds a boolean', () => {
    expect(lockedBoolean(null, true)).toBe(true);
    expect(lockedBoolean({ source: 'organisation', reason: '', value: false }, true)).toBe(false);
    expect(
      lockedBoolean({ source: 'organisation', reason: '', value: ['callPersonal'] }, true),
    ).toBe(true);
  });
});

describe('what the window says about a lock', () => {
  /** Sam's snapshot under the policy; `mine` edits what Sam stored before the locks apply. */
  function snapshot(
    lockedSettings: Record<string, unknown>,
    mine: (preferences: UserPreferences) => void = () => undefined,
  ): PreferencesSnapshot {
    const locks = locksWith(lockedSettings);
    const stored = defaultUserPreferences();
    mine(stored);
    return {
      preferences: effectivePreferences(stored, locks),
      business: business(),
      preferencesVersion: 1,
      businessVersion: 1,
      locks,
    };
  }

  it('names who requires a channel under the alert switch: the organisation or the business', () => {
    expect(requiredWords('paymentFailed', locksWith({}))).toBe(
      'Your business requires this by email and SMS: that still comes if you turn it off.',
    );
    const organisation = locksWith({ 'alertChannels.mention.desktop': true });
    expect(requiredWords('mention', organisation)).toBe(
      'Your organisation requires this by desktop: that still comes if you turn it off.',
    );
    // The organisation's off wins over the business's on: text is not required any more.
    const both = locksWith({
      'alertChannels.paymentFailed.text': false,
      'alertChannels.paymentFailed.inApp': true,
    });
    expect(requiredWords('paymentFailed', both)).toBe(
      'Your organisation requires this by in-app. Your business requires this by email: that still comes if you turn it off.',
    );
    expect(requiredWords('mention', locksWith({}))).toBeNull();
  });

  it('shows a table cell at the organisation’s value, over the business’s mandatory one', () => {
    const held = snapshot({ 'alertChannels.paymentFailed.text': false });
    expect(cellState('paymentFailed', 'text', held, userId)).toEqual({
      checked: false,
      reason: 'Locked by your organisation',
      mark: 'off',
    });
    expect(cellState('paymentFailed', 'email', held, userId)).toEqual({
      checked: true,
      reason: 'Your business requires payment failures by email',
      mark: 'required',
    });
    expect(cellState('mention', 'email', held, userId).reason).toBeNull();
  });

  it('holds the muted lines the header lists: no unmute under a mutes.lines lock', () => {
    const muted = [{ lineId: 'line-support', until: null }];
    expect(controlLock(locksWith({ 'mutes.lines': muted }), 'mutes.lines')).toEqual({
      source: 'organisation',
      reason: 'Locked by your organisation',
      value: muted,
    });
    // A lock on do-not-disturb alone leaves the lines' mutes to the person.
    const dnd = locksWith({ 'mutes.doNotDisturb': { enabled: false, until: null } });
    expect(controlLock(dnd, 'mutes.lines')).toBeNull();
  });

  it('disables a test SMS while SMS is locked off, or switched off, with the reason', () => {
    const textOn = (preferences: UserPreferences) => {
      preferences.channels.text.enabled = true;
    };
    const locked = snapshot({ 'channels.text.enabled': false }, textOn);
    expect(testNotificationBlock('text', locked)).toEqual({
      reason: 'Locked by your organisation',
      lock: { source: 'organisation', reason: 'Locked by your organisation', value: false },
    });
    // Locked off as a whole group too.
    const group = snapshot(
      { 'channels.text': { enabled: false, useCustomNumber: false, customNumber: null } },
      textOn,
    );
    expect(testNotificationBlock('text', group)?.reason).toBe('Locked by your organisation');
    const off = snapshot({}, (preferences) => {
      preferences.channels.text.enabled = false;
    });
    expect(testNotificationBlock('text', off)).toEqual({
      reason: 'SMS notifications are off: turn them on above to send a test',
      lock: null,
    });
    expect(testNotificationBlock('text', snapshot({}, textOn))).toBeNull();
    // A business that does not allow SMS: the service would not send it either.
    const notAllowed = snapshot({}, textOn);
    notAllowed.business.allowedChannels.text = false;
    expect(testNotificationBlock('text', notAllowed)?.reason).toBe(
      'Your business does not allow SMS notifications',
    );
    // A desktop sample shows how a pop-up looks, whatever the master switch says.
    const desktopOff = snapshot({ 'channels.desktop': false });
    expect(testNotificationBlock('desktop', desktopOff)).toBeNull();
  });

  it('disables the SMS cells while the organisation holds SMS off; a required one stays required', () => {
    const locked = snapshot({ 'channels.text.enabled': false }, (preferences) => {
      preferences.channels.text.enabled = true;
      preferences.alertChannels.mention.text = true;
    });
    expect(cellState('mention', 'text', locked, userId)).toEqual({
      checked: false,
      reason: 'Locked by your organisation',
      mark: 'off',
    });
    // The business's mandatory SMS passes the master switch (the policy's lockHoldingOn).
    expect(cellState('paymentFailed', 'text', locked, userId).mark).toBe('required');
    expect(cellState('mention', 'email', locked, userId).reason).toBeNull();
    // Nothing to add to a disabled cell: the lock is its reason.
    expect(masterOffWords('text', locked)).toBeNull();
  });

  it('keeps the SMS cells editable when the person turned SMS off, and says so in each', () => {
    const off = snapshot({}, (preferences) => {
      preferences.channels.text.enabled = false;
      preferences.alertChannels.mention.text = true;
    });
    expect(cellState('mention', 'text', off, userId)).toEqual({
      checked: true,
      reason: null,
      mark: null,
    });
    expect(masterOffWords('text', off)).toBe(
      'SMS notifications are off above: what you choose here applies when you turn them back on',
    );
    const on = snapshot({}, (preferences) => {
      preferences.channels.text.enabled = true;
    });
    expect(masterOffWords('text', on)).toBeNull();
  });

  it('says who requires a type in its effective value, the organisation first', () => {
    const diagnosis = {
      alertType: 'paymentFailed' as const,
      wouldAlert: true,
      channels: [],
      reasons: [],
      limits: [],
      locks: [
        { channel: 'email' as const, source: 'business' as const, reason: 'x' },
        { channel: 'inApp' as const, source: 'organisation' as const, reason: 'y' },
      ],
    };
    expect(effectiveWords(diagnosis, 'Harbor Dental')).toBe(
      'Required by your organisation (in-app); Required by Harbor Dental (email)',
    );
    expect(
      effectiveWords({ ...diagnosis, locks: diagnosis.locks.slice(0, 1) }, 'Harbor Dental'),
    ).toBe('Required by Harbor Dental (email)');
  });
});
