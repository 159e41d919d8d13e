import { describe, expect, it } from 'vitest';
import { defaultBusinessDefaults, defaultUserPreferences } from '../defaults';
import { recipientContext } from './context';
import { destinationFor } from './gates';

describe('recipientContext', () => {
  it("fills the context from the user's own fields: account email, backup phone, personal line", () => {
    const context = recipientContext({
      user: {
        id: 'user-ana',
        role: 'admin',
        email: 'ana@example.com',
        backupPhone: '+14155550100',
        personalLineId: 'line-ana',
      },
      lines: [],
      ringGroups: [],
      onCall: true,
      preferences: defaultUserPreferences('Europe/Paris'),
      business: defaultBusinessDefaults(),
      now: 1_000,
    });
    expect(context).toMatchObject({
      userId: 'user-ana',
      role: 'admin',
      accountEmail: 'ana@example.com',
      backupPhone: '+14155550100',
      personalLineId: 'line-ana',
      onCall: true,
      now: 1_000,
    });
    // Where email and texts go without addresses of their own: the account's.
    expect(destinationFor('email', context)).toBe('ana@example.com');
    expect(destinationFor('text', context)).toBe('+14155550100');
  });
});
