import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  decide,
  describeFieldErrorsInline,
  idSchema,
  injectEventBodySchema,
  isAdmin,
  normalizeUserPreferences,
  parseWith,
  preferencesChangeRefusal,
  prefixFieldErrors,
  presenceBodySchema,
  putBusinessDefaultsBodySchema,
  putPreferencesBodySchema,
  roleRefusals,
  testNotificationBodySchema,
  type ApiError,
  type AppliedChanges,
  type BusinessDefaults,
  type FieldError,
  type Profile,
  type TestNotificationResult,
  type UserPreferences,
} from '../common';
import { parseEventBody } from './event-body';
import type { EventHub } from './event-hub';
import type { ServiceStore, ServiceUser, Versioned } from './store';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user the bearer token belongs to; set by the auth hook on every /api route but health. */
    serviceUser: ServiceUser | null;
  }
}

export interface HttpApiDependencies {
  store: ServiceStore;
  hub: EventHub;
  now: () => number;
}

const statusOfError: Record<ApiError['error'], number> = {
  unauthorized: 401,
  forbidden: 403,
  invalid: 400,
  notFound: 404,
  preconditionFailed: 412,
  preconditionRequired: 428,
  conflict: 409,
  internal: 500,
};

/** Answers a refusal as an `apiErrorSchema` body. */
export function refuse(
  reply: FastifyReply,
  error: ApiError['error'],
  reason: string,
  extra: Partial<Pick<ApiError, 'fields' | 'current'>> = {},
  status = statusOfError[error],
): FastifyReply {
  const body: ApiError = { error, reason, ...extra };
  return reply.code(status).type('application/json').send(body);
}

function invalid(reply: FastifyReply, fields: FieldError[], prefix = ''): FastifyReply {
  const named = prefix ? prefixFieldErrors(fields, prefix) : fields;
  return refuse(reply, 'invalid', describeFieldErrorsInline(named), { fields: named });
}

function userOf(request: FastifyRequest): ServiceUser {
  // The auth hook refuses every /api request without a user before a handler runs.
  if (!request.serviceUser) throw new Error('No authenticated user on an authenticated route');
  return request.serviceUser;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `"7"`, `W/"7"` or a bare `7` → 7; `*` → 'any'; anything else (a list, an unbalanced quote, a
 * number beyond 15 digits) → null, which matches no version and so answers 412 like a stale one.
 */
function parseIfMatch(value: string): number | 'any' | null {
  const trimmed = value.trim();
  if (trimmed === '*') return 'any';
  const match = /^(?:(?:W\/)?"(\d{1,15})"|(\d{1,15}))$/.exec(trimmed);
  const digits = match?.[1] ?? match?.[2];
  return digits === undefined ? null : Number(digits);
}

const etagOf = (version: number) => `"${version}"`;

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'Idempotency keys are printable ASCII without spaces');

const eventsQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const outboxQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  afterId: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const appliedChangesQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  idempotencyKey: z.string().max(200).optional(),
});

interface VersionedPut<Document> {
  target: 'preferences' | 'businessDefaults';
  /** Checked before anything else (the caller may not write this document at all). */
  mayWrite: () => string | null;
  parse: (body: unknown) => ReturnType<typeof parseWith<z.ZodType<Document>>>;
  current: () => Versioned<Document>;
  /** Checked against the current document (role rules that depend on what changes). */
  mayChange: (current: Document, next: Document) => string | null;
  write: (next: Document) => number;
  answer: (version: number, document: Document) => unknown;
  /** Pushes after the change is committed. */
  announce: (version: number, document: Document, deviceId: string | null) => void;
}

/**
 * PUT with optimistic concurrency and exactly-once application. The order matters: an
 * Idempotency-Key seen before answers with the stored first response before If-Match is looked
 * at (a retry after a lost response carries a now-stale If-Match); everything from the check
 * to the commit is synchronous, so two requests cannot interleave.
 */
function versionedPut<Document>(
  request: FastifyRequest,
  reply: FastifyReply,
  dependencies: HttpApiDependencies,
  spec: VersionedPut<Document>,
): FastifyReply {
  const user = userOf(request);
  const refusal = spec.mayWrite();
  if (refusal) return refuse(reply, 'forbidden', refusal);

  const deviceHeader = headerValue(request, 'x-device-id');
  let deviceId: string | null = null;
  if (deviceHeader !== undefined) {
    const parsed = parseWith(idSchema, deviceHeader);
    if (!parsed.ok) return invalid(reply, parsed.errors, 'X-Device-Id');
    deviceId = parsed.value;
  }

  const keyHeader = headerValue(request, 'idempotency-key');
  let key: string | null = null;
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
  if (keyHeader !== undefined) {
    const parsed = parseWith(idempotencyKeySchema, keyHeader);
    if (!parsed.ok) return invalid(reply, parsed.errors, 'Idempotency-Key');
    key = parsed.value;
    const stored = dependencies.store.idempotentResponse(user.id, key);
    if (stored) {
      if (stored.requestHash !== requestHash) {
        return refuse(
          reply,
          'conflict',
          'This Idempotency-Key was already used for a different request',
        );
      }
      if (stored.etag) void reply.header('etag', stored.etag);
      return reply
        .code(stored.status)
        .header('idempotent-replayed', 'true')
        .type('application/json')
        .send(stored.body);
    }
  }

  const parsed = spec.parse(request.body);
  if (!parsed.ok) return invalid(reply, parsed.errors);

  const ifMatchHeader = headerValue(request, 'if-match');
  if (ifMatchHeader === undefined) {
    return refuse(reply, 'preconditionRequired', 'Send If-Match with the version you edited');
  }
  const current = spec.current();
  const ifMatch = parseIfMatch(ifMatchHeader);
  if (ifMatch !== 'any' && ifMatch !== current.version) {
    void reply.header('etag', etagOf(current.version));
    return refuse(
      reply,
      'preconditionFailed',
      `Changed elsewhere: the current version is ${current.version}`,
      { current: current.version },
    );
  }
  const changeRefusal = spec.mayChange(current.document, parsed.value);
  if (changeRefusal) return refuse(reply, 'forbidden', changeRefusal);

  const at = new Date(dependencies.now()).toISOString();
  const { version, body } = dependencies.store.transaction(() => {
    const version = spec.write(parsed.value);
    const body = JSON.stringify(spec.answer(version, parsed.value));
    dependencies.store.recordAppliedChange({
      userId: user.id,
      target: spec.target,
      version,
      idempotencyKey: key,
      appliedAt: at,
    });
    if (key) {
      dependencies.store.recordIdempotentResponse(
        user.id,
        key,
        { requestHash, status: 200, etag: etagOf(version), body },
        at,
      );
    }
    return { version, body };
  });
  spec.announce(version, parsed.value, deviceId);
  return reply.code(200).header('etag', etagOf(version)).type('application/json').send(body);
}

/** Every /api route of the service. The README's route table is checked against these. */
export function registerHttpApi(app: FastifyInstance, dependencies: HttpApiDependencies): void {
  const { store, hub } = dependencies;

  app.decorateRequest('serviceUser', null);
  app.addHook('onRequest', async (request, reply) => {
    // Decided by the matched route, not the raw URL: no spelling of a path can skip the check.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/') || route === '/api/health') return;
    const header = headerValue(request, 'authorization');
    if (!header) {
      return refuse(reply, 'unauthorized', 'Missing Authorization: Bearer <token> header');
    }
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
    const user = match?.[1] ? store.userByToken(match[1]) : null;
    if (!user) return refuse(reply, 'unauthorized', 'Unknown or malformed bearer token');
    request.serviceUser = user;
    return undefined;
  });

  app.get('/api/health', () => ({ ok: true }));

  app.get('/api/me', (request) => {
    const user = userOf(request);
    const business = store.business(user.businessId);
    const profile: Profile = {
      user: {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        backupPhone: user.backupPhone,
        personalLineId: user.personalLineId,
      },
      business: { id: user.businessId, name: business?.name ?? user.businessId },
      lines: store.linesOf(user),
      ringGroups: store.ringGroupsOf(user.id),
      team: store
        .usersOfBusiness(user.businessId)
        .map((member) => ({ id: member.id, name: member.name, role: member.role })),
    };
    return profile;
  });

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
          : {
              ok: false,
              errors,
              message: describeFieldErrorsInline(errors),
            };
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

  app.get('/api/events', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(eventsQuerySchema, request.query);
    if (!query.ok) return invalid(reply, query.errors);
    return {
      events: store.eventsAfter(user.id, query.value.afterSeq, query.value.limit),
      lastSeq: store.lastSeq(user.id),
    };
  });

  app.post('/api/events', async (request, reply) => {
    const user = userOf(request);
    if (!isAdmin(user.role)) return refuse(reply, 'forbidden', roleRefusals.injectionNeedsAdmin);
    const parsed = parseWith(injectEventBodySchema, request.body);
    if (!parsed.ok) return invalid(reply, parsed.errors);
    const body = parseEventBody(parsed.value.event);
    if (!body.ok) return invalid(reply, body.errors);
    const targets =
      parsed.value.userId === '*'
        ? store.usersOfBusiness(user.businessId)
        : [store.user(parsed.value.userId)].filter(
            (candidate): candidate is ServiceUser =>
              candidate !== null && candidate.businessId === user.businessId,
          );
    if (targets.length === 0) {
      return invalid(reply, [
        { path: 'userId', message: `No user ${parsed.value.userId} in your business` },
      ]);
    }
    const events = targets.map((target) => hub.emit(target, body.value, parsed.value.occurredAt));
    return {
      events: events.map((event) => ({ id: event.id, seq: event.seq, userId: event.userId })),
    };
  });

  app.post('/api/presence', async (request, reply) => {
    const user = userOf(request);
    const parsed = parseWith(presenceBodySchema, request.body);
    if (!parsed.ok) return invalid(reply, parsed.errors);
    const targetId = parsed.value.userId ?? user.id;
    if (targetId !== user.id && !isAdmin(user.role)) {
      return refuse(reply, 'forbidden', "Only admins can set another user's presence");
    }
    const target = store.user(targetId);
    if (!target || target.businessId !== user.businessId) {
      return invalid(reply, [{ path: 'userId', message: `No user ${targetId} in your business` }]);
    }
    store.setOnCall(target.id, parsed.value.onCall);
    hub.push(target.id, 'presence', { onCall: parsed.value.onCall });
    return { userId: target.id, onCall: parsed.value.onCall };
  });

  app.get('/api/outbox', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(outboxQuerySchema, request.query);
    if (!query.ok) return invalid(reply, query.errors);
    const wanted = query.value.userId ?? (isAdmin(user.role) ? null : user.id);
    if (wanted !== user.id && !isAdmin(user.role)) {
      return refuse(reply, 'forbidden', "Only admins can read another user's outbox");
    }
    const entries = store.outbox({
      businessId: user.businessId,
      userId: wanted,
      afterId: query.value.afterId,
      limit: query.value.limit,
    });
    return { entries, lastId: entries.at(-1)?.id ?? query.value.afterId };
  });

  app.get('/api/debug/applied-changes', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(appliedChangesQuerySchema, request.query);
    if (!query.ok) return invalid(reply, query.errors);
    const userId = query.value.userId ?? (isAdmin(user.role) ? undefined : user.id);
    if (userId !== user.id && !isAdmin(user.role)) {
      return refuse(reply, 'forbidden', "Only admins can read another user's changes");
    }
    const result: AppliedChanges = {
      changes: store.appliedChanges({
        businessId: user.businessId,
        ...(userId === undefined ? {} : { userId }),
        ...(query.value.idempotencyKey === undefined
          ? {}
          : { idempotencyKey: query.value.idempotencyKey }),
      }),
    };
    return result;
  });

  app.post('/api/test-notification', async (request, reply) => {
    const user = userOf(request);
    const parsed = parseWith(testNotificationBodySchema, request.body);
    if (!parsed.ok) return invalid(reply, parsed.errors);
    const { channel } = parsed.value;
    const title = 'Sample notification from Ringside';
    if (channel === 'desktop' || channel === 'inApp') {
      const sent = hub.push(user.id, 'testNotification', { channel, title });
      const result: TestNotificationResult = {
        channel,
        delivered: sent > 0,
        destination: null,
        reason: sent > 0 ? null : 'None of your devices is connected',
      };
      return result;
    }
    // The sample is a mention with every per-type switch on and nothing muted, so the only
    // reasons left are the channel's own: allowed by the business, on for the user, a destination.
    const context = hub.contextFor(user);
    const sampleContext = {
      ...context,
      onCall: false,
      preferences: {
        ...context.preferences,
        alerts: { ...context.preferences.alerts, mention: true },
        mutes: { lines: [], doNotDisturb: { enabled: false, until: null } },
        quietHours: { ...context.preferences.quietHours, enabled: false },
      },
      business: {
        ...context.business,
        alerts: {
          ...context.business.alerts,
          mention: {
            enabled: true,
            channels: { desktop: true, inApp: true, email: true, text: true },
          },
        },
      },
    };
    const sample = {
      kind: 'mention' as const,
      id: `sample-${Date.now()}`,
      occurredAt: new Date(context.now).toISOString(),
      byName: 'Ringside',
      conversation: 'Notification settings',
      excerpt: 'This is a sample notification: your settings work.',
    };
    const decision = decide(sample, sampleContext);
    const delivery = decision.deliveries.find((candidate) => candidate.channel === channel);
    if (!delivery?.destination) {
      const suppression = decision.suppressed.find((candidate) => candidate.channel === channel);
      const result: TestNotificationResult = {
        channel,
        delivered: false,
        destination: null,
        reason: suppression?.explanation ?? 'Nowhere to send it',
      };
      return result;
    }
    store.appendOutbox({
      userId: user.id,
      eventId: null,
      channel,
      destination: delivery.destination,
      sender:
        channel === 'email'
          ? context.business.notificationEmail
          : context.business.notificationPhone,
      subject: channel === 'email' ? title : null,
      body: `${title}: ${sample.excerpt}`,
      createdAt: new Date(context.now).toISOString(),
    });
    const result: TestNotificationResult = {
      channel,
      delivered: true,
      destination: delivery.destination,
      reason: null,
    };
    return result;
  });
}
