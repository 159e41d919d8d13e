/**
 * macOS: the managed preferences an MDM profile installs for the app's domain, machine-wide,
 * as `/Library/Managed Preferences/<appId>.plist` (root-owned; a person cannot write it, unlike
 * their own defaults, which `systemPreferences.getUserDefault` would also read and which
 * cannot tell a missing key from false). Read with `plutil -convert json`, which ships with
 * macOS, in both shells.
 */
export function managedPreferencesFile(appId: string): string {
  return `/Library/Managed Preferences/${appId}.plist`;
}

/** The command that prints the plist as JSON on stdout. */
export function plutilArguments(file: string): string[] {
  return ['-convert', 'json', '-o', '-', file];
}

/**
 * The policy document in `plutil`'s JSON, for `parseManagedPolicy`. Keys an MDM adds for its own
 * bookkeeping (`Payload…`) are not ours and are left out; everything else goes to the parser.
 */
export function policyFromPlistJson(text: string): unknown {
  const document: unknown = JSON.parse(text);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return document;
  }
  return Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('Payload')));
}
