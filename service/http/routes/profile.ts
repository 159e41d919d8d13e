import type { FastifyInstance } from 'fastify';
import type { Profile } from '../../../common';
import { userOf, type HttpApiDependencies } from '../request';

/** `GET /api/health` (open to anyone) and `GET /api/me` (who the token signs in as). */
export function registerProfileRoutes(app: FastifyInstance, { store }: HttpApiDependencies): void {
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
}
