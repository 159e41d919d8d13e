import type { FastifyInstance } from 'fastify';
import {
  businessLocks,
  describeFieldErrorsInline,
  isUserPreferencesV1,
  normalizeUserPreferences,
  parseWith,
  preferencesChangeRefusal,
  preferencesV2Protocol,
  putPreferencesBodySchema,
  putPreferencesV1BodySchema,
  readPhoneNumber,
  upgradeUserPreferences,
  userPreferencesV1View,
  type ParseResult,
  type UserPreferences,
} from '../../../common';
import { protocolOf } from '../protocol';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

/** The document as a caller of `protocol` reads it: version 1 before protocol 3. */
function preferencesFor(protocol: number, preferences: UserPreferences): unknown {
  return protocol >= preferencesV2Protocol ? preferences : userPreferencesV1View(preferences);
}

/**
 * Reads a custom SMS number as people type it ("(415) 555-2671" in a US business) into E.164,
 * in place in `body` (a copy of the request's); returns why it cannot be used, or null. A value
 * that is not a string is left to the schema.
 */
function readCustomNumber(body: unknown, country: string): string | null {
  const text = (body as { preferences?: { channels?: { text?: unknown } } } | null)?.preferences
    ?.channels?.text;
  if (typeof text !== 'object' || text === null) return null;
  const fields = text as Record<string, unknown>;
  const typed = fields['customNumber'];
  if (typeof typed !== 'string') return null;
  const reading = readPhoneNumber(typed, country, 'textDestination');
  if (!reading.ok) return reading.message;
  fields['customNumber'] = reading.e164;
  return null;
}

/** `GET` and `PUT /api/preferences`: the caller's own preferences, versioned. */
export function registerPreferencesRoutes(
  app: FastifyInstance,
  dependencies: HttpApiDependencies,
): void {
  const { store, hub } = dependencies;

  app.get('/api/preferences', async (request, reply) => {
    const user = userOf(request);
    const { version, document } = store.preferences(user.id);
    void reply.header('etag', etagOf(version));
    return { version, preferences: preferencesFor(protocolOf(request), document) };
  });

  app.put('/api/preferences', async (request, reply) => {
    const user = userOf(request);
    const protocol = protocolOf(request);
    const business = () => store.businessDefaults(user.businessId).document;
    return versionedPut<UserPreferences>(request, reply, dependencies, {
      target: 'preferences',
      mayWrite: () => null,
      parse: (body): ParseResult<UserPreferences> => {
        // A copy: the request body is also what the Idempotency-Key's hash is of.
        const copy: unknown = structuredClone(body);
        const refusal = readCustomNumber(copy, business().country);
        if (refusal !== null) {
          const errors = [{ path: 'preferences.channels.text.customNumber', message: refusal }];
          return { ok: false, errors, message: describeFieldErrorsInline(errors) };
        }
        const document = (copy as { preferences?: unknown } | null)?.preferences;
        if (isUserPreferencesV1(document)) {
          // An older companion: its document has no per-type channels; keep the stored ones.
          const parsed = parseWith(putPreferencesV1BodySchema, copy);
          if (!parsed.ok) return parsed;
          const current = store.preferences(user.id).document;
          return {
            ok: true,
            value: normalizeUserPreferences(upgradeUserPreferences(parsed.value.preferences, current)),
          };
        }
        const parsed = parseWith(putPreferencesBodySchema, copy);
        return parsed.ok
          ? { ok: true, value: normalizeUserPreferences(parsed.value.preferences) }
          : parsed;
      },
      current: () => store.preferences(user.id),
      mayChange: (current, next) =>
        preferencesChangeRefusal(
          user.role,
          current,
          next,
          businessLocks(business(), { userId: user.id, role: user.role }),
        ),
      write: (next) => store.writePreferences(user.id, next),
      answer: (version, preferences) => ({
        version,
        preferences: preferencesFor(protocol, preferences),
      }),
      announce: (version, preferences, deviceId) => {
        hub.push(
          user.id,
          'preferencesChanged',
          (device) => ({ version, preferences: preferencesFor(device, preferences), deviceId }),
          deviceId,
        );
      },
    });
  });
}
