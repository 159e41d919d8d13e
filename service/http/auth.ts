import type { FastifyInstance } from 'fastify';
import type { ServiceStore } from '../store';
import { refuse } from './refusal';
import { headerValue } from './request';

/**
 * Signs every /api request but `/api/health` in by its bearer token, or refuses it with 401
 * before any handler runs. Decided by the matched route, not the raw URL, so no spelling of a
 * path can skip the check.
 */
export function registerBearerAuth(app: FastifyInstance, store: ServiceStore): void {
  app.decorateRequest('serviceUser', null);
  app.addHook('onRequest', async (request, reply) => {
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
}
