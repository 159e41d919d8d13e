import { describe, expect, it } from 'vitest';
import {
  defaultUserPreferences,
  normalizeUserPreferences,
  userPreferencesSchema,
  type UserPreferences,
} from '../../../common';
import type { OutboxEntry } from '../store/repositories';
import { compose, localCopy, type DocumentShape } from './documents';

const preferences: DocumentShape<UserPreferences> = {
  name: 'preferences',
  schema: userPreferencesSchema,
  normalize: normalizeUserPreferences,
};
const server = defaultUserPreferences();

function entry(id: number, changes: Record<string, unknown>, extra: Partial<OutboxEntry> = {}) {
  return {
    id,
    idempotencyKey: `key-${id}`,
    document: 'preferences' as const,
    changes,
    baseVersion: 1,
    createdAt: 0,
    attempts: 0,
    ...extra,
  };
}

describe('compose: a document with changes applied, or null', () => {
  it.each([
    { rule: 'a valid change applies', changes: { leadScoreThreshold: 70 }, valid: true },
    { rule: 'an invalid value gives null', changes: { leadScoreThreshold: 900 }, valid: false },
    { rule: 'an unknown field gives null', changes: { 'alerts.unknownType': true }, valid: false },
    { rule: 'a forbidden path gives null', changes: { '__proto__.polluted': true }, valid: false },
  ])('$rule', ({ changes, valid }) => {
    const composed = compose(preferences, server, changes);
    expect(composed !== null).toBe(valid);
    if (composed) expect(composed.leadScoreThreshold).toBe(70);
  });

  it('normalizes the result: a text channel that is off does not use the custom number', () => {
    const composed = compose(preferences, server, { 'channels.text.useCustomNumber': true });
    expect(server.channels.text.enabled).toBe(false);
    expect(composed?.channels.text.useCustomNumber).toBe(false);
  });
});

describe('localCopy: the server copy with the pending entries applied in order', () => {
  it.each([
    {
      rule: 'entries apply in order, the later value winning',
      pending: [entry(1, { leadScoreThreshold: 60 }), entry(2, { leadScoreThreshold: 70 })],
      threshold: 70,
    },
    {
      rule: 'an entry that no longer applies is skipped, the others kept',
      pending: [entry(1, { leadScoreThreshold: 60 }), entry(2, { leadScoreThreshold: 900 })],
      threshold: 60,
    },
    {
      rule: 'another document’s entries are not applied',
      pending: [entry(1, { leadScoreThreshold: 60 }, { document: 'businessDefaults' })],
      threshold: server.leadScoreThreshold,
    },
  ])('$rule', ({ pending, threshold }) => {
    expect(localCopy(preferences, server, pending).leadScoreThreshold).toBe(threshold);
  });
});
