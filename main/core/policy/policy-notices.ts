import {
  describePolicyProblem,
  type HealthNotice,
  type ManagedPolicy,
  type PolicyReading,
} from '../../../common';

function updatesWords(policy: ManagedPolicy): string | null {
  if (policy.updates === undefined) return null;
  return policy.updates === 'off'
    ? 'updates off'
    : `updates from the ${policy.updates.channel} channel`;
}

/** What a valid policy sets, in one line: "Managed by your organisation (…): 2 settings locked; …". */
export function describeAppliedPolicy(reading: PolicyReading): string | null {
  if (reading.status !== 'applied') return null;
  const { policy } = reading;
  const locked = Object.keys(policy.lockedSettings ?? {}).length;
  const parts = [
    policy.serviceUrl === undefined ? null : `service ${policy.serviceUrl}`,
    locked === 0 ? null : `${locked} ${locked === 1 ? 'setting' : 'settings'} locked`,
    policy.launchAtLogin === undefined
      ? null
      : `start at login ${policy.launchAtLogin ? 'on' : 'off'}`,
    updatesWords(policy),
  ].filter((part) => part !== null);
  const what = parts.length === 0 ? 'nothing set' : parts.join('; ');
  return `Managed by your organisation (${reading.source}): ${what}`;
}

/**
 * The health notices a policy reading gives, for the shells to pass the core at start: an
 * invalid policy says which field and that none of it applies; a valid one says what it sets
 * (the window's status shows it; there is no updater yet, so `updates` is shown, not acted on).
 */
export function policyNotices(reading: PolicyReading): HealthNotice[] {
  const problem = describePolicyProblem(reading);
  if (problem !== null) return [{ code: 'policyInvalid', message: problem }];
  const applied = describeAppliedPolicy(reading);
  return applied === null ? [] : [{ code: 'managedPolicy', message: applied }];
}
