import {
  isUserPreferencesV1,
  normalizeUserPreferences,
  parseWith,
  preferencesV2Protocol,
  putPreferencesBodySchema,
  putPreferencesV1BodySchema,
  upgradeUserPreferences,
  userPreferencesV1View,
  type ParseResult,
  type UserPreferences,
} from '../../common';
import { readTypedNumber, withNumberError } from './typed-numbers';

/** The document as a caller of `protocol` reads it: version 1 before protocol 3. */
export function preferencesFor(protocol: number, preferences: UserPreferences): unknown {
  return protocol >= preferencesV2Protocol ? preferences : userPreferencesV1View(preferences);
}

/**
 * A PUT body of preferences (the user's own or a member's written by an admin): the custom
 * text number read as typed in the business's `country`, a version-1 document (an older
 * companion) upgraded over `current`, and the result normalized.
 */
export function parsePreferencesBody(
  body: unknown,
  country: string,
  current: () => UserPreferences,
): ParseResult<UserPreferences> {
  // A copy: the request body is also what the Idempotency-Key's hash is of.
  const copy: unknown = structuredClone(body);
  const numberError = readTypedNumber(
    copy,
    ['preferences', 'channels', 'text', 'customNumber'],
    country,
    'textDestination',
  );
  const document = (copy as { preferences?: unknown } | null)?.preferences;
  if (isUserPreferencesV1(document)) {
    // An older companion: its document has no per-type channels; keep the stored ones.
    const parsed = withNumberError(parseWith(putPreferencesV1BodySchema, copy), numberError);
    if (!parsed.ok) return parsed;
    const upgraded = upgradeUserPreferences(parsed.value.preferences, current());
    return { ok: true, value: normalizeUserPreferences(upgraded) };
  }
  const parsed = withNumberError(parseWith(putPreferencesBodySchema, copy), numberError);
  return parsed.ok
    ? { ok: true, value: normalizeUserPreferences(parsed.value.preferences) }
    : parsed;
}
