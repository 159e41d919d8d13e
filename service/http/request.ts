import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { EventHub } from '../event-hub';
import type { ServiceStore, ServiceUser } from '../store';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user the bearer token belongs to; set by the auth hook on every /api route but health. */
    serviceUser: ServiceUser | null;
  }
}

/** What every route group is built over. */
export interface HttpApiDependencies {
  store: ServiceStore;
  hub: EventHub;
  /** The service's clock. */
  clock: Clock;
}

/** The signed-in user of a request on an authenticated route. */
export function userOf(request: FastifyRequest): ServiceUser {
  // The auth hook refuses every /api request without a user before a handler runs.
  if (!request.serviceUser) throw new Error('No authenticated user on an authenticated route');
  return request.serviceUser;
}

/** One header's value; of a repeated header, the first. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
