import { randomUUID } from 'node:crypto';
import {
  apiErrorSchema,
  currentProtocol,
  protocolHeader,
  teamSchema,
  versionedPreferencesSchema,
  type Team,
  type UserPreferences,
} from '../../common';
import { CompanionError } from './companion-api';

/**
 * The admins' calls to the service (issue 14): the team, and a member's preferences. Online
 * only, unlike the user's own settings (the sync engine's outbox): an admin acts on someone
 * else's document and sees the refusal at once. Refusals become `CompanionError`s with the
 * service's words.
 */
export interface TeamClient {
  team(): Promise<Team>;
  updateMemberPreferences(
    userId: string,
    version: number,
    preferences: UserPreferences,
  ): Promise<{ version: number }>;
}

export function createTeamClient(options: { serviceUrl: string; token: string }): TeamClient {
  const base = options.serviceUrl.replace(/\/+$/, '');

  async function call(path: string, init: RequestInit = {}): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${options.token}`,
          [protocolHeader]: String(currentProtocol),
          ...(init.headers as Record<string, string> | undefined),
        },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new CompanionError(
        'unavailable',
        `Cannot reach the service (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const payload: unknown = await response.json().catch(() => null);
    if (response.ok) return payload;
    const refusal = apiErrorSchema.safeParse(payload);
    const reason = refusal.success
      ? refusal.data.reason
      : `The service answered ${response.status}`;
    if (response.status === 403) throw new CompanionError('forbidden', reason);
    if (response.status === 400) {
      throw new CompanionError(
        'invalidArguments',
        reason,
        refusal.success ? refusal.data.fields : undefined,
      );
    }
    if (response.status === 412) {
      throw new CompanionError(
        'unavailable',
        'Changed meanwhile by the member or another admin: the team view reloads, then try again',
      );
    }
    throw new CompanionError('unavailable', reason);
  }

  return {
    async team() {
      const parsed = teamSchema.safeParse(await call('/api/team'));
      if (!parsed.success)
        throw new CompanionError('unavailable', 'The service answered an invalid team');
      return parsed.data;
    },
    async updateMemberPreferences(userId, version, preferences) {
      const answer = await call(`/api/members/${encodeURIComponent(userId)}/preferences`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'if-match': `"${version}"`,
          // One key per attempt: a retry of a lost answer is the admin's own click again.
          'idempotency-key': `member-${randomUUID()}`,
        },
        body: JSON.stringify({ preferences }),
      });
      const parsed = versionedPreferencesSchema.safeParse(answer);
      if (!parsed.success)
        throw new CompanionError('unavailable', 'The service answered an invalid document');
      return { version: parsed.data.version };
    },
  };
}
