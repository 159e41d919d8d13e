import type { FastifyInstance } from 'fastify';
import { registerBearerAuth } from './http/auth';
import { registerJsonBodyParser } from './http/json-body';
import { registerProtocolHeader } from './http/protocol';
import { refuseThrown, refuseUnknownRoute } from './http/refusal';
import type { HttpApiDependencies } from './http/request';
import { registerAppliedChangesRoutes } from './http/routes/applied-changes';
import { registerBusinessDefaultsRoutes } from './http/routes/business-defaults';
import { registerDiagnoseRoutes } from './http/routes/diagnose';
import { registerEventsRoutes } from './http/routes/events';
import { registerOutboxRoutes } from './http/routes/outbox';
import { registerPreferencesRoutes } from './http/routes/preferences';
import { registerPresenceRoutes } from './http/routes/presence';
import { registerProfileRoutes } from './http/routes/profile';
import { registerTeamRoutes } from './http/routes/team';
import { registerTestNotificationRoutes } from './http/routes/test-notification';

/** One group of routes, registered over the same dependencies. */
type RouteGroup = (app: FastifyInstance, dependencies: HttpApiDependencies) => void;

/** Every route group of the API, in the order of the README's route table. */
const routeGroups: readonly RouteGroup[] = [
  registerProfileRoutes,
  registerPreferencesRoutes,
  registerBusinessDefaultsRoutes,
  registerEventsRoutes,
  registerPresenceRoutes,
  registerOutboxRoutes,
  registerTestNotificationRoutes,
  registerAppliedChangesRoutes,
  registerTeamRoutes,
  registerDiagnoseRoutes,
];

/**
 * The HTTP API: the JSON body parser, the bearer-token check, the caller's protocol
 * (`X-Ringside-Protocol`), every route group, and the
 * answers for errors and unknown routes, each an `apiErrorSchema` refusal. The README's route
 * table is checked against the routes registered here (`readme.test.ts`).
 */
export function registerHttpApi(app: FastifyInstance, dependencies: HttpApiDependencies): void {
  registerJsonBodyParser(app);
  app.setErrorHandler(refuseThrown);
  app.setNotFoundHandler(refuseUnknownRoute);
  registerBearerAuth(app, dependencies.store);
  registerProtocolHeader(app);
  for (const register of routeGroups) register(app, dependencies);
}
