import type { FastifyInstance } from 'fastify';
import {
  businessLocks,
  isAdmin,
  preferencesChangeRefusal,
  changeAuthorProtocol,
  type Team,
  type UserPreferences,
} from '../../../common';
import type { ServiceUser } from '../../store';
import { parsePreferencesBody, preferencesFor } from '../preferences-body';
import { protocolOf } from '../protocol';
import { refuse } from '../refusal';
import { userOf, type HttpApiDependencies } from '../request';
import { versionedPut } from '../versioned-put';

/** The words of the team routes' refusals (403). */
export const teamRefusals = {
  teamNeedsAdmin: 'Only admins can see the team',
  memberSettingsNeedAdmin: "Only admins can change a member's settings",
  notAMember: (userId: string) => `${userId} is not a member of your business`,
} as const;

/**
 * `GET /api/team` (admins: every member of their business with what `diagnose` needs) and
 * `PUT /api/members/:userId/preferences` (admins: a member's preferences, recorded with who
 * changed them and pushed to the member's devices with `changedBy`).
 */
export function registerTeamRoutes(app: FastifyInstance, dependencies: HttpApiDependencies): void {
  const { store, hub, clock } = dependencies;

  app.get('/api/team', async (request, reply) => {
    const user = userOf(request);
    if (!isAdmin(user.role)) return refuse(reply, 'forbidden', teamRefusals.teamNeedsAdmin);
    const business = store.business(user.businessId);
    if (!business) throw new Error(`No business ${user.businessId}`);
    const defaults = store.businessDefaults(business.id);
    const team: Team = {
      business,
      defaultsVersion: defaults.version,
      defaults: defaults.document,
      lines: store.linesOfBusiness(business.id),
      ringGroups: store.ringGroupsOfBusiness(business.id),
      members: store.usersOfBusiness(business.id).map((member) => {
        const preferences = store.preferences(member.id);
        return {
          user: {
            id: member.id,
            name: member.name,
            email: member.email,
            role: member.role,
            backupPhone: member.backupPhone,
            personalLineId: member.personalLineId,
          },
          lineIds: store.linesOf(member).map((line) => line.id),
          ringGroupIds: store.ringGroupsOf(member.id).map((group) => group.id),
          onCall: member.onCall,
          preferencesVersion: preferences.version,
          preferences: preferences.document,
          lastChange: store.lastPreferencesChangeByOther(member.id),
        };
      }),
      now: clock.now(),
    };
    return team;
  });

  app.put<{ Params: { userId: string } }>(
    '/api/members/:userId/preferences',
    async (request, reply) => {
      const user = userOf(request);
      const protocol = protocolOf(request);
      const member: ServiceUser | null = store.user(request.params.userId);
      const business = () => store.businessDefaults(user.businessId).document;
      return versionedPut<UserPreferences>(request, reply, dependencies, {
        target: 'preferences',
        ownerUserId: request.params.userId,
        mayWrite: () => {
          if (!isAdmin(user.role)) return teamRefusals.memberSettingsNeedAdmin;
          if (member?.businessId !== user.businessId) {
            return teamRefusals.notAMember(request.params.userId.slice(0, 100));
          }
          return null;
        },
        parse: (body) =>
          parsePreferencesBody(
            body,
            business().country,
            () => store.preferences(request.params.userId).document,
          ),
        current: () => store.preferences(request.params.userId),
        // The member's role and locks: an admin may set what the member may receive, no more.
        mayChange: (current, next) =>
          member
            ? preferencesChangeRefusal(
                member.role,
                current,
                next,
                businessLocks(business(), { userId: member.id, role: member.role }),
              )
            : teamRefusals.notAMember(request.params.userId),
        write: (next) => store.writePreferences(request.params.userId, next),
        answer: (version, preferences) => ({
          version,
          preferences: preferencesFor(protocol, preferences),
        }),
        announce: (version, preferences, _deviceId, changedBy) => {
          const byOther = changedBy.userId !== request.params.userId;
          hub.push(request.params.userId, 'preferencesChanged', (device) => ({
            version,
            preferences: preferencesFor(device, preferences),
            // The admin's device is not one of the member's: every device of theirs hears it.
            deviceId: null,
            ...(byOther && device >= changeAuthorProtocol ? { changedBy } : {}),
          }));
        },
      });
    },
  );
}
