import type { AlertType } from '../common/alert-types';
import type { PreferencesSnapshot } from '../common/ipc-contract';
import { lockedValue, lockOf, type LockSource, type SettingLock } from '../common/locks';
import { recipientContext, type Diagnosis, type RecipientContext } from '../common/policy/context';
import { diagnose } from '../common/policy/diagnose';
import type { Profile } from '../common/service-api';

/**
 * What the window shows as "effective" is computed by the policy in `common/` (decide, diagnose,
 * locks, gates) over the same context the core builds, never re-implemented here. The one thing
 * the window cannot know is whether the person is on a call right now: it reads as not.
 */
export function windowContext(
  profile: Profile,
  snapshot: PreferencesSnapshot,
  now: number,
): RecipientContext {
  const context = recipientContext({
    user: profile.user,
    lines: profile.lines,
    ringGroups: profile.ringGroups,
    onCall: false,
    preferences: snapshot.preferences,
    business: snapshot.business,
    now,
  });
  // The snapshot's locks are main's list (every source), not only the business's.
  return { ...context, locks: snapshot.locks };
}

/**
 * Reason codes that say an alert type can never reach this person as things stand: their role,
 * the recipients list, or no line it could arrive on. The window hides such a control and says
 * what the role would add, instead of showing a switch that does nothing.
 */
const neverAppliesCodes = new Set(['notAdmin', 'notBillingAdmin', 'notRecipient', 'notOnLine']);

/** Whether `type` can never reach this person (every channel held back by who they are). */
export function neverApplies(diagnosis: Diagnosis): boolean {
  return (
    !diagnosis.wouldAlert &&
    diagnosis.reasons.length > 0 &&
    diagnosis.reasons.some((reason) => neverAppliesCodes.has(reason.code)) &&
    diagnosis.locks.length === 0
  );
}

/** The diagnosis of each type for this context, once per render. */
export function diagnoseAll(
  types: readonly AlertType[],
  context: RecipientContext,
): Map<AlertType, Diagnosis> {
  return new Map(types.map((type) => [type, diagnose(type, context)]));
}

/** What a control shows when someone above the person holds its field. */
export interface ControlLock {
  source: LockSource;
  /**
   * One sentence beside the control: "Locked by your organisation" for the managed policy, the
   * business's own words for a channel it made mandatory.
   */
  reason: string;
  /** The value the field is held at (the field's part of it when a whole group is locked). */
  value: unknown;
}

/**
 * The one lookup every control of the window makes: the lock on a `UserPreferences` field (its
 * dotted path, "quietHours.enabled", "channels.text.enabled", "alertChannels.mention.email"),
 * or null when the person may change it. A lock on a group ("quietHours") holds each field in
 * it. Where the organisation and the business both hold a field the organisation's lock is the
 * answer (policy > business defaults > user, `lockOf` in `common/locks.ts`).
 */
export function controlLock(locks: readonly SettingLock[], field: string): ControlLock | null {
  const lock = lockOf(locks, field);
  if (lock === null) return null;
  return { source: lock.source, reason: lock.reason, value: lockedValue(lock, field) };
}

/** A locked boolean's value, or `fallback` where the lock holds none (or there is no lock). */
export function lockedBoolean(lock: ControlLock | null | undefined, fallback: boolean): boolean {
  return typeof lock?.value === 'boolean' ? lock.value : fallback;
}
