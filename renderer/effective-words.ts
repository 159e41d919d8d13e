import {
  alertTypeLabels,
  channelLabels,
  channels,
  isRecipientAlertType,
  type Channel,
  type UserAlertType,
} from '../common/alert-types';
import type { PreferencesSnapshot } from '../common/ipc-contract';
import { channelField, type LockSource, type SettingLock } from '../common/locks';
import type { Diagnosis } from '../common/policy/context';
import { controlLock, type ControlLock } from './effective';

/**
 * What the window says about an effective value and who holds it: pure functions over the
 * snapshot and `diagnose`, so unit tests read the same sentences the page shows. Who holds a
 * field comes from `controlLock` alone (policy > business defaults > user).
 */

/** What one cell shows: the effective value, whether it can change, and why not. */
export interface CellState {
  checked: boolean;
  /** Why the person cannot change it (a lock, the business), or null. */
  reason: string | null;
  /** A short word in the cell: a lock says "required", the business "off". */
  mark: 'required' | 'off' | null;
}

/** The field of a channel's master switch ("channels.desktop", "channels.text.enabled"). */
export function masterField(channel: Channel): string {
  return channel === 'desktop' || channel === 'inApp'
    ? `channels.${channel}`
    : `channels.${channel}.enabled`;
}

/** The lock holding a channel's master switch off (the organisation's), or null. */
export function masterLockedOff(
  channel: Channel,
  locks: readonly SettingLock[],
): ControlLock | null {
  const lock = controlLock(locks, masterField(channel));
  return lock?.value === false ? lock : null;
}

/** Whether the person's master switch of `channel` is on (the snapshot's effective value). */
function masterOn(channel: Channel, snapshot: PreferencesSnapshot): boolean {
  const mine = snapshot.preferences.channels;
  return channel === 'desktop' || channel === 'inApp' ? mine[channel] : mine[channel].enabled;
}

/** "SMS notifications", "In-app notifications": a channel's notifications, starting a sentence. */
function notificationsOf(channel: Channel): string {
  const words = channelLabels[channel];
  return `${words === 'SMS' ? words : `${words.slice(0, 1).toUpperCase()}${words.slice(1)}`} notifications`;
}

/**
 * What an editable cell says when the person turned its channel's master switch off themselves:
 * the cell stays theirs (it prepares what turning the channel back on will do), and its
 * accessible description says that nothing goes by it until then. Null when the master is on, or
 * held off by a lock (the cell is then disabled with the lock's reason, `cellState`).
 */
export function masterOffWords(channel: Channel, snapshot: PreferencesSnapshot): string | null {
  if (masterOn(channel, snapshot) || masterLockedOff(channel, snapshot.locks)) return null;
  return `${notificationsOf(channel)} are off above: what you choose here applies when you turn them back on`;
}

/**
 * Why "Send a test … notification" cannot send now, or null. Email and SMS samples are sent by the
 * service through the policy, which holds them back when the business does not allow the
 * channel or the master switch is off (by the person, or locked off by the organisation: then
 * `lock` is that lock). A desktop or in-app sample shows whatever the master switch says: it is
 * how a notification looks (main/core/sample-notification.ts).
 */
export function testNotificationBlock(
  channel: Channel,
  snapshot: PreferencesSnapshot,
): { reason: string; lock: ControlLock | null } | null {
  if (channel === 'desktop' || channel === 'inApp') return null;
  if (!snapshot.business.allowedChannels[channel]) {
    return {
      reason: `Your business does not allow ${channelLabels[channel]} notifications`,
      lock: null,
    };
  }
  const lock = masterLockedOff(channel, snapshot.locks);
  if (lock) return { reason: lock.reason, lock };
  if (!masterOn(channel, snapshot)) {
    return {
      reason: `${notificationsOf(channel)} are off: turn them on above to send a test`,
      lock: null,
    };
  }
  return null;
}

/**
 * One cell of the table: the business's word first (it decides who may receive what), then a
 * lock on the cell (mandatory: checked, whatever the person chose; it passes the master switch
 * too), then a lock holding the channel's master switch off, then the person's own choice. The
 * sentences are the policy engine's, so the window and Activity say the same thing.
 */
export function cellState(
  type: UserAlertType,
  channel: Channel,
  snapshot: PreferencesSnapshot,
  userId: string | null,
): CellState {
  const { business, preferences } = snapshot;
  const label = alertTypeLabels[type];
  const words = channelLabels[channel];
  const off = (reason: string): CellState => ({ checked: false, reason, mark: 'off' });
  if (!business.alerts[type].enabled) return off(`Your business has turned off ${label}`);
  const entry = business.recipients.find((recipient) => recipient.userId === userId);
  if (isRecipientAlertType(type) && !entry) {
    return off(`You are not on your business's recipients list for ${label}`);
  }
  if (!business.allowedChannels[channel]) {
    return off(`Your business does not allow ${words} notifications`);
  }
  if (!business.alerts[type].channels[channel]) {
    return off(`Your business has turned off ${words} alerts for ${label}`);
  }
  if (entry && isRecipientAlertType(type) && !entry.channels[channel]) {
    return off(`Your recipient settings do not include ${words} for ${label}`);
  }
  const field = channelField(type, channel);
  const lock = field === null ? null : controlLock(snapshot.locks, field);
  if (lock) {
    // Held at the lock's value: on for a mandatory channel, on or off by the organisation.
    const held = lock.value === true;
    return { checked: held, reason: lock.reason, mark: held ? 'required' : 'off' };
  }
  // Nothing goes by a channel the organisation holds off: the cell is not the person's to edit.
  const master = masterLockedOff(channel, snapshot.locks);
  if (master) return { checked: false, reason: master.reason, mark: 'off' };
  return { checked: preferences.alertChannels[type][channel], reason: null, mark: null };
}

const requirers: Record<LockSource, string> = {
  organisation: 'Your organisation',
  business: 'Your business',
};

/**
 * What still comes when the person turns `type` off: the channels a lock holds on, named by who
 * holds each (the organisation's policy, or the business's mandatory channels; the type switch
 * is theirs, a held channel passes it). Null when nothing is required.
 */
export function requiredWords(type: UserAlertType, locks: readonly SettingLock[]): string | null {
  const held = channels.flatMap((channel) => {
    const lock = controlLock(locks, `alertChannels.${type}.${channel}`);
    return lock?.value === true ? [{ channel, source: lock.source }] : [];
  });
  if (held.length === 0) return null;
  const sentences = (['organisation', 'business'] as const).flatMap((source) => {
    const words = held
      .filter((entry) => entry.source === source)
      .map((entry) => channelLabels[entry.channel]);
    return words.length === 0
      ? []
      : [`${requirers[source]} requires this by ${words.join(' and ')}`];
  });
  return `${sentences.join('. ')}: that still comes if you turn it off.`;
}

/**
 * The effective value of one alert type, in words, under its switch, from `diagnose`: "Required
 * by Harbor Dental by email", "Off by Harbor Dental", "On: desktop, in-app", or the first thing
 * holding it back now; with "Why?", which opens the full diagnosis for the type.
 */
export function effectiveWords(diagnosis: Diagnosis, businessName: string): string {
  const channelsOf = (list: readonly { channel: keyof typeof channelLabels }[]) =>
    list.map((entry) => channelLabels[entry.channel]).join(', ');
  if (diagnosis.locks.length > 0) {
    // Each holder named once, the organisation first (policy > business defaults > user).
    const byOrganisation = diagnosis.locks.filter((lock) => lock.source === 'organisation');
    const byBusiness = diagnosis.locks.filter((lock) => lock.source === 'business');
    return [
      byOrganisation.length > 0
        ? `Required by your organisation (${channelsOf(byOrganisation)})`
        : '',
      byBusiness.length > 0 ? `Required by ${businessName} (${channelsOf(byBusiness)})` : '',
    ]
      .filter(Boolean)
      .join('; ');
  }
  if (diagnosis.reasons.some((reason) => reason.code === 'typeOffByBusiness')) {
    return `Off by ${businessName}`;
  }
  if (diagnosis.wouldAlert) return `On now: ${channelsOf(diagnosis.channels)}`;
  const first = diagnosis.reasons[0];
  return first ? `Off now: ${first.explanation}` : 'Off now';
}
