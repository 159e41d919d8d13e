export {
  linuxPolicyFile,
  readManagedPolicy,
  readPolicyFile,
  ringsideAppId,
  runCommand,
  type CommandResult,
  type CommandRunner,
  type ReadPolicyOptions,
} from './read-policy';
export { managedPreferencesFile, policyFromPlistJson } from './macos-managed-preferences';
export { parseRegQuery, policyFromRegistry, windowsPolicyKey } from './windows-registry';
export { describeAppliedPolicy, policyNotices } from './policy-notices';
