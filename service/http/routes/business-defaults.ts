import type { FastifyInstance } from 'fastify';
import {
  businessDefaultsV1View,
  describeFieldErrorsInline,
  isAdmin,
  isBusinessDefaultsV1,
  parseWith,
  preferencesV2Protocol,
  putBusinessDefaultsBodySchema,
  putBusinessDefaultsV1BodySchema,
  roleRefusals,
  upgradeBusinessDefaults,
  type BusinessDefaults,
  type FieldError,
  type ParseResult,
} from '../../../common';
import { protocolOf } from '../protocol';
import { readTypedNumber, withNumberError } from '../typed-numbers';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

/** The document as a caller of `protocol` reads it: version 1 before protocol 3. */
function defaultsFor(protocol: number, defaults: BusinessDefaults): unknown {
  return protocol >= preferencesV2Protocol ? defaults : businessDefaultsV1View(defaults);
}

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
    return { version, defaults: defaultsFor(protocolOf(request), document) };
  });

  app.put('/api/business-defaults', async (request, reply) => {
    const user = userOf(request);
    const protocol = protocolOf(request);
    return versionedPut<BusinessDefaults>(request, reply, dependencies, {
      target: 'businessDefaults',
      mayWrite: () => (isAdmin(user.role) ? null : roleRefusals.businessDefaultsNeedAdmin),
      parse: (body): ParseResult<BusinessDefaults> => {
        const current = store.businessDefaults(user.businessId).document;
        // A copy: the request body is also what the Idempotency-Key's hash is of.
        const copy: unknown = structuredClone(body);
        // A number typed without a country code is read in the country the body sets, if any.
        const bodyCountry = (copy as { defaults?: { country?: unknown } } | null)?.defaults
          ?.country;
        const numberError = readTypedNumber(
          copy,
          ['defaults', 'notificationPhone'],
          typeof bodyCountry === 'string' ? bodyCountry : current.country,
          'textSender',
        );
        let defaults: BusinessDefaults;
        if (isBusinessDefaultsV1((copy as { defaults?: unknown } | null)?.defaults)) {
          // An older companion: no mandatory channels, no country; keep the stored ones.
          const parsed = withNumberError(
            parseWith(putBusinessDefaultsV1BodySchema, copy),
            numberError,
          );
          if (!parsed.ok) return parsed;
          defaults = upgradeBusinessDefaults(parsed.value.defaults, current);
        } else {
          const parsed = withNumberError(
            parseWith(putBusinessDefaultsBodySchema, copy),
            numberError,
          );
          if (!parsed.ok) return parsed;
          defaults = parsed.value.defaults;
        }
        // Recipients are people of this business: an unknown id would never receive anything.
        const members = new Set(store.usersOfBusiness(user.businessId).map((member) => member.id));
        const errors: FieldError[] = defaults.recipients.flatMap((recipient, index) =>
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
          ? { ok: true, value: defaults }
          : { ok: false, errors, message: describeFieldErrorsInline(errors) };
      },
      current: () => store.businessDefaults(user.businessId),
      mayChange: () => null,
      write: (next) => store.writeBusinessDefaults(user.businessId, next),
      answer: (version, defaults) => ({ version, defaults: defaultsFor(protocol, defaults) }),
      announce: (version, defaults) => {
        for (const member of store.usersOfBusiness(user.businessId)) {
          hub.push(member.id, 'businessDefaultsChanged', (device) => ({
            version,
            defaults: defaultsFor(device, defaults),
          }));
        }
      },
    });
  });
}
