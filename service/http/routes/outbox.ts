import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema, isAdmin, parseWith } from '../../../common';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

const outboxQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  afterId: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * `GET /api/outbox`: the emails and texts the service "sent", for tests and the demo to read
 * back. A user reads their own; an admin reads every user of their business (or one of them),
 * never another business.
 */
export function registerOutboxRoutes(app: FastifyInstance, { store }: HttpApiDependencies): void {
  app.get('/api/outbox', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(outboxQuerySchema, request.query);
    if (!query.ok) return refuseInvalid(reply, query.errors);
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
}
