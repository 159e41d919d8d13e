import type { FastifyInstance } from 'fastify';
import {
  businessLocks,
  deviceNameHeader,
  preferencesChangeRefusal,
  changeAuthorProtocol,
  writtenByDeviceHeader,
  type UserPreferences,
} from '../../../common';
import { parsePreferencesBody, preferencesFor } from '../preferences-body';
import { protocolOf } from '../protocol';
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
    // Where this version came from, when the user wrote it from a device that said (issue 14 §6).
    const writer = store.preferencesWriter(user.id, version);
    if (writer?.actorUserId === user.id && writer.deviceId !== null) {
      void reply.header(writtenByDeviceHeader, writer.deviceId);
      if (writer.deviceName !== null) {
        void reply.header(deviceNameHeader, encodeURIComponent(writer.deviceName));
      }
    }
    return { version, preferences: preferencesFor(protocolOf(request), document) };
  });

  app.put('/api/preferences', async (request, reply) => {
    const user = userOf(request);
    const protocol = protocolOf(request);
    const business = () => store.businessDefaults(user.businessId).document;
    return versionedPut<UserPreferences>(request, reply, dependencies, {
      target: 'preferences',
      mayWrite: () => null,
      parse: (body) =>
        parsePreferencesBody(body, business().country, () => store.preferences(user.id).document),
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
      announce: (version, preferences, deviceId, _changedBy, deviceName) => {
        hub.push(
          user.id,
          'preferencesChanged',
          (device) => ({
            version,
            preferences: preferencesFor(device, preferences),
            deviceId,
            // Protocol 4 reads the writer's name; an older device's strict schema would not.
            ...(deviceName !== null && device >= changeAuthorProtocol ? { deviceName } : {}),
          }),
          deviceId,
        );
      },
    });
  });
}
