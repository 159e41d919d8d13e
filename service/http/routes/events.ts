import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  injectEventBodySchema,
  isAdmin,
  outcomeForProtocol,
  parseWith,
  roleRefusals,
} from '../../../common';
import { callStateRecipients } from '../../call-recipients';
import { parseEventBody } from '../../event-body';
import type { ServiceUser } from '../../store';
import { protocolOf } from '../protocol';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

const eventsQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** `GET /api/events` (the caller's stream, paged) and `POST /api/events` (admins inject). */
export function registerEventsRoutes(
  app: FastifyInstance,
  { store, hub }: HttpApiDependencies,
): void {
  app.get('/api/events', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(eventsQuerySchema, request.query);
    if (!query.ok) return refuseInvalid(reply, query.errors);
    const protocol = protocolOf(request);
    return {
      // Held and digested deliveries read as notSent and sent before protocol 3.
      events: store
        .eventsAfter(user.id, query.value.afterSeq, query.value.limit)
        .map((event) =>
          event.outcome
            ? { ...event, outcome: outcomeForProtocol(event.outcome, protocol) }
            : event,
        ),
      lastSeq: store.lastSeq(user.id),
      epoch: store.epoch(),
    };
  });

  app.post('/api/events', async (request, reply) => {
    const user = userOf(request);
    if (!isAdmin(user.role)) return refuse(reply, 'forbidden', roleRefusals.injectionNeedsAdmin);
    const parsed = parseWith(injectEventBodySchema, request.body);
    if (!parsed.ok) return refuseInvalid(reply, parsed.errors);
    const body = parseEventBody(parsed.value.event);
    if (!body.ok) return refuseInvalid(reply, body.errors);
    const targets =
      parsed.value.userId === '*'
        ? store.usersOfBusiness(user.businessId)
        : [store.user(parsed.value.userId)].filter(
            (candidate): candidate is ServiceUser =>
              candidate !== null && candidate.businessId === user.businessId,
          );
    if (targets.length === 0) {
      return refuseInvalid(reply, [
        { path: 'userId', message: `No user ${parsed.value.userId} in your business` },
      ]);
    }
    // A call's change of state also reaches every member who got it ringing (ring groups).
    const events = callStateRecipients(store, body.value, targets).map((target) =>
      hub.emit(target, body.value, parsed.value.occurredAt),
    );
    return {
      events: events.map((event) => ({ id: event.id, seq: event.seq, userId: event.userId })),
    };
  });
}
