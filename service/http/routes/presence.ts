import type { FastifyInstance } from 'fastify';
import { isAdmin, parseWith, presenceBodySchema } from '../../../common';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

/** `POST /api/presence`: sets who is on a call (the caller; admins: anyone of their business). */
export function registerPresenceRoutes(
  app: FastifyInstance,
  { store, hub }: HttpApiDependencies,
): void {
  app.post('/api/presence', async (request, reply) => {
    const user = userOf(request);
    const parsed = parseWith(presenceBodySchema, request.body);
    if (!parsed.ok) return refuseInvalid(reply, parsed.errors);
    const targetId = parsed.value.userId ?? user.id;
    if (targetId !== user.id && !isAdmin(user.role)) {
      return refuse(reply, 'forbidden', "Only admins can set another user's presence");
    }
    const target = store.user(targetId);
    if (!target || target.businessId !== user.businessId) {
      return refuseInvalid(reply, [
        { path: 'userId', message: `No user ${targetId} in your business` },
      ]);
    }
    store.setOnCall(target.id, parsed.value.onCall);
    hub.push(target.id, 'presence', { onCall: parsed.value.onCall });
    return { userId: target.id, onCall: parsed.value.onCall };
  });
}
