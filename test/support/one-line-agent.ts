import {
  defaultBusinessDefaults,
  defaultUserPreferences,
  recipientContext,
  type RecipientContext,
} from '../../common';

/**
 * Jordan, an agent with one personal line and product defaults: the event path's tests (the
 * pipeline, the event batch) decide every event for this recipient, at one fixed instant.
 */
export const oneLineAgent = {
  userId: 'user-jordan',
  lineId: 'line-jordan',
  now: Date.parse('2026-11-20T10:00:00.000Z'),
} as const;

export function oneLineAgentContext(): RecipientContext {
  return recipientContext({
    user: {
      id: oneLineAgent.userId,
      role: 'agent',
      email: 'jordan@example.com',
      backupPhone: null,
      personalLineId: oneLineAgent.lineId,
    },
    lines: [
      {
        id: oneLineAgent.lineId,
        name: 'Jordan',
        number: '+14155552603',
        ringGroupId: null,
        ownerUserId: oneLineAgent.userId,
      },
    ],
    ringGroups: [],
    onCall: false,
    preferences: defaultUserPreferences('UTC'),
    business: defaultBusinessDefaults(),
    now: oneLineAgent.now,
  });
}

/** What every service event for the agent carries, on their line, from one caller. */
export function oneLineAgentEnvelope(seq: number, id = `event-${seq}`) {
  return {
    id,
    seq,
    userId: oneLineAgent.userId,
    occurredAt: new Date(oneLineAgent.now).toISOString(),
    lineId: oneLineAgent.lineId,
    from: '+14155550100',
    contactName: 'Ann Lee',
  };
}
