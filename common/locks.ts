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
import type { ManagedPolicy, PolicyValue } from './managed-policy';
import {
  isAdmin,
  normalizeUserPreferences,
  type BusinessDefaults,
  type Role,
  type UserPreferences,
} from './preferences';

/**
 * Settings a person cannot change because someone above them decided: one list of locks, each a
 * user-preferences field held at a value, with who holds it and why. The settings window shows a
 * lock beside the control, the service refuses a write that changes a locked field (403 with
 * the reason), the companion refuses the same edit locally, and `decide` lets a channel that a
 * lock holds on through the user's own switches.
 *
 * Two sources, strongest first: the organisation's managed policy (`organisationLocks`: any
 * field, any value, `managed-policy.ts`) and the business (an alert type it made mandatory on a
 * channel, `alerts[type].mandatory`: a channel field held on). Where two sources lock one field,
 * `lockOf` answers with the stronger: policy > business defaults > user.
 */

/** Who holds a lock, strongest first. */
export const lockSources = ['organisation', 'business'] as const;
export type LockSource = (typeof lockSources)[number];

/** What the organisation's locks say, in the window and in refusals. */
export const organisationLockReason = 'Locked by your organisation';

export interface SettingLock {
  /**
   * Dotted path of the user-preferences field ("alertChannels.paymentFailed.email"); a policy may
   * lock a whole group ("quietHours"), which holds every field under it.
   */
  field: string;
  /** The value the field is held at (always `true` for a business's mandatory channel). */
  value: PolicyValue;
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

/** The organisation's locks: each locked setting of the managed policy, held at its value. */
export function organisationLocks(policy: ManagedPolicy | null): SettingLock[] {
  return Object.entries(policy?.lockedSettings ?? {}).map(([field, value]) => ({
    field,
    value,
    source: 'organisation' as const,
    reason: organisationLockReason,
  }));
}

/**
 * The lock on `field`, the strongest source's when several hold it; null when none does. The
 * lock may be on `field` itself or a group holding it: the answer is then the group's lock,
 * with the group's value (read the field's part of it with `lockedValue`).
 */
export function lockOf(locks: readonly SettingLock[], field: string): SettingLock | null {
  let found: SettingLock | null = null;
  for (const lock of locks) {
    if (lock.field !== field && !field.startsWith(`${lock.field}.`)) continue;
    if (found === null || lockSources.indexOf(lock.source) < lockSources.indexOf(found.source)) {
      found = lock;
    }
  }
  return found;
}

/** The value `field` is held at by `lock` (on the field itself or a group holding it). */
export function lockedValue(lock: SettingLock, field: string): unknown {
  return field === lock.field
    ? lock.value
    : valueAt(lock.value, field.slice(lock.field.length + 1));
}

/** JSON text with object keys sorted: equal values, whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([left], [right]) => (left < right ? -1 : 1)))
      : inner,
  );
}

function sameJson(left: unknown, right: unknown): boolean {
  return canonicalJson(left) === canonicalJson(right);
}

/**
 * `preferences` with the organisation's locked values in place: what the policy engine uses.
 * Business locks are not written in (a mandatory channel holds on in `decide`, whatever the
 * stored switch); the organisation's are values, of any field.
 */
export function effectivePreferences(
  preferences: UserPreferences,
  locks: readonly SettingLock[],
): UserPreferences {
  const held = locks.filter((lock) => lock.source === 'organisation');
  if (held.length === 0) return preferences;
  const next = JSON.parse(JSON.stringify(preferences)) as Record<string, unknown>;
  for (const lock of held) {
    const segments = lock.field.split('.');
    const last = segments.pop();
    let parent: Record<string, unknown> | null = next;
    for (const segment of segments) {
      const child: unknown = parent?.[segment];
      parent =
        typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : null;
    }
    if (parent !== null && last !== undefined && Object.hasOwn(parent, last)) {
      parent[last] = JSON.parse(JSON.stringify(lock.value)) as unknown;
    }
  }
  return normalizeUserPreferences(next as UserPreferences);
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
    if (!sameJson(after, before) && !sameJson(after, lock.value)) {
      return lockOf(locks, lock.field)?.reason ?? null;
    }
  }
  return null;
}
