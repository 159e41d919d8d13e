import type { FastifyInstance } from 'fastify';
import {
  diagnoseOnLine,
  diagnoseQuerySchema,
  isAdmin,
  parseWith,
  type DiagnoseAnswer,
} from '../../../common';
import { refuse, refuseInvalid } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';

/**
 * `GET /api/diagnose?alertType=…[&lineId=…][&userId=…]`: "why am I not getting these alerts?"
 * answered with the same `diagnose` the window runs, over the context the service decides
 * emails and texts with. An admin may ask about a member of their business.
 */
export function registerDiagnoseRoutes(
  app: FastifyInstance,
  { store, hub }: HttpApiDependencies,
): void {
  app.get('/api/diagnose', async (request, reply) => {
    const user = userOf(request);
    const query = parseWith(diagnoseQuerySchema, request.query);
    if (!query.ok) return refuseInvalid(reply, query.errors);
    const { alertType, lineId = null, userId = user.id } = query.value;
    if (userId !== user.id && !isAdmin(user.role)) {
      return refuse(reply, 'forbidden', "Only admins can diagnose another member's alerts");
    }
    const subject = userId === user.id ? user : store.user(userId);
    if (subject?.businessId !== user.businessId) {
      return refuse(reply, 'forbidden', `${userId} is not a member of your business`);
    }
    const context = hub.contextFor(subject);
    const diagnosis = diagnoseOnLine(alertType, context, lineId);
    if (!diagnosis) {
      return refuseInvalid(reply, [
        { path: 'lineId', message: `${lineId ?? ''} is not one of ${subject.name}'s lines` },
      ]);
    }
    const answer: DiagnoseAnswer = {
      userId: subject.id,
      lineId,
      now: context.now,
      onCall: context.onCall,
      diagnosis,
    };
    return answer;
  });
}
