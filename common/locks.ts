import {
  alertTypeLabels,
  alertTypes,
  channelLabels,
  channels,
  isAccountAlertType,
  isRecipientAlertType,
  type AlertType,
  type Channel,
} from './alert-types';
import { isAdmin, type BusinessDefaults, type Role } from './preferences';

/**
 * Settings a person cannot change because someone above them decided: one list of locks, each a
 * user-preferences field held at a value, with who holds it and why. The settings window shows a
 * lock beside the control, the service refuses a write that changes a locked field (403 with
 * the reason), the companion refuses the same edit locally, and `decide` lets a channel that a
 * lock holds on through the user's own switches.
 *
 * Today the business is the one source: an alert type it made mandatory on a channel
 * (`alerts[type].mandatory`). A second source (issue 16's managed policy, "by your
 * organisation") adds its name to `lockSources` (strongest first) and its locks to the list;
 * where two sources lock one field, `lockOf` answers with the stronger.
 */

/** Who holds a lock, strongest first. */
export const lockSources = ['business'] as const;
export type LockSource = (typeof lockSources)[number];

export interface SettingLock {
  /** Dotted path of the user-preferences field ("alertChannels.paymentFailed.email"). */
  field: string;
  /** The value the field is held at. */
  value: boolean;
  source: LockSource;
  /** A sentence for people: "Your business requires payment failures by email". */
  reason: string;
}

/** Whose locks these are: mandatory never reaches past who may receive a type. */
export interface LockAudience {
  userId: string;
  role: Role;
}

/**
 * The preferences field that says whether `type` reaches this person on `channel`: the per-type
 * channel of a user alert type, the type's own switch for account alerts (email only); null for
 * a channel an account alert never uses.
 */
export function channelField(type: AlertType, channel: Channel): string | null {
  if (isAccountAlertType(type)) return channel === 'email' ? `accountAlerts.${type}` : null;
  return `alertChannels.${type}.${channel}`;
}

/** Whether `type` may reach this person on `channel` at all, as far as the business decides. */
function mayReceive(
  business: BusinessDefaults,
  audience: LockAudience,
  type: AlertType,
  channel: Channel,
): boolean {
  const entry = business.alerts[type];
  if (!entry.enabled || !entry.channels[channel] || !business.allowedChannels[channel]) {
    return false;
  }
  if (isAccountAlertType(type)) {
    if (!isAdmin(audience.role) || channel !== 'email') return false;
    if (type === 'billingWarning' && audience.role !== 'billingAdmin') return false;
  }
  if (isRecipientAlertType(type)) {
    const recipient = business.recipients.find((each) => each.userId === audience.userId);
    if (!recipient?.channels[channel]) return false;
  }
  return true;
}

/**
 * The business's locks for one person: each type and channel it made mandatory that this person
 * may receive (role, recipients list and its channels: mandatory never overrides who receives).
 */
export function businessLocks(business: BusinessDefaults, audience: LockAudience): SettingLock[] {
  const locks: SettingLock[] = [];
  for (const type of alertTypes) {
    for (const channel of channels) {
      const field = channelField(type, channel);
      if (field === null || !business.alerts[type].mandatory[channel]) continue;
      if (!mayReceive(business, audience, type, channel)) continue;
      locks.push({
        field,
        value: true,
        source: 'business',
        reason: `Your business requires ${alertTypeLabels[type]} by ${channelLabels[channel]}`,
      });
    }
  }
  return locks;
}

/** The lock on `field`, the strongest source's when several hold it; null when none does. */
export function lockOf(locks: readonly SettingLock[], field: string): SettingLock | null {
  let found: SettingLock | null = null;
  for (const lock of locks) {
    if (lock.field !== field) continue;
    if (found === null || lockSources.indexOf(lock.source) < lockSources.indexOf(found.source)) {
      found = lock;
    }
  }
  return found;
}

function valueAt(document: unknown, field: string): unknown {
  let current: unknown = document;
  for (const segment of field.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Why `current` may not become `next`: the reason of the first lock whose field the change moves
 * away from the locked value; null when it may. A locked field the change leaves alone is not
 * refused, even when it holds another value (stored before the lock came): the lock holds it in
 * effect, and refusing would block every other edit.
 */
export function lockRefusal(
  locks: readonly SettingLock[],
  current: unknown,
  next: unknown,
): string | null {
  for (const lock of locks) {
    const before = valueAt(current, lock.field);
    const after = valueAt(next, lock.field);
    if (after !== before && after !== lock.value) return lockOf(locks, lock.field)?.reason ?? null;
  }
  return null;
}
