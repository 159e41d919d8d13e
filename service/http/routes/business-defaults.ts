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
  readPhoneNumber,
  roleRefusals,
  upgradeBusinessDefaults,
  type BusinessDefaults,
  type FieldError,
  type ParseResult,
} from '../../../common';
import { protocolOf } from '../protocol';
import { userOf, type HttpApiDependencies } from '../request';
import { etagOf, versionedPut } from '../versioned-put';

/** The document as a caller of `protocol` reads it: version 1 before protocol 3. */
function defaultsFor(protocol: number, defaults: BusinessDefaults): unknown {
  return protocol >= preferencesV2Protocol ? defaults : businessDefaultsV1View(defaults);
}

/**
 * Reads the business phone as people type it ("(415) 555-2671" in a US business; the country
 * is the one the body sets, else the stored one) into E.164, in place in `body` (a copy of the
 * request's); returns why it cannot send texts, or null. Non-strings are left to the schema.
 */
function readBusinessPhone(body: unknown, storedCountry: string): string | null {
  const defaults = (body as { defaults?: unknown } | null)?.defaults;
  if (typeof defaults !== 'object' || defaults === null) return null;
  const fields = defaults as Record<string, unknown>;
  const typed = fields['notificationPhone'];
  if (typeof typed !== 'string') return null;
  const country = typeof fields['country'] === 'string' ? fields['country'] : storedCountry;
  const reading = readPhoneNumber(typed, country, 'textSender');
  if (!reading.ok) return reading.message;
  fields['notificationPhone'] = reading.e164;
  return null;
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
        const phoneRefusal = readBusinessPhone(copy, current.country);
        if (phoneRefusal !== null) {
          const errors = [{ path: 'defaults.notificationPhone', message: phoneRefusal }];
          return { ok: false, errors, message: describeFieldErrorsInline(errors) };
        }
        let defaults: BusinessDefaults;
        if (isBusinessDefaultsV1((copy as { defaults?: unknown } | null)?.defaults)) {
          // An older companion: no mandatory channels, no country; keep the stored ones.
          const parsed = parseWith(putBusinessDefaultsV1BodySchema, copy);
          if (!parsed.ok) return parsed;
          defaults = upgradeBusinessDefaults(parsed.value.defaults, current);
        } else {
          const parsed = parseWith(putBusinessDefaultsBodySchema, copy);
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
