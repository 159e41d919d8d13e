import type { FastifyInstance } from 'fastify';
import {
  businessLocks,
  isUserPreferencesV1,
  normalizeUserPreferences,
  parseWith,
  preferencesChangeRefusal,
  preferencesV2Protocol,
  putPreferencesBodySchema,
  putPreferencesV1BodySchema,
  upgradeUserPreferences,
  userPreferencesV1View,
  type ParseResult,
  type UserPreferences,
} from '../../../common';
import { protocolOf } from '../protocol';
import { readTypedNumber, withNumberError } from '../typed-numbers';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

/** The document as a caller of `protocol` reads it: version 1 before protocol 3. */
function preferencesFor(protocol: number, preferences: UserPreferences): unknown {
  return protocol >= preferencesV2Protocol ? preferences : userPreferencesV1View(preferences);
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
        const numberError = readTypedNumber(
          copy,
          ['preferences', 'channels', 'text', 'customNumber'],
          business().country,
          'textDestination',
        );
        const document = (copy as { preferences?: unknown } | null)?.preferences;
        if (isUserPreferencesV1(document)) {
          // An older companion: its document has no per-type channels; keep the stored ones.
          const parsed = withNumberError(parseWith(putPreferencesV1BodySchema, copy), numberError);
          if (!parsed.ok) return parsed;
          const current = store.preferences(user.id).document;
          const upgraded = upgradeUserPreferences(parsed.value.preferences, current);
          return { ok: true, value: normalizeUserPreferences(upgraded) };
        }
        const parsed = withNumberError(parseWith(putPreferencesBodySchema, copy), numberError);
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
