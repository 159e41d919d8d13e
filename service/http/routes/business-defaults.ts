import type { FastifyInstance } from 'fastify';
import {
  describeFieldErrorsInline,
  isAdmin,
  parseWith,
  putBusinessDefaultsBodySchema,
  roleRefusals,
  type BusinessDefaults,
} from '../../../common';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

/** `GET` (anyone of the business) and `PUT` (admins) `/api/business-defaults`, versioned. */
export function registerBusinessDefaultsRoutes(
  app: FastifyInstance,
  dependencies: HttpApiDependencies,
): void {
  const { store, hub } = dependencies;

  app.get('/api/business-defaults', async (request, reply) => {
    const user = userOf(request);
    const { version, document } = store.businessDefaults(user.businessId);
    void reply.header('etag', etagOf(version));
    return { version, defaults: document };
  });

  app.put('/api/business-defaults', async (request, reply) => {
    const user = userOf(request);
    return versionedPut<BusinessDefaults>(request, reply, dependencies, {
      target: 'businessDefaults',
      mayWrite: () => (isAdmin(user.role) ? null : roleRefusals.businessDefaultsNeedAdmin),
      parse: (body) => {
        const parsed = parseWith(putBusinessDefaultsBodySchema, body);
        if (!parsed.ok) return parsed;
        // Recipients are people of this business: an unknown id would never receive anything.
        const members = new Set(store.usersOfBusiness(user.businessId).map((member) => member.id));
        const errors = parsed.value.defaults.recipients.flatMap((recipient, index) =>
          members.has(recipient.userId)
            ? []
            : [
                {
                  path: `defaults.recipients.${index}.userId`,
                  message: `${recipient.userId} is not a member of this business`,
                },
              ],
        );
        return errors.length === 0
          ? { ok: true, value: parsed.value.defaults }
          : { ok: false, errors, message: describeFieldErrorsInline(errors) };
      },
      current: () => store.businessDefaults(user.businessId),
      mayChange: () => null,
      write: (next) => store.writeBusinessDefaults(user.businessId, next),
      answer: (version, defaults) => ({ version, defaults }),
      announce: (version, defaults) => {
        for (const member of store.usersOfBusiness(user.businessId)) {
          hub.push(member.id, 'businessDefaultsChanged', { version, defaults });
        }
      },
    });
  });
}
