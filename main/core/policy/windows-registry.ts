import { z } from 'zod';
import { managedPolicyKeys, preferenceFieldSchema } from '../../../common';

/** Where Group Policy (ADMX or a pushed .reg file) puts Ringside's machine-wide policy. */
export const windowsPolicyKey = 'HKLM\\Software\\Policies\\Ringside';

/** The subkey whose values are locked settings: value name = dotted path, data = the value. */
export const lockedSettingsSubkey = 'LockedSettings';

interface RegistryValue {
  name: string;
  type: string;
  data: string;
}

// `reg query` prints each value as four spaces, name, four spaces, type, four spaces, data.
const valueLine = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/**
 * The keys and values of `reg query <key> /s` output, by key path relative to the queried key
 * ("" for the key itself, "LockedSettings" for its subkey). `reg` has no machine-readable
 * output; this follows the layout it prints (lines "HKEY_…" open a key, indented lines are its
 * values).
 */
export function parseRegQuery(stdout: string): Map<string, RegistryValue[]> {
  const keys = new Map<string, RegistryValue[]>();
  let root: string | null = null;
  let current: RegistryValue[] | null = null;
  for (const raw of stdout.split(/\r?\n/)) {
    if (raw.startsWith('HKEY_')) {
      const key = raw.trim();
      root ??= key;
      const relative = key.length > root.length ? key.slice(root.length + 1) : '';
      current = [];
      keys.set(relative, current);
      continue;
    }
    const match = valueLine.exec(raw);
    if (match && current) {
      current.push({ name: match[1] ?? '', type: match[2] ?? '', data: match[3] ?? '' });
    }
  }
  return keys;
}

function dwordOf(data: string): number {
  return Number.parseInt(data, 16);
}

/** A locked setting's registry data as the value it locks the field to. */
function lockedValueOf(path: string, value: RegistryValue): unknown {
  if (value.type === 'REG_DWORD' || value.type === 'REG_QWORD') {
    const number = dwordOf(value.data);
    // A DWORD 0/1 is how Group Policy writes a switch: a boolean field reads it as one.
    const isSwitch = preferenceFieldSchema(path) instanceof z.ZodBoolean;
    return isSwitch && (number === 0 || number === 1) ? number === 1 : number;
  }
  // REG_SZ holds JSON ("true", "70", "{…}"), or a bare string ("Europe/Paris").
  try {
    return JSON.parse(value.data) as unknown;
  } catch {
    return value.data;
  }
}

/**
 * The policy document the registry holds, for `parseManagedPolicy`: `serviceUrl` (REG_SZ),
 * `launchAtLogin` (REG_DWORD 0/1), `updates` (REG_SZ "off", "stable" or "beta"), and each value
 * of the `LockedSettings` subkey. Values and subkeys it does not know are passed on as they are,
 * for the parser to name.
 */
export function policyFromRegistry(keys: ReadonlyMap<string, RegistryValue[]>): unknown {
  const document: Record<string, unknown> = {};
  for (const found of keys.get('') ?? []) {
    // Registry names are case-insensitive: "ServiceUrl" is `serviceUrl`.
    const known = managedPolicyKeys.find((key) => key.toLowerCase() === found.name.toLowerCase());
    const value = { ...found, name: known ?? found.name };
    if (value.name === 'launchAtLogin' && value.type === 'REG_DWORD') {
      const number = dwordOf(value.data);
      document[value.name] = number === 0 || number === 1 ? number === 1 : number;
    } else if (value.name === 'updates' && value.type === 'REG_SZ') {
      document[value.name] = value.data === 'off' ? 'off' : { channel: value.data };
    } else if (value.type === 'REG_DWORD' || value.type === 'REG_QWORD') {
      document[value.name] = dwordOf(value.data);
    } else {
      document[value.name] = value.data;
    }
  }
  for (const [key, values] of keys) {
    if (key === '') continue;
    if (key.toLowerCase() !== lockedSettingsSubkey.toLowerCase()) {
      document[key] = {};
      continue;
    }
    const locked: Record<string, unknown> = {};
    for (const value of values) locked[value.name] = lockedValueOf(value.name, value);
    document.lockedSettings = locked;
  }
  return document;
}
