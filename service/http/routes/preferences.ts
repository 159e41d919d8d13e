import type { FastifyInstance } from 'fastify';
import {
  normalizeUserPreferences,
  parseWith,
  preferencesChangeRefusal,
  putPreferencesBodySchema,
  type UserPreferences,
} from '../../../common';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

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
    return { version, preferences: document };
  });

  app.put('/api/preferences', async (request, reply) => {
    const user = userOf(request);
    return versionedPut<UserPreferences>(request, reply, dependencies, {
      target: 'preferences',
      mayWrite: () => null,
      parse: (body) => {
        const parsed = parseWith(putPreferencesBodySchema, body);
        return parsed.ok
          ? { ok: true, value: normalizeUserPreferences(parsed.value.preferences) }
          : parsed;
      },
      current: () => store.preferences(user.id),
      mayChange: (current, next) => preferencesChangeRefusal(user.role, current, next),
      write: (next) => store.writePreferences(user.id, next),
      answer: (version, preferences) => ({ version, preferences }),
      announce: (version, preferences, deviceId) => {
        hub.push(user.id, 'preferencesChanged', { version, preferences, deviceId }, deviceId);
      },
    });
  });
}
