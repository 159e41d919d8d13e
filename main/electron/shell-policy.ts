import {
  appliedPolicy,
  describePolicyProblem,
  type HealthNotice,
  type ManagedPolicy,
  type PolicyReading,
} from '../../common';
import { policyNotices, readManagedPolicy } from '../core/policy';
import type { Logger } from '../core/ports';
import type { ServiceSettings } from './service-configuration';

/** How the shell reads the managed policy: the platform's place (`main/core/policy`). */
export type PolicyReader = () => Promise<PolicyReading>;

/** The platform's reader: the Linux file, the macOS managed plist, the Windows registry key. */
export function platformPolicyReader(platform: NodeJS.Platform): PolicyReader {
  return () => readManagedPolicy({ platform });
}

/** What the shell takes from the policy at start. */
export interface ShellPolicy {
  /** The policy applied whole, or null (none, or invalid: then nothing of it applies). */
  policy: ManagedPolicy | null;
  /** For the window's health list: the invalid field, or what the policy sets. */
  notices: HealthNotice[];
}

/**
 * Reads the managed policy before anything else starts (the first window, the core), and says
 * in the log what it found: an invalid one as an error naming the field.
 */
export async function readShellPolicy(read: PolicyReader, logger: Logger): Promise<ShellPolicy> {
  const reading = await read();
  const problem = describePolicyProblem(reading);
  if (problem !== null) logger.error(problem);
  else if (reading.status === 'applied') {
    logger.info('managed policy applied', { source: reading.source });
  }
  return { policy: appliedPolicy(reading), notices: policyNotices(reading) };
}

/**
 * The service under the policy: its `serviceUrl` replaces the configured one (policy > user),
 * with the configured token. Without a configured token there is nothing to sign in with: the
 * shell says so in the log and runs as it would without the policy's URL.
 */
export function serviceUnderPolicy(
  configured: ServiceSettings | null,
  policy: ManagedPolicy | null,
  logger: Logger,
): ServiceSettings | null {
  const serviceUrl = policy?.serviceUrl;
  if (serviceUrl === undefined) return configured;
  if (configured === null) {
    logger.warn('The managed policy sets the service, but no sign-in token is configured', {
      serviceUrl,
    });
    return null;
  }
  return { ...configured, serviceUrl };
}
