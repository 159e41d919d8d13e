import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idSchema, isAdmin, parseWith, type AppliedChanges } from '../../../common';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

const appliedChangesQuerySchema = z.strictObject({
  userId: idSchema.optional(),
  idempotencyKey: z.string().max(200).optional(),
});

/**
 * `GET /api/debug/applied-changes`: every applied PUT, so tests can assert each change was
 * applied once. A user reads their own; an admin reads every user of their business.
 */
export function registerAppliedChangesRoutes(
  app: FastifyInstance,
  { store }: HttpApiDependencies,
): void {
  app.get('/api/debug/applied-changes', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(appliedChangesQuerySchema, request.query);
    if (!query.ok) return refuseInvalid(reply, query.errors);
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
}
